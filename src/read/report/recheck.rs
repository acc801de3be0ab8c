//! The comparison table of a re-check report (自评与复核得分对比, DOMAIN.md §11): one row per
//! leaf of the tree, in the tree's order, with its points, the form's printed 年度指标值 and
//! 实际完成值, the unit's self-score (自评得分), the re-checker's score (复核得分, the tree's)
//! and the difference (复核 − 自评); a 合计 row; and a note when the form's printed 总分 is not
//! the sum of its rows.

use super::score_table::one_line;
use super::{ReportBlock, ReportDoc};
use crate::domain::money::{fmt2, sum};
use crate::domain::selfcheck::figure;
use crate::domain::tree::NodeId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The table's columns, as Markdown, Word and Excel print them.
pub const RECHECK_HEADER: [&str; 9] =
    ["序号", "指标", "分值", "年度指标值", "实际完成值", "自评得分", "复核得分", "差异", "偏差原因及说明"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecheckRow {
    /// The 合计 row.
    pub total: bool,
    /// "1", "2" … or "合计".
    pub number: String,
    /// The indicator's path (一级/二级/三级); empty on the 合计 row.
    pub indicator: String,
    #[serde(with = "crate::domain::money::plain")]
    pub points: Decimal,
    pub target: String,
    pub actual: String,
    #[serde(with = "crate::domain::money::plain::option")]
    pub self_score: Option<Decimal>,
    #[serde(with = "crate::domain::money::plain::option")]
    pub recheck: Option<Decimal>,
    /// 复核得分 − 自评得分, where both are there.
    #[serde(with = "crate::domain::money::plain::option")]
    pub difference: Option<Decimal>,
    pub note: String,
}

impl RecheckRow {
    /// The row's cells as text, in `RECHECK_HEADER` order ("—" for a figure not there).
    pub fn cells(&self) -> Vec<String> {
        let opt = |v: Option<Decimal>| v.map(fmt2).unwrap_or_else(|| "—".into());
        vec![
            self.number.clone(),
            self.indicator.clone(),
            fmt2(self.points),
            self.target.clone(),
            self.actual.clone(),
            opt(self.self_score),
            opt(self.recheck),
            self.difference.map(signed).unwrap_or_else(|| "—".into()),
            self.note.clone(),
        ]
    }
}

/// A difference with its sign: +1.00, -3.00, 0.00.
pub fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO { format!("+{}", fmt2(d)) } else { fmt2(d) }
}

/// The leaves in the tree's order (depth first, siblings as listed).
fn leaves_in_order(tree: &crate::domain::IndicatorTree) -> Vec<NodeId> {
    fn walk(tree: &crate::domain::IndicatorTree, parent: Option<NodeId>, out: &mut Vec<NodeId>, depth: usize) {
        if depth > tree.nodes.len() {
            return;
        }
        for c in tree.children(parent) {
            if tree.is_leaf(c.id) {
                out.push(c.id);
            } else {
                walk(tree, Some(c.id), out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, None, &mut out, 0);
    out
}

/// The rows: one per leaf, then 合计.
pub fn recheck_rows(doc: &ReportDoc) -> Vec<RecheckRow> {
    let tree = &doc.tree;
    let form = doc.form.as_ref();
    let mut out = Vec::new();
    for (i, id) in leaves_in_order(tree).into_iter().enumerate() {
        let Some(n) = tree.node(id) else { continue };
        let input = form.and_then(|f| f.row(id)).map(|r| r.input.clone()).unwrap_or_default();
        let recheck = n.score.as_ref().map(|s| s.value);
        let difference = match (input.self_score, recheck) {
            (Some(own), Some(re)) => Some(re - own),
            _ => None,
        };
        let note = match (one_line(&input.deviation), input.missed()) {
            (d, _) if !d.is_empty() => d,
            (_, Some(true)) => "未达成目标，未写偏差原因".to_string(),
            _ => String::new(),
        };
        out.push(RecheckRow {
            total: false,
            number: (i + 1).to_string(),
            indicator: tree.path(id),
            points: n.points,
            target: one_line(&input.target),
            actual: one_line(&input.actual),
            self_score: input.self_score,
            recheck,
            difference,
            note,
        });
    }
    let points = sum(out.iter().map(|r| &r.points));
    let self_total = form.and_then(|f| f.self_total());
    let scored: Vec<&Decimal> = out.iter().filter_map(|r| r.recheck.as_ref()).collect();
    let recheck = (!scored.is_empty()).then(|| sum(scored));
    let difference = match (self_total, recheck) {
        (Some(own), Some(re)) => Some(re - own),
        _ => None,
    };
    let note = match (form.and_then(|f| f.head.printed_total), self_total) {
        (Some(p), own) if Some(p) != own => format!("自评表打印总分 {}", figure(p)),
        _ => String::new(),
    };
    out.push(RecheckRow {
        total: true,
        number: "合计".into(),
        indicator: String::new(),
        points,
        target: String::new(),
        actual: String::new(),
        self_score: self_total,
        recheck,
        difference,
        note,
    });
    out
}

/// What the `recheck-table` generator puts under its heading.
pub(super) fn generate(doc: &ReportDoc) -> Vec<ReportBlock> {
    let Some(form) = doc.form.as_ref().filter(|f| !f.is_empty()) else {
        return vec![ReportBlock::Para("尚未录入单位的绩效自评表，无法对比自评得分与复核得分。".to_string())];
    };
    let rows = recheck_rows(doc);
    let mut out = Vec::new();
    let Some(total) = rows.last() else { return out };
    let mut intro = match (total.self_score, total.recheck, total.difference) {
        (Some(own), Some(re), Some(d)) if d.is_zero() => {
            format!("单位自评得分{}分，复核得分{}分，二者一致。", fmt2(own), fmt2(re))
        }
        (Some(own), Some(re), Some(d)) => format!(
            "单位自评得分{}分，复核得分{}分，复核得分比自评得分{}{}分。",
            fmt2(own),
            fmt2(re),
            if d < Decimal::ZERO { "低" } else { "高" },
            fmt2(d.abs())
        ),
        _ => "自评得分或复核得分尚不完整，对比如下表。".to_string(),
    };
    let limit = form.row_threshold();
    let over = rows.iter().filter(|r| !r.total && r.difference.is_some_and(|d| d.abs() > limit)).count();
    if over > 0 {
        intro.push_str(&format!("其中{over}项指标的得分差异超过{}分。", figure(limit)));
    }
    intro.push_str("下表“差异”为复核得分减自评得分。");
    out.push(ReportBlock::Para(intro));
    out.push(ReportBlock::RecheckTable(rows.clone()));
    if let Some(p) = form.head.printed_total
        && Some(p) != total.self_score
    {
        let own = total.self_score.map(fmt2).unwrap_or_else(|| "0.00".into());
        out.push(ReportBlock::Para(format!("注：单位自评表打印的总分为{}分，与各行自评得分合计{own}分不一致。", fmt2(p))));
    }
    out
}
