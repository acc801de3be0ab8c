//! One project: tabs 概况 (overview), 评分 (scoring), 问题 (findings), 整改 (rectification) and
//! 报告 (the evaluation report).

use super::project_list::{archive_confirm, deadline_text, phase_form, reopen_form, team_form};
use super::scoring::Scoring;
use crate::backend::Fetch;
use crate::domain::money::fmt2;
use crate::domain::{Milestone, Project, ResultKind};
use crate::read::summary::Summary;
use crate::text;
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Scoring,
    Findings,
    Rectification,
    Report,
}

const TABS: [Tab; 5] = [Tab::Overview, Tab::Scoring, Tab::Findings, Tab::Rectification, Tab::Report];

pub struct ProjectView {
    code: String,
    project: Option<Project>,
    summary: Summary,
    /// Steps taken despite failing self-checks; the overview shows the latest.
    overrides: Vec<crate::domain::selfcheck::Override>,
    /// The dossiers archiving wrote; the overview shows the latest.
    dossiers: Vec<crate::domain::project::DossierNote>,
    /// The title of the project's template (its name when the template is gone).
    template_title: String,
    milestones: Vec<Milestone>,
    pub tab: Tab,
    pub scoring: Scoring,
    pub findings: super::findings::Findings,
    pub rect: super::rectification::Rectification,
    pub report: super::report::ReportTab,
    error: Option<String>,
    /// Where the tab titles were last drawn, for clicks.
    tabs_at: std::cell::Cell<Rect>,
}

impl ProjectView {
    pub fn new(code: &str, cx: &Cx) -> Self {
        let mut v = ProjectView {
            code: code.to_string(),
            project: None,
            summary: Summary::default(),
            overrides: vec![],
            dossiers: vec![],
            template_title: String::new(),
            milestones: vec![],
            tab: Tab::Overview,
            scoring: Scoring::new(code),
            findings: super::findings::Findings::new(code),
            rect: super::rectification::Rectification::new(code),
            report: super::report::ReportTab::new(code),
            error: None,
            tabs_at: Default::default(),
        };
        v.refresh(cx);
        v
    }

    /// The project on its 整改 tab, the cursor on the first item `pick` accepts (the ledger
    /// and the dashboard open a row this way).
    pub fn on_item(code: &str, cx: &Cx, pick: impl Fn(&crate::domain::RectItem) -> bool) -> Self {
        let mut view = ProjectView::new(code, cx);
        view.tab = Tab::Rectification;
        if let Some(i) = view.rect.items.iter().position(pick) {
            view.rect.selected = i;
        }
        view
    }

    /// The project on the tab where a self-check row is fixed, that record selected.
    pub fn at(code: &str, cx: &Cx, target: &crate::domain::selfcheck::Target) -> Self {
        use crate::domain::selfcheck::Target;
        let mut view = match target {
            Target::Item(id) => return ProjectView::on_item(code, cx, |it| it.id == *id),
            _ => ProjectView::new(code, cx),
        };
        match target {
            Target::Indicator(id) => {
                view.tab = Tab::Scoring;
                if let Some(i) = view.scoring.tree.as_ref().and_then(|t| t.nodes.iter().position(|n| n.id == *id)) {
                    view.scoring.selected = i;
                }
            }
            Target::Finding(id) => {
                view.tab = Tab::Findings;
                if let Some(i) = view.findings.list.iter().position(|f| f.id == *id) {
                    view.findings.selected = i;
                }
            }
            Target::Section(key) => {
                view.tab = Tab::Report;
                view.report.select_section(|s| s.key == *key);
            }
            Target::Cover => {
                view.tab = Tab::Report;
                view.report.select_section(|s| s.generator == Some(crate::domain::outline::Generator::Cover));
            }
            Target::Item(_) | Target::None => {}
        }
        view
    }

    fn load(&mut self, cx: &Cx) -> crate::domain::Result<()> {
        self.project = Some(cx.backend.project(&self.code)?);
        self.milestones = cx.backend.milestones(Some(&self.code))?;
        self.summary = cx.backend.summary(&self.code)?;
        self.overrides = cx.backend.self_check(&self.code)?.overrides;
        self.dossiers = cx.backend.dossiers(&self.code)?;
        if let Some(p) = &self.project {
            let (templates, _) = cx.backend.templates()?;
            self.template_title =
                templates.into_iter().find(|(n, _)| *n == p.template).map(|(_, t)| t).unwrap_or_else(|| p.template.clone());
        }
        Ok(())
    }

    fn switch(&mut self, delta: isize) {
        let i = TABS.iter().position(|t| *t == self.tab).unwrap_or(0) as isize;
        self.tab = TABS[(i + delta).rem_euclid(TABS.len() as isize) as usize];
    }

    fn render_overview(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let Some(p) = &self.project else { return };
        let label_w = 16;
        let row = |label: Msg, value: String| -> Line<'static> {
            Line::from(vec![Span::styled(text::pad_right(cx.t(label), label_w), Style::default().fg(Color::Cyan)), Span::raw(value)])
        };
        let none = || cx.t(Msg::OvNone).to_string();
        let mut lines = vec![
            Line::from(Span::styled(format!("{} {}", p.code, p.name), Style::default().add_modifier(Modifier::BOLD))),
            Line::from(""),
            row(Msg::OvKind, p.kind.label().to_string()),
            row(Msg::FieldTemplate, self.template_title.clone()),
            row(Msg::OvYear, p.fiscal_year.to_string()),
            row(Msg::OvUnit, p.unit.clone()),
            row(Msg::OvAmount, format!("{} 万元", fmt2(p.amount))),
            row(Msg::OvNotes, if p.fund_notes.is_empty() { none() } else { p.fund_notes.join("、") }),
            row(Msg::OvFirm, p.third_party.clone().unwrap_or_else(none)),
            row(
                Msg::OvTeam,
                format!(
                    "{}（{}）{}",
                    p.team.lead,
                    cx.t(Msg::OvLead),
                    if p.team.members.is_empty() { String::new() } else { format!("、{}", p.team.members.join("、")) }
                ),
            ),
            row(Msg::OvPhase, p.phase.label().to_string()),
        ];
        let s = &self.summary;
        let result_label = if self.scoring.result_kind() == Some(ResultKind::Conclusion) { Msg::OvConclusion } else { Msg::OvResult };
        lines.push(row(Msg::OvScore, if s.scored > 0 { fmt2(s.total) } else { none() }));
        lines.push(row(result_label, if s.is_fully_scored() { s.result.clone().unwrap_or_default() } else { none() }));
        lines.push(row(Msg::OvProgress, format!("{}/{}", s.scored, s.leaves)));
        let overdue = s.overdue_items(cx.today);
        let open = format!(
            "{}{}",
            s.open_items.len(),
            if overdue > 0 { super::findings::paren(cx, &format!("{} {overdue}", cx.t(Msg::OvOverdue))) } else { String::new() }
        );
        lines.push(row(Msg::OvOpenItems, open));
        if let Some(r) = &p.result_use {
            let amount = r.amount.map(|a| format!(" {} 万元", fmt2(a))).unwrap_or_default();
            let rec = serde_json::to_value(r.recommendation).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            lines.push(row(Msg::OvResultUse, format!("{rec}{amount}：{}", r.reason)));
        }
        if let Some(d) = self.dossiers.last() {
            // The folder, then the manifest's sha256 in full: the value for the paper file.
            let width = usize::from(area.width).saturating_sub(label_w);
            lines.push(row(
                Msg::OvDossier,
                text::truncate(&format!("{}{}", d.dir, super::findings::paren(cx, &d.at.format("%Y-%m-%d").to_string())), width),
            ));
            lines.push(row(Msg::OvManifest, text::truncate(&d.manifest_sha256, width)));
        }
        if let Some(o) = self.overrides.last() {
            let more = if self.overrides.len() > 1 {
                fill(cx.t(Msg::OvOverrideMore), &[&self.overrides.len().to_string()])
            } else {
                String::new()
            };
            lines.push(Line::from(vec![
                Span::styled(text::pad_right(cx.t(Msg::OvOverride), label_w), Style::default().fg(Color::Cyan)),
                // One line: the full text is in `jixiao check --project`.
                Span::styled(
                    text::truncate(&format!("{}{more}", o.line()), usize::from(area.width).saturating_sub(label_w)),
                    Style::default().fg(Color::Yellow),
                ),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(cx.t(Msg::OvMilestones).to_string(), Style::default().add_modifier(Modifier::BOLD))));
        if self.milestones.is_empty() {
            lines.push(Line::from(none()));
        }
        let mut ms: Vec<&Milestone> = self.milestones.iter().collect();
        ms.sort_by_key(|m| m.due);
        for m in ms {
            let (state, style) = match m.done_on {
                Some(_) => (cx.t(Msg::Done).to_string(), Style::default().fg(Color::DarkGray)),
                None if m.due < cx.today => (deadline_text(m.due, cx.today, cx), Style::default().fg(Color::Red)),
                None => (deadline_text(m.due, cx.today, cx), Style::default()),
            };
            lines.push(Line::from(Span::styled(format!("  {}  {}  {state}", m.due, m.title), style)));
        }
        f.render_widget(Paragraph::new(crate::tui::widgets::wrap_lines(lines, area.width as usize)), area);
    }
}

impl Layer for ProjectView {
    fn context(&self) -> &'static str {
        match self.tab {
            Tab::Scoring => "scoring",
            Tab::Findings => "findings",
            Tab::Rectification => "rectification",
            Tab::Report => "report",
            Tab::Overview => "project_view",
        }
    }
    fn unused_actions(&self) -> &'static [Action] {
        if self.tab == Tab::Report { &[] } else { &[Action::Open] }
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        match action {
            Action::NextTab => self.switch(1),
            Action::PrevTab => self.switch(-1),
            Action::TabOverview => self.tab = Tab::Overview,
            Action::TabScoring => self.tab = Tab::Scoring,
            Action::TabFindings => self.tab = Tab::Findings,
            Action::TabRectification => self.tab = Tab::Rectification,
            Action::TabReport => self.tab = Tab::Report,
            // Esc after a find in the tree ends the find first.
            Action::Back if self.tab == Tab::Scoring && self.scoring.find.is_on() => self.scoring.find = Default::default(),
            Action::Back => return Effect::Pop,
            Action::SelfCheck => {
                return match super::selfcheck::SelfCheckPopup::open(&self.code, cx) {
                    Ok(popup) => Effect::Push(Box::new(popup)),
                    Err(e) => Effect::Error(e.render(cx.lang)),
                };
            }
            _ if self.tab == Tab::Scoring => return self.scoring.handle(action, self.project.as_ref(), cx),
            _ if self.tab == Tab::Findings => return self.findings.handle(action, self.project.as_ref(), cx),
            _ if self.tab == Tab::Rectification => return self.rect.handle(action, self.project.as_ref(), cx),
            _ if self.tab == Tab::Report => return self.report.handle(action, self.project.as_ref(), cx),
            Action::Milestones => return Effect::Push(Box::new(super::milestones::MilestonesScreen::new(Some(&self.code), cx))),
            Action::QualityReviewer => {
                let current = cx.backend.reviews(&self.code).ok().and_then(|r| r.quality_reviewer);
                return Effect::Push(Box::new(super::settings_forms::quality_reviewer_form(&self.code, current.as_deref(), cx)));
            }
            Action::ResultUse => {
                let Some(p) = &self.project else { return Effect::None };
                if p.is_archived() {
                    return Effect::Error(cx.t(Msg::ReadOnly).to_string());
                }
                return Effect::Push(Box::new(result_use_form(p, cx)));
            }
            Action::Edit | Action::EditTeam | Action::SetPhase | Action::Archive | Action::Reopen => {
                let Some(p) = &self.project else { return Effect::None };
                if p.is_archived() != (action == Action::Reopen) {
                    return Effect::Error(if p.is_archived() {
                        cx.t(Msg::ReadOnly).to_string()
                    } else {
                        fill(cx.t(Msg::NotArchived), &[&p.code])
                    });
                }
                let layer: Box<dyn Layer> = match action {
                    Action::SetPhase => Box::new(phase_form(p, cx)),
                    Action::Archive => Box::new(archive_confirm(p, cx)),
                    Action::Reopen => Box::new(reopen_form(p, cx)),
                    Action::Edit => Box::new(super::project_list::ProjectList::edit_form(p, cx)),
                    _ => Box::new(team_form(p, cx)),
                };
                return Effect::Push(layer);
            }
            _ => {}
        }
        Effect::None
    }
    fn click(&mut self, col: u16, row: u16, double: bool, cx: &Cx) -> Effect {
        let tabs = self.tabs_at.get();
        if row == tabs.y && tabs.contains(ratatui::layout::Position { x: col, y: row }) {
            // As ratatui's Tabs draws them: " title " and a one-cell divider after each.
            let titles = [Msg::TabOverview, Msg::TabScoring, Msg::TabFindings, Msg::TabRect, Msg::TabReport].map(|m| cx.t(m));
            let mut x = tabs.x;
            for (tab, title) in TABS.iter().zip(titles) {
                let w = text::width(title) as u16 + 2;
                if col < x + w {
                    self.tab = *tab;
                    break;
                }
                x += w + 1;
            }
            return Effect::None;
        }
        let project = self.project.as_ref();
        match self.tab {
            Tab::Scoring => self.scoring.click(col, row, double, project, cx),
            Tab::Findings => self.findings.click(col, row, double, project, cx),
            Tab::Rectification => self.rect.click(col, row, double, project, cx),
            Tab::Overview | Tab::Report => Effect::None,
        }
    }
    fn paste_effect(&mut self, text: &str, cx: &Cx) -> Option<Effect> {
        if self.tab != Tab::Scoring {
            return None;
        }
        self.scoring.paste(text, self.project.as_ref(), cx)
    }
    fn wants_text(&self) -> bool {
        self.tab == Tab::Scoring && self.scoring.find.typing
    }
    fn input(&mut self, key: KeyEvent, _cx: &Cx) -> Effect {
        if self.wants_text() {
            return self.scoring.find_key(key);
        }
        Effect::None
    }
    fn refresh(&mut self, cx: &Cx) {
        self.error = self.load(cx).err().map(|e| e.render(cx.lang));
        self.scoring.refresh(cx);
        self.findings.refresh(cx);
        self.rect.refresh(cx);
        self.report.refresh(cx);
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let [tabs_area, rule, body] = Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let titles = [Msg::TabOverview, Msg::TabScoring, Msg::TabFindings, Msg::TabRect, Msg::TabReport].map(|m| cx.t(m));
        let selected = TABS.iter().position(|t| *t == self.tab).unwrap_or(0);
        let tabs_w = titles.iter().map(|t| text::width(t) as u16 + 3).sum::<u16>() + 1;
        let [left, right] = Layout::horizontal([Constraint::Length(tabs_w), Constraint::Min(0)]).areas(tabs_area);
        let tabs =
            Tabs::new(titles.to_vec()).divider("|").select(selected).highlight_style(Style::default().fg(Color::Black).bg(Color::Cyan));
        f.render_widget(tabs, left);
        self.tabs_at.set(left);
        if let Some(p) = &self.project {
            // The code whole; the name gets the rest of the row.
            let room = (right.width as usize).saturating_sub(text::width(&p.code) + 2);
            let name = format!(" {} {}", p.code, text::truncate(&p.name, room));
            f.render_widget(Paragraph::new(Span::styled(name, Style::default().add_modifier(Modifier::BOLD))), right);
        }
        f.render_widget(Block::default().borders(Borders::TOP).border_style(Style::default().fg(Color::DarkGray)), rule);
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), body);
            return;
        }
        match self.tab {
            Tab::Overview => self.render_overview(f, body, cx),
            Tab::Scoring => self.scoring.render(f, body, self.project.as_ref(), cx),
            Tab::Findings => self.findings.render(f, body, cx),
            Tab::Rectification => self.rect.render(f, body, cx),
            Tab::Report => self.report.render(f, body, cx),
        }
    }
}

/// 结果应用: the recommendation for the next budget, the amount and the reason.
fn result_use_form(p: &Project, cx: &Cx) -> super::form::Form {
    use super::form::{Field, Form};
    use crate::domain::project::Recommendation;
    const RECS: [(Recommendation, &str); 5] = [
        (Recommendation::Keep, "维持"),
        (Recommendation::Increase, "调增"),
        (Recommendation::Decrease, "调减"),
        (Recommendation::Cancel, "取消"),
        (Recommendation::Merge, "整合"),
    ];
    let current = p.result_use.as_ref();
    let selected = current.and_then(|r| RECS.iter().find(|(x, _)| *x == r.recommendation)).map(|(_, l)| *l).unwrap_or("维持");
    let fields = vec![
        Field::choice(cx.t(Msg::RuRecommendation), RECS.iter().map(|(_, l)| l.to_string()).collect(), selected),
        Field::text(cx.t(Msg::RuAmount), &current.and_then(|r| r.amount).map(fmt2).unwrap_or_default())
            .checked(|v, _| if v.trim().is_empty() { Ok(()) } else { crate::domain::money::parse_amount(v).map(|_| ()) }),
        Field::text(cx.t(Msg::RuReason), current.map(|r| r.reason.as_str()).unwrap_or("")).checked(super::project_list::required),
        Field::text(cx.t(Msg::RuPublished), &current.and_then(|r| r.published_on).map(|d| d.to_string()).unwrap_or_default())
            .checked(|v, cx| if v.trim().is_empty() { Ok(()) } else { super::findings::check_date(v, cx) }),
    ];
    let (code, version) = (p.code.clone(), p.meta.version);
    let submit = Box::new(move |v: &[String], cx: &Cx| {
        let recommendation = RECS.iter().find(|(_, l)| *l == v[0]).map(|(r, _)| *r).unwrap_or(Recommendation::Keep);
        let amount = if v[1].trim().is_empty() { None } else { Some(crate::domain::money::parse_amount(&v[1]).map_err(|e| (1, e))?) };
        let published_on = if v[3].trim().is_empty() { None } else { Some(super::findings::parse_date(&v[3], cx).map_err(|e| (3, e))?) };
        Ok(crate::command::Command::SetResultUse {
            project: code.clone(),
            expected_version: Some(version),
            recommendation,
            amount,
            reason: v[2].trim().to_string(),
            published_on,
        })
    });
    Form::new(fill(cx.t(Msg::ResultUseTitle), &[&p.code]), fields, submit, Some(cx.t(Msg::Saved).into()))
}
