//! Rectification items (整改事项), their state machine (DOMAIN.md §5) and the
//! append-only history of responses and reviews.

use super::evidence::Evidence;
use super::finding::FindingId;
use super::meta::Meta;
use super::project::ProjectId;
use super::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub type ItemId = u64;

/// Days between issue and the default due date.
pub const DEFAULT_DUE_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ItemState {
    #[serde(rename = "草稿")]
    Draft,
    #[serde(rename = "已下达")]
    Issued,
    #[serde(rename = "整改中")]
    InProgress,
    #[serde(rename = "已提交")]
    Submitted,
    #[serde(rename = "已退回")]
    Returned,
    #[serde(rename = "已销号")]
    Closed,
    #[serde(rename = "持续整改")]
    LongTerm,
    #[serde(rename = "已撤销")]
    Cancelled,
}

impl ItemState {
    pub const ALL: [ItemState; 8] = [
        ItemState::Draft,
        ItemState::Issued,
        ItemState::InProgress,
        ItemState::Submitted,
        ItemState::Returned,
        ItemState::Closed,
        ItemState::LongTerm,
        ItemState::Cancelled,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Draft => "草稿",
            ItemState::Issued => "已下达",
            ItemState::InProgress => "整改中",
            ItemState::Submitted => "已提交",
            ItemState::Returned => "已退回",
            ItemState::Closed => "已销号",
            ItemState::LongTerm => "持续整改",
            ItemState::Cancelled => "已撤销",
        }
    }
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|s| s.label() == text.trim()).ok_or_else(|| {
            Error::invalid(
                "整改事项",
                "status",
                format!("“{text}”不是整改状态，可选：草稿、已下达、整改中、已提交、已退回、已销号、持续整改、已撤销"),
            )
        })
    }
    /// Closed and cancelled items are finished; nothing is due from them.
    pub fn is_finished(self) -> bool {
        matches!(self, ItemState::Closed | ItemState::Cancelled)
    }
}

/// Every move an item can make. Each is offered only where `allowed` says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemAction {
    Issue,
    Start,
    Submit,
    Return,
    Close,
    MarkLongTerm,
    Progress,
    RequestExtension,
    ApproveExtension,
    DenyExtension,
    Cancel,
}

impl ItemAction {
    pub const ALL: [ItemAction; 11] = [
        ItemAction::Issue,
        ItemAction::Start,
        ItemAction::Submit,
        ItemAction::Return,
        ItemAction::Close,
        ItemAction::MarkLongTerm,
        ItemAction::Progress,
        ItemAction::RequestExtension,
        ItemAction::ApproveExtension,
        ItemAction::DenyExtension,
        ItemAction::Cancel,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ItemAction::Issue => "下达",
            ItemAction::Start => "开始整改",
            ItemAction::Submit => "提交整改报告",
            ItemAction::Return => "退回",
            ItemAction::Close => "销号",
            ItemAction::MarkLongTerm => "转持续整改",
            ItemAction::Progress => "登记进展",
            ItemAction::RequestExtension => "申请延期",
            ItemAction::ApproveExtension => "批准延期",
            ItemAction::DenyExtension => "驳回延期",
            ItemAction::Cancel => "撤销",
        }
    }
}

/// The state machine's table: may `action` happen in `state` (given a pending extension or not)?
pub fn allowed(state: ItemState, action: ItemAction, extension_pending: bool) -> bool {
    use ItemAction as A;
    use ItemState as S;
    let open_work = matches!(state, S::Issued | S::InProgress | S::Returned | S::LongTerm);
    match action {
        A::Issue => state == S::Draft,
        A::Start => matches!(state, S::Issued | S::Returned),
        A::Submit => open_work,
        A::Return | A::Close => state == S::Submitted,
        A::MarkLongTerm => matches!(state, S::Issued | S::InProgress | S::Returned),
        A::Progress => matches!(state, S::InProgress | S::LongTerm),
        A::RequestExtension => open_work && !extension_pending,
        A::ApproveExtension | A::DenyExtension => extension_pending && !state.is_finished(),
        A::Cancel => !state.is_finished(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub reason: String,
    pub requested_due: NaiveDate,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub approved_by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectItem {
    pub id: ItemId,
    pub project: ProjectId,
    pub finding: FindingId,
    /// 整改要求.
    pub requirement: String,
    /// 责任单位.
    pub unit: String,
    /// 责任人 / contact.
    pub contact: String,
    pub issue_date: Option<NaiveDate>,
    /// 原定期限: the due date before any extension.
    pub original_due: NaiveDate,
    /// 当前期限.
    pub due: NaiveDate,
    pub state: ItemState,
    pub notice: Option<u64>,
    pub pending_extension: Option<ExtensionRequest>,
    pub extensions: Vec<Extension>,
    /// Every evidence item attached by responses and progress entries.
    pub evidence: Vec<Evidence>,
    /// 审核意见 at closing.
    pub opinion: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub cancel_reason: Option<String>,
    pub meta: Meta,
}

/// Who owes what for a new item: the fields a draft starts from.
pub struct Draft {
    pub id: ItemId,
    pub project: ProjectId,
    pub finding: FindingId,
    pub requirement: String,
    pub unit: String,
    pub contact: String,
    pub due: NaiveDate,
}

impl RectItem {
    /// A new draft item: not yet issued, nothing attached.
    pub fn draft(d: Draft, meta: Meta) -> Self {
        RectItem {
            id: d.id,
            project: d.project,
            finding: d.finding,
            requirement: d.requirement.trim().to_string(),
            unit: d.unit.trim().to_string(),
            contact: d.contact.trim().to_string(),
            issue_date: None,
            original_due: d.due,
            due: d.due,
            state: ItemState::Draft,
            notice: None,
            pending_extension: None,
            extensions: vec![],
            evidence: vec![],
            opinion: None,
            closed_on: None,
            cancel_reason: None,
            meta,
        }
    }

    pub fn label(&self) -> String {
        format!("整改事项 #{}", self.id)
    }

    /// Days past the due date, derived from `today`, never stored. Drafts are not yet the
    /// unit's obligation; closed and cancelled items are done.
    pub fn days_overdue(&self, today: NaiveDate) -> Option<i64> {
        if self.state.is_finished() || self.state == ItemState::Draft || self.due >= today {
            return None;
        }
        Some((today - self.due).num_days())
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.days_overdue(today).is_some()
    }

    /// Days until due (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.due - today).num_days()
    }

    pub fn can(&self, action: ItemAction) -> bool {
        allowed(self.state, action, self.pending_extension.is_some())
    }

    /// The actions offered now, in menu order.
    pub fn available_actions(&self) -> Vec<ItemAction> {
        ItemAction::ALL.into_iter().filter(|a| self.can(*a)).collect()
    }

    fn guard(&self, action: ItemAction) -> Result<()> {
        if self.can(action) {
            return Ok(());
        }
        let state = match (&self.pending_extension, action) {
            (None, ItemAction::ApproveExtension | ItemAction::DenyExtension) => format!("{}（无待批延期申请）", self.state.label()),
            (Some(_), ItemAction::RequestExtension) => format!("{}（已有待批延期申请）", self.state.label()),
            _ => self.state.label().to_string(),
        };
        Err(Error::IllegalTransition { what: self.label(), state, action: action.label().into() })
    }

    pub fn validate(&self) -> Result<()> {
        let rec = self.label();
        if self.requirement.trim().is_empty() {
            return Err(Error::invalid(rec, "requirement", "整改要求不能为空"));
        }
        if self.unit.trim().is_empty() {
            return Err(Error::invalid(rec, "unit", "责任单位不能为空"));
        }
        let dates = [
            ("due", Some(self.due)),
            ("original_due", Some(self.original_due)),
            ("issue_date", self.issue_date),
            ("closed_on", self.closed_on),
        ];
        let requested = self.pending_extension.as_ref().map(|p| p.requested_due);
        for (field, date) in dates.into_iter().chain([("requested_due", requested)]) {
            if let Some(d) = date {
                super::calendar::check_date(d).map_err(|m| Error::invalid(&rec, field, m))?;
            }
        }
        if let Some(issued) = self.issue_date
            && self.original_due < issued
        {
            return Err(Error::invalid(rec, "due", format!("整改期限 {} 早于下达日期 {issued}", self.original_due)));
        }
        if self.state == ItemState::Closed && (self.evidence.is_empty() || self.opinion.as_deref().unwrap_or("").trim().is_empty()) {
            return Err(Error::invalid(rec, "state", "已销号的事项必须有佐证资料和审核意见"));
        }
        for e in &self.evidence {
            e.validate(&self.label())?;
        }
        Ok(())
    }

    pub fn issue(&mut self, notice: Option<u64>, on: NaiveDate) -> Result<()> {
        self.guard(ItemAction::Issue)?;
        if self.due < on {
            return Err(Error::invalid(self.label(), "due", format!("整改期限 {} 早于下达日期 {on}：先改期限", self.due)));
        }
        self.state = ItemState::Issued;
        self.issue_date = Some(on);
        self.notice = notice;
        Ok(())
    }

    /// Undoes `issue` when its notice is cancelled; only an item nobody has acted on yet.
    pub fn revert_to_draft(&mut self, notice: u64, number: &str) -> Result<()> {
        if self.state != ItemState::Issued || self.notice != Some(notice) {
            return Err(Error::IllegalTransition {
                what: self.label(),
                state: self.state.label().into(),
                action: format!("随通知书 {number} 作废退回草稿（只有尚未办理的“已下达”事项可以）"),
            });
        }
        self.state = ItemState::Draft;
        self.issue_date = None;
        self.notice = None;
        Ok(())
    }

    pub fn start(&mut self) -> Result<()> {
        self.guard(ItemAction::Start)?;
        self.state = ItemState::InProgress;
        Ok(())
    }

    /// The unit's response (整改报告): the item waits for review.
    pub fn submit(&mut self, text: &str, evidence: &[Evidence]) -> Result<()> {
        self.guard(ItemAction::Submit)?;
        if text.trim().is_empty() {
            return Err(Error::invalid(self.label(), "text", "整改报告内容不能为空"));
        }
        self.evidence.extend_from_slice(evidence);
        self.state = ItemState::Submitted;
        Ok(())
    }

    pub fn return_to_unit(&mut self, reasons: &str) -> Result<()> {
        self.guard(ItemAction::Return)?;
        if reasons.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reasons", "退回需要写明理由"));
        }
        self.state = ItemState::Returned;
        Ok(())
    }

    /// 销号: needs at least one evidence item and the reviewer's opinion.
    pub fn close(&mut self, opinion: &str, on: NaiveDate) -> Result<()> {
        self.guard(ItemAction::Close)?;
        if self.evidence.is_empty() {
            return Err(Error::invalid(self.label(), "evidence", "没有任何佐证资料，不能销号：请责任单位补充佐证资料，或退回"));
        }
        if opinion.trim().is_empty() {
            return Err(Error::invalid(self.label(), "opinion", "销号需要审核意见"));
        }
        self.state = ItemState::Closed;
        self.opinion = Some(opinion.to_string());
        self.closed_on = Some(on);
        Ok(())
    }

    pub fn mark_long_term(&mut self, reason: &str) -> Result<()> {
        self.guard(ItemAction::MarkLongTerm)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reason", "转持续整改需要说明原因"));
        }
        self.state = ItemState::LongTerm;
        Ok(())
    }

    pub fn progress(&mut self, text: &str, evidence: &[Evidence]) -> Result<()> {
        self.guard(ItemAction::Progress)?;
        if text.trim().is_empty() {
            return Err(Error::invalid(self.label(), "text", "进展内容不能为空"));
        }
        self.evidence.extend_from_slice(evidence);
        Ok(())
    }

    pub fn request_extension(&mut self, reason: &str, to: NaiveDate, by: &str, at: DateTime<Utc>) -> Result<()> {
        self.guard(ItemAction::RequestExtension)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reason", "申请延期需要说明理由"));
        }
        if to <= self.due {
            return Err(Error::invalid(self.label(), "due", format!("申请的新期限 {to} 应晚于当前期限 {}", self.due)));
        }
        self.pending_extension = Some(ExtensionRequest { reason: reason.to_string(), requested_due: to, by: by.to_string(), at });
        Ok(())
    }

    /// Approves the pending request; `to` overrides the requested date. The original due stays.
    pub fn approve_extension(&mut self, to: Option<NaiveDate>, by: &str, at: DateTime<Utc>) -> Result<()> {
        self.guard(ItemAction::ApproveExtension)?;
        let Some(req) = self.pending_extension.take() else {
            return Err(Error::IllegalTransition { what: self.label(), state: self.state.label().into(), action: "批准延期".into() });
        };
        let to = to.unwrap_or(req.requested_due);
        if to <= self.due {
            self.pending_extension = Some(req);
            return Err(Error::invalid(self.label(), "due", format!("批准的新期限 {to} 应晚于当前期限 {}", self.due)));
        }
        self.extensions.push(Extension { from: self.due, to, reason: req.reason, approved_by: by.to_string(), at });
        self.due = to;
        Ok(())
    }

    pub fn deny_extension(&mut self, reason: &str) -> Result<()> {
        self.guard(ItemAction::DenyExtension)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reason", "驳回延期需要说明理由"));
        }
        self.pending_extension = None;
        Ok(())
    }

    pub fn cancel(&mut self, reason: &str) -> Result<()> {
        self.guard(ItemAction::Cancel)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reason", "撤销需要说明理由"));
        }
        self.state = ItemState::Cancelled;
        self.cancel_reason = Some(reason.to_string());
        Ok(())
    }
}

/// Checks the date a user typed on a history entry: the date on the document the unit (or
/// the reviewer) sent (文件日期 / 来文日期). The entry itself is dated by the server's clock;
/// this date only describes the paper, so it can be neither in the future nor before the
/// item was issued (a draft, not issued yet, is bounded by the calendar alone).
pub fn check_document_date(item: &RectItem, date: NaiveDate, today: NaiveDate) -> Result<()> {
    let rec = item.label();
    super::calendar::check_date(date).map_err(|m| Error::invalid(&rec, "date", m))?;
    match document_date_problem(item.issue_date, date, today) {
        Some(m) => Err(Error::invalid(rec, "date", m)),
        None => Ok(()),
    }
}

/// What is wrong with a document date given the item's issue date and today, if anything:
/// the date given and the range allowed (shared with the forms, which check as you type).
pub fn document_date_problem(issued: Option<NaiveDate>, date: NaiveDate, today: NaiveDate) -> Option<String> {
    let range = match issued {
        Some(issued) => format!("应在下达日期 {issued} 至今天 {today} 之间"),
        None => format!("不能晚于今天 {today}"),
    };
    if date > today {
        return Some(format!("{date} 晚于今天：{range}（填来文上的日期，不是期限）"));
    }
    match issued {
        Some(issued) if date < issued => Some(format!("{date} 早于下达日期：{range}")),
        _ => None,
    }
}

/// The entry of the kinds `keep` accepts that was recorded last: by `seq`, the order the
/// server recorded them in, never by the date someone typed (an earlier-dated paper
/// recorded later is still the latest word).
pub fn latest_entry(entries: &[Response], keep: impl Fn(EntryKind) -> bool) -> Option<&Response> {
    entries.iter().filter(|r| keep(r.kind)).max_by_key(|r| r.seq)
}

/// What an entry in an item's history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Issued,
    Started,
    Response,
    Returned,
    Closed,
    LongTerm,
    Progress,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionDenied,
    Cancelled,
    Note,
    /// The item's fields were edited; the entry's text keeps the fields before the edit
    /// (`ItemFields` as JSON), so `restore_item` can bring them back.
    Edited,
    /// An evidence item was removed with a reason; the entry keeps the evidence removed.
    EvidenceRemoved,
}

impl EntryKind {
    /// The unit's side of the history: what the ledger's 最近反馈 reads.
    pub fn is_feedback(self) -> bool {
        matches!(self, EntryKind::Response | EntryKind::Progress)
    }

    /// A reviewer's decision: what the ledger's 最近审核 reads.
    pub fn is_review(self) -> bool {
        matches!(self, EntryKind::Returned | EntryKind::Closed | EntryKind::ExtensionApproved | EntryKind::ExtensionDenied)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Issued => "下达",
            EntryKind::Started => "开始整改",
            EntryKind::Response => "整改报告",
            EntryKind::Returned => "退回",
            EntryKind::Closed => "销号",
            EntryKind::LongTerm => "转持续整改",
            EntryKind::Progress => "进展",
            EntryKind::ExtensionRequested => "申请延期",
            EntryKind::ExtensionApproved => "批准延期",
            EntryKind::ExtensionDenied => "驳回延期",
            EntryKind::Cancelled => "撤销",
            EntryKind::Note => "备注",
            EntryKind::Edited => "修改",
            EntryKind::EvidenceRemoved => "删除佐证",
        }
    }
}

/// One append-only entry of an item's history (a response, a review, a progress note …).
/// Entries are never changed or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub item: ItemId,
    /// 1, 2, 3 … within the item.
    pub seq: u32,
    pub kind: EntryKind,
    /// 文件日期: the date on the document the entry records (the unit's report, a letter),
    /// as typed (checked by `check_document_date`), else the day it was recorded. It never
    /// orders the history: `seq` does.
    pub date: NaiveDate,
    pub text: String,
    pub evidence: Vec<Evidence>,
    pub by: String,
    /// When the server recorded the entry (its clock, not the user's).
    pub at: DateTime<Utc>,
}

/// An item's editable fields as they were before an edit, kept in its `Edited` history entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFields {
    pub requirement: String,
    pub unit: String,
    pub contact: String,
    pub due: NaiveDate,
    /// Why the edit was a restore (empty for a plain edit).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl ItemFields {
    pub fn of(it: &RectItem) -> ItemFields {
        ItemFields {
            requirement: it.requirement.clone(),
            unit: it.unit.clone(),
            contact: it.contact.clone(),
            due: it.due,
            reason: String::new(),
        }
    }

    /// The fields kept in an `Edited` entry's text (None: not such an entry).
    pub fn from_entry(r: &Response) -> Option<ItemFields> {
        (r.kind == EntryKind::Edited).then(|| serde_json::from_str(&r.text).ok()).flatten()
    }

    /// The same editable fields (the reason aside).
    pub fn same(&self, other: &ItemFields) -> bool {
        (&self.requirement, &self.unit, &self.contact, self.due) == (&other.requirement, &other.unit, &other.contact, other.due)
    }
}
