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
    /// A project's self-evaluation form (id: the project's; node: the row's leaf).
    Form,
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

/// One audit record's place in the hash chain (`store/chain.rs`, docs/audit-chain.md): its
/// id, the hash it links to (the record before's, or 64 zeros), its own hash; lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub id: u64,
    pub prev: String,
    pub hash: String,
}

/// The versions of one leaf's paper in its history (oldest first, numbered from 1): each
/// `score`, and each `restore_score` (what it restored). Other steps (reviews, clearing)
/// make no version.
pub fn paper_versions(history: &[AuditRecord]) -> Vec<crate::command::Paper> {
    use crate::command::{Command, Paper};
    let mut out: Vec<Paper> = Vec::new();
    for a in history {
        let Ok(cmd) = serde_json::from_str::<Command>(&a.command) else { continue };
        let (input, basis, evidence) = match cmd {
            Command::Score { input, basis, evidence, .. } => (input, basis, evidence),
            Command::RestoreScore { restored: Some(p), .. } => (p.input, p.basis, p.evidence),
            // The paper as it stood, without the evidence named (the first match, as applied).
            Command::RemoveEvidence { indicator: Some(_), evidence: named, .. } => {
                let Some(last) = out.last() else { continue };
                let mut evidence = last.evidence.clone();
                if let Some(i) = evidence.iter().position(|e| e.matches(&named)) {
                    evidence.remove(i);
                }
                (last.input.clone(), last.basis.clone(), evidence)
            }
            _ => continue,
        };
        let version = out.len() as u32 + 1;
        out.push(Paper { version, input, basis, evidence, by: a.actor.clone(), at: a.at });
    }
    out
}

/// The version a restore names: `version` itself, or the one standing at `at`.
pub fn pick_version(
    versions: &[crate::command::Paper],
    version: Option<u32>,
    at: Option<DateTime<Utc>>,
) -> std::result::Result<crate::command::Paper, String> {
    let found = match (version, at) {
        (Some(v), _) => versions.iter().find(|p| p.version == v),
        (None, Some(at)) => versions.iter().rev().find(|p| p.at <= at),
        (None, None) => return Err("写出要恢复的版本：version（第几版，1 为第一次评分）或 at（那一刻的版本）".into()),
    };
    found.cloned().ok_or_else(|| match (version, at) {
        (Some(v), _) => format!("没有第 {v} 版：这条指标共有 {} 版评分", versions.len()),
        _ => "那一刻之前这条指标还没有评分".to_string(),
    })
}
