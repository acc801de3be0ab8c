//! The rectification ledger (整改台账) across all projects: the ledger columns, filters
//! (text, status, overdue), totals by status; Enter opens the item in its project.

use super::picker::{PickItem, Picker};
use crate::domain::ItemState;
use crate::export::ledger::{LedgerFilter, LedgerRow, XlsxOptions, build, to_xlsx, totals};
use crate::text::{truncate, width};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::columns::{self, Col};
use crate::tui::widgets::input::LineInput;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::cell::Cell;

pub struct LedgerScreen {
    rows: Vec<LedgerRow>,
    view: Vec<usize>,
    selected: usize,
    offset: Cell<usize>,
    drawn: crate::tui::widgets::Drawn,
    text: LineInput,
    typing: bool,
    status: Option<ItemState>,
    overdue: bool,
    /// Only open items due within this many days.
    within: Option<i64>,
    /// Sorted by current due date (else by project, finding, item).
    by_due: bool,
    error: Option<String>,
}

impl LedgerScreen {
    pub fn new(cx: &Cx) -> Self {
        let mut s = LedgerScreen {
            rows: vec![],
            view: vec![],
            selected: 0,
            offset: Cell::new(0),
            drawn: Default::default(),
            text: LineInput::default(),
            typing: false,
            status: None,
            overdue: false,
            within: None,
            by_due: false,
            error: None,
        };
        s.reload(cx);
        s
    }

    fn reload(&mut self, cx: &Cx) {
        let filter = LedgerFilter { status: self.status, overdue: self.overdue, due_within: self.within, ..Default::default() };
        match build(cx.backend, &filter, cx.today) {
            Ok(mut rows) => {
                if self.by_due {
                    rows.sort_by_key(|r| (r.due, r.item_id));
                }
                self.rows = rows;
                self.error = None;
            }
            Err(e) => self.error = Some(e.render(cx.lang)),
        }
        self.apply_text();
    }

    fn apply_text(&mut self) {
        let needle = self.text.value().to_lowercase();
        self.view = (0..self.rows.len())
            .filter(|i| {
                let r = &self.rows[*i];
                needle.is_empty()
                    || [&r.project_code, &r.project_name, &r.unit, &r.requirement, &r.category, &r.description]
                        .iter()
                        .any(|s| s.to_lowercase().contains(&needle))
            })
            .collect();
        self.selected = self.selected.min(self.view.len().saturating_sub(1));
    }

    /// `W`: the rows shown (every filter applied) as the XLSX `jixiao ledger --format xlsx`
    /// writes, next to the store like the notices' .docx; the toast names the path.
    fn write_xlsx(&self, cx: &Cx) -> Effect {
        let rows: Vec<LedgerRow> = self.view.iter().filter_map(|i| self.rows.get(*i).cloned()).collect();
        let path = super::documents::default_dir(cx.data).join(format!("整改台账-{}.xlsx", cx.today));
        let options = XlsxOptions { as_of: cx.today, filer: None, with_ids: false };
        match to_xlsx(&rows, &options).and_then(|bytes| crate::fsutil::write_output(&path, &bytes)) {
            Ok(()) => Effect::Toast(fill(cx.t(Msg::LedgerWritten), &[&rows.len().to_string(), &path.display().to_string()])),
            Err(e) => Effect::Error(e.render(cx.lang)),
        }
    }

    fn selected_row(&self) -> Option<&LedgerRow> {
        self.view.get(self.selected).and_then(|i| self.rows.get(*i))
    }
}

impl Layer for LedgerScreen {
    fn context(&self) -> &'static str {
        "ledger"
    }
    fn wants_text(&self) -> bool {
        self.typing
    }
    fn click(&mut self, col: u16, row: u16, double: bool, cx: &Cx) -> Effect {
        let Some(i) = self.drawn.row_at(col, row, self.view.len()) else { return Effect::None };
        self.selected = i;
        if double { self.handle(Action::Open, cx) } else { Effect::None }
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        if crate::tui::widgets::navigate(&mut self.selected, self.view.len(), action) {
            return Effect::None;
        }
        match action {
            Action::Filter => self.typing = true,
            Action::DueWithin => {
                self.within = match self.within {
                    None => Some(7),
                    Some(7) => Some(30),
                    _ => None,
                };
                self.reload(cx);
            }
            Action::SortNext => {
                self.by_due = !self.by_due;
                self.reload(cx);
            }
            Action::OverdueOnly => {
                self.overdue = !self.overdue;
                self.reload(cx);
            }
            Action::CycleStatus => {
                // A picker of the states (and 全部), instead of stepping through nine.
                let all = cx.t(Msg::LedgerAllStates);
                let mut items = vec![PickItem::plain(all)];
                items.extend(ItemState::ALL.iter().map(|s| PickItem::plain(s.label())));
                let chosen = vec![self.status.map(|s| s.label()).unwrap_or(all).to_string()];
                return Effect::Push(Box::new(Picker::new(cx.t(Msg::LedgerStatusTitle).to_string(), items, &chosen, false)));
            }
            Action::Open => {
                if let Some(r) = self.selected_row() {
                    let view = super::project_view::ProjectView::on_item(&r.project_code, cx, |it| it.id == r.item_id);
                    return Effect::Push(Box::new(view));
                }
            }
            Action::WriteXlsx => return self.write_xlsx(cx),
            Action::Back => return Effect::Pop,
            _ => {}
        }
        Effect::None
    }
    fn input(&mut self, key: KeyEvent, _cx: &Cx) -> Effect {
        if !self.typing {
            return Effect::None;
        }
        match key.code {
            KeyCode::Enter => self.typing = false,
            KeyCode::Esc => {
                self.text.set("");
                self.typing = false;
            }
            _ => {
                self.text.key(key);
            }
        }
        self.apply_text();
        Effect::None
    }
    fn refresh(&mut self, cx: &Cx) {
        self.reload(cx);
    }
    fn picked(&mut self, values: Vec<String>, cx: &Cx) {
        let label = values.first().map(String::as_str).unwrap_or_default();
        self.status = ItemState::ALL.iter().copied().find(|s| s.label() == label);
        self.reload(cx);
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let [title, filter, table, totals_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3), Constraint::Length(2)]).areas(area);
        let head = fill(cx.t(Msg::LedgerTitle), &[&self.view.len().to_string(), &cx.today.to_string()]);
        f.render_widget(Paragraph::new(Span::styled(format!(" {head}"), Style::default().add_modifier(Modifier::BOLD))), title);
        let mut parts = Vec::new();
        if let Some(s) = self.status {
            parts.push(s.label().to_string());
        }
        if self.overdue {
            parts.push(cx.t(Msg::LedgerOverdue).to_string());
        }
        if let Some(d) = self.within {
            parts.push(fill(cx.t(Msg::LedgerWithin), &[&d.to_string()]));
        }
        if self.by_due {
            parts.push(cx.t(Msg::LedgerByDue).to_string());
        }
        let label = format!(" {}", fill(cx.t(Msg::LedgerFilters), &[""]));
        let (view, at) = self.text.view(30);
        let line = format!("{label}{view}  {}", parts.join("、"));
        f.render_widget(Paragraph::new(Span::styled(line, Style::default().fg(Color::Cyan))), filter);
        if self.typing {
            f.set_cursor_position(Position { x: filter.x + width(&label) as u16 + at, y: filter.y });
        }
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), table);
            return;
        }
        self.render_table(f, table, cx);
        // Totals of what is shown (the text filter included), wrapped rather than cut.
        let shown: Vec<LedgerRow> = self.view.iter().filter_map(|i| self.rows.get(*i).cloned()).collect();
        let sums: Vec<String> = totals(&shown).iter().map(|(s, n)| format!("{} {n}", s.label())).collect();
        let lines: Vec<Line> = crate::text::wrap(&format!(" {}", sums.join("  ")), totals_area.width as usize)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, Style::default().fg(Color::Yellow))))
            .collect();
        f.render_widget(Paragraph::new(lines), totals_area);
    }
}

impl LedgerScreen {
    fn render_table(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        // Columns (`widgets::columns`): number, project, state, due date and days overdue are
        // never cut; the requirement takes the spare cells; the unit gives way first.
        let height = area.height.saturating_sub(1) as usize;
        let offset = crate::tui::widgets::follow(&self.offset, self.selected, height);
        let cells: Vec<[String; 7]> = self
            .view
            .iter()
            .skip(offset)
            .take(height)
            .map(|idx| {
                let r = &self.rows[*idx];
                let over = r.days_overdue.map(|d| fill(cx.t(Msg::DaysOverdue), &[&d.to_string()])).unwrap_or_default();
                let state = if r.extension_pending { format!("{}*", r.state.label()) } else { r.state.label().to_string() };
                [r.no.to_string(), r.project_code.clone(), r.unit.clone(), state, r.due.to_string(), over, r.requirement.clone()]
            })
            .collect();
        let titles = [
            cx.t(Msg::LedgerNo),
            cx.t(Msg::LedgerProject),
            cx.t(Msg::ItColUnit),
            cx.t(Msg::ItColState),
            cx.t(Msg::ItColDue),
            cx.t(Msg::ItColOverdue),
            cx.t(Msg::ItColRequirement),
        ];
        let measure = |k: usize| Col::measure(titles[k], cells.iter().map(|c| c[k].as_str()));
        let spec = [
            Col::keep(measure(0)).right(),
            Col::keep(measure(1)),
            Col::text(measure(2), 10).shrink(2).drop(1),
            Col::keep(measure(3)),
            Col::keep(measure(4)),
            Col::keep(measure(5)).right(),
            Col::text(measure(6), 16).grow(),
        ];
        let widths = columns::fit(&spec, area.width as usize);
        let row = |c: &[&str]| truncate(&columns::row(c, &spec, &widths), area.width as usize);
        let mut lines = vec![Line::from(Span::styled(row(&titles), Style::default().add_modifier(Modifier::BOLD)))];
        if self.view.is_empty() {
            lines.push(Line::from(Span::styled(cx.t(Msg::LedgerEmpty).to_string(), Style::default().fg(Color::DarkGray))));
        }
        self.drawn.set(Rect { y: area.y + 1, height: height as u16, ..area }, offset);
        for ((n, idx), c) in self.view.iter().enumerate().skip(offset).take(height).zip(&cells) {
            let r = &self.rows[*idx];
            let text = row(&c.each_ref().map(String::as_str));
            let mut style = if r.days_overdue.is_some() { Style::default().fg(Color::Red) } else { Style::default() };
            if n == self.selected {
                style = style.bg(Color::Blue).add_modifier(Modifier::BOLD);
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}
