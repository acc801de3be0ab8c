//! The scoring workspace: the indicator tree with points, scores, methods and status;
//! a header with the live total, grade and progress; the selected leaf's basis and evidence.

use super::form::{Field, Form};
use super::popups::Confirm;
use crate::backend::Fetch;
use crate::command::Command;
use crate::domain::money::{fmt2, parse_amount};
use crate::domain::review::{Level, ProjectReviews, ReviewChain, ReviewState};
use crate::domain::tree::{IndicatorRef, IndicatorTree, Method, Node};
use crate::domain::{Evidence, Project, ResultKind};
use crate::text::{pad_left, pad_right, truncate};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::cell::Cell;

pub struct Scoring {
    code: String,
    pub tree: Option<IndicatorTree>,
    pub selected: usize,
    offset: Cell<usize>,
    drawn: crate::tui::widgets::Drawn,
    error: Option<String>,
    /// The project's findings, for the link back from an indicator and from deductions.
    findings: Vec<crate::domain::Finding>,
    /// The leaves' review chains and the project's quality reviewer.
    reviews: ProjectReviews,
    /// The self-evaluation form kept beside the tree (empty when none was written).
    pub form: Option<crate::domain::form::Form>,
    /// Finding indicators by name and the jumps to leaves still to do (`tree_find`).
    pub find: super::tree_find::TreeFind,
}

impl Scoring {
    pub fn new(code: &str) -> Self {
        Scoring {
            code: code.to_string(),
            tree: None,
            selected: 0,
            offset: Cell::new(0),
            drawn: Default::default(),
            error: None,
            findings: vec![],
            reviews: Default::default(),
            form: None,
            find: Default::default(),
        }
    }

    pub fn refresh(&mut self, cx: &Cx) {
        let load = || -> crate::domain::Result<_> {
            Ok((
                cx.backend.tree(&self.code)?,
                cx.backend.findings(&self.code)?,
                cx.backend.reviews(&self.code)?,
                cx.backend.form(&self.code)?,
            ))
        };
        match load() {
            Ok((t, f, r, form)) => {
                self.form = Some(form);
                self.selected = self.selected.min(t.nodes.len().saturating_sub(1));
                self.tree = Some(t);
                self.findings = f;
                self.reviews = r;
                self.error = None;
            }
            Err(e) => self.error = Some(e.render(cx.lang)),
        }
    }

    pub fn result_kind(&self) -> Option<ResultKind> {
        self.tree.as_ref().map(|t| t.bands.kind)
    }

    pub fn selected_node(&self) -> Option<&Node> {
        self.tree.as_ref().and_then(|t| t.nodes.get(self.selected))
    }

    /// Where a leaf's paper stands in the review chain.
    pub fn review_state(&self, n: &Node) -> ReviewState {
        self.reviews.state(n.id, n.score.as_ref())
    }

    fn is_leaf(&self, n: &Node) -> bool {
        self.tree.as_ref().is_some_and(|t| t.is_leaf(n.id))
    }

    /// A click on a row selects it; a double click acts on it as `e` does.
    pub fn click(&mut self, col: u16, row: u16, double: bool, project: Option<&Project>, cx: &Cx) -> Effect {
        let Some(i) = self.drawn.row_at(col, row, self.tree.as_ref().map_or(0, |t| t.nodes.len())) else { return Effect::None };
        self.selected = i;
        if double { self.handle(Action::EditScore, project, cx) } else { Effect::None }
    }

    pub fn handle(&mut self, action: Action, project: Option<&Project>, cx: &Cx) -> Effect {
        let len = self.tree.as_ref().map(|t| t.nodes.len()).unwrap_or(0);
        if let Some(tree) = &self.tree
            && let Some(effect) = self.find.act(action, tree, &self.reviews, &mut self.selected, cx)
        {
            return effect;
        }
        if crate::tui::widgets::navigate(&mut self.selected, len, action) {
            return Effect::None;
        }
        if action == Action::EditFormHead {
            if project.is_some_and(|p| p.is_archived()) {
                return Effect::Error(cx.t(Msg::ReadOnly).to_string());
            }
            return Effect::Push(Box::new(super::form_head::editor(&self.code, self.form.as_ref(), cx)));
        }
        self.act(action, project, cx)
    }

    /// A key while an indicator's name is typed after `/`.
    pub fn find_key(&mut self, key: ratatui::crossterm::event::KeyEvent) -> Effect {
        let Some(tree) = &self.tree else { return Effect::None };
        self.find.key(key, tree, &mut self.selected)
    }

    /// Rows pasted from a spreadsheet: the confirmation of what will be added (see
    /// `paste_rows`), or None when the text is not tab-separated rows.
    pub fn paste(&self, text: &str, project: Option<&Project>, cx: &Cx) -> Option<Effect> {
        let (Some(tree), Some(node), Some(project)) = (&self.tree, self.selected_node(), project) else { return None };
        if project.is_archived() {
            return Some(Effect::Error(cx.t(Msg::ReadOnly).to_string()));
        }
        super::paste_rows::confirm(&self.code, tree, node, text, cx)
    }

    /// Actions that change something: each opens the editor, form or confirmation it needs.
    fn act(&self, action: Action, project: Option<&Project>, cx: &Cx) -> Effect {
        let (Some(tree), Some(node), Some(project)) = (&self.tree, self.selected_node(), project) else { return Effect::None };
        if project.is_archived() && action != Action::History {
            return Effect::Error(cx.t(Msg::ReadOnly).to_string());
        }
        let code = self.code.clone();
        let leaf_only = matches!(
            action,
            Action::EditScore
                | Action::EditBasis
                | Action::AddEvidence
                | Action::RemoveEvidence
                | Action::ClearScore
                | Action::Review
                | Action::Unreview
                | Action::ReturnScore
                | Action::AnswerReview
                | Action::EditFormRow
        );
        if leaf_only && !self.is_leaf(node) {
            return Effect::Error(cx.t(Msg::ScLeafOnly).to_string());
        }
        let id = IndicatorRef::Id(node.id);
        match action {
            Action::EditScore | Action::EditBasis | Action::AddEvidence | Action::RemoveEvidence
                if node.score.as_ref().is_some_and(|s| s.reviewed.is_some()) =>
            {
                Effect::Error(cx.t(Msg::ScReviewedFirst).to_string())
            }
            Action::EditScore => {
                let numbers: Vec<(u32, u64)> = self.findings.iter().map(|f| (f.seq, f.id)).collect();
                let row = self.form.as_ref().and_then(|f| f.row(node.id)).map(|r| &r.input);
                Effect::Push(Box::new(super::score_editor::ScoreEditor::new(&code, node, &numbers, cx).prefilled(row)))
            }
            Action::EditFormRow => {
                let row = self.form.as_ref().and_then(|f| f.row(node.id));
                Effect::Push(Box::new(super::form_row::editor(&code, node, row, cx)))
            }
            Action::EditBasis => match &node.score {
                None => Effect::Error(cx.t(Msg::ScScoreFirst).to_string()),
                Some(_) => Effect::Push(super::editor::basis_editor(&code, node, cx)),
            },
            Action::AddEvidence => match &node.score {
                None => Effect::Error(cx.t(Msg::ScScoreFirst).to_string()),
                Some(_) => Effect::Push(Box::new(evidence_form(&code, node, cx))),
            },
            Action::RemoveEvidence => {
                let owner = super::undo::Owner::Leaf { code: code.clone(), node: node.id, rev: node.rev };
                let evidence = node.score.as_ref().map(|s| s.evidence.as_slice()).unwrap_or_default();
                super::undo::evidence_list(owner, &format!("指标“{}”", node.name), evidence, true, cx)
            }
            Action::ClearScore => {
                let cmd = Command::ClearScore { project: code, indicator: id, expected_rev: Some(node.rev) };
                Effect::Push(Box::new(Confirm::new(fill(cx.t(Msg::ClearConfirm), &[&node.name]), cmd, None)))
            }
            Action::Review => {
                // The level the paper needs next; the store checks who may give it.
                let level = if self.review_state(node) == ReviewState::First { Level::Second } else { Level::First };
                let n = if level == Level::First { 1 } else { 2 };
                Effect::Execute {
                    cmd: Box::new(Command::ReviewScore { project: code, indicator: id, level: Some(n), expected_rev: Some(node.rev) }),
                    pop: 0,
                    toast: Some(fill(cx.t(Msg::ReviewLevelToast), &[level.label(), &node.name])),
                }
            }
            Action::ReturnScore => {
                let rev = node.rev;
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::ReturnScore {
                        project: code.clone(),
                        indicator: id.clone(),
                        note: v[0].trim().to_string(),
                        expected_rev: Some(rev),
                    })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldNote), "").checked(super::project_list::required)];
                let toast = fill(cx.t(Msg::ReturnedToast), &[&node.name]);
                Effect::Push(Box::new(Form::new(fill(cx.t(Msg::ReturnTitle), &[&node.name]), fields, submit, Some(toast))))
            }
            Action::AnswerReview => {
                let note = match self.reviews.chain(node.id).and_then(ReviewChain::open_return) {
                    Some(e) => e.text(),
                    None => return Effect::Error(cx.t(Msg::NoOpenReturn).to_string()),
                };
                let rev = node.rev;
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::AnswerReview {
                        project: code.clone(),
                        indicator: id.clone(),
                        answer: v[0].trim().to_string(),
                        expected_rev: Some(rev),
                    })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldAnswer), "").checked(super::project_list::required)];
                Effect::Push(Box::new(
                    Form::new(fill(cx.t(Msg::AnswerTitle), &[&node.name]), fields, submit, Some(cx.t(Msg::Saved).into()))
                        .with_note(fill(cx.t(Msg::AnswerNote), &[&note])),
                ))
            }
            Action::Unreview => {
                let rev = node.rev;
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::UnreviewScore {
                        project: code.clone(),
                        indicator: id.clone(),
                        reason: v[0].trim().to_string(),
                        expected_rev: Some(rev),
                    })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(super::project_list::required)];
                Effect::Push(Box::new(Form::new(
                    fill(cx.t(Msg::UnreviewTitle), &[&node.name]),
                    fields,
                    submit,
                    Some(cx.t(Msg::Saved).into()),
                )))
            }
            Action::History => Effect::Push(Box::new(super::paper_history::history(&code, tree, node, cx))),
            Action::AddIndicator => Effect::Push(Box::new(add_form(&code, tree, node, cx))),
            Action::RemoveIndicator => {
                let cmd = Command::RemoveIndicator { project: code, indicator: id, expected_version: Some(tree.meta.version) };
                let question = super::stakes::remove_indicator(tree, node, &self.findings, cx);
                Effect::Push(Box::new(Confirm::new(question, cmd, Some(cx.t(Msg::Saved).into()))))
            }
            Action::RenameIndicator => {
                let version = tree.meta.version;
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::RenameIndicator {
                        project: code.clone(),
                        indicator: id.clone(),
                        name: v[0].trim().to_string(),
                        expected_version: Some(version),
                    })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldIndicatorName), &node.name).checked(super::project_list::required)];
                Effect::Push(Box::new(Form::new(
                    fill(cx.t(Msg::RenameTitle), &[&node.name]),
                    fields,
                    submit,
                    Some(cx.t(Msg::Saved).into()),
                )))
            }
            Action::SetPoints => {
                let version = tree.meta.version;
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    let points = parse_amount(&v[0]).map_err(|e| (0, e))?;
                    Ok(Command::SetPoints { project: code.clone(), indicator: id.clone(), points, expected_version: Some(version) })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldPoints), &fmt2(node.points)).checked(|v, _| parse_amount(v).map(|_| ()))];
                Effect::Push(Box::new(Form::new(
                    fill(cx.t(Msg::PointsTitle), &[&node.name]),
                    fields,
                    submit,
                    Some(cx.t(Msg::Saved).into()),
                )))
            }
            _ => Effect::None,
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, project: Option<&Project>, cx: &Cx) {
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), area);
            return;
        }
        let Some(tree) = &self.tree else { return };
        let [header, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
        self.render_header(f, header, tree, cx);
        let (table, detail) = if body.width >= 100 {
            let [a, b] = Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(body);
            (a, b)
        } else {
            let [a, b] = Layout::vertical([Constraint::Min(5), Constraint::Length(7)]).areas(body);
            (a, b)
        };
        let check = project.is_some_and(|p| p.kind == crate::domain::project::ProjectKind::SelfEvalCheck);
        self.render_tree(f, table, tree, check, cx);
        self.render_detail(f, detail, tree, project, cx);
    }

    fn render_header(&self, f: &mut Frame, area: Rect, tree: &IndicatorTree, cx: &Cx) {
        let (scored, leaves) = tree.progress();
        let mut result = tree.result_label().unwrap_or("").to_string();
        if scored < leaves {
            // The band of a partial total is provisional until every leaf is scored.
            result = fill(cx.t(Msg::ScProvisional), &[&result]);
        }
        let total =
            fill(cx.t(Msg::ScHeader), &[&fmt2(tree.total_score()), &fmt2(tree.total), &result, &scored.to_string(), &leaves.to_string()]);
        let states = tree.leaves().map(|n| self.review_state(n));
        let (second, first, returned, _) = crate::domain::review::tally(states);
        let count = fill(cx.t(Msg::ScReviewCount), &[&second.to_string(), &leaves.to_string(), &first.to_string(), &returned.to_string()]);
        let mut lines = vec![Line::from(vec![
            Span::styled(format!(" {total}{}", cx.t(Msg::ScGap)), Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD)),
            Span::styled(count, Style::default().fg(if returned > 0 { Color::Red } else { Color::Green })),
        ])];
        let sum = tree.leaf_points_sum();
        if sum != tree.total {
            // On its own line so it is never cut on a narrow terminal.
            let warning = fill(cx.t(Msg::ScWeightsBad), &[&fmt2(sum), &fmt2(tree.total)]);
            lines.push(Line::from(Span::styled(format!(" ⚠ {warning} "), Style::default().fg(Color::White).bg(Color::Red))));
        }
        f.render_widget(Paragraph::new(lines), area);
    }

    /// `check`: a spot check (自评抽查): the columns 自评 | 复核 | 差 take the place of 得分 and
    /// 方法, so the indicator names keep their room at 80 columns.
    fn render_tree(&self, f: &mut Frame, area: Rect, tree: &IndicatorTree, check: bool, cx: &Cx) {
        let (pw, sw, mw, stw) = (7usize, 7usize, 5usize, 7usize);
        // 自评 | 复核 | 差: three columns of 6 cells instead of 得分 (7) and 方法 (5).
        let cw = 6usize;
        let middle = if check { 3 * cw + 2 } else { sw + mw + 1 };
        let name_w = (area.width as usize).saturating_sub(pw + middle + stw + 3).max(10);
        let mid_header = if check {
            format!(
                "{} {} {}",
                pad_left(cx.t(Msg::ScColSelf), cw),
                pad_left(cx.t(Msg::ScColReview), cw),
                pad_left(cx.t(Msg::ScColDiff), cw)
            )
        } else {
            format!("{} {}", pad_left(cx.t(Msg::ScColScore), sw), pad_right(cx.t(Msg::ScColMethod), mw))
        };
        let header = format!(
            "{} {} {} {}",
            pad_right(cx.t(Msg::ScColIndicator), name_w),
            pad_left(cx.t(Msg::ScColPoints), pw),
            mid_header,
            pad_right(cx.t(Msg::ScColStatus), stw)
        );
        let mut lines = vec![Line::from(Span::styled(header, Style::default().add_modifier(Modifier::BOLD)))];
        // A find on takes the last line for its prompt.
        let height = area.height.saturating_sub(1 + u16::from(self.find.is_on())) as usize;
        let offset = crate::tui::widgets::follow(&self.offset, self.selected, height);
        self.drawn.set(Rect { y: area.y + 1, height: height as u16, ..area }, offset);
        for (i, n) in tree.nodes.iter().enumerate().skip(offset).take(height) {
            let leaf = tree.is_leaf(n.id);
            let indent = "  ".repeat(tree.depth(n.id).saturating_sub(1));
            let score = tree.score_of(n.id).map(fmt2).unwrap_or_else(|| "-".into());
            let (status, status_color) = match self.review_state(n) {
                _ if !leaf => (String::new(), Color::Reset),
                ReviewState::Unscored => (cx.t(Msg::ScUnscored).to_string(), Color::DarkGray),
                ReviewState::Unreviewed => (cx.t(Msg::ScScored).to_string(), Color::Yellow),
                ReviewState::First => (cx.t(Msg::ScRevFirst).to_string(), Color::Cyan),
                ReviewState::Second => (cx.t(Msg::ScRevSecond).to_string(), Color::Green),
                ReviewState::Returned => (cx.t(Msg::ScRevReturned).to_string(), Color::Red),
            };
            let method = if leaf { method_short(n.method, cx) } else { "" };
            let middle = if check {
                let own = self.form.as_ref().and_then(|form| super::form_row::self_score(tree, form, n.id));
                let diff = self.form.as_ref().and_then(|form| super::form_row::difference(tree, form, n.id)).map(fmt2).unwrap_or_default();
                let own = own.map(fmt2).unwrap_or_else(|| "-".into());
                format!("{} {} {}", pad_left(&own, cw), pad_left(&score, cw), pad_left(&diff, cw))
            } else {
                format!("{} {}", pad_left(&score, sw), pad_right(method, mw))
            };
            let missed = self.form.as_ref().and_then(|form| form.row(n.id)).is_some_and(|r| r.input.missed() == Some(true));
            let name = format!("{indent}{}{}", if missed { "✗" } else { "" }, n.name);
            let row = format!("{} {} {middle} ", pad_right(&name, name_w), pad_left(&fmt2(n.points), pw));
            let mut style = if leaf { Style::default() } else { Style::default().add_modifier(Modifier::BOLD) };
            if self.find.is_match(&n.name) {
                style = style.fg(Color::Yellow).add_modifier(Modifier::UNDERLINED);
            }
            let mut status_style = Style::default().fg(status_color);
            if i == self.selected {
                style = style.bg(Color::Blue).fg(Color::White);
                status_style = status_style.bg(Color::Blue);
            }
            lines.push(Line::from(vec![Span::styled(row, style), Span::styled(pad_right(&status, stw), status_style)]));
        }
        f.render_widget(Paragraph::new(lines), area);
        if self.find.is_on() {
            let line = Rect { y: area.y + area.height.saturating_sub(1), height: 1, ..area };
            let prompt = truncate(&format!("{}{}", cx.t(Msg::FindPrompt), self.find.prompt(tree, self.selected, cx)), area.width as usize);
            f.render_widget(Paragraph::new(Span::styled(prompt, Style::default().fg(Color::Black).bg(Color::Yellow))), line);
        }
    }

    fn render_detail(&self, f: &mut Frame, area: Rect, tree: &IndicatorTree, project: Option<&Project>, cx: &Cx) {
        let block = Block::default().borders(Borders::LEFT | Borders::TOP).border_style(Style::default().fg(Color::DarkGray));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let Some(n) = self.selected_node() else { return };
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let mut lines = vec![Line::from(Span::styled(tree.path(n.id), bold))];
        if project.is_some_and(|p| p.is_archived()) {
            lines.push(Line::from(Span::styled(cx.t(Msg::ReadOnly).to_string(), Style::default().fg(Color::DarkGray))));
        }
        let label = |m: Msg| Span::styled(format!("{}{}", cx.t(m), super::findings::colon(cx)), Style::default().fg(Color::Cyan));
        // What the unit's form printed on this row comes first: it is what the score checks.
        if let Some(row) = self.form.as_ref().and_then(|form| form.row(n.id)) {
            lines.extend(super::form_row::detail_lines(row, cx));
        }
        // What was decided comes first; the guide is reference and goes last (it may be cut
        // on a small screen).
        match &n.score {
            None if tree.is_leaf(n.id) => {
                lines.push(Line::from(Span::styled(cx.t(Msg::ScUnscored).to_string(), Style::default().fg(Color::DarkGray))))
            }
            None => {}
            Some(s) => {
                lines.push(Line::from(vec![
                    label(Msg::ScColScore),
                    Span::raw(format!("{} / {}{}", fmt2(s.value), fmt2(n.points), super::findings::paren(cx, method_short(n.method, cx)))),
                ]));
                if let crate::domain::ScoreInput::Deduction { deductions } = &s.input {
                    for d in deductions {
                        let from = d
                            .finding
                            .and_then(|id| self.findings.iter().find(|f| f.id == id))
                            .map(|f| super::findings::paren(cx, &format!("{} #{}", cx.t(Msg::ItColFinding), f.seq)))
                            .unwrap_or_default();
                        lines.push(Line::from(format!("  −{} {}{from}", fmt2(d.points), d.reason)));
                    }
                }
                if let Some(total) = s.input.over_deducted(n.points) {
                    let note = crate::domain::scoring::over_deduction_note(total, n.points);
                    lines.push(Line::from(Span::styled(format!("  {note}"), Style::default().fg(Color::Yellow))));
                }
                lines.push(Line::from(label(Msg::ScBasis)));
                if s.basis.trim().is_empty() {
                    lines.push(Line::from(Span::styled(cx.t(Msg::ScNoBasis).to_string(), Style::default().fg(Color::DarkGray))));
                }
                for l in s.basis.lines() {
                    lines.push(Line::from(l.to_string()));
                }
                if !s.evidence.is_empty() {
                    lines.push(Line::from(label(Msg::ScEvidence)));
                    for e in &s.evidence {
                        lines.push(Line::from(format!("  - {}", evidence_line(e))));
                    }
                }
                lines.push(Line::from(vec![label(Msg::ScScorer), Span::raw(format!("{} {}", s.scorer, local_time(s.at)))]));
                if let Some(r) = &s.reviewed {
                    lines.push(Line::from(Span::styled(
                        format!("{}{}{} {}", cx.t(Msg::ScReviewed), super::findings::colon(cx), r.by, local_time(r.at)),
                        Style::default().fg(Color::Green),
                    )));
                }
                if let Some(chain) = self.reviews.chain(n.id).filter(|c| !c.events.is_empty()) {
                    lines.push(Line::from(label(Msg::ScThread)));
                    for e in &chain.events {
                        lines.push(Line::from(vec![
                            Span::styled(format!("  {} ", local_time(e.at())), Style::default().fg(Color::DarkGray)),
                            Span::styled(format!("{} ", e.by()), Style::default().fg(Color::Cyan)),
                            Span::raw(e.text()),
                        ]));
                    }
                }
            }
        }
        let linked: Vec<&crate::domain::Finding> = self.findings.iter().filter(|f| f.body.indicators.contains(&n.id)).collect();
        if !linked.is_empty() {
            lines.push(Line::from(label(Msg::ScLinkedFindings)));
            for f in linked {
                lines.push(Line::from(format!("  #{} {} {}", f.seq, f.state.label(), f.body.text)));
            }
        }
        if !n.guide.is_empty() {
            lines.push(Line::from(vec![label(Msg::ScGuide), Span::raw(n.guide.clone())]));
        }
        let lines = crate::tui::widgets::wrap_lines(lines, inner.width as usize);
        f.render_widget(Paragraph::new(lines), inner);
    }
}

/// Times are stored in UTC and shown in the machine's local time.
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()
}

pub fn evidence_line(e: &Evidence) -> String {
    match e {
        Evidence::File { name, size, sha256, added_at } => {
            format!("{name}（{size} 字节，{}，sha256 {}…）", local_time(*added_at), truncate(sha256, 12))
        }
        Evidence::Document { name, number, date, pages } => {
            let mut s = name.clone();
            for part in [number.clone(), date.map(|d| d.to_string()), pages.clone().map(|p| format!("第 {p} 页"))].into_iter().flatten() {
                s.push_str(&format!("，{part}"));
            }
            s
        }
    }
}

fn add_form(code: &str, tree: &IndicatorTree, node: &Node, cx: &Cx) -> Form {
    let methods: Vec<String> =
        [Method::Direct, Method::Deduction, Method::Formula { direction: crate::domain::tree::Direction::Positive }, Method::Qualitative]
            .iter()
            .map(|m| m.label().to_string())
            .collect();
    let fields = vec![
        Field::text(cx.t(Msg::FieldIndicatorName), "").checked(super::project_list::required),
        Field::text(cx.t(Msg::FieldPoints), "").checked(|v, _| parse_amount(v).map(|_| ())),
        Field::choice(cx.t(Msg::ScMethodField), methods, Method::Direct.label()),
    ];
    let (code, version, parent) = (code.to_string(), tree.meta.version, node.id);
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        let method = match v[2].as_str() {
            "扣分" => Method::Deduction,
            "公式" => Method::Formula { direction: crate::domain::tree::Direction::Positive },
            "定性" => Method::Qualitative,
            _ => Method::Direct,
        };
        Ok(Command::AddIndicator {
            project: code.clone(),
            parent: Some(IndicatorRef::Id(parent)),
            name: v[0].trim().to_string(),
            points: parse_amount(&v[1]).map_err(|e| (1, e))?,
            method: Some(method),
            expected_version: Some(version),
        })
    });
    Form::new(fill(cx.t(Msg::AddIndicatorTitle), &[&node.name]), fields, submit, Some(cx.t(Msg::Saved).into()))
}

/// Evidence: an existing file path is recorded with its size and sha256; other text is a
/// document name. A path that does not exist is refused and named.
fn evidence_form(code: &str, node: &Node, cx: &Cx) -> Form {
    let fields = vec![Field::text(cx.t(Msg::EvidenceField), "").checked(super::project_list::required)];
    let (code, id, rev) = (code.to_string(), node.id, node.rev);
    let score = node.score.clone();
    let submit = Box::new(move |v: &[String], cx: &Cx| {
        let Some(s) = &score else { return Err((0, String::new())) };
        let evidence = super::evidence::from_input(v[0].trim(), cx).map_err(|e| (0, e))?;
        let mut list = s.evidence.clone();
        list.push(evidence);
        Ok(Command::Score {
            project: code.clone(),
            indicator: IndicatorRef::Id(id),
            input: s.input.clone(),
            basis: s.basis.clone(),
            evidence: list,
            expected_rev: Some(rev),
        })
    });
    Form::new(fill(cx.t(Msg::EvidenceTitle), &[&node.name]), fields, submit, Some(cx.t(Msg::Saved).into()))
        .with_note(cx.t(Msg::EvidenceHint).into())
}

/// A scoring method in the tree's method column (5 cells): the domain's Chinese label, or a
/// short English word on the English screen.
fn method_short(m: crate::domain::Method, cx: &Cx) -> &'static str {
    use crate::domain::Method;
    match (m, cx.lang) {
        (m, crate::i18n::Lang::Zh) => m.label(),
        (Method::Direct, _) => "given",
        (Method::Deduction, _) => "minus",
        (Method::Formula { .. }, _) => "calc",
        (Method::Qualitative, _) => "band",
    }
}
