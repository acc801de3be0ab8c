//! Rows pasted from a spreadsheet onto the scoring tab (a bracketed paste of tab-separated
//! lines): each "名称<Tab>分值", optionally "<Tab>年度指标值<Tab>实际完成值". Every line is
//! checked first; a confirmation lists what will be added and where, or the problems line by
//! line with nothing sent. Enter sends one `batch` (粘贴指标): the indicators and their form
//! rows, all or nothing, one audit record.

use super::popups::{Confirm, ErrorPopup};
use crate::command::Command;
use crate::domain::form::RowInput;
use crate::domain::money::{fmt2, parse_amount};
use crate::domain::tree::{IndicatorRef, IndicatorTree, Node, NodeId};
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};
use rust_decimal::Decimal;

/// One good line.
struct Row {
    name: String,
    points: Decimal,
    target: String,
    actual: String,
}

/// Where pasted rows go: under an unscored selection (a leaf becomes their parent, as a
/// template's 数量指标 takes the project's own indicators); beside a scored leaf (under its
/// parent; 一级 when it is top-level).
fn parent_of(tree: &IndicatorTree, node: &Node) -> Option<NodeId> {
    if tree.is_leaf(node.id) && node.score.is_some() { node.parent } else { Some(node.id) }
}

/// The confirmation (or the list of problems) for `text` pasted with `node` selected; None
/// when the text is not spreadsheet rows (no tab in it).
pub fn confirm(code: &str, tree: &IndicatorTree, node: &Node, text: &str, cx: &Cx) -> Option<Effect> {
    if !text.contains('\t') {
        return None;
    }
    let parent = parent_of(tree, node);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let taken: Vec<&str> = tree.children(parent).map(|n| n.name.as_str()).collect();
    let under = parent.map(|p| tree.path(p)).unwrap_or_else(|| cx.t(Msg::PasteTop1).to_string());
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for (i, line) in lines.iter().enumerate() {
        let no = (i + 1).to_string();
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        if !matches!(cells.len(), 2..=4) {
            problems.push(fill(cx.t(Msg::PasteCols), &[&no, &cells.len().to_string()]));
            continue;
        }
        let name = cells[0].to_string();
        if name.is_empty() {
            problems.push(fill(cx.t(Msg::PasteNoName), &[&no]));
            continue;
        }
        if taken.contains(&name.as_str()) {
            problems.push(fill(cx.t(Msg::PasteTaken), &[&no, &name, &under]));
        }
        if let Some(j) = rows.iter().position(|r: &Row| r.name == name) {
            problems.push(fill(cx.t(Msg::PasteTwice), &[&no, &name, &(j + 1).to_string()]));
        }
        let Ok(points) = parse_amount(cells[1]) else {
            problems.push(fill(cx.t(Msg::PastePoints), &[&no, cells[1]]));
            continue;
        };
        let cell = |k: usize| cells.get(k).map(|c| c.to_string()).unwrap_or_default();
        rows.push(Row { name, points, target: cell(2), actual: cell(3) });
    }
    if !problems.is_empty() {
        let mut msg = fill(cx.t(Msg::PasteBad), &[&lines.len().to_string()]);
        for p in problems {
            msg.push_str(&format!("\n{p}"));
        }
        return Some(Effect::Push(Box::new(ErrorPopup::new(msg))));
    }
    let count = rows.len().to_string();
    let mut question = match parent {
        Some(_) => fill(cx.t(Msg::PasteUnder), &[&count, &under]),
        None => fill(cx.t(Msg::PasteTop), &[&count]),
    };
    let (mut commands, mut steps) = (Vec::new(), Vec::new());
    let parent_path = parent.map(|p| tree.path(p));
    for (i, r) in rows.iter().enumerate() {
        let printed = if r.target.is_empty() && r.actual.is_empty() { String::new() } else { format!("　{} -> {}", r.target, r.actual) };
        question.push_str(&format!("\n第{}行 {}　{} 分{printed}", i + 1, r.name, fmt2(r.points)));
        let step = format!("第{}行", i + 1);
        commands.push(Command::AddIndicator {
            project: code.to_string(),
            parent: parent.map(IndicatorRef::Id),
            name: r.name.clone(),
            points: r.points,
            // The same rule as an imported form: a printed number by formula, text qualitatively.
            method: RowInput { target: r.target.clone(), ..RowInput::default() }.method(),
            // The first step checks the tree is still the one shown; the others follow it.
            expected_version: (i == 0).then_some(tree.meta.version),
        });
        steps.push(step.clone());
        if !(r.target.is_empty() && r.actual.is_empty()) {
            let path = match &parent_path {
                Some(p) => format!("{p}/{}", r.name),
                None => r.name.clone(),
            };
            let row = RowInput { target: r.target.clone(), actual: r.actual.clone(), ..RowInput::default() };
            commands.push(Command::SetFormRow {
                project: code.to_string(),
                indicator: IndicatorRef::Name(path),
                row,
                expected_rev: Some(0),
            });
            steps.push(step);
        }
    }
    // The audit's label, in the store's language whatever the screen's.
    let cmd = Command::Batch { label: "粘贴指标".to_string(), commands, steps };
    Some(Effect::Push(Box::new(Confirm::new(question, cmd, Some(fill(cx.t(Msg::PasteToast), &[&count]))))))
}
