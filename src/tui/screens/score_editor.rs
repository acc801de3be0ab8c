//! Editing a leaf's score by its method: a number, a deduction list, a formula (with the
//! computed score shown before saving) or a qualitative band. Bad input is refused on
//! screen with the allowed range; nothing is saved until it computes. Like a form, the
//! values are kept as a draft while typing (`score-ZD21-06-<node id>`), offered when the same
//! leaf's editor opens again; Esc with changes asks first.

use super::unsaved::Tracked;
use crate::command::Command;
use crate::domain::money::{fmt2, parse_amount, parse_measure};
use crate::domain::printed::Nature;
use crate::domain::tree::{Deduction, Direction, IndicatorRef, Method, Node, QualBand, ScoreInput};
use crate::text;
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer, centered, widen};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::input::LineInput;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

const METHODS: [&str; 4] = ["direct", "deduction", "formula", "qualitative"];
const BANDS: [QualBand; 3] = [QualBand::Met, QualBand::Partly, QualBand::NotMet];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    Method,
    Value,
    Band,
    Target,
    Actual,
    Direction,
    DedPoints(usize),
    DedReason(usize),
    DedFinding(usize),
}

/// The editor's values as its draft holds them (JSON): every method's fields, so switching
/// the method back and forth loses nothing. Deduction rows left wholly empty are not kept.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
struct Values {
    method: usize,
    value: String,
    band: usize,
    target: String,
    actual: String,
    negative: bool,
    /// 等于 (`Direction::Exact`); drafts from before it lack the field.
    #[serde(default)]
    exact: bool,
    deductions: Vec<(String, String, String)>,
}

pub struct ScoreEditor {
    code: String,
    node_id: u32,
    name: String,
    points: Decimal,
    rev: u64,
    basis: String,
    evidence: Vec<crate::domain::Evidence>,
    method: usize,
    value: LineInput,
    band: usize,
    target: LineInput,
    actual: LineInput,
    direction: Direction,
    /// Points, reason, and the number of the finding it stems from (optional).
    deductions: Vec<(LineInput, LineInput, LineInput)>,
    /// The project's findings: (number, id), so a deduction can point at one.
    findings: Vec<(u32, u64)>,
    focus: usize,
    error: Option<String>,
    /// Its draft, kept under the project and the leaf.
    draft: Tracked<Values>,
}

impl ScoreEditor {
    pub fn new(code: &str, node: &Node, findings: &[(u32, u64)], _cx: &Cx) -> Self {
        let mut e = ScoreEditor {
            code: code.to_string(),
            node_id: node.id,
            name: node.name.clone(),
            points: node.points,
            rev: node.rev,
            basis: String::new(),
            evidence: vec![],
            method: match node.method {
                Method::Direct => 0,
                Method::Deduction => 1,
                Method::Formula { .. } => 2,
                Method::Qualitative => 3,
            },
            value: LineInput::default(),
            band: 0,
            target: LineInput::default(),
            actual: LineInput::default(),
            direction: match node.method {
                Method::Formula { direction } => direction,
                _ => Direction::Positive,
            },
            deductions: vec![],
            findings: findings.to_vec(),
            focus: 1,
            error: None,
            draft: Tracked::new(format!("score-{code}-{}", node.id), Values::default()),
        };
        if let Some(s) = &node.score {
            e.basis = s.basis.clone();
            e.evidence = s.evidence.clone();
            match &s.input {
                ScoreInput::Direct { value } => e.value.set(&value.to_string()),
                ScoreInput::Deduction { deductions } => {
                    e.deductions = deductions
                        .iter()
                        .map(|d| {
                            let no = d
                                .finding
                                .and_then(|id| findings.iter().find(|(_, f)| *f == id))
                                .map(|(seq, _)| seq.to_string())
                                .unwrap_or_default();
                            (LineInput::new(&d.points.to_string()), LineInput::new(&d.reason), LineInput::new(&no))
                        })
                        .collect();
                }
                ScoreInput::Formula { target, actual, direction } => {
                    e.target.set(&target.to_string());
                    e.actual.set(&actual.to_string());
                    e.direction = *direction;
                }
                ScoreInput::Qualitative { band, value } => {
                    e.band = BANDS.iter().position(|b| b == band).unwrap_or(0);
                    e.value.set(&value.to_string());
                }
                ScoreInput::Printed { target, actual, .. } => {
                    e.target.set(target);
                    e.actual.set(actual);
                    if let Method::Formula { direction } = s.input.method() {
                        e.direction = direction;
                    }
                }
            }
        }
        if e.method == 1 && e.deductions.is_empty() {
            e.deductions.push((LineInput::default(), LineInput::default(), LineInput::default()));
        }
        let initial = e.values();
        e.draft.set_initial(initial);
        e
    }

    /// On the formula method with the target and actual empty: the leaf's form row fills them
    /// (as printed) and its 指标性质 the direction. Not an edit: nothing to lose on Esc.
    pub fn prefilled(mut self, row: Option<&crate::domain::form::RowInput>) -> Self {
        let Some(row) = row else { return self };
        if self.method != 2 || !self.target.value().trim().is_empty() || !self.actual.value().trim().is_empty() {
            return self;
        }
        self.target.set(row.target.trim());
        self.actual.set(row.actual.trim());
        if let Some(d) = row.nature().and_then(Nature::direction) {
            self.direction = d;
        }
        let initial = self.values();
        self.draft.set_initial(initial);
        self
    }

    /// What is typed and chosen now, as the draft keeps it.
    fn values(&self) -> Values {
        Values {
            method: self.method,
            value: self.value.value(),
            band: self.band,
            target: self.target.value(),
            actual: self.actual.value(),
            negative: self.direction == Direction::Negative,
            exact: self.direction == Direction::Exact,
            deductions: self
                .deductions
                .iter()
                .map(|(p, r, f)| (p.value(), r.value(), f.value()))
                .filter(|(p, r, f)| !(p.is_empty() && r.is_empty() && f.is_empty()))
                .collect(),
        }
    }

    fn draft_text(&self) -> String {
        serde_json::to_string(&self.values()).unwrap_or_default()
    }

    /// A draft's values, if it reads as this editor's (a method and a band that exist).
    fn parse_draft(draft: &str) -> Option<Values> {
        serde_json::from_str::<Values>(draft).ok().filter(|v| v.method < METHODS.len() && v.band < BANDS.len())
    }

    /// How a draft's values read where they differ from `now` (“分值：3”).
    fn describe(&self, draft: &Values, now: &Values, cx: &Cx) -> Vec<String> {
        let mut out = Vec::new();
        if draft.method != now.method {
            out.push(format!("{}：{}", cx.t(Msg::ScMethodField), method_label(draft.method, cx)));
        }
        let mut field = |changed: bool, label: String, v: &str| {
            if changed {
                out.push(format!("{label}：{}", text::truncate(v, 60)));
            }
        };
        match draft.method {
            0 => field(draft.value != now.value, cx.t(Msg::ScValue).into(), &draft.value),
            1 => {
                if draft.deductions != now.deductions {
                    for (i, (p, r, f)) in draft.deductions.iter().enumerate() {
                        let finding = if f.trim().is_empty() { String::new() } else { format!(" #{}", f.trim().trim_start_matches('#')) };
                        field(true, format!("{} {}", cx.t(Msg::ScDeductionPoints), i + 1), &format!("{p} {r}{finding}"));
                    }
                }
            }
            2 => {
                field(draft.target != now.target, cx.t(Msg::ScTarget).into(), &draft.target);
                field(draft.actual != now.actual, cx.t(Msg::ScActual).into(), &draft.actual);
                let dir = direction_label(direction_of(draft), cx);
                field(direction_of(draft) != direction_of(now), cx.t(Msg::ScDirection).into(), dir);
            }
            _ => {
                field(draft.band != now.band, cx.t(Msg::ScBand).into(), &band_label(BANDS[draft.band], self.points));
                field(draft.value != now.value, cx.t(Msg::ScValue).into(), &draft.value);
            }
        }
        out
    }

    /// The finding a deduction names by its number ("3" or "#3"), if any.
    fn finding_id(&self, input: &LineInput, cx: &Cx) -> Result<Option<u64>, String> {
        let text = input.value();
        let t = text.trim().trim_start_matches('#');
        if t.is_empty() {
            return Ok(None);
        }
        let seq: u32 = t.parse().map_err(|_| fill(cx.t(Msg::ScNoSuchFinding), &[&text]))?;
        self.findings.iter().find(|(s, _)| *s == seq).map(|(_, id)| Some(*id)).ok_or_else(|| fill(cx.t(Msg::ScNoSuchFinding), &[&text]))
    }

    fn slots(&self) -> Vec<Slot> {
        let mut s = vec![Slot::Method];
        match self.method {
            0 => s.push(Slot::Value),
            1 => {
                for i in 0..self.deductions.len() {
                    s.push(Slot::DedPoints(i));
                    s.push(Slot::DedReason(i));
                    s.push(Slot::DedFinding(i));
                }
            }
            2 => s.extend([Slot::Target, Slot::Actual, Slot::Direction]),
            _ => s.extend([Slot::Band, Slot::Value]),
        }
        s
    }

    fn focused(&self) -> Slot {
        let slots = self.slots();
        slots[self.focus.min(slots.len() - 1)]
    }

    fn input_mut(&mut self, slot: Slot) -> Option<&mut LineInput> {
        match slot {
            Slot::Value => Some(&mut self.value),
            Slot::Target => Some(&mut self.target),
            Slot::Actual => Some(&mut self.actual),
            Slot::DedPoints(i) => self.deductions.get_mut(i).map(|d| &mut d.0),
            Slot::DedReason(i) => self.deductions.get_mut(i).map(|d| &mut d.1),
            Slot::DedFinding(i) => self.deductions.get_mut(i).map(|d| &mut d.2),
            _ => None,
        }
    }

    /// The input as typed, or a message naming the field that is not a number.
    fn build(&self, cx: &Cx) -> Result<ScoreInput, String> {
        let num = |label: Msg, i: &LineInput| parse_amount(&i.value()).map_err(|e| format!("{}：{e}", cx.t(label)));
        // Targets and actuals are measures (people, percent, 11.376 …), not points: more places.
        let measure = |label: Msg, i: &LineInput| parse_measure(&i.value()).map_err(|e| format!("{}：{e}", cx.t(label)));
        Ok(match self.method {
            0 => ScoreInput::Direct { value: num(Msg::ScValue, &self.value)? },
            1 => ScoreInput::Deduction {
                deductions: self
                    .deductions
                    .iter()
                    .filter(|(p, r, _)| !(p.value().trim().is_empty() && r.value().trim().is_empty()))
                    .map(|(p, r, f)| {
                        Ok(Deduction {
                            points: num(Msg::ScDeductionPoints, p)?,
                            reason: r.value().trim().to_string(),
                            finding: self.finding_id(f, cx)?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
            },
            // As the form prints them ("≥95%", "86.19%", "≤5300元/户"): read from the text.
            2 if [&self.target, &self.actual].iter().any(|i| printed_like(&i.value())) => ScoreInput::Printed {
                nature: Some(match self.direction {
                    Direction::Positive => Nature::Ge,
                    Direction::Negative => Nature::Le,
                    Direction::Exact => Nature::Eq,
                }),
                target: self.target.value().trim().to_string(),
                actual: self.actual.value().trim().to_string(),
            },
            2 => ScoreInput::Formula {
                target: measure(Msg::ScTarget, &self.target)?,
                actual: measure(Msg::ScActual, &self.actual)?,
                direction: self.direction,
            },
            _ => ScoreInput::Qualitative { band: BANDS[self.band], value: num(Msg::ScValue, &self.value)? },
        })
    }

    /// The score the current input gives, or why it cannot be saved (the domain's message
    /// states the allowed range).
    fn preview(&self, cx: &Cx) -> Result<Decimal, String> {
        let input = self.build(cx)?;
        input.compute(&self.name, self.points).map_err(|e| e.render(cx.lang))
    }

    fn save(&mut self, cx: &Cx) -> Effect {
        if let Err(e) = self.preview(cx) {
            self.error = Some(e);
            return Effect::None;
        }
        match self.build(cx) {
            Ok(input) => Effect::Execute {
                cmd: Box::new(Command::Score {
                    project: self.code.clone(),
                    indicator: IndicatorRef::Id(self.node_id),
                    input,
                    basis: self.basis.clone(),
                    evidence: self.evidence.clone(),
                    expected_rev: Some(self.rev),
                }),
                pop: 1,
                toast: Some(cx.t(Msg::Saved).to_string()),
            },
            Err(e) => {
                self.error = Some(e);
                Effect::None
            }
        }
    }

    fn cycle(&mut self, forward: bool) {
        match self.focused() {
            Slot::Method => {
                self.method = (self.method + if forward { 1 } else { 3 }) % 4;
                if self.method == 1 && self.deductions.is_empty() {
                    self.deductions.push((LineInput::default(), LineInput::default(), LineInput::default()));
                }
            }
            Slot::Band => self.band = (self.band + if forward { 1 } else { 2 }) % 3,
            Slot::Direction => {
                let all = [Direction::Positive, Direction::Negative, Direction::Exact];
                let i = all.iter().position(|d| *d == self.direction).unwrap_or(0);
                self.direction = all[(i + if forward { 1 } else { 2 }) % 3];
            }
            _ => {}
        }
    }
}

impl Layer for ScoreEditor {
    fn context(&self) -> &'static str {
        "form"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn wants_text(&self) -> bool {
        true
    }
    fn unused_actions(&self) -> &'static [Action] {
        if self.method == 1 { &[Action::Help] } else { &[Action::AddRow, Action::RemoveRow, Action::Help] }
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        let n = self.slots().len();
        match action {
            Action::NextField => self.focus = (self.focus + 1) % n,
            Action::PrevField => self.focus = (self.focus + n - 1) % n,
            Action::Save => return self.save(cx),
            Action::Cancel | Action::Back if self.unsaved() => {
                return Effect::Push(Box::new(super::unsaved::Discard::new(self.draft.key.clone(), self.draft_text())));
            }
            Action::Cancel | Action::Back => {
                self.discard_draft(cx);
                return Effect::Pop;
            }
            Action::AddRow if self.method == 1 => {
                self.deductions.push((LineInput::default(), LineInput::default(), LineInput::default()));
                self.focus = self.slots().len() - 3;
            }
            Action::RemoveRow if self.method == 1 => {
                if let Slot::DedPoints(i) | Slot::DedReason(i) | Slot::DedFinding(i) = self.focused() {
                    self.deductions.remove(i);
                    self.focus = self.focus.min(self.slots().len() - 1);
                }
            }
            _ => {}
        }
        self.error = None;
        Effect::None
    }
    fn unsaved(&self) -> bool {
        self.draft.changed(&self.values())
    }
    fn save_draft(&self, cx: &Cx) {
        self.draft.save(cx, self.values(), || self.draft_text());
    }
    fn discard_draft(&self, cx: &Cx) {
        self.draft.discard(cx, self.values());
    }
    fn draft_found(&self, cx: &Cx) -> Option<super::unsaved::Found> {
        let draft = cx.drafts.load(&self.draft.key)?;
        let values = Self::parse_draft(&draft)?;
        let now = self.values();
        if values == now {
            return None;
        }
        let mut changed = self.describe(&values, &now, cx);
        if changed.is_empty() {
            // Only a field of another method differs: name the method the draft was on.
            changed.push(format!("{}：{}", cx.t(Msg::ScMethodField), method_label(values.method, cx)));
        }
        Some(super::unsaved::Found { key: self.draft.key.clone(), draft, preview: changed.join("\n") })
    }
    fn restore_draft(&mut self, draft: &str) {
        let Some(v) = Self::parse_draft(draft) else { return };
        self.method = v.method;
        self.value.set(&v.value);
        self.band = v.band;
        self.target.set(&v.target);
        self.actual.set(&v.actual);
        self.direction = direction_of(&v);
        self.deductions = v.deductions.iter().map(|(p, r, f)| (LineInput::new(p), LineInput::new(r), LineInput::new(f))).collect();
        if self.method == 1 && self.deductions.is_empty() {
            self.deductions.push((LineInput::default(), LineInput::default(), LineInput::default()));
        }
        self.focus = self.focus.min(self.slots().len() - 1);
        self.error = None;
        // The draft file already holds these values.
        self.draft.mark_written(self.values());
    }
    fn input(&mut self, key: KeyEvent, _cx: &Cx) -> Effect {
        let slot = self.focused();
        match (slot, key.code) {
            (Slot::Method | Slot::Band | Slot::Direction, KeyCode::Left) => self.cycle(false),
            (Slot::Method | Slot::Band | Slot::Direction, KeyCode::Right | KeyCode::Char(' ')) => self.cycle(true),
            _ => {
                if let Some(i) = self.input_mut(slot) {
                    i.key(key);
                }
            }
        }
        self.error = None;
        Effect::None
    }
    fn paste(&mut self, pasted: &str) {
        let slot = self.focused();
        if let Some(i) = self.input_mut(slot) {
            i.insert_str(pasted.trim());
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let slots = self.slots();
        let (msg, color) = match (&self.error, self.preview(cx)) {
            (Some(e), _) => (format!("✗ {e}"), Color::Red),
            (None, Ok(v)) => super::stakes::computed(v, self.build(cx).ok(), self.points, cx),
            (None, Err(e)) => (e, Color::DarkGray),
        };
        let inner_w = 96u16.min(area.width.saturating_sub(2)).saturating_sub(2) as usize;
        let msg_lines = text::wrap(&msg, inner_w);
        // Blank or list header, the fields, a blank, the message, the footer, the border.
        let height = 1 + slots.len() + 1 + msg_lines.len() + 1 + 2;
        let rect = centered(area, 96, height as u16);
        f.render_widget(Clear, widen(rect, area));
        let method_label = crate::tui::screens::score_editor::method_label(self.method, cx);
        let title = fill(cx.t(Msg::ScEditTitle), &[&self.name, &fmt2(self.points), &method_label]);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(Style::default().fg(Color::Cyan))
            .title(format!(" {title} "));
        let inner = block.inner(rect);
        f.render_widget(block, rect);
        let label_w = 12usize;
        let value_w = (inner.width as usize).saturating_sub(label_w + 1);
        // Methods other than deduction start with a blank line (deduction has its list header).
        let top = if self.method != 1 { 1 } else { 0 };
        let mut lines = Vec::new();
        let mut cursor = None;
        for (i, slot) in slots.iter().enumerate() {
            let focused = i == self.focus.min(slots.len() - 1);
            let (label, shown) = match slot {
                Slot::Method => (cx.t(Msg::ScMethodField).to_string(), method_label.clone()),
                Slot::Band => (cx.t(Msg::ScBand).to_string(), band_label(BANDS[self.band], self.points)),
                Slot::Direction => (cx.t(Msg::ScDirection).to_string(), direction_label(self.direction, cx).to_string()),
                Slot::Value => (cx.t(Msg::ScValue).to_string(), String::new()),
                Slot::Target => (cx.t(Msg::ScTarget).to_string(), String::new()),
                Slot::Actual => (cx.t(Msg::ScActual).to_string(), String::new()),
                Slot::DedPoints(n) => (format!("{} {}", cx.t(Msg::ScDeductionPoints), n + 1), String::new()),
                Slot::DedReason(n) => (format!("{} {}", cx.t(Msg::ScDeductionReason), n + 1), String::new()),
                Slot::DedFinding(n) => (format!("{} {}", cx.t(Msg::ScDeductionFinding), n + 1), String::new()),
            };
            let shown = match self.clone_input(*slot) {
                Some(input) => {
                    let (view, at) = input.view(value_w);
                    if focused {
                        cursor = Some(Position { x: inner.x + label_w as u16 + at, y: inner.y + top + lines.len() as u16 });
                    }
                    view
                }
                None if focused => format!("< {shown} >"),
                None => shown,
            };
            let style = if focused { Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD) } else { Style::default() };
            if *slot == Slot::DedPoints(0) {
                lines.push(Line::from(Span::styled(cx.t(Msg::ScDeductions).to_string(), Style::default().fg(Color::DarkGray))));
                if let Some(c) = cursor.as_mut().filter(|_| focused) {
                    let c: &mut Position = c;
                    c.y += 1;
                }
            }
            lines.push(Line::from(vec![Span::styled(text::pad_right(&label, label_w), style), Span::raw(shown)]));
        }
        if self.method != 1 {
            lines.insert(0, Line::from(""));
        }
        lines.push(Line::from(""));
        for l in msg_lines {
            lines.push(Line::from(Span::styled(l, Style::default().fg(color))));
        }
        lines.push(Line::from(Span::styled(cx.t(Msg::FormFooter).to_string(), Style::default().fg(Color::DarkGray))));
        f.render_widget(Paragraph::new(lines), inner);
        if let Some(p) = cursor {
            f.set_cursor_position(p);
        }
    }
}

impl ScoreEditor {
    fn clone_input(&self, slot: Slot) -> Option<&LineInput> {
        match slot {
            Slot::Value => Some(&self.value),
            Slot::Target => Some(&self.target),
            Slot::Actual => Some(&self.actual),
            Slot::DedPoints(i) => self.deductions.get(i).map(|d| &d.0),
            Slot::DedReason(i) => self.deductions.get(i).map(|d| &d.1),
            Slot::DedFinding(i) => self.deductions.get(i).map(|d| &d.2),
            _ => None,
        }
    }
}

/// Text as a form prints it (a sign, a percent, a unit or words), not a plain number: such
/// a target or actual is sent as printed. Plain ASCII ("9x") keeps the plain-number check.
fn printed_like(s: &str) -> bool {
    s.chars().any(|c| !c.is_ascii() || "%<>=".contains(c))
}

fn direction_of(v: &Values) -> Direction {
    match (v.exact, v.negative) {
        (true, _) => Direction::Exact,
        (false, true) => Direction::Negative,
        (false, false) => Direction::Positive,
    }
}

fn direction_label(d: Direction, cx: &Cx) -> &'static str {
    cx.t(match d {
        Direction::Positive => Msg::ScPositive,
        Direction::Negative => Msg::ScNegative,
        Direction::Exact => Msg::ScExact,
    })
}

pub fn method_label(index: usize, cx: &Cx) -> String {
    let zh = ["直接打分", "扣分法", "公式法", "定性分档"];
    let en = ["direct", "deduction", "formula", "qualitative band"];
    let i = index.min(METHODS.len() - 1);
    if cx.lang == crate::i18n::Lang::Zh { zh[i] } else { en[i] }.to_string()
}

fn band_label(band: QualBand, points: Decimal) -> String {
    let (lo, hi, inclusive) = band.range(points);
    format!("{} [{}, {}{}", band.label(), fmt2(lo), fmt2(hi), if inclusive { "]" } else { ")" })
}
