//! Findings (问题): published findings are frozen; a correction is a new revision.

use super::evidence::Evidence;
use super::meta::Meta;
use super::project::ProjectId;
use super::tree::NodeId;
use super::{Error, Result};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub type FindingId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "一般")]
    Minor,
    #[serde(rename = "较重")]
    Serious,
    #[serde(rename = "重大")]
    Major,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Minor => "一般",
            Severity::Serious => "较重",
            Severity::Major => "重大",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FindingState {
    #[serde(rename = "草稿")]
    Draft,
    #[serde(rename = "已发布")]
    Published,
    #[serde(rename = "已撤回")]
    Withdrawn,
}

impl FindingState {
    pub fn label(self) -> &'static str {
        match self {
            FindingState::Draft => "草稿",
            FindingState::Published => "已发布",
            FindingState::Withdrawn => "已撤回",
        }
    }
}

/// The editable content of a finding; each revision keeps one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingBody {
    pub text: String,
    pub category: String,
    pub severity: Severity,
    /// 万元 involved, if any.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub amount: Option<Decimal>,
    /// The indicators it cost points on.
    pub indicators: Vec<NodeId>,
    pub evidence: Vec<Evidence>,
    /// 评价依据: the rule it breaks (a regulation and article, or the indicator's standard),
    /// printed by the notice; empty when not written. Added in codec schema 3 (`store::migrate`).
    #[serde(default)]
    pub basis: String,
    /// The finding's own short title, the heading of its problem in a notice; empty: `heading`.
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub body: FindingBody,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Why this revision replaced the previous one (empty for the first).
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: FindingId,
    pub project: ProjectId,
    /// 问题编号 within the project: 1, 2, 3 …
    pub seq: u32,
    pub body: FindingBody,
    pub state: FindingState,
    /// Earlier revisions, oldest first; `body` is the current one.
    pub history: Vec<Revision>,
    pub withdraw_reason: Option<String>,
    pub meta: Meta,
}

/// The most characters a finding's title may have: it is a heading, one line of a notice.
pub const TITLE_MAX: usize = 40;

/// The seed category list of DOMAIN.md §5, grouped by the level-1 indicator they usually hit.
pub const SEED_CATEGORIES: &[(&str, &[&str])] = &[
    ("决策", &["绩效意识不强", "绩效目标不精准/与预算脱节", "立项依据不足", "预算编制欠合理", "申报程序欠规范", "项目无绩效目标"]),
    (
        "过程",
        &[
            "预算执行有偏差/执行率低",
            "资金拨付时间较晚",
            "资金滞留未及时拨付",
            "资金闲置/沉淀",
            "资金使用不规范(挤占挪用)",
            "财务管理欠规范",
            "资产管理不到位",
            "项目支出弥补公用支出",
            "制度缺失或未执行",
            "采购或合同不合规",
            "档案资料不完整",
        ],
    ),
    ("产出", &["项目建设进度滞后", "产出未完成", "质量不达标", "成本超支"]),
    ("效益", &["效益不明显/使用率低效益不高", "政策执行有偏差", "满意度调查样本不足"]),
];

impl FindingBody {
    /// The heading a notice prints: the title, else the category (as before titles existed),
    /// else the text's first clause.
    pub fn heading(&self) -> String {
        let title = self.title.trim();
        if !title.is_empty() {
            return title.to_string();
        }
        let category = self.category.trim();
        if !category.is_empty() {
            return category.to_string();
        }
        let first = self.text.split(['，', '。', '；', '\n']).next().unwrap_or("").trim();
        first.chars().take(30).collect()
    }

    pub fn validate(&self, record: &str) -> Result<()> {
        if self.text.trim().is_empty() {
            return Err(Error::invalid(record, "text", "问题描述不能为空"));
        }
        if self.category.trim().is_empty() {
            return Err(Error::invalid(record, "category", "需要问题类别"));
        }
        if self.title.contains('\n') {
            return Err(Error::invalid(record, "title", "问题标题只能写一行：换行请删去（较长的说明写在问题描述或评价依据里）"));
        }
        let len = self.title.trim().chars().count();
        if len > TITLE_MAX {
            return Err(Error::invalid(record, "title", format!("问题标题有 {len} 个字，最多 {TITLE_MAX} 个：请缩短")));
        }
        if let Some(a) = self.amount {
            if a < Decimal::ZERO {
                return Err(Error::invalid(record, "amount", format!("涉及金额 {a} 不能为负")));
            }
            super::money::check_amount(a).map_err(|m| Error::invalid(record, "amount", m))?;
        }
        for e in &self.evidence {
            e.validate(record)?;
        }
        Ok(())
    }

    /// A finding's amount is part of its project's money (DOMAIN.md §8): never above the
    /// project's amount. Both figures are named so the typo (元 for 万元) shows.
    pub fn check_within_project(&self, record: &str, project_amount: Decimal) -> Result<()> {
        match self.amount {
            Some(a) if a > project_amount => Err(Error::invalid(
                record,
                "amount",
                format!(
                    "问题涉及金额 {} 万元超过项目金额 {} 万元：涉及金额不能超过项目金额，请核对（单位为万元）",
                    super::money::fmt2(a),
                    super::money::fmt2(project_amount)
                ),
            )),
            _ => Ok(()),
        }
    }
}

impl Finding {
    pub fn label(&self) -> String {
        format!("问题 #{}", self.id)
    }

    pub fn publish(&mut self) -> Result<()> {
        match self.state {
            FindingState::Draft => {
                self.state = FindingState::Published;
                Ok(())
            }
            s => Err(Error::IllegalTransition { what: self.label(), state: s.label().into(), action: "发布".into() }),
        }
    }

    /// A draft is edited in place; a published finding gets a new revision (the old one is kept
    /// with who wrote it; the store then stamps the record with the new author).
    pub fn revise(&mut self, body: FindingBody, note: &str) -> Result<()> {
        body.validate(&self.label())?;
        match self.state {
            FindingState::Draft => {
                self.body = body;
                Ok(())
            }
            FindingState::Published => {
                if note.trim().is_empty() {
                    return Err(Error::invalid(self.label(), "note", "更正已发布的问题需要说明更正理由"));
                }
                // The old body is kept with who wrote it; the note says why it was replaced.
                let old = std::mem::replace(&mut self.body, body);
                self.history.push(Revision {
                    body: old,
                    by: self.meta.updated_by.clone(),
                    at: self.meta.updated_at,
                    note: note.to_string(),
                });
                Ok(())
            }
            s => Err(Error::IllegalTransition { what: self.label(), state: s.label().into(), action: "更正".into() }),
        }
    }

    /// Restores earlier revision `revision` (1 = the first published text; the current body is
    /// revision `history.len() + 1`) as a new revision, so the restore itself can be undone.
    pub fn restore(&mut self, revision: usize, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reason", "恢复旧版本需要说明理由"));
        }
        if self.state != FindingState::Published {
            let action = if self.state == FindingState::Draft {
                "恢复旧版本（草稿没有已发布的版本，直接修改即可）"
            } else {
                "恢复旧版本"
            };
            return Err(Error::IllegalTransition { what: self.label(), state: self.state.label().into(), action: action.into() });
        }
        let current = self.history.len() + 1;
        let Some(old) = revision.checked_sub(1).and_then(|i| self.history.get(i)) else {
            let range = if current > 1 { format!("1 到 {}", current - 1) } else { "（没有更早的版本）".to_string() };
            let msg = format!("没有第 {revision} 版可恢复：当前是第 {current} 版，可恢复的版本是 {range}");
            return Err(Error::invalid(self.label(), "revision", msg));
        };
        let body = old.body.clone();
        self.revise(body, &format!("恢复第 {revision} 版：{}", reason.trim()))
    }

    pub fn withdraw(&mut self, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reason", "撤回问题需要说明理由"));
        }
        match self.state {
            FindingState::Withdrawn => {
                Err(Error::IllegalTransition { what: self.label(), state: self.state.label().into(), action: "撤回".into() })
            }
            _ => {
                self.state = FindingState::Withdrawn;
                self.withdraw_reason = Some(reason.to_string());
                Ok(())
            }
        }
    }
}
