//! The tree: weights add up, fixed weights hold, every leaf scored within its points, the
//! grade is the band of the total.

use super::{Line, Records, Row, at_indicator, row};
use crate::domain::money::{fmt2, sum};
use crate::domain::tree::IndicatorRef;
use rust_decimal::Decimal;

/// Totals are out of 100 (DOMAIN.md §3); the grade bands are drawn on that scale.
const FULL_MARKS: Decimal = Decimal::from_parts(100, 0, 0, false, 0);

pub(super) fn rules(r: &Records) -> Vec<Line> {
    vec![leaf_sum(r), fixed(r), scored(r), in_range(r), grade(r)]
}

fn leaf_sum(r: &Records) -> Line {
    let t = &r.tree;
    let mut rows = Vec::new();
    let total = t.leaf_points_sum();
    if total != r.template.total || total != FULL_MARKS {
        let what = format!(
            "末级指标分值合计 {}，应为 {} 分（模板“{}”的总分 {}）",
            fmt2(total),
            fmt2(FULL_MARKS),
            r.template.name,
            fmt2(r.template.total)
        );
        rows.push(row("指标体系", what));
    }
    for n in t.nodes.iter().filter(|n| !t.is_leaf(n.id)) {
        let below = sum(t.children(Some(n.id)).map(|c| &c.points));
        if below != n.points {
            rows.push(row(at_indicator(t, n.id), format!("分值 {}，其下级合计 {}", fmt2(n.points), fmt2(below))));
        }
    }
    Line::failure("tree.sum", "末级指标分值合计为 100 分（等于模板总分）", rows)
}

fn fixed(r: &Records) -> Line {
    let t = &r.tree;
    let mut rows = Vec::new();
    for f in &r.template.fixed {
        match t.find(&IndicatorRef::Name(f.path.clone())) {
            Ok(n) if n.points != f.points => rows
                .push(row(at_indicator(t, n.id), format!("分值 {}，模板“{}”固定为 {}", fmt2(n.points), r.template.name, fmt2(f.points)))),
            Ok(_) => {}
            Err(_) => rows.push(row(&f.path, format!("模板“{}”固定的指标（{} 分）已删除或改名", r.template.name, fmt2(f.points)))),
        }
    }
    Line::failure("tree.fixed", "模板规定的固定权重不变", rows)
}

fn scored(r: &Records) -> Line {
    let t = &r.tree;
    let rows: Vec<Row> = t.leaves().filter(|n| n.score.is_none()).map(|n| row(at_indicator(t, n.id), "未评分")).collect();
    Line::failure("tree.scored", "每个末级指标都已评分", rows)
}

fn in_range(r: &Records) -> Line {
    let t = &r.tree;
    let mut rows = Vec::new();
    for n in t.leaves() {
        if let Some(s) = &n.score
            && (s.value < Decimal::ZERO || s.value > n.points)
        {
            rows.push(row(at_indicator(t, n.id), format!("得分 {} 不在 0 到 {} 分之间", fmt2(s.value), fmt2(n.points))));
        }
    }
    Line::failure("tree.range", "得分在 0 到分值之间", rows)
}

fn grade(r: &Records) -> Line {
    let t = &r.tree;
    let mut rows = Vec::new();
    let total = t.total_score();
    let word = match t.bands.kind {
        crate::domain::ResultKind::Grade => "评价等级",
        crate::domain::ResultKind::Conclusion => "评估结论",
    };
    if let Err(e) = t.bands.validate() {
        rows.push(row("等级区间", e));
    }
    let full = r.template.total.min(FULL_MARKS);
    if total < Decimal::ZERO || total > full {
        let label = t.result_label().unwrap_or("无");
        rows.push(row("综合评分", format!("总分 {} 超出 0–{} 分，{word}“{label}”不是任何区间的结果", fmt2(total), fmt2(full))));
    } else if t.result_label().is_none() {
        rows.push(row("综合评分", format!("总分 {} 不在任何{word}区间内", fmt2(total))));
    }
    Line::failure("tree.grade", "等级（或评估结论）与总分所在区间一致", rows)
}
