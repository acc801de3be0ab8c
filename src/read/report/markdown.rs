//! The report as Markdown: the title as `#`, outline headings one `#` deeper than their
//! level, the cover as labelled lines, numbered items as a list, tables and the 评分表 as
//! pipe tables (a merged cell is left blank below its first row).

use super::score_table::ScoreRow;
use super::{ReportBlock, ReportDoc};
use crate::domain::money::fmt2;
use crate::read::print::md_escape as escape;

/// The blocks as Markdown, ending in one newline. A pure function of the blocks: an issued
/// revision's stored blocks give the same bytes every time.
pub fn to_markdown(blocks: &[ReportBlock]) -> String {
    let parts: Vec<String> = blocks.iter().map(block).collect();
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

/// A draft's Markdown, straight from its gathered records.
pub fn draft_markdown(doc: &ReportDoc) -> String {
    to_markdown(&super::blocks(doc))
}

fn block(b: &ReportBlock) -> String {
    match b {
        ReportBlock::Title(t) => format!("# {}", escape(t)),
        ReportBlock::Cover(fields) => {
            fields.iter().map(|f| format!("**{}**：{}", escape(&f.label), escape(&f.value))).collect::<Vec<_>>().join("  \n")
        }
        ReportBlock::Heading { level, text } => format!("{} {}", "#".repeat(*level as usize + 1), escape(text)),
        ReportBlock::Para(t) => escape(t),
        ReportBlock::Numbered(items) => items.iter().map(|i| format!("{} {}", i.number, escape(&i.text))).collect::<Vec<_>>().join("\n"),
        ReportBlock::Table { header, rows } => table(header, rows),
        ReportBlock::ScoreTable(rows) => score_table(rows),
        ReportBlock::RecheckTable(rows) => recheck_table(rows),
    }
}

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let line = |cells: &[String]| format!("| {} |", cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    let mut out = vec![line(header), format!("|{}", "---|".repeat(header.len()))];
    out.extend(rows.iter().map(|r| line(r)));
    out.join("\n")
}

pub(super) const SCORE_HEADER: [&str; 7] = ["一级指标", "二级指标", "三级指标", "分值", "得分", "得分率", "扣分原因"];

fn score_table(rows: &[ScoreRow]) -> String {
    let header: Vec<String> = SCORE_HEADER.iter().map(|h| h.to_string()).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                if r.level1_span > 0 { r.level1.clone() } else { String::new() },
                if r.level2_span > 0 { r.level2.clone() } else { String::new() },
                r.level3.clone(),
                fmt2(r.points),
                r.score.map(fmt2).unwrap_or_else(|| "—".into()),
                r.rate.map(|v| format!("{}%", fmt2(v))).unwrap_or_else(|| "—".into()),
                r.reason.clone(),
            ]
        })
        .collect();
    table(&header, &body)
}

fn recheck_table(rows: &[super::RecheckRow]) -> String {
    let header: Vec<String> = super::RECHECK_HEADER.iter().map(|h| h.to_string()).collect();
    let body: Vec<Vec<String>> = rows.iter().map(|r| r.cells()).collect();
    table(&header, &body)
}

fn cell(text: &str) -> String {
    escape(&text.replace('\n', " "))
}
