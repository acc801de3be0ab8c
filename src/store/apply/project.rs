//! Projects: creating one, its facts, team, phase, archive and result use.

use super::*;
use crate::domain::selfcheck::Override;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx, templates: &Templates) -> Result<Applied> {
    match cmd {
        Command::CreateProject { code, name, kind, fiscal_year, unit, amount, fund_notes, lead, members, third_party, template } => {
            let code = code.trim().to_string();
            if tx.code_taken(&code)? {
                return Err(Error::AlreadyExists { what: "项目编号".into(), key: code });
            }
            let template_name = template.clone().unwrap_or_else(|| kind.default_template().to_string());
            let tpl = templates.get(&template_name)?;
            let id = tx.next_seq(b"seq/project")?;
            let meta = Meta::new(&ctx.actor, ctx.now);
            let project = Project {
                id,
                code: code.clone(),
                name: name.trim().to_string(),
                kind: *kind,
                fiscal_year: *fiscal_year,
                unit: unit.trim().to_string(),
                amount: *amount,
                fund_notes: clean_list(fund_notes),
                team: Team { lead: lead.clone().unwrap_or_else(|| ctx.actor.clone()), members: clean_list(members), observers: vec![] },
                third_party: third_party.clone().filter(|s| !s.trim().is_empty()),
                phase: Phase::Prepare,
                template: template_name,
                result_use: None,
                reopen_log: vec![],
                meta: meta.clone(),
            };
            project.validate()?;
            let tree = tpl.instantiate(id, meta);
            tx.put_project(None, &project)?;
            tx.put_tree(&tree)?;
            let mut a = done(id, 1, vec![touch(RecordKind::Project, id, 0, 1), touch(RecordKind::Tree, id, 0, 1)]);
            a.outcome.key = Some(code);
            Ok(a)
        }
        Command::UpdateProject { project, expected_version, name, unit, kind, fiscal_year, amount, fund_notes, third_party } => {
            edit_project(tx, ctx, project, *expected_version, |p| {
                if let Some(v) = name {
                    p.name = v.trim().to_string();
                }
                if let Some(v) = unit {
                    p.unit = v.trim().to_string();
                }
                if let Some(v) = kind {
                    p.kind = *v;
                }
                if let Some(v) = fiscal_year {
                    p.fiscal_year = *v;
                }
                if let Some(v) = amount {
                    p.amount = *v;
                }
                if let Some(v) = fund_notes {
                    p.fund_notes = clean_list(v);
                }
                if let Some(v) = third_party {
                    p.third_party = Some(v.trim().to_string()).filter(|s| !s.is_empty());
                }
                Ok(())
            })
        }
        Command::SetTeam { project, expected_version, lead, members, observers } => {
            edit_project(tx, ctx, project, *expected_version, |p| {
                p.team = Team { lead: lead.trim().to_string(), members: clean_list(members), observers: clean_list(observers) };
                Ok(())
            })
        }
        Command::SetPhase { project, expected_version, phase, override_reason } => {
            if *phase == Phase::Archived {
                return Err(Error::invalid(format!("项目 {project}"), "phase", "归档请用 archive_project（归档后只读）"));
            }
            let current = tx.project_by_code(project)?;
            super::report::check_phase_move(tx, &current, *phase)?;
            let passed = phase_gate(tx, ctx, templates, &current, *phase, override_reason.as_deref())?;
            let mut a = edit_project(tx, ctx, project, *expected_version, |p| {
                p.phase = *phase;
                Ok(())
            })?;
            // 定稿 issues the evaluation report (its number, date and the revision as printed).
            if *phase == Phase::Final
                && let Some(t) = super::report::issue_at_final(tx, ctx, templates, &tx.project_by_code(project)?)?
            {
                a.touched.push(t);
            }
            if let Some(o) = passed {
                super::gate::keep(tx, current.id, o)?;
            }
            Ok(a)
        }
        Command::ArchiveProject { project, expected_version } => edit_project(tx, ctx, project, *expected_version, |p| {
            p.phase = Phase::Archived;
            Ok(())
        }),
        Command::RecordDossier { project, dir, manifest_sha256 } => {
            let p = tx.project_by_code(project)?;
            if !p.is_archived() {
                return Err(Error::IllegalTransition { what: p.label(), state: p.phase.label().into(), action: "记录归档包".into() });
            }
            let hex = manifest_sha256.len() == 64 && manifest_sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
            if !hex {
                return Err(Error::invalid(p.label(), "manifest_sha256", "应为 64 位小写十六进制（sha256）"));
            }
            if dir.trim().is_empty() {
                return Err(Error::invalid(p.label(), "dir", "归档包的目录不能为空"));
            }
            let mut list = tx.dossiers(p.id)?;
            list.push(crate::domain::project::DossierNote {
                dir: dir.trim().to_string(),
                manifest_sha256: manifest_sha256.clone(),
                by: ctx.actor.clone(),
                at: ctx.now,
            });
            tx.put_dossiers(p.id, &list)?;
            Ok(done(p.id, list.len() as u64, vec![touch(RecordKind::Project, p.id, p.meta.version, p.meta.version)]))
        }
        Command::ReopenProject { project, reason, expected_version } => {
            let mut p = tx.project_by_code(project)?;
            p.meta.check(&p.label(), *expected_version)?;
            if !p.is_archived() {
                return Err(Error::IllegalTransition { what: p.label(), state: p.phase.label().into(), action: "重新打开".into() });
            }
            if reason.trim().is_empty() {
                return Err(Error::invalid(p.label(), "reason", "重新打开已归档项目需要说明理由"));
            }
            let before = p.clone();
            p.phase = Phase::Rectification;
            p.reopen_log.push(format!("{} {}：{}", ctx.today, ctx.actor, reason.trim()));
            p.meta.touch(&ctx.actor, ctx.now);
            tx.put_project(Some(&before), &p)?;
            Ok(done(p.id, p.meta.version, vec![touch(RecordKind::Project, p.id, before.meta.version, p.meta.version)]))
        }
        Command::SetResultUse { project, expected_version, recommendation, amount, reason, published_on } => {
            edit_project(tx, ctx, project, *expected_version, |p| {
                p.result_use = Some(ResultUse {
                    recommendation: *recommendation,
                    amount: *amount,
                    reason: reason.trim().to_string(),
                    published_on: *published_on,
                });
                Ok(())
            })
        }
        _ => Err(misrouted(cmd)),
    }
}

/// 定稿 (reached or passed from before it) runs the whole self-check; a move forward by more
/// than one step fails for the phases skipped. The override to keep, if one was needed.
fn phase_gate(tx: &Tx, ctx: &Ctx, templates: &Templates, p: &Project, to: Phase, reason: Option<&str>) -> Result<Option<Override>> {
    use crate::domain::selfcheck::{Gate, Scope};
    let skipped = super::gate::skipped(p.phase, to);
    let final_step = to >= Phase::Final && p.phase < Phase::Final;
    let scope = final_step.then_some(Scope::All);
    let check = super::gate::check(tx, templates, p, scope.as_ref(), &skipped)?;
    let gate =
        if skipped.is_empty() { Gate::Final } else { Gate::Skip { skipped: skipped.iter().map(|s| s.label().to_string()).collect() } };
    let example = format!(r#"{{"cmd":"set_phase","project":"{}","phase":"{}","override_reason":"…"}}"#, p.code, to.label());
    super::gate::pass(tx, ctx, p, gate, &check, reason, &example)
}

fn edit_project(tx: &Tx, ctx: &Ctx, code: &str, expected: Option<u64>, change: impl FnOnce(&mut Project) -> Result<()>) -> Result<Applied> {
    let mut p = tx.project_by_code(code)?;
    p.meta.check(&p.label(), expected)?;
    p.ensure_writable()?;
    let before = p.clone();
    change(&mut p)?;
    p.validate()?;
    p.meta.touch(&ctx.actor, ctx.now);
    tx.put_project(Some(&before), &p)?;
    let mut a = done(p.id, p.meta.version, vec![touch(RecordKind::Project, p.id, before.meta.version, p.meta.version)]);
    a.outcome.key = Some(p.code);
    Ok(a)
}
