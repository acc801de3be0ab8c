//! `jixiao check --project CODE [--format table|json]`: the project's self-check (自检,
//! DOMAIN.md §8), computed where the store is (one query, through the server when one runs).
//! Exit 0 when no check fails (warnings allowed), 1 when one does.

use super::args::DueFormat;
use crate::backend::Fetch;
use crate::domain::{Error, Result};

/// The table is never wider than this, whatever the terminal.
const MAX_CELLS: usize = 80;

pub fn run(data: &std::path::Path, code: &str, format: DueFormat) -> Result<i32> {
    let code = code.trim();
    if code.is_empty() {
        return Err(Error::invalid("jixiao check", "--project", "项目编号不能为空：如 --project ZD21-06"));
    }
    let backend = crate::connect::open_backend(data)?;
    let pc = backend.self_check(code)?;
    let text = match format {
        DueFormat::Json => {
            let mut s = serde_json::to_string_pretty(&pc).map_err(|e| Error::corrupt("自检结果", e.to_string()))?;
            s.push('\n');
            s
        }
        DueFormat::Table => crate::read::selfcheck::table(&pc, super::ledger::terminal_width().min(MAX_CELLS)),
    };
    super::out::stdout(&text)?;
    // Nothing was written; sled's drop only joins its background threads (~10 ms).
    std::mem::forget(backend);
    Ok(if pc.check.has_failures() { 1 } else { 0 })
}
