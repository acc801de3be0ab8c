//! The search screen (`F`): a text searched in every project's scoring bases, findings,
//! requirements, responses and evidence names (`Query::Search`, answered where the store is);
//! the hits as 项目 | 位置 | 摘录 with the match marked, and Enter opens the project on the
//! tab of the record, that record selected.

use super::project_view::ProjectView;
use crate::backend::Fetch;
use crate::read::search::{SearchRequest, SearchResult};
use crate::text::{pad_right, truncate, width};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::input::LineInput;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::cell::Cell;

/// Hits fetched at most; the count line says how many there are in all.
const LIMIT: usize = 500;

pub struct SearchScreen {
    input: LineInput,
    /// The text is being typed (keys go to the input).
    editing: bool,
    result: Option<SearchResult>,
    /// The text the result is for.
    searched: String,
    pub selected: usize,
    offset: Cell<usize>,
    error: Option<String>,
}

impl Default for SearchScreen {
    fn default() -> Self {
        SearchScreen::new()
    }
}

impl SearchScreen {
    pub fn new() -> Self {
        SearchScreen {
            input: LineInput::default(),
            editing: true,
            result: None,
            searched: String::new(),
            selected: 0,
            offset: Cell::new(0),
            error: None,
        }
    }

    fn run(&mut self, cx: &Cx) {
        let text = self.input.value().trim().to_string();
        if text.is_empty() {
            return;
        }
        let request = SearchRequest { text: text.clone(), project: None, kinds: vec![], limit: LIMIT };
        match cx.backend.search(&request) {
            Ok(r) => {
                self.result = Some(r);
                self.error = None;
                self.editing = false;
            }
            Err(e) => {
                self.result = None;
                self.error = Some(e.render(cx.lang));
            }
        }
        self.searched = text;
        self.selected = 0;
        self.offset.set(0);
    }

    fn hits_len(&self) -> usize {
        self.result.as_ref().map_or(0, |r| r.hits.len())
    }

    /// The hits as table rows `width` cells wide, the match in yellow.
    fn row(&self, i: usize, width_all: usize) -> Option<Line<'static>> {
        let h = self.result.as_ref()?.hits.get(i)?;
        let (code_w, place_w) = columns(width_all);
        let snip_w = width_all.saturating_sub(code_w + place_w + 2);
        let selected = i == self.selected;
        let base = if selected { Style::default().fg(Color::White).bg(Color::Blue) } else { Style::default() };
        let (a, b) = h.mark;
        let (before, hit, after) = (&h.snippet[..a], &h.snippet[a..b], &h.snippet[b..]);
        let mut spans = vec![Span::styled(
            format!("{} {} ", pad_right(&truncate(&h.code, code_w), code_w), pad_right(&truncate(&h.place, place_w), place_w)),
            base,
        )];
        // The snippet cut to its cells: before, the match, after.
        let mut left = snip_w;
        for (part, style) in [(before, base), (hit, base.fg(Color::Yellow).add_modifier(Modifier::BOLD)), (after, base)] {
            let shown = truncate(part, left);
            left = left.saturating_sub(width(&shown));
            spans.push(Span::styled(shown, style));
        }
        spans.push(Span::styled(" ".repeat(left), base));
        Some(Line::from(spans))
    }
}

/// Widths of the code and place columns for a table `w` cells wide.
fn columns(w: usize) -> (usize, usize) {
    let code = 10;
    let place = (w.saturating_sub(code) * 2 / 5).clamp(12, 44);
    (code, place)
}

impl Layer for SearchScreen {
    fn context(&self) -> &'static str {
        "search"
    }
    fn wants_text(&self) -> bool {
        self.editing
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::Search]
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        let len = self.hits_len();
        if crate::tui::widgets::navigate(&mut self.selected, len, action) {
            return Effect::None;
        }
        match action {
            Action::Filter => self.editing = true,
            Action::Back | Action::Cancel => return Effect::Pop,
            Action::Open => {
                let Some(h) = self.result.as_ref().and_then(|r| r.hits.get(self.selected)) else { return Effect::None };
                return Effect::Push(Box::new(ProjectView::at(&h.code, cx, &h.target)));
            }
            _ => {}
        }
        Effect::None
    }
    fn input(&mut self, key: KeyEvent, cx: &Cx) -> Effect {
        if !self.editing {
            return Effect::None;
        }
        match key.code {
            KeyCode::Enter => self.run(cx),
            // Esc leaves the text box for the results, or the screen when there are none.
            KeyCode::Esc if self.result.is_some() => self.editing = false,
            KeyCode::Esc => return Effect::Pop,
            _ => {
                self.input.key(key);
            }
        }
        Effect::None
    }
    fn paste(&mut self, text: &str) {
        if self.editing {
            self.input.insert_str(&text.replace(['\r', '\n', '\t'], " "));
        }
    }
    fn refresh(&mut self, cx: &Cx) {
        // Another user's change, or a command on a project opened from here: search again.
        if self.result.is_some() {
            let keep = self.selected;
            self.input.set(&self.searched.clone());
            let editing = self.editing;
            self.run(cx);
            self.editing = editing;
            self.selected = keep.min(self.hits_len().saturating_sub(1));
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let [title, prompt, head, table, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let bold = Style::default().add_modifier(Modifier::BOLD);
        f.render_widget(Paragraph::new(Span::styled(format!(" {}", cx.t(Msg::SearchTitle)), bold)), title);
        let label = format!(" {}", cx.t(Msg::SearchPrompt));
        let lw = width(&label) as u16;
        let (view, at) = self.input.view(prompt.width.saturating_sub(lw + 1) as usize);
        let hint = if self.editing { format!("  {}", cx.t(Msg::SearchHint)) } else { String::new() };
        let line = Line::from(vec![
            Span::styled(label, Style::default().fg(Color::Cyan)),
            Span::raw(view),
            Span::styled(hint, Style::default().fg(Color::DarkGray)),
        ]);
        f.render_widget(Paragraph::new(line), prompt);
        if self.editing {
            f.set_cursor_position(Position { x: prompt.x + lw + at, y: prompt.y });
        }
        let w = area.width as usize;
        let (code_w, place_w) = columns(w);
        let names: Vec<&str> = cx.t(Msg::SearchColumns).split('|').collect();
        if let [code, place, snippet] = names.as_slice() {
            let header = format!("{} {} {snippet}", pad_right(code, code_w), pad_right(place, place_w));
            f.render_widget(Paragraph::new(Span::styled(header, bold)), head);
        }
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), table);
        } else {
            let height = table.height as usize;
            let first = crate::tui::widgets::follow(&self.offset, self.selected, height.max(1));
            let lines: Vec<Line> = (first..(first + height).min(self.hits_len())).filter_map(|i| self.row(i, w)).collect();
            f.render_widget(Paragraph::new(lines), table);
        }
        let count = match &self.result {
            None => String::new(),
            Some(r) if r.total == 0 => fill(cx.t(Msg::SearchNone), &[&self.searched]),
            Some(r) if r.total > r.hits.len() => fill(cx.t(Msg::SearchMore), &[&r.total.to_string(), &r.hits.len().to_string()]),
            Some(r) => fill(cx.t(Msg::SearchCount), &[&r.total.to_string()]),
        };
        f.render_widget(Paragraph::new(Span::styled(format!(" {count}"), Style::default().fg(Color::Yellow))), foot);
    }
}
