//! A notice as it will print (`v` on the 整改 tab, on an item of the notice; on a draft item, a
//! list: the unnumbered preview of what `N` would issue for its unit today, then the project's
//! notices, cancelled ones too): the A4 text
//! `jixiao notice NUMBER` prints, from the same code (the copy kept at issue, checked against
//! its sha256; today's records for a notice issued before copies were kept), scrolled with the
//! movement keys. `w` writes it to a file (.txt byte for byte as printed, .md, or the 公文
//! .docx) and names the path written; `X` cancels the notice with a reason.

use super::form::{Field, Form};
use crate::backend::{Backend, Fetch};
use crate::command::Command;
use crate::domain::{Notice, NoticeState};
use crate::export::notice::{self, Rendering};
use crate::text;
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::screens::popups::ListPopup;
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// Where the text shown comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Issued,
    Cancelled,
    /// No copy was kept at issue: today's records.
    Current,
    /// Not issued yet: what `N` would issue today for one unit's draft items, unnumbered.
    Draft,
}

/// The draft items a preview shows: the project and the unit.
#[derive(Clone)]
struct DraftOf {
    code: String,
    unit: String,
}

pub struct NoticeView {
    number: String,
    /// A preview of a notice not issued yet.
    draft: Option<DraftOf>,
    notice: Option<Notice>,
    /// The text as `jixiao notice` prints it, one entry per line.
    lines: Vec<String>,
    source: Source,
    /// The first line shown (of the lines as wrapped to the screen); clamped while drawing.
    pub offset: usize,
    /// Rows the text had at the last draw: a page.
    page: Cell<usize>,
    /// Lines as wrapped at the last draw (before one: as printed), to stop scrolling at the end.
    wrapped: Cell<usize>,
    error: Option<String>,
}

/// The notice rendered as `jixiao notice NUMBER` renders it by default (as issued).
fn rendered(backend: &dyn Backend, number: &str, how: Rendering) -> crate::domain::Result<(Vec<u8>, Source, Notice)> {
    let today = backend.notice(number)?;
    match notice::load_issued(backend, number)? {
        Some(copy) => {
            let source = if today.state == NoticeState::Cancelled { Source::Cancelled } else { Source::Issued };
            Ok((notice::render_issued(&copy, &today, how, None)?, source, today))
        }
        None => Ok((notice::render(&notice::load(backend, number, None)?, how, None)?, Source::Current, today)),
    }
}

impl NoticeView {
    pub fn new(number: &str, cx: &Cx) -> Self {
        NoticeView::open(number.to_string(), None, cx)
    }

    /// What `N` would issue today for `unit`'s draft items of project `code` (not numbered yet).
    pub fn draft(code: &str, unit: &str, cx: &Cx) -> Self {
        NoticeView::open(cx.t(Msg::NvDraftNumber).to_string(), Some(DraftOf { code: code.to_string(), unit: unit.to_string() }), cx)
    }

    fn open(number: String, draft: Option<DraftOf>, cx: &Cx) -> Self {
        let mut v = NoticeView {
            number,
            draft,
            notice: None,
            lines: vec![],
            source: Source::Issued,
            offset: 0,
            page: Cell::new(10),
            wrapped: Cell::new(0),
            error: None,
        };
        v.refresh(cx);
        v
    }

    /// The text shown, as printed (for tests and the write).
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn write_form(&self, cx: &Cx) -> Effect {
        let path = default_dir(cx.data).join(format!("{}.txt", self.number));
        let fields = vec![Field::text(cx.t(Msg::DocPath), &path.display().to_string())];
        let number = self.number.clone();
        let draft = self.draft.clone();
        let act = Box::new(move |values: &[String], cx: &Cx| {
            let (path, how) = target(&values[0], &number, cx).map_err(|e| (0, e))?;
            let render = |e: crate::domain::Error| (0, e.render(cx.lang));
            let (bytes, source) = match &draft {
                Some(d) => (notice::render(&draft_doc(d, cx).map_err(render)?, how, None).map_err(render)?, Source::Draft),
                None => rendered(cx.backend, &number, how).map(|(b, s, _)| (b, s)).map_err(render)?,
            };
            crate::fsutil::write_output(&path, &bytes).map_err(render)?;
            let what = cx.t(match source {
                Source::Current => Msg::NvCurrent,
                Source::Draft => Msg::NvDraftNote,
                _ => Msg::NvIssued,
            });
            let line = fill(cx.t(Msg::NvWritten), &[&number, &fill(what, &[&number]), &path.display().to_string()]);
            let lines = crate::tui::widgets::wrap_lines(vec![Line::from(line)], 70);
            Ok(Effect::Replace(Box::new(ListPopup::new(cx.t(Msg::DocWrittenTitle).to_string(), lines, String::new()))))
        });
        let title = fill(cx.t(Msg::NvWriteTitle), &[&self.number]);
        Effect::Push(Box::new(Form::acting(title, fields, act).with_note(cx.t(Msg::NvWriteNote).to_string())))
    }

    fn cancel_form(&self, cx: &Cx) -> Effect {
        if self.draft.is_some() {
            return Effect::Error(cx.t(Msg::NvDraftNotIssued).to_string());
        }
        if self.notice.as_ref().is_some_and(|n| n.state == NoticeState::Cancelled) {
            return Effect::Error(fill(cx.t(Msg::NvAlreadyCancelled), &[&self.number]));
        }
        let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(super::project_list::required)];
        let number = self.number.clone();
        let submit =
            Box::new(move |v: &[String], _cx: &Cx| Ok(Command::CancelNotice { notice: number.clone(), reason: v[0].trim().to_string() }));
        let form = Form::new(fill(cx.t(Msg::NvCancelTitle), &[&self.number]), fields, submit, Some(cx.t(Msg::Saved).into()))
            .confirming(fill(cx.t(Msg::NvCancelConfirm), &[&self.number]));
        Effect::Push(Box::new(form))
    }
}

impl Layer for NoticeView {
    fn context(&self) -> &'static str {
        "notice_view"
    }

    fn unused_actions(&self) -> &'static [Action] {
        &[Action::Open]
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        let page = self.page.get().max(1);
        match action {
            Action::Back => return Effect::Pop,
            Action::MoveDown | Action::PreviewDown => self.offset += 1,
            Action::MoveUp | Action::PreviewUp => self.offset = self.offset.saturating_sub(1),
            Action::PageDown => self.offset += page,
            Action::PageUp => self.offset = self.offset.saturating_sub(page),
            Action::Top => self.offset = 0,
            Action::Bottom => self.offset = usize::MAX / 2,
            Action::WriteFile if self.error.is_none() => return self.write_form(cx),
            Action::CancelNotice => return self.cancel_form(cx),
            _ => {}
        }
        // The last page ends at the last line.
        self.offset = self.offset.min(self.wrapped.get().saturating_sub(page + 1));
        Effect::None
    }

    fn refresh(&mut self, cx: &Cx) {
        let got = match &self.draft {
            Some(d) => draft_doc(d, cx).map(|doc| (notice::to_text(&doc, notice::A4_WIDTH).into_bytes(), Source::Draft, None)),
            None => rendered(cx.backend, &self.number, Rendering::Txt).map(|(b, s, n)| (b, s, Some(n))),
        };
        match got {
            Ok((bytes, source, today)) => {
                self.lines = String::from_utf8_lossy(&bytes).lines().map(str::to_string).collect();
                self.wrapped.set(self.lines.len());
                self.source = source;
                self.notice = today;
                self.error = None;
            }
            Err(e) => self.error = Some(e.render(cx.lang)),
        }
    }

    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let [head, rule, body] = Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1)]).areas(area);
        f.render_widget(Block::default().borders(Borders::TOP).border_style(Style::default().fg(Color::DarkGray)), rule);
        if let Some(e) = &self.error {
            let title = fill(cx.t(Msg::NvTitle), &[&self.number]);
            f.render_widget(Paragraph::new(Span::styled(title, Style::default().add_modifier(Modifier::BOLD))), head);
            let lines = crate::tui::widgets::wrap_lines(vec![Line::from(e.clone())], body.width as usize);
            f.render_widget(Paragraph::new(lines).style(Style::default().fg(Color::Red)), body);
            return;
        }
        // Lines wider than the screen wrap by cells; the A4 text is 72 cells wide.
        let width = (body.width as usize).max(10);
        let shown: Vec<String> =
            self.lines.iter().flat_map(|l| if text::width(l) <= width { vec![l.clone()] } else { text::wrap(l, width) }).collect();
        let height = body.height as usize;
        self.page.set(height.saturating_sub(1));
        self.wrapped.set(shown.len());
        let first = self.offset.min(shown.len().saturating_sub(height));
        let last = (first + height).min(shown.len());
        let (note, colour) = match self.source {
            Source::Issued => (fill(cx.t(Msg::NvIssued), &[&self.number]), Color::Green),
            Source::Cancelled => (cx.t(Msg::NvCancelledNote).to_string(), Color::Red),
            Source::Current => (cx.t(Msg::NvCurrent).to_string(), Color::Yellow),
            Source::Draft => (cx.t(Msg::NvDraftNote).to_string(), Color::Yellow),
        };
        let position = fill(cx.t(Msg::NvLines), &[&(first + 1).to_string(), &last.to_string(), &shown.len().to_string()]);
        let title = fill(cx.t(Msg::NvTitle), &[&self.number]);
        // One row: the number and where the view is first, then as much of the source as fits.
        let head_w = head.width as usize;
        let lead = format!("{title}  {position}  ");
        let header = Line::from(vec![
            Span::styled(text::truncate(&lead, head_w), Style::default().add_modifier(Modifier::BOLD)),
            Span::styled(text::truncate(&note, head_w.saturating_sub(text::width(&lead))), Style::default().fg(colour)),
        ]);
        f.render_widget(Paragraph::new(header), head);
        let lines: Vec<Line> = shown[first..last].iter().map(|l| Line::from(l.clone())).collect();
        f.render_widget(Paragraph::new(lines), body);
    }
}

/// The notice `N` would issue today for `d.unit`'s draft items: the records as they are, the
/// items as issued today, no number and no contact yet (the issue form asks for them).
fn draft_doc(d: &DraftOf, cx: &Cx) -> crate::domain::Result<notice::NoticeDoc> {
    use crate::domain::{ItemState, Meta};
    let project = cx.backend.project(&d.code)?;
    let mut items: Vec<crate::domain::RectItem> =
        cx.backend.items(&d.code)?.into_iter().filter(|i| i.state == ItemState::Draft && i.unit == d.unit).collect();
    for it in &mut items {
        it.issue(None, cx.today)?;
    }
    let draft = Notice {
        id: 0,
        project: project.id,
        number: cx.t(Msg::NvDraftNumber).to_string(),
        year: chrono::Datelike::year(&cx.today),
        seq: 0,
        unit: d.unit.clone(),
        items: items.iter().map(|i| i.id).collect(),
        issue_date: cx.today,
        contact: String::new(),
        state: NoticeState::Issued,
        cancel_reason: None,
        meta: Meta::new(cx.backend.actor(), chrono::DateTime::UNIX_EPOCH),
    };
    let doc = notice::NoticeDoc {
        tree: cx.backend.tree(&d.code)?,
        findings: cx.backend.findings(&d.code)?,
        issuer: notice::issuer_from_contact(""),
        notice: draft,
        project,
        items,
        layout: None,
    };
    Ok(doc)
}

/// The project's notices, latest first, to open one as it prints; first, when the selected item
/// is a draft, the preview of the notice its unit's drafts would make (`draft`: code, unit).
pub fn pick(notices: &[Notice], draft: Option<(&str, &str)>, cx: &Cx) -> Effect {
    let mut list: Vec<&Notice> = notices.iter().collect();
    list.sort_by(|a, b| b.issue_date.cmp(&a.issue_date).then(b.id.cmp(&a.id)));
    let preview = draft.map(|(code, unit)| {
        let label = fill(cx.t(Msg::NvDraftEntry), &[unit]);
        let (code, unit) = (code.to_string(), unit.to_string());
        let open: super::popups::MenuAction = Box::new(move |cx: &Cx| Effect::Push(Box::new(NoticeView::draft(&code, &unit, cx))));
        (label, open)
    });
    let issued = list.into_iter().map(|n| {
        let state = if n.state == NoticeState::Cancelled { format!("  {}", cx.t(Msg::NvCancelledMark)) } else { String::new() };
        let label = format!("{}  {}  {}{state}", n.number, n.unit, n.issue_date);
        let number = n.number.clone();
        let open: super::popups::MenuAction = Box::new(move |cx: &Cx| Effect::Push(Box::new(NoticeView::new(&number, cx))));
        (label, open)
    });
    let entries: Vec<(String, super::popups::MenuAction)> = preview.into_iter().chain(issued).collect();
    Effect::Push(Box::new(super::popups::Menu::new(cx.t(Msg::NvPickTitle).to_string(), entries)))
}

/// Next to the store (the data dir's parent), else the directory the workbench started in.
fn default_dir(data: Option<&Path>) -> PathBuf {
    data.and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The path as typed (`~/` is the home directory; a directory gets `NUMBER.txt`) and what to
/// write there, by its extension.
fn target(typed: &str, number: &str, cx: &Cx) -> Result<(PathBuf, Rendering), String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(cx.t(Msg::NvNoPath).to_string());
    }
    let mut path = match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(typed),
    };
    if path.is_dir() {
        path = path.join(format!("{number}.txt"));
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let how = match ext.as_deref() {
        Some("txt") => Rendering::Txt,
        Some("md" | "markdown") => Rendering::Md,
        Some("docx") => Rendering::Docx,
        _ => return Err(fill(cx.t(Msg::NvExt), &[&path.display().to_string()])),
    };
    Ok((path, how))
}
