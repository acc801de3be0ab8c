//! `jixiao report CODE`: a project's evaluation report (评价报告) as Markdown, a Word .docx
//! (optionally styled by `--reference-doc`) or a PDF printed from it by LibreOffice, or its
//! score table (评分表) as Markdown, .docx or XLSX; the current draft, or an issued revision
//! exactly as it was issued. From Backend queries only; nothing is written unless the whole
//! document was built.

use super::args::{ReportArgs, ReportFormat};
use crate::backend::{Backend, Fetch};
use crate::domain::{Error, Result};
use crate::export::report;
use crate::read::report::{ReportBlock, to_markdown};
use std::path::Path;

const WHAT: &str = "jixiao report";

/// How many codes an unknown-code error lists.
const LISTED: usize = 10;

pub fn run(data: &Path, args: &ReportArgs) -> Result<i32> {
    let format = format_of(args)?;
    let binary = matches!(format, ReportFormat::Docx | ReportFormat::Pdf);
    super::document::refuse_terminal(WHAT, binary, args.output.as_ref(), "报告.docx")?;
    let reference = super::document::reference(WHAT, args.reference_doc.as_deref(), binary)?;
    if format == ReportFormat::Xlsx {
        if !args.table_only {
            return Err(Error::invalid(WHAT, "--format", "xlsx 只输出评分表：加上 --table-only（整份报告用 --format md）"));
        }
        if args.output.is_none() {
            return Err(Error::invalid(WHAT, "-o", "xlsx 要写入文件：加上 -o 评分表.xlsx"));
        }
    }
    let backend = crate::connect::open_backend(data)?;
    let (chosen, note) = match report::choose(&backend, &args.code, args.revision) {
        Err(Error::NotFound { what, .. }) if what == "项目" => return Err(unknown(&backend, &args.code)),
        other => other?,
    };
    super::out::err_line(&note);
    if let Ok((_, problems)) = backend.outline(&args.code) {
        for p in problems {
            super::out::err_line(&format!("报告提纲 {p}"));
        }
    }
    // An issued revision's Markdown is checked against its sha256 before any format is built.
    let markdown = chosen.markdown()?;
    let blocks = match args.table_only {
        true => vec![ReportBlock::Title(chosen.table_title()), ReportBlock::ScoreTable(chosen.score_rows())],
        false => chosen.blocks(),
    };
    let docx = || crate::export::report_docx::to_document(&blocks).to_docx(reference.as_ref());
    let bytes = match (format, args.table_only) {
        (ReportFormat::Xlsx, _) => chosen.table_xlsx()?,
        (ReportFormat::Md, true) => to_markdown(&[ReportBlock::ScoreTable(chosen.score_rows())]).into_bytes(),
        (ReportFormat::Md, false) => markdown.into_bytes(),
        (ReportFormat::Docx, _) => docx()?,
        (ReportFormat::Pdf, _) => crate::export::pdf::docx_to_pdf(&docx()?, &format!("评价报告 {}", args.code.trim()))?,
    };
    match &args.output {
        Some(path) => {
            crate::fsutil::write_output(path, &bytes)?;
            super::out::err_line(&format!("已写出项目 {} 的评价报告到 {}", args.code.trim(), path.display()));
        }
        None if binary => super::out::stdout_bytes(&bytes)?,
        None => super::ledger::write_stdout(&bytes)?,
    }
    Ok(0)
}

/// `--format`, else the output file's extension (.xlsx, .md, .docx, .pdf), else md.
fn format_of(args: &ReportArgs) -> Result<ReportFormat> {
    let from_ext = match super::document::extension(WHAT, args.output.as_deref(), args.format.is_some())?.as_deref() {
        Some("xlsx") => Some(ReportFormat::Xlsx),
        Some("md" | "markdown") => Some(ReportFormat::Md),
        Some("docx") => Some(ReportFormat::Docx),
        Some("pdf") => Some(ReportFormat::Pdf),
        _ => None,
    };
    Ok(args.format.or(from_ext).unwrap_or(ReportFormat::Md))
}

fn unknown(backend: &dyn Backend, code: &str) -> Error {
    let code = code.trim();
    let projects = backend.projects().unwrap_or_default();
    let message = if projects.is_empty() {
        format!("找不到项目“{code}”：库中还没有项目（jixiao exec 的 create_project，见 docs/commands.md）")
    } else {
        let more =
            if projects.len() > LISTED { format!("（共 {} 个，列出前 {LISTED} 个）", projects.len()) } else { String::new() };
        let listed: Vec<String> = projects.iter().take(LISTED).map(|p| format!("{}（{}）", p.code, p.name)).collect();
        format!("找不到项目“{code}”。已有的项目{more}：{}。写项目编号，如 {}", listed.join("、"), projects[0].code)
    };
    Error::invalid(WHAT, "CODE", message)
}
