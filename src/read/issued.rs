//! A notice as issued (DESIGN.md §2, "issued documents"): the `NoticeDoc` it was rendered from
//! on the day it was issued, and the sha256 of its text rendering. The store writes it inside
//! the `issue_notice` transaction and never again, so `jixiao notice NUMBER` reprints exactly
//! what the unit received whatever happened since (an approved extension, a revised finding,
//! an item closed). `changes` lists what differs between that copy and today's records.
//!
//! The copy keeps the data, not the text: Markdown, plain text and the .docx all render from
//! it. So the plain-text layout for a given `NoticeDoc` must never change silently: a change
//! to what `to_text` prints bumps `TEXT_LAYOUT`, and keeps the old layout for copies stamped
//! with an older one (else their sha256 no longer matches and they read as damaged).

pub use super::notice::TEXT_LAYOUT;
use super::notice::{A4_WIDTH, NoticeDoc, chinese_number, result_text, to_text};
use crate::domain::money::fmt2;
use crate::domain::{Error, Finding, ItemState, Notice, NoticeState, RectItem, Result};
use serde::{Deserialize, Serialize};

/// What was issued: the data the notice was rendered from, and the sha256 (hex) of
/// `to_text(&doc, A4_WIDTH)` as issued, which is what `jixiao notice NUMBER` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedNotice {
    pub doc: NoticeDoc,
    pub text_sha256: String,
    /// `TEXT_LAYOUT` when it was issued.
    pub layout: u8,
}

/// Lower-case hex sha256, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl IssuedNotice {
    /// The copy of a notice being issued now.
    pub fn new(mut doc: NoticeDoc) -> Self {
        doc.layout = None;
        let text_sha256 = sha256_hex(to_text(&doc, A4_WIDTH).as_bytes());
        IssuedNotice { doc, text_sha256, layout: TEXT_LAYOUT }
    }

    /// The issued document in the layout it was issued with.
    fn stamped(&self) -> NoticeDoc {
        let mut doc = self.doc.clone();
        doc.layout = Some(self.layout);
        doc
    }

    /// The text as issued, once its sha256 is checked against the recorded one; a mismatch is
    /// a damaged record (or a copy from a layout this jixiao does not print), named.
    pub fn verified_text(&self) -> Result<String> {
        let text = to_text(&self.stamped(), A4_WIDTH);
        let sha = sha256_hex(text.as_bytes());
        if sha == self.text_sha256 {
            return Ok(text);
        }
        let why = if self.layout > TEXT_LAYOUT {
            format!("该副本按第 {} 版版式留存，本程序按第 {TEXT_LAYOUT} 版排版：请用留存时的 jixiao 版本打印", self.layout)
        } else {
            "留存的数据在下发后被改动过（记录已损坏）：运行 jixiao check，从备份恢复；--current 可按今天的数据排出".to_string()
        };
        Err(Error::corrupt(
            format!("通知书 {} 的下发留存副本", self.doc.notice.number),
            format!("重新排出的正文 sha256 为 {sha}，下发时记录的是 {}。{why}", self.text_sha256),
        ))
    }

    /// The issued document as it is shown today: unchanged, except that a notice cancelled
    /// since carries the 【已作废】 block and the reason on top (`blocks` puts it first, so the
    /// rest of the text is the issued text byte for byte).
    pub fn as_shown(&self, today: &Notice) -> NoticeDoc {
        let mut doc = self.stamped();
        if today.state == NoticeState::Cancelled {
            doc.notice.state = NoticeState::Cancelled;
            doc.notice.cancel_reason = today.cancel_reason.clone();
        }
        doc
    }
}

// --- what changed since issue ------------------------------------------------------------

/// One difference between the issued copy and today's records: `subject` (which item or
/// problem), `what` changed, from → to, and why when known (延期已批准).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub subject: String,
    pub what: String,
    pub from: String,
    pub to: String,
    pub note: Option<String>,
}

impl Change {
    fn new(subject: &str, what: &str, from: impl Into<String>, to: impl Into<String>) -> Self {
        Change { subject: subject.to_string(), what: what.to_string(), from: from.into(), to: to.into(), note: None }
    }

    fn because(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// `整改事项（1）「…」：整改期限 原 2026-12-20 → 现 2027-01-15（延期已批准）`.
    pub fn line(&self) -> String {
        let note = self.note.as_deref().map(|n| format!("（{n}）")).unwrap_or_default();
        format!("{}：{} 原 {} → 现 {}{note}", self.subject, self.what, self.from, self.to)
    }
}

/// Everything that differs between the issued copy and today's `current` (both gathered for
/// the same notice), in print order: the notice, the result, then per problem its finding and
/// its items. Items are matched by their place in the notice's list (an import may renumber
/// ids, never reorder a notice's items), findings through their items.
pub fn changes(issued: &NoticeDoc, current: &NoticeDoc) -> Vec<Change> {
    let mut out = Vec::new();
    let (was, now) = (&issued.notice, &current.notice);
    if was.state != now.state {
        let reason = now.cancel_reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("未说明");
        out.push(Change::new("通知书", "状态", was.state.label(), now.state.label()).because(format!("作废原因：{reason}")));
    }
    if issued.project.name != current.project.name {
        out.push(Change::new("项目", "名称", &issued.project.name, &current.project.name));
    }
    let (from, to) = (result_text(&issued.project, &issued.tree), result_text(&current.project, &current.tree));
    if from != to {
        out.push(Change::new("评价结果", "总分与等级", short_result(issued), short_result(current)));
    }
    let mut findings_seen: Vec<u64> = Vec::new();
    for (k, id) in was.items.iter().enumerate() {
        let subject_n = format!("整改事项（{}）", k + 1);
        let Some(before) = issued.items.iter().find(|i| i.id == *id) else { continue };
        let now_id = now.items.get(k).copied().unwrap_or(*id);
        let Some(after) = current.items.iter().find(|i| i.id == now_id) else {
            out.push(Change::new(&subject_n, "记录", "在", "找不到（运行 jixiao check）"));
            continue;
        };
        if !findings_seen.contains(&before.finding) {
            findings_seen.push(before.finding);
            let problem = format!("问题{}", chinese_number(findings_seen.len()));
            let was_f = issued.findings.iter().find(|f| f.id == before.finding);
            let now_f = current.findings.iter().find(|f| f.id == after.finding);
            if let (Some(a), Some(b)) = (was_f, now_f) {
                out.extend(finding_changes(&problem, a, b));
            }
        }
        let subject = format!("{subject_n}「{}」", crate::text::truncate(&one_line(&before.requirement), 30));
        out.extend(item_changes(&subject, before, after));
    }
    out
}

/// 85.50分（良）, or 评分未完成（62.00分）.
fn short_result(doc: &NoticeDoc) -> String {
    let total = fmt2(doc.tree.total_score());
    match doc.tree.result_label().filter(|_| doc.tree.is_fully_scored()) {
        Some(label) => format!("{total}分（{label}）"),
        None => format!("评分未完成（{total}分）"),
    }
}

fn finding_changes(problem: &str, a: &Finding, b: &Finding) -> Vec<Change> {
    let mut out = Vec::new();
    if a.body.text != b.body.text {
        let c = Change::new(problem, "问题事实", quote(&a.body.text), quote(&b.body.text));
        out.push(c.because(revision_note(b)));
    }
    if a.body.category != b.body.category {
        out.push(Change::new(problem, "问题类别", &a.body.category, &b.body.category));
    }
    let written = |t: &str| if t.trim().is_empty() { "（未写）".to_string() } else { quote(t) };
    if a.body.title != b.body.title {
        out.push(Change::new(problem, "标题", written(&a.body.title), written(&b.body.title)));
    }
    if a.body.basis != b.body.basis {
        out.push(Change::new(problem, "评价依据", written(&a.body.basis), written(&b.body.basis)));
    }
    if a.body.severity != b.body.severity {
        out.push(Change::new(problem, "严重程度", a.body.severity.label(), b.body.severity.label()));
    }
    if a.body.amount != b.body.amount {
        let money = |m: Option<rust_decimal::Decimal>| m.map(|m| format!("{}万元", fmt2(m))).unwrap_or_else(|| "无".into());
        out.push(Change::new(problem, "涉及金额", money(a.body.amount), money(b.body.amount)));
    }
    if a.state != b.state {
        let c = Change::new(problem, "状态", a.state.label(), b.state.label());
        out.push(match b.withdraw_reason.as_deref() {
            Some(r) => c.because(format!("撤回原因：{}", one_line(r))),
            None => c,
        });
    }
    out
}

/// Why the finding's text changed: the note of its latest revision, when there is one.
fn revision_note(f: &Finding) -> String {
    match f.history.last().map(|r| one_line(&r.note)).filter(|n| !n.is_empty()) {
        Some(note) => format!("已修订：{note}"),
        None => "已修订".to_string(),
    }
}

fn item_changes(subject: &str, a: &RectItem, b: &RectItem) -> Vec<Change> {
    let mut out = Vec::new();
    if a.due != b.due {
        let approved = b.extensions.iter().skip(a.extensions.len()).any(|e| e.to == b.due);
        let c = Change::new(subject, "整改期限", a.due.to_string(), b.due.to_string());
        out.push(c.because(if approved { "延期已批准" } else { "期限已调整" }));
    }
    if a.state != b.state {
        let c = Change::new(subject, "状态", a.state.label(), b.state.label());
        out.push(match (b.state, b.closed_on, b.cancel_reason.as_deref()) {
            (ItemState::Closed, Some(on), _) => c.because(format!("{on} 销号")),
            (ItemState::Cancelled, _, Some(r)) => c.because(format!("撤销原因：{}", one_line(r))),
            _ => c,
        });
    }
    if a.requirement != b.requirement {
        out.push(Change::new(subject, "整改要求", quote(&a.requirement), quote(&b.requirement)));
    }
    if let Some(p) = b.pending_extension.as_ref().filter(|_| a.pending_extension.is_none()) {
        let c = Change::new(subject, "延期申请", "无", format!("申请延至 {}", p.requested_due));
        out.push(c.because("待审批"));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A text in a change line: on one line, in 「」, cut at 60 cells.
fn quote(text: &str) -> String {
    format!("「{}」", crate::text::truncate(&one_line(text), 60))
}

/// The change list as printed after `jixiao notice NUMBER --current`: a heading naming the
/// notice, then one numbered line per change (or a line saying nothing changed).
pub fn changes_text(number: &str, list: &[Change]) -> String {
    let mut out = format!("下发后的变化（对照 {number} 下发时留存的原文）：\n");
    if list.is_empty() {
        out.push_str("没有变化。\n");
    }
    for (n, c) in list.iter().enumerate() {
        out.push_str(&format!("{}. {}\n", n + 1, c.line()));
    }
    out
}
