//! The self-evaluation form beside a project's tree: its rows and its head.

use super::*;
use crate::domain::form::Form;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
        Command::SetFormRow { project, indicator, row, expected_rev } => {
            let p = tx.project_by_code(project)?;
            p.ensure_writable()?;
            let t = tx.tree(p.id)?;
            let node = t.find(indicator)?.id;
            let mut form = load(tx, p.id, ctx)?;
            let before = form.meta.version;
            let rev = form.set_row(&t, node, row.clone(), *expected_rev)?;
            form.meta.touch(&ctx.actor, ctx.now);
            tx.put_form(&form)?;
            let touched = Touch { kind: RecordKind::Form, id: p.id, node: Some(node), before, after: form.meta.version };
            let mut a = done(p.id, rev, vec![touched]);
            a.outcome.key = Some(p.code);
            Ok(a)
        }
        Command::SetFormHead { project, head, expected_version } => {
            let p = tx.project_by_code(project)?;
            p.ensure_writable()?;
            let mut form = load(tx, p.id, ctx)?;
            form.meta.check(&format!("{} 的自评表", p.label()), *expected_version)?;
            let before = form.meta.version;
            form.set_head(head.clone())?;
            form.meta.touch(&ctx.actor, ctx.now);
            tx.put_form(&form)?;
            let mut a = done(p.id, form.meta.version, vec![touch(RecordKind::Form, p.id, before, form.meta.version)]);
            a.outcome.key = Some(p.code);
            Ok(a)
        }
        _ => Err(misrouted(cmd)),
    }
}

/// The project's form, or a new empty one (version 0: its first write makes it 1).
fn load(tx: &Tx, project: u64, ctx: &Ctx) -> Result<Form> {
    Ok(tx.form(project)?.unwrap_or_else(|| {
        let mut f = Form::new(project, Meta::new(&ctx.actor, ctx.now));
        f.meta.version = 0;
        f
    }))
}

/// After a tree edit: rows of indicators removed go with them.
pub(super) fn prune(tx: &Tx, tree: &IndicatorTree) -> Result<()> {
    if let Some(mut form) = tx.form(tree.project)?
        && form.prune(tree)
    {
        tx.put_form(&form)?;
    }
    Ok(())
}

/// A tree edit that would leave a form row wrong is refused first: a leaf with a row
/// gaining a child, points set below the unit's self-score.
pub(super) fn guard(tx: &Tx, tree: &IndicatorTree, node: NodeId, new_points: Option<Decimal>, gains_child: bool) -> Result<()> {
    let Some(form) = tx.form(tree.project)? else { return Ok(()) };
    let Some(row) = form.row(node) else { return Ok(()) };
    let what = format!("指标“{}”", tree.path(node));
    if gains_child {
        return Err(Error::invalid(what, "parent", "这条指标有自评表的指标值和得分：下级指标不能加在它下面；细分的情况写成它的“其中”行"));
    }
    if let (Some(points), Some(s)) = (new_points, row.input.self_score)
        && s > points
    {
        return Err(Error::invalid(what, "points", format!("单位自评得分 {s} 高于新分值 {points}：先改自评表的自评得分")));
    }
    Ok(())
}
