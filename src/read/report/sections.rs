//! What each outline generator puts under its heading (DOMAIN.md §10): the cover, the
//! project's facts, the indicator system, the conclusion, the analysis per 一级 indicator, the
//! problems, the suggestions (one per problem), the result use, the score table and the
//! re-check comparison (`recheck.rs`).

use super::score_table::{RowKind, leaves_under, loss_reason, one_line, rate, score_rows};
use super::{CoverField, NumberedItem, ReportBlock, ReportDoc};
use crate::domain::money::fmt2;
use crate::domain::outline::Generator;
use crate::domain::project::Recommendation;
use crate::domain::{FindingState, ItemState, ProjectKind, ResultKind};
pub use crate::read::print::{chinese_date, chinese_number};

pub(super) fn generate(doc: &ReportDoc, g: Generator, level: u8) -> Vec<ReportBlock> {
    match g {
        Generator::Cover => vec![ReportBlock::Cover(cover(doc))],
        Generator::BasicFacts => vec![basic_facts(doc)],
        Generator::IndicatorSystem => indicator_system(doc),
        Generator::Conclusion => vec![ReportBlock::Para(conclusion(doc))],
        Generator::IndicatorAnalysis => analysis(doc, level + 1),
        Generator::Problems => problems(doc),
        Generator::Suggestions => suggestions(doc),
        Generator::ResultUse => vec![ReportBlock::Para(result_use(doc))],
        Generator::ScoreTable => vec![ReportBlock::ScoreTable(score_rows(&doc.tree))],
        Generator::RecheckTable => super::recheck::generate(doc),
    }
}

fn filled(v: Option<&str>) -> String {
    v.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("（未填写）").to_string()
}

pub(super) fn cover(doc: &ReportDoc) -> Vec<CoverField> {
    let field = |label: &str, value: String| CoverField { label: label.to_string(), value };
    let number = doc.report.number.as_ref().map(|n| n.text.clone()).unwrap_or_else(|| "（定稿时编号）".to_string());
    let mut out = vec![
        field("项目名称", doc.project.name.clone()),
        field("项目单位", doc.project.unit.clone()),
        field("主管部门", filled(doc.report.department.as_deref())),
        field("委托单位", filled(doc.report.client.as_deref())),
        field("评价机构", doc.evaluator.clone()),
        field("评价类型", doc.project.kind.label().to_string()),
        field("报告编号", number),
        field("报告日期", chinese_date(doc.date)),
    ];
    match doc.revision {
        Some(n) if n > 1 => out.push(field("版次", format!("修订版（第{n}版）"))),
        Some(_) => {}
        None => out.push(field("状态", "草稿，未出具".to_string())),
    }
    out
}

fn basic_facts(doc: &ReportDoc) -> ReportBlock {
    let p = &doc.project;
    let unit_label = if p.kind == ProjectKind::Department { "部门（单位）" } else { "项目单位" };
    let mut rows = vec![
        vec!["项目名称".to_string(), p.name.clone()],
        vec!["项目编号".to_string(), p.code.clone()],
        vec![unit_label.to_string(), p.unit.clone()],
        vec!["评价类型".to_string(), p.kind.label().to_string()],
        vec!["预算年度".to_string(), format!("{}年度", p.fiscal_year)],
        vec!["资金规模".to_string(), format!("{}万元", fmt2(p.amount))],
    ];
    if !p.fund_notes.is_empty() {
        rows.push(vec!["资金性质".to_string(), p.fund_notes.join("、")]);
    }
    rows.push(vec!["评价机构".to_string(), doc.evaluator.clone()]);
    ReportBlock::Table { header: vec!["项目".to_string(), "内容".to_string()], rows }
}

fn indicator_system(doc: &ReportDoc) -> Vec<ReportBlock> {
    let t = &doc.tree;
    let count = |depth: usize| t.nodes.iter().filter(|n| t.depth(n.id) == depth).count();
    let intro = format!(
        "评价指标体系共设一级指标{}个、二级指标{}个、三级指标{}个，总分{}分，各指标分值如下表。",
        count(1),
        count(2),
        count(3),
        fmt2(t.total)
    );
    let rows = score_rows(t)
        .into_iter()
        .filter(|r| r.kind == RowKind::Leaf)
        .map(|r| {
            let l1 = if r.level1_span > 0 { r.level1 } else { String::new() };
            let l2 = if r.level2_span > 0 { r.level2 } else { String::new() };
            vec![l1, l2, r.level3, fmt2(r.points)]
        })
        .collect();
    let header = ["一级指标", "二级指标", "三级指标", "分值"].map(String::from).to_vec();
    vec![ReportBlock::Para(intro), ReportBlock::Table { header, rows }]
}

/// 综合评分85.50分，评价等级为"良" / the ex-ante conclusion / 评分未完成.
pub fn conclusion(doc: &ReportDoc) -> String {
    let tree = &doc.tree;
    let (scored, all) = tree.progress();
    let total = fmt2(tree.total_score());
    if !tree.is_fully_scored() {
        return format!("评分未完成（已评 {scored}/{all} 项末级指标，目前合计{total}分），评价等级待评分完成后确定。");
    }
    let label = tree.result_label().unwrap_or("未定");
    match tree.bands.kind {
        ResultKind::Conclusion => format!("经评估，该项目评估得分{total}分，评估结论为“{label}”。"),
        ResultKind::Grade => {
            let subject = if doc.project.kind == ProjectKind::Department { "部门整体支出" } else { "项目" };
            format!("经综合评价，该{subject}综合评分{total}分，评价等级为“{label}”。")
        }
    }
}

fn heading_number(level: u8, n: usize) -> String {
    match level {
        2 => format!("（{}）", chinese_number(n)),
        _ => format!("{n}. "),
    }
}

fn analysis(doc: &ReportDoc, level: u8) -> Vec<ReportBlock> {
    let tree = &doc.tree;
    let mut out = Vec::new();
    for (i, top) in tree.children(None).enumerate() {
        out.push(ReportBlock::Heading { level, text: format!("{}{}", heading_number(level, i + 1), top.name) });
        let leaves = leaves_under(tree, top.id);
        let unscored = leaves.iter().filter(|l| l.score.is_none()).count();
        let score = tree.score_of(top.id);
        let mut text = match score {
            None => format!("「{}」指标分值{}分，尚未评分。", top.name, fmt2(top.points)),
            Some(s) => format!(
                "「{}」指标分值{}分，得分{}分，得分率{}%，扣{}分。",
                top.name,
                fmt2(top.points),
                fmt2(s),
                rate(Some(s), top.points).map(fmt2).unwrap_or_else(|| "—".into()),
                fmt2(lost(&leaves))
            ),
        };
        if unscored > 0 && score.is_some() {
            text.push_str(&format!("其中{unscored}项末级指标尚未评分。"));
        }
        out.push(ReportBlock::Para(text));
        let losses: Vec<String> = leaves
            .iter()
            .filter_map(|l| {
                let s = l.score.as_ref()?;
                (s.value < l.points).then(|| format!("{}：扣{}分。{}", l.name, fmt2(l.points - s.value), loss_reason(l)))
            })
            .collect();
        if !losses.is_empty() {
            out.push(numbered(losses));
        }
    }
    out
}

/// Points lost on the scored leaves (unscored ones are not counted as lost).
fn lost(leaves: &[&crate::domain::Node]) -> rust_decimal::Decimal {
    let lost: Vec<_> = leaves.iter().filter_map(|l| l.score.as_ref().map(|s| l.points - s.value)).collect();
    crate::domain::money::sum(lost.iter())
}

fn numbered(texts: Vec<String>) -> ReportBlock {
    ReportBlock::Numbered(texts.into_iter().enumerate().map(|(i, text)| NumberedItem { number: format!("{}.", i + 1), text }).collect())
}

/// The published findings, by their number in the project.
fn published(doc: &ReportDoc) -> Vec<&crate::domain::Finding> {
    let mut list: Vec<_> = doc.findings.iter().filter(|f| f.state == FindingState::Published).collect();
    list.sort_by_key(|f| f.seq);
    list
}

fn problems(doc: &ReportDoc) -> Vec<ReportBlock> {
    let list = published(doc);
    if list.is_empty() {
        return vec![ReportBlock::Para("本次评价未发现需要列示的问题。".to_string())];
    }
    let texts = list
        .iter()
        .map(|f| {
            let amount = f.body.amount.filter(|a| !a.is_zero()).map(|a| format!("；涉及金额{}万元", fmt2(a))).unwrap_or_default();
            format!("{}（问题类别：{}{amount}）", one_line(&f.body.text), f.body.category.trim())
        })
        .collect();
    vec![numbered(texts)]
}

fn suggestions(doc: &ReportDoc) -> Vec<ReportBlock> {
    let list = published(doc);
    if list.is_empty() {
        return vec![ReportBlock::Para("本次评价未发现需要整改的问题，建议被评价单位继续加强预算绩效管理。".to_string())];
    }
    let texts = list
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let reqs: Vec<String> = doc
                .items
                .iter()
                .filter(|it| it.finding == f.id && it.state != ItemState::Cancelled)
                .map(|it| one_line(&it.requirement).trim_end_matches('。').to_string())
                .filter(|r| !r.is_empty())
                .collect();
            if reqs.is_empty() { format!("针对第{}个问题的建议待补充。", i + 1) } else { format!("{}。", reqs.join("；")) }
        })
        .collect();
    vec![numbered(texts)]
}

fn recommendation_label(r: Recommendation) -> &'static str {
    match r {
        Recommendation::Keep => "维持",
        Recommendation::Increase => "调增",
        Recommendation::Decrease => "调减",
        Recommendation::Cancel => "取消",
        Recommendation::Merge => "整合",
    }
}

fn result_use(doc: &ReportDoc) -> String {
    let Some(u) = &doc.project.result_use else { return "结果应用建议尚未记录。".to_string() };
    let label = recommendation_label(u.recommendation);
    let mut text = match u.amount.filter(|a| !a.is_zero()) {
        Some(a) => format!("建议{label}下年度预算安排{}万元。", fmt2(a)),
        None => format!("建议下年度预算安排{label}。"),
    };
    let reason = one_line(&u.reason);
    if !reason.is_empty() {
        text.push_str(&format!("理由：{}", reason.trim_end_matches('。')));
        text.push('。');
    }
    if let Some(d) = u.published_on {
        text.push_str(&format!("评价结果于{}公开。", chinese_date(d)));
    }
    text
}
