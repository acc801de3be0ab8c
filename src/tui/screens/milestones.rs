//! Milestones (里程碑) of one project (`M` on its overview) or the bureau-wide ones (`M` on the
//! dashboard): the list by date with what is left or done; `n` adds one, `e` changes its title,
//! date or done date, `x` marks it done today (again: not done), `D` removes it after asking.

use super::findings::{check_date, parse_date};
use super::form::{Field, Form};
use super::popups::Confirm;
use super::project_list::{deadline_text, required};
use crate::backend::Fetch;
use crate::command::Command;
use crate::domain::{Milestone, MilestoneKind};
use crate::text::{pad_right, truncate};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::cell::Cell;

const KINDS: [MilestoneKind; 8] = [
    MilestoneKind::Phase,
    MilestoneKind::Evaluation,
    MilestoneKind::SelfEvaluation,
    MilestoneKind::Monitoring,
    MilestoneKind::ProgressReport,
    MilestoneKind::FundRecovery,
    MilestoneKind::Publication,
    MilestoneKind::Other,
];

pub struct MilestonesScreen {
    /// The project's code; None: the bureau-wide milestones.
    code: Option<String>,
    pub list: Vec<Milestone>,
    pub selected: usize,
    offset: Cell<usize>,
    error: Option<String>,
}

impl MilestonesScreen {
    pub fn new(code: Option<&str>, cx: &Cx) -> Self {
        let mut s = MilestonesScreen { code: code.map(str::to_string), list: vec![], selected: 0, offset: Cell::new(0), error: None };
        s.refresh(cx);
        s
    }

    fn whose(&self, cx: &Cx) -> String {
        self.code.clone().unwrap_or_else(|| cx.t(Msg::MsBureau).to_string())
    }

    fn selected_one(&self) -> Option<&Milestone> {
        self.list.get(self.selected)
    }

    fn new_form(&self, cx: &Cx) -> Form {
        let fields = vec![
            Field::text(cx.t(Msg::MsFieldTitle), "").checked(required),
            Field::choice(cx.t(Msg::MsFieldKind), KINDS.iter().map(|k| k.label().to_string()).collect(), MilestoneKind::Phase.label()),
            Field::text(cx.t(Msg::MsFieldDue), "").checked(check_date),
        ];
        let project = self.code.clone();
        let submit = Box::new(move |v: &[String], cx: &Cx| {
            let kind = KINDS.iter().copied().find(|k| k.label() == v[1]).unwrap_or(MilestoneKind::Other);
            let due = parse_date(&v[2], cx).map_err(|e| (2, e))?;
            Ok(Command::AddMilestone { project: project.clone(), title: v[0].trim().to_string(), kind, due })
        });
        Form::new(fill(cx.t(Msg::MsNew), &[&self.whose(cx)]), fields, submit, Some(cx.t(Msg::Saved).into()))
            .draft(format!("milestone-new-{}", self.code.as_deref().unwrap_or("bureau")))
            .errors_in_form(&[("title", 0), ("due", 2)])
    }

    fn edit_form(m: &Milestone, cx: &Cx) -> Form {
        let fields = vec![
            Field::text(cx.t(Msg::MsFieldTitle), &m.title).checked(required),
            Field::text(cx.t(Msg::MsFieldDue), &m.due.to_string()).checked(check_date),
            Field::text(cx.t(Msg::MsFieldDoneOn), &m.done_on.map(|d| d.to_string()).unwrap_or_default())
                .checked(|v, cx| if v.trim().is_empty() { Ok(()) } else { check_date(v, cx) })
                .hint(cx.t(Msg::MsDoneHint).to_string()),
        ];
        let (id, version) = (m.id, m.meta.version);
        let submit = Box::new(move |v: &[String], cx: &Cx| {
            let due = parse_date(&v[1], cx).map_err(|e| (1, e))?;
            let done_on = match v[2].trim() {
                "" => None,
                d => Some(parse_date(d, cx).map_err(|e| (2, e))?),
            };
            Ok(Command::SetMilestone { milestone: id, expected_version: Some(version), title: v[0].trim().to_string(), due, done_on })
        });
        Form::new(fill(cx.t(Msg::MsEdit), &[&id.to_string()]), fields, submit, Some(cx.t(Msg::Saved).into()))
            .draft(format!("milestone-edit-{id}"))
            .errors_in_form(&[("title", 0), ("due", 1), ("done_on", 2)])
    }

    /// Done today, or (when done) not done any more: one command either way.
    fn toggle_done(m: &Milestone, cx: &Cx) -> Effect {
        let done_on = if m.done_on.is_some() { None } else { Some(cx.today) };
        let toast = match done_on {
            Some(d) => fill(cx.t(Msg::MsMarkedDone), &[&m.id.to_string(), &d.to_string()]),
            None => fill(cx.t(Msg::MsUndone), &[&m.id.to_string()]),
        };
        let cmd =
            Command::SetMilestone { milestone: m.id, expected_version: Some(m.meta.version), title: m.title.clone(), due: m.due, done_on };
        Effect::Execute { cmd: Box::new(cmd), pop: 0, toast: Some(toast) }
    }
}

impl Layer for MilestonesScreen {
    fn context(&self) -> &'static str {
        "milestones"
    }

    fn unused_actions(&self) -> &'static [Action] {
        &[Action::Open]
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        if crate::tui::widgets::navigate(&mut self.selected, self.list.len(), action) {
            return Effect::None;
        }
        match action {
            Action::Back => Effect::Pop,
            Action::New => Effect::Push(Box::new(self.new_form(cx))),
            Action::Edit | Action::MarkDone | Action::Remove => {
                let Some(m) = self.selected_one() else { return Effect::None };
                match action {
                    Action::Edit => Effect::Push(Box::new(Self::edit_form(m, cx))),
                    Action::MarkDone => Self::toggle_done(m, cx),
                    _ => {
                        let question = fill(cx.t(Msg::MsRemoveConfirm), &[&m.id.to_string(), &m.title, &m.due.to_string()]);
                        let cmd = Command::RemoveMilestone { milestone: m.id };
                        Effect::Push(Box::new(Confirm::new(question, cmd, Some(cx.t(Msg::Saved).into()))))
                    }
                }
            }
            _ => Effect::None,
        }
    }

    fn refresh(&mut self, cx: &Cx) {
        match cx.backend.milestones(self.code.as_deref()) {
            Ok(mut list) => {
                list.sort_by_key(|m| (m.due, m.id));
                self.list = list;
                self.error = None;
            }
            Err(e) => self.error = Some(e.render(cx.lang)),
        }
        self.selected = self.selected.min(self.list.len().saturating_sub(1));
    }

    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let block = Block::default().borders(Borders::ALL).border_style(Style::default().fg(Color::DarkGray)).title(Span::styled(
            format!(" {} ", fill(cx.t(Msg::MsTitle), &[&self.whose(cx)])),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), inner);
            return;
        }
        if self.list.is_empty() {
            f.render_widget(Paragraph::new(cx.t(Msg::MsNone)).style(Style::default().fg(Color::DarkGray)), inner);
            return;
        }
        let w = inner.width as usize;
        let (w_id, w_due, w_kind, w_state) = (5, 10, 8, 16);
        let w_title = w.saturating_sub(w_id + w_due + w_kind + w_state + 4).max(6);
        let row = |id: &str, due: &str, kind: &str, title: &str, state: &str| {
            let s = format!(
                "{} {} {} {} {}",
                pad_right(id, w_id),
                pad_right(due, w_due),
                pad_right(kind, w_kind),
                pad_right(title, w_title),
                truncate(state, w_state)
            );
            truncate(&s, w)
        };
        let t = |m| cx.t(m);
        let header = row("#", t(Msg::MsColDue), t(Msg::MsColKind), t(Msg::MsColTitle), t(Msg::MsColState));
        let mut lines = vec![Line::from(Span::styled(header, Style::default().add_modifier(Modifier::BOLD)))];
        let height = inner.height.saturating_sub(1) as usize;
        let first = crate::tui::widgets::follow(&self.offset, self.selected, height);
        for (i, m) in self.list.iter().enumerate().skip(first).take(height) {
            let (state, mut style) = match m.done_on {
                Some(d) => (fill(cx.t(Msg::MsDoneOn), &[&d.to_string()]), Style::default().fg(Color::DarkGray)),
                None if m.due < cx.today => (deadline_text(m.due, cx.today, cx), Style::default().fg(Color::Red)),
                None => (deadline_text(m.due, cx.today, cx), Style::default()),
            };
            if i == self.selected {
                style = style.bg(Color::Blue).add_modifier(Modifier::BOLD);
            }
            let text = row(&format!("#{}", m.id), &m.due.to_string(), m.kind.label(), &m.title, &state);
            lines.push(Line::from(Span::styled(text, style)));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}
