//! The shape of `fixtures/demo/cases.toml`: the seed's 20 key evaluations and the worked
//! examples on them. Dates are offsets in days from the day the demo is created.

use serde::Deserialize;

pub const CASES_TOML: &str = include_str!("../../fixtures/demo/cases.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// The notice number prefix, e.g. 财绩整.
    pub notice_prefix: String,
    /// The commissioned firm named on cases that have `third_party = true`.
    pub firm: String,
    #[serde(rename = "case")]
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// 项目支出 / 部门整体支出 / 事前绩效评估 / 自评抽查 / 绩效监控.
    pub kind: String,
    pub fiscal_year: i32,
    /// 万元 as written in the seed, e.g. "146.24".
    pub amount: String,
    #[serde(default)]
    pub notes: Vec<String>,
    /// 准备 / 现场 / 评分 / 报告 / 定稿 / 整改跟踪 / 归档.
    pub phase: String,
    #[serde(default)]
    pub third_party: bool,
    /// Team members besides the lead (the OS user creating the demo).
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub scores: Vec<SeedScore>,
    #[serde(default)]
    pub findings: Vec<SeedFinding>,
    #[serde(default)]
    pub milestones: Vec<SeedMilestone>,
    #[serde(default)]
    pub result_use: Option<SeedResultUse>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedScore {
    /// Leaf name (unique in the template) or path 一级/二级/三级.
    pub indicator: String,
    /// direct / deduction / formula / qualitative.
    pub method: String,
    /// direct and qualitative: the score.
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub deductions: Vec<SeedDeduction>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub actual: Option<String>,
    /// positive / negative (formula).
    #[serde(default)]
    pub direction: Option<String>,
    /// met / partly / not_met (qualitative).
    #[serde(default)]
    pub band: Option<String>,
    pub basis: String,
    /// Document names (working papers, files seen on site).
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub reviewed: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedDeduction {
    pub points: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFinding {
    pub text: String,
    pub category: String,
    /// 一般 / 较重 / 重大.
    pub severity: String,
    #[serde(default)]
    pub amount: Option<String>,
    /// Leaf names or paths.
    #[serde(default)]
    pub indicators: Vec<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default = "yes")]
    pub published: bool,
    #[serde(default)]
    pub items: Vec<SeedItem>,
    /// 评价依据 and the short title, when the case gives them.
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub title: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedItem {
    pub requirement: String,
    /// Defaults to the case's unit.
    #[serde(default)]
    pub unit: Option<String>,
    pub contact: String,
    /// Days before the demo day the item was issued; absent for a draft.
    #[serde(default)]
    pub issued_days_ago: Option<i64>,
    /// The original due date, in days from the demo day (negative: in the past).
    pub due_in_days: i64,
    /// The state to bring the item to: 草稿 已下达 整改中 已提交 已退回 已销号 持续整改 已撤销.
    pub state: String,
    /// The unit's responses, oldest first (for 已提交, 已退回, 已销号).
    #[serde(default)]
    pub responses: Vec<SeedResponse>,
    /// The reviewer's reasons for 已退回.
    #[serde(default)]
    pub return_reason: Option<String>,
    /// The reviewer's opinion for 已销号.
    #[serde(default)]
    pub opinion: Option<String>,
    #[serde(default)]
    pub long_term_reason: Option<String>,
    /// Progress entries of a 持续整改 item.
    #[serde(default)]
    pub progress: Vec<SeedResponse>,
    #[serde(default)]
    pub cancel_reason: Option<String>,
    #[serde(default)]
    pub extension: Option<SeedExtension>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedResponse {
    pub days_ago: i64,
    pub text: String,
    /// Document names; a response without evidence cannot lead to closing.
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedExtension {
    pub reason: String,
    /// The new due date, in days from the demo day.
    pub new_due_in_days: i64,
    /// Approved (true) or still pending (false).
    #[serde(default = "yes")]
    pub approved: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMilestone {
    pub title: String,
    /// 自评 监控 进度报告 资金收回 公开 评价 阶段 其他.
    pub kind: String,
    pub due_in_days: i64,
    #[serde(default)]
    pub done: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedResultUse {
    /// 维持 / 调增 / 调减 / 取消 / 整合.
    pub recommendation: String,
    #[serde(default)]
    pub amount: Option<String>,
    pub reason: String,
}

pub fn parse(text: &str) -> Result<SeedFile, String> {
    toml::from_str(text).map_err(|e| format!("fixtures/demo/cases.toml: {e}"))
}
