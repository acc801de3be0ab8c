//! The lossless JSON bundle: everything in the store, for export, import and backups.

use crate::domain::{Finding, IndicatorTree, Milestone, Notice, Project, RectItem, Response};
use crate::read::AuditRecord;
use crate::read::issued::IssuedNotice;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "jixiao-bundle";

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always "jixiao-bundle".
    pub format: String,
    /// The store schema of the records.
    pub schema: u8,
    pub projects: Vec<Project>,
    pub trees: Vec<IndicatorTree>,
    pub findings: Vec<Finding>,
    pub items: Vec<RectItem>,
    pub responses: Vec<Response>,
    pub notices: Vec<Notice>,
    /// The notices as issued (`read::issued`), byte for byte: each belongs to the notice of
    /// its number (`doc.notice.number`; ids inside are those of the day it was issued, which
    /// an import may renumber). Absent in bundles from before jixiao kept them.
    #[serde(default)]
    pub issued: Vec<IssuedNotice>,
    pub milestones: Vec<Milestone>,
    /// The last notice sequence used per prefix and year, so numbers are never reused.
    pub notice_counters: Vec<NoticeCounter>,
    pub audit: Vec<AuditRecord>,
    /// The team's finding categories, when edited (absent: the seed list).
    #[serde(default)]
    pub categories: Option<Vec<String>>,
    /// Notice number prefixes set per year.
    #[serde(default)]
    pub notice_prefixes: Vec<NoticePrefix>,
    /// Budget totals (万元) set per fiscal year, the base of the dashboard's coverage.
    #[serde(default)]
    pub budget_totals: Vec<BudgetTotal>,
    /// The store admins (empty: none named), so a backup restored keeps who may do
    /// store-wide things.
    #[serde(default)]
    pub admins: Vec<String>,
    /// The projects' evaluation reports (written sections, number, revisions).
    #[serde(default)]
    pub reports: Vec<crate::domain::report::Report>,
    /// Every issued report revision as printed, so a restored store reprints it byte for byte.
    #[serde(default)]
    pub report_issues: Vec<crate::read::report::IssuedReport>,
    /// The last report sequence used per prefix and year, so numbers are never reused.
    #[serde(default)]
    pub report_counters: Vec<NoticeCounter>,
    /// Report number prefixes set per year.
    #[serde(default)]
    pub report_prefixes: Vec<NoticePrefix>,
    /// Self-check overrides per project (which failing checks went out anyway, by whom,
    /// why); absent in bundles from before the self-check.
    #[serde(default)]
    pub overrides: Vec<ProjectOverrides>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectOverrides {
    pub project: u64,
    pub list: Vec<crate::domain::selfcheck::Override>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetTotal {
    pub year: i32,
    /// 万元, two places, as text (like every amount in the bundle).
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticePrefix {
    pub year: i32,
    pub prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeCounter {
    pub prefix: String,
    pub year: i32,
    pub last: u32,
}

impl Bundle {
    /// An empty bundle of records written in store schema `schema`.
    pub fn new(schema: u8) -> Self {
        Bundle { format: FORMAT.into(), schema, ..Default::default() }
    }
}
