//! A table inside a sheet: its header row found by the usual column names (and synonyms),
//! the money unit said above it or in a header, and its data rows with Excel's row numbers.

use super::{Cell, Grid, Workbook, column_name};
use crate::domain::{Error, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// How many rows from the top a header row may start in.
const HEADER_SEARCH_ROWS: usize = 20;

/// One column an importer wants: its key, the names it goes by (the first shown in
/// messages), and whether a table without it is refused.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub key: &'static str,
    pub names: &'static [&'static str],
    pub required: bool,
}

impl FieldSpec {
    fn display(&self) -> &'static str {
        self.names.first().copied().unwrap_or(self.key)
    }
}

/// The unit of a money column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    Yuan,
    WanYuan,
}

/// A located table: its header row and the column of each field found.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    pub grid: &'a Grid,
    /// 0-based; the last row of a two-row header.
    pub header_row: usize,
    pub columns: BTreeMap<&'static str, usize>,
    /// From a 单位：万元 / 单位：元 / 金额单位：元 line above the header.
    pub unit: Option<MoneyUnit>,
    /// From a header like 金额（元） or 金额(万元).
    pub column_units: BTreeMap<&'static str, MoneyUnit>,
    names: BTreeMap<&'static str, &'static str>,
}

/// One data row of a table.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub table_sheet: &'a str,
    /// 0-based grid row.
    pub index: usize,
    grid: &'a Grid,
    columns: std::rc::Rc<Columns>,
}

/// A row's view of its table: each field's column, and each field's display name.
type Columns = (BTreeMap<&'static str, usize>, BTreeMap<&'static str, &'static str>);

/// A problem with one cell (or row), said the way a user finds it in Excel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub sheet: String,
    pub row: usize,
    /// "C列“分值”"
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "工作表“{}”第{}行", self.sheet, self.row)?;
        if let Some(c) = &self.column {
            write!(f, " {c}")?;
        }
        write!(f, "：{}", self.message)
    }
}

/// Header text as compared: no spaces or line breaks, no leading "*", no parenthesised part
/// (a unit inside one is returned), no trailing colon.
pub(super) fn normalize(text: &str) -> (String, Option<MoneyUnit>) {
    let mut out = String::new();
    let mut unit = None;
    let mut inside: Option<String> = None;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        match (c, inside.as_mut()) {
            ('(' | '（', None) => inside = Some(String::new()),
            (')' | '）', Some(part)) => {
                unit = unit_of(part).or(unit);
                inside = None;
            }
            (c, Some(part)) => part.push(c),
            (c, None) => out.push(c),
        }
    }
    if let Some(part) = inside {
        out.push('(');
        out.push_str(&part);
    }
    let out = out.trim_start_matches(['*', '＊']).trim_end_matches(['：', ':']).to_string();
    (out, unit)
}

/// "元", "万元", "单位：元", "单位:万元" → the unit.
fn unit_of(text: &str) -> Option<MoneyUnit> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_start_matches("金额").trim_start_matches("单位").trim_start_matches(['：', ':']);
    match t {
        "元" | "人民币元" => Some(MoneyUnit::Yuan),
        "万元" | "人民币万元" => Some(MoneyUnit::WanYuan),
        _ => None,
    }
}

/// A "单位：万元" line: the unit after 单位： in a cell's text.
fn unit_line(text: &str) -> Option<MoneyUnit> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let at = t.find("单位：").map(|i| i + "单位：".len()).or_else(|| t.find("单位:").map(|i| i + "单位:".len()))?;
    let rest = &t[at..];
    if rest.starts_with("万元") || rest.starts_with("人民币万元") {
        Some(MoneyUnit::WanYuan)
    } else if rest.starts_with('元') || rest.starts_with("人民币元") {
        Some(MoneyUnit::Yuan)
    } else {
        None
    }
}

fn horiz_filled(grid: &Grid, r: usize, c: usize) -> bool {
    grid.is_filled(r, c) && grid.merge_at(r, c).is_some_and(|m| m.first_col < c)
}

fn vert_from_above(grid: &Grid, r: usize, c: usize) -> bool {
    grid.is_filled(r, c) && grid.merge_at(r, c).is_some_and(|m| m.first_row < r)
}

/// The texts column `c` may be named by if row `r` is the (last) header row: the upper row's
/// text joined with this one's (a two-row header), or this row's alone.
fn candidates(grid: &Grid, r: usize, c: usize) -> Vec<String> {
    let lower = grid.cell(r, c).text();
    let mut out = Vec::new();
    if r > 0 && !vert_from_above(grid, r, c) {
        let upper = grid.cell(r - 1, c).text();
        if !upper.is_empty() && !lower.is_empty() && !horiz_filled(grid, r, c) {
            out.push(format!("{upper}{lower}"));
        }
        if lower.is_empty() && !upper.is_empty() && !horiz_filled(grid, r - 1, c) {
            out.push(upper);
        }
    }
    if !lower.is_empty() && !horiz_filled(grid, r, c) {
        out.push(lower);
    }
    out
}

/// A row read as a header: for each field, the columns it matched (and their units).
struct Reading {
    row: usize,
    matched: BTreeMap<&'static str, Vec<(usize, Option<MoneyUnit>)>>,
    required: usize,
}

fn read_header(grid: &Grid, r: usize, fields: &[FieldSpec], names: &[Vec<String>]) -> Reading {
    let mut matched: BTreeMap<&'static str, Vec<(usize, Option<MoneyUnit>)>> = BTreeMap::new();
    let width = grid.rows.get(r).map(Vec::len).unwrap_or(0).max(grid.rows.get(r.wrapping_sub(1)).map(Vec::len).unwrap_or(0));
    for c in 0..width {
        'cands: for cand in candidates(grid, r, c) {
            let (text, unit) = normalize(&cand);
            for (f, ns) in fields.iter().zip(names) {
                if ns.contains(&text) {
                    matched.entry(f.key).or_default().push((c, unit));
                    break 'cands;
                }
            }
        }
    }
    let required = fields.iter().filter(|f| f.required && matched.contains_key(f.key)).count();
    Reading { row: r, matched, required }
}

fn score(r: &Reading) -> (usize, usize) {
    (r.required, r.matched.len())
}

/// Finds the table in the named sheet, or in the first visible sheet where its header is.
pub fn locate<'a>(wb: &'a Workbook, sheet: Option<&str>, fields: &[FieldSpec]) -> Result<Table<'a>> {
    let names: Vec<Vec<String>> = fields.iter().map(|f| f.names.iter().map(|n| normalize(n).0).collect()).collect();
    if let Some(name) = sheet {
        let Some(grid) = wb.sheets.iter().find(|g| g.name == name || g.name.trim() == name.trim()) else {
            let all: Vec<String> = wb.sheets.iter().map(|g| format!("“{}”", g.name)).collect();
            return Err(Error::invalid(format!("文件 {}", wb.file), "--sheet", format!("没有名为“{name}”的工作表；有：{}", all.join(""))));
        };
        return locate_in(wb, grid, fields, &names).map_err(|(e, _)| e);
    }
    let mut best: Option<(Error, (usize, usize))> = None;
    for grid in wb.sheets.iter().filter(|g| !g.hidden) {
        match locate_in(wb, grid, fields, &names) {
            Ok(t) => return Ok(t),
            Err((e, s)) => {
                if best.as_ref().is_none_or(|(_, b)| s > *b) {
                    best = Some((e, s));
                }
            }
        }
    }
    Err(best.map(|(e, _)| e).unwrap_or_else(|| {
        Error::invalid(format!("文件 {}", wb.file), "工作表", "没有可见的工作表：取消隐藏要导入的工作表，或用 --sheet 指明")
    }))
}

type Located<'a> = std::result::Result<Table<'a>, (Error, (usize, usize))>;

fn locate_in<'a>(wb: &'a Workbook, grid: &'a Grid, fields: &[FieldSpec], names: &[Vec<String>]) -> Located<'a> {
    let record = format!("文件 {} 工作表“{}”", wb.file, grid.name);
    let last = grid.rows.len().min(HEADER_SEARCH_ROWS);
    let mut best: Option<Reading> = None;
    for r in 0..last {
        let reading = read_header(grid, r, fields, names);
        if best.as_ref().is_none_or(|b| score(&reading) > score(b)) {
            best = Some(reading);
        }
    }
    let required: Vec<&FieldSpec> = fields.iter().filter(|f| f.required).collect();
    let expected = || required.iter().map(|f| format!("“{}”", f.display())).collect::<Vec<_>>().join("");
    let Some(mut best) = best.filter(|b| b.matched.len() >= 2.min(fields.len()) && b.required > 0) else {
        let shown = best_row_text(grid, last);
        return Err((
            Error::invalid(record, "表头", format!("前 {HEADER_SEARCH_ROWS} 行里找不到表头：应有{}列；{shown}", expected())),
            (0, 0),
        ));
    };
    // A header over two rows: the row below reads at least as well joined to this one.
    if best.row + 1 < grid.rows.len() {
        let next = read_header(grid, best.row + 1, fields, names);
        if score(&next) >= score(&best) {
            best = next;
        }
    }
    let s = score(&best);
    let missing: Vec<String> =
        required.iter().filter(|f| !best.matched.contains_key(f.key)).map(|f| format!("“{}”", f.display())).collect();
    if !missing.is_empty() {
        return Err((
            Error::invalid(
                record,
                "表头",
                format!(
                    "第{}行的表头缺少{}列：应有{}列；加上这一列，或把列名改为常用名称",
                    grid.row_number(best.row),
                    missing.join(""),
                    expected()
                ),
            ),
            s,
        ));
    }
    let mut columns = BTreeMap::new();
    let mut column_units = BTreeMap::new();
    let mut display = BTreeMap::new();
    for f in fields {
        display.insert(f.key, f.display());
        let Some(cols) = best.matched.get(f.key) else { continue };
        if cols.len() > 1 {
            let letters: Vec<String> = cols.iter().map(|(c, _)| format!("{}列", column_name(*c))).collect();
            return Err((Error::invalid(record, "表头", format!("{}都是“{}”：删去一列", letters.join("和"), f.display())), s));
        }
        if let Some((c, unit)) = cols.first() {
            columns.insert(f.key, *c);
            if let Some(u) = unit {
                column_units.insert(f.key, *u);
            }
        }
    }
    let unit = (0..best.row)
        .flat_map(|r| grid.rows.get(r).into_iter().flatten())
        .filter_map(|c| match c {
            Cell::Text(t) => unit_line(t),
            _ => None,
        })
        .next_back();
    Ok(Table { grid, header_row: best.row, columns, unit, column_units, names: display })
}

/// "最像表头的是第3行：“a”“b”" or "表格是空的".
fn best_row_text(grid: &Grid, last: usize) -> String {
    let fullest = (0..last).max_by_key(|r| (grid.rows[*r].iter().filter(|c| !c.is_empty()).count(), std::cmp::Reverse(*r)));
    match fullest {
        Some(r) if grid.rows[r].iter().any(|c| !c.is_empty()) => {
            let cells: Vec<String> = grid.rows[r].iter().filter(|c| !c.is_empty()).take(12).map(|c| format!("“{}”", c.text())).collect();
            format!("最像表头的第{}行是：{}", grid.row_number(r), cells.join(""))
        }
        _ => "这张工作表是空的".into(),
    }
}

impl<'a> Table<'a> {
    /// Data rows after the header: rows with nothing of their own in the table's columns
    /// (empty, or only values filled from a merge above) are skipped, trailing ones too.
    pub fn rows(&self) -> Vec<Row<'a>> {
        let shared = std::rc::Rc::new((self.columns.clone(), self.names.clone()));
        let cols: Vec<usize> = self.columns.values().copied().collect();
        (self.header_row + 1..self.grid.rows.len())
            .filter(|r| cols.iter().any(|c| !self.grid.cell(*r, *c).is_empty() && !self.grid.is_filled(*r, *c)))
            .map(|r| Row { table_sheet: &self.grid.name, index: r, grid: self.grid, columns: shared.clone() })
            .collect()
    }

    /// The unit a money field is in: its header's, else the line above the table's.
    pub fn unit_of(&self, key: &str) -> Option<MoneyUnit> {
        self.column_units.get(key).copied().or(self.unit)
    }

    /// Rows above the header (titles, the unit line) as text, for importers that read a
    /// year or a title there.
    pub fn preamble(&self) -> Vec<String> {
        (0..self.header_row).flat_map(|r| self.grid.rows.get(r).into_iter().flatten()).filter(|c| !c.is_empty()).map(Cell::text).collect()
    }
}

impl Row<'_> {
    /// The row number as Excel shows it (for CSV, the line the record begins on).
    pub fn number(&self) -> usize {
        self.grid.row_number(self.index)
    }

    fn cell(&self, key: &str) -> Option<&Cell> {
        self.columns.0.get(key).map(|c| self.grid.cell(self.index, *c))
    }

    /// Trimmed text; None when empty or the column is absent.
    pub fn text(&self, key: &str) -> Option<String> {
        self.cell(key).map(Cell::text).filter(|t| !t.is_empty())
    }

    /// The cell's value came from a merge (it is not the merge's top-left).
    pub fn filled(&self, key: &str) -> bool {
        self.columns.0.get(key).is_some_and(|c| self.grid.is_filled(self.index, *c))
    }

    /// A number: a numeric cell, or one stored as text ("1,234.5", full-width digits);
    /// empty → None.
    pub fn decimal(&self, key: &str) -> std::result::Result<Option<Decimal>, Problem> {
        match self.cell(key) {
            None | Some(Cell::Empty) => Ok(None),
            Some(Cell::Number(d)) => Ok(Some(*d)),
            Some(Cell::Text(t)) if t.trim().is_empty() => Ok(None),
            Some(Cell::Text(t)) => crate::domain::money::parse_plain(t.trim())
                .map(Some)
                .map_err(|_| self.problem(key, format!("“{}”不是数：写如 146.24 的数", t.trim()))),
            Some(Cell::Date(d)) => Err(self.problem(key, format!("“{d}”是日期，不是数：把单元格格式改为“数值”"))),
            Some(Cell::Bool(b)) => Err(self.problem(key, format!("“{}”不是数", if *b { "TRUE" } else { "FALSE" }))),
        }
    }

    /// An amount in 万元: one in 元 (by the column's or the table's unit) divided by 10000 and
    /// rounded to two places.
    pub fn amount_wan(&self, key: &str, table: &Table) -> std::result::Result<Option<Decimal>, Problem> {
        let value = self.decimal(key)?;
        Ok(value.map(|v| match table.unit_of(key) {
            Some(MoneyUnit::Yuan) => {
                (v / Decimal::from(10_000)).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            }
            _ => v,
        }))
    }

    /// "工作表“附件”第12行": the step label of a `Command::Batch`.
    pub fn step(&self) -> String {
        format!("工作表“{}”第{}行", self.table_sheet, self.number())
    }

    /// A problem with this row's cell of `key` ("C列“分值”"), or the whole row when the
    /// column is absent.
    pub fn problem(&self, key: &str, message: impl Into<String>) -> Problem {
        let column = self.columns.0.get(key).map(|c| {
            let name = self.columns.1.get(key).copied().unwrap_or(key);
            format!("{}列“{name}”", column_name(*c))
        });
        Problem { sheet: self.table_sheet.to_string(), row: self.number(), column, message: message.into() }
    }
}
