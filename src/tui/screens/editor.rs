//! The basis (评分依据) editor: a multi-line text area for Chinese text and pasted
//! paragraphs. Ctrl-s saves; Esc asks before discarding. While typing, a draft is written
//! after each pause, and reopening the field offers the draft.

use crate::command::Command;
use crate::domain::tree::{IndicatorRef, Node, Score};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer, centered, widen};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, BorderType, Borders, Clear};
use ratatui_textarea::TextArea;
use std::cell::Cell;

pub struct BasisEditor {
    code: String,
    node_id: u32,
    name: String,
    rev: u64,
    score: Score,
    area: TextArea<'static>,
    /// The text as saved, to know whether there is anything to lose.
    saved: String,
    /// Whether the current text is already in the draft file.
    drafted: Cell<bool>,
}

pub fn draft_key(code: &str, node: u32) -> String {
    format!("basis-{code}-{node}")
}

impl BasisEditor {
    /// The editor, with a popup offering the draft on top when one differs from the saved text.
    pub fn open(code: &str, node: &Node, cx: &Cx) -> Box<dyn Layer> {
        let Some(score) = node.score.clone() else {
            return Box::new(crate::tui::screens::popups::ErrorPopup::new(cx.t(Msg::ScNoBasis).to_string()));
        };
        let editor = BasisEditor {
            code: code.to_string(),
            node_id: node.id,
            name: node.name.clone(),
            rev: node.rev,
            saved: score.basis.clone(),
            area: text_area(&score.basis),
            score,
            drafted: Cell::new(true),
        };
        match cx.drafts.load(&draft_key(code, node.id)) {
            Some(draft) if draft != editor.saved => Box::new(DraftOffer { editor, draft }),
            _ => Box::new(editor),
        }
    }

    fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    fn key(&self) -> String {
        draft_key(&self.code, self.node_id)
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

impl Layer for BasisEditor {
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
            Action::Cancel | Action::Back if self.text() == self.saved => {
                cx.drafts.clear(&self.key());
                Effect::Pop
            }
            Action::Cancel | Action::Back => Effect::Push(Box::new(Discard { key: self.key() })),
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
            if self.text() == self.saved {
                cx.drafts.clear(&self.key());
            } else {
                cx.drafts.save(&self.key(), &self.text());
            }
            self.drafted.set(true);
        }
    }
    fn refresh(&mut self, _cx: &Cx) {}
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        self.draw(f, area, cx);
    }
}

impl BasisEditor {
    fn save_effect(&self, cx: &Cx) -> Effect {
        Effect::Execute {
            cmd: Box::new(Command::Score {
                project: self.code.clone(),
                indicator: IndicatorRef::Id(self.node_id),
                input: self.score.input.clone(),
                basis: self.text().trim_end().to_string(),
                evidence: self.score.evidence.clone(),
                expected_rev: Some(self.rev),
            }),
            pop: 1,
            toast: Some(cx.t(Msg::Saved).to_string()),
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let rect = centered(area, area.width.saturating_sub(8).max(40), area.height.saturating_sub(4).max(8));
        f.render_widget(Clear, widen(rect, area));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(Style::default().fg(Color::Cyan))
            .title(format!(" {} ", fill(cx.t(Msg::BasisTitle), &[&self.name])));
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

/// "Discard unsaved changes?": yes drops the edits and the draft; no goes back to typing.
struct Discard {
    key: String,
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
            Action::Cancel | Action::Back => Effect::Pop,
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        small_question(f, area, cx.t(Msg::ConfirmTitle), cx.t(Msg::DiscardConfirm), cx.t(Msg::ConfirmFooter));
    }
}

/// Offers a draft found on opening: yes restores it, no keeps the saved text.
struct DraftOffer {
    editor: BasisEditor,
    draft: String,
}

impl Layer for DraftOffer {
    fn context(&self) -> &'static str {
        "confirm"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        let mut editor = BasisEditor {
            code: self.editor.code.clone(),
            node_id: self.editor.node_id,
            name: self.editor.name.clone(),
            rev: self.editor.rev,
            score: self.editor.score.clone(),
            area: text_area(&self.editor.saved),
            saved: self.editor.saved.clone(),
            drafted: Cell::new(true),
        };
        match action {
            Action::Confirm | Action::Open => {
                editor.area = text_area(&self.draft);
                Effect::Replace(Box::new(editor))
            }
            Action::Cancel | Action::Back => {
                cx.drafts.clear(&editor.key());
                Effect::Replace(Box::new(editor))
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
