//! The lossless JSON bundle: everything in the store, for export, import and backups.

use crate::domain::grade::ResultKind;
use crate::domain::money::fmt2;
use crate::domain::{Finding, IndicatorTree, Milestone, Notice, Project, RectItem, Response};
use crate::read::AuditRecord;
use crate::read::issued::IssuedNotice;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "jixiao-bundle";

/// A backup's content as the store gives it, in one step under its write lock: the whole
/// bundle and the attachment files there were at that moment (`jixiao backup`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub bundle: Bundle,
    pub attachments: Vec<crate::attachments::Stored>,
    /// The data directory the store is in, as its owner opened it.
    pub data_dir: String,
    pub taken_at: chrono::DateTime<chrono::Utc>,
}

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
    /// The review chains (一级/二级复核, returns, answers) of the leaves' working papers.
    #[serde(default)]
    pub reviews: Vec<crate::domain::review::ReviewChain>,
    /// Each project's named quality reviewer.
    #[serde(default)]
    pub quality_reviewers: Vec<crate::domain::review::QualityReviewer>,
    /// Each project's result as computed from its tree when the bundle was written (total,
    /// grade or ex-ante conclusion), so a script need not sum leaves. Computed, never
    /// trusted: an import ignores it and computes again from the trees.
    #[serde(default)]
    pub results: Vec<ProjectResult>,
    /// Self-check overrides per project (which failing checks went out anyway, by whom,
    /// why); absent in bundles from before the self-check.
    #[serde(default)]
    pub overrides: Vec<ProjectOverrides>,
    /// Self-evaluation forms (what the unit printed beside the tree); absent in bundles
    /// from before the forms.
    #[serde(default)]
    pub forms: Vec<crate::domain::form::Form>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectOverrides {
    pub project: u64,
    pub list: Vec<crate::domain::selfcheck::Override>,
}

/// A project's computed result, one per project of the bundle, in project order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectResult {
    /// The project's code.
    pub project: String,
    /// The sum of the scored leaves, two places, as text (like every figure in the bundle).
    pub total: String,
    /// The points the tree is out of (100 for the shipped templates), two places.
    pub points: String,
    /// 优/良/中/差 of the total (absent for an ex-ante assessment).
    pub grade: Option<String>,
    /// 予以支持 / 调整完善后予以支持 / 不予支持 of an ex-ante assessment (absent otherwise).
    pub conclusion: Option<String>,
    /// Leaves scored and leaves in all: a total of a tree not fully scored is provisional.
    pub scored: u32,
    pub leaves: u32,
    /// The self-check (DOMAIN.md §8) when the bundle was written: the ids of the rules that
    /// fail and warn (`jixiao check --project CODE` names the rows). Ignored on import too.
    #[serde(default)]
    pub self_check: Option<SelfCheckResult>,
}

/// A project's self-check in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfCheckResult {
    /// No rule fails (warnings allowed).
    pub passed: bool,
    /// Rule ids such as `tree.sum`, `papers.reviewed`.
    pub failures: Vec<String>,
    pub warnings: Vec<String>,
}

impl ProjectResult {
    /// The result of `tree`, the tree of the project `code`.
    pub fn of(code: &str, tree: &IndicatorTree) -> Self {
        let label = tree.result_label().map(str::to_string);
        let (grade, conclusion) = match tree.bands.kind {
            ResultKind::Grade => (label, None),
            ResultKind::Conclusion => (None, label),
        };
        let (scored, leaves) = tree.progress();
        ProjectResult {
            project: code.to_string(),
            total: fmt2(tree.total_score()),
            points: fmt2(tree.total),
            grade,
            conclusion,
            scored: u32::try_from(scored).unwrap_or(u32::MAX),
            leaves: u32::try_from(leaves).unwrap_or(u32::MAX),
            self_check: None,
        }
    }
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
    /// The evidence files the records name now, (sha256, size, name), sorted: scores, findings
    /// and their earlier revisions, items and responses.
    pub fn evidence_files(&self) -> Vec<(String, u64, String)> {
        use crate::domain::Evidence;
        let scores = self.trees.iter().flat_map(|t| t.nodes.iter()).filter_map(|n| n.score.as_ref()).flat_map(|s| s.evidence.iter());
        let findings =
            self.findings.iter().flat_map(|f| f.history.iter().map(|r| &r.body).chain([&f.body])).flat_map(|b| b.evidence.iter());
        let items = self.items.iter().flat_map(|i| i.evidence.iter());
        let responses = self.responses.iter().flat_map(|r| r.evidence.iter());
        let mut out: Vec<(String, u64, String)> = scores
            .chain(findings)
            .chain(items)
            .chain(responses)
            .filter_map(|e| match e {
                Evidence::File { name, size, sha256, .. } => Some((sha256.clone(), *size, name.clone())),
                Evidence::Document { .. } => None,
            })
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        out
    }

    /// An empty bundle of records written in store schema `schema`.
    pub fn new(schema: u8) -> Self {
        Bundle { format: FORMAT.into(), schema, ..Default::default() }
    }

    /// `results` computed from the bundle's own trees (a tree without its project is left out).
    pub fn compute_results(&mut self) {
        let codes: std::collections::HashMap<u64, &str> = self.projects.iter().map(|p| (p.id, p.code.as_str())).collect();
        self.results = self.trees.iter().filter_map(|t| codes.get(&t.project).map(|code| ProjectResult::of(code, t))).collect();
    }
}
