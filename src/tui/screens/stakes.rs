//! What a confirmation puts at stake, said before the step is taken (issue 17, part 7):
//! removing an indicator (the scores under it, the findings linked to it), archiving a
//! project (the open and overdue items it leaves), closing an item (refused without evidence),
//! and a score editor's deductions beyond the leaf's points (扣完为止) before saving.
//! Pure functions of records the screen already holds (or fetches once), so tests need no
//! terminal.

use crate::domain::money::fmt2;
use crate::domain::scoring::ScoreInput;
use crate::domain::tree::{IndicatorTree, Node, NodeId};
use crate::domain::{Finding, FindingState, RectItem};
use crate::text::truncate;
use crate::tui::app::Cx;
use crate::tui::strings::{Msg, fill};
use chrono::NaiveDate;
use ratatui::style::Color;
use rust_decimal::Decimal;

/// Names listed in a question before the rest is counted (等 N 项).
const LISTED: usize = 5;

/// `a、b、c` and, past `LISTED`, how many more.
fn listing(names: &[String], cx: &Cx) -> String {
    let mut out = names.iter().take(LISTED).cloned().collect::<Vec<_>>().join(cx.t(Msg::StakesSep));
    if names.len() > LISTED {
        out.push_str(&fill(cx.t(Msg::StakesMore), &[&(names.len() - LISTED).to_string()]));
    }
    out
}

/// `node` and everything under it.
fn doomed(tree: &IndicatorTree, node: NodeId) -> Vec<&Node> {
    let under = |mut id: NodeId| loop {
        if id == node {
            return true;
        }
        match tree.node(id).and_then(|n| n.parent) {
            Some(p) => id = p,
            None => return false,
        }
    };
    tree.nodes.iter().filter(|n| under(n.id)).collect()
}

/// The removal question: the indicator, then whether anything under it is scored and which
/// findings (not withdrawn) name it or carry a deduction on it.
pub fn remove_indicator(tree: &IndicatorTree, node: &Node, findings: &[Finding], cx: &Cx) -> String {
    let gone = doomed(tree, node.id);
    let ids: Vec<NodeId> = gone.iter().map(|n| n.id).collect();
    let scored: Vec<String> = gone.iter().filter(|n| n.score.is_some()).map(|n| format!("“{}”", n.name)).collect();
    let deducted_from = |f: &Finding| {
        gone.iter().any(|n| {
            n.score.as_ref().is_some_and(|s| match &s.input {
                crate::domain::scoring::ScoreInput::Deduction { deductions } => deductions.iter().any(|d| d.finding == Some(f.id)),
                _ => false,
            })
        })
    };
    let linked: Vec<String> = findings
        .iter()
        .filter(|f| f.state != FindingState::Withdrawn)
        .filter(|f| f.body.indicators.iter().any(|i| ids.contains(i)) || deducted_from(f))
        .map(|f| format!("#{}“{}”", f.seq, truncate(&f.body.heading(), 20)))
        .collect();
    let mut out = vec![fill(cx.t(Msg::RemoveConfirm), &[&node.name])];
    out.push(match scored.len() {
        0 => cx.t(Msg::StakesUnscored).to_string(),
        n => fill(cx.t(Msg::StakesScored), &[&n.to_string(), &listing(&scored, cx)]),
    });
    out.push(match linked.len() {
        0 => cx.t(Msg::StakesNoFindings).to_string(),
        n => fill(cx.t(Msg::StakesFindings), &[&n.to_string(), &listing(&linked, cx)]),
    });
    out.join("\n")
}

/// The archive question's stakes: the items not closed or cancelled, and the overdue ones
/// with their days, each as `#id 要求`.
pub fn archive(question: String, items: &[RectItem], today: NaiveDate, cx: &Cx) -> String {
    let label = |i: &RectItem| format!("#{} {}", i.id, truncate(&i.requirement, 16));
    let open: Vec<String> = items.iter().filter(|i| !i.state.is_finished()).map(label).collect();
    let overdue: Vec<String> =
        items.iter().filter_map(|i| i.days_overdue(today).map(|d| fill(cx.t(Msg::StakesDaysOver), &[&label(i), &d.to_string()]))).collect();
    let mut out = vec![question];
    if items.is_empty() {
        out.push(cx.t(Msg::StakesNoItems).to_string());
    } else if open.is_empty() {
        out.push(cx.t(Msg::StakesNoOpen).to_string());
    } else {
        out.push(fill(cx.t(Msg::StakesOpen), &[&open.len().to_string(), &listing(&open, cx)]));
    }
    if !overdue.is_empty() {
        out.push(fill(cx.t(Msg::StakesOverdue), &[&overdue.len().to_string(), &listing(&overdue, cx)]));
    }
    out.join("\n")
}

/// Why an item cannot be closed now, when it cannot: it has no evidence (the store refuses it too).
pub fn close_refusal(item: &RectItem, cx: &Cx) -> Option<String> {
    item.evidence.is_empty().then(|| fill(cx.t(Msg::ItCloseNoEvidence), &[&item.id.to_string()]))
}

/// The score editor's line under the fields: the computed score (green), with 扣完为止 said
/// when the deductions add up to more than the leaf's `points` (yellow: accepted, but worth
/// seeing before saving).
pub fn computed(value: Decimal, input: Option<ScoreInput>, points: Decimal, cx: &Cx) -> (String, Color) {
    let line = fill(cx.t(Msg::ScComputed), &[&fmt2(value)]);
    match input.and_then(|i| i.over_deducted(points)) {
        Some(total) => (format!("{line}；{}", fill(cx.t(Msg::ScOverDeducted), &[&fmt2(total), &fmt2(points)])), Color::Yellow),
        None => (line, Color::Green),
    }
}
