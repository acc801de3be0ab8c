//! Evidence references (佐证资料): a file copied into the data dir, or a named document.
//! Enums that are stored are externally tagged: bincode cannot decode internally tagged ones.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// A file: its original name, size and sha256 (the copy in `attachments/` is named by it).
    File { name: String, size: u64, sha256: String, added_at: DateTime<Utc> },
    /// A paper or system document: name, document number, date, pages.
    Document {
        name: String,
        #[serde(default)]
        number: Option<String>,
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        pages: Option<String>,
    },
}

impl Evidence {
    pub fn doc(name: &str) -> Self {
        Evidence::Document { name: name.to_string(), number: None, date: None, pages: None }
    }

    pub fn name(&self) -> &str {
        match self {
            Evidence::File { name, .. } | Evidence::Document { name, .. } => name,
        }
    }

    /// Named by its sha256 (a file) or its name, as `remove_evidence` names it.
    pub fn matches(&self, named: &str) -> bool {
        let named = named.trim();
        match self {
            Evidence::File { sha256, name, .. } => sha256.eq_ignore_ascii_case(named) || name == named,
            Evidence::Document { name, .. } => name == named,
        }
    }

    pub fn validate(&self, record: &str) -> super::Result<()> {
        match self {
            Evidence::File { name, sha256, .. } => {
                if name.trim().is_empty() {
                    return Err(super::Error::invalid(record, "evidence.name", "文件名不能为空"));
                }
                if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(super::Error::invalid(record, "evidence.sha256", format!("“{sha256}”不是 64 位十六进制 sha256")));
                }
            }
            Evidence::Document { name, .. } => {
                if name.trim().is_empty() {
                    return Err(super::Error::invalid(record, "evidence.name", "文件名称不能为空"));
                }
            }
        }
        Ok(())
    }
}
