//! The application: a stack of layers (screens and popups), the keymap that turns keys
//! into actions, and the effects that actions have (commands through the Backend, pushes,
//! pops, toasts). Drawing never mutates; input never draws.

use super::action::Action;
use super::keymap::{KeyChord, Keymap, Resolve};
use super::strings::{Msg, fill};
use crate::backend::Backend;
use crate::command::Command;
use crate::i18n::Lang;
use crate::text;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// What layers see: the backend, the language, today, the keymap.
pub struct Cx<'a> {
    pub backend: &'a dyn Backend,
    pub lang: Lang,
    pub today: NaiveDate,
    pub keymap: &'a Keymap,
    pub drafts: &'a super::draft::Drafts,
    /// The data directory, where evidence files are copied (None: record without copying).
    pub data: Option<&'a std::path::Path>,
    /// How the terminal draws East Asian ambiguous characters (`Wide`: each frame is made
    /// of narrow ones, `tui/ambiguous.rs`).
    pub ambiguous: crate::config::AmbiguousWidth,
}

impl Cx<'_> {
    pub fn t(&self, m: Msg) -> &'static str {
        m.get(self.lang)
    }
}

/// The step after a command succeeded, from its outcome.
pub type Then = std::rc::Rc<dyn Fn(&crate::command::Outcome, &Cx) -> Effect>;

/// What an action asks the app to do.
pub enum Effect {
    None,
    Push(Box<dyn Layer>),
    Pop,
    /// Pops several layers (a popup and the editor under it).
    PopMany(usize),
    /// Replaces the top layer.
    Replace(Box<dyn Layer>),
    /// Pops the top popup and replaces the screen beneath it (the self-check's Enter: the
    /// project view again, on the tab where the row is fixed).
    Jump(Box<dyn Layer>),
    /// Apply a command; on success pop `pop` layers, refresh, and toast; on failure show
    /// the error in a blocking popup and keep every layer (nothing typed is lost).
    Execute {
        cmd: Box<Command>,
        pop: usize,
        toast: Option<String>,
    },
    /// `Execute`, then the effect built from what the command did (after issuing a notice,
    /// the offer to write it as a .docx, which needs the notice's number).
    ExecuteThen {
        cmd: Box<Command>,
        pop: usize,
        toast: Option<String>,
        then: Then,
    },
    Toast(String),
    Error(String),
    /// A picker's choice: pop the picker and hand the values to the layer beneath (the
    /// form field or list filter that opened it).
    Picked {
        values: Vec<String>,
        /// Then this action on the layer beneath: on to the next field (Tab in the
        /// picker), or save the form (Ctrl-s).
        then: Option<Action>,
    },
    /// Drop a refused edit: pop the popup and the form under it, and re-read every layer.
    Reload,
    /// Quit keeping every edit in progress as a draft (asking first when any is open).
    Quit,
    /// Quit dropping the edits in progress and their drafts (the quit question's y).
    QuitDiscarding,
}

pub trait Layer {
    /// The keymap context this layer reads.
    fn context(&self) -> &'static str;
    /// Popups draw over the layer beneath; screens fill the area.
    fn is_popup(&self) -> bool {
        false
    }
    /// Layers with a text box get printable keys first.
    fn wants_text(&self) -> bool {
        false
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect;
    /// A key the keymap did not bind (typing, cursor keys in a text box).
    fn input(&mut self, _key: KeyEvent, _cx: &Cx) -> Effect {
        Effect::None
    }
    fn paste(&mut self, _text: &str) {}
    /// Takes the values a picker opened from this layer returned.
    fn picked(&mut self, _values: Vec<String>, _cx: &Cx) {}
    /// A text layer where Space is a key of its context, not typing (a picker's marks).
    fn space_is_key(&self) -> bool {
        false
    }
    /// A paste that opens something (the scoring tab's rows from a spreadsheet): the effect,
    /// or None to hand the text to `paste`.
    fn paste_effect(&mut self, _text: &str, _cx: &Cx) -> Option<Effect> {
        None
    }
    /// A text box that takes Enter as a new line (a multi-line form field) while focused.
    fn takes_enter(&self) -> bool {
        false
    }
    /// Re-reads what it shows after a command succeeded.
    fn refresh(&mut self, _cx: &Cx) {}
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx);
    /// Called when the app is about to exit or lose the terminal: keep edits as drafts.
    fn save_draft(&self, _cx: &Cx) {}
    /// Whether it holds edits not saved (quitting or Esc asks first).
    fn unsaved(&self) -> bool {
        false
    }
    /// Drops its draft: the edits were saved, or the user chose to discard them.
    fn discard_draft(&self, _cx: &Cx) {}
    /// A draft of this layer kept from before that differs from what it shows now.
    fn draft_found(&self, _cx: &Cx) -> Option<super::screens::unsaved::Found> {
        None
    }
    /// Takes over a draft's text (the draft offer's y).
    fn restore_draft(&mut self, _draft: &str) {}
    /// The question asked when quitting with edits open (ctrl-c there quits).
    fn is_quit_question(&self) -> bool {
        false
    }
    /// A left click at (`col`, `row`) on the screen; `double` for the second click of a double
    /// click. Lists select the row clicked and open it on a double click; tabs switch.
    fn click(&mut self, _col: u16, _row: u16, _double: bool, _cx: &Cx) -> Effect {
        Effect::None
    }
    /// Bound actions this layer ignores, left out of the status bar.
    fn unused_actions(&self) -> &'static [Action] {
        &[]
    }
    /// A command this layer sent was refused: true when the layer shows the error itself (a
    /// form marking the field it names), so no popup covers it.
    fn refused(&mut self, _error: &crate::domain::Error, _cx: &Cx) -> bool {
        false
    }
}

pub struct Toast {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub stack: Vec<Box<dyn Layer>>,
    pub pending: Vec<KeyChord>,
    pub toast: Option<Toast>,
    pub quit: bool,
    /// Startup notices, e.g. keymap file errors.
    pub notices: Vec<String>,
    /// A key was refused on a screen (a popup that could not open): the keys typed after it
    /// in the same burst were meant for that popup, so they are dropped until a pause in
    /// typing or Esc, never reaching the screen (`5` would switch tabs, `r` would review).
    pub refused: bool,
    /// The last left click (when, column, row), for telling a double click.
    last_click: Option<(std::time::Instant, u16, u16)>,
}

/// Two clicks on the same cell at most this far apart are a double click.
const DOUBLE_CLICK: std::time::Duration = std::time::Duration::from_millis(400);

impl App {
    pub fn new(root: Box<dyn Layer>) -> Self {
        App { stack: vec![root], pending: vec![], toast: None, quit: false, notices: vec![], refused: false, last_click: None }
    }

    fn top(&mut self) -> Option<&mut Box<dyn Layer>> {
        self.stack.last_mut()
    }

    pub fn on_key(&mut self, key: KeyEvent, cx: &Cx) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if self.refused && !ctrl_c {
            // The refusal stays in sight while the typed-ahead keys are dropped; Esc ends it.
            if key.code == KeyCode::Esc {
                self.refused = false;
                self.toast = None;
            }
            return;
        }
        self.refused = false;
        self.toast = None;
        let Some(top) = self.stack.last() else { return };
        let context = top.context();
        let chord = KeyChord::from_event(&key);
        let printable = matches!(key.code, KeyCode::Char(_)) && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if top.wants_text() && self.pending.is_empty() {
            // A text box gets typing before any single-letter binding; only its own context's
            // keys (Ctrl-s, Esc, Tab …) and Ctrl-c act.
            let space_key = key.code == KeyCode::Char(' ') && top.space_is_key();
            if printable && !space_key || (key.code == KeyCode::Enter && key.modifiers.is_empty() && top.takes_enter()) {
                let effect = self.top().map(|t| t.input(key, cx)).unwrap_or(Effect::None);
                return self.apply(effect, cx);
            }
            match cx.keymap.resolve_local(context, &[chord]) {
                Some(action) => return self.dispatch(action, cx),
                None if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) => {
                    return self.dispatch(Action::Quit, cx);
                }
                None => {
                    let effect = self.top().map(|t| t.input(key, cx)).unwrap_or(Effect::None);
                    return self.apply(effect, cx);
                }
            }
        }
        self.pending.push(chord);
        match cx.keymap.resolve(context, &self.pending) {
            Resolve::Action(action) => {
                self.pending.clear();
                self.dispatch(action, cx);
            }
            Resolve::Pending => {}
            Resolve::Unbound => {
                self.pending.clear();
                let effect = self.top().map(|t| t.input(key, cx)).unwrap_or(Effect::None);
                self.apply(effect, cx);
            }
        }
    }

    pub fn on_paste(&mut self, text: &str, cx: &Cx) {
        // Control characters are refused at save; pasted from a document they are invisible,
        // so they are dropped here (CR is turned into line breaks by the screens; tabs and
        // line breaks, a spreadsheet's cells and rows, are kept).
        let clean: String = text.chars().filter(|c| *c == '\r' || !crate::text::is_control(*c)).collect();
        let effect = self.top().and_then(|top| top.paste_effect(&clean, cx));
        match effect {
            Some(effect) => self.apply(effect, cx),
            None => {
                if let Some(top) = self.top() {
                    top.paste(&clean);
                }
            }
        }
    }

    /// A mouse event: the wheel moves like the arrow keys, a left click goes to the top layer.
    pub fn on_mouse(&mut self, m: MouseEvent, cx: &Cx) {
        self.on_mouse_at(m, std::time::Instant::now(), cx)
    }

    /// `on_mouse` at a given time (tests tell double clicks from single ones with it).
    pub fn on_mouse_at(&mut self, m: MouseEvent, now: std::time::Instant, cx: &Cx) {
        match m.kind {
            MouseEventKind::ScrollDown => self.on_key(KeyEvent::from(KeyCode::Down), cx),
            MouseEventKind::ScrollUp => self.on_key(KeyEvent::from(KeyCode::Up), cx),
            MouseEventKind::Down(MouseButton::Left) => {
                let double = self
                    .last_click
                    .is_some_and(|(t, c, r)| (c, r) == (m.column, m.row) && now.saturating_duration_since(t) <= DOUBLE_CLICK);
                // A third click starts over: it is a single click again.
                self.last_click = if double { None } else { Some((now, m.column, m.row)) };
                if self.refused {
                    return;
                }
                self.toast = None;
                self.pending.clear();
                let effect = self.top().map(|t| t.click(m.column, m.row, double, cx)).unwrap_or(Effect::None);
                self.apply(effect, cx);
            }
            _ => {}
        }
    }

    /// A pause in typing (the event loop's idle tick): drafts are written, and keys are no
    /// longer dropped after a refusal.
    pub fn pause(&mut self, cx: &Cx) {
        self.refused = false;
        self.save_drafts(cx);
    }

    /// Quit, asking first when an edit is open; at that question, quitting again quits
    /// (keeping the drafts): ctrl-c never traps the user.
    fn request_quit(&mut self, cx: &Cx) {
        let asking = self.stack.last().is_some_and(|l| l.is_quit_question());
        if !asking && self.stack.iter().any(|l| l.unsaved()) {
            self.stack.push(Box::new(super::screens::unsaved::QuitQuestion));
            return;
        }
        self.save_drafts(cx);
        self.quit = true;
    }

    /// A form or editor being opened: when a draft of it is kept, the offer comes first.
    fn offer(&self, layer: Box<dyn Layer>, cx: &Cx) -> Box<dyn Layer> {
        match layer.draft_found(cx) {
            Some(found) => Box::new(super::screens::unsaved::DraftOffer::new(layer, found)),
            None => layer,
        }
    }

    pub fn dispatch(&mut self, action: Action, cx: &Cx) {
        match action {
            Action::Quit => self.request_quit(cx),
            Action::Help => {
                let context = self.stack.last().map(|l| l.context()).unwrap_or("global");
                if context != "popup" {
                    self.stack.push(Box::new(super::screens::popups::Help::new(context, cx)));
                }
            }
            Action::Noop => {}
            // The dashboard opens from any screen (not over a popup); `d` again closes it.
            Action::Dashboard if self.stack.last().is_some_and(|l| !l.is_popup() && l.context() != "dashboard") => {
                self.stack.push(Box::new(super::screens::dashboard::DashboardScreen::new(cx)));
            }
            // Search across projects, likewise from any screen.
            Action::Search if self.stack.last().is_some_and(|l| !l.is_popup() && l.context() != "search") => {
                self.stack.push(Box::new(super::screens::search::SearchScreen::new()));
            }
            other => {
                let on_screen = self.stack.last().is_some_and(|l| !l.is_popup());
                let mut effect = self.top().map(|t| t.handle(other, cx)).unwrap_or(Effect::None);
                // A key meant to open something that opened nothing is refused out loud, so
                // the keys typed after it (meant for the form) are dropped, not acted on.
                if on_screen && other.opens_something() && matches!(effect, Effect::None) {
                    effect = Effect::Error(fill(cx.t(Msg::NothingOpened), &[other.description(cx.lang)]));
                }
                self.refused = on_screen && matches!(effect, Effect::Error(_));
                self.apply(effect, cx);
            }
        }
    }

    /// Applies a command; on success pops `pop` layers, re-reads the rest, toasts and goes on
    /// with `then`; on failure shows the error in a blocking popup and keeps every layer
    /// (nothing typed is lost).
    fn execute(&mut self, cmd: &Command, pop: usize, toast: Option<String>, then: Option<Then>, cx: &Cx) {
        match cx.backend.execute(cmd) {
            Ok(outcome) => {
                // What those layers held is saved now: their drafts go.
                for _ in 0..pop {
                    if let Some(layer) = self.stack.pop() {
                        layer.discard_draft(cx);
                    }
                }
                for layer in &mut self.stack {
                    layer.refresh(cx);
                }
                self.toast = toast.map(|text| Toast { text, error: false });
                if let Some(then) = then {
                    self.apply(then(&outcome, cx), cx);
                }
            }
            Err(e @ crate::domain::Error::Conflict { .. }) => {
                self.stack.push(Box::new(super::screens::popups::ErrorPopup::conflict(e.render(cx.lang))))
            }
            Err(e) if pop > 0 && self.stack.last_mut().is_some_and(|top| top.refused(&e, cx)) => {}
            Err(e) => self.stack.push(Box::new(super::screens::popups::ErrorPopup::new(e.render(cx.lang)))),
        }
    }

    pub fn apply(&mut self, effect: Effect, cx: &Cx) {
        match effect {
            Effect::None => {}
            Effect::Push(layer) => {
                let layer = self.offer(layer, cx);
                self.stack.push(layer);
            }
            Effect::Pop => self.apply(Effect::PopMany(1), cx),
            Effect::PopMany(n) => {
                for _ in 0..n {
                    self.stack.pop();
                }
                if self.stack.is_empty() {
                    self.quit = true;
                }
            }
            Effect::Replace(layer) => {
                self.stack.pop();
                let layer = self.offer(layer, cx);
                self.stack.push(layer);
            }
            Effect::Jump(layer) => {
                self.stack.pop();
                self.apply(Effect::Replace(layer), cx);
            }
            Effect::Execute { cmd, pop, toast } => self.execute(&cmd, pop, toast, None, cx),
            Effect::ExecuteThen { cmd, pop, toast, then } => self.execute(&cmd, pop, toast, Some(then), cx),
            Effect::Reload => {
                self.stack.pop();
                // The edit the popup was about (a form or editor over a screen).
                if self.stack.len() > 1 && self.stack.last().is_some_and(|l| l.is_popup() || l.wants_text()) {
                    self.stack.pop();
                }
                for layer in &mut self.stack {
                    layer.refresh(cx);
                }
            }
            Effect::Toast(text) => self.toast = Some(Toast { text, error: false }),
            Effect::Error(text) => self.toast = Some(Toast { text, error: true }),
            Effect::Picked { values, then } => {
                self.stack.pop();
                if let Some(top) = self.top() {
                    top.picked(values, cx);
                    if let Some(action) = then {
                        let effect = top.handle(action, cx);
                        self.apply(effect, cx);
                    }
                }
            }
            Effect::Quit => self.request_quit(cx),
            Effect::QuitDiscarding => {
                for layer in &self.stack {
                    layer.discard_draft(cx);
                }
                // Nothing is left to be saved as a draft on the way out.
                self.stack.clear();
                self.quit = true;
            }
        }
    }

    /// Other users' committed commands (a shared store): every layer re-reads what it shows,
    /// keeping its selection and any edit in progress, and a toast says who changed what.
    /// Returns whether anything changed.
    pub fn on_remote(&mut self, cx: &Cx) -> bool {
        let events = cx.backend.take_events();
        let Some(last) = events.last() else { return false };
        for layer in &mut self.stack {
            layer.refresh(cx);
        }
        let what = crate::tui::strings::command_label(&last.command, cx.lang);
        let text = fill(cx.t(Msg::RemoteChange), &[&last.actor, &what, &events.len().to_string()]);
        self.toast = Some(Toast { text, error: false });
        true
    }

    pub fn save_drafts(&self, cx: &Cx) {
        for layer in &self.stack {
            layer.save_draft(cx);
        }
    }

    pub fn draw(&self, f: &mut Frame, cx: &Cx) {
        let area = f.area();
        if super::terminal::too_small(area) {
            let msg = fill(cx.t(Msg::TooSmall), &[&area.width.to_string(), &area.height.to_string()]);
            f.render_widget(Paragraph::new(msg).style(Style::default().fg(Color::Yellow)), area);
            narrow_for_terminal(f, cx);
            return;
        }
        let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        // Draw from the topmost full screen upwards: popups sit over the screen beneath.
        let base = self.stack.iter().rposition(|l| !l.is_popup()).unwrap_or(0);
        for layer in &self.stack[base..] {
            layer.render(f, main, cx);
        }
        self.draw_status(f, status, cx);
        if let Some(t) = &self.toast {
            draw_toast(f, main, t);
        } else if let Some(n) = self.notices.first() {
            draw_toast(f, main, &Toast { text: n.clone(), error: true });
        }
        narrow_for_terminal(f, cx);
    }

    fn draw_status(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let context = self.stack.last().map(|l| l.context()).unwrap_or("global");
        let unused = self.stack.last().map(|l| l.unused_actions()).unwrap_or(&[]);
        // The dashboard and search do not open over a popup (see `dispatch`), so a popup does not offer them.
        let over_popup = self.stack.last().is_some_and(|l| l.is_popup());
        let mut spans = Vec::new();
        if !self.pending.is_empty() {
            let keys: Vec<String> = self.pending.iter().map(super::keymap::display_key).collect();
            spans.push(Span::styled(format!(" {} ... ", keys.join(" ")), Style::default().fg(Color::Black).bg(Color::Yellow)));
        }
        let mut used = spans.iter().map(|s| text::width(&s.content)).sum::<usize>();
        let mut bindings = cx.keymap.effective_bindings(context);
        // Help first; movement and tab switching are known by heart and left to `?`.
        bindings.sort_by_key(|(_, a)| *a != Action::Help);
        let mut seen = std::collections::HashSet::new();
        for (keys, action) in bindings {
            if is_navigation(action)
                || unused.contains(&action)
                || (over_popup && matches!(action, Action::Dashboard | Action::Search))
                || !seen.insert(action)
            {
                continue;
            }
            let desc = short(action.description(cx.lang));
            let item = format!(" {keys} {desc} ");
            let w = text::width(&item);
            if used + w > area.width as usize {
                break;
            }
            used += w;
            spans.push(Span::styled(keys, Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)));
            spans.push(Span::raw(format!(" {desc}  ")));
        }
        f.render_widget(Paragraph::new(Line::from(spans)).style(Style::default().bg(Color::DarkGray)), area);
    }
}

/// The drawn frame made safe for how the terminal draws ambiguous-width characters: all of
/// them narrowed (`wide`), or only the cut mark (`narrow`, the default).
fn narrow_for_terminal(f: &mut Frame, cx: &Cx) {
    match cx.ambiguous {
        crate::config::AmbiguousWidth::Wide => super::ambiguous::narrow_buffer(f.buffer_mut()),
        crate::config::AmbiguousWidth::Narrow => super::ambiguous::narrow_marks(f.buffer_mut()),
    }
}

fn is_navigation(a: Action) -> bool {
    use Action::*;
    matches!(
        a,
        MoveUp
            | MoveDown
            | PageUp
            | PageDown
            | Top
            | Bottom
            | Noop
            | NextTab
            | PrevTab
            | TabOverview
            | TabScoring
            | TabFindings
            | TabRectification
            | TabReport
            | PreviewDown
            | PreviewUp
            | NextField
            | PrevField
            | Quit
    )
}

/// The first clause of a description, for the status bar.
fn short(desc: &str) -> &str {
    desc.split(['（', '(', '；', ';', '/', '，', ',']).next().unwrap_or(desc).trim()
}

fn draw_toast(f: &mut Frame, area: Rect, t: &Toast) {
    let w = (text::width(&t.text) as u16 + 4).min(area.width);
    let rect = Rect { x: area.x + area.width.saturating_sub(w), y: area.y, width: w, height: 1 };
    let style = if t.error { Style::default().fg(Color::White).bg(Color::Red) } else { Style::default().fg(Color::Black).bg(Color::Green) };
    f.render_widget(Clear, widen(rect, area));
    f.render_widget(Paragraph::new(format!(" {} ", text::truncate(&t.text, w.saturating_sub(2) as usize))).style(style), rect);
}

/// One cell wider on the left, so a wide glyph cut by the popup's edge is cleared whole.
pub fn widen(rect: Rect, within: Rect) -> Rect {
    let x = rect.x.saturating_sub(1).max(within.x);
    Rect { x, y: rect.y, width: (rect.x + rect.width - x).min(within.x + within.width - x), height: rect.height }
}

/// A centred popup area of at most `w`×`h` cells.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2)).max(10.min(area.width));
    let h = h.min(area.height.saturating_sub(2)).max(3.min(area.height));
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
