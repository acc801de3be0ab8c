//! The questions that keep typing from being lost: the draft found when a form or editor
//! opens (restore it, discard it with `D`, or close keeping it), the question when Esc
//! leaves a changed form or editor, and the one when quitting with edits open. Each offers
//! to keep the draft; none traps the user (ctrl-c at the quit question quits keeping it).

use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;

/// A form's or editor's draft bookkeeping: its key, the values it opened with (what there is
/// to lose is what differs from them) and the values last written to the draft file.
pub struct Tracked<V> {
    pub key: String,
    initial: V,
    written: std::cell::RefCell<V>,
}

impl<V: Clone + PartialEq> Tracked<V> {
    pub fn new(key: String, initial: V) -> Self {
        Tracked { key, written: std::cell::RefCell::new(initial.clone()), initial }
    }
    /// The values it opened with, once they are known.
    pub fn set_initial(&mut self, initial: V) {
        *self.written.borrow_mut() = initial.clone();
        self.initial = initial;
    }
    pub fn changed(&self, now: &V) -> bool {
        *now != self.initial
    }
    /// Writes `now` as the draft (`text` renders it) unless the file already holds it; back
    /// at the values it opened with, the draft is removed.
    pub fn save(&self, cx: &Cx, now: V, text: impl FnOnce() -> String) {
        if *self.written.borrow() == now {
            return;
        }
        if now == self.initial {
            cx.drafts.clear(&self.key);
        } else {
            cx.drafts.save(&self.key, &text());
        }
        *self.written.borrow_mut() = now;
    }
    pub fn discard(&self, cx: &Cx, now: V) {
        cx.drafts.clear(&self.key);
        self.mark_written(now);
    }
    /// The draft file already holds `now` (it was just restored from it).
    pub fn mark_written(&self, now: V) {
        *self.written.borrow_mut() = now;
    }
}

/// What a layer's draft would bring back: the draft file's text and how it reads.
pub struct Found {
    pub key: String,
    pub draft: String,
    /// What would be restored, as the user would read it (the changed text or fields).
    pub preview: String,
}

/// Offers a draft found on opening a form or editor. y restores it; `D` discards it and opens
/// the saved values; Esc, q or n close without opening anything and keep the draft.
pub struct DraftOffer {
    layer: Option<Box<dyn Layer>>,
    found: Found,
}

impl DraftOffer {
    pub fn new(layer: Box<dyn Layer>, found: Found) -> Self {
        DraftOffer { layer: Some(layer), found }
    }
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
            Action::Confirm | Action::Open => match self.layer.take() {
                Some(mut layer) => {
                    layer.restore_draft(&self.found.draft);
                    Effect::Replace(layer)
                }
                None => Effect::Pop,
            },
            Action::DiscardDraft => {
                cx.drafts.clear(&self.found.key);
                self.layer.take().map(Effect::Replace).unwrap_or(Effect::Pop)
            }
            Action::Cancel | Action::Back => Effect::Pop,
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let body = fill(cx.t(Msg::DraftOffer), &[&self.found.preview]);
        question(f, area, cx.t(Msg::DraftTitle), &body, cx.t(Msg::DraftFooter));
    }
}

/// Esc on a changed form or editor: y drops the edits and the draft; k closes keeping the
/// edits as the draft (offered on reopening); n or Esc goes back to them.
pub struct Discard {
    key: String,
    /// The draft as it would be written now (it cannot change while this popup is up).
    text: String,
}

impl Discard {
    pub fn new(key: String, text: String) -> Self {
        Discard { key, text }
    }
}

impl Layer for Discard {
    fn context(&self) -> &'static str {
        "confirm"
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::DiscardDraft]
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
        question(f, area, cx.t(Msg::ConfirmTitle), cx.t(Msg::DiscardConfirm), cx.t(Msg::DiscardFooter));
    }
}

/// Quitting with a changed form or editor open: k quits keeping the edits as drafts, y quits
/// dropping them, n or Esc stays. Ctrl-c here quits keeping the drafts (see `App::dispatch`).
pub struct QuitQuestion;

impl Layer for QuitQuestion {
    fn context(&self) -> &'static str {
        "confirm"
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::DiscardDraft]
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn is_quit_question(&self) -> bool {
        true
    }
    fn handle(&mut self, action: Action, _cx: &Cx) -> Effect {
        match action {
            Action::Confirm | Action::Open => Effect::QuitDiscarding,
            Action::KeepDraft => Effect::Quit,
            Action::Cancel | Action::Back => Effect::Pop,
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        question(f, area, cx.t(Msg::QuitTitle), cx.t(Msg::QuitUnsaved), cx.t(Msg::QuitFooter));
    }
}

fn question(f: &mut Frame, area: Rect, title: &str, body: &str, footer: &str) {
    super::popups::paragraph_popup(f, area, title, body, footer, Color::Yellow);
}

/// The part of `draft` that differs from `saved`, with a little context before it, as a
/// preview of at most `max` characters (the saved text is usually the draft's beginning).
pub fn changed_part(saved: &str, draft: &str, max: usize) -> String {
    let common = saved.chars().zip(draft.chars()).take_while(|(a, b)| a == b).count();
    let start = common.saturating_sub(12);
    let mut out: String = draft.chars().skip(start).take(max).collect();
    if draft.chars().count() > start + max {
        out.push('…');
    }
    if start > 0 { format!("…{out}") } else { out }
}
