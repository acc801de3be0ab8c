//! The multi-line text editor: a text area for Chinese text and pasted paragraphs, used for
//! the basis (评分依据) of a score and the sections of the evaluation report. Ctrl-s saves
//! through the command its opener builds from the text; Esc asks before discarding. While
//! typing, a draft is written after each pause, and reopening the field offers the draft.

use crate::command::Command;
use crate::domain::tree::{IndicatorRef, Node};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer, centered, widen};
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
    /// The editor, with a popup offering the draft on top when one differs from the saved text.
    pub fn open(spec: EditSpec, cx: &Cx) -> Box<dyn Layer> {
        match cx.drafts.load(&spec.draft_key) {
            Some(draft) if draft != spec.saved => Box::new(DraftOffer { spec, draft }),
            _ => Box::new(TextEditor::with_text(spec.clone(), &spec.saved)),
        }
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
            Action::Cancel | Action::Back => Effect::Push(Box::new(Discard { key: self.key(), text: self.text() })),
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

/// "Discard unsaved changes?": yes drops the edits and the draft; no goes back to typing;
/// keep-draft closes the editor with the text kept as its draft, offered on reopening.
struct Discard {
    key: String,
    /// The editor's text when Esc was pressed (it cannot change while this popup is up).
    text: String,
}

impl Layer for Discard {
    fn context(&self) -> &'static str {
        "confirm"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        match action {
            Action::Confirm | Action::Open => {
                cx.drafts.clear(&self.key);
                Effect::PopMany(2)
            }
            Action::KeepDraft => {
                cx.drafts.save(&self.key, &self.text);
                Effect::PopMany(2)
            }
            Action::Cancel | Action::Back => Effect::Pop,
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        small_question(f, area, cx.t(Msg::ConfirmTitle), cx.t(Msg::DiscardConfirm), cx.t(Msg::DiscardFooter));
    }
}

/// Offers a draft found on opening: yes restores it, no keeps the saved text.
struct DraftOffer {
    spec: EditSpec,
    draft: String,
}

impl Layer for DraftOffer {
    fn context(&self) -> &'static str {
        "confirm"
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::KeepDraft]
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        match action {
            Action::Confirm | Action::Open => Effect::Replace(Box::new(TextEditor::with_text(self.spec.clone(), &self.draft))),
            Action::Cancel | Action::Back => {
                cx.drafts.clear(&self.spec.draft_key);
                Effect::Replace(Box::new(TextEditor::with_text(self.spec.clone(), &self.spec.saved)))
            }
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let preview: String = self.draft.replace('\n', " ⏎ ").chars().take(40).collect();
        small_question(f, area, cx.t(Msg::DraftTitle), &fill(cx.t(Msg::DraftOffer), &[&preview]), cx.t(Msg::DraftFooter));
    }
}

fn small_question(f: &mut Frame, area: Rect, title: &str, question: &str, footer: &str) {
    crate::tui::screens::popups::paragraph_popup(f, area, title, question, footer, Color::Yellow);
}
