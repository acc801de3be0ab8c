//! Who may apply a command. Team members (the lead and the members) change a project;
//! observers and everyone else only read it; a team is set by its lead or a store admin. The
//! lead's own steps (reviewing scores, closing items, approving extensions) are checked where
//! they happen in `apply`. Store-wide commands (new projects, settings, bureau-wide dates,
//! imports, naming admins) are the store admins'. A store with no admin named yet (one's
//! own, or one from before roles) lets every user do them; the first `admin add` makes its
//! caller an admin too, so nobody locks themselves out.

use super::codec::{decode, encode};
use super::tx::{self, Tx};
use crate::command::Command;
use crate::domain::{Error, Project, Result};

/// Where the admins' names live in the meta tree.
pub const ADMINS_KEY: &[u8] = b"admins";

pub fn admins(tx: &Tx) -> Result<Vec<String>> {
    Ok(match tx.raw_get(tx::META, ADMINS_KEY)? {
        Some(v) => decode(&v, "管理员名单")?,
        None => vec![],
    })
}

pub fn set_admins(tx: &Tx, list: &[String]) -> Result<()> {
    tx.raw_put(tx::META, ADMINS_KEY, &encode(&list.to_vec()))
}

fn is_admin(tx: &Tx, actor: &str) -> Result<bool> {
    let list = admins(tx)?;
    Ok(list.is_empty() || list.iter().any(|a| a == actor))
}

pub fn authorize(tx: &Tx, cmd: &Command, actor: &str) -> Result<()> {
    let forbidden = |role: String| Error::Forbidden { action: cmd.name(), role, actor: actor.to_string() };
    let Some(p) = project_of(tx, cmd)? else {
        // Store-wide: new projects, settings, bureau-wide dates, imports, admins.
        return if is_admin(tx, actor)? { Ok(()) } else { Err(forbidden(format!("数据库管理员（{}）", admins(tx)?.join("、")))) };
    };
    if let Command::SetQualityReviewer { .. } = cmd {
        // Who gives the second review is the lead's call (or a named admin's), never a member's.
        let allowed = p.team.lead == actor || admins(tx)?.iter().any(|a| a == actor);
        return if allowed {
            Ok(())
        } else {
            Err(forbidden(format!("{} 的项目负责人（{}）或数据库管理员", p.code, p.team.lead)))
        };
    }
    if let Command::SetTeam { .. } = cmd {
        // The lead or a named admin; where no admin is named, the team's own members.
        let named = admins(tx)?;
        let allowed = p.team.lead == actor || named.iter().any(|a| a == actor) || (named.is_empty() && p.team.is_member(actor));
        return if allowed {
            Ok(())
        } else {
            Err(forbidden(format!("{} 的项目负责人（{}）或数据库管理员", p.code, p.team.lead)))
        };
    }
    if p.team.is_member(actor) {
        return Ok(());
    }
    let observer = p.team.observers.iter().any(|o| o == actor);
    let role = if observer {
        format!("{} 的项目组成员（负责人 {} 或成员；{actor} 是观察员，只能查看）", p.code, p.team.lead)
    } else {
        format!("{} 的项目组成员（负责人 {} 或成员）", p.code, p.team.lead)
    };
    Err(forbidden(role))
}

/// The project a command changes; none for store-wide commands (and bureau-wide dates).
fn project_of(tx: &Tx, cmd: &Command) -> Result<Option<Project>> {
    use Command::*;
    let p = match cmd {
        CreateProject { .. }
        | SetNoticePrefix { .. }
        | SetReportPrefix { .. }
        | SetCategories { .. }
        | SetBudgetTotal { .. }
        | Import { .. }
        | Batch { .. }
        | AddAdmin { .. }
        | RemoveAdmin { .. }
        | AddMilestone { project: None, .. } => return Ok(None),
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
        | ReturnScore { project, .. }
        | AnswerReview { project, .. }
        | RestoreScore { project, .. }
        | SetQualityReviewer { project, .. }
        | AddIndicator { project, .. }
        | RemoveIndicator { project, .. }
        | RenameIndicator { project, .. }
        | SetPoints { project, .. }
        | SetFormRow { project, .. }
        | RecordDossier { project, .. }
        | ReplaceTree { project, .. }
        | SetFormHead { project, .. }
        | RecordFinding { project, .. }
        | IssueNotice { project, .. }
        | WriteReportSection { project, .. }
        | SetReportTitle { project, .. }
        | ReopenReport { project, .. }
        | RemoveEvidence { finding: None, item: None, project: Some(project), indicator: Some(_), .. } => tx.project_by_code(project)?,
        SetMilestone { milestone, .. } | RemoveMilestone { milestone } => match tx.milestone(*milestone)?.project {
            Some(p) => tx.project(p)?,
            None => return Ok(None),
        },
        PublishFinding { finding, .. }
        | ReviseFinding { finding, .. }
        | RestoreFinding { finding, .. }
        | WithdrawFinding { finding, .. }
        | CreateItem { finding, .. }
        | RemoveEvidence { finding: Some(finding), item: None, project: None, indicator: None, .. } => {
            tx.project(tx.finding(*finding)?.project)?
        }
        UpdateItem { item, .. }
        | RestoreItem { item, .. }
        | RemoveEvidence { finding: None, item: Some(item), project: None, indicator: None, .. }
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
        // Names no single finding, item or leaf: refused by `apply` with what to write.
        RemoveEvidence { .. } => return Ok(None),
    };
    Ok(Some(p))
}
