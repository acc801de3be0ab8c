//! Popups: help (generated from the live keymap), a blocking error, a confirmation that
//! carries the pending command, and a read-only list (history).

use crate::command::Command;
use crate::text;
use crate::tui::action::{Action, CONTEXTS};
use crate::tui::app::{Cx, Effect, Layer, centered, widen};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

fn frame_block(title: &str, color: Color) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::default().fg(color))
        .title(format!(" {title} "))
}

/// Clears the popup area (one cell wider for cut wide glyphs) and returns the inner area.
pub(super) fn open_popup(f: &mut Frame, area: Rect, rect: Rect, title: &str, color: Color) -> Rect {
    f.render_widget(Clear, widen(rect, area));
    let block = frame_block(title, color);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    inner
}

/// A scrollable list of lines in a popup (help, history).
pub struct ListPopup {
    title: String,
    lines: Vec<Line<'static>>,
    offset: usize,
    footer: String,
}

impl ListPopup {
    pub fn new(title: String, lines: Vec<Line<'static>>, footer: String) -> Self {
        ListPopup { title, lines, offset: 0, footer }
    }
}

impl Layer for ListPopup {
    fn context(&self) -> &'static str {
        "popup"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::Help, Action::Open]
    }
    fn handle(&mut self, action: Action, _cx: &Cx) -> Effect {
        let last = self.lines.len().saturating_sub(1);
        match action {
            Action::Back | Action::Cancel | Action::Open | Action::Confirm => return Effect::Pop,
            Action::MoveDown => self.offset = (self.offset + 1).min(last),
            Action::MoveUp => self.offset = self.offset.saturating_sub(1),
            Action::PageDown => self.offset = (self.offset + 10).min(last),
            Action::PageUp => self.offset = self.offset.saturating_sub(10),
            Action::Top => self.offset = 0,
            Action::Bottom => self.offset = last,
            _ => {}
        }
        Effect::None
    }
    fn render(&self, f: &mut Frame, area: Rect, _cx: &Cx) {
        let widest = self.lines.iter().map(|l| l.width()).max().unwrap_or(20).max(text::width(&self.footer));
        let rect = centered(area, widest as u16 + 4, self.lines.len() as u16 + 4);
        let inner = open_popup(f, area, rect, &self.title, Color::Cyan);
        let body_h = inner.height.saturating_sub(1) as usize;
        let mut shown: Vec<Line> = self.lines.iter().skip(self.offset).take(body_h).cloned().collect();
        if self.offset + body_h < self.lines.len() && !shown.is_empty() {
            // Say there is more below rather than cutting silently.
            let more = self.lines.len() - self.offset - body_h + 1;
            shown.pop();
            shown.push(Line::from(Span::styled(format!("... +{more}"), Style::default().fg(Color::Yellow))));
        }
        f.render_widget(Paragraph::new(shown), Rect { height: inner.height.saturating_sub(1), ..inner });
        let foot = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
        f.render_widget(Paragraph::new(Span::styled(self.footer.clone(), Style::default().fg(Color::DarkGray))), foot);
    }
}

/// Help for one context: its own keys, then the global ones, from the live keymap.
pub struct Help;

impl Help {
    #[allow(clippy::new_ret_no_self)]
    pub fn new(context: &str, cx: &Cx) -> ListPopup {
        let name = |ctx: &str| {
            CONTEXTS.iter().find(|c| c.0 == ctx).map(|c| if cx.lang == crate::i18n::Lang::Zh { c.1 } else { c.2 }).unwrap_or("")
        };
        let mut lines = Vec::new();
        let section = |ctx: &str, lines: &mut Vec<Line<'static>>| {
            let bindings = cx.keymap.bindings(ctx);
            if bindings.is_empty() {
                return;
            }
            lines.push(Line::from(Span::styled(name(ctx).to_string(), Style::default().add_modifier(Modifier::BOLD))));
            for (keys, action) in bindings {
                if action == Action::Noop {
                    continue;
                }
                lines.push(Line::from(vec![
                    Span::styled(text::pad_right(&keys, 14), Style::default().fg(Color::Cyan)),
                    Span::raw(action.description(cx.lang).to_string()),
                ]));
            }
            lines.push(Line::from(""));
        };
        section(context, &mut lines);
        if context != "global" && !crate::tui::keymap::TEXT_CONTEXTS.contains(&context) {
            section("global", &mut lines);
        }
        let footer = format!("{}  {}", cx.t(Msg::ListFooter), cx.t(Msg::HelpFooter));
        ListPopup::new(fill(cx.t(Msg::HelpTitle), &[name(context)]), lines, footer)
    }
}

/// A failed write: blocks until dismissed; whatever was typed stays in the layer beneath.
pub struct ErrorPopup {
    message: String,
    /// A notice (e.g. keymap file errors) rather than a failed write.
    notice: Option<(String, String)>,
    /// The write was refused because someone changed the record meanwhile: offer to reload.
    conflict: bool,
}

impl ErrorPopup {
    pub fn new(message: String) -> Self {
        ErrorPopup { message, notice: None, conflict: false }
    }

    pub fn notice(title: String, message: String, footer: String) -> Self {
        ErrorPopup { message, notice: Some((title, footer)), conflict: false }
    }

    /// A refused edit of a record that changed since the edit began (who and when are in
    /// the message): `r` drops the edit and shows the record as it is now; Esc goes back to
    /// the edit, nothing typed lost.
    pub fn conflict(message: String) -> Self {
        ErrorPopup { message, notice: None, conflict: true }
    }
}

impl Layer for ErrorPopup {
    fn context(&self) -> &'static str {
        if self.conflict { "conflict" } else { "popup" }
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::Help, Action::Open]
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn handle(&mut self, action: Action, _cx: &Cx) -> Effect {
        match action {
            Action::Back | Action::Cancel | Action::Confirm | Action::Open | Action::Save => Effect::Pop,
            Action::Reload if self.conflict => Effect::Reload,
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        match &self.notice {
            Some((title, footer)) => paragraph_popup(f, area, title, &self.message, footer, Color::Yellow),
            None if self.conflict => paragraph_popup(f, area, cx.t(Msg::ErrorTitle), &self.message, cx.t(Msg::ConflictFooter), Color::Red),
            None => paragraph_popup(f, area, cx.t(Msg::ErrorTitle), &self.message, cx.t(Msg::ErrorFooter), Color::Red),
        }
    }
}

/// A message popup: the text wrapped by cells inside the border, line breaks kept.
pub fn paragraph_popup(f: &mut Frame, area: Rect, title: &str, body: &str, footer: &str, color: Color) {
    let longest = body.lines().map(text::width).max().unwrap_or(0).max(text::width(footer)).max(text::width(title) + 4);
    let width = (longest as u16 + 4).clamp(40, 78).min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = text::wrap(body, inner_w).into_iter().map(Line::from).collect();
    lines.push(Line::from(""));
    for l in text::wrap(footer, inner_w) {
        lines.push(Line::from(Span::styled(l, Style::default().fg(Color::DarkGray))));
    }
    let rect = centered(area, width, lines.len() as u16 + 2);
    let inner = open_popup(f, area, rect, title, color);
    f.render_widget(Paragraph::new(lines), inner);
}

/// Asks before a destructive or irreversible step, carrying the command it will run.
pub struct Confirm {
    question: String,
    cmd: Command,
    /// Layers to pop beneath this one on success.
    pop_below: usize,
    toast: Option<String>,
}

impl Confirm {
    pub fn new(question: String, cmd: Command, toast: Option<String>) -> Self {
        Confirm { question, cmd, pop_below: 0, toast }
    }

    /// Also closes `n` layers beneath (the form that built the command) on success.
    pub fn popping_below(mut self, n: usize) -> Self {
        self.pop_below = n;
        self
    }
}

impl Layer for Confirm {
    fn context(&self) -> &'static str {
        "confirm"
    }
    /// Only the questions about unsaved edits keep or discard a draft.
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::KeepDraft, Action::DiscardDraft]
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn handle(&mut self, action: Action, _cx: &Cx) -> Effect {
        match action {
            Action::Confirm | Action::Open => {
                Effect::Execute { cmd: Box::new(self.cmd.clone()), pop: 1 + self.pop_below, toast: self.toast.clone() }
            }
            Action::Cancel | Action::Back => Effect::Pop,
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        paragraph_popup(f, area, cx.t(Msg::ConfirmTitle), &self.question, cx.t(Msg::ConfirmFooter), Color::Yellow);
    }
}

/// What a menu entry does when picked.
pub type MenuAction = Box<dyn Fn(&Cx) -> Effect>;

/// A menu of what can be done now; Enter picks, the pick replaces the menu.
pub struct Menu {
    title: String,
    entries: Vec<(String, MenuAction)>,
    selected: usize,
    footer: Option<String>,
}

impl Menu {
    pub fn new(title: String, entries: Vec<(String, MenuAction)>) -> Self {
        Menu { title, entries, selected: 0, footer: None }
    }

    /// A footer of its own (the history says what Enter does there).
    pub fn with_footer(mut self, footer: String) -> Self {
        self.footer = Some(footer);
        self
    }
}

impl Layer for Menu {
    fn context(&self) -> &'static str {
        "popup"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::Help]
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        let last = self.entries.len().saturating_sub(1);
        match action {
            Action::MoveDown => self.selected = (self.selected + 1).min(last),
            Action::MoveUp => self.selected = self.selected.saturating_sub(1),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::Open | Action::Confirm => {
                return match self.entries.get(self.selected) {
                    Some((_, make)) => match make(cx) {
                        Effect::Push(layer) => Effect::Replace(layer),
                        Effect::Execute { cmd, pop, toast } => Effect::Execute { cmd, pop: pop + 1, toast },
                        other => other,
                    },
                    None => Effect::Pop,
                };
            }
            Action::Back | Action::Cancel => return Effect::Pop,
            _ => {}
        }
        Effect::None
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let widest = self.entries.iter().map(|(l, _)| text::width(l)).max().unwrap_or(10).max(text::width(&self.title) + 4);
        let rect = centered(area, widest as u16 + 8, self.entries.len() as u16 + 4);
        let inner = open_popup(f, area, rect, &self.title, Color::Cyan);
        // A long list (a leaf's history) scrolls to keep the selection in view.
        let body_h = (inner.height as usize).saturating_sub(2).max(1);
        let skip = (self.selected + 1).saturating_sub(body_h);
        let mut lines: Vec<Line> = self
            .entries
            .iter()
            .enumerate()
            .skip(skip)
            .take(body_h)
            .map(|(i, (label, _))| {
                let style = if i == self.selected { Style::default().fg(Color::White).bg(Color::Blue) } else { Style::default() };
                Line::from(Span::styled(format!(" {label} "), style))
            })
            .collect();
        lines.push(Line::from(""));
        let footer = self.footer.clone().unwrap_or_else(|| cx.t(Msg::MenuFooter).to_string());
        lines.push(Line::from(Span::styled(footer, Style::default().fg(Color::DarkGray))));
        f.render_widget(Paragraph::new(lines), inner);
    }
}
