//! The working papers (工作底稿): reasons and evidence for every point lost, no full marks
//! against a missed target, nobody reviewing their own score, every paper reviewed; and the
//! warnings: a deduction list beyond the points (扣完为止) and a missed target without its
//! cause (偏差原因).

use super::{Line, Records, Row, at_indicator, row};
use crate::domain::money::{fmt2, sum};
use crate::domain::tree::{Direction, Node, ScoreInput};

pub(super) fn rules(r: &Records) -> Vec<Line> {
    vec![reasons(r), full_marks(r), self_review(r), reviewed(r), over_deducted(r), deviation(r)]
}

fn scored(r: &Records) -> impl Iterator<Item = (&Node, &crate::domain::tree::Score)> {
    r.tree.leaves().filter_map(|n| n.score.as_ref().map(|s| (n, s)))
}

fn reasons(r: &Records) -> Line {
    let mut rows = Vec::new();
    for (n, s) in scored(r).filter(|(n, s)| s.value < n.points) {
        let lost = fmt2(n.points - s.value);
        let at = at_indicator(&r.tree, n.id);
        let has_reason = match &s.input {
            ScoreInput::Deduction { deductions } if !deductions.is_empty() => deductions.iter().all(|d| !d.reason.trim().is_empty()),
            _ => !s.basis.trim().is_empty(),
        };
        if !has_reason {
            rows.push(row(&at, format!("扣 {lost} 分，没有写扣分理由（评分依据）")));
        }
        if s.evidence.is_empty() {
            rows.push(row(&at, format!("扣 {lost} 分，没有佐证资料")));
        }
    }
    Line::failure("papers.reason", "每项扣分都有理由和至少一份佐证资料", rows)
}

/// The target missed, by the recorded target and actual: (target, actual) when so.
fn missed(s: &crate::domain::tree::Score) -> Option<(rust_decimal::Decimal, rust_decimal::Decimal, Direction)> {
    match &s.input {
        ScoreInput::Formula { target, actual, direction: Direction::Positive } if actual < target => {
            Some((*target, *actual, Direction::Positive))
        }
        ScoreInput::Formula { target, actual, direction: Direction::Negative } if actual > target => {
            Some((*target, *actual, Direction::Negative))
        }
        ScoreInput::Formula { target, actual, direction: Direction::Exact } if actual != target => {
            Some((*target, *actual, Direction::Exact))
        }
        _ => None,
    }
}

fn full_marks(r: &Records) -> Line {
    let mut rows = Vec::new();
    for (n, s) in scored(r).filter(|(n, s)| s.value >= n.points) {
        if let Some((target, actual, dir)) = missed(s) {
            let how = match dir {
                Direction::Positive => format!("实际值 {actual} 低于目标值 {target}"),
                Direction::Negative => format!("实际值 {actual} 高于上限 {target}"),
                Direction::Exact => format!("实际值 {actual} 不等于目标值 {target}"),
            };
            rows.push(row(at_indicator(&r.tree, n.id), format!("{how}，却得满分 {}", fmt2(n.points))));
        }
    }
    Line::failure("papers.target", "未达成目标的指标不得满分", rows)
}

fn self_review(r: &Records) -> Line {
    let mut rows = Vec::new();
    for (n, s) in scored(r) {
        if let Some(rv) = s.reviewed.as_ref().filter(|rv| rv.by == s.scorer) {
            rows.push(row(at_indicator(&r.tree, n.id), format!("评分人 {} 复核了自己的评分", rv.by)));
        }
    }
    Line::failure("papers.self_review", "没有人复核自己的评分", rows)
}

fn reviewed(r: &Records) -> Line {
    let rows: Vec<Row> = scored(r)
        .filter(|(_, s)| s.reviewed.is_none())
        .map(|(n, s)| row(at_indicator(&r.tree, n.id), format!("未复核（评分人 {}）", s.scorer)))
        .collect();
    Line::failure("papers.reviewed", "每份底稿定稿前都已复核", rows)
}

fn over_deducted(r: &Records) -> Line {
    let mut rows = Vec::new();
    for (n, s) in scored(r) {
        if let ScoreInput::Deduction { deductions } = &s.input {
            let total = sum(deductions.iter().map(|d| &d.points));
            if total > n.points {
                rows.push(row(
                    at_indicator(&r.tree, n.id),
                    format!("扣分合计 {}，超过分值 {}（扣完为止，得 0 分）", fmt2(total), fmt2(n.points)),
                ));
            }
        }
    }
    Line::warning("papers.over_deducted", "扣分合计不超过分值（扣完为止）", rows)
}

fn deviation(r: &Records) -> Line {
    let mut rows = Vec::new();
    for (n, s) in scored(r) {
        if let Some((target, actual, _)) = missed(s)
            && s.basis.trim().is_empty()
        {
            rows.push(row(at_indicator(&r.tree, n.id), format!("未达成目标（目标 {target}，实际 {actual}），没有写偏差原因")));
        }
    }
    Line::warning("papers.deviation", "未达成目标的指标写明偏差原因", rows)
}
