//! The evaluation report (评价报告) of one project as records: the sections the team wrote,
//! the cover fields the project does not hold, the report number once issued, and the
//! revisions issued at 定稿. What an issued revision printed is kept beside it by the store
//! (`read::report::IssuedReport`), so it reprints byte for byte.

use super::meta::Meta;
use super::project::ProjectId;
use super::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The report number prefix of a year with none set (`set_report_prefix`).
pub const DEFAULT_REPORT_PREFIX: &str = "绩评报字";

/// Longest report number prefix, in characters.
pub const MAX_REPORT_PREFIX_CHARS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportState {
    /// Being written (never issued, or reopened).
    #[serde(rename = "撰写中")]
    Draft,
    /// Issued at 定稿: sections are frozen until `reopen_report`.
    #[serde(rename = "已出具")]
    Issued,
}

impl ReportState {
    pub fn label(self) -> &'static str {
        match self {
            ReportState::Draft => "撰写中",
            ReportState::Issued => "已出具",
        }
    }
}

/// 上会湘报字(2022)第0001号: the prefix, the year of first issue, and its sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportNumber {
    pub prefix: String,
    pub year: i32,
    pub seq: u32,
    pub text: String,
}

/// `上会湘报字(2022)第0001号`.
pub fn format_report_number(prefix: &str, year: i32, seq: u32) -> String {
    format!("{prefix}({year})第{seq:04}号")
}

/// A prefix is 1–16 characters, no whitespace, no parentheses (the program adds `(年)`).
pub fn check_report_prefix(prefix: &str) -> std::result::Result<(), String> {
    let count = prefix.chars().count();
    if count == 0 || count > MAX_REPORT_PREFIX_CHARS {
        return Err(format!("“{prefix}”有 {count} 个字：报告文号前缀应为 1 到 {MAX_REPORT_PREFIX_CHARS} 个字，如 上会湘报字"));
    }
    if prefix.chars().any(char::is_whitespace) {
        return Err(format!("“{prefix}”含空格：报告文号前缀不能有空白字符"));
    }
    if prefix.contains(['(', ')', '（', '）', '〔', '〕']) {
        return Err(format!("“{prefix}”含括号：年份的 (年) 由程序加上，前缀只写如 上会湘报字"));
    }
    Ok(())
}

/// One revision issued at 定稿: 1 is the first issue, 2 the first 修订版, and so on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub revision: u32,
    pub date: NaiveDate,
    pub by: String,
    pub at: DateTime<Utc>,
    /// sha256 (hex) of the revision's Markdown rendering.
    pub sha256: String,
    /// Why the report was reopened before this revision (none for the first).
    pub reason: Option<String>,
}

/// A reopening after issue: when, by whom, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    pub by: String,
    pub at: DateTime<Utc>,
    pub date: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// One report per project, stored under the project's id.
    pub project: ProjectId,
    /// Replaces 《项目名称》+ the outline's title when set.
    pub title: Option<String>,
    /// 委托单位 on the cover (the bureau that commissioned the evaluation).
    pub client: Option<String>,
    /// 主管部门 on the cover.
    pub department: Option<String>,
    /// Section key → the text the team wrote.
    pub sections: BTreeMap<String, String>,
    pub state: ReportState,
    /// Given at the first issue, kept by every revision.
    pub number: Option<ReportNumber>,
    /// Issued revisions, oldest first.
    pub revisions: Vec<Revision>,
    pub reopenings: Vec<Reopening>,
    pub meta: Meta,
}

impl Report {
    pub fn new(project: ProjectId, meta: Meta) -> Report {
        Report {
            project,
            title: None,
            client: None,
            department: None,
            sections: BTreeMap::new(),
            state: ReportState::Draft,
            number: None,
            revisions: vec![],
            reopenings: vec![],
            meta,
        }
    }

    pub fn label(&self, code: &str) -> String {
        format!("项目 {code} 的评价报告")
    }

    pub fn latest(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    pub fn revision(&self, n: u32) -> Option<&Revision> {
        self.revisions.iter().find(|r| r.revision == n)
    }

    /// Sections are written only while the report is a draft.
    pub fn ensure_draft(&self, code: &str) -> Result<()> {
        if self.state == ReportState::Issued {
            let number = self.number.as_ref().map(|n| n.text.as_str()).unwrap_or("");
            let rev = self.latest().map(|r| r.revision).unwrap_or(1);
            return Err(Error::IllegalTransition {
                what: self.label(code),
                state: format!("已出具（{number}，第 {rev} 版）"),
                action: format!(
                    "修改：已出具的报告不再修改；要出修订版，先用 reopen_report 说明理由（{{\"cmd\":\"reopen_report\",\"project\":\"{code}\",\"reason\":\"…\"}}），改完再设为定稿"
                ),
            });
        }
        Ok(())
    }

    /// Records a reopening and makes the report a draft again.
    pub fn reopen(&mut self, code: &str, reason: &str, by: &str, at: DateTime<Utc>, date: NaiveDate) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid(
                self.label(code),
                "reason",
                "重新打开已出具的报告需要说明理由，如 \"反馈意见交流会后修改问题表述\"",
            ));
        }
        if self.state != ReportState::Issued {
            return Err(Error::IllegalTransition {
                what: self.label(code),
                state: self.state.label().into(),
                action: "重新打开 (reopen_report)：报告尚未出具，直接修改章节即可".into(),
            });
        }
        self.state = ReportState::Draft;
        self.reopenings.push(Reopening { by: by.to_string(), at, date, reason: reason.trim().to_string() });
        Ok(())
    }

    /// The reason of the reopening that precedes the next revision, if any.
    pub fn pending_reason(&self) -> Option<String> {
        let issued = self.revisions.len();
        (self.reopenings.len() >= issued && issued > 0).then(|| self.reopenings.last().map(|r| r.reason.clone())).flatten()
    }
}
