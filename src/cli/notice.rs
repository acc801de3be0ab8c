//! `jixiao notice NUMBER`: one rectification notice (整改通知书) ready to print, as Markdown
//! or as plain text wrapped for A4, from Backend queries only.
//!
//! By default the notice prints as issued: from the copy the store kept when it was issued,
//! its text checked against the sha256 recorded then (a mismatch is refused as a damaged
//! record). A notice cancelled since prints the 【已作废】 block and the reason on top, then
//! the issued text unchanged. `--current` renders today's records instead, followed by what
//! changed since issue. A notice issued before jixiao kept copies renders today's records,
//! with a line on stderr saying so.
//!
//! Besides Markdown and A4 text, a 公文 .docx (optionally styled by `--reference-doc`) or a
//! PDF printed from it by LibreOffice; nothing is written unless the whole document was built.

use super::args::{NoticeArgs, NoticeFormat};
use crate::backend::{Backend, Fetch};
use crate::domain::{Error, Notice, NoticeState, Result};
use crate::export::docx::Reference;
use crate::export::notice::{self, IssuedNotice, NoticeDoc, Rendering, chinese_date};
use crate::i18n::Lang;
use std::path::Path;

const WHAT: &str = "jixiao notice";

/// How many existing numbers an unknown-number error lists.
const LISTED: usize = 10;

pub fn run(data: &Path, args: &NoticeArgs) -> Result<i32> {
    let format = format_of(args)?;
    let binary = matches!(format, NoticeFormat::Docx | NoticeFormat::Pdf);
    super::document::refuse_terminal(WHAT, binary, args.output.as_ref(), "通知书.docx")?;
    let reference = super::document::reference(WHAT, args.reference_doc.as_deref(), binary)?;
    let out = Output { format, reference: reference.as_ref() };
    let local = crate::connect::open_backend(data)?;
    let today = resolve(&local, &args.number)?;
    let copy = local.issued_notice(&today.number)?;
    let printed = match (&copy, args.current) {
        (Some(copy), false) => as_issued(copy, &today, args.issuer.as_deref(), &out)?,
        (copy, _) => current(&local, &today, copy.as_ref(), args, &out)?,
    };
    for line in &printed.notes {
        super::out::err_line(line);
    }
    match &args.output {
        Some(path) => {
            crate::fsutil::write_output(path, &printed.bytes)?;
            super::out::err_line(&format!("已写出通知书 {}（{}）到 {}", today.number, printed.what, path.display()));
        }
        None if binary => super::out::stdout_bytes(&printed.bytes)?,
        None => write_stdout(&printed.bytes)?,
    }
    Ok(0)
}

/// What is printed, what it is (for the -o line) and the lines for stderr.
struct Printed {
    bytes: Vec<u8>,
    what: &'static str,
    notes: Vec<String>,
}

/// The format asked for and the reference .docx lending its styles.
struct Output<'a> {
    format: NoticeFormat,
    reference: Option<&'a Reference>,
}

fn render(doc: &NoticeDoc, out: &Output) -> Result<Vec<u8>> {
    match rendering(out.format) {
        Some(how) => notice::render(doc, how, out.reference),
        None => pdf(notice::render(doc, Rendering::Docx, out.reference)?, doc),
    }
}

/// What `notice::render` makes of a format (none for a PDF: printed from the .docx).
fn rendering(format: NoticeFormat) -> Option<Rendering> {
    match format {
        NoticeFormat::Md => Some(Rendering::Md),
        NoticeFormat::Txt => Some(Rendering::Txt),
        NoticeFormat::Docx => Some(Rendering::Docx),
        NoticeFormat::Pdf => None,
    }
}

fn pdf(docx: Vec<u8>, doc: &NoticeDoc) -> Result<Vec<u8>> {
    crate::export::pdf::docx_to_pdf(&docx, &format!("通知书 {}", doc.notice.number))
}

/// The copy kept at issue, its text checked first; a cancellation since is marked on top.
fn as_issued(copy: &IssuedNotice, today: &Notice, issuer: Option<&str>, out: &Output) -> Result<Printed> {
    if issuer.is_some() {
        return Err(Error::invalid(
            WHAT,
            "--issuer",
            format!(
                "通知书 {} 已按下发时的发文机关“{}”留存，原文不能改；要按另一发文机关排出今天的版本，加 --current",
                today.number, copy.doc.issuer
            ),
        ));
    }
    let mut notes = Vec::new();
    if today.state == NoticeState::Cancelled {
        notes.push(format!("通知书 {} 在下发后已作废：开头加注【已作废】和作废原因，其后是下发原文", today.number));
    }
    let bytes = match rendering(out.format) {
        Some(how) => notice::render_issued(copy, today, how, out.reference)?,
        None => pdf(notice::render_issued(copy, today, Rendering::Docx, out.reference)?, &copy.doc)?,
    };
    Ok(Printed { bytes, what: "下发原文", notes })
}

/// Today's records rendered; after them, what changed since the issued copy.
fn current(backend: &dyn Backend, today: &Notice, copy: Option<&IssuedNotice>, args: &NoticeArgs, out: &Output) -> Result<Printed> {
    let doc = notice::load(backend, &today.number, args.issuer.as_deref())?;
    let mut bytes = render(&doc, out)?;
    let mut notes = Vec::new();
    match copy {
        Some(copy) => {
            let list = notice::changes(&copy.doc, &doc);
            let changes = notice::changes_text(&today.number, &list);
            match out.format {
                NoticeFormat::Txt => bytes.extend(format!("\n{}\n{changes}", "─".repeat(notice::A4_WIDTH / 2)).into_bytes()),
                NoticeFormat::Md => {
                    let lines: Vec<String> = changes.lines().map(notice::md_escape).collect();
                    bytes.extend(format!("\n---\n\n{}\n", lines.join("\n")).into_bytes());
                }
                // A document sent out carries no change list: it goes to the terminal instead.
                NoticeFormat::Docx | NoticeFormat::Pdf => notes.extend(changes.lines().map(str::to_string)),
            }
        }
        None if args.current => {
            notes.push(format!("通知书 {} 下发于 jixiao 留存下发原文之前，没有留存副本：无法列出下发后的变化", today.number))
        }
        None => notes.push(format!(
            "通知书 {} 下发于 jixiao 留存下发原文之前，没有留存副本：以下按今天的数据排出，可能与当初下发的不同",
            today.number
        )),
    }
    Ok(Printed { bytes, what: "按今天的数据", notes })
}

/// `--format`, else the output file's extension (.md / .markdown / .txt / .docx / .pdf), else
/// txt; `.doc` is refused (it is Word's old binary format, not what is written).
fn format_of(args: &NoticeArgs) -> Result<NoticeFormat> {
    let from_ext = match super::document::extension(WHAT, args.output.as_deref(), args.format.is_some())?.as_deref() {
        Some("md" | "markdown") => Some(NoticeFormat::Md),
        Some("docx") => Some(NoticeFormat::Docx),
        Some("pdf") => Some(NoticeFormat::Pdf),
        _ => None,
    };
    Ok(args.format.or(from_ext).unwrap_or(NoticeFormat::Txt))
}

/// The notice under the number as typed, else under its normalised spelling; an unknown
/// number is an error that names it and lists the numbers there are.
pub fn resolve(backend: &dyn Backend, number: &str) -> Result<Notice> {
    for candidate in spellings(number) {
        match backend.notice(&candidate) {
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
            "找不到通知书“{number}”：库中还没有通知书。先下达整改事项（jixiao exec 的 issue_notice，见 docs/commands.md），再用 jixiao ledger 查看整改台账。"
        );
    };
    let more = if known.len() > LISTED { format!("（共 {} 份，列出最近 {LISTED} 份）", known.len()) } else { String::new() };
    let listed: Vec<String> = known.iter().take(LISTED).map(describe).collect();
    format!(
        "找不到通知书“{number}”。已有的通知书{more}：{}。编号要写全，如 {}；整改事项见 jixiao ledger。",
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
