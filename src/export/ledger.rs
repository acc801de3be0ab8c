//! The rectification ledger (整改台账, DOMAIN.md §5): one row per rectification item, with the
//! finding it answers and its project, built through `Backend` queries only.
//!
//! Choices:
//! - 问题编号 is the project code and the finding's sequence within the project joined by `-`
//!   (`ZD21-01-2`), so a row still names its finding when sorted or filtered on its own in a
//!   spreadsheet; `finding_seq` holds the bare number.
//! - The unit filter matches when the item's responsible unit *contains* the given text
//!   (so the full name matches exactly and a part of it matches too); the category filter
//!   matches the finding's category exactly; both ignore surrounding spaces.
//! - `due_within: Some(n)` keeps open items (issued and not closed or cancelled) whose current due
//!   date falls in `[as_of, as_of + n]`; overdue items are selected with `overdue`.
//! - All filters combine with AND.
//!
//! The renderers (table, CSV, JSON) are in `ledger_render`, the XLSX in `ledger_xlsx`; both are
//! re-exported here.

use crate::backend::{Backend, Fetch};
use crate::domain::rect::latest_entry;
use crate::domain::{EntryKind, Error, Finding, IndicatorTree, ItemState, Project, RectItem, Response, Result, Severity};
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

pub use super::ledger_render::{HEADERS, to_csv, to_json, to_table};
pub use super::ledger_xlsx::{XlsxOptions, to_xlsx};

/// 状态 suffix while an extension request waits for a decision.
pub const EXTENSION_PENDING: &str = "（延期申请中）";

/// The latest response or progress entry of an item (最近反馈): the one recorded last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feedback {
    /// 文件日期: the date on the unit's document (as typed, else the day it was recorded).
    pub date: NaiveDate,
    /// The day the server recorded it (local time).
    pub recorded_on: NaiveDate,
    pub text: String,
}

/// The latest review decision of an item (最近审核): a return, a close or an extension
/// decision, the one recorded last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// 退回, 销号, 批准延期 or 驳回延期.
    pub kind: String,
    /// The day the server recorded the decision (local time).
    pub recorded_on: NaiveDate,
    pub by: String,
    pub text: String,
}

/// One line of the ledger: the columns of DOMAIN.md §5 in order, then machine fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// 序号: 1, 2, 3 … in ledger order.
    pub no: usize,
    /// 项目: code and name, e.g. "ZD21-01 融媒体中心运行经费".
    pub project: String,
    /// 问题编号: "{project code}-{finding seq}".
    pub finding_no: String,
    /// 问题描述.
    pub description: String,
    /// 问题类别.
    pub category: String,
    /// 对应指标: the indicator names (joined with 、 in text renderings).
    pub indicators: Vec<String>,
    /// 严重程度.
    pub severity: Severity,
    /// 整改要求.
    pub requirement: String,
    /// 责任单位.
    pub unit: String,
    /// 责任人.
    pub contact: String,
    /// 下达日期 (none for a draft).
    pub issue_date: Option<NaiveDate>,
    /// 原定期限.
    pub original_due: NaiveDate,
    /// 当前期限.
    pub due: NaiveDate,
    /// 状态.
    pub state: ItemState,
    /// An extension request waits for a decision (shown as 状态 + "（延期申请中）").
    pub extension_pending: bool,
    /// 最近反馈.
    pub latest_feedback: Option<Feedback>,
    /// 最近审核.
    pub latest_review: Option<Review>,
    /// 佐证资料数.
    pub evidence_count: usize,
    /// 审核意见.
    pub opinion: Option<String>,
    /// 销号日期.
    pub closed_on: Option<NaiveDate>,
    /// 逾期天数 on the as-of date; none when not overdue.
    pub days_overdue: Option<i64>,
    pub item_id: u64,
    pub project_id: u64,
    pub project_code: String,
    pub project_name: String,
    pub finding_id: u64,
    pub finding_seq: u32,
    /// 通知书: the number of the notice the item was issued under (none for a draft).
    pub notice: Option<String>,
    /// 评价报告: the number of the project's issued report (none before 定稿).
    pub report: Option<String>,
    /// 涉及金额 (万元), two places.
    #[serde(serialize_with = "amount_text")]
    pub amount: Option<Decimal>,
    /// The project's third-party firm (第三方机构): the XLSX ledger's 填报单位 when every row
    /// shares one. Not in CSV or JSON.
    #[serde(skip)]
    pub firm: Option<String>,
}

fn amount_text<S: serde::Serializer>(amount: &Option<Decimal>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match amount {
        Some(a) => s.serialize_str(&crate::domain::money::fmt2(*a)),
        None => s.serialize_none(),
    }
}

impl LedgerRow {
    /// 状态 as shown: the state label, plus "（延期申请中）" while an extension is pending.
    pub fn status_label(&self) -> String {
        let pending = if self.extension_pending { EXTENSION_PENDING } else { "" };
        format!("{}{pending}", self.state.label())
    }

    /// 对应指标 as one text: names joined with 、.
    pub fn indicators_text(&self) -> String {
        self.indicators.join("、")
    }

    /// 最近反馈 as one text: "YYYY-MM-DD text" (the document's date), or empty.
    pub fn feedback_text(&self) -> String {
        self.latest_feedback.as_ref().map(|f| format!("{} {}", f.date, f.text)).unwrap_or_default()
    }

    /// 最近审核 as one text: "YYYY-MM-DD 退回：text" (the day it was recorded), or empty.
    pub fn review_text(&self) -> String {
        let text = |r: &Review| if r.text.is_empty() { String::new() } else { format!("：{}", r.text) };
        self.latest_review.as_ref().map(|r| format!("{} {}{}", r.recorded_on, r.kind, text(r))).unwrap_or_default()
    }
}

/// Which items the ledger shows; every `None`/`false` field lets all items through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    /// Responsible unit contains this text.
    pub unit: Option<String>,
    /// Project code (exact); an unknown code is an error.
    pub project: Option<String>,
    pub status: Option<ItemState>,
    /// Only items overdue on the as-of date.
    pub overdue: bool,
    /// Only open items due within this many days of the as-of date.
    pub due_within: Option<i64>,
    /// Finding category (exact).
    pub category: Option<String>,
}

impl LedgerFilter {
    /// The filters that need only the item.
    fn keeps_item(&self, item: &RectItem, as_of: NaiveDate) -> bool {
        let unit_ok = self.unit.as_deref().map(str::trim).is_none_or(|u| item.unit.contains(u));
        let status_ok = self.status.is_none_or(|s| item.state == s);
        let overdue_ok = !self.overdue || item.is_overdue(as_of);
        unit_ok && status_ok && overdue_ok && self.due_within.is_none_or(|n| due_within(item, as_of, n))
    }

    fn keeps_finding(&self, finding: &Finding) -> bool {
        self.category.as_deref().is_none_or(|c| finding.body.category.trim() == c.trim())
    }
}

fn due_within(item: &RectItem, as_of: NaiveDate, days: i64) -> bool {
    let open = !item.state.is_finished() && item.state != ItemState::Draft;
    open && item.due >= as_of && item.due <= as_of + Duration::days(days)
}

/// What one project contributes to its rows: its findings by id, its indicator names and
/// its notices' numbers by id.
struct ProjectParts {
    project: Project,
    findings: HashMap<u64, Finding>,
    tree: IndicatorTree,
    notices: HashMap<u64, String>,
    report: Option<String>,
}

/// Builds the ledger on `as_of`, filtered and sorted by project code, finding seq, item id.
pub fn build(backend: &dyn Backend, filter: &LedgerFilter, as_of: NaiveDate) -> Result<Vec<LedgerRow>> {
    let items = fetch_items(backend, filter)?;
    let items: Vec<RectItem> = items.into_iter().filter(|i| filter.keeps_item(i, as_of)).collect();
    let projects = fetch_projects(backend)?;
    let mut parts: HashMap<u64, ProjectParts> = HashMap::new();
    let mut rows = Vec::new();
    for item in items {
        let part = match parts.entry(item.project) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(project_parts(backend, &projects, item.project)?),
        };
        let finding = part.findings.get(&item.finding).ok_or_else(|| Error::not_found("问题", format!("#{}", item.finding)))?;
        if !filter.keeps_finding(finding) {
            continue;
        }
        let history = backend.responses(item.id)?;
        let mut row = row(part, finding, &item, latest_feedback(&history), as_of);
        row.latest_review = latest_review(&history);
        rows.push(row);
    }
    rows.sort_by(|a, b| (&a.project_code, a.finding_seq, a.item_id).cmp(&(&b.project_code, b.finding_seq, b.item_id)));
    for (i, r) in rows.iter_mut().enumerate() {
        r.no = i + 1;
    }
    Ok(rows)
}

/// Counts per state, in the state machine's order; states with no rows are left out.
pub fn totals(rows: &[LedgerRow]) -> Vec<(ItemState, usize)> {
    ItemState::ALL.into_iter().map(|s| (s, rows.iter().filter(|r| r.state == s).count())).filter(|(_, n)| *n > 0).collect()
}

fn fetch_items(backend: &dyn Backend, filter: &LedgerFilter) -> Result<Vec<RectItem>> {
    match &filter.project {
        Some(code) => backend.items(code.trim()),
        None => backend.all_items(),
    }
}

fn fetch_projects(backend: &dyn Backend) -> Result<HashMap<u64, Project>> {
    Ok(backend.projects()?.into_iter().map(|p| (p.id, p)).collect())
}

fn project_parts(backend: &dyn Backend, projects: &HashMap<u64, Project>, id: u64) -> Result<ProjectParts> {
    let project = projects.get(&id).cloned().ok_or_else(|| Error::not_found("项目", format!("#{id}")))?;
    let findings = backend.findings(&project.code)?.into_iter().map(|f| (f.id, f)).collect();
    let tree = backend.tree(&project.code)?;
    let notices = backend.notices(&project.code)?.into_iter().map(|n| (n.id, n.number)).collect();
    let report = backend.report(&project.code)?.and_then(|r| r.number).map(|n| n.text);
    Ok(ProjectParts { project, findings, tree, notices, report })
}

/// The day an entry was recorded, on this machine's calendar.
fn recorded_on(r: &Response) -> NaiveDate {
    r.at.with_timezone(&chrono::Local).date_naive()
}

/// The response or progress entry recorded last (by `seq`: a paper dated earlier but
/// recorded later is still the latest word; ordering by the typed date once showed a
/// rejected response as the latest).
fn latest_feedback(responses: &[Response]) -> Option<Feedback> {
    latest_entry(responses, EntryKind::is_feedback).map(|r| Feedback { date: r.date, recorded_on: recorded_on(r), text: r.text.clone() })
}

/// The review decision recorded last.
fn latest_review(responses: &[Response]) -> Option<Review> {
    latest_entry(responses, EntryKind::is_review).map(|r| Review {
        kind: r.kind.label().to_string(),
        recorded_on: recorded_on(r),
        by: r.by.clone(),
        text: r.text.clone(),
    })
}

fn indicator_names(tree: &IndicatorTree, finding: &Finding) -> Vec<String> {
    finding.body.indicators.iter().map(|id| tree.node(*id).map(|n| n.name.clone()).unwrap_or_else(|| format!("#{id}"))).collect()
}

fn row(part: &ProjectParts, finding: &Finding, item: &RectItem, feedback: Option<Feedback>, as_of: NaiveDate) -> LedgerRow {
    let p = &part.project;
    LedgerRow {
        no: 0,
        project: format!("{} {}", p.code, p.name),
        finding_no: format!("{}-{}", p.code, finding.seq),
        description: finding.body.text.clone(),
        category: finding.body.category.clone(),
        indicators: indicator_names(&part.tree, finding),
        severity: finding.body.severity,
        requirement: item.requirement.clone(),
        unit: item.unit.clone(),
        contact: item.contact.clone(),
        issue_date: item.issue_date,
        original_due: item.original_due,
        due: item.due,
        state: item.state,
        extension_pending: item.pending_extension.is_some(),
        latest_feedback: feedback,
        latest_review: None,
        evidence_count: item.evidence.len(),
        opinion: item.opinion.clone(),
        closed_on: item.closed_on,
        days_overdue: item.days_overdue(as_of),
        item_id: item.id,
        project_id: p.id,
        project_code: p.code.clone(),
        project_name: p.name.clone(),
        finding_id: finding.id,
        finding_seq: finding.seq,
        notice: item.notice.and_then(|id| part.notices.get(&id).cloned()),
        report: part.report.clone(),
        amount: finding.body.amount,
        firm: p.third_party.clone().filter(|f| !f.trim().is_empty()),
    }
}
