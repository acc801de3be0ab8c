//! `jixiao search TEXT`: where a text occurs across projects, as a table (项目 | 位置 | 摘录)
//! or JSON; exit 3 when nothing is found, so a script can test for it.

use super::args::{DueFormat, SearchArgs};
use crate::backend::Fetch;
use crate::domain::{Error, Result};
use crate::read::search::{SearchIn, SearchRequest, table};

const WHAT: &str = "jixiao search";
/// The exit code when nothing is found: apart from 1 (an error) and 2 (bad arguments).
pub const NOTHING_FOUND: i32 = 3;

pub fn run(data: &std::path::Path, args: &SearchArgs) -> Result<i32> {
    let request = request_of(args)?;
    // Refused before the store is reached: an empty or multi-line text.
    request.needle().map_err(|m| Error::invalid(WHAT, "TEXT", m))?;
    let local = crate::connect::open_backend(data)?;
    let result = local.search(&request)?;
    let text = match args.format {
        DueFormat::Json => serde_json::to_string_pretty(&result).map_err(|e| Error::io("json", e))? + "\n",
        DueFormat::Table if result.total == 0 => String::new(),
        DueFormat::Table => table(&result, super::ledger::terminal_width()),
    };
    super::ledger::write_stdout(text.as_bytes())?;
    std::mem::forget(local);
    if result.total == 0 {
        let scope = request.project.as_deref().map(|c| format!("项目 {c} 中")).unwrap_or_default();
        super::out::err_line(&format!("{scope}没有找到“{}”", request.text.trim()));
        return Ok(NOTHING_FOUND);
    }
    Ok(0)
}

fn request_of(args: &SearchArgs) -> Result<SearchRequest> {
    let mut kinds = Vec::new();
    for k in args.kinds.iter().filter(|k| !k.trim().is_empty()) {
        let kind = SearchIn::from_name(k).ok_or_else(|| {
            let names: Vec<&str> = SearchIn::ALL.iter().map(|k| k.name()).collect();
            Error::invalid(WHAT, "--in", format!("“{k}”不是可搜索的内容，可选：{}", names.join("、")))
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let project = args.project.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    Ok(SearchRequest { text: args.text.clone(), project, kinds, limit: args.limit as usize })
}
