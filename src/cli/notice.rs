//! `jixiao notice NUMBER`: one rectification notice (整改通知书) ready to print, as Markdown
//! or as plain text wrapped for A4, from Backend queries only.

use super::args::{NoticeArgs, NoticeFormat};
use crate::backend::{Backend, Fetch};
use crate::domain::{Error, Notice, NoticeState, Result};
use crate::export::notice::{self, NoticeDoc, chinese_date};
use crate::i18n::Lang;
use std::path::Path;

const WHAT: &str = "jixiao notice";

/// How many existing numbers an unknown-number error lists.
const LISTED: usize = 10;

pub fn run(data: &Path, args: &NoticeArgs) -> Result<i32> {
    let format = format_of(args);
    let local = crate::connect::open_backend(data)?;
    let doc = find(&local, &args.number, args.issuer.as_deref())?;
    let text = match format {
        NoticeFormat::Md => notice::to_markdown(&doc),
        NoticeFormat::Txt => notice::to_text(&doc, notice::A4_WIDTH),
    };
    match &args.output {
        Some(path) => {
            crate::fsutil::write_output(path, text.as_bytes())?;
            super::out::err_line(&format!("已写出通知书 {} 到 {}", doc.notice.number, path.display()));
        }
        None => write_stdout(text.as_bytes())?,
    }
    Ok(0)
}

/// `--format`, else the output file's extension (.md / .markdown), else txt.
fn format_of(args: &NoticeArgs) -> NoticeFormat {
    let from_ext = || {
        let ext = args.output.as_deref()?.extension()?.to_str()?.to_ascii_lowercase();
        matches!(ext.as_str(), "md" | "markdown").then_some(NoticeFormat::Md)
    };
    args.format.or_else(from_ext).unwrap_or(NoticeFormat::Txt)
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
