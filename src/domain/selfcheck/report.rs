//! The report: cover items present, every text section written, one suggestion for every
//! problem, the 评分表's total equal to the tree's.

use super::{Line, Records, Row, Target, row};
use crate::domain::money::fmt2;
use crate::domain::outline::{Fill, Generator};
use crate::domain::{FindingState, ItemState};

pub(super) fn rules(r: &Records) -> Vec<Line> {
    vec![cover(r), sections(r), suggestions(r), score_table(r)]
}

fn filled(v: Option<&str>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty())
}

fn cover(r: &Records) -> Line {
    let p = &r.project;
    let report = r.report.as_ref();
    let department = report.and_then(|x| x.department.as_deref());
    let client = report.and_then(|x| x.client.as_deref());
    let checks: [(&str, bool, &str); 5] = [
        ("项目名称", !p.name.trim().is_empty(), "update_project 的 name"),
        ("项目单位", !p.unit.trim().is_empty(), "update_project 的 unit"),
        ("主管部门", filled(department), "set_report_title 的 department"),
        // The type comes from the project's kind, the date from the issue: always there.
        ("评价类型", true, ""),
        ("评价机构", filled(p.third_party.as_deref()) || filled(client), "update_project 的 third_party，或 set_report_title 的 client"),
    ];
    let rows: Vec<Row> = checks
        .iter()
        .filter(|(_, ok, _)| !ok)
        .map(|(label, _, fix)| row("封面", format!("缺少{label}（填写：{fix}）")).to(Target::Cover))
        .collect();
    Line::failure("report.cover", "封面要素齐全（项目名称、项目单位、主管部门、评价类型、评价机构、评价日期）", rows)
}

fn sections(r: &Records) -> Line {
    let Some(outline) = &r.outline else {
        return Line::failure("report.sections", "报告提纲的每个撰写章节都已撰写", vec![row("报告提纲", "找不到该评价类型的报告提纲")]);
    };
    let written = |key: &str| r.report.as_ref().and_then(|x| x.sections.get(key)).is_some_and(|t| !t.trim().is_empty());
    let s = &outline.sections;
    let mut rows = Vec::new();
    for (i, sec) in s.iter().enumerate() {
        // As `read::report::blocks` prints （待撰写）: a text section with nothing written and
        // no subsections of its own.
        let has_children = s.get(i + 1).is_some_and(|next| next.level > sec.level);
        if sec.fill == Fill::Text && !has_children && !written(&sec.key) {
            rows.push(
                row(&sec.heading, format!("未撰写（write_report_section 的 section \"{}\"）", sec.key))
                    .to(Target::Section(sec.key.clone())),
            );
        }
    }
    Line::failure("report.sections", "报告提纲的每个撰写章节都已撰写", rows)
}

fn suggestions(r: &Records) -> Line {
    let at = r
        .outline
        .as_ref()
        .and_then(|o| o.sections.iter().find(|s| s.generator == Some(Generator::Suggestions)))
        .map(|s| s.heading.clone())
        .unwrap_or_else(|| "有关建议".to_string());
    let rows: Vec<Row> = r
        .findings
        .iter()
        .filter(|f| f.state == FindingState::Published)
        .filter(|f| !r.items.iter().any(|it| it.finding == f.id && it.state != ItemState::Cancelled && !it.requirement.trim().is_empty()))
        .map(|f| row(&at, format!("{} 没有对应的建议（整改要求）", f.label())).to(Target::Finding(f.id)))
        .collect();
    Line::failure("report.suggestions", "每个问题都有一条建议", rows)
}

fn score_table(r: &Records) -> Line {
    let tree_total = r.tree.total_score();
    let rows: Vec<Row> = match r.score_table_total {
        Some(t) if t != tree_total => vec![row("评分表合计", format!("评分表合计 {}，指标体系总分 {}", fmt2(t), fmt2(tree_total)))],
        _ => vec![],
    };
    Line::failure("report.score_table", "评分表合计等于指标体系总分", rows)
}
