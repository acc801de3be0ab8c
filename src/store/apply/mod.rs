//! Applying one Command inside a transaction: look records up, let the domain decide,
//! write records and indexes, and say what was touched for the audit log. One file per
//! record family; `apply` names which family answers each command.

mod batch;
mod finding;
mod form;
mod gate;
mod item;
mod milestone;
mod notice;
mod project;
mod report;
mod settings;
mod tree;

pub use report::report_prefix_key;
pub use settings::{check_notice_prefix, notice_prefix_key};

use super::Ctx;
use super::tx::{self, Tx};
use crate::command::{Command, Outcome};
use crate::domain::finding::FindingBody;
use crate::domain::notice::{DEFAULT_PREFIX, NoticeState, format_number};
use crate::domain::project::{Phase, ResultUse, Team};
use crate::domain::rect::{DEFAULT_DUE_DAYS, Draft, EntryKind};
use crate::domain::tree::{IndicatorRef, IndicatorTree, Method, NodeId};
use crate::domain::{Error, Evidence, Finding, FindingState, ItemState, Meta, Milestone, Notice, Project, RectItem, Response, Result};
use crate::read::audit::{RecordKind, Touch};
use crate::templates::Templates;
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

pub struct Applied {
    pub outcome: Outcome,
    pub touched: Vec<Touch>,
}

pub fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx, templates: &Templates) -> Result<Applied> {
    use Command::*;
    if let Batch { label, commands, steps } = cmd {
        return batch::apply(tx, label, commands, steps, ctx, templates);
    }
    crate::store::roles::authorize(tx, cmd, &ctx.actor)?;
    match cmd {
        CreateProject { .. }
        | UpdateProject { .. }
        | SetTeam { .. }
        | SetPhase { .. }
        | ArchiveProject { .. }
        | RecordDossier { .. }
        | ReopenProject { .. }
        | SetResultUse { .. } => project::apply(tx, cmd, ctx, templates),
        AddMilestone { .. } | SetMilestone { .. } | RemoveMilestone { .. } => milestone::apply(tx, cmd, ctx),
        SetFormRow { .. } | SetFormHead { .. } => form::apply(tx, cmd, ctx),
        Score { .. }
        | ClearScore { .. }
        | ReviewScore { .. }
        | UnreviewScore { .. }
        | ReturnScore { .. }
        | AnswerReview { .. }
        | RestoreScore { .. }
        | SetQualityReviewer { .. }
        | AddIndicator { .. }
        | RemoveIndicator { .. }
        | ReplaceTree { .. }
        | RenameIndicator { .. }
        | SetPoints { .. }
        | RemoveEvidence { finding: None, item: None, project: Some(_), indicator: Some(_), .. } => tree::apply(tx, cmd, ctx),
        RecordFinding { .. }
        | PublishFinding { .. }
        | ReviseFinding { .. }
        | RestoreFinding { .. }
        | WithdrawFinding { .. }
        | RemoveEvidence { finding: Some(_), item: None, project: None, indicator: None, .. } => finding::apply(tx, cmd, ctx),
        CreateItem { .. }
        | UpdateItem { .. }
        | RestoreItem { .. }
        | StartItem { .. }
        | SubmitResponse { .. }
        | ReturnItem { .. }
        | CloseItem { .. }
        | MarkLongTerm { .. }
        | AddProgress { .. }
        | RequestExtension { .. }
        | ApproveExtension { .. }
        | DenyExtension { .. }
        | CancelItem { .. }
        | RemoveEvidence { finding: None, item: Some(_), project: None, indicator: None, .. } => item::apply(tx, cmd, ctx),
        IssueNotice { .. } | CancelNotice { .. } => notice::apply(tx, cmd, ctx, templates),
        SetReportPrefix { .. } | WriteReportSection { .. } | SetReportTitle { .. } | ReopenReport { .. } => {
            report::apply(tx, cmd, ctx, templates)
        }
        SetNoticePrefix { .. } | SetBudgetTotal { .. } | AddAdmin { .. } | RemoveAdmin { .. } | SetCategories { .. } | Import { .. } => {
            settings::apply(tx, cmd, ctx)
        }
        Batch { .. } => Err(misrouted(cmd)),
        RemoveEvidence { .. } => Err(Error::invalid(
            "remove_evidence",
            "finding/item/indicator",
            "指明一个问题（finding）、一个整改事项（item）或一条评分指标（project 与 indicator），三者取其一",
        )),
    }
}

/// A family was handed a command of another: a defect in `apply`'s dispatch, reported
/// rather than panicked on.
fn misrouted(cmd: &Command) -> Error {
    Error::corrupt("命令分派", format!("{} 交给了错误的记录类别", cmd.name()))
}

fn done(id: u64, version: u64, touched: Vec<Touch>) -> Applied {
    Applied { outcome: Outcome { id, version, key: None, score: None, audit: 0 }, touched }
}

fn touch(kind: RecordKind, id: u64, before: u64, after: u64) -> Touch {
    Touch { kind, id, node: None, before, after }
}

fn clean_list(list: &[String]) -> Vec<String> {
    list.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}
