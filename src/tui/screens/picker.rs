//! The picker: a popup list of values to take one (or several) from, narrowed as you type
//! (a prefix, any part, or pinyin initials: `zjsy` finds 资金使用不规范). ↑↓ move, Enter
//! takes (Tab takes and goes on to the next field), Space marks where several may be taken. The choice goes back to the
//! layer beneath through `Effect::Picked` (a form field, a list's filter).

use crate::text;
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer, centered};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::input::LineInput;
use crate::tui::widgets::picker::filter;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::cell::Cell;

/// One value to pick: what is returned, what is shown, a dim line of detail (an
/// indicator's path and points lost), and what else the query may match (the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    pub value: String,
    pub label: String,
    pub detail: String,
    pub also: Vec<String>,
}

impl PickItem {
    /// A value shown as itself.
    pub fn plain(value: &str) -> PickItem {
        PickItem { value: value.to_string(), label: value.to_string(), detail: String::new(), also: vec![] }
    }

    fn texts(&self) -> Vec<&str> {
        std::iter::once(self.label.as_str()).chain(self.also.iter().map(String::as_str)).collect()
    }
}

pub struct Picker {
    title: String,
    items: Vec<PickItem>,
    query: LineInput,
    /// Indices into `items` the query finds, best first.
    shown: Vec<usize>,
    /// Index into `shown`.
    selected: usize,
    /// Indices into `items` marked with Space (several at once).
    marked: Vec<usize>,
    multi: bool,
    /// Text typed that matches nothing may be taken as a new value (a unit or member not
    /// yet in any project).
    free: bool,
    offset: Cell<usize>,
}

impl Picker {
    /// `chosen` values start marked (multi) or selected (one).
    pub fn new(title: String, items: Vec<PickItem>, chosen: &[String], multi: bool) -> Picker {
        let marked: Vec<usize> =
            if multi { items.iter().enumerate().filter(|(_, it)| chosen.contains(&it.value)).map(|(i, _)| i).collect() } else { vec![] };
        let mut p = Picker {
            title,
            items,
            query: LineInput::default(),
            shown: vec![],
            selected: 0,
            marked,
            multi,
            free: false,
            offset: Cell::new(0),
        };
        p.narrow();
        if let Some(at) = chosen.first().and_then(|c| p.shown.iter().position(|&i| p.items[i].value == *c)) {
            p.selected = at;
        }
        p
    }

    /// Starts with `query` typed (a letter typed on a form's field opens the picker with it).
    pub fn with_query(mut self, query: &str) -> Picker {
        self.query = LineInput::new(query);
        self.narrow();
        self
    }

    /// Lets Enter take typed text that matches nothing as a new value.
    pub fn free(mut self, free: bool) -> Picker {
        self.free = free;
        self
    }

    /// The values listed now, in order (for tests and the count line).
    pub fn shown(&self) -> Vec<&str> {
        self.shown.iter().map(|&i| self.items[i].value.as_str()).collect()
    }

    fn narrow(&mut self) {
        let texts: Vec<Vec<&str>> = self.items.iter().map(PickItem::texts).collect();
        self.shown = filter(&self.query.value(), &texts);
        self.selected = 0;
        self.offset.set(0);
    }

    fn current(&self) -> Option<usize> {
        self.shown.get(self.selected).copied()
    }

    fn toggle(&mut self) {
        let Some(i) = self.current() else { return };
        match self.marked.iter().position(|&m| m == i) {
            Some(at) => {
                self.marked.remove(at);
            }
            None => self.marked.push(i),
        }
        // On to the next, so marking several in a row is Space Space Space.
        self.selected = (self.selected + 1).min(self.shown.len().saturating_sub(1));
    }

    fn take(&self, then: Option<Action>, cx: &Cx) -> Effect {
        let picked: Vec<usize> =
            if self.multi && !self.marked.is_empty() { self.marked.clone() } else { self.current().into_iter().collect() };
        // Marked values come back in the order they were marked (the order a clerk names them).
        let mut values: Vec<String> = picked.into_iter().map(|i| self.items[i].value.clone()).collect();
        let typed = self.query.value().trim().to_string();
        if self.free && self.shown.is_empty() && !typed.is_empty() {
            values.push(typed);
        }
        if values.is_empty() {
            return Effect::Error(fill(cx.t(if self.free { Msg::PickNoMatchFree } else { Msg::PickNoMatch }), &[&self.query.value()]));
        }
        Effect::Picked { values, then }
    }
}

impl Layer for Picker {
    fn context(&self) -> &'static str {
        "picker"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn wants_text(&self) -> bool {
        true
    }
    /// Space marks where several may be taken; a single choice types it into the query.
    fn space_is_key(&self) -> bool {
        self.multi
    }
    fn unused_actions(&self) -> &'static [Action] {
        if self.multi { &[] } else { &[Action::ToggleMark] }
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        if crate::tui::widgets::navigate(&mut self.selected, self.shown.len(), action) {
            return Effect::None;
        }
        match action {
            Action::Confirm | Action::Open => self.take(None, cx),
            Action::PickNext => self.take(Some(Action::NextField), cx),
            // Ctrl-s takes and saves the form, as it does from a text field.
            Action::Save => self.take(Some(Action::Save), cx),
            Action::ToggleMark if self.multi => {
                self.toggle();
                Effect::None
            }
            Action::Cancel | Action::Back => Effect::Pop,
            _ => Effect::None,
        }
    }
    fn input(&mut self, key: KeyEvent, _cx: &Cx) -> Effect {
        let before = self.query.value();
        self.query.key(key);
        if self.query.value() != before {
            self.narrow();
        }
        Effect::None
    }
    fn paste(&mut self, pasted: &str) {
        self.query.insert_str(&pasted.replace(['\n', '\r', '\t'], " "));
        self.narrow();
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let widest = self
            .items
            .iter()
            .map(|it| text::width(&it.label).max(text::width(&it.detail) + 2))
            .max()
            .unwrap_or(10)
            .max(text::width(&self.title) + 4)
            .max(text::width(cx.t(Msg::PickFooterMulti)));
        let rows_per = if self.items.iter().any(|it| !it.detail.is_empty()) { 2 } else { 1 };
        let rect = centered(area, widest as u16 + 8, (self.items.len() * rows_per) as u16 + 6);
        let inner = super::popups::open_popup(f, area, rect, &self.title, Color::Cyan);
        let w = inner.width as usize;
        // The query line, with the count found.
        let count = fill(cx.t(Msg::PickCount), &[&self.shown.len().to_string(), &self.items.len().to_string()]);
        let (view, at) = self.query.view(w.saturating_sub(text::width(&count) + 3));
        let mut lines = vec![Line::from(vec![
            Span::styled("› ", Style::default().fg(Color::Cyan)),
            Span::raw(text::pad_right(&view, w.saturating_sub(text::width(&count) + 2))),
            Span::styled(count, Style::default().fg(Color::DarkGray)),
        ])];
        f.set_cursor_position(Position { x: inner.x + 2 + at, y: inner.y });
        let body_h = (inner.height as usize).saturating_sub(3) / rows_per;
        if self.shown.is_empty() {
            let none = match self.free && !self.query.value().trim().is_empty() {
                true => fill(cx.t(Msg::PickNew), &[self.query.value().trim()]),
                false => cx.t(Msg::PickNone).to_string(),
            };
            lines.push(Line::from(Span::styled(none, Style::default().fg(Color::Yellow))));
        }
        let first = crate::tui::widgets::follow(&self.offset, self.selected, body_h.max(1));
        for (row, &i) in self.shown.iter().enumerate().skip(first).take(body_h.max(1)) {
            let it = &self.items[i];
            let mark = match (self.multi, self.marked.contains(&i)) {
                (false, _) => "",
                (true, true) => "[x] ",
                (true, false) => "[ ] ",
            };
            let style = if row == self.selected { Style::default().fg(Color::White).bg(Color::Blue) } else { Style::default() };
            let label = text::truncate(&format!("{mark}{}", it.label), w.saturating_sub(1));
            lines.push(Line::from(Span::styled(format!(" {}", text::pad_right(&label, w.saturating_sub(1))), style)));
            if rows_per == 2 {
                let detail = text::truncate(&it.detail, w.saturating_sub(4));
                lines.push(Line::from(Span::styled(format!("    {detail}"), Style::default().fg(Color::DarkGray))));
            }
        }
        let body = Rect { height: inner.height.saturating_sub(1), ..inner };
        f.render_widget(Paragraph::new(lines), body);
        let footer = if self.multi {
            fill(cx.t(Msg::PickFooterMulti), &[&self.marked.len().to_string()])
        } else {
            cx.t(Msg::PickFooter).to_string()
        };
        let foot = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
        let style = Style::default().fg(Color::DarkGray).add_modifier(Modifier::empty());
        f.render_widget(Paragraph::new(Span::styled(text::truncate(&footer, w), style)), foot);
    }
}
