//! What every stored record carries: its version and who touched it last.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Starts at 1 and grows by one on every change.
    pub version: u64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl Meta {
    pub fn new(actor: &str, now: DateTime<Utc>) -> Self {
        Meta { version: 1, created_by: actor.to_string(), created_at: now, updated_by: actor.to_string(), updated_at: now }
    }

    pub fn touch(&mut self, actor: &str, now: DateTime<Utc>) {
        self.version += 1;
        self.updated_by = actor.to_string();
        self.updated_at = now;
    }

    /// Refuses an edit that started from another version, naming who changed it and when.
    pub fn check(&self, what: &str, expected: Option<u64>) -> crate::domain::Result<()> {
        match expected {
            Some(v) if v != self.version => Err(crate::domain::Error::Conflict {
                what: what.to_string(),
                expected: v,
                actual: self.version,
                by: self.updated_by.clone(),
                at: self.updated_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            }),
            _ => Ok(()),
        }
    }
}
