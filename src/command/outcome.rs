//! What a command reports when it succeeds (`Outcome`), and a leaf's paper as its history
//! holds it (`Paper`, what `restore_score` brings back).

use crate::domain::{Evidence, ScoreInput};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One version of a leaf's paper as its history holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paper {
    /// 1 for the leaf's first scoring.
    pub version: u32,
    pub input: ScoreInput,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// What a successful command reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The id of the record created or changed (a project's id for tree edits).
    pub id: u64,
    /// Its new version (an indicator's rev for scoring commands).
    pub version: u64,
    /// A human key where there is one: a project code, a notice number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The computed score, for scoring commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Decimal>,
    /// The audit record's id.
    pub audit: u64,
}
