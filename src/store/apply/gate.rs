//! The self-check as a gate (DOMAIN.md §8): 定稿, a notice, and a phase move that skips
//! phases run it inside the command. With failures the step is refused, naming them, unless
//! the command carries `override_reason` from the project's lead or a named store admin; the
//! override is then kept in the `overrides` tree (the audit record keeps the command with its
//! reason). Warnings never block.

use super::*;
use crate::domain::selfcheck::{Gate, Override, Row, Scope, SelfCheck, run};
use crate::store::selfcheck::gather_tx;

/// Failing rules shown in a refusal, and rows shown under each.
const ROWS_SHOWN: usize = 3;

/// The self-check `gate` runs: the rules of `scope` (none: only the phases skipped).
pub(super) fn check(tx: &Tx, templates: &Templates, p: &Project, scope: Option<&Scope>, skipped: &[Phase]) -> Result<SelfCheck> {
    let mut check = match scope {
        Some(scope) => run(&gather_tx(tx, templates, p)?, scope),
        None => SelfCheck { project: p.code.clone(), lines: vec![] },
    };
    if !skipped.is_empty() {
        let names: Vec<&str> = skipped.iter().map(|s| s.label()).collect();
        let what = format!("从“{}”直接跳到下一步，跳过了 {}", p.phase.label(), names.join("、"));
        check.push_failure("phase.skip", "阶段逐步推进，不跳过", vec![Row { at: p.label(), what, target: Default::default() }]);
    }
    Ok(check)
}

/// Refuses the step when `check` has failures and no override is given; with an override from
/// the lead or a named admin, returns it to be kept (`keep`) once the step is done.
pub(super) fn pass(
    tx: &Tx,
    ctx: &Ctx,
    p: &Project,
    gate: Gate,
    check: &SelfCheck,
    reason: Option<&str>,
    example: &str,
) -> Result<Option<Override>> {
    if !check.has_failures() {
        return Ok(None);
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let Some(reason) = reason else {
        return Err(Error::SelfCheck {
            what: p.label(),
            step: gate.label(),
            failures: check.failure_text(ROWS_SHOWN),
            fix: format!(
                "逐项修正后再试（jixiao check --project {} 列出全部）；确需带着这些问题继续，由项目负责人（{}）或数据库管理员在命令中写明理由（override_reason），如 {example}",
                p.code, p.team.lead
            ),
        });
    };
    let role = if p.team.lead == ctx.actor {
        "负责人"
    } else if crate::store::roles::admins(tx)?.contains(&ctx.actor) {
        "管理员"
    } else {
        return Err(Error::Forbidden {
            action: format!("带着未通过的自检{}（override_reason）", gate.label()),
            role: format!("{} 的项目负责人（{}）或数据库管理员", p.code, p.team.lead),
            actor: ctx.actor.clone(),
        });
    };
    Ok(Some(Override::new(gate, check, reason, (&ctx.actor, role), ctx.now, ctx.today)))
}

/// Appends an override to the project's list.
pub(super) fn keep(tx: &Tx, project: u64, o: Override) -> Result<()> {
    let mut list = tx.overrides(project)?;
    list.push(o);
    tx.put_overrides(project, &list)
}

/// The phases strictly between `from` and `to` when moving forward by more than one step.
pub(super) fn skipped(from: Phase, to: Phase) -> Vec<Phase> {
    Phase::ALL.into_iter().filter(|ph| *ph > from && *ph < to).collect()
}
