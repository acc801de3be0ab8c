//! What a command says about itself: its name, the text the audit log keeps, the evidence
//! it carries, whether it travels as a bulk frame, and its text bounds.

use super::Command;
use crate::domain::evidence::Evidence;

impl Command {
    /// The snake_case name, as in the JSON `cmd` field.
    pub fn name(&self) -> String {
        // An import's bundle may be hundreds of MiB: never turned into a JSON value for its name.
        if let Command::Import { .. } = self {
            return "import".into();
        }
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("cmd").and_then(|c| c.as_str()).map(str::to_string))
            .unwrap_or_else(|| "import".into())
    }

    /// The JSON kept in the audit log; an import keeps a summary, not the whole bundle.
    pub fn audit_text(&self) -> String {
        match self {
            Command::Import { bundle, merge } => serde_json::json!({
                "cmd": "import",
                "merge": merge,
                "projects": bundle.projects.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            })
            .to_string(),
            Command::Batch { label, commands, .. } => {
                let inner: Vec<serde_json::Value> =
                    commands.iter().map(|c| serde_json::from_str(&c.audit_text()).unwrap_or_default()).collect();
                serde_json::json!({ "cmd": "batch", "label": label, "commands": inner }).to_string()
            }
            other => serde_json::to_string(other).unwrap_or_default(),
        }
    }

    /// True for the commands that may be large (a bundle, a batch): sent as bulk frames.
    pub fn is_bulk(&self) -> bool {
        matches!(self, Command::Import { .. } | Command::Batch { .. })
    }

    /// The evidence the command records (scores, findings, responses, progress).
    pub fn evidence(&self) -> &[Evidence] {
        match self {
            Command::Score { evidence, .. }
            | Command::RecordFinding { evidence, .. }
            | Command::ReviseFinding { evidence, .. }
            | Command::SubmitResponse { evidence, .. }
            | Command::AddProgress { evidence, .. } => evidence,
            _ => &[],
        }
    }

    /// Every text field within `limits::MAX_TEXT_BYTES` and free of control characters
    /// (an imported bundle's records too).
    pub fn check_bounds(&self) -> crate::domain::Result<()> {
        use crate::domain::limits::{BadText, MAX_TEXT_BYTES, first_bad_text};
        let json = serde_json::to_string(self).unwrap_or_default();
        let Some((key, bad)) = first_bad_text(&json) else { return Ok(()) };
        let field = if key.is_empty() { "text".to_string() } else { key };
        let message = match bad {
            BadText::TooLong(len) => format!(
                "文字太长：{} KiB，一个字段最多 {} KiB（约 2 万汉字）；更长的材料请作为佐证文件附上",
                len / 1024,
                MAX_TEXT_BYTES / 1024
            ),
            BadText::Control(c) => {
                format!("含控制字符 {}：文字里只能有换行和制表符；删去它再保存（常见于从其他程序复制的文字）", c.escape_unicode())
            }
        };
        Err(crate::domain::Error::invalid(self.name(), field, message))
    }
}
