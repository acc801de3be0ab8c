//! The findings tab (问题): the project's findings with their items; record, correct,
//! publish, withdraw, add evidence, and start rectification items from a finding.

use super::form::{Field, Form};
use super::picker::PickItem;
use super::popups::Confirm;
use super::project_list::{required, split_list};
use crate::backend::Fetch;
use crate::command::Command;
use crate::domain::money::{fmt2, parse_amount};
use crate::domain::rect::DEFAULT_DUE_DAYS;
use crate::domain::tree::{IndicatorRef, IndicatorTree};
use crate::domain::{Finding, FindingState, Project, RectItem, Severity};
use crate::text::{truncate, wrap};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::columns::{self, Col};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::cell::Cell;

const SEVERITIES: [Severity; 3] = [Severity::Minor, Severity::Serious, Severity::Major];

/// Where the finding form keeps the short title and 评价依据 (the reason of a correction follows).
const TITLE: usize = 5;
const BASIS: usize = 6;

pub struct Findings {
    code: String,
    pub list: Vec<Finding>,
    items: Vec<RectItem>,
    tree: Option<IndicatorTree>,
    categories: Vec<String>,
    pub selected: usize,
    offset: Cell<usize>,
    drawn: crate::tui::widgets::Drawn,
    error: Option<String>,
}

/// The label colon of the current language.
pub fn colon(cx: &Cx) -> &'static str {
    if cx.lang == crate::i18n::Lang::Zh { "：" } else { ": " }
}

/// A note in parentheses as the current language writes it: `（x）` in Chinese, ` (x)` in
/// English, whose screens show no full-width punctuation.
pub fn paren(cx: &Cx, text: &str) -> String {
    if cx.lang == crate::i18n::Lang::Zh { format!("（{text}）") } else { format!(" ({text})") }
}

/// Parses a date typed as 2026-12-31 (also 2026/12/31 or 20261231).
pub fn parse_date(v: &str, cx: &Cx) -> Result<chrono::NaiveDate, String> {
    let t = v.trim().replace('/', "-");
    chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(&t, "%Y%m%d"))
        .map_err(|_| fill(cx.t(Msg::NotADate), &[v]))
}

pub fn check_date(v: &str, cx: &Cx) -> Result<(), String> {
    parse_date(v, cx).map(|_| ())
}

fn check_optional_amount(v: &str, _cx: &Cx) -> Result<(), String> {
    if v.trim().is_empty() { Ok(()) } else { parse_amount(v).map(|_| ()) }
}

impl Findings {
    pub fn new(code: &str) -> Self {
        Findings {
            code: code.to_string(),
            list: vec![],
            items: vec![],
            tree: None,
            categories: vec![],
            selected: 0,
            offset: Cell::new(0),
            drawn: Default::default(),
            error: None,
        }
    }

    pub fn refresh(&mut self, cx: &Cx) {
        let b = cx.backend;
        let code = self.code.clone();
        let mut load = || -> crate::domain::Result<()> {
            self.list = b.findings(&code)?;
            self.items = b.items(&code)?;
            self.tree = Some(b.tree(&code)?);
            self.categories = b.categories()?;
            Ok(())
        };
        self.error = load().err().map(|e| e.render(cx.lang));
        self.list.sort_by_key(|f| f.seq);
        self.selected = self.selected.min(self.list.len().saturating_sub(1));
    }

    fn selected_finding(&self) -> Option<&Finding> {
        self.list.get(self.selected)
    }

    fn indicator_names(&self, f: &Finding) -> String {
        let Some(t) = &self.tree else { return String::new() };
        f.body.indicators.iter().filter_map(|id| t.node(*id)).map(|n| n.name.clone()).collect::<Vec<_>>().join("、")
    }

    /// A click on a row selects it; a double click acts on it as `e` does.
    pub fn click(&mut self, col: u16, row: u16, double: bool, project: Option<&Project>, cx: &Cx) -> Effect {
        let Some(i) = self.drawn.row_at(col, row, self.list.len()) else { return Effect::None };
        self.selected = i;
        if double { self.handle(Action::Edit, project, cx) } else { Effect::None }
    }

    pub fn handle(&mut self, action: Action, project: Option<&Project>, cx: &Cx) -> Effect {
        if crate::tui::widgets::navigate(&mut self.selected, self.list.len(), action) {
            return Effect::None;
        }
        let Some(p) = project else { return Effect::None };
        if p.is_archived() {
            return Effect::Error(cx.t(Msg::ReadOnly).to_string());
        }
        self.act(action, p, cx)
    }

    fn act(&self, action: Action, p: &Project, cx: &Cx) -> Effect {
        match action {
            Action::New => return Effect::Push(Box::new(self.finding_form(None, p, cx))),
            Action::EditCategories => return Effect::Push(Box::new(self.categories_form(cx))),
            _ => {}
        }
        let Some(f) = self.selected_finding() else { return Effect::None };
        let owner = super::undo::Owner::Finding { id: f.id, version: f.meta.version };
        match action {
            Action::History => return super::undo::finding_history(f, cx),
            Action::OpenEvidence => return super::undo::evidence_list(owner, &format!("问题 #{}", f.seq), &f.body.evidence, false, cx),
            _ => {}
        }
        if f.state == FindingState::Withdrawn
            && matches!(
                action,
                Action::Edit | Action::NewItem | Action::AddEvidence | Action::RemoveEvidence | Action::Publish | Action::Withdraw
            )
        {
            return Effect::Error(cx.t(Msg::FnWithdrawnFirst).to_string());
        }
        let label = format!("#{}", f.seq);
        if action == Action::Publish && f.state != FindingState::Draft {
            return Effect::Error(fill(cx.t(Msg::FnAlreadyPublished), &[&label]));
        }
        match action {
            Action::Edit => Effect::Push(Box::new(self.finding_form(Some(f), p, cx))),
            Action::Publish => {
                let cmd = Command::PublishFinding { finding: f.id, expected_version: Some(f.meta.version) };
                Effect::Push(Box::new(Confirm::new(fill(cx.t(Msg::FnPublishConfirm), &[&label]), cmd, Some(cx.t(Msg::Saved).into()))))
            }
            Action::Withdraw => {
                let (id, version) = (f.id, f.meta.version);
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::WithdrawFinding { finding: id, reason: v[0].trim().to_string(), expected_version: Some(version) })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(required)];
                let form = Form::new(fill(cx.t(Msg::FnWithdrawTitle), &[&label]), fields, submit, Some(cx.t(Msg::Saved).into()));
                Effect::Push(Box::new(form.confirming(cx.t(Msg::FnWithdrawConfirm).to_string())))
            }
            Action::NewItem => Effect::Push(Box::new(item_form(f, p, cx))),
            Action::AddEvidence => Effect::Push(Box::new(self.evidence_form(f, cx))),
            Action::RemoveEvidence => super::undo::evidence_list(owner, &label, &f.body.evidence, true, cx),
            _ => Effect::None,
        }
    }

    /// New finding (None) or its correction: a draft is edited in place, a published one
    /// gets a new revision and needs the reason.
    fn finding_form(&self, f: Option<&Finding>, p: &Project, cx: &Cx) -> Form {
        // A new finding starts with no category chosen, so none is given by accident.
        let mut categories = self.categories.clone();
        if let Some(c) = f.map(|f| f.body.category.clone()).filter(|c| !categories.contains(c)) {
            categories.push(c);
        }
        let categories: Vec<PickItem> = categories.iter().map(|c| PickItem::plain(c)).collect();
        let chosen_category: Vec<String> = f.map(|f| f.body.category.clone()).into_iter().collect();
        let indicators = self.tree.as_ref().map(|t| indicator_items(t, cx)).unwrap_or_default();
        let linked: Vec<String> = match (f, &self.tree) {
            (Some(f), Some(t)) => f.body.indicators.iter().filter(|id| t.node(**id).is_some()).map(|id| t.path(*id)).collect(),
            _ => vec![],
        };
        let severities: Vec<String> = SEVERITIES.iter().map(|s| s.label().to_string()).collect();
        let mut fields = vec![
            Field::text(cx.t(Msg::FnText), f.map(|f| f.body.text.as_str()).unwrap_or("")).checked(required),
            Field::pick(cx.t(Msg::FnCategory), categories, chosen_category, false),
            Field::choice(cx.t(Msg::FnSeverity), severities, f.map(|f| f.body.severity.label()).unwrap_or("一般")),
            Field::text(cx.t(Msg::FnAmount), &f.and_then(|f| f.body.amount).map(fmt2).unwrap_or_default()).checked(check_optional_amount),
            Field::pick(cx.t(Msg::FnIndicators), indicators, linked, true),
            // The short title (a notice's heading) and 评价依据, at TITLE and BASIS.
            Field::text(cx.t(Msg::FnTitle), f.map(|f| f.body.title.as_str()).unwrap_or("")).hint(cx.t(Msg::FnTitleHint).into()),
            Field::lines(cx.t(Msg::FnBasis), f.map(|f| f.body.basis.as_str()).unwrap_or("")).hint(cx.t(Msg::FnBasisHint).into()),
        ];
        let published = f.is_some_and(|f| f.state == FindingState::Published);
        if published {
            fields.push(Field::text(cx.t(Msg::FnNote), "").checked(required));
        }
        let code = p.code.clone();
        let target = f.map(|f| (f.id, f.meta.version, f.body.evidence.clone()));
        let submit = Box::new(move |v: &[String], cx: &Cx| {
            if v[1].trim().is_empty() {
                return Err((1, fill(cx.t(Msg::PickRequired), &[cx.t(Msg::FnCategory)])));
            }
            let severity = SEVERITIES.iter().copied().find(|s| s.label() == v[2]).unwrap_or(Severity::Minor);
            let amount = if v[3].trim().is_empty() { None } else { Some(parse_amount(&v[3]).map_err(|e| (3, e))?) };
            let indicators: Vec<IndicatorRef> = split_list(&v[4]).into_iter().map(IndicatorRef::Name).collect();
            Ok(match &target {
                None => Command::RecordFinding {
                    project: code.clone(),
                    text: v[0].trim().to_string(),
                    category: v[1].clone(),
                    severity,
                    amount,
                    indicators,
                    evidence: vec![],
                    publish: false,
                    title: v[TITLE].trim().to_string(),
                    basis: v[BASIS].trim().to_string(),
                },
                Some((id, version, evidence)) => Command::ReviseFinding {
                    finding: *id,
                    expected_version: Some(*version),
                    text: v[0].trim().to_string(),
                    category: v[1].clone(),
                    severity,
                    amount,
                    indicators,
                    evidence: evidence.clone(),
                    note: v.get(BASIS + 1).cloned().unwrap_or_default(),
                    title: Some(v[TITLE].trim().to_string()),
                    basis: Some(v[BASIS].trim().to_string()),
                },
            })
        });
        let title = match f {
            None => fill(cx.t(Msg::FnNew), &[&p.name]),
            Some(f) => fill(cx.t(Msg::FnEdit), &[&format!("#{}", f.seq)]),
        };
        let key = match f {
            None => format!("finding-new-{}", p.code),
            Some(f) => format!("finding-edit-{}", f.id),
        };
        Form::new(title, fields, submit, Some(cx.t(Msg::Saved).into())).draft(key)
    }

    fn evidence_form(&self, f: &Finding, cx: &Cx) -> Form {
        let fields = vec![Field::text(cx.t(Msg::EvidenceField), "").checked(required)];
        let f = f.clone();
        let note = cx.t(Msg::FnEvidenceNote).to_string();
        let submit = Box::new(move |v: &[String], cx: &Cx| {
            let mut evidence = f.body.evidence.clone();
            evidence.extend(super::evidence::list_from_input(&v[0], cx).map_err(|e| (0, e))?);
            Ok(Command::ReviseFinding {
                finding: f.id,
                expected_version: Some(f.meta.version),
                text: f.body.text.clone(),
                category: f.body.category.clone(),
                severity: f.body.severity,
                amount: f.body.amount,
                indicators: f.body.indicators.iter().map(|i| IndicatorRef::Id(*i)).collect(),
                evidence,
                note: note.clone(),
                basis: None,
                title: None,
            })
        });
        Form::new(
            fill(cx.t(Msg::EvidenceTitle), &[&format!("#{}", self.selected_finding().map(|f| f.seq).unwrap_or(0))]),
            fields,
            submit,
            Some(cx.t(Msg::Saved).into()),
        )
        .with_note(cx.t(Msg::EvidenceHint).into())
    }

    fn categories_form(&self, cx: &Cx) -> Form {
        let fields = vec![Field::text(cx.t(Msg::FnCategoriesField), &self.categories.join("、")).checked(required)];
        let submit = Box::new(|v: &[String], _cx: &Cx| Ok(Command::SetCategories { categories: split_list(&v[0]) }));
        Form::new(cx.t(Msg::FnCategoriesTitle).to_string(), fields, submit, Some(cx.t(Msg::Saved).into()))
    }

    pub fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), area);
            return;
        }
        if self.list.is_empty() {
            f.render_widget(Paragraph::new(cx.t(Msg::FnNone)).style(Style::default().fg(Color::DarkGray)), area);
            return;
        }
        let (list, detail) = split(area);
        self.render_list(f, list, cx);
        self.render_detail(f, detail, cx);
    }

    fn render_list(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        // Columns (`widgets::columns`): number, state and amount never cut; the text takes
        // the spare cells; the category gives way, then the severity is left out.
        let height = area.height.saturating_sub(1) as usize;
        let offset = crate::tui::widgets::follow(&self.offset, self.selected, height);
        let cells: Vec<[String; 6]> = self
            .list
            .iter()
            .skip(offset)
            .take(height)
            .map(|fd| {
                let amount = fd.body.amount.map(fmt2).unwrap_or_default();
                let (no, state, sev) = (format!("#{}", fd.seq), fd.state.label().to_string(), fd.body.severity.label().to_string());
                [no, state, sev, fd.body.category.clone(), amount, fd.body.text.clone()]
            })
            .collect();
        let titles = [
            cx.t(Msg::FnColNo),
            cx.t(Msg::FnColState),
            cx.t(Msg::FnColSeverity),
            cx.t(Msg::FnColCategory),
            cx.t(Msg::FnColAmount),
            cx.t(Msg::FnColText),
        ];
        let measure = |k: usize| Col::measure(titles[k], cells.iter().map(|c| c[k].as_str()));
        let spec = [
            Col::keep(measure(0)),
            Col::keep(measure(1)),
            Col::keep(measure(2)).drop(1),
            Col::text(measure(3), 8).shrink(2),
            Col::keep(measure(4)).right(),
            Col::text(measure(5), 16).grow(),
        ];
        let widths = columns::fit(&spec, area.width as usize);
        let row = |c: &[&str]| truncate(&columns::row(c, &spec, &widths), area.width as usize);
        let mut lines = vec![Line::from(Span::styled(row(&titles), Style::default().add_modifier(Modifier::BOLD)))];
        self.drawn.set(Rect { y: area.y + 1, height: height as u16, ..area }, offset);
        for ((i, fd), c) in self.list.iter().enumerate().skip(offset).take(height).zip(&cells) {
            let text = row(&c.each_ref().map(String::as_str));
            let mut style = match fd.state {
                FindingState::Draft => Style::default().fg(Color::Yellow),
                FindingState::Published => Style::default(),
                FindingState::Withdrawn => Style::default().fg(Color::DarkGray),
            };
            if i == self.selected {
                style = style.bg(Color::Blue).fg(Color::White);
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
        f.render_widget(Paragraph::new(lines), area);
    }

    fn render_detail(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let block = Block::default().borders(Borders::TOP).border_style(Style::default().fg(Color::DarkGray));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let Some(fd) = self.selected_finding() else { return };
        let cyan = Style::default().fg(Color::Cyan);
        let mut lines: Vec<(String, Style)> =
            vec![(format!("#{} {}  {}  {}", fd.seq, fd.state.label(), fd.body.category, fd.body.severity.label()), cyan)];
        lines.push((fd.body.text.clone(), Style::default()));
        // The title and 评价依据 when written (a notice prints them); each basis line its own.
        if !fd.body.title.trim().is_empty() {
            lines.push((format!("{}{}{}", cx.t(Msg::FnTitle), colon(cx), fd.body.title.trim()), Style::default()));
        }
        for (i, l) in fd.body.basis.trim().lines().enumerate() {
            let label = if i == 0 { format!("{}{}", cx.t(Msg::FnBasis), colon(cx)) } else { "  ".to_string() };
            lines.push((format!("{label}{l}"), Style::default()));
        }
        let names = self.indicator_names(fd);
        if !names.is_empty() {
            lines.push((format!("{}{}{names}", cx.t(Msg::FnIndicatorsLabel), colon(cx)), Style::default()));
        }
        for e in &fd.body.evidence {
            lines.push((format!("- {}", super::scoring::evidence_line(e)), Style::default()));
        }
        if let Some(r) = &fd.withdraw_reason {
            lines.push((format!("{}{}{r}", cx.t(Msg::FnWithdrawn), colon(cx)), Style::default().fg(Color::DarkGray)));
        }
        if !fd.history.is_empty() {
            lines.push((format!("{}{}{}", cx.t(Msg::FnRevisions), colon(cx), fd.history.len()), cyan));
            for r in &fd.history {
                lines.push((
                    format!("  {} {}：{}（{}）", super::scoring::local_time(r.at), r.by, truncate(&r.body.text, 40), r.note),
                    Style::default().fg(Color::DarkGray),
                ));
            }
        }
        let items: Vec<&RectItem> = self.items.iter().filter(|i| i.finding == fd.id).collect();
        if !items.is_empty() {
            lines.push((cx.t(Msg::FnItems).to_string(), cyan));
            for it in items {
                lines.push((format!("  #{} {} {} {}", it.id, it.state.label(), it.due, truncate(&it.requirement, 40)), Style::default()));
            }
        }
        let out: Vec<Line> = lines
            .into_iter()
            .flat_map(|(t, st)| wrap(&t, inner.width as usize).into_iter().map(move |l| Line::from(Span::styled(l, st))))
            .collect();
        f.render_widget(Paragraph::new(out), inner);
    }
}

/// Every indicator for the finding's picker, in tree order: its name, and under it the
/// path (一级/二级/三级) and the points it lost (points − score) once scored. The value
/// is the path, which names one indicator even where names repeat.
fn indicator_items(t: &IndicatorTree, cx: &Cx) -> Vec<PickItem> {
    t.nodes
        .iter()
        .map(|n| {
            let path = t.path(n.id);
            let lost = match t.score_of(n.id) {
                Some(score) => fill(cx.t(Msg::PickPointsLost), &[&(n.points - score).normalize().to_string()]),
                None => cx.t(Msg::PickUnscored).to_string(),
            };
            let detail = format!("{path} · {} {} · {lost}", cx.t(Msg::ScColPoints), n.points.normalize());
            PickItem { value: path.clone(), label: n.name.clone(), detail, also: vec![path] }
        })
        .collect()
}

/// List above, detail below; the detail gets at least a third of the height.
pub fn split(area: Rect) -> (Rect, Rect) {
    let [a, b] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    (a, b)
}

/// A new rectification item from a finding: due defaults to today + 30 days.
fn item_form(f: &Finding, p: &Project, cx: &Cx) -> Form {
    let due = (cx.today + chrono::Duration::days(DEFAULT_DUE_DAYS)).to_string();
    let fields = vec![
        Field::text(cx.t(Msg::ItRequirement), "").checked(required),
        Field::pick(cx.t(Msg::ItUnit), super::project_list::unit_items(cx), vec![p.unit.clone()], false).free().checked(required),
        Field::text(cx.t(Msg::ItContact), ""),
        Field::text(cx.t(Msg::ItDue), &due).checked(check_date),
    ];
    let id = f.id;
    let submit = Box::new(move |v: &[String], cx: &Cx| {
        Ok(Command::CreateItem {
            finding: id,
            requirement: v[0].trim().to_string(),
            unit: Some(v[1].trim().to_string()),
            contact: v[2].trim().to_string(),
            due: Some(parse_date(&v[3], cx).map_err(|e| (3, e))?),
        })
    });
    Form::new(fill(cx.t(Msg::ItNew), &[&format!("#{}", f.seq)]), fields, submit, Some(cx.t(Msg::Saved).into()))
        .draft(format!("item-new-{id}"))
}
