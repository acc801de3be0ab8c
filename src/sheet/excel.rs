//! .xlsx and .xls through calamine: values, merged regions, hidden sheets.

use super::{Cell, Grid, Merge};
use crate::domain::{Error, Result};
use calamine::{Data, DataType, Dimensions, Range, Reader, SheetType, SheetVisible, Xls, Xlsx};
use rust_decimal::Decimal;
use std::io::Cursor;
use std::str::FromStr;

pub(super) fn read_xlsx(shown: &str, bytes: Vec<u8>) -> Result<Vec<Grid>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| broken(shown, ".xlsx", &e))?;
    let metas = book.sheets_metadata().to_vec();
    let mut grids = Vec::new();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let range = book.worksheet_range(&meta.name).map_err(|e| broken_sheet(shown, &meta.name, &e))?;
        let merges = book.merge_cells_by_sheet_name(&meta.name).map_err(|e| broken_sheet(shown, &meta.name, &e))?;
        grids.push(grid(&meta.name, meta.visible != SheetVisible::Visible, &range, &merges));
    }
    Ok(grids)
}

pub(super) fn read_xls(shown: &str, bytes: Vec<u8>) -> Result<Vec<Grid>> {
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => {
            Error::invalid(format!("文件 {shown}"), "内容", "文件有密码保护：在 Excel/WPS 中取消密码后另存为 .xlsx 再导入")
        }
        other => broken(shown, ".xls", &other),
    })?;
    let metas = book.sheets_metadata().to_vec();
    let mut grids = Vec::new();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let range = book.worksheet_range(&meta.name).map_err(|e| broken_sheet(shown, &meta.name, &e))?;
        let merges = book.merge_cells_by_sheet_name(&meta.name).unwrap_or_default();
        grids.push(grid(&meta.name, meta.visible != SheetVisible::Visible, &range, &merges));
    }
    Ok(grids)
}

fn broken(shown: &str, what: &str, e: &dyn std::fmt::Display) -> Error {
    Error::invalid(
        format!("文件 {shown}"),
        "内容",
        format!("读不出 {what} 文件（{e}）：文件可能损坏或没有下载完整；在 Excel/WPS 中打开，另存为 .xlsx 再导入"),
    )
}

fn broken_sheet(shown: &str, sheet: &str, e: &dyn std::fmt::Display) -> Error {
    Error::invalid(
        format!("文件 {shown} 工作表“{sheet}”"),
        "内容",
        format!("读不出这张工作表（{e}）：文件可能损坏；在 Excel/WPS 中打开，另存为 .xlsx 再导入"),
    )
}

/// Places the range at its Excel position (a sheet whose data begins at C3 keeps rows 1–2
/// and columns A–B empty), so row numbers and column letters are those Excel shows.
fn grid(name: &str, hidden: bool, range: &Range<Data>, merges: &[Dimensions]) -> Grid {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    if let Some((r0, c0)) = range.start() {
        let (r0, c0) = (r0 as usize, c0 as usize);
        rows.resize(r0, Vec::new());
        for src in range.rows() {
            let mut row = vec![Cell::Empty; c0];
            row.extend(src.iter().map(cell));
            while row.last().is_some_and(|c| *c == Cell::Empty) {
                row.pop();
            }
            rows.push(row);
        }
    }
    let merges = merges
        .iter()
        .map(|d| Merge {
            first_row: d.start.0 as usize,
            first_col: d.start.1 as usize,
            last_row: d.end.0 as usize,
            last_col: d.end.1 as usize,
        })
        .collect();
    Grid::new(name, hidden, rows, merges)
}

/// One calamine value as a cell: floats through their shortest decimal form (1283.08 stays
/// 1283.08, 100.0 is 100), dates as dates (never serial numbers).
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.clone())
            }
        }
        Data::Int(i) => Cell::Number(Decimal::from(*i)),
        Data::Float(f) => number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                number(dt.as_f64())
            } else {
                data.as_date().map(Cell::Date).unwrap_or_else(|| number(dt.as_f64()))
            }
        }
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::Text(s.clone())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("{e}")),
    }
}

/// A float as the decimal it prints as; one too large for a Decimal stays text.
pub(super) fn number(f: f64) -> Cell {
    let shown = format!("{f}");
    match Decimal::from_str(&shown) {
        Ok(d) => Cell::Number(d.normalize()),
        Err(_) => Cell::Text(shown),
    }
}
