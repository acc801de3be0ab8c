//! Renderings of the deadline list (`jixiao due`): a plain-text table that fits the terminal
//! (widths in display cells), and JSON rows for scripts.

use crate::domain::{Deadline, DeadlineKind, DueStatus, Error, Result};
use crate::i18n::Lang;
use crate::text::width;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use unicode_width::UnicodeWidthChar;

/// What `jixiao due` asks for: answered where the store is (in the server for a shared
/// store), so only the rendered text crosses the socket, not every row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueRequest {
    pub filter: crate::domain::DeadlineFilter,
    pub today: NaiveDate,
    pub json: bool,
    /// The table's width in cells.
    pub width: usize,
    pub english: bool,
    /// One line of counts instead of the table (`--count`, for shell prompts); absent in a
    /// request from an older client, which asked for the table.
    #[serde(default)]
    pub count: bool,
}

impl DueRequest {
    /// The CLI's bounds (`--within` at most 100 years, `--as-of` in the calendar), for a
    /// client that speaks to the server directly too.
    pub fn check(&self) -> Result<()> {
        let max = crate::domain::calendar::MAX_WITHIN_DAYS;
        if self.filter.within.is_some_and(|w| !(0..=max).contains(&w)) {
            return Err(Error::invalid("jixiao due", "--within", format!("应在 0 到 {max} 天之间")));
        }
        crate::domain::calendar::check_date(self.today).map_err(|m| Error::invalid("jixiao due", "--as-of", m))
    }
}

/// The rendered list, and whether anything in it is overdue (for `--fail-if-overdue`).
pub fn render<'a>(all: impl IntoIterator<Item = &'a Deadline>, req: &DueRequest) -> Result<(String, bool)> {
    let rows = crate::domain::deadline::select_refs(all, &req.filter, req.today);
    let overdue = rows.iter().any(|d| d.status(req.today) == DueStatus::Overdue);
    let lang = if req.english { Lang::En } else { Lang::Zh };
    let text = if req.count {
        count_line(&rows, req.today, req.filter.within.unwrap_or(0), lang)
    } else if req.json {
        to_json(&rows, req.today)?
    } else {
        to_table(&rows, req.today, req.width, lang)
    };
    Ok((text, overdue))
}

/// One JSON row: the fields scripts key on first, then the rest of the entry.
#[derive(Debug, Serialize)]
pub struct JsonRow<'a> {
    pub date: NaiveDate,
    pub kind: DeadlineKind,
    /// The project code; null for a bureau-wide milestone.
    pub project: Option<&'a str>,
    /// The rectification item's id; null for notices and milestones.
    pub item: Option<u64>,
    pub unit: &'a str,
    pub days_left: i64,
    pub overdue: bool,
    /// The item, notice or milestone id.
    pub id: u64,
    pub title: &'a str,
    /// The item's state, the notice's number, or the milestone's kind.
    pub detail: &'a str,
    pub owners: &'a [String],
}

pub fn to_json<D: Borrow<Deadline>>(rows: &[D], today: NaiveDate) -> Result<String> {
    let out: Vec<JsonRow> = rows
        .iter()
        .map(Borrow::borrow)
        .map(|d: &Deadline| JsonRow {
            date: d.date,
            kind: d.kind,
            project: (!d.code.is_empty()).then_some(d.code.as_str()),
            item: (d.kind == DeadlineKind::Item).then_some(d.id),
            unit: &d.unit,
            days_left: d.days_left(today),
            overdue: d.status(today) == DueStatus::Overdue,
            id: d.id,
            title: &d.title,
            detail: &d.detail,
            owners: &d.owners,
        })
        .collect();
    serde_json::to_string_pretty(&out).map(|s| s + "\n").map_err(|e| Error::io("json", e))
}

/// Short kind labels for the table.
fn kind_cell(kind: DeadlineKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (DeadlineKind::Item, Lang::Zh) => "事项",
        (DeadlineKind::Notice, Lang::Zh) => "通知书",
        (DeadlineKind::Milestone, Lang::Zh) => "节点",
        (DeadlineKind::Item, Lang::En) => "item",
        (DeadlineKind::Notice, Lang::En) => "notice",
        (DeadlineKind::Milestone, Lang::En) => "date",
    }
}

pub fn days_cell(d: &Deadline, today: NaiveDate, lang: Lang) -> String {
    match (d.days_left(today), lang) {
        (n, Lang::Zh) if n < 0 => format!("逾期{}天", -n),
        (0, Lang::Zh) => "今天".into(),
        (n, Lang::Zh) => format!("{n}天"),
        (n, Lang::En) if n < 0 => format!("{}d late", -n),
        (0, Lang::En) => "today".into(),
        (n, Lang::En) => format!("in {n}d"),
    }
}

/// What the last column says: `#12 requirement` for items, the title otherwise.
fn what_cell(d: &Deadline) -> String {
    match d.kind {
        DeadlineKind::Item => format!("#{} {}", d.id, d.title),
        _ => d.title.clone(),
    }
}

/// The table: 日期, 剩余, 类别, 项目, 单位, 事项; every line at most `width` cells (the last
/// column takes what is left, cut with …). A closing line counts what is shown. Written into
/// one buffer: a long overdue list is tens of thousands of lines.
pub fn to_table<D: Borrow<Deadline>>(rows: &[D], today: NaiveDate, width_cells: usize, lang: Lang) -> String {
    let rows: Vec<&Deadline> = rows.iter().map(Borrow::borrow).collect();
    let (w_date, w_days, w_kind) = (10, 10, 6);
    let w_code = rows.iter().map(|d| width(&d.code)).max().unwrap_or(0).clamp(4, 12);
    let w_unit = rows.iter().map(|d| width(&d.unit)).max().unwrap_or(0).clamp(4, 14);
    let fixed = w_date + w_days + w_kind + w_code + w_unit + 5;
    let w_what = width_cells.saturating_sub(fixed).max(8);
    let mut out = String::with_capacity((rows.len() + 2) * (width_cells + 40));
    let mut line = |cells: [&str; 6]| {
        let start = out.len();
        for (i, (text, w)) in cells.iter().zip([w_date, w_days, w_kind, w_code, w_unit, w_what]).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if i == 1 { push_left(&mut out, text, w) } else { push_right(&mut out, text, w) }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    let head = match lang {
        Lang::Zh => ["日期", "剩余", "类别", "项目", "单位", "事项"],
        Lang::En => ["date", "left", "kind", "project", "unit", "what"],
    };
    line(head);
    let mut counts = [0usize; 3];
    for d in rows.iter().copied() {
        let status = d.status(today);
        match status {
            DueStatus::Overdue => counts[0] += 1,
            DueStatus::Today => counts[1] += 1,
            DueStatus::Soon => counts[2] += 1,
            DueStatus::Later => {}
        }
        let code = if d.code.is_empty() { "—" } else { d.code.as_str() };
        let unit = if d.unit.is_empty() { "—" } else { d.unit.as_str() };
        let date = format!("{:04}-{:02}-{:02}", d.date.year(), d.date.month(), d.date.day());
        line([&date, &days_cell(d, today, lang), kind_cell(d.kind, lang), code, unit, &what_cell(d)]);
    }
    let [over, now, soon] = counts;
    out.push_str(&match lang {
        Lang::Zh => format!("共 {} 项：逾期 {over}，今天到期 {now}，7 天内 {soon}（截至 {today}）", rows.len()),
        Lang::En => format!("{} in all: {over} overdue, {now} due today, {soon} within 7 days (as of {today})", rows.len()),
    });
    out.push('\n');
    out
}

/// `jixiao due --count`: overdue, due today, due within `within` days (after today), on one
/// line for a shell prompt. Separated by ｜ (a wide, unambiguous glyph) in Chinese and by
/// ASCII in English: no ambiguous-width `·` whose width a terminal may guess wrong.
pub fn count_line<D: Borrow<Deadline>>(rows: &[D], today: NaiveDate, within: i64, lang: Lang) -> String {
    let mut counts = [0usize; 3];
    for d in rows.iter().map(Borrow::borrow) {
        match d.days_left(today) {
            n if n < 0 => counts[0] += 1,
            0 => counts[1] += 1,
            n if n <= within => counts[2] += 1,
            _ => {}
        }
    }
    let [over, now, soon] = counts;
    match lang {
        Lang::Zh => format!("逾期 {over}｜今天 {now}｜{within}天内 {soon}\n"),
        Lang::En => format!("{over} overdue | {now} today | {soon} within {within} days\n"),
    }
}

/// Appends `s` cut to `w` cells (… marks a cut) and padded on the right.
fn push_right(out: &mut String, s: &str, w: usize) {
    let used = push_cut(out, s, w);
    out.extend(std::iter::repeat_n(' ', w - used));
}

/// Appends `s` cut to `w` cells, right-aligned.
fn push_left(out: &mut String, s: &str, w: usize) {
    let (end, used) = cut(s, w);
    out.extend(std::iter::repeat_n(' ', w - used));
    push_prefix(out, s, end);
}

/// Appends at most `w` cells of `s`, ending with … when cut; returns the cells used.
fn push_cut(out: &mut String, s: &str, w: usize) -> usize {
    let (end, used) = cut(s, w);
    push_prefix(out, s, end);
    used
}

fn push_prefix(out: &mut String, s: &str, end: usize) {
    out.push_str(&s[..end]);
    if end < s.len() {
        out.push('…');
    }
}

/// One pass over `s`: the byte end of what is shown in `w` cells and the cells it takes
/// (all of `s`, or a prefix of at most `w - 1` cells that … completes).
fn cut(s: &str, w: usize) -> (usize, usize) {
    let (mut used, mut fit_end, mut fit_used) = (0, 0, 0);
    for (i, c) in s.char_indices() {
        used += c.width().unwrap_or(0);
        if used > w {
            return (fit_end, if w > 0 { fit_used + 1 } else { 0 });
        }
        if used < w {
            fit_end = i + c.len_utf8();
            fit_used = used;
        }
    }
    (s.len(), used)
}
