//! The multi-line text editor: a text area for Chinese text and pasted paragraphs, used for
//! the basis (评分依据) of a score and the sections of the evaluation report. Ctrl-s saves
//! through the command its opener builds from the text; Esc asks before discarding. While
//! typing, a draft is written after each pause, and reopening the field offers the draft.

use crate::command::Command;
use crate::domain::tree::{IndicatorRef, Node};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer, centered, widen};
use crate::tui::screens::unsaved::{Discard, Found, changed_part};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear};
use ratatui_textarea::TextArea;
use std::cell::Cell;
use std::rc::Rc;

/// Builds the command that saves the text (trailing blank lines already trimmed).
pub type BuildCommand = Rc<dyn Fn(String) -> Command>;

/// What an editor edits: shared by the editor and the draft offer in front of it.
#[derive(Clone)]
pub struct EditSpec {
    /// The popup's title.
    pub title: String,
    /// Where the draft is kept (`Drafts` key).
    pub draft_key: String,
    /// The text as saved, to know whether there is anything to lose.
    pub saved: String,
    /// Shown under the text while it is empty (what to write here).
    pub hint: Option<String>,
    pub build: BuildCommand,
}

pub struct TextEditor {
    spec: EditSpec,
    area: TextArea<'static>,
    /// Whether the current text is already in the draft file.
    drafted: Cell<bool>,
}

pub fn draft_key(code: &str, node: u32) -> String {
    format!("basis-{code}-{node}")
}

/// The basis editor of a scored leaf (an unscored one has no basis to write: an error popup).
pub fn basis_editor(code: &str, node: &Node, cx: &Cx) -> Box<dyn Layer> {
    let Some(score) = node.score.clone() else {
        return Box::new(crate::tui::screens::popups::ErrorPopup::new(cx.t(Msg::ScNoBasis).to_string()));
    };
    let (project, node_id, rev) = (code.to_string(), node.id, node.rev);
    let saved = score.basis.clone();
    let build: BuildCommand = Rc::new(move |basis| Command::Score {
        project: project.clone(),
        indicator: IndicatorRef::Id(node_id),
        input: score.input.clone(),
        basis,
        evidence: score.evidence.clone(),
        expected_rev: Some(rev),
    });
    let title = fill(cx.t(Msg::BasisTitle), &[&node.name]);
    TextEditor::open(EditSpec { title, draft_key: draft_key(code, node.id), saved, hint: None, build }, cx)
}

impl TextEditor {
    /// The editor on the saved text; a draft kept from before is offered when it opens
    /// (`Layer::draft_found`).
    pub fn open(spec: EditSpec, _cx: &Cx) -> Box<dyn Layer> {
        let saved = spec.saved.clone();
        Box::new(TextEditor::with_text(spec, &saved))
    }

    fn with_text(spec: EditSpec, text: &str) -> TextEditor {
        TextEditor { area: text_area(text), spec, drafted: Cell::new(true) }
    }

    fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    fn key(&self) -> String {
        self.spec.draft_key.clone()
    }
}

fn text_area(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(text.lines().map(String::from).collect());
    area.set_cursor_line_style(Style::default());
    area.set_wrap_mode(ratatui_textarea::WrapMode::Glyph);
    // Typing continues the text, as when reopening a document.
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

impl Layer for TextEditor {
    fn context(&self) -> &'static str {
        "editor"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn wants_text(&self) -> bool {
        true
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        match action {
            Action::Save => {
                // The draft goes with the save; if the save fails, the editor stays open and the
                // next pause writes the draft again.
                cx.drafts.clear(&self.key());
                self.drafted.set(false);
                self.save_effect(cx)
            }
            Action::Cancel | Action::Back if self.text() == self.spec.saved => {
                cx.drafts.clear(&self.key());
                Effect::Pop
            }
            Action::Cancel | Action::Back => Effect::Push(Box::new(Discard::new(self.key(), self.text()))),
            _ => Effect::None,
        }
    }
    fn input(&mut self, key: KeyEvent, _cx: &Cx) -> Effect {
        if self.area.input(key) {
            self.drafted.set(false);
        }
        Effect::None
    }
    fn paste(&mut self, text: &str) {
        if self.area.insert_str(text.replace("\r\n", "\n").replace('\r', "\n")) {
            self.drafted.set(false);
        }
    }
    fn save_draft(&self, cx: &Cx) {
        if !self.drafted.get() {
            if self.text() == self.spec.saved {
                cx.drafts.clear(&self.key());
            } else {
                cx.drafts.save(&self.key(), &self.text());
            }
            self.drafted.set(true);
        }
    }
    fn unsaved(&self) -> bool {
        self.text() != self.spec.saved
    }
    fn discard_draft(&self, cx: &Cx) {
        cx.drafts.clear(&self.key());
        self.drafted.set(true);
    }
    fn draft_found(&self, cx: &Cx) -> Option<Found> {
        let draft = cx.drafts.load(&self.spec.draft_key).filter(|d| *d != self.text())?;
        let preview = changed_part(&self.spec.saved, &draft, 120).replace('\n', " ⏎ ");
        Some(Found { key: self.key(), draft, preview })
    }
    fn restore_draft(&mut self, draft: &str) {
        self.area = text_area(draft);
        // The draft file already holds this text.
        self.drafted.set(true);
    }
    fn refresh(&mut self, _cx: &Cx) {}
    fn render(&self, f: &mut Frame, area: Rect, _cx: &Cx) {
        self.draw(f, area);
    }
}

impl TextEditor {
    fn save_effect(&self, cx: &Cx) -> Effect {
        Effect::Execute {
            cmd: Box::new((self.spec.build)(self.text().trim_end().to_string())),
            pop: 1,
            toast: Some(cx.t(Msg::Saved).to_string()),
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect) {
        let rect = centered(area, area.width.saturating_sub(8).max(40), area.height.saturating_sub(4).max(8));
        f.render_widget(Clear, widen(rect, area));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(Style::default().fg(Color::Cyan))
            .title(format!(" {} ", self.spec.title));
        let block = match &self.spec.hint {
            // The hint stays in sight on the bottom border while the text is empty.
            Some(hint) if self.text().trim().is_empty() => {
                let hint = crate::text::truncate(hint, rect.width.saturating_sub(4) as usize);
                block.title_bottom(Line::styled(format!(" {hint} "), Style::default().fg(Color::DarkGray)))
            }
            _ => block,
        };
        let inner = block.inner(rect);
        f.render_widget(block, rect);
        f.render_widget(&self.area, inner);
        // The real cursor sits where the text area draws its own, so input methods work.
        let c = self.area.screen_cursor();
        let (top, left) = self.area.scroll_offset();
        let x = inner.x as usize + c.col.saturating_sub(left as usize);
        let y = inner.y as usize + c.row.saturating_sub(top as usize);
        if x < (inner.x + inner.width) as usize && y < (inner.y + inner.height) as usize {
            f.set_cursor_position(Position { x: x as u16, y: y as u16 });
        }
    }
}
