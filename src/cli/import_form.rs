//! `jixiao import FILE --as indicators|self-eval --project CODE`: a project's forms read from
//! a spreadsheet. Not written yet: this file holds the one entry point the dispatch calls
//! (`cli::import_dispatch`), with `SheetKind::Indicators` or `SheetKind::SelfEval`, and is
//! replaced whole by the forms importer.

use super::args::SheetKind;
use crate::domain::{Error, Result};
use std::path::Path;

/// Imports a project's indicator table or self-evaluation form; for now, refused.
pub fn run(data: &Path, file: &Path, kind: SheetKind, project: Option<&str>, sheet: Option<&str>, dry_run: bool) -> Result<i32> {
    let _ = (data, file, project, sheet, dry_run);
    Err(Error::invalid("导入", "--as", format!("--as {} 还不能用：目前只能导入项目清单（--as cases）", kind.arg())))
}
