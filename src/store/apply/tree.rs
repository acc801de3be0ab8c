//! The indicator tree: scores, reviews and the shape of the tree.

use super::*;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
        Command::Score { project, indicator, input, basis, evidence, expected_rev } => edit_tree(tx, ctx, project, None, |t, actor| {
            let id = t.find(indicator)?.id;
            let value = t.set_score(id, input.clone(), basis.clone(), evidence.clone(), actor, ctx.now, *expected_rev)?;
            Ok((id, Some(value)))
        }),
        Command::ClearScore { project, indicator, expected_rev } => edit_tree(tx, ctx, project, None, |t, _| {
            let id = t.find(indicator)?.id;
            t.clear_score(id, *expected_rev)?;
            Ok((id, None))
        }),
        Command::ReviewScore { project, indicator, expected_rev } => {
            tx.project_by_code(project)?.ensure_lead(&ctx.actor, "复核得分")?;
            edit_tree(tx, ctx, project, None, |t, actor| {
                let id = t.find(indicator)?.id;
                t.review(id, actor, ctx.now, *expected_rev)?;
                Ok((id, None))
            })
        }
        Command::UnreviewScore { project, indicator, reason, expected_rev } => {
            tx.project_by_code(project)?.ensure_lead(&ctx.actor, "取消复核")?;
            edit_tree(tx, ctx, project, None, |t, _| {
                let id = t.find(indicator)?.id;
                t.unreview(id, reason, *expected_rev)?;
                Ok((id, None))
            })
        }
        Command::AddIndicator { project, parent, name, points, method, expected_version } => {
            edit_tree(tx, ctx, project, *expected_version, |t, _| {
                let parent = match parent {
                    Some(r) => Some(t.find(r)?.id),
                    None => None,
                };
                let id = t.add_node(parent, name, *points, method.unwrap_or(Method::Direct))?;
                Ok((id, None))
            })
        }
        Command::RemoveIndicator { project, indicator, expected_version } => edit_tree(tx, ctx, project, *expected_version, |t, _| {
            let id = t.find(indicator)?.id;
            t.remove_node(id)?;
            Ok((id, None))
        }),
        Command::RenameIndicator { project, indicator, name, expected_version } => {
            edit_tree(tx, ctx, project, *expected_version, |t, _| {
                let id = t.find(indicator)?.id;
                t.rename(id, name)?;
                Ok((id, None))
            })
        }
        Command::SetPoints { project, indicator, points, expected_version } => edit_tree(tx, ctx, project, *expected_version, |t, _| {
            let id = t.find(indicator)?.id;
            t.set_points(id, *points)?;
            Ok((id, None))
        }),
        _ => Err(misrouted(cmd)),
    }
}

/// Tree edits: the tree's version is checked for structure edits, each indicator's rev
/// for scoring (inside the change).
fn edit_tree(
    tx: &Tx,
    ctx: &Ctx,
    code: &str,
    expected: Option<u64>,
    change: impl FnOnce(&mut IndicatorTree, &str) -> Result<(NodeId, Option<rust_decimal::Decimal>)>,
) -> Result<Applied> {
    let p = tx.project_by_code(code)?;
    p.ensure_writable()?;
    let mut t = tx.tree(p.id)?;
    t.meta.check(&format!("{} 的指标体系", p.label()), expected)?;
    let before = t.meta.version;
    let (node, score) = change(&mut t, &ctx.actor)?;
    t.meta.touch(&ctx.actor, ctx.now);
    tx.put_tree(&t)?;
    let rev = t.node(node).map(|n| n.rev).unwrap_or(0);
    let mut a = done(p.id, rev, vec![Touch { kind: RecordKind::Indicator, id: p.id, node: Some(node), before, after: t.meta.version }]);
    a.outcome.score = score;
    a.outcome.key = Some(p.code);
    Ok(a)
}
