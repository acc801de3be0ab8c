//! The self-check (自检) of a project as a popup over its view: every rule as a line (✓, ✗ in
//! red, ! in yellow), the failing rows under their rule, the overrides kept at the bottom;
//! ↑↓ move over the failing rows and Enter opens the tab where that row is fixed.

use super::project_view::ProjectView;
use crate::backend::Fetch;
use crate::domain::selfcheck::{Level, ProjectCheck, Target};
use crate::text;
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer, centered};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::cell::Cell;

pub struct SelfCheckPopup {
    code: String,
    check: ProjectCheck,
    /// The failing rows in order: (rule, row) indexes into `check.check.lines`.
    rows: Vec<(usize, usize)>,
    pub selected: usize,
    offset: Cell<usize>,
}

impl SelfCheckPopup {
    /// Runs the project's self-check through the backend.
    pub fn open(code: &str, cx: &Cx) -> crate::domain::Result<SelfCheckPopup> {
        Ok(SelfCheckPopup::new(code, cx.backend.self_check(code)?))
    }

    pub fn new(code: &str, check: ProjectCheck) -> SelfCheckPopup {
        let rows = check.check.lines.iter().enumerate().flat_map(|(l, line)| (0..line.rows.len()).map(move |r| (l, r))).collect();
        SelfCheckPopup { code: code.to_string(), check, rows, selected: 0, offset: Cell::new(0) }
    }

    /// The target of the selected row.
    pub fn target(&self) -> Option<&Target> {
        let (l, r) = self.rows.get(self.selected)?;
        Some(&self.check.check.lines[*l].rows[*r].target)
    }

    /// The lines as drawn `width` cells wide, and the line of the selected row.
    fn lines(&self, width: usize, cx: &Cx) -> (Vec<Line<'static>>, usize) {
        let mut out = Vec::new();
        let mut at_selected = 0;
        let (fails, warns) = (self.check.check.failures().count(), self.check.check.warnings().count());
        let head = if fails + warns == 0 {
            cx.t(Msg::CheckAllPassed).to_string()
        } else {
            fill(cx.t(Msg::CheckCounts), &[&fails.to_string(), &warns.to_string()])
        };
        out.push(Line::from(Span::styled(text::truncate(&head, width), Style::default().add_modifier(Modifier::BOLD))));
        let mut n = 0;
        for line in &self.check.check.lines {
            let color = match (line.passed, line.level) {
                (true, _) => Color::Green,
                (false, Level::Failure) => Color::Red,
                (false, Level::Warning) => Color::Yellow,
            };
            let title = format!("{} {}", line.mark(), line.title);
            out.push(Line::from(Span::styled(text::truncate(&title, width), Style::default().fg(color))));
            for row in &line.rows {
                let selected = n == self.selected;
                if selected {
                    at_selected = out.len();
                }
                let style = if selected { Style::default().fg(Color::Black).bg(Color::Cyan) } else { Style::default() };
                let shown = text::pad_right(&format!("    {}：{}", row.at, row.what), width);
                out.push(Line::from(Span::styled(shown, style)));
                n += 1;
            }
        }
        if !self.check.overrides.is_empty() {
            out.push(Line::from(""));
            out.push(Line::from(Span::styled(cx.t(Msg::CheckOverrides).to_string(), Style::default().add_modifier(Modifier::BOLD))));
            for o in &self.check.overrides {
                for part in text::wrap(&format!("  {}", o.line()), width) {
                    out.push(Line::from(Span::styled(part, Style::default().fg(Color::Yellow))));
                }
            }
        }
        (out, at_selected)
    }
}

impl Layer for SelfCheckPopup {
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
        if crate::tui::widgets::navigate(&mut self.selected, self.rows.len(), action) {
            return Effect::None;
        }
        match action {
            Action::Back | Action::Cancel => Effect::Pop,
            Action::Open | Action::Confirm => match self.target() {
                None => Effect::Pop,
                Some(Target::None) => Effect::Toast(cx.t(Msg::CheckNoTarget).to_string()),
                Some(t) => Effect::Jump(Box::new(ProjectView::at(&self.code, cx, t))),
            },
            _ => Effect::None,
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let rect = centered(area, area.width.saturating_sub(4).min(110), area.height.saturating_sub(2));
        let title = fill(cx.t(Msg::CheckTitle), &[&self.code]);
        let inner = super::popups::open_popup(f, area, rect, &title, Color::Cyan);
        let width = inner.width as usize;
        let (lines, at) = self.lines(width, cx);
        let body_h = inner.height.saturating_sub(1) as usize;
        // The head line and the selected row stay in sight; the rest scrolls.
        let first = crate::tui::widgets::follow(&self.offset, at, body_h.max(1));
        let shown: Vec<Line> = lines.into_iter().skip(first).take(body_h).collect();
        f.render_widget(Paragraph::new(shown), Rect { height: body_h as u16, ..inner });
        let foot = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
        let footer = text::truncate(cx.t(Msg::CheckFooter), width);
        f.render_widget(Paragraph::new(Span::styled(footer, Style::default().fg(Color::DarkGray))), foot);
    }
}
