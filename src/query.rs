//! What a reader asks (`Query`) and is answered (`Reply`), and the events a shared store
//! broadcasts: the same types cross the team server's socket.

use crate::domain::{Deadline, Finding, IndicatorTree, Milestone, Notice, Project, RectItem, Response};
use crate::read::dashboard::Dashboard;
use crate::read::issued::IssuedNotice;
use crate::read::{AuditRecord, Bundle, ProjectRow, Summary};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case")]
pub enum Query {
    Projects,
    /// Every project's list row (score, progress, open items, next deadline).
    ProjectList,
    Project {
        code: String,
    },
    Tree {
        project: String,
    },
    Findings {
        project: String,
    },
    Items {
        project: String,
    },
    AllItems,
    Responses {
        item: u64,
    },
    Notices {
        project: String,
    },
    Notice {
        number: String,
    },
    /// The copy of a notice kept when it was issued, by number or id (`read::issued`).
    IssuedNotice {
        number: String,
    },
    Milestones {
        project: Option<String>,
    },
    /// Every open deadline dated `until` or earlier (the overdue ones included).
    Deadlines {
        until: NaiveDate,
    },
    Audit,
    IndicatorHistory {
        project: String,
        node: u32,
    },
    Export {
        project: Option<String>,
    },
    /// The whole store and its attachment list at one moment, taken under the store's write
    /// lock (`jixiao backup`).
    Backup,
    Categories,
    /// One project's summary (score, progress, open items, next deadline).
    Summary {
        project: String,
    },
    /// Every project's summary alone (no project records).
    Summaries,
    /// Decode every record and verify the indexes (`jixiao check`).
    Check,
    /// The store admins (empty: none named, every user may do store-wide things).
    Admins,
    /// The deadline dashboard's figures (`crate::read::dashboard`).
    Dashboard {
        filter: crate::domain::DeadlineFilter,
        today: NaiveDate,
        year: Option<i32>,
    },
    /// `jixiao due`'s list, rendered.
    Due {
        request: crate::read::due::DueRequest,
    },
    /// The budget total (万元) set for a fiscal year, for coverage.
    BudgetTotal {
        year: i32,
    },
    /// The templates a new project may start from, and the user files left out.
    Templates,
    /// A project's evaluation report record (none when nothing was written or issued).
    Report {
        project: String,
    },
    /// One issued revision of a project's report, as printed.
    ReportIssue {
        project: String,
        revision: u32,
    },
    /// The report outline a project is written on, and the user outline files left out.
    Outline {
        project: String,
    },
    /// A project's review chains and quality reviewer.
    Reviews {
        project: String,
    },
    /// One project's self-check (DOMAIN.md §8), computed in the store, and its overrides.
    SelfCheck {
        project: String,
    },
    /// A project's self-evaluation form (empty when none was written).
    Form {
        project: String,
    },
    /// The dossiers archiving wrote for a project, oldest first.
    Dossiers {
        project: String,
    },
    /// Audit records with their hash-chain links (`store/chain.rs`): all, or those touching
    /// the project with this code.
    AuditChain {
        project: Option<String>,
    },
    /// Where a text occurs across projects (`read::search`), from the kept search texts.
    Search {
        request: crate::read::search::SearchRequest,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", content = "data", rename_all = "snake_case")]
pub enum Reply {
    Projects(Vec<Project>),
    ProjectList(Vec<ProjectRow>),
    Project(Box<Project>),
    Tree(Box<IndicatorTree>),
    Findings(Vec<Finding>),
    Items(Vec<RectItem>),
    Responses(Vec<Response>),
    Notices(Vec<Notice>),
    /// `None`: the notice was issued before jixiao kept copies.
    Issued(Option<Box<IssuedNotice>>),
    Milestones(Vec<Milestone>),
    Deadlines(Vec<Deadline>),
    Audit(Vec<AuditRecord>),
    Bundle(Box<Bundle>),
    Backup(Box<crate::read::bundle::Snapshot>),
    Categories(Vec<String>),
    Summary(Box<Summary>),
    Summaries(Vec<Summary>),
    /// What `check` found: the problems, and the record counts by kind.
    Check {
        problems: Vec<String>,
        counts: Vec<(String, usize)>,
        /// Codes of the projects whose self-check has failures.
        #[serde(default)]
        failing_self_checks: Vec<String>,
    },
    Amount(Option<rust_decimal::Decimal>),
    Users(Vec<String>),
    Dashboard(Box<Dashboard>),
    Due {
        text: String,
        overdue: bool,
    },
    Templates {
        names: Vec<String>,
        /// Each name's title (中文 name shown in pickers), in the same order; empty from a
        /// server before titles were sent, when the names are shown instead.
        #[serde(default)]
        titles: Vec<String>,
        /// Each "FILE:LINE: what is wrong".
        problems: Vec<String>,
    },
    Report(Option<Box<crate::domain::report::Report>>),
    Reviews(Box<crate::domain::review::ProjectReviews>),
    ReportIssue(Option<Box<crate::read::report::IssuedReport>>),
    SelfCheck(Box<crate::domain::selfcheck::ProjectCheck>),
    Form(Box<crate::domain::form::Form>),
    Dossiers(Vec<crate::domain::project::DossierNote>),
    AuditChain(Vec<(AuditRecord, crate::read::audit::Link)>),
    Search(Box<crate::read::search::SearchResult>),
    Outline {
        outline: Box<crate::domain::outline::Outline>,
        /// User outline files left out, each "FILE:LINE: what is wrong".
        problems: Vec<String>,
    },
}

/// A committed command, broadcast by the server to every client after it is flushed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub audit: u64,
    pub actor: String,
    /// The command's snake_case name.
    pub command: String,
    /// The record it created or changed (a project's id for tree edits).
    pub id: u64,
}
