//! Sending something out with failing checks: the lead's override, kept per project (which
//! checks failed, by whom, when, why), and the gate it passed.

use super::SelfCheck;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The step a self-check guards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    /// `set_phase` to 定稿 (the report is issued with it).
    Final,
    /// `issue_notice`.
    Notice,
    /// `set_phase` forward by more than one step: the phases skipped.
    Skip { skipped: Vec<String> },
}

impl Gate {
    pub fn label(&self) -> String {
        match self {
            Gate::Final => "定稿（出具报告）".to_string(),
            Gate::Notice => "下发整改通知书".to_string(),
            Gate::Skip { skipped } => format!("跳过阶段 {}", skipped.join("、")),
        }
    }
}

/// One override: the checks that failed when the step went through anyway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub gate: Gate,
    /// Each failed check: `title（id）`.
    pub checks: Vec<String>,
    pub reason: String,
    pub by: String,
    /// 负责人 (the project's lead) or 管理员 (a named store admin).
    pub role: String,
    pub at: DateTime<Utc>,
    pub date: NaiveDate,
    /// The step's own key, when it has one (the notice's number).
    #[serde(default)]
    pub key: Option<String>,
}

impl Override {
    pub fn new(gate: Gate, check: &SelfCheck, reason: &str, (by, role): (&str, &str), at: DateTime<Utc>, date: NaiveDate) -> Override {
        let checks = check.failures().map(|l| format!("{}（{}）", l.title, l.id)).collect();
        Override { gate, checks, reason: reason.trim().to_string(), by: by.to_string(), role: role.to_string(), at, date, key: None }
    }

    /// `已带 2 项未通过检查定稿（出具报告）：…，理由：…，负责人 张三，2026-05-01`.
    pub fn line(&self) -> String {
        let what = match &self.key {
            Some(k) => format!("{}（{k}）", self.gate.label()),
            None => self.gate.label(),
        };
        format!(
            "已带 {} 项未通过检查{what}：{}，理由：{}，{} {}，{}",
            self.checks.len(),
            self.checks.join("、"),
            self.reason,
            self.role,
            self.by,
            self.date
        )
    }
}

/// `check --project`'s answer: the self-check and the overrides the project keeps.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProjectCheck {
    pub check: SelfCheck,
    pub overrides: Vec<Override>,
}
