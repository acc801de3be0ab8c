//! The evaluation report (评价报告, DOMAIN.md §10) as pure blocks: from a gathered `ReportDoc`
//! (project, tree, findings, items, the report record, the outline) to `Vec<ReportBlock>`, in
//! print order, and their Markdown. The store renders a revision with these at 定稿 and keeps
//! the blocks (`IssuedReport`), so an issued revision reprints byte for byte; `export::report`
//! gathers a draft through `Backend`. A DOCX or XLSX writer walks the same blocks.
//!
//! - `sections.rs`: what each outline generator produces;
//! - `score_table.rs`: the 评分表's rows (merged cells marked, subtotals, total);
//! - `recheck.rs`: the 自评与复核得分对比 table of a re-check report;
//! - `markdown.rs`: `to_markdown`.

mod markdown;
mod recheck;
mod score_table;
mod sections;

pub use markdown::{draft_markdown, to_markdown};
pub use recheck::{RECHECK_HEADER, RecheckRow, recheck_rows, signed};
pub use score_table::{RowKind, ScoreRow, score_rows};
pub use sections::{chinese_date, conclusion};

use crate::domain::outline::{Fill, Generator, Outline};
use crate::domain::report::Report;
use crate::domain::{Finding, IndicatorTree, Project, RectItem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Shown under a written section's heading while nothing is written (and it has no subsections).
pub const PENDING: &str = "（待撰写）";

/// Everything a report prints.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    pub project: Project,
    pub tree: IndicatorTree,
    /// The project's findings (only published ones are printed).
    pub findings: Vec<Finding>,
    /// The project's items (their requirements are the suggestions).
    pub items: Vec<RectItem>,
    /// The report record (`Report::new` when nothing was written yet).
    pub report: Report,
    pub outline: Outline,
    /// 评价机构 on the cover (`evaluator_of`).
    pub evaluator: String,
    /// The issue date of the revision rendered, or today for a draft.
    pub date: NaiveDate,
    /// The revision being issued; none for a draft.
    pub revision: Option<u32>,
    /// The unit's self-evaluation form, when one was written (the re-check comparison).
    pub form: Option<crate::domain::form::Form>,
}

/// One piece of the report, in print order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportBlock {
    /// The report's title.
    Title(String),
    /// The cover's fields, in order.
    Cover(Vec<CoverField>),
    /// An outline heading (level 1 or 2) or a generated one below it (2 or 3).
    Heading {
        level: u8,
        text: String,
    },
    Para(String),
    /// Numbered items; the number is part of the data (1. 2. …).
    Numbered(Vec<NumberedItem>),
    /// A plain table of text.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// The 评分表.
    ScoreTable(Vec<ScoreRow>),
    /// 自评与复核得分对比: one row per leaf, then 合计.
    RecheckTable(Vec<RecheckRow>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverField {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberedItem {
    /// "1."
    pub number: String,
    pub text: String,
}

/// What an issued revision printed, kept by the store as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedReport {
    pub project: u64,
    pub revision: u32,
    pub blocks: Vec<ReportBlock>,
    /// sha256 (hex) of `to_markdown(&blocks)`.
    pub sha256: String,
}

impl IssuedReport {
    /// The revision's Markdown, checked against the sha256 recorded at issue.
    pub fn markdown(&self) -> Result<String, String> {
        let text = to_markdown(&self.blocks);
        let sum = sha256_hex(text.as_bytes());
        if sum != self.sha256 {
            return Err(format!("第 {} 版的 Markdown 与出具时的 sha256 不符（出具时 {}，现在 {sum}）", self.revision, self.sha256));
        }
        Ok(text)
    }
}

/// sha256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// 评价机构: the commissioned firm, else the commissioning body evaluating itself.
pub fn evaluator_of(project: &Project, report: &Report) -> String {
    let firm = project.third_party.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let client = report.client.as_deref().map(str::trim).filter(|s| !s.is_empty());
    firm.or(client).unwrap_or("（未填写）").to_string()
}

/// The report's title: the one set, else the project's name and the outline's title.
pub fn title_of(doc: &ReportDoc) -> String {
    match doc.report.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None => format!("{}{}", doc.project.name, doc.outline.title),
    }
}

/// The report as blocks, in print order: the title, then each outline section (its heading,
/// the team's text, the generated content).
pub fn blocks(doc: &ReportDoc) -> Vec<ReportBlock> {
    let mut out = vec![ReportBlock::Title(title_of(doc))];
    let sections = &doc.outline.sections;
    for (i, s) in sections.iter().enumerate() {
        if s.generator == Some(Generator::Cover) {
            out.push(ReportBlock::Cover(sections::cover(doc)));
            continue;
        }
        out.push(ReportBlock::Heading { level: s.level, text: s.heading.clone() });
        let written = doc.report.sections.get(&s.key).map(|t| t.trim()).unwrap_or("");
        if s.is_writable() {
            out.extend(paragraphs(written));
            let has_children = sections.get(i + 1).is_some_and(|next| next.level > s.level);
            if written.is_empty() && s.fill == Fill::Text && !has_children {
                out.push(ReportBlock::Para(PENDING.to_string()));
            }
        }
        if let Some(g) = s.generator {
            out.extend(sections::generate(doc, g, s.level));
        }
    }
    out
}

/// What a section's generator puts under its heading (nothing for a text section): the
/// workbench previews one section at a time with it.
pub fn generated(doc: &ReportDoc, section: &crate::domain::outline::Section) -> Vec<ReportBlock> {
    match section.generator {
        Some(Generator::Cover) => vec![ReportBlock::Cover(sections::cover(doc))],
        Some(g) => sections::generate(doc, g, section.level),
        None => vec![],
    }
}

/// What a printed report (an issued revision's blocks) has under one outline section: the
/// cover block, or the blocks after the section's heading up to the next outline heading.
/// Empty when the section is not found (an outline changed since).
pub fn printed_section<'a>(blocks: &'a [ReportBlock], outline: &Outline, key: &str) -> &'a [ReportBlock] {
    let Some(i) = outline.sections.iter().position(|s| s.key == key) else { return &[] };
    let s = &outline.sections[i];
    if s.generator == Some(Generator::Cover) {
        return blocks.iter().position(|b| matches!(b, ReportBlock::Cover(_))).map(|at| &blocks[at..=at]).unwrap_or(&[]);
    }
    // Outline headings come in order, so each is looked for after the one before it.
    let mut from = 0;
    let mut start = None;
    for (j, sec) in outline.sections.iter().enumerate().filter(|(_, sec)| sec.generator != Some(Generator::Cover)) {
        let heading = |b: &ReportBlock| matches!(b, ReportBlock::Heading { level, text } if *level == sec.level && *text == sec.heading);
        let Some(at) = blocks[from..].iter().position(heading).map(|p| from + p) else { continue };
        if let Some(begin) = start {
            return &blocks[begin..at];
        }
        if j == i {
            start = Some(at + 1);
        }
        from = at + 1;
    }
    start.map(|begin| &blocks[begin..]).unwrap_or(&[])
}

/// Written text as paragraphs: one per non-empty line.
fn paragraphs(text: &str) -> impl Iterator<Item = ReportBlock> + '_ {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| ReportBlock::Para(l.to_string()))
}
