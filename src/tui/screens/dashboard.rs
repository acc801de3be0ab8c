//! The deadline dashboard (`d` from any screen): overdue and upcoming panes with days left
//! (overdue red, ≤ 7 days yellow), counts by status and by unit, the year's evaluations by
//! grade, coverage against the budget total, item states and closure rate, and the most
//! frequent finding categories as bars. Enter opens the row's project or item.

use crate::backend::Fetch;
use crate::domain::ItemState;
use crate::domain::deadline::DEFAULT_WITHIN_DAYS;
use crate::domain::deadline::{Deadline, DeadlineFilter, DeadlineKind, DueStatus, Tally};
use crate::domain::money::fmt2;
use crate::read::dashboard::{COVERAGE_TARGET_PERCENT, Dashboard};
use crate::read::due::days_cell;
use crate::text::{pad_right, truncate, width};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::screens::form::{Field, Form};
use crate::tui::screens::project_view::ProjectView;
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::columns::{self, Col};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::cell::Cell;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pane {
    Overdue,
    Upcoming,
}

pub struct DashboardScreen {
    data: Option<Dashboard>,
    year: Option<i32>,
    mine: bool,
    pane: Pane,
    selected: [usize; 2],
    offset: [Cell<usize>; 2],
    drawn: [crate::tui::widgets::Drawn; 2],
    error: Option<String>,
}

impl DashboardScreen {
    pub fn new(cx: &Cx) -> Self {
        let mut s = DashboardScreen {
            data: None,
            year: None,
            mine: false,
            pane: Pane::Overdue,
            selected: [0, 0],
            offset: [Cell::new(0), Cell::new(0)],
            drawn: Default::default(),
            error: None,
        };
        s.reload(cx);
        if s.data.as_ref().is_some_and(|d| d.overdue.is_empty()) {
            s.pane = Pane::Upcoming;
        }
        s
    }

    /// What the panes show: the same selection as `jixiao due` with its default window.
    pub fn filter(&self, cx: &Cx) -> DeadlineFilter {
        DeadlineFilter {
            within: Some(i64::from(DEFAULT_WITHIN_DAYS)),
            owner: self.mine.then(|| cx.backend.actor().to_string()),
            ..Default::default()
        }
    }

    fn reload(&mut self, cx: &Cx) {
        match cx.backend.dashboard(&self.filter(cx), cx.today, self.year) {
            Ok(d) => {
                self.year = Some(d.year);
                self.selected[0] = self.selected[0].min(d.overdue.len().saturating_sub(1));
                self.selected[1] = self.selected[1].min(d.upcoming.len().saturating_sub(1));
                self.data = Some(d);
                self.error = None;
            }
            Err(e) => self.error = Some(e.render(cx.lang)),
        }
    }

    pub fn data(&self) -> Option<&Dashboard> {
        self.data.as_ref()
    }

    fn rows(&self, pane: Pane) -> &[Deadline] {
        match (&self.data, pane) {
            (Some(d), Pane::Overdue) => &d.overdue,
            (Some(d), Pane::Upcoming) => &d.upcoming,
            (None, _) => &[],
        }
    }

    fn index(pane: Pane) -> usize {
        match pane {
            Pane::Overdue => 0,
            Pane::Upcoming => 1,
        }
    }

    fn selected_row(&self) -> Option<&Deadline> {
        self.rows(self.pane).get(self.selected[Self::index(self.pane)])
    }

    fn open(&self, cx: &Cx) -> Effect {
        let Some(d) = self.selected_row() else { return Effect::None };
        if d.code.is_empty() {
            return Effect::Toast(fill(cx.t(Msg::DashBureauWide), &[&d.title]));
        }
        let view = match d.kind {
            DeadlineKind::Item => ProjectView::on_item(&d.code, cx, |it| it.id == d.id),
            DeadlineKind::Notice => ProjectView::on_item(&d.code, cx, |it| it.notice == Some(d.id)),
            DeadlineKind::Milestone => ProjectView::new(&d.code, cx),
        };
        Effect::Push(Box::new(view))
    }

    fn budget_form(&self, cx: &Cx) -> Effect {
        let Some(d) = &self.data else { return Effect::None };
        let year = d.year;
        let current = d.budget_total.map(fmt2).unwrap_or_default();
        let fields = vec![
            Field::text(cx.t(Msg::DashBudgetField), &current)
                .checked(|v, _| if v.trim().is_empty() { Ok(()) } else { crate::domain::money::parse_amount(v).map(|_| ()) }),
        ];
        let submit = Box::new(move |v: &[String], _cx: &Cx| {
            let amount = match v[0].trim() {
                "" => None,
                t => Some(crate::domain::money::parse_amount(t).map_err(|e| (0, e))?),
            };
            Ok(crate::command::Command::SetBudgetTotal { year, amount })
        });
        let title = fill(cx.t(Msg::DashBudgetTitle), &[&year.to_string()]);
        Effect::Push(Box::new(Form::new(title, fields, submit, Some(cx.t(Msg::Saved).into()))))
    }
}

impl Layer for DashboardScreen {
    fn context(&self) -> &'static str {
        "dashboard"
    }

    fn click(&mut self, col: u16, row: u16, double: bool, cx: &Cx) -> Effect {
        for pane in [Pane::Overdue, Pane::Upcoming] {
            let i = Self::index(pane);
            if let Some(r) = self.drawn[i].row_at(col, row, self.rows(pane).len()) {
                (self.pane, self.selected[i]) = (pane, r);
                return if double { self.open(cx) } else { Effect::None };
            }
        }
        Effect::None
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        let i = Self::index(self.pane);
        let len = self.rows(self.pane).len();
        if crate::tui::widgets::navigate(&mut self.selected[i], len, action) {
            return Effect::None;
        }
        match action {
            Action::NextTab | Action::PrevTab => {
                self.pane = if self.pane == Pane::Overdue { Pane::Upcoming } else { Pane::Overdue };
            }
            Action::Open => return self.open(cx),
            Action::NextYear => {
                if let Some(d) = &self.data {
                    let pos = d.years.iter().position(|y| *y == d.year);
                    self.year = pos.map(|p| d.years[(p + 1) % d.years.len()]).or(d.years.first().copied());
                    self.reload(cx);
                }
            }
            Action::OnlyMine => {
                self.mine = !self.mine;
                self.selected = [0, 0];
                self.reload(cx);
            }
            Action::BudgetTotal => return self.budget_form(cx),
            Action::Milestones => return Effect::Push(Box::new(super::milestones::MilestonesScreen::new(None, cx))),
            Action::Back | Action::Dashboard => return Effect::Pop,
            _ => {}
        }
        Effect::None
    }

    fn refresh(&mut self, cx: &Cx) {
        self.reload(cx);
    }

    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let Some(d) = &self.data else {
            let msg = self.error.clone().unwrap_or_default();
            f.render_widget(Paragraph::new(msg).style(Style::default().fg(Color::Red)), area);
            return;
        };
        let stats_h = (area.height / 2).clamp(6, 10);
        let [head, panes, stats] = Layout::vertical([Constraint::Length(1), Constraint::Min(4), Constraint::Length(stats_h)]).areas(area);
        f.render_widget(Paragraph::new(self.header(d, cx, head.width as usize)), head);
        let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(panes);
        self.render_pane(f, left, Pane::Overdue, d, cx);
        self.render_pane(f, right, Pane::Upcoming, d, cx);
        let [a, b, c] =
            Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(28), Constraint::Percentage(34)]).areas(stats);
        render_box(f, a, &fill(cx.t(Msg::DashYearTitle), &[&d.year.to_string(), &d.year_projects.to_string()]), year_lines(d, cx));
        render_box(f, b, cx.t(Msg::DashItemsTitle), item_lines(d, cx, b.width.saturating_sub(2) as usize));
        render_box(f, c, cx.t(Msg::DashCategoriesTitle), category_bars(d, c.width.saturating_sub(2) as usize));
    }
}

impl DashboardScreen {
    fn header(&self, d: &Dashboard, cx: &Cx, w: usize) -> Line<'static> {
        let t = &d.tally;
        let mut text = fill(
            cx.t(Msg::DashHeader),
            &[
                &d.today.to_string(),
                &t.count(DueStatus::Overdue).to_string(),
                &t.count(DueStatus::Today).to_string(),
                &t.count(DueStatus::Soon).to_string(),
                &DEFAULT_WITHIN_DAYS.to_string(),
                &(d.overdue.len() + d.upcoming.len()).to_string(),
            ],
        );
        if self.mine {
            text.push_str(&fill(cx.t(Msg::DashMine), &[cx.backend.actor()]));
        }
        Line::from(Span::styled(format!(" {}", truncate(&text, w.saturating_sub(1))), Style::default().add_modifier(Modifier::BOLD)))
    }

    fn render_pane(&self, f: &mut Frame, area: Rect, pane: Pane, d: &Dashboard, cx: &Cx) {
        let rows = self.rows(pane);
        let (title, colour) = match pane {
            Pane::Overdue => (fill(cx.t(Msg::DashOverdueTitle), &[&rows.len().to_string()]), Color::Red),
            Pane::Upcoming => {
                (fill(cx.t(Msg::DashUpcomingTitle), &[&DEFAULT_WITHIN_DAYS.to_string(), &rows.len().to_string()]), Color::Yellow)
            }
        };
        let focused = self.pane == pane;
        let border = if focused { Style::default().fg(colour) } else { Style::default().fg(Color::DarkGray) };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(border)
            .title(Span::styled(format!(" {title} "), Style::default().fg(colour).add_modifier(Modifier::BOLD)));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let w = inner.width as usize;
        // Columns (`widgets::columns`): date, days left and project never cut; the unit when
        // there is room; what is due takes the rest. The year shows when the pane is wide.
        let full_date = w >= 56;
        let height = inner.height.saturating_sub(1) as usize;
        let i = Self::index(pane);
        let first = crate::tui::widgets::follow(&self.offset[i], self.selected[i], height);
        self.drawn[i].set(Rect { y: inner.y + 1, height: height as u16, ..inner }, first);
        let cells: Vec<[String; 5]> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|r| {
                let kind = match r.kind {
                    DeadlineKind::Item => format!("#{} {}", r.id, r.title),
                    DeadlineKind::Notice => format!("【{}】{}", cx.t(Msg::DashNotice), r.title),
                    DeadlineKind::Milestone => format!("【{}】{}", r.detail, r.title),
                };
                let code = if r.code.is_empty() { "-".to_string() } else { r.code.clone() };
                let date = r.date.format(if full_date { "%Y-%m-%d" } else { "%m-%d" }).to_string();
                [date, days_cell(r, d.today, cx.lang), code, r.unit.clone(), kind]
            })
            .collect();
        let titles =
            [cx.t(Msg::DashColDate), cx.t(Msg::DashColLeft), cx.t(Msg::LedgerProject), cx.t(Msg::ItColUnit), cx.t(Msg::DashColWhat)];
        let measure = |k: usize| Col::measure(titles[k], cells.iter().map(|c| c[k].as_str()));
        let spec = [
            Col::keep(measure(0)),
            Col::keep(measure(1)).right(),
            Col::keep(measure(2)),
            Col::text(measure(3), 10).shrink(2).drop(1),
            Col::text(measure(4), 12).grow(),
        ];
        let widths = columns::fit(&spec, w);
        let line = |c: &[&str]| truncate(&columns::row(c, &spec, &widths), w);
        let mut lines = vec![Line::from(Span::styled(line(&titles), Style::default().add_modifier(Modifier::BOLD)))];
        if rows.is_empty() {
            lines.push(Line::from(Span::styled(cx.t(Msg::DashEmpty).to_string(), Style::default().fg(Color::DarkGray))));
        }
        for ((n, r), c) in rows.iter().enumerate().skip(first).take(height).zip(&cells) {
            let text = line(&c.each_ref().map(String::as_str));
            let mut style = match r.status(d.today) {
                DueStatus::Overdue => Style::default().fg(Color::Red),
                DueStatus::Today | DueStatus::Soon => Style::default().fg(Color::Yellow),
                DueStatus::Later => Style::default(),
            };
            if focused && n == self.selected[i] {
                style = style.bg(Color::Blue).add_modifier(Modifier::BOLD);
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}

fn render_box(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>) {
    let block = Block::default().borders(Borders::ALL).border_style(Style::default().fg(Color::DarkGray)).title(format!(" {title} "));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let lines = crate::tui::widgets::wrap_lines(lines, inner.width as usize);
    f.render_widget(Paragraph::new(lines), inner);
}

fn year_lines(d: &Dashboard, cx: &Cx) -> Vec<Line<'static>> {
    let grades: Vec<String> = d.grades_in_order().into_iter().map(|(g, n)| format!("{g} {n}")).collect();
    let mut lines = vec![Line::from(if grades.is_empty() { cx.t(Msg::DashNoProjects).to_string() } else { grades.join("  ") })];
    lines.push(Line::from(fill(cx.t(Msg::DashEvaluated), &[&fmt2(d.evaluated)])));
    let target = COVERAGE_TARGET_PERCENT.to_string();
    match (d.budget_total, d.coverage_percent()) {
        (Some(total), Some(pct)) => {
            lines.push(Line::from(fill(cx.t(Msg::DashBudget), &[&fmt2(total)])));
            let met = d.coverage_met() == Some(true);
            let style = Style::default().fg(if met { Color::Green } else { Color::Red });
            let text = fill(cx.t(if met { Msg::DashCoverageMet } else { Msg::DashCoverageShort }), &[&pct.to_string(), &target]);
            lines.push(Line::from(Span::styled(text, style)));
        }
        _ => lines.push(Line::from(Span::styled(fill(cx.t(Msg::DashNoBudget), &[&target]), Style::default().fg(Color::DarkGray)))),
    }
    let ranked = Tally::ranked(&d.tally.by_unit);
    if let Some((unit, over, all)) = ranked.first().filter(|r| r.1 > 0) {
        lines.push(Line::from(Span::styled(
            fill(cx.t(Msg::DashWorstUnit), &[unit, &over.to_string(), &all.to_string()]),
            Style::default().fg(Color::Red),
        )));
    }
    for (unit, over, all) in ranked.iter().skip(1).take(3).filter(|r| r.1 > 0) {
        lines.push(Line::from(format!("  {unit} {over}/{all}")));
    }
    lines
}

fn item_lines(d: &Dashboard, cx: &Cx, w: usize) -> Vec<Line<'static>> {
    let closure = d.closure_percent().map(|p| format!("{p}%")).unwrap_or_else(|| "-".into());
    let mut lines =
        vec![Line::from(Span::styled(fill(cx.t(Msg::DashClosure), &[&closure]), Style::default().add_modifier(Modifier::BOLD)))];
    // What the units still owe first, then what is done.
    use ItemState::*;
    let order = [Issued, InProgress, Submitted, Returned, LongTerm, Closed, Draft, Cancelled];
    let cells: Vec<String> = order.iter().filter_map(|s| d.item_states.get(s).map(|n| format!("{} {n}", s.label()))).collect();
    // Two per line when both fit, else one.
    let half = w / 2;
    if cells.iter().all(|c| width(c) < half) {
        for pair in cells.chunks(2) {
            let text = match pair {
                [a, b] => format!("{}{}", pad_right(a, half), b),
                [a] => a.clone(),
                _ => String::new(),
            };
            lines.push(Line::from(text));
        }
    } else {
        lines.extend(cells.into_iter().map(Line::from));
    }
    lines
}

fn category_bars(d: &Dashboard, w: usize) -> Vec<Line<'static>> {
    let Some(max) = d.top_categories.iter().map(|(_, n)| *n).max() else { return vec![] };
    let w_label = (w / 2).min(14);
    let w_num = d.top_categories.iter().map(|(_, n)| n.to_string().len()).max().unwrap_or(1);
    let w_bar = w.saturating_sub(w_label + w_num + 2).max(1);
    d.top_categories
        .iter()
        .map(|(c, n)| {
            let len = (n * w_bar).div_ceil(max.max(1)).max(1);
            Line::from(vec![
                Span::raw(format!("{} ", pad_right(c, w_label))),
                Span::styled("█".repeat(len), Style::default().fg(Color::Cyan)),
                Span::raw(format!("{} {n}", " ".repeat(w_bar - len.min(w_bar)))),
            ])
        })
        .collect()
}
