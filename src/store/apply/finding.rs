//! Findings: recording, publishing, revising and withdrawing them.

use super::*;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
        Command::RecordFinding { project, text, category, severity, amount, indicators, evidence, publish } => {
            let p = tx.project_by_code(project)?;
            p.ensure_writable()?;
            let tree = tx.tree(p.id)?;
            let body = FindingBody {
                text: text.trim().to_string(),
                category: category.trim().to_string(),
                severity: *severity,
                amount: *amount,
                indicators: resolve_indicators(&tree, indicators)?,
                evidence: evidence.clone(),
            };
            let id = tx.next_seq(b"seq/finding")?;
            let seq = tx.next_seq(&tx::finding_counter(p.id))? as u32;
            let mut f = Finding {
                id,
                project: p.id,
                seq,
                body,
                state: FindingState::Draft,
                history: vec![],
                withdraw_reason: None,
                meta: Meta::new(&ctx.actor, ctx.now),
            };
            f.body.validate(&f.label())?;
            f.body.check_within_project(&f.label(), p.amount)?;
            if *publish {
                f.publish()?;
            }
            tx.put_finding(&f)?;
            Ok(done(id, 1, vec![touch(RecordKind::Finding, id, 0, 1)]))
        }
        Command::PublishFinding { finding, expected_version } => edit_finding(tx, ctx, *finding, *expected_version, |f, _| f.publish()),
        Command::ReviseFinding { finding, expected_version, text, category, severity, amount, indicators, evidence, note } => {
            let project_amount = tx.project(tx.finding(*finding)?.project)?.amount;
            edit_finding(tx, ctx, *finding, *expected_version, |f, tree| {
                let body = FindingBody {
                    text: text.trim().to_string(),
                    category: category.trim().to_string(),
                    severity: *severity,
                    amount: *amount,
                    indicators: resolve_indicators(tree, indicators)?,
                    evidence: evidence.clone(),
                };
                body.check_within_project(&f.label(), project_amount)?;
                f.revise(body, note)
            })
        }
        Command::WithdrawFinding { finding, reason, expected_version } => {
            // A withdrawn finding no longer counts, so none of its items may still be open.
            let f = tx.finding(*finding)?;
            let summary: crate::read::summary::Summary =
                tx.get(tx::SUMMARIES, &crate::store::keys::id(f.project), "汇总")?.unwrap_or_default();
            for id in summary.open_items.keys() {
                if tx.item(*id)?.finding == f.id {
                    return Err(Error::IllegalTransition {
                        what: f.label(),
                        state: format!("整改事项 #{id} 未结"),
                        action: "撤回（先撤销或销号其整改事项）".into(),
                    });
                }
            }
            edit_finding(tx, ctx, *finding, *expected_version, |f, _| f.withdraw(reason))
        }
        _ => Err(misrouted(cmd)),
    }
}

fn resolve_indicators(tree: &IndicatorTree, refs: &[IndicatorRef]) -> Result<Vec<NodeId>> {
    refs.iter().map(|r| tree.find(r).map(|n| n.id)).collect()
}

fn edit_finding(
    tx: &Tx,
    ctx: &Ctx,
    id: u64,
    expected: Option<u64>,
    change: impl FnOnce(&mut Finding, &IndicatorTree) -> Result<()>,
) -> Result<Applied> {
    let mut f = tx.finding(id)?;
    f.meta.check(&f.label(), expected)?;
    tx.project(f.project)?.ensure_writable()?;
    let tree = tx.tree(f.project)?;
    let before = f.meta.version;
    change(&mut f, &tree)?;
    f.meta.touch(&ctx.actor, ctx.now);
    tx.put_finding(&f)?;
    Ok(done(f.id, f.meta.version, vec![touch(RecordKind::Finding, f.id, before, f.meta.version)]))
}
