//! Renderings of the rectification ledger (整改台账): a plain-text table that fits a terminal,
//! CSV for Excel/WPS and JSON (the XLSX for filing is `ledger_xlsx`).
//!
//! CSV and the table share the columns of `HEADERS`: the 19 ledger columns of
//! DOMAIN.md §5 in order, then 最近审核 (the review decision recorded last), 通知书 (the number the item was issued under), 评价报告 (the
//! number of the project's issued report), 涉及金额（万元） and 事项ID.

use super::ledger::{LedgerRow, totals};
use crate::domain::money::fmt2;
use crate::domain::{Error, Result};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub const HEADERS: [&str; 24] = [
    "序号",
    "项目",
    "问题编号",
    "问题描述",
    "问题类别",
    "对应指标",
    "严重程度",
    "整改要求",
    "责任单位",
    "责任人",
    "下达日期",
    "原定期限",
    "当前期限",
    "状态",
    "最近反馈",
    "佐证资料数",
    "审核意见",
    "销号日期",
    "逾期天数",
    "最近审核",
    "通知书",
    "评价报告",
    "涉及金额（万元）",
    "事项ID",
];

/// One cell, typed so XLSX can write real dates and numbers.
pub(super) enum Cell {
    Text(String),
    Int(Option<i64>),
    Date(Option<NaiveDate>),
    Amount(Option<Decimal>),
}

impl Cell {
    pub(super) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            Cell::Amount(a) => a.map(fmt2).unwrap_or_default(),
        }
    }
}

fn int(n: impl TryInto<i64>) -> Cell {
    Cell::Int(n.try_into().ok())
}

pub(super) fn cells(r: &LedgerRow) -> [Cell; 24] {
    use Cell::{Amount, Date, Int, Text};
    [
        int(r.no),
        Text(r.project.clone()),
        Text(r.finding_no.clone()),
        Text(r.description.clone()),
        Text(r.category.clone()),
        Text(r.indicators_text()),
        Text(r.severity.label().to_string()),
        Text(r.requirement.clone()),
        Text(r.unit.clone()),
        Text(r.contact.clone()),
        Date(r.issue_date),
        Date(Some(r.original_due)),
        Date(Some(r.due)),
        Text(r.status_label()),
        Text(r.feedback_text()),
        int(r.evidence_count),
        Text(r.opinion.clone().unwrap_or_default()),
        Date(r.closed_on),
        Int(r.days_overdue),
        Text(r.review_text()),
        Text(r.notice.clone().unwrap_or_default()),
        Text(r.report.clone().unwrap_or_default()),
        Amount(r.amount),
        int(r.item_id),
    ]
}

// ---------------------------------------------------------------- CSV

/// UTF-8 with a BOM, Chinese headers, RFC 4180 quoting and CRLF line ends (what Excel and WPS
/// open correctly). A cell starting with =, +, -, @, tab or CR gets a leading `'` so a
/// spreadsheet keeps it as text (CSV formula injection).
pub fn to_csv(rows: &[LedgerRow]) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    csv_line(&mut out, HEADERS.iter().map(|h| h.to_string()));
    for r in rows {
        csv_line(&mut out, cells(r).iter().map(Cell::text));
    }
    out.into_bytes()
}

fn csv_line(out: &mut String, fields: impl Iterator<Item = String>) {
    let fields: Vec<String> = fields.map(|f| csv_field(&f)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

// ---------------------------------------------------------------- JSON

#[derive(serde::Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    row: &'a LedgerRow,
    /// 状态 as shown, with "（延期申请中）" while an extension is pending.
    status: String,
}

/// An array with one object per item: the snake_case fields of `LedgerRow` plus `status`;
/// dates as "YYYY-MM-DD", the amount as a string with two decimals (or null).
pub fn to_json(rows: &[LedgerRow]) -> Result<String> {
    let view: Vec<JsonRow> = rows.iter().map(|row| JsonRow { row, status: row.status_label() }).collect();
    let mut text = serde_json::to_string_pretty(&view).map_err(|e| Error::corrupt("整改台账 JSON", e))?;
    text.push('\n');
    Ok(text)
}

// ---------------------------------------------------------------- table

/// A table column: index into `HEADERS`, the narrowest it is shown, the width it asks for,
/// the widest it grows to, right-aligned?
struct Col(usize, usize, usize, usize, bool);

/// The columns of the table in the order they get room. The first `CORE` are always shown
/// (narrowed down to their minimum if need be); the others only while they fit.
const TABLE_PRIORITY: [Col; 24] = [
    Col(0, 4, 4, 5, true),
    Col(2, 8, 12, 14, false),
    Col(13, 8, 14, 22, false),
    Col(12, 10, 10, 10, false),
    Col(18, 8, 8, 8, true),
    Col(8, 8, 12, 20, false),
    Col(3, 16, 24, 60, false),
    // 通知书 right after the core: a number such as 财绩整〔2026〕3号 is 17 cells, so it shows
    // at 120 columns (where 问题类别 and 责任人 then give way).
    Col(20, 8, 18, 20, false),
    Col(4, 8, 16, 24, false),
    Col(9, 6, 10, 10, false),
    Col(6, 8, 8, 8, false),
    Col(15, 10, 10, 10, true),
    Col(11, 10, 10, 10, false),
    Col(10, 10, 10, 10, false),
    Col(7, 16, 24, 50, false),
    Col(14, 16, 24, 50, false),
    Col(5, 10, 16, 30, false),
    Col(16, 12, 16, 40, false),
    Col(19, 16, 24, 50, false),
    Col(17, 10, 10, 10, false),
    Col(1, 12, 20, 30, false),
    Col(22, 16, 16, 16, true),
    Col(23, 6, 6, 8, true),
    Col(21, 12, 22, 24, false),
];
const CORE: usize = 7;
/// Narrowed first when the core does not fit: 状态, 问题描述, 责任单位, 问题编号.
const SHRINK_FIRST: [usize; 4] = [13, 3, 8, 2];
/// Widened first when there is room to spare: 问题描述.
const GROW_FIRST: usize = 3;

const GAP: &str = " ";

/// A plain-text table no wider than `width` display cells: the most useful columns that fit,
/// long texts cut with …, then a line of totals by status.
pub fn to_table(rows: &[LedgerRow], width: usize) -> String {
    let width = width.max(1);
    let grid: Vec<Vec<String>> = rows.iter().map(|r| cells(r).iter().map(|c| one_line(&c.text())).collect()).collect();
    let layout = layout(&grid, width);
    let mut lines = vec![table_line(&layout, |i| HEADERS[i].to_string())];
    let used = layout.iter().map(|(_, w, _)| w).sum::<usize>() + GAP.len() * layout.len().saturating_sub(1);
    lines.push("-".repeat(used.min(width)));
    for cells in &grid {
        lines.push(table_line(&layout, |i| cells[i].clone()));
    }
    lines.extend(summary(rows, width));
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Control characters (line breaks, tabs) become spaces so a cell stays on its line.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The chosen columns in ledger order, as (header index, width, right-aligned).
fn layout(grid: &[Vec<String>], width: usize) -> Vec<(usize, usize, bool)> {
    let natural = |c: &Col| grid.iter().map(|r| r[c.0].width()).chain([HEADERS[c.0].width()]).max().unwrap_or(0);
    // (column, width, the most it needs)
    let mut chosen: Vec<(&Col, usize, usize)> = Vec::new();
    for (n, c) in TABLE_PRIORITY.iter().enumerate() {
        let most = natural(c).min(c.3);
        let want = most.min(c.2);
        if n >= CORE && total(&chosen) + GAP.len() + want > width {
            break;
        }
        chosen.push((c, want, most));
    }
    shrink(&mut chosen, width);
    let mut room = width.saturating_sub(total(&chosen));
    let grow_order = chosen.iter().position(|(c, _, _)| c.0 == GROW_FIRST).into_iter().chain(0..chosen.len());
    for i in grow_order.collect::<Vec<_>>() {
        let (_, w, most) = &mut chosen[i];
        let grow = most.saturating_sub(*w).min(room);
        *w += grow;
        room -= grow;
    }
    let mut out: Vec<(usize, usize, bool)> = chosen.iter().map(|(c, w, _)| (c.0, *w, c.4)).collect();
    out.sort_by_key(|(i, _, _)| *i);
    out
}

fn total(chosen: &[(&Col, usize, usize)]) -> usize {
    chosen.iter().map(|(_, w, _)| w).sum::<usize>() + GAP.len() * chosen.len().saturating_sub(1)
}

/// Narrows columns toward their minimum (SHRINK_FIRST, then the lowest priority first), then
/// drops the lowest-priority columns, until the table fits `width`.
fn shrink(chosen: &mut Vec<(&Col, usize, usize)>, width: usize) {
    let listed = SHRINK_FIRST.iter().filter_map(|h| chosen.iter().position(|(c, _, _)| c.0 == *h));
    let order: Vec<usize> = listed.chain((0..chosen.len()).rev()).collect();
    for i in order {
        let over = total(chosen).saturating_sub(width);
        let (c, w, _) = &mut chosen[i];
        *w -= over.min(w.saturating_sub(c.1));
    }
    while total(chosen) > width && chosen.len() > 1 {
        chosen.pop();
    }
    if let Some((_, w, _)) = chosen.first_mut() {
        *w = (*w).min(width);
    }
}

fn table_line(layout: &[(usize, usize, bool)], cell: impl Fn(usize) -> String) -> String {
    let parts: Vec<String> = layout.iter().map(|(i, w, right)| pad(&fit(&cell(*i), *w), *w, *right)).collect();
    parts.join(GAP).trim_end().to_string()
}

/// "共 N 项：整改中 3，已销号 2；逾期 1", wrapped to `width`.
fn summary(rows: &[LedgerRow], width: usize) -> Vec<String> {
    if rows.is_empty() {
        return vec![fit("没有符合条件的整改事项", width)];
    }
    let states = totals(rows);
    let mut words = vec![format!("共 {} 项：", rows.len())];
    for (i, (s, n)) in states.iter().enumerate() {
        let sep = if i + 1 < states.len() { "，" } else { "；" };
        words.push(format!("{} {n}{sep}", s.label()));
    }
    words.push(format!("逾期 {}", rows.iter().filter(|r| r.days_overdue.is_some()).count()));
    let mut lines = vec![String::new()];
    for w in words {
        let last = lines.len() - 1;
        if !lines[last].is_empty() && lines[last].width() + w.width() > width {
            lines.push(String::new());
        }
        let last = lines.len() - 1;
        lines[last].push_str(&w);
    }
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

/// Cuts `text` to at most `width` display cells, ending with … when cut.
fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(ch);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    if right { format!("{fill}{text}") } else { format!("{text}{fill}") }
}
