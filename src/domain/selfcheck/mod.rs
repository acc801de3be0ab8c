//! The self-check (自检) of DOMAIN.md §8: every mechanical point of a bureau's quality sheet,
//! checked before anything leaves the team. Pure: the caller gathers the project's records
//! (`Records`) and gets one `Line` per rule, passed or failed with the rows that fail, each
//! named the way a reviewer names it (an indicator's path, 问题 #3, 整改事项 #12, a notice
//! number, a report section).
//!
//! One file per rule family: `tree.rs` (weights, scores, grade), `papers.rs` (working
//! papers), `form.rs` (the self-evaluation form under spot check), `findings.rs`,
//! `report.rs`, `notice.rs`; `overrides.rs` holds what is kept when
//! the lead sends something out with failures anyway.

mod findings;
mod form;
mod notice;
mod overrides;
mod papers;
mod report;
mod tree;

pub use form::figure;
pub use overrides::{Gate, Override, ProjectCheck};

use super::finding::FindingId;
use super::tree::NodeId;

use super::outline::Outline;
use super::rect::ItemId;
use super::report::Report;
use super::{Finding, IndicatorTree, Notice, Project, RectItem};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A failure blocks 定稿 and notices (unless overridden); a warning is only listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Failure,
    Warning,
}

/// One failing row under a rule: where (`at`) and what is wrong there (`what`), and the
/// record to fix (`target`, for a screen to jump to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub at: String,
    pub what: String,
    #[serde(default, skip_serializing_if = "Target::is_none")]
    pub target: Target,
}

/// The record a failing row names, structured: where a screen goes to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Nothing to go to (the tree as a whole, the grade bands, the 评分表).
    #[default]
    None,
    /// An indicator node by id.
    Indicator(NodeId),
    /// A finding (问题) by id.
    Finding(FindingId),
    /// A rectification item (整改事项) by id.
    Item(ItemId),
    /// A report section by its outline key.
    Section(String),
    /// The report's cover.
    Cover,
}

impl Target {
    pub fn is_none(&self) -> bool {
        matches!(self, Target::None)
    }
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// A stable id such as `tree.sum`, for scripts.
    pub id: String,
    pub title: String,
    pub level: Level,
    pub passed: bool,
    pub rows: Vec<Row>,
}

/// Every rule's line for one project, in the order of DOMAIN.md §8.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SelfCheck {
    pub project: String,
    pub lines: Vec<Line>,
}

/// A fixed weight a template declares (`fixed = true` on an indicator row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedWeight {
    /// The indicator's path of names (`产出` or `产出/数量指标`).
    pub path: String,
    pub points: Decimal,
}

/// What the self-check needs of the project's template.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TemplateFacts {
    pub name: String,
    /// The points the leaves must add up to.
    pub total: Decimal,
    pub fixed: Vec<FixedWeight>,
}

/// A notice about to be issued: its items and issue date (the notice gate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingNotice {
    pub items: Vec<ItemId>,
    pub date: NaiveDate,
}

/// Which rules a step runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `check --project` and 定稿: every rule.
    All,
    /// `issue_notice`: the tree, the papers, the findings and the notice's items (the report
    /// is checked at 定稿, which usually comes first).
    Notice(PendingNotice),
}

/// The project's records, gathered by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    pub project: Project,
    pub tree: IndicatorTree,
    pub template: std::sync::Arc<TemplateFacts>,
    /// The project's findings (withdrawn ones may be left out).
    pub findings: Vec<Finding>,
    pub items: Vec<RectItem>,
    /// The notices the items are on.
    pub notices: Vec<Notice>,
    /// None while nothing of the report was written.
    pub report: Option<Report>,
    /// None when the project's kind has no outline. Shared: a whole-store check gives every
    /// project of a kind the same one.
    pub outline: Option<std::sync::Arc<Outline>>,
    /// The total row of the 评分表 as the report prints it (None: not rendered).
    pub score_table_total: Option<Decimal>,
    /// The self-evaluation form (None: no form was written; its rules are then left out).
    pub form: Option<super::form::Form>,
}

/// Runs the rules of `scope` over the records.
pub fn run(r: &Records, scope: &Scope) -> SelfCheck {
    let mut lines = Vec::new();
    lines.extend(tree::rules(r));
    lines.extend(papers::rules(r));
    lines.extend(findings::rules(r));
    match scope {
        Scope::All => {
            lines.extend(form::rules(r));
            lines.extend(report::rules(r));
            lines.extend(notice::rules(r, None));
        }
        Scope::Notice(pending) => lines.extend(notice::rules(r, Some(pending))),
    }
    SelfCheck { project: r.project.code.clone(), lines }
}

impl Line {
    fn new(id: &str, title: &str, level: Level, rows: Vec<Row>) -> Line {
        Line { id: id.to_string(), title: title.to_string(), level, passed: rows.is_empty(), rows }
    }
    fn failure(id: &str, title: &str, rows: Vec<Row>) -> Line {
        Line::new(id, title, Level::Failure, rows)
    }
    fn warning(id: &str, title: &str, rows: Vec<Row>) -> Line {
        Line::new(id, title, Level::Warning, rows)
    }
    /// `✓`, `✗` or `!` (a warning with rows).
    pub fn mark(&self) -> &'static str {
        match (self.passed, self.level) {
            (true, _) => "✓",
            (false, Level::Failure) => "✗",
            (false, Level::Warning) => "!",
        }
    }
}

/// A row's place: its name as shown and the record it is.
#[derive(Debug, Clone)]
struct At {
    name: String,
    target: Target,
}

impl From<&str> for At {
    fn from(name: &str) -> At {
        At { name: name.to_string(), target: Target::None }
    }
}

impl From<String> for At {
    fn from(name: String) -> At {
        At { name, target: Target::None }
    }
}

impl From<&String> for At {
    fn from(name: &String) -> At {
        At::from(name.as_str())
    }
}

impl From<&At> for At {
    fn from(at: &At) -> At {
        at.clone()
    }
}

fn row(at: impl Into<At>, what: impl Into<String>) -> Row {
    let at = at.into();
    Row { at: at.name, what: what.into(), target: at.target }
}

impl Row {
    /// The row with the record it names.
    fn to(mut self, target: Target) -> Row {
        self.target = target;
        self
    }
}

impl SelfCheck {
    pub fn failures(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| !l.passed && l.level == Level::Failure)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| !l.passed && l.level == Level::Warning)
    }
    pub fn has_failures(&self) -> bool {
        self.failures().next().is_some()
    }
    /// Adds a failing line of the gate itself (phases skipped).
    pub fn push_failure(&mut self, id: &str, title: &str, rows: Vec<Row>) {
        self.lines.push(Line::failure(id, title, rows));
    }
    /// The failures in one paragraph: each rule with its first rows, for an error message.
    pub fn failure_text(&self, rows_per_rule: usize) -> String {
        let mut parts = Vec::new();
        for l in self.failures() {
            let mut rows: Vec<String> = l.rows.iter().take(rows_per_rule).map(|r| format!("{}：{}", r.at, r.what)).collect();
            if l.rows.len() > rows_per_rule {
                rows.push(format!("另 {} 处", l.rows.len() - rows_per_rule));
            }
            parts.push(format!("✗ {}（{}）：{}", l.title, l.id, rows.join("；")));
        }
        parts.join("\n")
    }
}

/// A row's place for an indicator: its path.
fn at_indicator(tree: &IndicatorTree, id: NodeId) -> At {
    At { name: tree.path(id), target: Target::Indicator(id) }
}

/// A row's place for a finding: 问题 #n.
fn at_finding(f: &Finding) -> At {
    At { name: f.label(), target: Target::Finding(f.id) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn marks() {
        use super::*;
        let l = Line::warning("x", "x", vec![row("a", "b")]);
        assert_eq!(l.mark(), "!");
        assert_eq!(Line::failure("x", "x", vec![]).mark(), "✓");
    }
}
