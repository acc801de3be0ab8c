//! Who may apply a command. Team members (the lead and the members) change a project;
//! observers and everyone else only read it. The lead's own steps (reviewing scores, closing
//! items, approving extensions) are checked where they happen in `apply`. Store-wide
//! commands (new projects, settings, bureau-wide milestones, imports) are open to every user
//! of the store for now.

use super::tx::Tx;
use crate::command::Command;
use crate::domain::{Error, Project, Result};

pub fn authorize(tx: &Tx, cmd: &Command, actor: &str) -> Result<()> {
    let Some(p) = project_of(tx, cmd)? else { return Ok(()) };
    if p.team.is_member(actor) {
        return Ok(());
    }
    let observer = p.team.observers.iter().any(|o| o == actor);
    let role = if observer {
        format!("{} 的项目组成员（负责人 {} 或成员；{actor} 是观察员，只能查看）", p.code, p.team.lead)
    } else {
        format!("{} 的项目组成员（负责人 {} 或成员）", p.code, p.team.lead)
    };
    Err(Error::Forbidden { action: cmd.name(), role, actor: actor.to_string() })
}

/// The project a command changes; none for store-wide commands.
fn project_of(tx: &Tx, cmd: &Command) -> Result<Option<Project>> {
    use Command::*;
    let p = match cmd {
        CreateProject { .. } | SetNoticePrefix { .. } | SetCategories { .. } | SetBudgetTotal { .. } | Import { .. } => return Ok(None),
        AddMilestone { project: None, .. } => return Ok(None),
        AddMilestone { project: Some(project), .. }
        | UpdateProject { project, .. }
        | SetTeam { project, .. }
        | SetPhase { project, .. }
        | ArchiveProject { project, .. }
        | ReopenProject { project, .. }
        | SetResultUse { project, .. }
        | Score { project, .. }
        | ClearScore { project, .. }
        | ReviewScore { project, .. }
        | UnreviewScore { project, .. }
        | AddIndicator { project, .. }
        | RemoveIndicator { project, .. }
        | RenameIndicator { project, .. }
        | SetPoints { project, .. }
        | RecordFinding { project, .. }
        | IssueNotice { project, .. } => tx.project_by_code(project)?,
        SetMilestone { milestone, .. } | RemoveMilestone { milestone } => match tx.milestone(*milestone)?.project {
            Some(p) => tx.project(p)?,
            None => return Ok(None),
        },
        PublishFinding { finding, .. } | ReviseFinding { finding, .. } | WithdrawFinding { finding, .. } | CreateItem { finding, .. } => {
            tx.project(tx.finding(*finding)?.project)?
        }
        UpdateItem { item, .. }
        | StartItem { item, .. }
        | SubmitResponse { item, .. }
        | ReturnItem { item, .. }
        | CloseItem { item, .. }
        | MarkLongTerm { item, .. }
        | AddProgress { item, .. }
        | RequestExtension { item, .. }
        | ApproveExtension { item, .. }
        | DenyExtension { item, .. }
        | CancelItem { item, .. } => tx.project(tx.item(*item)?.project)?,
        CancelNotice { notice, .. } => tx.project(tx.notice_by_number(notice)?.project)?,
    };
    Ok(Some(p))
}
