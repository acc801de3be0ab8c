//! `jixiao ledger`: the rectification ledger (整改台账) as a table, CSV, JSON or XLSX.

use super::args::{LedgerArgs, LedgerFormat};
use crate::backend::Backend;
use crate::domain::{Error, ItemState, Result};
use crate::export::ledger::{self, LedgerFilter};
use chrono::NaiveDate;
use std::io::IsTerminal;
use std::path::Path;

const WHAT: &str = "jixiao ledger";

pub fn run(data: &Path, args: &LedgerArgs) -> Result<i32> {
    let format = format_of(args)?;
    let filter = filter_of(args)?;
    let as_of = args.as_of.as_deref().map(parse_date).transpose()?;
    let local = crate::connect::open_backend(data)?;
    let as_of = as_of.unwrap_or_else(|| local.today());
    let rows = ledger::build(&local, &filter, as_of)?;
    let bytes = match format {
        LedgerFormat::Table => ledger::to_table(&rows, terminal_width()).into_bytes(),
        LedgerFormat::Csv => ledger::to_csv(&rows),
        LedgerFormat::Json => ledger::to_json(&rows)?.into_bytes(),
        LedgerFormat::Xlsx => {
            let options = ledger::XlsxOptions { as_of, filer: non_empty(&args.filer), with_ids: args.with_ids };
            ledger::to_xlsx(&rows, &options)?
        }
    };
    match &args.output {
        Some(path) => {
            crate::fsutil::write_output(path, &bytes)?;
            super::out::err_line(&format!("已写出整改台账 {} 项到 {}", rows.len(), path.display()));
        }
        None => write_stdout(&bytes)?,
    }
    Ok(0)
}

/// `--format`, else the output file's extension, else a table. XLSX needs `-o FILE`.
fn format_of(args: &LedgerArgs) -> Result<LedgerFormat> {
    let from_ext = || {
        let ext = args.output.as_deref()?.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(LedgerFormat::Csv),
            "json" => Some(LedgerFormat::Json),
            "xlsx" => Some(LedgerFormat::Xlsx),
            _ => None,
        }
    };
    let format = args.format.or_else(from_ext).unwrap_or(LedgerFormat::Table);
    if format == LedgerFormat::Xlsx && args.output.is_none() {
        return Err(Error::invalid(WHAT, "-o", "xlsx 是二进制文件，不输出到标准输出：加 -o FILE 写入文件（如 -o 整改台账.xlsx）"));
    }
    Ok(format)
}

fn filter_of(args: &LedgerArgs) -> Result<LedgerFilter> {
    Ok(LedgerFilter {
        unit: non_empty(&args.unit),
        project: non_empty(&args.project),
        status: args.status.as_deref().map(parse_status).transpose()?,
        overdue: args.overdue,
        due_within: args.within.map(i64::from),
        category: non_empty(&args.category),
    })
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

/// One of the eight state labels.
pub fn parse_status(text: &str) -> Result<ItemState> {
    ItemState::ALL.into_iter().find(|s| s.label() == text.trim()).ok_or_else(|| {
        let labels: Vec<&str> = ItemState::ALL.iter().map(|s| s.label()).collect();
        Error::invalid(WHAT, "--status", format!("“{text}”不是整改状态，可选：{}", labels.join("、")))
    })
}

/// A date as YYYY-MM-DD.
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    parse_date_for(WHAT, text)
}

/// `--as-of` of the command `what`, as YYYY-MM-DD.
pub fn parse_date_for(what: &str, text: &str) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(what, "--as-of", format!("“{text}”不是日期：写成 YYYY-MM-DD，如 2026-11-22")))?;
    crate::domain::calendar::check_date(date).map_err(|m| Error::invalid(what, "--as-of", m))?;
    Ok(date)
}

/// `$COLUMNS`, else the terminal's width when standard output is one, else 80.
pub fn terminal_width() -> usize {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|w| *w > 0);
    let terminal = || {
        std::io::stdout().is_terminal().then(crossterm::terminal::size).and_then(|r| r.ok()).map(|(w, _)| usize::from(w)).filter(|w| *w > 0)
    };
    columns.or_else(terminal).unwrap_or(80)
}

/// Text output to standard output (through `out`, which shows control characters).
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    super::out::stdout(&String::from_utf8_lossy(bytes))
}
