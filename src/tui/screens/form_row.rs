//! The self-evaluation form (自评表) on the scoring tab: a leaf's row as printed in the detail
//! pane (指标性质, 年度指标值 → 实际完成值, its 其中 rows, a missed target marked), the unit's
//! self-score beside the re-check score, and the form-row editor (`f`), whose Ctrl-s sends
//! `set_form_row` with the row's rev.

use super::form::{Field, Form};
use crate::command::Command;
use crate::domain::form::{Breakdown, FormRow, RowInput};
use crate::domain::money::{fmt2, parse_amount};
use crate::domain::printed::Nature;
use crate::domain::tree::{IndicatorRef, IndicatorTree, Node, NodeId};
use crate::tui::app::Cx;
use crate::tui::strings::{Msg, fill};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use rust_decimal::Decimal;

const NATURES: [Nature; 4] = [Nature::Ge, Nature::Le, Nature::Eq, Nature::Text];

/// The unit's self-score of a node: a leaf's own, a parent's the sum of its leaves' (None
/// when no leaf below has one).
pub fn self_score(tree: &IndicatorTree, form: &crate::domain::form::Form, id: NodeId) -> Option<Decimal> {
    if tree.is_leaf(id) {
        return form.row(id).and_then(|r| r.input.self_score);
    }
    let scores: Vec<Decimal> = tree.children(Some(id)).filter_map(|c| self_score(tree, form, c.id)).collect();
    (!scores.is_empty()).then(|| scores.iter().fold(Decimal::ZERO, |a, b| a.saturating_add(*b)))
}

/// 复核 − 自评 of a node: a leaf's where it has both scores; a parent's the sum over its
/// leaves that have both (a leaf not yet re-checked does not count as a difference).
pub fn difference(tree: &IndicatorTree, form: &crate::domain::form::Form, id: NodeId) -> Option<Decimal> {
    if tree.is_leaf(id) {
        let own = form.row(id).and_then(|r| r.input.self_score)?;
        return tree.score_of(id).map(|v| v.saturating_sub(own));
    }
    let diffs: Vec<Decimal> = tree.children(Some(id)).filter_map(|c| difference(tree, form, c.id)).collect();
    (!diffs.is_empty()).then(|| diffs.iter().fold(Decimal::ZERO, |a, b| a.saturating_add(*b)))
}

/// A leaf's row as the detail pane shows it.
pub fn detail_lines(row: &FormRow, cx: &Cx) -> Vec<Line<'static>> {
    let i = &row.input;
    let cyan = Style::default().fg(Color::Cyan);
    let mut head = vec![Span::styled(format!("{}{}", cx.t(Msg::FrSection), super::findings::colon(cx)), cyan)];
    if let Some(n) = i.nature {
        head.push(Span::raw(format!("{} {}，", cx.t(Msg::FrNature), n.label())));
    }
    let unit = if i.unit.trim().is_empty() { String::new() } else { format!("（{}）", i.unit.trim()) };
    head.push(Span::raw(format!("{} -> {}{unit}", or_dash(&i.target), or_dash(&i.actual))));
    if i.missed() == Some(true) {
        head.push(Span::styled(format!(" ✗ {}", cx.t(Msg::FrMissed)), Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)));
    }
    let mut lines = vec![Line::from(head)];
    for b in &i.breakdown {
        let unit = if b.unit.trim().is_empty() { String::new() } else { format!("（{}）", b.unit.trim()) };
        lines.push(Line::from(format!("  {} {} -> {}{unit}", b.name, or_dash(&b.target), or_dash(&b.actual))));
    }
    if let Some(s) = i.self_score {
        lines.push(Line::from(vec![
            Span::styled(format!("{}{}", cx.t(Msg::FrSelfScore), super::findings::colon(cx)), cyan),
            Span::raw(fmt2(s)),
        ]));
    }
    if !i.deviation.trim().is_empty() {
        lines.push(Line::from(Span::styled(format!("{}{}", cx.t(Msg::FrDeviation), super::findings::colon(cx)), cyan)));
        lines.extend(i.deviation.lines().map(|l| Line::from(format!("  {l}"))));
    }
    lines
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() { "-".into() } else { s.trim().to_string() }
}

/// A 其中 line as typed: "名称｜目标值｜实际值｜度量单位" (also `|` or a tab between cells).
pub fn breakdown_line(line: &str) -> Breakdown {
    let mut cells = line.split(['｜', '|', '\t']).map(|c| c.trim().to_string());
    let mut next = || cells.next().unwrap_or_default();
    Breakdown { name: next(), target: next(), actual: next(), unit: next() }
}

fn breakdown_text(b: &Breakdown) -> String {
    let mut cells = vec![b.name.clone(), b.target.clone(), b.actual.clone()];
    if !b.unit.is_empty() {
        cells.push(b.unit.clone());
    }
    cells.join("｜")
}

/// The form-row editor of a leaf, prefilled from its row (if any).
pub fn editor(code: &str, node: &Node, row: Option<&FormRow>, cx: &Cx) -> Form {
    let empty = RowInput::default();
    let input = row.map(|r| &r.input).unwrap_or(&empty);
    let none = cx.t(Msg::FrNone).to_string();
    let mut natures = vec![none.clone()];
    natures.extend(NATURES.iter().map(|n| n.label().to_string()));
    let nature = input.nature.map(|n| n.label().to_string()).unwrap_or(none);
    let breakdown: Vec<String> = input.breakdown.iter().map(breakdown_text).collect();
    let fields = vec![
        Field::choice(cx.t(Msg::FrNature), natures, &nature),
        Field::text(cx.t(Msg::FrTarget), &input.target),
        Field::text(cx.t(Msg::FrActual), &input.actual),
        Field::text(cx.t(Msg::FrUnit), &input.unit),
        Field::lines(cx.t(Msg::FrDeviation), &input.deviation),
        Field::text(cx.t(Msg::FrSelfScore), &input.self_score.map(fmt2).unwrap_or_default())
            .checked(|v, _| if v.trim().is_empty() { Ok(()) } else { parse_amount(v).map(|_| ()) }),
        Field::lines(cx.t(Msg::FrBreakdown), &breakdown.join("\n")).hint(cx.t(Msg::FrBreakdownHint).to_string()),
    ];
    let key = format!("formrow-{code}-{}", node.id);
    let (code, id, points) = (code.to_string(), node.id, node.points);
    let rev = row.map(|r| r.rev).unwrap_or(0);
    let submit = Box::new(move |v: &[String], cx: &Cx| {
        let self_score = match v[5].trim() {
            "" => None,
            s => Some(parse_amount(s).map_err(|e| (5, e))?),
        };
        if let Some(s) = self_score.filter(|s| *s < Decimal::ZERO || *s > points) {
            return Err((5, fill(cx.t(Msg::FrSelfScoreRange), &[&fmt2(s), &fmt2(points)])));
        }
        let mut breakdown = Vec::new();
        for (i, line) in v[6].lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let b = breakdown_line(line);
            if b.name.is_empty() {
                return Err((6, fill(cx.t(Msg::FrBreakdownBad), &[&(i + 1).to_string(), line.trim()])));
            }
            breakdown.push(b);
        }
        let row = RowInput {
            nature: NATURES.iter().copied().find(|n| n.label() == v[0]),
            target: v[1].trim().to_string(),
            actual: v[2].trim().to_string(),
            unit: v[3].trim().to_string(),
            deviation: v[4].trim_end().to_string(),
            self_score,
            breakdown,
        };
        Ok(Command::SetFormRow { project: code.clone(), indicator: IndicatorRef::Id(id), row, expected_rev: Some(rev) })
    });
    let title = fill(cx.t(Msg::FrTitle), &[&node.name, &fmt2(node.points)]);
    Form::new(title, fields, submit, Some(cx.t(Msg::Saved).into())).draft(key)
}
