//! Published findings: each names an indicator where points were lost, has a category, has
//! at least one rectification item (or is withdrawn), and involves no more than the project.

use super::{Line, Records, Row, at_finding, row};
use crate::domain::money::fmt2;
use crate::domain::{Finding, FindingState, ItemState};

pub(super) fn rules(r: &Records) -> Vec<Line> {
    vec![indicators(r), category(r), items(r), amount(r)]
}

fn published(r: &Records) -> impl Iterator<Item = &Finding> {
    r.findings.iter().filter(|f| f.state == FindingState::Published)
}

fn indicators(r: &Records) -> Line {
    let t = &r.tree;
    let mut rows = Vec::new();
    for f in published(r) {
        if f.body.indicators.is_empty() {
            rows.push(row(at_finding(f), "没有对应指标：写明在哪个指标上扣了分"));
            continue;
        }
        let lost = f.body.indicators.iter().any(|id| t.node(*id).is_some_and(|n| t.score_of(*id).is_some_and(|s| s < n.points)));
        if !lost {
            let names: Vec<String> = f.body.indicators.iter().map(|id| t.path(*id)).filter(|p| !p.is_empty()).collect();
            let names = if names.is_empty() { "（已删除的指标）".to_string() } else { names.join("、") };
            rows.push(row(at_finding(f), format!("对应指标 {names} 都没有扣分")));
        }
    }
    Line::failure("findings.indicator", "每个已发布问题都对应至少一个扣分的指标", rows)
}

fn category(r: &Records) -> Line {
    let rows: Vec<Row> = published(r).filter(|f| f.body.category.trim().is_empty()).map(|f| row(at_finding(f), "没有问题类别")).collect();
    Line::failure("findings.category", "每个已发布问题都有类别", rows)
}

fn items(r: &Records) -> Line {
    let rows: Vec<Row> = published(r)
        .filter(|f| !r.items.iter().any(|it| it.finding == f.id && it.state != ItemState::Cancelled))
        .map(|f| row(at_finding(f), "没有整改事项：提出整改要求（i），或撤回问题并说明理由"))
        .collect();
    Line::failure("findings.items", "每个已发布问题都有整改事项", rows)
}

fn amount(r: &Records) -> Line {
    let p = &r.project;
    let rows: Vec<Row> = published(r)
        .filter_map(|f| f.body.amount.filter(|a| *a > p.amount).map(|a| (f, a)))
        .map(|(f, a)| row(at_finding(f), format!("涉及金额 {} 万元，高于项目金额 {} 万元", fmt2(a), fmt2(p.amount))))
        .collect();
    Line::failure("findings.amount", "问题涉及金额不超过项目金额", rows)
}
