//! A rectification notice (整改通知书) ready to print: `load` gathers today's records through
//! `Backend` queries; the rendering itself is pure and lives in `read::notice` (the store renders
//! a notice when it issues it), re-exported here so `export::notice::{blocks, to_text, …}` stay
//! where printers look for them. `load_issued` fetches the copy kept when the notice was issued.

use crate::backend::{Backend, Fetch};
use crate::domain::{Error, Notice, NoticeState, Result};
use crate::export::docx::Reference;
pub use crate::read::issued::{Change, IssuedNotice, changes, changes_text};
pub use crate::read::notice::*;

/// Gathers a notice and what it prints through `Backend` queries. The issuer is taken from
/// the notice's contact (see `issuer_from_contact`) unless `issuer` is given.
pub fn load(backend: &dyn Backend, number: &str, issuer: Option<&str>) -> Result<NoticeDoc> {
    let notice = backend.notice(number)?;
    let id = notice.project;
    let project = backend.projects()?.into_iter().find(|p| p.id == id).ok_or_else(|| Error::not_found("项目", format!("#{id}")))?;
    let tree = backend.tree(&project.code)?;
    let findings = backend.findings(&project.code)?;
    let items = backend.items(&project.code)?.into_iter().filter(|i| notice.items.contains(&i.id)).collect();
    let issuer = issuer.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let issuer = issuer.unwrap_or_else(|| issuer_from_contact(&notice.contact));
    Ok(NoticeDoc { notice, project, tree, findings, items, issuer, layout: None })
}

/// The copy of a notice kept when it was issued (`None` for a notice issued before jixiao kept
/// copies), under its number or id.
pub fn load_issued(backend: &dyn Backend, number: &str) -> Result<Option<IssuedNotice>> {
    backend.issued_notice(number)
}

/// The renderings `jixiao notice` prints itself (a PDF is printed from the .docx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    Md,
    Txt,
    Docx,
}

/// `doc` as Markdown, A4 text or a 公文 .docx (styled by `reference` when given).
pub fn render(doc: &NoticeDoc, how: Rendering, reference: Option<&Reference>) -> Result<Vec<u8>> {
    Ok(match how {
        Rendering::Md => to_markdown(doc).into_bytes(),
        Rendering::Txt => to_text(doc, A4_WIDTH).into_bytes(),
        Rendering::Docx => crate::export::notice_docx::to_document(doc).to_docx(reference)?,
    })
}

/// The issued copy as `jixiao notice NUMBER` prints it: its text checked against the sha256
/// recorded at issue first (a mismatch is a damaged record); the plain text of a notice still
/// in force is that text itself; a notice cancelled since carries 【已作废】 and the reason on top.
pub fn render_issued(copy: &IssuedNotice, today: &Notice, how: Rendering, reference: Option<&Reference>) -> Result<Vec<u8>> {
    let issued_text = copy.verified_text()?;
    match how {
        Rendering::Txt if today.state != NoticeState::Cancelled => Ok(issued_text.into_bytes()),
        _ => render(&copy.as_shown(today), how, reference),
    }
}
