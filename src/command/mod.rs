//! Every mutation is a `Command`: validated by domain rules, applied with its audit record
//! in one transaction, flushed before success. `jixiao exec` reads these as JSON lines
//! (docs/commands.md); the TUI and the team server send the same values.

mod describe;
mod outcome;
pub use outcome::{Outcome, Paper};

use crate::domain::Severity;
use crate::domain::evidence::Evidence;
use crate::domain::project::{MilestoneKind, Phase, ProjectKind, Recommendation};
use crate::domain::tree::{IndicatorRef, Method, ScoreInput};
use crate::read::bundle::Bundle;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    CreateProject {
        code: String,
        name: String,
        kind: ProjectKind,
        fiscal_year: i32,
        unit: String,
        #[serde(with = "crate::domain::money::plain")]
        amount: Decimal,
        #[serde(default)]
        fund_notes: Vec<String>,
        /// Defaults to the user running the command.
        #[serde(default)]
        lead: Option<String>,
        #[serde(default)]
        members: Vec<String>,
        #[serde(default)]
        third_party: Option<String>,
        /// A template name (project-2020, self-eval, dept-overall, ex-ante or a user
        /// template); defaults to the kind's template.
        #[serde(default)]
        template: Option<String>,
    },
    UpdateProject {
        project: String,
        #[serde(default)]
        expected_version: Option<u64>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        unit: Option<String>,
        #[serde(default)]
        kind: Option<ProjectKind>,
        #[serde(default)]
        fiscal_year: Option<i32>,
        #[serde(default, with = "crate::domain::money::plain::option")]
        amount: Option<Decimal>,
        #[serde(default)]
        fund_notes: Option<Vec<String>>,
        /// An empty string clears it.
        #[serde(default)]
        third_party: Option<String>,
    },
    SetTeam {
        project: String,
        #[serde(default)]
        expected_version: Option<u64>,
        lead: String,
        #[serde(default)]
        members: Vec<String>,
        #[serde(default)]
        observers: Vec<String>,
    },
    SetPhase {
        project: String,
        #[serde(default)]
        expected_version: Option<u64>,
        phase: Phase,
        /// Goes to 定稿, or skips phases, despite failing self-checks: why (the project's lead
        /// or a named admin only; kept with the project). Left out of the JSON when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        override_reason: Option<String>,
    },
    /// Records the dossier archiving wrote (`DATA/archives/CODE-DATE/`, its manifest's
    /// sha256): sent by jixiao itself right after `archive_project`, kept in the project's
    /// dossier list and in the audit chain. Only for an archived project.
    RecordDossier {
        project: String,
        dir: String,
        manifest_sha256: String,
    },
    ArchiveProject {
        project: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    ReopenProject {
        project: String,
        reason: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    SetResultUse {
        project: String,
        #[serde(default)]
        expected_version: Option<u64>,
        recommendation: Recommendation,
        #[serde(default, with = "crate::domain::money::plain::option")]
        amount: Option<Decimal>,
        reason: String,
        #[serde(default)]
        published_on: Option<NaiveDate>,
    },
    Score {
        project: String,
        indicator: IndicatorRef,
        input: ScoreInput,
        #[serde(default)]
        basis: String,
        #[serde(default)]
        evidence: Vec<Evidence>,
        /// The indicator's `rev` the edit started from.
        #[serde(default)]
        expected_rev: Option<u64>,
    },
    ClearScore {
        project: String,
        indicator: IndicatorRef,
        #[serde(default)]
        expected_rev: Option<u64>,
    },
    /// 一级 or 二级复核: by the paper's state and who reviews, or `level` 1 or 2 named.
    ReviewScore {
        project: String,
        indicator: IndicatorRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        level: Option<u8>,
        #[serde(default)]
        expected_rev: Option<u64>,
    },
    /// Sends a paper back to its scorer with a review note (复核意见).
    ReturnScore {
        project: String,
        indicator: IndicatorRef,
        note: String,
        #[serde(default)]
        expected_rev: Option<u64>,
    },
    /// The scorer's answer to a paper sent back (a changed score goes through `score`).
    AnswerReview {
        project: String,
        indicator: IndicatorRef,
        answer: String,
        #[serde(default)]
        expected_rev: Option<u64>,
    },
    /// Restores an earlier version of a leaf's paper (score, basis, evidence) from its
    /// history: `version` (1 = its first scoring) or the one standing at `at`.
    RestoreScore {
        project: String,
        indicator: IndicatorRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
        #[serde(default)]
        expected_rev: Option<u64>,
        /// Filled in by the store from the history (whatever a caller sent), so the audit
        /// record says what was restored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restored: Option<Box<Paper>>,
    },
    /// Names the project's quality reviewer (质量复核人), who may give the second review
    /// besides the lead; `null` removes the name. The lead or a store admin.
    SetQualityReviewer {
        project: String,
        #[serde(default)]
        user: Option<String>,
    },
    UnreviewScore {
        project: String,
        indicator: IndicatorRef,
        reason: String,
        #[serde(default)]
        expected_rev: Option<u64>,
    },
    AddIndicator {
        project: String,
        /// None: a new 一级 indicator.
        #[serde(default)]
        parent: Option<IndicatorRef>,
        name: String,
        #[serde(with = "crate::domain::money::plain")]
        points: Decimal,
        #[serde(default)]
        method: Option<Method>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    /// Replaces every indicator of a project's tree at once (the import of an indicator
    /// table): paths of names from 一级 down with their points; a parent's points of 0 are
    /// its children's sum. A scored tree needs a reason (its scores are cleared); reviewed
    /// scores refuse it. The form's rows go with the indicators they were on.
    ReplaceTree {
        project: String,
        indicators: Vec<crate::domain::tree_replace::NewIndicator>,
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    RemoveIndicator {
        project: String,
        indicator: IndicatorRef,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    RenameIndicator {
        project: String,
        indicator: IndicatorRef,
        name: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    SetPoints {
        project: String,
        indicator: IndicatorRef,
        #[serde(with = "crate::domain::money::plain")]
        points: Decimal,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    /// Writes what the self-evaluation form prints on a leaf's row (指标性质, 年度指标值,
    /// 实际完成值, 度量单位, 偏差原因, 自评得分, 其中 rows), replacing the row; a row with
    /// every field empty is removed.
    SetFormRow {
        project: String,
        indicator: IndicatorRef,
        #[serde(flatten)]
        row: crate::domain::form::RowInput,
        /// The row's `rev` the edit started from (0: no row yet).
        #[serde(default)]
        expected_rev: Option<u64>,
    },
    /// Writes the form's project-wide parts: the money block, the 年度总体目标 pair, the
    /// printed 总分 and the spot-check thresholds, replacing them.
    SetFormHead {
        project: String,
        #[serde(flatten)]
        head: crate::domain::form::Head,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    AddMilestone {
        /// None: a bureau-wide milestone.
        #[serde(default)]
        project: Option<String>,
        title: String,
        kind: MilestoneKind,
        due: NaiveDate,
    },
    SetMilestone {
        milestone: u64,
        #[serde(default)]
        expected_version: Option<u64>,
        title: String,
        due: NaiveDate,
        #[serde(default)]
        done_on: Option<NaiveDate>,
    },
    RemoveMilestone {
        milestone: u64,
    },
    RecordFinding {
        project: String,
        text: String,
        category: String,
        severity: Severity,
        #[serde(default, with = "crate::domain::money::plain::option")]
        amount: Option<Decimal>,
        #[serde(default)]
        indicators: Vec<IndicatorRef>,
        #[serde(default)]
        evidence: Vec<Evidence>,
        /// Publish at once.
        #[serde(default)]
        publish: bool,
        /// 评价依据 and the short title (`FindingBody::basis`, `title`).
        #[serde(default)]
        basis: String,
        #[serde(default)]
        title: String,
    },
    PublishFinding {
        finding: u64,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    ReviseFinding {
        finding: u64,
        #[serde(default)]
        expected_version: Option<u64>,
        text: String,
        category: String,
        severity: Severity,
        #[serde(default, with = "crate::domain::money::plain::option")]
        amount: Option<Decimal>,
        #[serde(default)]
        indicators: Vec<IndicatorRef>,
        #[serde(default)]
        evidence: Vec<Evidence>,
        /// Why a published finding is corrected.
        #[serde(default)]
        note: String,
        /// 评价依据 and the short title; left out (`None`): kept as they are.
        #[serde(default)]
        basis: Option<String>,
        #[serde(default)]
        title: Option<String>,
    },
    /// Brings back an earlier published revision (1 = the first) as a new revision; the
    /// reason is kept with it.
    RestoreFinding {
        finding: u64,
        revision: usize,
        reason: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    /// Removes one evidence item of a finding, an item, or a scored leaf's paper (`project`
    /// with `indicator`) — exactly one of them — named by its sha256 or its name; the removed
    /// evidence stays in the record's history, and the file in `attachments/` stays (others
    /// may name the same sha256). A leaf's paper changes as by `score` (a review lapses).
    RemoveEvidence {
        #[serde(default)]
        finding: Option<u64>,
        #[serde(default)]
        item: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        project: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        indicator: Option<IndicatorRef>,
        evidence: String,
        reason: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    WithdrawFinding {
        finding: u64,
        reason: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    CreateItem {
        finding: u64,
        requirement: String,
        /// Defaults to the project's evaluated unit.
        #[serde(default)]
        unit: Option<String>,
        #[serde(default)]
        contact: String,
        /// Defaults to today + 30 days.
        #[serde(default)]
        due: Option<NaiveDate>,
    },
    UpdateItem {
        item: u64,
        #[serde(default)]
        expected_version: Option<u64>,
        #[serde(default)]
        requirement: Option<String>,
        #[serde(default)]
        unit: Option<String>,
        #[serde(default)]
        contact: Option<String>,
        /// Only while a draft; after issue, use an extension.
        #[serde(default)]
        due: Option<NaiveDate>,
    },
    /// Puts back an item's fields (requirement, unit, contact, due) as they were before the
    /// edit recorded in its history entry `entry` (a 修改 entry's number); itself an edit.
    RestoreItem {
        item: u64,
        entry: u32,
        reason: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    StartItem {
        item: u64,
        /// 文件日期: the date on the document this entry records (default: the day it is
        /// recorded); from the item's issue date to the server's today. The entry itself is
        /// dated by the server's clock and ordered by when it was recorded.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    SubmitResponse {
        item: u64,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        text: String,
        #[serde(default)]
        evidence: Vec<Evidence>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    ReturnItem {
        item: u64,
        reasons: String,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    CloseItem {
        item: u64,
        opinion: String,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    MarkLongTerm {
        item: u64,
        reason: String,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    AddProgress {
        item: u64,
        text: String,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        evidence: Vec<Evidence>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    RequestExtension {
        item: u64,
        reason: String,
        due: NaiveDate,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    ApproveExtension {
        item: u64,
        /// Defaults to the requested date.
        #[serde(default)]
        due: Option<NaiveDate>,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    DenyExtension {
        item: u64,
        reason: String,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    CancelItem {
        item: u64,
        reason: String,
        /// 文件日期, bounded as in `StartItem`.
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    /// Groups draft items of one project and one unit into a numbered notice and issues them.
    IssueNotice {
        project: String,
        items: Vec<u64>,
        #[serde(default)]
        issue_date: Option<NaiveDate>,
        #[serde(default)]
        contact: String,
        /// Defaults to the prefix set for the issue date's year (`set_notice_prefix`), else 财绩整.
        #[serde(default)]
        prefix: Option<String>,
        /// The issuing authority printed above the date (e.g. 市财政局), kept in the issued
        /// copy; default: the bureau the contact names, else （发文机关）. Left out of the
        /// JSON when absent, so audit texts of commands without it are as before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issuer: Option<String>,
        /// Issues despite failing self-checks: why (the project's lead or a named admin only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        override_reason: Option<String>,
    },
    CancelNotice {
        /// The notice number (财绩整〔2021〕3号) or id.
        notice: String,
        reason: String,
    },
    /// Sets the notice number prefix (发文字号 prefix, e.g. 衡财绩) used for one year's notices
    /// when `issue_notice` names none; a year with none set uses 财绩整.
    SetNoticePrefix {
        year: i32,
        prefix: String,
    },
    /// Sets the report number prefix (e.g. 上会湘报字) of reports first issued in `year`; a year
    /// with none set uses 绩评报字. Numbers read 上会湘报字(2026)第0001号.
    SetReportPrefix {
        year: i32,
        prefix: String,
    },
    /// Writes one section of a project's evaluation report (a key of its outline whose fill is
    /// text or both); an empty text clears it. Refused once the report is issued (定稿).
    WriteReportSection {
        project: String,
        section: String,
        text: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    /// Sets the report's title and the cover fields the project does not hold; a field left
    /// out keeps its value, an empty string clears it.
    SetReportTitle {
        project: String,
        #[serde(default)]
        title: Option<String>,
        /// 委托单位.
        #[serde(default)]
        client: Option<String>,
        /// 主管部门.
        #[serde(default)]
        department: Option<String>,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    /// Reopens an issued report for a revision: the project goes back to 报告, and its next
    /// 定稿 issues revision n+1 (the earlier ones are kept).
    ReopenReport {
        project: String,
        reason: String,
        #[serde(default)]
        expected_version: Option<u64>,
    },
    /// Sets the budget total (万元) that one fiscal year's evaluations are measured against
    /// for coverage (DOMAIN.md §7: at least 20% of the fund total); none clears it.
    SetBudgetTotal {
        year: i32,
        #[serde(default, with = "crate::domain::money::plain::option")]
        amount: Option<Decimal>,
    },
    /// Names a store admin (new projects, settings, bureau-wide dates, imports, any team).
    /// The first admin named makes the one who names them an admin too.
    AddAdmin {
        user: String,
    },
    RemoveAdmin {
        user: String,
    },
    /// Replaces the editable list of finding categories (seeded with DOMAIN.md §5).
    SetCategories {
        categories: Vec<String>,
    },
    /// Several commands applied in one transaction with one audit record: all or nothing
    /// (`jixiao import --as cases|indicators|self-eval`). Each step is authorized as if sent
    /// alone; `steps` names where each came from (工作表“表1”第12行) for the error that
    /// stops the batch. Batches, imports, restores and evidence are not taken inside one.
    Batch {
        label: String,
        commands: Vec<Command>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        steps: Vec<String>,
    },
    /// Applies a whole bundle at once (jixiao import); all or nothing.
    Import {
        bundle: Box<Bundle>,
        #[serde(default)]
        merge: bool,
    },
}
