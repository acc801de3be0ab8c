//! The 评分表's rows: one per leaf with its 一级 / 二级 / 三级 names, 分值, 得分, 得分率 and
//! 扣分原因; a subtotal row closes each 一级 indicator that has children, a total row ends the
//! table. A row's `level1_span` / `level2_span` is how many rows the cell covers downward
//! (0: merged into the cell above), so a Word or Excel table merges them by reading it.
//! Scores come from the tree's own sums (`score_of`, `total_score`): the total row equals the
//! tree's total to the cent.

use crate::domain::money::{fmt2, round2};
use crate::domain::tree::{Node, NodeId};
use crate::domain::{IndicatorTree, ScoreInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    Leaf,
    /// 小计 of one 一级 indicator.
    Subtotal,
    /// 合计.
    Total,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub kind: RowKind,
    pub level1: String,
    pub level2: String,
    /// The 三级 name; a deeper leaf is shown as 三级 / 四级.
    pub level3: String,
    /// Rows the 一级 cell covers from here (0: merged into the one above).
    pub level1_span: u32,
    /// Rows the 二级 cell covers from here (0: merged into the one above).
    pub level2_span: u32,
    #[serde(with = "crate::domain::money::plain")]
    pub points: Decimal,
    /// None while unscored.
    #[serde(with = "crate::domain::money::plain::option")]
    pub score: Option<Decimal>,
    /// 得分率 in percent, two places; none while unscored or for 0 points.
    #[serde(with = "crate::domain::money::plain::option")]
    pub rate: Option<Decimal>,
    /// 扣分原因 (a total row: the grade, or what is still unscored).
    pub reason: String,
}

/// score ÷ points × 100, two places.
pub fn rate(score: Option<Decimal>, points: Decimal) -> Option<Decimal> {
    let s = score?;
    if points.is_zero() {
        return None;
    }
    s.checked_mul(Decimal::from(100)).and_then(|v| v.checked_div(points)).map(round2)
}

/// Why a scored leaf lost points: each deduction's reason, else the basis (评分依据).
pub fn loss_reason(node: &Node) -> String {
    let Some(s) = &node.score else { return "未评分".to_string() };
    if let ScoreInput::Deduction { deductions } = &s.input
        && !deductions.is_empty()
    {
        let mut parts: Vec<String> = deductions.iter().map(|d| format!("{}（扣{}分）", one_line(&d.reason), fmt2(d.points))).collect();
        if let Some(total) = s.input.over_deducted(node.points) {
            parts.push(crate::domain::scoring::over_deduction_note(total, node.points));
        }
        return parts.join("；");
    }
    if s.value >= node.points {
        return String::new();
    }
    let basis = one_line(&s.basis);
    if basis.is_empty() { "（未填写扣分原因）".to_string() } else { basis }
}

/// Line breaks and runs of spaces become one space.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ancestors of `id` from the top (一级) down to `id` itself.
fn chain(tree: &IndicatorTree, id: NodeId) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut cur = tree.node(id);
    while let Some(n) = cur {
        out.push(n);
        if out.len() > tree.nodes.len() {
            break;
        }
        cur = n.parent.and_then(|p| tree.node(p));
    }
    out.reverse();
    out
}

/// The leaves under a 一级 indicator (itself, when it is a leaf), in the tree's order.
pub(super) fn leaves_under(tree: &IndicatorTree, top: NodeId) -> Vec<&Node> {
    tree.leaves().filter(|l| chain(tree, l.id).first().is_some_and(|t| t.id == top)).collect()
}

/// The 评分表's rows, in the tree's order.
pub fn score_rows(tree: &IndicatorTree) -> Vec<ScoreRow> {
    let mut out: Vec<ScoreRow> = Vec::new();
    for top in tree.children(None) {
        let leaves = leaves_under(tree, top.id);
        let subtotal = !tree.is_leaf(top.id);
        let first = out.len();
        let mut level2_start: Option<(usize, Option<NodeId>)> = None;
        for leaf in &leaves {
            let path = chain(tree, leaf.id);
            let level2_id = path.get(1).map(|n| n.id);
            let row = ScoreRow {
                kind: RowKind::Leaf,
                level1: top.name.clone(),
                level2: path.get(1).map(|n| n.name.clone()).unwrap_or_default(),
                level3: path.iter().skip(2).map(|n| n.name.as_str()).collect::<Vec<_>>().join(" / "),
                level1_span: 0,
                level2_span: 1,
                points: leaf.points,
                score: tree.score_of(leaf.id),
                rate: rate(tree.score_of(leaf.id), leaf.points),
                reason: loss_reason(leaf),
            };
            match level2_start {
                Some((start, id)) if id == level2_id && id.is_some() => {
                    out[start].level2_span += 1;
                    out.push(ScoreRow { level2_span: 0, ..row });
                }
                _ => {
                    level2_start = Some((out.len(), level2_id));
                    out.push(row);
                }
            }
        }
        if subtotal {
            let score = tree.score_of(top.id);
            out.push(ScoreRow {
                kind: RowKind::Subtotal,
                level1: top.name.clone(),
                level2: "小计".to_string(),
                level3: String::new(),
                level1_span: 0,
                level2_span: 1,
                points: top.points,
                score,
                rate: rate(score, top.points),
                reason: String::new(),
            });
        }
        if let Some(row) = out.get_mut(first) {
            row.level1_span = (leaves.len() + subtotal as usize) as u32;
        }
    }
    let points = tree.leaf_points_sum();
    let (scored, all) = tree.progress();
    let score = (scored > 0).then(|| tree.total_score());
    let reason = if tree.is_fully_scored() {
        tree.result_label().map(|l| format!("评价结果：{l}")).unwrap_or_default()
    } else {
        format!("评分未完成（已评 {scored}/{all} 项末级指标）")
    };
    out.push(ScoreRow {
        kind: RowKind::Total,
        level1: "合计".to_string(),
        level2: String::new(),
        level3: String::new(),
        level1_span: 1,
        level2_span: 1,
        points,
        score,
        rate: rate(score, points),
        reason,
    });
    out
}
