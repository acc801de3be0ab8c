//! The report tab (报告): the evaluation report's outline as a list with each section's state
//! (empty, written, generated), a preview of the selected section, and the ways to write it:
//! Enter opens the text editor on a written section, `t` sets the title and cover fields,
//! `R` reopens an issued report for a revision.

use super::editor::{BuildCommand, EditSpec, TextEditor};
use super::form::{Field, Form};
use super::project_list::required;
use super::report_text;
use crate::backend::Fetch;
use crate::command::Command;
use crate::domain::Project;
use crate::domain::outline::{Fill, Generator, Section};
use crate::domain::report::{Report, ReportState};
use crate::read::report::{IssuedReport, ReportDoc, chinese_date, generated, printed_section, title_of};
use crate::text::{pad_right, truncate, width};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::cell::Cell;
use std::rc::Rc;

/// From this width the preview sits right of the list; narrower, below it.
const SIDE_BY_SIDE: u16 = 100;
/// Lines the preview moves per key.
const SCROLL_STEP: usize = 5;

pub struct ReportTab {
    code: String,
    /// The report as it stands (records, report record, outline); none until loaded.
    doc: Option<ReportDoc>,
    /// The stored report's version, which the next edit expects (0: nothing stored yet).
    version: u64,
    /// An issued report's latest revision as printed: what the preview shows of it.
    issued: Option<IssuedReport>,
    pub selected: usize,
    offset: Cell<usize>,
    /// First preview line shown; clamped while drawing.
    scroll: Cell<usize>,
    error: Option<String>,
}

/// A section as the list shows it.
enum SectionState {
    /// Nothing written; `needed` when it prints （待撰写） (a text section without subsections).
    Empty {
        needed: bool,
    },
    Written(usize),
    Generated,
    EmptyGenerated,
    WrittenGenerated(usize),
}

impl ReportTab {
    pub fn new(code: &str) -> Self {
        ReportTab {
            code: code.to_string(),
            doc: None,
            version: 0,
            issued: None,
            selected: 0,
            offset: Cell::new(0),
            scroll: Cell::new(0),
            error: None,
        }
    }

    pub fn refresh(&mut self, cx: &Cx) {
        let load = || -> crate::domain::Result<(ReportDoc, u64, Option<IssuedReport>)> {
            let stored = cx.backend.report(&self.code)?;
            let version = stored.as_ref().map(|r| r.meta.version).unwrap_or(0);
            let issued = match stored.as_ref().filter(|r| r.state == ReportState::Issued).and_then(|r| r.latest()) {
                Some(rev) => Some(crate::export::report::load_issued(cx.backend, &self.code, rev.revision)?),
                None => None,
            };
            Ok((crate::export::report::load(cx.backend, &self.code)?, version, issued))
        };
        match load() {
            Ok((doc, version, issued)) => {
                self.selected = self.selected.min(doc.outline.sections.len().saturating_sub(1));
                self.doc = Some(doc);
                self.version = version;
                self.issued = issued;
                self.error = None;
            }
            Err(e) => self.error = Some(e.render(cx.lang)),
        }
    }

    fn report(&self) -> Option<&Report> {
        self.doc.as_ref().map(|d| &d.report)
    }

    /// Selects the first section `pick` accepts (the self-check's Enter on a report row).
    pub fn select_section(&mut self, pick: impl Fn(&Section) -> bool) {
        if let Some(i) = self.sections().iter().position(pick) {
            self.selected = i;
        }
    }

    fn sections(&self) -> &[Section] {
        self.doc.as_ref().map(|d| d.outline.sections.as_slice()).unwrap_or(&[])
    }

    fn written(&self, key: &str) -> &str {
        self.report().and_then(|r| r.sections.get(key)).map(|t| t.trim()).unwrap_or("")
    }

    fn state(&self, i: usize) -> SectionState {
        let sections = self.sections();
        let s = &sections[i];
        // Characters as a word processor counts them: line breaks and spaces left out.
        let chars = self.written(&s.key).chars().filter(|c| !c.is_whitespace()).count();
        match (s.fill, chars) {
            (Fill::Data, _) => SectionState::Generated,
            (Fill::Both, 0) => SectionState::EmptyGenerated,
            (Fill::Both, n) => SectionState::WrittenGenerated(n),
            (Fill::Text, 0) => {
                // A heading with subsections prints nothing when left empty (read::report::blocks).
                let has_children = sections.get(i + 1).is_some_and(|next| next.level > s.level);
                SectionState::Empty { needed: !has_children }
            }
            (Fill::Text, n) => SectionState::Written(n),
        }
    }

    /// The sections that print （待撰写）.
    fn pending(&self) -> usize {
        (0..self.sections().len()).filter(|i| matches!(self.state(*i), SectionState::Empty { needed: true })).count()
    }

    fn heading(s: &Section, cx: &Cx) -> String {
        if s.heading.is_empty() { cx.t(Msg::RpCover).to_string() } else { s.heading.clone() }
    }

    /// "已出具（绩评报字(2026)第0001号，第 1 版）": why an issued report refuses edits, and the way back.
    fn refusal(&self, cx: &Cx) -> Option<String> {
        let r = self.report().filter(|r| r.state == ReportState::Issued)?;
        let number = r.number.as_ref().map(|n| n.text.as_str()).unwrap_or("");
        let rev = r.latest().map(|v| v.revision).unwrap_or(1);
        Some(fill(cx.t(Msg::RpIssuedRefused), &[number, &rev.to_string()]))
    }

    pub fn handle(&mut self, action: Action, project: Option<&Project>, cx: &Cx) -> Effect {
        let (before, len) = (self.selected, self.sections().len());
        if crate::tui::widgets::navigate(&mut self.selected, len, action) {
            if self.selected != before {
                self.scroll.set(0);
            }
            return Effect::None;
        }
        match action {
            Action::PreviewDown => self.scroll.set(self.scroll.get() + SCROLL_STEP),
            Action::PreviewUp => self.scroll.set(self.scroll.get().saturating_sub(SCROLL_STEP)),
            Action::ReportPrefix => return Effect::Push(Box::new(super::settings_forms::report_prefix_form(cx))),
            Action::WriteDocx => {
                let Some(p) = project else { return Effect::None };
                return super::documents::offer_report_docx(&p.code, cx);
            }
            Action::Open | Action::Edit | Action::ReportTitle | Action::ReopenReport => {
                let (Some(p), Some(doc)) = (project, self.doc.as_ref()) else { return Effect::None };
                let Some(section) = self.sections().get(self.selected) else { return Effect::None };
                if matches!(action, Action::Open | Action::Edit) && section.fill == Fill::Data {
                    let source = section.generator.map(|g| source(g, cx)).unwrap_or("");
                    return Effect::Toast(fill(cx.t(Msg::RpIsGenerated), &[&Self::heading(section, cx), source]));
                }
                if p.is_archived() {
                    return Effect::Error(cx.t(Msg::ReadOnly).to_string());
                }
                if action == Action::ReopenReport {
                    return match self.refusal(cx) {
                        Some(_) => Effect::Push(Box::new(reopen_form(&doc.report, p, self.version, cx))),
                        None => Effect::Error(cx.t(Msg::RpNotIssued).to_string()),
                    };
                }
                if let Some(refusal) = self.refusal(cx) {
                    return Effect::Error(refusal);
                }
                if action == Action::ReportTitle {
                    return Effect::Push(Box::new(title_form(doc, self.version, cx)));
                }
                return Effect::Push(self.editor(section, cx));
            }
            _ => {}
        }
        Effect::None
    }

    fn editor(&self, section: &Section, cx: &Cx) -> Box<dyn crate::tui::app::Layer> {
        let (project, key, version) = (self.code.clone(), section.key.clone(), self.version);
        let build: BuildCommand = Rc::new(move |text| Command::WriteReportSection {
            project: project.clone(),
            section: key.clone(),
            text,
            expected_version: Some(version),
        });
        let hint = (!section.hint.is_empty()).then(|| fill(cx.t(Msg::RpHint), &[&section.hint]));
        let spec = EditSpec {
            title: fill(cx.t(Msg::RpEditTitle), &[&Self::heading(section, cx)]),
            draft_key: format!("report-{}-{}", self.code, section.key),
            saved: self.written(&section.key).to_string(),
            hint,
            build,
        };
        TextEditor::open(spec, cx)
    }

    pub fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        if let Some(e) = &self.error {
            f.render_widget(Paragraph::new(e.clone()).style(Style::default().fg(Color::Red)), area);
            return;
        }
        let Some(doc) = &self.doc else { return };
        let header = self.header(doc, area.width as usize, cx);
        let [top, body] = Layout::vertical([Constraint::Length(header.len() as u16), Constraint::Min(1)]).areas(area);
        f.render_widget(Paragraph::new(header), top);
        if area.width >= SIDE_BY_SIDE {
            let list_w = (body.width * 2 / 5).clamp(30, 50);
            let [list, preview] = Layout::horizontal([Constraint::Length(list_w), Constraint::Min(1)]).areas(body);
            self.render_list(f, list, cx);
            self.render_preview(f, preview, Borders::LEFT, cx);
        } else {
            let [list, preview] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
            self.render_list(f, list, cx);
            self.render_preview(f, preview, Borders::TOP, cx);
        }
    }

    /// The title, the number and the state, and how many sections are still to write; wrapped
    /// onto a second line on a narrow terminal.
    fn header(&self, doc: &ReportDoc, w: usize, cx: &Cx) -> Vec<Line<'static>> {
        let r = &doc.report;
        let number = r.number.as_ref().map(|n| n.text.clone()).unwrap_or_else(|| cx.t(Msg::RpNoNumber).to_string());
        let (state, color) = match (r.state, r.latest()) {
            (ReportState::Issued, Some(v)) => {
                (fill(cx.t(Msg::RpIssuedState), &[&v.revision.to_string(), &chinese_date(v.date)]), Color::Green)
            }
            (ReportState::Issued, None) => (r.state.label().to_string(), Color::Green),
            (ReportState::Draft, Some(v)) => (fill(cx.t(Msg::RpReopenedState), &[&v.revision.to_string()]), Color::Yellow),
            (ReportState::Draft, None) => (cx.t(Msg::RpDraft).to_string(), Color::Yellow),
        };
        let pending = match self.pending() {
            0 => cx.t(Msg::RpAllWritten).to_string(),
            n => fill(cx.t(Msg::RpPending), &[&n.to_string()]),
        };
        let parts: Vec<(String, Style)> = vec![
            (format!("《{}》", title_of(doc)), Style::default().add_modifier(Modifier::BOLD)),
            (number, Style::default().fg(Color::Cyan)),
            (state, Style::default().fg(color)),
            (pending, Style::default().fg(if self.pending() > 0 { Color::Yellow } else { Color::Green })),
        ];
        // Parts go onto the line while they fit; a part never splits (at most two lines).
        let mut lines: Vec<Vec<Span<'static>>> = vec![vec![]];
        let mut used = 0;
        for (text, style) in parts {
            let wanted = width(&text) + 2;
            if used > 0 && used + wanted > w && lines.len() < 2 {
                lines.push(vec![]);
                used = 0;
            }
            let text = truncate(&text, w.saturating_sub(used + 2));
            used += width(&text) + 2;
            if let Some(line) = lines.last_mut() {
                line.push(Span::styled(text, style));
                line.push(Span::raw("  "));
            }
        }
        lines.into_iter().map(Line::from).collect()
    }

    fn state_text(&self, i: usize, cx: &Cx) -> (String, Style) {
        match self.state(i) {
            SectionState::Empty { needed: true } => (cx.t(Msg::RpEmpty).to_string(), Style::default().fg(Color::Yellow)),
            SectionState::Empty { needed: false } => (cx.t(Msg::RpEmpty).to_string(), Style::default().fg(Color::DarkGray)),
            SectionState::Written(n) => (fill(cx.t(Msg::RpWritten), &[&n.to_string()]), Style::default().fg(Color::Green)),
            SectionState::Generated => (cx.t(Msg::RpGenerated).to_string(), Style::default().fg(Color::Cyan)),
            SectionState::EmptyGenerated => (cx.t(Msg::RpEmptyGenerated).to_string(), Style::default().fg(Color::Cyan)),
            SectionState::WrittenGenerated(n) => {
                (fill(cx.t(Msg::RpWrittenGenerated), &[&n.to_string()]), Style::default().fg(Color::Green))
            }
        }
    }

    fn render_list(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let states: Vec<(String, Style)> = (0..self.sections().len()).map(|i| self.state_text(i, cx)).collect();
        // As wide as the widest state can be, so headings do not shift as sections are written.
        let widest = width(&fill(cx.t(Msg::RpWrittenGenerated), &["9999"]));
        let state_w = states.iter().map(|(t, _)| width(t)).max().unwrap_or(0).max(widest).min(area.width as usize / 2);
        let head_w = (area.width as usize).saturating_sub(state_w + 2);
        let height = area.height as usize;
        let offset = crate::tui::widgets::follow(&self.offset, self.selected, height);
        let mut lines = Vec::new();
        for (i, s) in self.sections().iter().enumerate().skip(offset).take(height) {
            let indent = "  ".repeat(s.level.saturating_sub(1) as usize);
            let heading = pad_right(&truncate(&format!("{indent}{}", Self::heading(s, cx)), head_w), head_w);
            let (state, mut style) = states[i].clone();
            let mut head_style = Style::default();
            if i == self.selected {
                head_style = head_style.bg(Color::Blue).add_modifier(Modifier::BOLD);
                style = style.bg(Color::Blue).add_modifier(Modifier::BOLD);
            }
            lines.push(Line::from(vec![
                Span::styled(format!("{heading} "), head_style),
                Span::styled(pad_right(&truncate(&state, state_w), state_w), style),
            ]));
        }
        f.render_widget(Paragraph::new(lines), area);
    }

    /// The selected section: what was written (or the hint), then what the records generate.
    fn render_preview(&self, f: &mut Frame, area: Rect, borders: Borders, cx: &Cx) {
        let Some(s) = self.sections().get(self.selected) else { return };
        let Some(doc) = &self.doc else { return };
        let block = Block::default().borders(borders).border_style(Style::default().fg(Color::DarkGray));
        // The title takes a row of its own when there is no top border; every section has one.
        let inner = block.clone().title("·").inner(area);
        // One column of air beside the list's border.
        let inner = if borders == Borders::LEFT { Rect { x: inner.x + 1, width: inner.width.saturating_sub(1), ..inner } } else { inner };
        let w = inner.width as usize;
        let gray = Style::default().fg(Color::DarkGray);
        let mut lines = Vec::new();
        if let Some(issued) = &self.issued {
            // An issued report is shown as it was printed, not as today's records would print it.
            lines.extend(report_text::paragraphs(&fill(cx.t(Msg::RpAsIssued), &[&issued.revision.to_string()]), w, gray));
            lines.extend(report_text::lines(printed_section(&issued.blocks, &doc.outline, &s.key), w));
        } else {
            self.draft_preview(s, doc, w, &mut lines, cx);
        }
        let overflow = lines.len() > inner.height as usize;
        let mut title = format!(" {} ", Self::heading(s, cx));
        if overflow {
            let keys =
                [Action::PreviewDown, Action::PreviewUp].map(|a| cx.keymap.keys_for("report", a).first().cloned().unwrap_or_default());
            title.push_str(&fill(cx.t(Msg::RpScrollHint), &[&keys.join("/")]));
        }
        f.render_widget(block.title(truncate(&title, area.width.saturating_sub(2) as usize)), area);
        let last_top = lines.len().saturating_sub(inner.height as usize);
        self.scroll.set(self.scroll.get().min(last_top));
        f.render_widget(Paragraph::new(lines).scroll((self.scroll.get() as u16, 0)), inner);
    }

    /// A draft section: the written text (or the hint), then what today's records generate.
    fn draft_preview(&self, s: &Section, doc: &ReportDoc, w: usize, lines: &mut Vec<Line<'static>>, cx: &Cx) {
        let gray = Style::default().fg(Color::DarkGray);
        if s.is_writable() {
            let written = self.written(&s.key);
            if !written.is_empty() {
                lines.extend(report_text::paragraphs(written, w, Style::default()));
            } else if !s.hint.is_empty() {
                lines.extend(report_text::paragraphs(&fill(cx.t(Msg::RpHint), &[&s.hint]), w, gray));
            } else {
                lines.extend(report_text::paragraphs(cx.t(Msg::RpNothingWritten), w, gray));
            }
        }
        if let Some(g) = s.generator {
            lines.extend(report_text::paragraphs(&fill(cx.t(Msg::RpFromRecords), &[source(g, cx)]), w, gray));
            lines.extend(report_text::lines(&generated(doc, s), w));
        }
    }
}

/// Which records feed a generated section, and where they are changed.
fn source(g: Generator, cx: &Cx) -> &'static str {
    cx.t(match g {
        Generator::Cover => Msg::RpSrcCover,
        Generator::BasicFacts => Msg::RpSrcFacts,
        Generator::IndicatorSystem => Msg::RpSrcIndicators,
        Generator::Conclusion => Msg::RpSrcConclusion,
        Generator::IndicatorAnalysis => Msg::RpSrcAnalysis,
        Generator::Problems => Msg::RpSrcProblems,
        Generator::Suggestions => Msg::RpSrcSuggestions,
        Generator::ResultUse => Msg::RpSrcResultUse,
        Generator::ScoreTable => Msg::RpSrcScoreTable,
        Generator::RecheckTable => Msg::RpSrcRecheck,
    })
}

/// 报告标题, 委托单位, 主管部门 (`set_report_title`): an empty title prints the default one.
fn title_form(doc: &ReportDoc, version: u64, cx: &Cx) -> Form {
    let r = &doc.report;
    let default_title = format!("{}{}", doc.project.name, doc.outline.title);
    let fields = vec![
        Field::text(&fill(cx.t(Msg::RpFieldTitle), &[&default_title]), r.title.as_deref().unwrap_or("")),
        Field::text(cx.t(Msg::RpFieldClient), r.client.as_deref().unwrap_or("")),
        Field::text(cx.t(Msg::RpFieldDepartment), r.department.as_deref().unwrap_or("")),
    ];
    let code = doc.project.code.clone();
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        Ok(Command::SetReportTitle {
            project: code.clone(),
            title: Some(v[0].trim().to_string()),
            client: Some(v[1].trim().to_string()),
            department: Some(v[2].trim().to_string()),
            expected_version: Some(version),
        })
    });
    Form::new(fill(cx.t(Msg::RpTitleForm), &[&doc.project.code]), fields, submit, Some(cx.t(Msg::Saved).into()))
}

/// The reason for `reopen_report`, confirmed before it is applied.
fn reopen_form(r: &Report, p: &Project, version: u64, cx: &Cx) -> Form {
    let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(required)];
    let code = p.code.clone();
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        Ok(Command::ReopenReport { project: code.clone(), reason: v[0].trim().to_string(), expected_version: Some(version) })
    });
    let number = r.number.as_ref().map(|n| n.text.as_str()).unwrap_or("");
    let next = r.latest().map(|v| v.revision + 1).unwrap_or(2);
    let question = fill(cx.t(Msg::RpReopenConfirm), &[number, &next.to_string()]);
    Form::new(fill(cx.t(Msg::RpReopenTitle), &[&p.code]), fields, submit, Some(cx.t(Msg::RpReopenedToast).into())).confirming(question)
}
