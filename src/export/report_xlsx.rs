//! The 评分表 as XLSX: a title row, the header, one row per leaf, a subtotal per 一级 and
//! the total; 一级 and 二级 cells merged down as the rows' spans say; 分值 and 得分 as
//! numbers shown with 2 decimals, 得分率 as a percentage; explicit column widths. A re-check
//! report (自评抽查) adds a second sheet, 自评复核对比: per leaf the form's values, 自评得分,
//! 复核得分 and their difference, then 合计.

use crate::domain::{Error, Result};
use crate::read::report::{RECHECK_HEADER, RecheckRow, RowKind, ScoreRow};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// The sheet's name.
pub const SHEET: &str = "评分表";

/// The header row (the same columns as the Markdown table).
pub const HEADER: [&str; 7] = ["一级指标", "二级指标", "三级指标", "分值", "得分", "得分率", "扣分原因"];

/// Column widths in characters: names, numbers, then the reasons.
const WIDTHS: [f64; 7] = [12.0, 16.0, 24.0, 9.0, 9.0, 10.0, 50.0];

/// The comparison sheet's name and column widths in characters.
pub const RECHECK_SHEET: &str = "自评复核对比";
const RECHECK_WIDTHS: [f64; 9] = [6.0, 36.0, 9.0, 16.0, 16.0, 10.0, 10.0, 12.0, 40.0];

/// Excel's longest cell text.
const XLSX_MAX_TEXT: usize = 32_767;

fn xlsx_err(e: XlsxError) -> Error {
    Error::corrupt("评分表 XLSX", e)
}

/// The score table as an XLSX file's bytes; the first row is `title`. With `recheck` rows, a
/// second sheet holds the 自评与复核得分对比.
pub fn to_xlsx(title: &str, rows: &[ScoreRow], recheck: &[RecheckRow]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_sheet(sheet, title, rows).map_err(xlsx_err)?;
    if !recheck.is_empty() {
        let sheet = book.add_worksheet();
        write_recheck(sheet, recheck).map_err(xlsx_err)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}

struct Formats {
    text: Format,
    merged: Format,
    number: Format,
    percent: Format,
}

impl Formats {
    fn new(bold: bool) -> Formats {
        let base = || {
            let f = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
            if bold { f.set_bold() } else { f }
        };
        Formats {
            text: base().set_text_wrap(),
            merged: base().set_text_wrap().set_align(FormatAlign::Center),
            number: base().set_num_format("0.00"),
            percent: base().set_num_format("0.00%"),
        }
    }
}

fn write_sheet(sheet: &mut Worksheet, title: &str, rows: &[ScoreRow]) -> std::result::Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    for (col, w) in (0u16..).zip(WIDTHS) {
        sheet.set_column_width(col, w)?;
    }
    let title_format = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    sheet.merge_range(0, 0, 0, HEADER.len() as u16 - 1, &clip(title), &title_format)?;
    let head = Formats::new(true);
    for (col, h) in (0u16..).zip(HEADER) {
        sheet.write_string_with_format(1, col, h, &head.merged)?;
    }
    let plain = Formats::new(false);
    let bold = Formats::new(true);
    for (i, r) in rows.iter().enumerate() {
        let row = 2 + i as u32;
        let f = if r.kind == RowKind::Leaf { &plain } else { &bold };
        if r.kind == RowKind::Total {
            sheet.merge_range(row, 0, row, 2, &clip(&r.level1), &f.merged)?;
        } else {
            name_cell(sheet, row, 0, &r.level1, r.level1_span, f)?;
            name_cell(sheet, row, 1, &r.level2, r.level2_span, f)?;
            sheet.write_string_with_format(row, 2, clip(&r.level3), &f.text)?;
        }
        sheet.write_number_with_format(row, 3, r.points.to_f64().unwrap_or(0.0), &f.number)?;
        match r.score {
            Some(s) => sheet.write_number_with_format(row, 4, s.to_f64().unwrap_or(0.0), &f.number)?,
            None => sheet.write_blank(row, 4, &f.number)?,
        };
        match r.rate {
            Some(v) => sheet.write_number_with_format(row, 5, v.to_f64().unwrap_or(0.0) / 100.0, &f.percent)?,
            None => sheet.write_blank(row, 5, &f.percent)?,
        };
        sheet.write_string_with_format(row, 6, clip(&r.reason), &f.text)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    Ok(())
}

fn write_recheck(sheet: &mut Worksheet, rows: &[RecheckRow]) -> std::result::Result<(), XlsxError> {
    sheet.set_name(RECHECK_SHEET)?;
    for (col, w) in (0u16..).zip(RECHECK_WIDTHS) {
        sheet.set_column_width(col, w)?;
    }
    let head = Formats::new(true);
    for (col, h) in (0u16..).zip(RECHECK_HEADER) {
        sheet.write_string_with_format(0, col, h, &head.merged)?;
    }
    let (plain, bold) = (Formats::new(false), Formats::new(true));
    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        let f = if r.total { &bold } else { &plain };
        if r.total {
            sheet.merge_range(row, 0, row, 1, &clip(&r.number), &f.merged)?;
        } else {
            sheet.write_string_with_format(row, 0, clip(&r.number), &f.merged)?;
            sheet.write_string_with_format(row, 1, clip(&r.indicator), &f.text)?;
        }
        sheet.write_number_with_format(row, 2, r.points.to_f64().unwrap_or(0.0), &f.number)?;
        sheet.write_string_with_format(row, 3, clip(&r.target), &f.text)?;
        sheet.write_string_with_format(row, 4, clip(&r.actual), &f.text)?;
        for (col, v) in [(5u16, r.self_score), (6, r.recheck), (7, r.difference)] {
            match v {
                Some(v) => sheet.write_number_with_format(row, col, v.to_f64().unwrap_or(0.0), &f.number)?,
                None => sheet.write_blank(row, col, &f.number)?,
            };
        }
        sheet.write_string_with_format(row, 8, clip(&r.note), &f.text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A name cell: merged down over `span` rows where it covers more than one, left to the
/// merge above where `span` is 0.
fn name_cell(sheet: &mut Worksheet, row: u32, col: u16, text: &str, span: u32, f: &Formats) -> std::result::Result<(), XlsxError> {
    match span {
        0 => Ok(()),
        1 => sheet.write_string_with_format(row, col, clip(text), &f.merged).map(drop),
        n => sheet.merge_range(row, col, row + n - 1, col, &clip(text), &f.merged).map(drop),
    }
}

fn clip(text: &str) -> String {
    text.chars().take(XLSX_MAX_TEXT).collect()
}
