//! Spreadsheets as they arrive from bureaus and units: .xlsx/.xlsm, .xls and .csv, read by
//! their content (not their extension) into plain grids of cells, merged regions filled in.
//! `locate` then finds a table's header row by the usual column names and hands out its rows
//! with the row numbers Excel shows, so every problem names sheet, row and column.
//!
//! Nothing here writes: the importers (cli/import_cases.rs, cli/import_form.rs) turn rows into
//! commands and send them as one `Command::Batch`.

mod csv;
mod excel;
pub mod form;
mod table;
#[cfg(test)]
mod tests;

pub use table::{FieldSpec, MoneyUnit, Problem, Row, Table, locate};

use crate::domain::{Error, Result};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::path::Path;

/// The largest spreadsheet read: a case list or a form is a few hundred KiB; a file of tens
/// of MiB is a wrong file (or a workbook of photos) and is refused before it is read.
pub const MAX_SHEET_BYTES: u64 = 64 * 1024 * 1024;

/// What the content of a file is (not what its extension says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => ".xlsx",
            Format::Xls => ".xls",
            Format::Csv => "CSV",
        }
    }
}

/// A whole file: its sheets in workbook order (hidden ones too, marked).
#[derive(Debug, Clone)]
pub struct Workbook {
    /// The file as shown in messages.
    pub file: String,
    pub format: Format,
    pub sheets: Vec<Grid>,
    /// What was noticed while reading: "文件扩展名是 .xlsx，内容是 CSV：按 CSV 读取".
    pub notes: Vec<String>,
}

/// A merged region, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: usize,
    pub first_col: usize,
    pub last_row: usize,
    pub last_col: usize,
}

/// One cell's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(Decimal),
    Date(chrono::NaiveDate),
    Bool(bool),
}

impl Cell {
    /// The display form, trimmed: numbers as their shortest decimal, dates as YYYY-MM-DD.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(d) => d.normalize().to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }

    /// Empty, or text of nothing but spaces.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

static EMPTY: Cell = Cell::Empty;

/// One sheet: rows of cells at their Excel positions (row 0 is Excel's row 1), every cell of
/// a merged region holding the region's value.
#[derive(Debug, Clone)]
pub struct Grid {
    pub name: String,
    pub hidden: bool,
    pub rows: Vec<Vec<Cell>>,
    pub merges: Vec<Merge>,
    /// Cells whose value was filled from a merge (not its top-left).
    filled: HashSet<(usize, usize)>,
    /// For CSV: the line each row starts on (a quoted field may span lines).
    lines: Option<Vec<usize>>,
}

impl Grid {
    /// A grid with its merged regions filled in: each cell of a region (within the rows and
    /// columns the sheet has) takes the region's top-left value.
    pub fn new(name: impl Into<String>, hidden: bool, mut rows: Vec<Vec<Cell>>, merges: Vec<Merge>) -> Grid {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut filled = HashSet::new();
        for m in &merges {
            if m.first_row >= rows.len() || m.first_col >= width || m.last_row < m.first_row || m.last_col < m.first_col {
                continue;
            }
            let value = rows[m.first_row].get(m.first_col).cloned().unwrap_or(Cell::Empty);
            let last_row = m.last_row.min(rows.len() - 1);
            let last_col = m.last_col.min(width - 1);
            for (r, row) in rows.iter_mut().enumerate().take(last_row + 1).skip(m.first_row) {
                if row.len() <= last_col {
                    row.resize(last_col + 1, Cell::Empty);
                }
                for (c, cell) in row.iter_mut().enumerate().take(last_col + 1).skip(m.first_col) {
                    if (r, c) != (m.first_row, m.first_col) {
                        *cell = value.clone();
                        filled.insert((r, c));
                    }
                }
            }
        }
        Grid { name: name.into(), hidden, rows, merges, filled, lines: None }
    }

    /// Empty beyond the edges; a cell inside a merge reads the merge's top-left value.
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows.get(row).and_then(|r| r.get(col)).unwrap_or(&EMPTY)
    }

    /// True for a cell inside a merge other than its top-left (its value came from the merge).
    pub fn is_filled(&self, row: usize, col: usize) -> bool {
        self.filled.contains(&(row, col))
    }

    /// The merge holding the cell, if any.
    pub fn merge_at(&self, row: usize, col: usize) -> Option<&Merge> {
        self.merges.iter().find(|m| (m.first_row..=m.last_row).contains(&row) && (m.first_col..=m.last_col).contains(&col))
    }

    /// The row number a user sees: Excel's row (index + 1), or a CSV record's first line.
    pub fn row_number(&self, index: usize) -> usize {
        self.lines.as_ref().and_then(|l| l.get(index).copied()).unwrap_or(index + 1)
    }

    /// The widest row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// The Excel name of a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn column_name(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads a spreadsheet by its content: zip → .xlsx; OLE → .xls (or a password-protected
/// .xlsx, refused); anything else → CSV. A note says when the extension said otherwise.
pub fn open(path: &Path) -> Result<Workbook> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path).map_err(|e| Error::io(&shown, e))?.len();
    if size > MAX_SHEET_BYTES {
        return Err(Error::invalid(
            format!("文件 {shown}"),
            "size",
            format!(
                "{:.1} MiB，超过表格导入上限 {} MiB：只留需要导入的工作表，删去图片后另存再导入",
                size as f64 / (1024.0 * 1024.0),
                MAX_SHEET_BYTES >> 20
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(&shown, e))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Sheet1".into());
    read_bytes(&shown, &stem, extension_format(path), bytes)
}

/// What the extension claims, if it names a spreadsheet.
fn extension_format(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_string_lossy().to_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" => Some(Format::Xlsx),
        "xls" => Some(Format::Xls),
        "csv" | "txt" | "tsv" => Some(Format::Csv),
        _ => None,
    }
}

/// `open` without the file system: `shown` names the file in messages, `stem` names a CSV's
/// one sheet.
pub fn read_bytes(shown: &str, stem: &str, claimed: Option<Format>, bytes: Vec<u8>) -> Result<Workbook> {
    if bytes.is_empty() || bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::invalid(format!("文件 {shown}"), "内容", "文件是空的：选错了文件，或文件没有保存完整"));
    }
    let format = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Format::Xlsx
    } else if bytes.starts_with(&OLE_MAGIC) {
        if ole_is_encrypted(&bytes) {
            return Err(Error::invalid(format!("文件 {shown}"), "内容", "文件有密码保护：在 Excel/WPS 中取消密码后另存为 .xlsx 再导入"));
        }
        Format::Xls
    } else {
        Format::Csv
    };
    let mut notes = Vec::new();
    if let Some(claimed) = claimed.filter(|c| *c != format) {
        notes.push(format!("文件扩展名是 {}，内容是 {}：按 {} 读取", claimed.label().to_lowercase(), format.label(), format.label()));
    }
    let sheets = match format {
        Format::Xlsx => excel::read_xlsx(shown, bytes)?,
        Format::Xls => excel::read_xls(shown, bytes)?,
        Format::Csv => {
            let (grid, note) = csv::read(shown, stem, &bytes)?;
            notes.extend(note);
            vec![grid]
        }
    };
    Ok(Workbook { file: shown.to_string(), format, sheets, notes })
}

/// An OLE container holding an "EncryptionInfo" or "EncryptedPackage" stream is an
/// encrypted .xlsx (Office wraps the zip in OLE when a password is set).
fn ole_is_encrypted(bytes: &[u8]) -> bool {
    let utf16 = |s: &str| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>();
    let needles = [utf16("EncryptionInfo"), utf16("EncryptedPackage")];
    needles.iter().any(|n| bytes.windows(n.len()).any(|w| w == n.as_slice()))
}

/// The first year 20xx written in the rows above the header ("2021 年部门整体支出和专项支出
/// 重点绩效评价项目表"), not part of a longer number.
pub fn year_in(lines: &[String]) -> Option<i32> {
    for line in lines {
        let chars: Vec<char> = line.chars().map(fullwidth_digit).collect();
        for i in 0..chars.len().saturating_sub(3) {
            let window = &chars[i..i + 4];
            let before = i.checked_sub(1).and_then(|j| chars.get(j)).is_some_and(|c| c.is_ascii_digit());
            let after = chars.get(i + 4).is_some_and(|c| c.is_ascii_digit());
            if window[0] == '2' && window[1] == '0' && window.iter().all(|c| c.is_ascii_digit()) && !before && !after {
                return window.iter().collect::<String>().parse().ok();
            }
        }
    }
    None
}

fn fullwidth_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}
