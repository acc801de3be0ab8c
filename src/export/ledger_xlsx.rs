//! The rectification ledger (整改台账) as an XLSX to file and print:
//!
//! - row 1 the title 整改台账; row 2 填报单位 (the `filer` given, else the third-party firm
//!   when every row shares one, else blank for hand filling), 截至日期 (the as-of date) and
//!   单位：万元; row 3 the column headers; then one row per item; then the 合计 row;
//! - printed A4 landscape, one page wide, the header row repeated on every page, page numbers
//!   in the footer; long texts wrap in fixed-width columns;
//! - 问题涉及金额 sits with the finding's columns (after 严重程度) and is written once per
//!   finding, on its first row here, so the column and the 合计 add up; the CSV and JSON keep
//!   the amount on every item row (`涉及金额（万元）`);
//! - 事项ID only with `with_ids`, as the last column.
//!
//! Dates are real dates (yyyy-mm-dd), numbers are numbers (amounts 0.00), text stays text,
//! and no cell is a formula (the 合计 is computed here).

use super::ledger::{LedgerRow, totals};
use super::ledger_render::{Cell, HEADERS, cells};
use crate::domain::{Error, Result};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::HashSet;
use unicode_width::UnicodeWidthChar;

pub const SHEET: &str = "整改台账";
pub const TITLE: &str = "整改台账";
/// The header of the amount column: the finding's amount, 万元 (said in the title row).
pub const AMOUNT_HEADER: &str = "问题涉及金额";
/// The row (0-based) the column headers are on; data starts on the next.
pub const HEADER_ROW: u32 = 2;

/// What the XLSX needs besides the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XlsxOptions {
    /// 截至日期: the day the ledger was built on.
    pub as_of: NaiveDate,
    /// 填报单位 as given (`--filer`); none picks the rows' shared third-party firm, if any.
    pub filer: Option<String>,
    /// Add 事项ID as the last column.
    pub with_ids: bool,
}

/// Index into `cells()`: the amount and 事项ID.
const AMOUNT: usize = 22;
const ITEM_ID: usize = 23;

/// The printed columns as (index into `cells()`, width in characters, wraps).
fn columns(with_ids: bool) -> Vec<(usize, f64, bool)> {
    let mut cols = vec![
        (0, 5.0, false),
        (1, 12.0, true),
        (2, 10.0, false),
        (3, 24.0, true),
        (4, 10.0, true),
        (5, 12.0, true),
        (6, 6.0, true),
        (AMOUNT, 9.0, false),
        (7, 20.0, true),
        (8, 12.0, true),
        (9, 8.0, true),
        (10, 10.5, false),
        (11, 10.5, false),
        (12, 10.5, false),
        (13, 8.0, true),
        (14, 18.0, true),
        (15, 6.0, false),
        (16, 12.0, true),
        (17, 10.5, false),
        (18, 6.0, false),
        (19, 16.0, true),
        (20, 12.0, true),
        (21, 12.0, true),
    ];
    if with_ids {
        cols.push((ITEM_ID, 7.0, false));
    }
    cols
}

/// The column headers of the XLSX, in order.
pub fn xlsx_headers(with_ids: bool) -> Vec<&'static str> {
    columns(with_ids).iter().map(|(i, _, _)| if *i == AMOUNT { AMOUNT_HEADER } else { HEADERS[*i] }).collect()
}

/// The 填报单位 printed: `filer` when given, else the firm every row shares, else none.
pub fn filer(rows: &[LedgerRow], given: Option<&str>) -> Option<String> {
    if let Some(f) = given.map(str::trim).filter(|f| !f.is_empty()) {
        return Some(f.to_string());
    }
    let first = rows.first()?.firm.clone()?;
    rows.iter().all(|r| r.firm.as_deref() == Some(first.as_str())).then_some(first)
}

/// Each row's amount as written: the finding's amount on the first row of that finding, none
/// on the others.
pub fn amounts_once(rows: &[LedgerRow]) -> Vec<Option<Decimal>> {
    let mut seen = HashSet::new();
    rows.iter().map(|r| if seen.insert(r.finding_id) { r.amount } else { None }).collect()
}

fn xlsx_err(e: XlsxError) -> Error {
    Error::corrupt("整改台账 XLSX", e)
}

pub fn to_xlsx(rows: &[LedgerRow], options: &XlsxOptions) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_sheet(sheet, rows, options).map_err(xlsx_err)?;
    book.save_to_buffer().map_err(xlsx_err)
}

struct Formats {
    text: Format,
    wrap: Format,
    date: Format,
    number: Format,
    amount: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
        Formats {
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            date: cell.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Center),
            number: cell.clone().set_align(FormatAlign::Right),
            amount: cell.set_num_format("0.00"),
        }
    }
}

type Res = std::result::Result<(), XlsxError>;

fn write_sheet(ws: &mut Worksheet, rows: &[LedgerRow], options: &XlsxOptions) -> Res {
    let cols = columns(options.with_ids);
    let last = u16::try_from(cols.len() - 1).unwrap_or(u16::MAX);
    ws.set_name(SHEET)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    for (c, (_, width, _)) in (0u16..).zip(&cols) {
        ws.set_column_width(c, *width)?;
    }
    title_rows(ws, rows, options, last)?;
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color("#D9D9D9");
    let headers = xlsx_headers(options.with_ids);
    for (c, h) in (0u16..).zip(&headers) {
        ws.write_string_with_format(HEADER_ROW, c, *h, &header)?;
    }
    let header_lines = (0..cols.len()).map(|i| lines_needed(headers[i], cols[i].1)).max().unwrap_or(1);
    // Bold text wraps wider: half a line more.
    ws.set_row_height(HEADER_ROW, line_height(header_lines) + 7.0)?;
    let f = Formats::new();
    let amounts = amounts_once(rows);
    let first = HEADER_ROW + 1;
    for ((row, r), amount) in (first..).zip(rows).zip(&amounts) {
        let mut cells = cells(r);
        cells[AMOUNT] = Cell::Amount(*amount);
        let mut lines = 1;
        for (c, (i, width, wrap)) in (0u16..).zip(&cols) {
            write_cell(ws, row, c, &cells[*i], *wrap, &f)?;
            if *wrap {
                lines = lines.max(lines_needed(&cells[*i].text(), *width));
            }
        }
        ws.set_row_height(row, line_height(lines))?;
    }
    let total_row = first + u32::try_from(rows.len()).unwrap_or(u32::MAX - first - 1);
    totals_row(ws, total_row, rows, &amounts, &cols)?;
    ws.set_freeze_panes(first, 0)?;
    ws.autofilter(HEADER_ROW, 0, total_row - 1, last)?;
    Ok(())
}

/// 整改台账, then 填报单位 ‖ 截至日期 ‖ 单位：万元.
fn title_rows(ws: &mut Worksheet, rows: &[LedgerRow], options: &XlsxOptions, last: u16) -> Res {
    let title = Format::new().set_bold().set_font_size(18).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    ws.set_row_height(0, 32)?;
    ws.merge_range(0, 0, 0, last, TITLE, &title)?;
    let d = options.as_of;
    let filer = filer(rows, options.filer.as_deref()).unwrap_or_default();
    let left = Format::new().set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter);
    ws.set_row_height(1, 22)?;
    ws.merge_range(1, 0, 1, 3, &format!("填报单位：{filer}"), &left)?;
    let middle = left.clone().set_align(FormatAlign::Center);
    let date = format!("截至日期：{}年{}月{}日", d.year(), d.month(), d.day());
    ws.merge_range(1, 4, 1, last.saturating_sub(3), &date, &middle)?;
    let right = left.set_align(FormatAlign::Right);
    ws.merge_range(1, last.saturating_sub(2), 1, last, "单位：万元", &right)?;
    Ok(())
}

/// 合计: the count of items and findings, the amounts summed, and the counts by state.
fn totals_row(ws: &mut Worksheet, row: u32, rows: &[LedgerRow], amounts: &[Option<Decimal>], cols: &[(usize, f64, bool)]) -> Res {
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let findings = rows.iter().map(|r| r.finding_id).collect::<HashSet<_>>().len();
    let amount_col = cols.iter().position(|(i, _, _)| *i == AMOUNT).unwrap_or(7);
    let amount_col = u16::try_from(amount_col).unwrap_or(7);
    let label = format!("合计：{} 项整改事项，涉及 {} 个问题", rows.len(), findings);
    ws.merge_range(row, 0, row, amount_col - 1, &label, &bold)?;
    let sum: Decimal = amounts.iter().flatten().sum();
    ws.write_number_with_format(row, amount_col, sum.to_f64().unwrap_or(0.0), &bold.clone().set_num_format("0.00"))?;
    let mut states: Vec<String> = totals(rows).iter().map(|(s, n)| format!("{} {n}", s.label())).collect();
    states.push(format!("逾期 {}", rows.iter().filter(|r| r.days_overdue.is_some()).count()));
    let last = u16::try_from(cols.len() - 1).unwrap_or(u16::MAX);
    ws.merge_range(row, amount_col + 1, row, last, &format!("按状态：{}", states.join("，")), &bold)?;
    Ok(())
}

/// How many lines `text` takes wrapped in a column `width` characters wide, a CJK character
/// taken as 2 (Excel's fallback font; LibreOffice prints a little narrower, and at 1.8 some
/// rows were cut off there): neither Excel nor LibreOffice grows a row for wrapped text on
/// opening, so the rows are set here.
fn lines_needed(text: &str, width: f64) -> usize {
    let room = (width - 1.0).max(1.0);
    let wide = |c: char| if c.width().unwrap_or(0) > 1 { 2.0 } else { 1.0 };
    text.split('\n').map(|line| (line.chars().map(wide).sum::<f64>() / room).ceil().max(1.0) as usize).sum()
}

/// Points for `lines` lines of 11-point text, within Excel's tallest row.
fn line_height(lines: usize) -> f64 {
    (lines as f64 * 14.5 + 3.0).min(409.0)
}

/// Excel's longest cell text.
const XLSX_MAX_TEXT: usize = 32_767;

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell, wrap: bool, f: &Formats) -> Res {
    let text = if wrap { &f.wrap } else { &f.text };
    match cell {
        Cell::Text(s) if s.is_empty() => {
            ws.write_blank(row, col, text)?;
        }
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, s.chars().take(XLSX_MAX_TEXT).collect::<String>(), text)?;
        }
        Cell::Int(Some(n)) => {
            ws.write_number_with_format(row, col, *n as f64, &f.number)?;
        }
        Cell::Date(Some(d)) => match excel_date(*d) {
            Some(x) => {
                ws.write_datetime_with_format(row, col, &x, &f.date)?;
            }
            None => {
                ws.write_string_with_format(row, col, d.to_string(), text)?;
            }
        },
        Cell::Amount(Some(a)) => {
            ws.write_number_with_format(row, col, a.to_f64().unwrap_or(0.0), &f.amount)?;
        }
        Cell::Int(None) => {
            ws.write_blank(row, col, &f.number)?;
        }
        Cell::Date(None) => {
            ws.write_blank(row, col, &f.date)?;
        }
        Cell::Amount(None) => {
            ws.write_blank(row, col, &f.amount)?;
        }
    }
    Ok(())
}

/// A date Excel can hold (1900–9999); others are written as text.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}
