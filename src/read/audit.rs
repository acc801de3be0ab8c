//! The audit log as read: who did what, when, to which records, with before/after versions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Project,
    Tree,
    Indicator,
    Finding,
    Item,
    Response,
    Notice,
    Milestone,
    /// A project's evaluation report (id: the project's).
    Report,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    pub kind: RecordKind,
    pub id: u64,
    /// The indicator id for tree changes that concern one indicator.
    #[serde(default)]
    pub node: Option<u32>,
    /// 0 when the record is new.
    pub before: u64,
    /// 0 when the record was removed.
    pub after: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: u64,
    /// The OS user name of the process (or, on the server, of the peer).
    pub actor: String,
    pub at: DateTime<Utc>,
    /// The command as JSON (an import keeps a summary).
    pub command: String,
    pub touched: Vec<Touch>,
}
