//! Writing a document the team sends from the workbench: after `N` issues a notice, a
//! one-field form offers its 公文 .docx at a path prefilled next to the store; Esc writes
//! nothing (`jixiao notice NUMBER --format docx` does it later). `w` on the 报告 tab offers the
//! report the same way (the issued revision as issued, else the draft). The file is written
//! only once the whole document was built, and never over something that is not a regular file.

use crate::backend::Fetch;
use crate::export::notice;
use crate::tui::app::{Cx, Effect};
use crate::tui::screens::form::{Field, Form};
use crate::tui::screens::popups::ListPopup;
use crate::tui::strings::{Msg, fill};
use ratatui::text::Line;
use std::path::{Path, PathBuf};

/// The form offering notice `number` as a .docx.
pub fn offer_notice_docx(number: &str, cx: &Cx) -> Effect {
    let path = default_dir(cx.data).join(format!("{number}.docx"));
    let fields = vec![Field::text(cx.t(Msg::DocPath), &path.display().to_string())];
    let title = fill(cx.t(Msg::DocOfferTitle), &[number]);
    let number = number.to_string();
    let act = Box::new(move |values: &[String], cx: &Cx| {
        let path = target(&values[0], &number).map_err(|e| (0, e))?;
        let bytes = notice_docx(&number, cx).map_err(|e| (0, e))?;
        crate::fsutil::write_output(&path, &bytes).map_err(|e| (0, e.render(cx.lang)))?;
        let line = fill(cx.t(Msg::DocWritten), &[&number, &path.display().to_string()]);
        Ok(Effect::Replace(Box::new(ListPopup::new(cx.t(Msg::DocWrittenTitle).to_string(), vec![Line::from(line)], String::new()))))
    });
    Effect::Push(Box::new(Form::acting(title, fields, act).with_note(cx.t(Msg::DocOfferNote).to_string())))
}

/// The form offering project `code`'s report as a .docx: what `jixiao report CODE` prints.
pub fn offer_report_docx(code: &str, cx: &Cx) -> Effect {
    let name = format!("{code}评价报告");
    let path = default_dir(cx.data).join(format!("{name}.docx"));
    let fields = vec![Field::text(cx.t(Msg::DocPath), &path.display().to_string())];
    let title = fill(cx.t(Msg::DocReportTitle), &[code]);
    let code = code.to_string();
    let act = Box::new(move |values: &[String], cx: &Cx| {
        let path = target(&values[0], &name).map_err(|e| (0, e))?;
        let render = |e: crate::domain::Error| (0, e.render(cx.lang));
        let (chosen, which) = crate::export::report::choose(cx.backend, &code, None).map_err(render)?;
        // An issued revision is checked against its sha256 before it is written.
        chosen.markdown().map_err(render)?;
        let bytes = crate::export::report_docx::to_document(&chosen.blocks()).to_docx(None).map_err(render)?;
        crate::fsutil::write_output(&path, &bytes).map_err(render)?;
        let lines = vec![Line::from(fill(cx.t(Msg::DocReportWritten), &[&code, &path.display().to_string()])), Line::from(which)];
        Ok(Effect::Replace(Box::new(ListPopup::new(cx.t(Msg::DocWrittenTitle).to_string(), lines, String::new()))))
    });
    Effect::Push(Box::new(Form::acting(title, fields, act)))
}

/// The notice as issued (the copy kept at issue), as a 公文 .docx.
fn notice_docx(number: &str, cx: &Cx) -> Result<Vec<u8>, String> {
    let render = |e: crate::domain::Error| e.render(cx.lang);
    let doc = match notice::load_issued(cx.backend, number).map_err(render)? {
        Some(copy) => {
            let today = cx.backend.notice(number).map_err(render)?;
            copy.as_shown(&today)
        }
        None => notice::load(cx.backend, number, None).map_err(render)?,
    };
    crate::export::notice_docx::to_document(&doc).to_docx(None).map_err(render)
}

/// Next to the store (the data dir's parent), else the directory the workbench started in.
pub fn default_dir(data: Option<&Path>) -> PathBuf {
    data.and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The path as typed: `~/` is the home directory, a directory gets the document's file name
/// (`name`.docx), and only .docx is written.
fn target(typed: &str, number: &str) -> Result<PathBuf, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("写到哪里？填一个以 .docx 结尾的路径".into());
    }
    let mut path = match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(typed),
    };
    if path.is_dir() {
        path = path.join(format!("{number}.docx"));
    }
    let docx = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    if !docx {
        return Err(format!("只写 .docx：“{}”要以 .docx 结尾", path.display()));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_gets_the_notices_name_and_other_extensions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let typed = dir.path().display().to_string();
        assert_eq!(target(&typed, "财绩整〔2026〕1号").unwrap(), dir.path().join("财绩整〔2026〕1号.docx"));
        assert!(target("通知书.pdf", "财绩整〔2026〕1号").unwrap_err().contains(".docx"));
        assert!(target("  ", "财绩整〔2026〕1号").is_err());
        assert_eq!(default_dir(Some(Path::new("/srv/绩效/数据"))), PathBuf::from("/srv/绩效"));
    }
}
