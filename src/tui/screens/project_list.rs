//! The project list: every evaluation project with its score, open items and next
//! deadline; filter as you type, sort by any column, a totals line.

use super::form::{Field, Form};
use super::picker::PickItem;
use super::popups::Confirm;
use crate::backend::Fetch;
use crate::command::Command;
use crate::domain::money::{fmt2, parse_amount};
use crate::domain::{Phase, Project, ProjectKind};
use crate::read::summary::ProjectRow;
use crate::text::{truncate, width};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::columns;
use crate::tui::widgets::input::LineInput;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use rust_decimal::Decimal;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Code,
    Name,
    Unit,
    Kind,
    Year,
    Amount,
    Phase,
    Score,
    Open,
    Next,
}

const COLS: [Col; 10] = [Col::Code, Col::Name, Col::Unit, Col::Kind, Col::Year, Col::Amount, Col::Phase, Col::Score, Col::Open, Col::Next];

impl Col {
    fn title(self) -> Msg {
        match self {
            Col::Code => Msg::ColCode,
            Col::Name => Msg::ColName,
            Col::Unit => Msg::ColUnit,
            Col::Kind => Msg::ColKind,
            Col::Year => Msg::ColYear,
            Col::Amount => Msg::ColAmount,
            Col::Phase => Msg::ColPhase,
            Col::Score => Msg::ColScore,
            Col::Open => Msg::ColOpen,
            Col::Next => Msg::ColNext,
        }
    }
}

pub struct ProjectList {
    rows: Vec<ProjectRow>,
    /// Indexes into `rows` that pass the filter, in sort order.
    view: Vec<usize>,
    selected: usize,
    offset: std::cell::Cell<usize>,
    drawn: crate::tui::widgets::Drawn,
    filter: LineInput,
    filtering: bool,
    sort: Col,
    reverse: bool,
    load_error: Option<String>,
}

impl ProjectList {
    pub fn new(cx: &Cx) -> Self {
        let mut list = ProjectList {
            rows: vec![],
            view: vec![],
            selected: 0,
            offset: std::cell::Cell::new(0),
            drawn: Default::default(),
            filter: LineInput::default(),
            filtering: false,
            sort: Col::Code,
            reverse: false,
            load_error: None,
        };
        list.refresh(cx);
        list
    }

    pub fn selected_project(&self) -> Option<&ProjectRow> {
        self.view.get(self.selected).and_then(|i| self.rows.get(*i))
    }

    /// Re-applies filter and sort, keeping the selected project selected.
    fn rebuild(&mut self) {
        let keep = self.selected_project().map(|p| p.id);
        let needle = self.filter.value().to_lowercase();
        let mut view: Vec<usize> = (0..self.rows.len())
            .filter(|i| {
                let p = &self.rows[*i];
                needle.is_empty() || [&p.name, &p.unit, &p.code].iter().any(|s| s.to_lowercase().contains(&needle))
            })
            .collect();
        let rows = &self.rows;
        let key = |i: &usize| -> (String, Decimal) {
            let r = &rows[*i];
            match self.sort {
                Col::Code => (r.code.clone(), Decimal::ZERO),
                Col::Name => (r.name.clone(), Decimal::ZERO),
                Col::Unit => (r.unit.clone(), Decimal::ZERO),
                Col::Kind => (r.kind.label().into(), Decimal::ZERO),
                Col::Year => (String::new(), Decimal::from(r.fiscal_year)),
                Col::Amount => (String::new(), r.amount),
                Col::Phase => (format!("{:?}", r.phase as u8), Decimal::ZERO),
                Col::Score => (String::new(), if r.scored > 0 { r.total } else { Decimal::from(-1) }),
                Col::Open => (String::new(), Decimal::from(r.open_due.len() as u64)),
                Col::Next => (r.next_deadline.map(|d| d.to_string()).unwrap_or_else(|| "9999".into()), Decimal::ZERO),
            }
        };
        view.sort_by_cached_key(key);
        if self.reverse {
            view.reverse();
        }
        self.view = view;
        self.selected = keep.and_then(|id| self.view.iter().position(|i| self.rows[*i].id == id)).unwrap_or(0);
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.view.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    fn new_project_form(cx: &Cx) -> Form {
        let kinds: Vec<String> = ProjectKind::ALL.iter().map(|k| k.label().to_string()).collect();
        // The store's templates (its DATA/templates/ too); a bad user file is named, not fatal.
        let (names, problems) = cx.backend.templates().unwrap_or_else(|e| (vec![], vec![e.render(cx.lang)]));
        // Shown by title (中文), found by title, its pinyin initials or its name; the name is kept.
        let templates: Vec<PickItem> = names
            .iter()
            .map(|(n, title)| PickItem { value: n.clone(), label: title.clone(), detail: n.clone(), also: vec![n.clone()] })
            .collect();
        let fields = vec![
            Field::text(cx.t(Msg::FieldCode), "").checked(required),
            Field::text(cx.t(Msg::FieldName), "").checked(required),
            Field::pick(cx.t(Msg::FieldUnit), unit_items(cx), vec![], false).free().checked(required),
            Field::choice(cx.t(Msg::FieldKind), kinds, "项目支出"),
            Field::text(cx.t(Msg::FieldYear), &(cx.today.format("%Y").to_string().parse::<i32>().unwrap_or(2026) - 1).to_string())
                .checked(year),
            Field::text(cx.t(Msg::FieldAmount), "").checked(amount),
            Field::pick(cx.t(Msg::FieldTemplate), templates, vec![], false),
            Field::text(cx.t(Msg::FieldNotes), ""),
            Field::text(cx.t(Msg::FieldThirdParty), ""),
        ];
        let submit = Box::new(|v: &[String], _cx: &Cx| {
            let kind = ProjectKind::parse(&v[3]).map_err(|e| (3, e.to_string()))?;
            Ok(Command::CreateProject {
                code: v[0].trim().to_string(),
                name: v[1].trim().to_string(),
                kind,
                fiscal_year: v[4].trim().parse().map_err(|_| (4, v[4].clone()))?,
                unit: v[2].trim().to_string(),
                amount: parse_amount(&v[5]).map_err(|e| (5, e))?,
                fund_notes: split_list(&v[7]),
                lead: None,
                members: vec![],
                third_party: Some(v[8].trim().to_string()).filter(|s| !s.is_empty()),
                template: Some(v[6].clone()).filter(|t| !t.is_empty()),
            })
        });
        let form = Form::new(cx.t(Msg::NewProject).to_string(), fields, submit, Some(cx.t(Msg::Created).to_string()));
        if problems.is_empty() { form } else { form.with_note(problems.join("\n")) }
    }

    pub fn edit_form(p: &Project, cx: &Cx) -> Form {
        let kinds: Vec<String> = ProjectKind::ALL.iter().map(|k| k.label().to_string()).collect();
        let fields = vec![
            Field::text(cx.t(Msg::FieldName), &p.name).checked(required),
            Field::pick(cx.t(Msg::FieldUnit), unit_items(cx), vec![p.unit.clone()], false).free().checked(required),
            Field::choice(cx.t(Msg::FieldKind), kinds, p.kind.label()),
            Field::text(cx.t(Msg::FieldYear), &p.fiscal_year.to_string()).checked(year),
            Field::text(cx.t(Msg::FieldAmount), &fmt2(p.amount)).checked(amount),
            Field::text(cx.t(Msg::FieldNotes), &p.fund_notes.join("、")),
            Field::text(cx.t(Msg::FieldThirdParty), p.third_party.as_deref().unwrap_or("")),
        ];
        let (code, version) = (p.code.clone(), p.meta.version);
        let submit = Box::new(move |v: &[String], _cx: &Cx| {
            Ok(Command::UpdateProject {
                project: code.clone(),
                expected_version: Some(version),
                name: Some(v[0].trim().to_string()),
                unit: Some(v[1].trim().to_string()),
                kind: Some(ProjectKind::parse(&v[2]).map_err(|e| (2, e.to_string()))?),
                fiscal_year: Some(v[3].trim().parse().map_err(|_| (3, v[3].clone()))?),
                amount: Some(parse_amount(&v[4]).map_err(|e| (4, e))?),
                fund_notes: Some(split_list(&v[5])),
                third_party: Some(v[6].trim().to_string()),
            })
        });
        Form::new(fill(cx.t(Msg::EditProject), &[&p.code]), fields, submit, Some(cx.t(Msg::Saved).to_string()))
    }
}

/// The evaluated units of every project, for the unit picker (a new one is typed there).
pub fn unit_items(cx: &Cx) -> Vec<PickItem> {
    let projects = cx.backend.projects().unwrap_or_default();
    let mut units: Vec<&str> = Vec::new();
    for p in &projects {
        if !p.unit.trim().is_empty() && !units.contains(&p.unit.as_str()) {
            units.push(&p.unit);
        }
    }
    units.into_iter().map(PickItem::plain).collect()
}

/// Everyone on a project team (lead, members, observers) across projects, for the team
/// pickers; someone new is typed there.
fn people_items(cx: &Cx) -> Vec<PickItem> {
    let projects = cx.backend.projects().unwrap_or_default();
    let mut people: Vec<&str> = Vec::new();
    for t in projects.iter().map(|p| &p.team) {
        for who in std::iter::once(&t.lead).chain(&t.members).chain(&t.observers) {
            if !who.trim().is_empty() && !people.contains(&who.as_str()) {
                people.push(who);
            }
        }
    }
    people.into_iter().map(PickItem::plain).collect()
}

/// Team members and fund notes are typed as one line, separated by 、 , or spaces.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ' ']).map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}

pub fn required(v: &str, cx: &Cx) -> Result<(), String> {
    if v.trim().is_empty() { Err(cx.t(Msg::Required).to_string()) } else { Ok(()) }
}

fn year(v: &str, cx: &Cx) -> Result<(), String> {
    match v.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(()),
        _ => Err(fill(cx.t(Msg::NotAYear), &[v])),
    }
}

fn amount(v: &str, _cx: &Cx) -> Result<(), String> {
    parse_amount(v).map(|_| ())
}

/// Team and phase forms, shared with the project view.
pub fn team_form(p: &Project, cx: &Cx) -> Form {
    let fields = vec![
        Field::pick(cx.t(Msg::FieldLead), people_items(cx), vec![p.team.lead.clone()], false).free().checked(required),
        Field::pick(cx.t(Msg::FieldMembers), people_items(cx), p.team.members.clone(), true).free(),
    ];
    let (code, version, observers) = (p.code.clone(), p.meta.version, p.team.observers.clone());
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        Ok(Command::SetTeam {
            project: code.clone(),
            expected_version: Some(version),
            lead: v[0].trim().to_string(),
            members: split_list(&v[1]),
            observers: observers.clone(),
        })
    });
    Form::new(fill(cx.t(Msg::TeamTitle), &[&p.code]), fields, submit, Some(cx.t(Msg::Saved).to_string()))
}

pub fn phase_form(p: &Project, cx: &Cx) -> Form {
    let phases: Vec<String> = Phase::ALL.iter().filter(|ph| **ph != Phase::Archived).map(|ph| ph.label().to_string()).collect();
    let fields = vec![Field::choice(cx.t(Msg::FieldPhase), phases, p.phase.label()), Field::text(cx.t(Msg::FieldOverrideReason), "")];
    let (code, version) = (p.code.clone(), p.meta.version);
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        Ok(Command::SetPhase {
            project: code.clone(),
            expected_version: Some(version),
            phase: Phase::parse(&v[0]).map_err(|e| (0, e.to_string()))?,
            override_reason: Some(v[1].trim().to_string()).filter(|r| !r.is_empty()),
        })
    });
    Form::new(fill(cx.t(Msg::PhaseTitle), &[&p.code]), fields, submit, Some(cx.t(Msg::Saved).to_string()))
}

pub fn archive_confirm(p: &Project, cx: &Cx) -> Confirm {
    let cmd = Command::ArchiveProject { project: p.code.clone(), expected_version: Some(p.meta.version) };
    let question = fill(cx.t(Msg::ArchiveConfirm), &[&p.code, &p.name]);
    // The items it leaves; if they cannot be read, the question is asked without them.
    let question = match cx.backend.items(&p.code) {
        Ok(items) => super::stakes::archive(question, &items, cx.today, cx),
        Err(_) => question,
    };
    Confirm::new(question, cmd, Some(cx.t(Msg::Saved).to_string()))
}

pub fn reopen_form(p: &Project, cx: &Cx) -> Form {
    let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(required)];
    let (code, version) = (p.code.clone(), p.meta.version);
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        Ok(Command::ReopenProject { project: code.clone(), reason: v[0].trim().to_string(), expected_version: Some(version) })
    });
    Form::new(fill(cx.t(Msg::ReopenTitle), &[&p.code]), fields, submit, Some(cx.t(Msg::Saved).to_string()))
}

/// How a deadline reads relative to today.
pub fn deadline_text(date: NaiveDate, today: NaiveDate, cx: &Cx) -> String {
    let days = (date - today).num_days();
    match days {
        0 => cx.t(Msg::DueToday).to_string(),
        d if d < 0 => fill(cx.t(Msg::DaysOverdue), &[&(-d).to_string()]),
        d => fill(cx.t(Msg::DaysLeft), &[&d.to_string()]),
    }
}

impl Layer for ProjectList {
    fn context(&self) -> &'static str {
        "project_list"
    }
    fn wants_text(&self) -> bool {
        self.filtering
    }
    fn click(&mut self, col: u16, row: u16, double: bool, cx: &Cx) -> Effect {
        let Some(i) = self.drawn.row_at(col, row, self.view.len()) else { return Effect::None };
        self.selected = i;
        if double && !self.filtering { self.handle(Action::Open, cx) } else { Effect::None }
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        if self.filtering {
            match action {
                Action::Back | Action::Cancel => {
                    self.filter.set("");
                    self.filtering = false;
                    self.rebuild();
                }
                Action::Open | Action::Save => self.filtering = false,
                Action::MoveUp => self.move_by(-1),
                Action::MoveDown => self.move_by(1),
                _ => {}
            }
            return Effect::None;
        }
        let page = 10;
        match action {
            Action::MoveUp => self.move_by(-1),
            Action::MoveDown => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = self.view.len().saturating_sub(1),
            Action::Filter => self.filtering = true,
            Action::SortNext => {
                let i = COLS.iter().position(|c| *c == self.sort).unwrap_or(0);
                self.sort = COLS[(i + 1) % COLS.len()];
                self.rebuild();
            }
            Action::SortReverse => {
                self.reverse = !self.reverse;
                self.rebuild();
            }
            Action::Back => {
                if !self.filter.value().is_empty() {
                    self.filter.set("");
                    self.rebuild();
                } else {
                    return Effect::Quit;
                }
            }
            Action::New => return Effect::Push(Box::new(Self::new_project_form(cx))),
            Action::Ledger => return Effect::Push(Box::new(super::ledger::LedgerScreen::new(cx))),
            Action::Open => {
                if let Some(p) = self.selected_project() {
                    return Effect::Push(Box::new(super::project_view::ProjectView::new(&p.code, cx)));
                }
            }
            Action::Edit | Action::EditTeam | Action::SetPhase | Action::Archive | Action::Reopen => {
                let Some(row) = self.selected_project() else { return Effect::None };
                // The list holds rows only: the form starts from the record as stored now.
                let p = match cx.backend.project(&row.code) {
                    Ok(p) => p,
                    Err(e) => return Effect::Error(e.render(cx.lang)),
                };
                if action == Action::Reopen {
                    if !p.is_archived() {
                        return Effect::Error(fill(cx.t(Msg::NotArchived), &[&p.code]));
                    }
                    return Effect::Push(Box::new(reopen_form(&p, cx)));
                }
                if p.is_archived() {
                    return Effect::Error(cx.t(Msg::ReadOnly).to_string());
                }
                let layer: Box<dyn Layer> = match action {
                    Action::Edit => Box::new(Self::edit_form(&p, cx)),
                    Action::EditTeam => Box::new(team_form(&p, cx)),
                    Action::SetPhase => Box::new(phase_form(&p, cx)),
                    _ => Box::new(archive_confirm(&p, cx)),
                };
                return Effect::Push(layer);
            }
            _ => {}
        }
        Effect::None
    }
    fn input(&mut self, key: KeyEvent, cx: &Cx) -> Effect {
        if !self.filtering {
            return Effect::None;
        }
        // The filter box keeps typing; Enter keeps the filter, Esc clears it, arrows move.
        let action = match key.code {
            KeyCode::Enter => Some(Action::Open),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Up => Some(Action::MoveUp),
            KeyCode::Down => Some(Action::MoveDown),
            _ => None,
        };
        if let Some(a) = action {
            return self.handle(a, cx);
        }
        if self.filter.key(key) {
            self.rebuild();
        }
        Effect::None
    }
    fn paste(&mut self, text: &str) {
        if self.filtering {
            self.filter.insert_str(text);
            self.rebuild();
        }
    }
    fn refresh(&mut self, cx: &Cx) {
        match cx.backend.project_list() {
            Ok(list) => {
                self.rows = list;
                self.load_error = None;
            }
            Err(e) => self.load_error = Some(e.render(cx.lang)),
        }
        self.rebuild();
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let [title, filter, table, totals] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)]).areas(area);
        let sort_name = cx.t(self.sort.title());
        let order = cx.t(if self.reverse { Msg::SortDescending } else { Msg::SortAscending });
        let head = format!(" {}  {}", cx.t(Msg::AppName), fill(cx.t(Msg::SortedBy), &[sort_name, order]));
        f.render_widget(Paragraph::new(Span::styled(head, Style::default().add_modifier(Modifier::BOLD))), title);
        self.render_filter(f, filter, cx);
        self.render_table(f, table, cx);
        let sum = crate::domain::money::sum(self.view.iter().map(|i| &self.rows[*i].amount));
        let line = fill(cx.t(Msg::Totals), &[&self.view.len().to_string(), &fmt2(sum)]);
        f.render_widget(Paragraph::new(Span::styled(format!(" {line}"), Style::default().fg(Color::Yellow))), totals);
    }
}

impl ProjectList {
    fn render_filter(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let label = format!(" {}{}", cx.t(Msg::FilterPrompt), super::findings::colon(cx));
        let lw = width(&label) as u16;
        if self.filtering || !self.filter.value().is_empty() {
            let (view, at) = self.filter.view(area.width.saturating_sub(lw + 1) as usize);
            let hint = if self.filtering { cx.t(Msg::FilterHint) } else { "" };
            let line = Line::from(vec![
                Span::styled(label, Style::default().fg(Color::Cyan)),
                Span::raw(view.clone()),
                Span::styled(format!("  {hint}"), Style::default().fg(Color::DarkGray)),
            ]);
            f.render_widget(Paragraph::new(line), area);
            if self.filtering {
                f.set_cursor_position(Position { x: area.x + lw + at, y: area.y });
            }
        }
    }

    /// The columns that fit, with widths (`widgets::columns`): the code and the figures are
    /// never cut, the name takes the spare cells; narrow terminals leave out kind and year,
    /// then the unit, then the next deadline and the phase.
    fn layout(&self, rows: &[&ProjectRow], total: u16, cx: &Cx) -> Vec<(Col, columns::Col, usize)> {
        let spec: Vec<columns::Col> = COLS
            .iter()
            .map(|c| {
                let want = columns::Col::measure(
                    cx.t(c.title()),
                    rows.iter().map(|r| self.cell(r, *c, cx)).collect::<Vec<_>>().iter().map(String::as_str),
                );
                match c {
                    Col::Name => columns::Col::text(want, 16).grow(),
                    Col::Unit => columns::Col::text(want, 10).shrink(2).drop(3),
                    Col::Kind => columns::Col::keep(want).drop(6),
                    Col::Next => columns::Col::keep(want).drop(2),
                    Col::Phase => columns::Col::keep(want).drop(1),
                    Col::Amount | Col::Open => columns::Col::keep(want).right(),
                    Col::Year => columns::Col::keep(want).right().drop(5),
                    Col::Code | Col::Score => columns::Col::keep(want),
                }
            })
            .collect();
        let widths = columns::fit(&spec, total as usize);
        COLS.iter().zip(spec).zip(widths).filter(|(_, w)| *w > 0).map(|((c, s), w)| (*c, s, w)).collect()
    }

    fn cell(&self, row: &ProjectRow, col: Col, cx: &Cx) -> String {
        match col {
            Col::Code => row.code.clone(),
            Col::Name => row.name.clone(),
            Col::Unit => row.unit.clone(),
            Col::Kind => row.kind.label().to_string(),
            Col::Year => row.fiscal_year.to_string(),
            Col::Amount => fmt2(row.amount),
            Col::Phase => row.phase.label().to_string(),
            Col::Score if row.is_fully_scored() => format!("{} {}", fmt2(row.total), row.result.clone().unwrap_or_default()),
            Col::Score if row.scored > 0 => format!("{}/{}", row.scored, row.leaves),
            Col::Score => String::new(),
            Col::Open => match row.overdue_items(cx.today) {
                0 if row.open_due.is_empty() => String::new(),
                0 => row.open_due.len().to_string(),
                n => format!("{}({n}!)", row.open_due.len()),
            },
            // 11 cells: the Chinese reads 逾期 15 天 / 还有 5 天 (the date is a sort key and on the
            // project's overview); English keeps the date and ±Nd.
            Col::Next => row
                .next_deadline
                .map(|d| match cx.lang {
                    crate::i18n::Lang::Zh => deadline_text(d, cx.today, cx),
                    crate::i18n::Lang::En => d.format("%m-%d").to_string() + " " + &short_days(d, cx.today),
                })
                .unwrap_or_default(),
        }
    }

    fn render_table(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let block = Block::default().borders(Borders::TOP | Borders::BOTTOM).border_style(Style::default().fg(Color::DarkGray));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if let Some(e) = &self.load_error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), inner);
            return;
        }
        let body = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
        let height = body.height as usize;
        let offset = crate::tui::widgets::follow(&self.offset, self.selected, height);
        // Widths from the rows on screen (a long list is not measured whole on every frame).
        let shown: Vec<&ProjectRow> = self.view.iter().skip(offset).take(height).map(|i| &self.rows[*i]).collect();
        let layout = self.layout(&shown, inner.width, cx);
        let render_row = |cells: Vec<String>| -> String {
            let (spec, widths): (Vec<columns::Col>, Vec<usize>) = layout.iter().map(|(_, c, w)| (*c, *w)).unzip();
            columns::row(&cells, &spec, &widths)
        };
        let header = render_row(layout.iter().map(|(c, _, _)| cx.t(c.title()).to_string()).collect());
        f.render_widget(Paragraph::new(Span::styled(header, Style::default().add_modifier(Modifier::BOLD))), Rect { height: 1, ..inner });
        if self.view.is_empty() {
            let msg =
                if self.rows.is_empty() { cx.t(Msg::NoProjects).to_string() } else { fill(cx.t(Msg::NoMatch), &[&self.filter.value()]) };
            f.render_widget(Paragraph::new(msg).style(Style::default().fg(Color::DarkGray)), body);
            return;
        }
        self.drawn.set(body, offset);
        let mut lines = Vec::with_capacity(height);
        for (n, row) in shown.iter().enumerate() {
            let n = n + offset;
            let cells: Vec<String> = layout.iter().map(|(c, _, _)| self.cell(row, *c, cx)).collect();
            let mut style = Style::default();
            if row.is_archived() {
                style = style.fg(Color::DarkGray);
            } else if row.overdue_items(cx.today) > 0 {
                style = style.fg(Color::Red);
            }
            if n == self.selected {
                style = style.bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD);
            }
            lines.push(Line::from(Span::styled(truncate(&render_row(cells), body.width as usize), style)));
        }
        f.render_widget(Paragraph::new(lines), body);
    }
}

fn short_days(date: NaiveDate, today: NaiveDate) -> String {
    let d = (date - today).num_days();
    if d < 0 { format!("{d}d") } else { format!("+{d}d") }
}
