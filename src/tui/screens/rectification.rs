//! The rectification tab (整改): the project's items with their state, due date and
//! overdue days; each move of the state machine is offered only when legal (`m`), drafts
//! of one unit go out in a numbered notice (`N`), and the history is shown in full.

use super::findings::{check_date, parse_date, split};
use super::form::{Field, Form};
use super::popups::{Confirm, Menu};
use super::project_list::required;
use crate::backend::Fetch;
use crate::command::Command;
use crate::domain::rect::{ItemAction, document_date_problem};
use crate::domain::{Finding, ItemState, Notice, Project, RectItem, Response};
use crate::text::{truncate, wrap};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::columns::{self, Col};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::cell::Cell;
use std::collections::HashMap;

pub struct Rectification {
    code: String,
    pub items: Vec<RectItem>,
    findings: Vec<Finding>,
    notices: Vec<Notice>,
    history: HashMap<u64, Vec<Response>>,
    pub selected: usize,
    offset: Cell<usize>,
    drawn: crate::tui::widgets::Drawn,
    error: Option<String>,
}

type Make = super::popups::MenuAction;

impl Rectification {
    pub fn new(code: &str) -> Self {
        Rectification {
            code: code.to_string(),
            items: vec![],
            findings: vec![],
            notices: vec![],
            history: HashMap::new(),
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
            self.items = b.items(&code)?;
            self.findings = b.findings(&code)?;
            self.notices = b.notices(&code)?;
            self.history = self.items.iter().map(|it| Ok((it.id, b.responses(it.id)?))).collect::<crate::domain::Result<_>>()?;
            Ok(())
        };
        self.error = load().err().map(|e| e.render(cx.lang));
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
    }

    fn selected_item(&self) -> Option<&RectItem> {
        self.items.get(self.selected)
    }

    fn finding_no(&self, it: &RectItem) -> String {
        self.findings.iter().find(|f| f.id == it.finding).map(|f| format!("#{}", f.seq)).unwrap_or_default()
    }

    fn notice_no(&self, it: &RectItem) -> String {
        it.notice.and_then(|n| self.notices.iter().find(|x| x.id == n)).map(|n| n.number.clone()).unwrap_or_default()
    }

    /// A click on a row selects it; a double click acts on it as `m` does.
    pub fn click(&mut self, col: u16, row: u16, double: bool, project: Option<&Project>, cx: &Cx) -> Effect {
        let Some(i) = self.drawn.row_at(col, row, self.items.len()) else { return Effect::None };
        self.selected = i;
        if double { self.handle(Action::ItemActions, project, cx) } else { Effect::None }
    }

    pub fn handle(&mut self, action: Action, project: Option<&Project>, cx: &Cx) -> Effect {
        if crate::tui::widgets::navigate(&mut self.selected, self.items.len(), action) {
            return Effect::None;
        }
        match action {
            Action::ItemActions | Action::Edit | Action::IssueNotice => {
                let (Some(p), Some(it)) = (project, self.selected_item()) else { return Effect::None };
                if p.is_archived() {
                    return Effect::Error(cx.t(Msg::ReadOnly).to_string());
                }
                if action == Action::Edit && it.state.is_finished() {
                    return Effect::Error(fill(cx.t(Msg::ItFinal), &[&it.id.to_string(), it.state.label()]));
                }
                return match action {
                    Action::ItemActions => self.menu(it, cx),
                    Action::Edit => Effect::Push(Box::new(edit_form(it, cx))),
                    _ => self.issue_form(it, p, cx),
                };
            }
            Action::ViewNotice => {
                let Some(it) = self.selected_item() else { return Effect::None };
                return match it.notice.and_then(|n| self.notices.iter().find(|x| x.id == n)) {
                    Some(n) => Effect::Push(Box::new(super::notice_view::NoticeView::new(&n.number, cx))),
                    // No notice (a draft, or one whose notice was cancelled): the preview of what `N`
                    // would issue for a draft, and the project's notices to pick from.
                    None if it.state == ItemState::Draft || !self.notices.is_empty() => {
                        let draft = (it.state == ItemState::Draft).then_some((self.code.as_str(), it.unit.as_str()));
                        super::notice_view::pick(&self.notices, draft, cx)
                    }
                    None => Effect::Error(fill(cx.t(Msg::NvNoNotice), &[&it.id.to_string()])),
                };
            }
            Action::NoticePrefix => return Effect::Push(Box::new(super::settings_forms::notice_prefix_form(cx))),
            Action::History | Action::OpenEvidence | Action::RemoveEvidence => {
                let Some(it) = self.selected_item() else { return Effect::None };
                let owner = super::undo::Owner::Item { id: it.id, version: it.meta.version };
                let label = format!("事项 #{}", it.id);
                return match action {
                    Action::History => super::undo::item_history(it, self.history.get(&it.id).map(Vec::as_slice).unwrap_or(&[]), cx),
                    Action::OpenEvidence => super::undo::evidence_list(owner, &label, &it.evidence, false, cx),
                    _ if project.is_some_and(|p| p.is_archived()) => Effect::Error(cx.t(Msg::ReadOnly).to_string()),
                    _ => super::undo::evidence_list(owner, &label, &it.evidence, true, cx),
                };
            }
            _ => {}
        }
        Effect::None
    }

    /// The moves the state machine allows now; issuing goes through a notice (`N`).
    fn menu(&self, it: &RectItem, cx: &Cx) -> Effect {
        let entries: Vec<(String, Make)> = it
            .available_actions()
            .into_iter()
            .filter(|a| *a != ItemAction::Issue)
            .map(|a| match a {
                ItemAction::Close if super::stakes::close_refusal(it, cx).is_some() => {
                    (cx.t(Msg::ItCloseNoEvidenceLabel).to_string(), transition(it, a))
                }
                _ => (a.label().to_string(), transition(it, a)),
            })
            .collect();
        if entries.is_empty() {
            return Effect::Error(fill(cx.t(Msg::ItNoActions), &[&it.id.to_string(), it.state.label()]));
        }
        Effect::Push(Box::new(Menu::new(fill(cx.t(Msg::ItActionsTitle), &[&it.id.to_string(), it.state.label()]), entries)))
    }

    /// A notice carries all of the selected unit's draft items of this project.
    fn issue_form(&self, it: &RectItem, p: &Project, cx: &Cx) -> Effect {
        if it.state != ItemState::Draft {
            return Effect::Error(cx.t(Msg::ItIssueNeedsDraft).to_string());
        }
        let ids: Vec<u64> = self.items.iter().filter(|i| i.state == ItemState::Draft && i.unit == it.unit).map(|i| i.id).collect();
        let fields = vec![
            Field::text(cx.t(Msg::ItIssueDate), &cx.today.to_string()).checked(check_date),
            Field::text(cx.t(Msg::ItIssueContact), ""),
            Field::text(cx.t(Msg::FieldOverrideReason), ""),
        ];
        let (code, items) = (p.code.clone(), ids.clone());
        let submit = Box::new(move |v: &[String], cx: &Cx| {
            Ok(Command::IssueNotice {
                project: code.clone(),
                items: items.clone(),
                issue_date: Some(parse_date(&v[0], cx).map_err(|e| (0, e))?),
                contact: v[1].trim().to_string(),
                prefix: None,
                issuer: None,
                override_reason: Some(v[2].trim().to_string()).filter(|r| !r.is_empty()),
            })
        });
        let title = fill(cx.t(Msg::ItIssueTitle), &[&it.unit, &ids.len().to_string()]);
        // Once issued, the notice is offered as the .docx the unit receives.
        let then: crate::tui::app::Then = std::rc::Rc::new(|outcome, cx| match &outcome.key {
            Some(number) => super::documents::offer_notice_docx(number, cx),
            None => Effect::None,
        });
        Effect::Push(Box::new(Form::new(title, fields, submit, Some(cx.t(Msg::Saved).into())).then(then)))
    }

    pub fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), area);
            return;
        }
        if self.items.is_empty() {
            f.render_widget(Paragraph::new(cx.t(Msg::ItNone)).style(Style::default().fg(Color::DarkGray)), area);
            return;
        }
        let (list, detail) = split(area);
        self.render_list(f, list, cx);
        self.render_detail(f, detail, cx);
    }

    fn render_list(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        // Columns (`widgets::columns`): number, finding, state, due date and days overdue are
        // never cut; the requirement takes the spare cells; a narrow terminal leaves out the
        // unit; the notice number stays.
        let height = area.height.saturating_sub(1) as usize;
        let offset = crate::tui::widgets::follow(&self.offset, self.selected, height);
        let cells: Vec<[String; 8]> = self
            .items
            .iter()
            .skip(offset)
            .take(height)
            .map(|it| {
                let over_text = it.days_overdue(cx.today).map(|d| fill(cx.t(Msg::DaysOverdue), &[&d.to_string()])).unwrap_or_default();
                let mut state = it.state.label().to_string();
                if it.pending_extension.is_some() {
                    state.push('*');
                }
                let (id, fno, due, notice) = (format!("#{}", it.id), self.finding_no(it), it.due.to_string(), self.notice_no(it));
                [id, fno, it.requirement.clone(), it.unit.clone(), state, due, over_text, notice]
            })
            .collect();
        let t = |m| cx.t(m);
        let titles = [
            t(Msg::ItColId),
            t(Msg::ItColFinding),
            t(Msg::ItColRequirement),
            t(Msg::ItColUnit),
            t(Msg::ItColState),
            t(Msg::ItColDue),
            t(Msg::ItColOverdue),
            t(Msg::ItColNotice),
        ];
        let measure = |k: usize| Col::measure(titles[k], cells.iter().map(|c| c[k].as_str()));
        let spec = [
            Col::keep(measure(0)),
            Col::keep(measure(1)),
            Col::text(measure(2), 16).grow(),
            Col::text(measure(3), 8).shrink(2).drop(2),
            Col::keep(measure(4)),
            Col::keep(measure(5)),
            Col::keep(measure(6)).right(),
            Col::keep(measure(7)),
        ];
        let widths = columns::fit(&spec, area.width as usize);
        let row = |c: &[&str]| truncate(&columns::row(c, &spec, &widths), area.width as usize);
        let mut lines = vec![Line::from(Span::styled(row(&titles), Style::default().add_modifier(Modifier::BOLD)))];
        self.drawn.set(Rect { y: area.y + 1, height: height as u16, ..area }, offset);
        for ((i, it), c) in self.items.iter().enumerate().skip(offset).take(height).zip(&cells) {
            let over = it.days_overdue(cx.today);
            let text = row(&c.each_ref().map(String::as_str));
            let mut style = match it.state {
                _ if over.is_some() => Style::default().fg(Color::Red),
                ItemState::Closed | ItemState::Cancelled => Style::default().fg(Color::DarkGray),
                ItemState::Draft => Style::default().fg(Color::Yellow),
                _ => Style::default(),
            };
            if i == self.selected {
                style = style.bg(Color::Blue).add_modifier(Modifier::BOLD);
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
        f.render_widget(Paragraph::new(lines), area);
    }

    fn render_detail(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let block = Block::default().borders(Borders::TOP).border_style(Style::default().fg(Color::DarkGray));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let Some(it) = self.selected_item() else { return };
        let cyan = Style::default().fg(Color::Cyan);
        let plain = Style::default();
        let mut lines: Vec<(String, Style)> =
            vec![(format!("#{} {}  {}  {}", it.id, it.state.label(), it.unit, it.contact), cyan), (it.requirement.clone(), plain)];
        let mut dates = Vec::new();
        if let Some(d) = it.issue_date {
            dates.push(format!("{} {d}", cx.t(Msg::ItIssued)));
        }
        if it.original_due != it.due {
            dates.push(format!("{} {}", cx.t(Msg::ItOriginalDue), it.original_due));
        }
        dates.push(format!("{} {}", cx.t(Msg::ItColDue), it.due));
        if let Some(d) = it.days_overdue(cx.today) {
            dates.push(fill(cx.t(Msg::DaysOverdue), &[&d.to_string()]));
        }
        lines.push((dates.join("  "), if it.is_overdue(cx.today) { Style::default().fg(Color::Red) } else { plain }));
        // The latest entries come first: on a small screen they are what matters. The order
        // is the recorded one (seq), each dated by the server's clock; a document's own date
        // (文件日期) is shown beside it when it differs.
        if let Some(history) = self.history.get(&it.id).filter(|h| !h.is_empty()) {
            lines.push((cx.t(Msg::ItHistory).to_string(), cyan));
            for r in history.iter().rev() {
                let ev = if r.evidence.is_empty() {
                    String::new()
                } else {
                    super::findings::paren(cx, &fill(cx.t(Msg::ItEvidenceCount), &[&r.evidence.len().to_string()]))
                };
                // A 修改 entry keeps the fields before the edit as JSON: shown as they read.
                let text = match crate::domain::rect::ItemFields::from_entry(r) {
                    Some(old) => {
                        let why = if old.reason.is_empty() { String::new() } else { format!("（{}）", old.reason) };
                        format!(
                            "：第 {} 条，修改前 {}，{}，{}，{}{why}",
                            r.seq,
                            truncate(&old.requirement, 30),
                            old.unit,
                            old.contact,
                            old.due
                        )
                    }
                    None if r.text.is_empty() => String::new(),
                    None => format!("：{}", r.text),
                };
                let recorded = r.at.with_timezone(&chrono::Local).date_naive();
                let doc = if r.date == recorded {
                    String::new()
                } else {
                    super::findings::paren(cx, &format!("{}{}{}", cx.t(Msg::ItDocDate), super::findings::colon(cx), r.date))
                };
                lines.push((format!("  {recorded} {} {}{doc}{text}{ev}", r.kind.label(), r.by), plain));
            }
        }
        if let Some(req) = &it.pending_extension {
            lines.push((
                format!("{}{}{} -> {}（{}）", cx.t(Msg::ItPending), super::findings::colon(cx), it.due, req.requested_due, req.reason),
                Style::default().fg(Color::Yellow),
            ));
        }
        for e in &it.extensions {
            lines.push((
                format!(
                    "{}{}{} -> {}（{}，{}）",
                    cx.t(Msg::ItExtensions),
                    super::findings::colon(cx),
                    e.from,
                    e.to,
                    e.reason,
                    e.approved_by
                ),
                plain,
            ));
        }
        if !it.evidence.is_empty() {
            lines.push((cx.t(Msg::ItEvidenceList).to_string(), cyan));
            for e in &it.evidence {
                lines.push((format!("  - {}", super::scoring::evidence_line(e)), plain));
            }
        }
        if let Some(o) = &it.opinion {
            lines.push((format!("{}{}{o}", cx.t(Msg::ItOpinionLabel), super::findings::colon(cx)), plain));
        }
        if let Some(d) = it.closed_on {
            lines.push((format!("{}{}{d}", cx.t(Msg::ItClosedOn), super::findings::colon(cx)), plain));
        }
        let out: Vec<Line> = lines
            .into_iter()
            .flat_map(|(t, st)| wrap(&t, inner.width as usize).into_iter().map(move |l| Line::from(Span::styled(l, st))))
            .collect();
        f.render_widget(Paragraph::new(out), inner);
    }
}

/// What choosing a move in the menu opens: the form it needs (a confirmation for the
/// irreversible ones).
fn transition(it: &RectItem, action: ItemAction) -> Make {
    let (id, version) = (it.id, Some(it.meta.version));
    let requested = it.pending_extension.as_ref().map(|r| r.requested_due);
    let issued = it.issue_date;
    let item = it.clone();
    Box::new(move |cx: &Cx| {
        let saved = Some(cx.t(Msg::Saved).to_string());
        let title = format!("#{id} {}", action.label());
        let today = cx.today.to_string();
        let date = move |v: &str, cx: &Cx| parse_date(v, cx).map(Some);
        let form = |fields: Vec<Field>, submit: super::form::Submit| Form::new(title.clone(), fields, submit, saved.clone());
        match action {
            ItemAction::Start => {
                let cmd = Command::StartItem { item: id, date: None, expected_version: version };
                Effect::Push(Box::new(Confirm::new(fill(cx.t(Msg::ItStartConfirm), &[&id.to_string()]), cmd, saved.clone())))
            }
            ItemAction::Submit | ItemAction::Progress => {
                let fields = vec![
                    Field::text(cx.t(Msg::ItText), "").checked(required),
                    Field::text(cx.t(Msg::ItEvidence), ""),
                    Field::text(cx.t(Msg::ItDate), &today).checked(check_date),
                ];
                let submit = Box::new(move |v: &[String], cx: &Cx| {
                    let evidence = super::evidence::list_from_input(&v[1], cx).map_err(|e| (1, e))?;
                    let d = date(&v[2], cx).map_err(|e| (2, e))?;
                    // The server refuses it too; saying so here keeps the form open on the field.
                    if let Some(problem) = d.and_then(|d| document_date_problem(issued, d, cx.today)) {
                        return Err((2, problem));
                    }
                    let text = v[0].trim().to_string();
                    Ok(if action == ItemAction::Submit {
                        Command::SubmitResponse { item: id, date: d, text, evidence, expected_version: version }
                    } else {
                        Command::AddProgress { item: id, text, date: d, evidence, expected_version: version }
                    })
                });
                Effect::Push(Box::new(form(fields, submit).with_note(cx.t(Msg::EvidenceHint).into())))
            }
            ItemAction::RequestExtension => {
                let fields =
                    vec![Field::text(cx.t(Msg::ItReason), "").checked(required), Field::text(cx.t(Msg::ItNewDue), "").checked(check_date)];
                let submit = Box::new(move |v: &[String], cx: &Cx| {
                    let due = parse_date(&v[1], cx).map_err(|e| (1, e))?;
                    Ok(Command::RequestExtension { item: id, reason: v[0].trim().to_string(), due, date: None, expected_version: version })
                });
                Effect::Push(Box::new(form(fields, submit)))
            }
            ItemAction::ApproveExtension => {
                let fields =
                    vec![Field::text(cx.t(Msg::ItNewDue), &requested.map(|d| d.to_string()).unwrap_or_default()).checked(check_date)];
                let submit = Box::new(move |v: &[String], cx: &Cx| {
                    let due = parse_date(&v[0], cx).map_err(|e| (0, e))?;
                    Ok(Command::ApproveExtension { item: id, due: Some(due), date: None, expected_version: version })
                });
                Effect::Push(Box::new(form(fields, submit)))
            }
            ItemAction::Close => {
                // Refused by the store too; said here before the opinion is typed.
                if let Some(why) = super::stakes::close_refusal(&item, cx) {
                    return Effect::Error(why);
                }
                let fields = vec![Field::text(cx.t(Msg::ItOpinion), "").checked(required)];
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::CloseItem { item: id, opinion: v[0].trim().to_string(), date: None, expected_version: version })
                });
                Effect::Push(Box::new(form(fields, submit).confirming(fill(cx.t(Msg::ItCloseConfirm), &[&id.to_string()]))))
            }
            // The remaining moves need one reason each.
            other => {
                let fields = vec![Field::text(cx.t(Msg::ItReason), "").checked(required)];
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    let reason = v[0].trim().to_string();
                    Ok(match other {
                        ItemAction::Return => Command::ReturnItem { item: id, reasons: reason, date: None, expected_version: version },
                        ItemAction::MarkLongTerm => Command::MarkLongTerm { item: id, reason, date: None, expected_version: version },
                        ItemAction::DenyExtension => Command::DenyExtension { item: id, reason, date: None, expected_version: version },
                        _ => Command::CancelItem { item: id, reason, date: None, expected_version: version },
                    })
                });
                let form = form(fields, submit);
                let form =
                    if other == ItemAction::Cancel { form.confirming(fill(cx.t(Msg::ItCancelConfirm), &[&id.to_string()])) } else { form };
                Effect::Push(Box::new(form))
            }
        }
    })
}

/// A draft's fields and due date; after issue the due date changes only by an extension.
fn edit_form(it: &RectItem, cx: &Cx) -> Form {
    let draft = it.state == ItemState::Draft;
    let mut fields = vec![
        Field::text(cx.t(Msg::ItRequirement), &it.requirement).checked(required),
        Field::pick(cx.t(Msg::ItUnit), super::project_list::unit_items(cx), vec![it.unit.clone()], false).free().checked(required),
        Field::text(cx.t(Msg::ItContact), &it.contact),
    ];
    if draft {
        fields.push(Field::text(cx.t(Msg::ItDue), &it.due.to_string()).checked(check_date));
    }
    let (id, version) = (it.id, it.meta.version);
    let submit = Box::new(move |v: &[String], cx: &Cx| {
        let due = match v.get(3) {
            Some(d) => Some(parse_date(d, cx).map_err(|e| (3, e))?),
            None => None,
        };
        Ok(Command::UpdateItem {
            item: id,
            expected_version: Some(version),
            requirement: Some(v[0].trim().to_string()),
            unit: Some(v[1].trim().to_string()),
            contact: Some(v[2].trim().to_string()),
            due,
        })
    });
    let form = Form::new(fill(cx.t(Msg::ItEdit), &[&id.to_string()]), fields, submit, Some(cx.t(Msg::Saved).into()))
        .draft(format!("item-edit-{id}"));
    if draft { form } else { form.with_note(cx.t(Msg::ItDraftOnlyDue).into()) }
}
