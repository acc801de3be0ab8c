//! `jixiao export`: the lossless JSON bundle; one project's self-evaluation form or score
//! table as XLSX.

use super::args::{ExportFormat, ExportKind};
use crate::backend::Fetch;
use crate::domain::{Error, Result};
use std::io::Write;
use std::path::Path;

pub fn run(data: &Path, project: Option<&str>, output: Option<&Path>) -> Result<i32> {
    let backend = crate::connect::open_backend(data)?;
    let query = crate::backend::Query::Export { project: project.map(str::to_string) };
    let bundle = match backend.query(&query)? {
        crate::backend::Reply::Bundle(b) => *b,
        _ => return Err(Error::corrupt("导出", "回复类型不符")),
    };
    let mut json = serde_json::to_vec_pretty(&bundle).map_err(|e| Error::corrupt("导出", e))?;
    json.push(b'\n');
    match output {
        Some(path) => {
            crate::fsutil::write_output(path, &json)?;
            super::out::err_line(&format!("已导出 {} 个项目到 {}", bundle.projects.len(), path.display()));
        }
        None => match std::io::stdout().write_all(&json) {
            // A reader that stops early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| Error::io("stdout", e))?,
        },
    }
    Ok(0)
}

/// `export --project CODE --format xlsx --as self-eval|score-table -o FILE`.
pub fn sheet(data: &Path, project: Option<&str>, format: ExportFormat, kind: Option<ExportKind>, output: Option<&Path>) -> Result<i32> {
    let what = "jixiao export";
    let Some(kind) = kind else {
        return Err(Error::invalid(what, "--as", "xlsx 要说明写什么：--as self-eval（绩效自评表）或 --as score-table（评分表）"));
    };
    if format != ExportFormat::Xlsx {
        return Err(Error::invalid(what, "--format", "--as self-eval 和 --as score-table 写 XLSX：加 --format xlsx"));
    }
    let Some(code) = project else {
        return Err(Error::invalid(what, "--project", "自评表和评分表是一个项目的：加 --project CODE"));
    };
    let Some(output) = output else {
        return Err(Error::invalid(what, "-o", "xlsx 要写入文件：加上 -o 自评表.xlsx"));
    };
    let backend = crate::connect::open_backend(data)?;
    let (bytes, shown) = match kind {
        ExportKind::SelfEval => {
            let p = backend.project(code)?;
            let bytes = crate::export::form_xlsx::to_xlsx(&p, &backend.tree(code)?, &backend.form(code)?)?;
            (bytes, "绩效自评表")
        }
        ExportKind::ScoreTable => {
            let p = backend.project(code)?;
            let rows = crate::read::report::score_rows(&backend.tree(code)?);
            (crate::export::report_xlsx::to_xlsx(&format!("{}评分表", p.name), &rows, &[])?, "评分表")
        }
    };
    crate::fsutil::write_output(output, &bytes)?;
    super::out::err_line(&format!("已写出项目 {code} 的{shown}到 {}", output.display()));
    Ok(0)
}
