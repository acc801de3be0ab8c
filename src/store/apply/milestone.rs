//! Milestones: project and bureau-wide dates.

use super::*;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
        Command::AddMilestone { project, title, kind, due } => {
            let pid = match project {
                Some(code) => {
                    let p = tx.project_by_code(code)?;
                    p.ensure_writable()?;
                    Some(p.id)
                }
                None => None,
            };
            let id = tx.next_seq(b"seq/milestone")?;
            let m = Milestone {
                id,
                project: pid,
                title: title.trim().to_string(),
                kind: *kind,
                due: *due,
                done_on: None,
                meta: Meta::new(&ctx.actor, ctx.now),
            };
            m.validate()?;
            tx.put_milestone(None, &m)?;
            Ok(done(id, 1, vec![touch(RecordKind::Milestone, id, 0, 1)]))
        }
        Command::SetMilestone { milestone, expected_version, title, due, done_on } => {
            let mut m = tx.milestone(*milestone)?;
            m.meta.check(&format!("里程碑 #{milestone}"), *expected_version)?;
            ensure_milestone_writable(tx, &m)?;
            let before = m.clone();
            m.title = title.trim().to_string();
            m.due = *due;
            m.done_on = *done_on;
            m.validate()?;
            m.meta.touch(&ctx.actor, ctx.now);
            tx.put_milestone(Some(&before), &m)?;
            Ok(done(m.id, m.meta.version, vec![touch(RecordKind::Milestone, m.id, before.meta.version, m.meta.version)]))
        }
        Command::RemoveMilestone { milestone } => {
            let m = tx.milestone(*milestone)?;
            ensure_milestone_writable(tx, &m)?;
            tx.remove_milestone(&m)?;
            Ok(done(m.id, 0, vec![touch(RecordKind::Milestone, m.id, m.meta.version, 0)]))
        }
        _ => Err(misrouted(cmd)),
    }
}

/// A project's milestone changes only while the project is not archived.
fn ensure_milestone_writable(tx: &Tx, m: &Milestone) -> Result<()> {
    match m.project {
        Some(pid) => tx.project(pid)?.ensure_writable(),
        None => Ok(()),
    }
}
