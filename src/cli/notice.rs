//! `jixiao notice NUMBER`: one rectification notice (整改通知书) ready to print, as Markdown,
//! plain text wrapped for A4, a 公文 .docx (optionally styled by `--reference-doc`) or a PDF
//! printed from it by LibreOffice, from Backend queries only. Nothing is written unless the
//! whole document was built.

use super::args::{NoticeArgs, NoticeFormat};
use crate::backend::{Backend, Fetch};
use crate::domain::{Error, Notice, NoticeState, Result};
use crate::export::docx::Reference;
use crate::export::notice::{self, NoticeDoc, chinese_date};
use crate::i18n::Lang;
use std::io::IsTerminal;
use std::path::Path;

const WHAT: &str = "jixiao notice";

/// How many existing numbers an unknown-number error lists.
const LISTED: usize = 10;

pub fn run(data: &Path, args: &NoticeArgs) -> Result<i32> {
    let format = format_of(args)?;
    let binary = matches!(format, NoticeFormat::Docx | NoticeFormat::Pdf);
    if binary && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::invalid(
            WHAT,
            "-o",
            "docx 和 pdf 是二进制文件，不输出到终端 (binary output)：加 -o FILE 写入文件（如 -o 通知书.docx），或重定向到文件、管道",
        ));
    }
    // The reference is read before the store is opened: a wrong file fails fast.
    let reference = match &args.reference_doc {
        Some(_) if !binary => {
            return Err(Error::invalid(WHAT, "--reference-doc", "只用于 --format docx 或 pdf：md 和 txt 没有样式"));
        }
        Some(path) => Some(Reference::read(path)?),
        None => None,
    };
    if let Some(r) = reference.as_ref().filter(|r| !r.styles.added.is_empty()) {
        let names: Vec<&str> = r.styles.added.iter().map(|s| s.name()).collect();
        super::out::err_line(&format!("参考文档 {} 没有这些样式，用了 jixiao 的：{}", r.path.display(), names.join("、")));
    }
    let local = crate::connect::open_backend(data)?;
    let doc = find(&local, &args.number, args.issuer.as_deref())?;
    let bytes = match format {
        NoticeFormat::Md => notice::to_markdown(&doc).into_bytes(),
        NoticeFormat::Txt => notice::to_text(&doc, notice::A4_WIDTH).into_bytes(),
        NoticeFormat::Docx => crate::export::notice_docx::to_document(&doc).to_docx(reference.as_ref())?,
        NoticeFormat::Pdf => {
            let docx = crate::export::notice_docx::to_document(&doc).to_docx(reference.as_ref())?;
            crate::export::pdf::docx_to_pdf(&docx, &format!("通知书 {}", doc.notice.number))?
        }
    };
    match &args.output {
        Some(path) => {
            crate::fsutil::write_output(path, &bytes)?;
            super::out::err_line(&format!("已写出通知书 {} 到 {}", doc.notice.number, path.display()));
        }
        None if binary => super::out::stdout_bytes(&bytes)?,
        None => write_stdout(&bytes)?,
    }
    Ok(0)
}

/// `--format`, else the output file's extension (.md / .markdown / .txt / .docx / .pdf), else
/// txt; `.doc` is refused (it is Word's old binary format, not what is written).
fn format_of(args: &NoticeArgs) -> Result<NoticeFormat> {
    let ext = args.output.as_deref().and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let from_ext = match ext.as_deref() {
        Some("md" | "markdown") => Some(NoticeFormat::Md),
        Some("docx") => Some(NoticeFormat::Docx),
        Some("pdf") => Some(NoticeFormat::Pdf),
        Some("doc") if args.format.is_none() => {
            return Err(Error::invalid(WHAT, "-o", "写不出 .doc（Word 97 格式）：用 .docx，如 -o 通知书.docx"));
        }
        _ => None,
    };
    Ok(args.format.or(from_ext).unwrap_or(NoticeFormat::Txt))
}

/// The notice under the number as typed, else under its normalised spelling; an unknown
/// number is an error that names it and lists the numbers there are.
pub fn find(backend: &dyn Backend, number: &str, issuer: Option<&str>) -> Result<NoticeDoc> {
    for candidate in spellings(number) {
        match notice::load(backend, &candidate, issuer) {
            Err(Error::NotFound { what, .. }) if what == "通知书" => continue,
            other => return other,
        }
    }
    Err(unknown(backend, number))
}

/// The number as typed, then with [ ] ( ) （ ） 【 】 read as 〔 〕 and 号 added when missing.
pub fn spellings(number: &str) -> Vec<String> {
    let typed = number.trim().to_string();
    let mut fixed: String = typed
        .chars()
        .map(|c| match c {
            '[' | '(' | '（' | '【' | '［' => '〔',
            ']' | ')' | '）' | '】' | '］' => '〕',
            other => other,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    if fixed.ends_with(|c: char| c.is_ascii_digit()) {
        fixed.push('号');
    }
    if fixed == typed { vec![typed] } else { vec![typed, fixed] }
}

fn unknown(backend: &dyn Backend, number: &str) -> Error {
    let known = all_notices(backend).unwrap_or_default();
    let number = number.trim();
    let message = match crate::i18n::current() {
        Lang::En => unknown_en(number, &known),
        Lang::Zh => unknown_zh(number, &known),
    };
    Error::invalid(WHAT, "NUMBER", message)
}

fn unknown_zh(number: &str, known: &[Notice]) -> String {
    let Some(latest) = known.first() else {
        return format!(
            "找不到通知书「{number}」：库中还没有通知书。先下达整改事项（jixiao exec 的 issue_notice，见 docs/commands.md），再用 jixiao ledger 查看整改台账。"
        );
    };
    let more = if known.len() > LISTED { format!("（共 {} 份，列出最近 {LISTED} 份）", known.len()) } else { String::new() };
    let listed: Vec<String> = known.iter().take(LISTED).map(describe).collect();
    format!(
        "找不到通知书「{number}」。已有的通知书{more}：{}。编号要写全，如 {}；整改事项见 jixiao ledger。",
        listed.join("；"),
        latest.number
    )
}

fn unknown_en(number: &str, known: &[Notice]) -> String {
    let Some(latest) = known.first() else {
        return format!(
            "no notice `{number}`: the store has no notices yet. Issue items first (issue_notice in jixiao exec, see docs/commands.md); jixiao ledger lists the items."
        );
    };
    let listed: Vec<String> = known.iter().take(LISTED).map(describe).collect();
    format!(
        "no notice `{number}`. The {} latest of {} notices: {}. Write the whole number, e.g. {}; jixiao ledger lists the items.",
        listed.len(),
        known.len(),
        listed.join("; "),
        latest.number
    )
}

fn describe(n: &Notice) -> String {
    let void = if n.state == NoticeState::Cancelled { "，已作废" } else { "" };
    format!("{}（{}，{}{void}）", n.number, n.unit, chinese_date(n.issue_date))
}

/// Every notice in the store, latest issue first.
fn all_notices(backend: &dyn Backend) -> Result<Vec<Notice>> {
    let mut out = Vec::new();
    for p in backend.projects()? {
        out.extend(backend.notices(&p.code)?);
    }
    out.sort_by(|a, b| b.issue_date.cmp(&a.issue_date).then(b.id.cmp(&a.id)));
    Ok(out)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    super::ledger::write_stdout(bytes)
}
