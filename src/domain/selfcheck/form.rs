//! The self-evaluation form (自评表, DOMAIN.md §11) under spot check (自评抽查/复核): its printed
//! 总分 equals the rows' self-scores, no full marks where the printed actual misses the
//! printed target, a deviation reason on every missed row; and, on a 自评抽查 project, the
//! differences between the unit's self-scores and the re-checker's scores beyond the form's
//! thresholds. A project without a form has none of these lines.

use super::{Line, Records, Row, at_indicator, row};
use crate::domain::ProjectKind;
use crate::domain::form::{Form, FormRow};
use crate::domain::tree::Node;
use rust_decimal::Decimal;

pub(super) fn rules(r: &Records) -> Vec<Line> {
    let Some(form) = r.form.as_ref().filter(|f| !f.is_empty()) else { return vec![] };
    let mut lines = vec![total(form), full_marks(r, form), deviation(r, form)];
    if r.project.kind == ProjectKind::SelfEvalCheck {
        lines.push(difference(r, form));
    }
    lines
}

/// A figure as printed on a form: no trailing zeros (100, 14.24).
pub fn figure(d: Decimal) -> String {
    d.round_dp(2).normalize().to_string()
}

/// The form's rows on leaves of the tree, in the form's order.
fn rows<'a>(r: &'a Records, form: &'a Form) -> impl Iterator<Item = (&'a Node, &'a FormRow)> {
    form.rows.iter().filter_map(|row| r.tree.node(row.node).filter(|n| r.tree.is_leaf(n.id)).map(|n| (n, row)))
}

fn total(form: &Form) -> Line {
    let mut out = Vec::new();
    if let Some(printed) = form.head.printed_total {
        let sum = form.self_total().unwrap_or(Decimal::ZERO);
        if printed != sum {
            out.push(row("自评表总分", format!("自评表总分 {}，各行自评得分合计 {}", figure(printed), figure(sum))));
        }
    }
    Line::failure("form.total", "自评表总分等于各行自评得分合计", out)
}

/// "年度指标值“≥4754人”，实际完成值“4,512人”".
fn printed(row: &FormRow) -> String {
    format!("年度指标值“{}”，实际完成值“{}”", row.input.target.trim(), row.input.actual.trim())
}

fn full_marks(r: &Records, form: &Form) -> Line {
    let mut out = Vec::new();
    for (n, row) in rows(r, form) {
        if let Some(s) = row.input.self_score
            && s >= n.points
            && row.input.missed() == Some(true)
        {
            let what = format!("{}，未达成目标，自评却得满分 {}", printed(row), figure(s));
            out.push(self::row(at_indicator(&r.tree, n.id), what));
        }
    }
    Line::failure("form.full-marks", "自评表中未达成目标的指标不得满分", out)
}

fn deviation(r: &Records, form: &Form) -> Line {
    let mut out = Vec::new();
    for (n, row) in rows(r, form) {
        if row.input.missed() == Some(true) && row.input.deviation.trim().is_empty() {
            let what = format!("{}，未达成目标，没有写偏差原因分析及改进措施", printed(row));
            out.push(self::row(at_indicator(&r.tree, n.id), what));
        }
    }
    Line::failure("form.deviation", "自评表中未达成目标的指标写明偏差原因", out)
}

fn difference(r: &Records, form: &Form) -> Line {
    let mut out: Vec<Row> = Vec::new();
    let row_limit = form.row_threshold();
    for (n, row) in rows(r, form) {
        let (Some(own), Some(re)) = (row.input.self_score, n.score.as_ref().map(|s| s.value)) else { continue };
        let diff = (own - re).abs();
        if diff > row_limit {
            let what =
                format!("自评得分 {}，复核得分 {}，相差 {} 分（超过 {} 分）", figure(own), figure(re), figure(diff), figure(row_limit));
            out.push(self::row(at_indicator(&r.tree, n.id), what));
        }
    }
    let scored = r.tree.leaves().any(|n| n.score.is_some());
    if let (Some(own), true) = (form.self_total(), scored) {
        let re = r.tree.total_score();
        let limit = form.total_threshold();
        let diff = (own - re).abs();
        if diff > limit {
            let what = format!("自评总分 {}，复核总分 {}，相差 {} 分（超过 {} 分）", figure(own), figure(re), figure(diff), figure(limit));
            out.push(row("总分", what));
        }
    }
    Line::warning("form.difference", "自评得分与复核得分的差异在阈值以内", out)
}
