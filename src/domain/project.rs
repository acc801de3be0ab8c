//! An evaluation project (评价项目) and its milestones.

use super::meta::Meta;
use super::{Error, Result};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub type ProjectId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProjectKind {
    #[serde(rename = "项目支出")]
    Project,
    #[serde(rename = "部门整体支出")]
    Department,
    #[serde(rename = "事前绩效评估")]
    ExAnte,
    #[serde(rename = "自评抽查")]
    SelfEvalCheck,
    #[serde(rename = "绩效监控")]
    Monitoring,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 5] =
        [ProjectKind::Project, ProjectKind::Department, ProjectKind::ExAnte, ProjectKind::SelfEvalCheck, ProjectKind::Monitoring];
    pub fn label(self) -> &'static str {
        match self {
            ProjectKind::Project => "项目支出",
            ProjectKind::Department => "部门整体支出",
            ProjectKind::ExAnte => "事前绩效评估",
            ProjectKind::SelfEvalCheck => "自评抽查",
            ProjectKind::Monitoring => "绩效监控",
        }
    }
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|k| k.label() == text.trim()).ok_or_else(|| {
            Error::invalid("项目", "kind", format!("“{text}”不是评价类型，可选：项目支出、部门整体支出、事前绩效评估、自评抽查、绩效监控"))
        })
    }
    /// The template a new project of this kind starts from.
    pub fn default_template(self) -> &'static str {
        match self {
            ProjectKind::Project | ProjectKind::Monitoring => "project-2020",
            ProjectKind::Department => "dept-overall",
            ProjectKind::ExAnte => "ex-ante",
            ProjectKind::SelfEvalCheck => "self-eval",
        }
    }
}

/// 准备 → 现场 → 评分 → 报告 → 定稿 → 整改跟踪 → 归档.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Phase {
    #[serde(rename = "准备")]
    Prepare,
    #[serde(rename = "现场")]
    Fieldwork,
    #[serde(rename = "评分")]
    Scoring,
    #[serde(rename = "报告")]
    Report,
    #[serde(rename = "定稿")]
    Final,
    #[serde(rename = "整改跟踪")]
    Rectification,
    #[serde(rename = "归档")]
    Archived,
}

impl Phase {
    pub const ALL: [Phase; 7] =
        [Phase::Prepare, Phase::Fieldwork, Phase::Scoring, Phase::Report, Phase::Final, Phase::Rectification, Phase::Archived];
    pub fn label(self) -> &'static str {
        match self {
            Phase::Prepare => "准备",
            Phase::Fieldwork => "现场",
            Phase::Scoring => "评分",
            Phase::Report => "报告",
            Phase::Final => "定稿",
            Phase::Rectification => "整改跟踪",
            Phase::Archived => "归档",
        }
    }
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.label() == text.trim())
            .ok_or_else(|| Error::invalid("项目", "phase", format!("“{text}”不是阶段，可选：准备、现场、评分、报告、定稿、整改跟踪、归档")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Team {
    /// OS user name of the lead (项目负责人): reviews scores and closes items.
    pub lead: String,
    pub members: Vec<String>,
    /// Read-only participants.
    #[serde(default)]
    pub observers: Vec<String>,
}

impl Team {
    pub fn is_member(&self, user: &str) -> bool {
        self.lead == user || self.members.iter().any(|m| m == user)
    }
}

/// 结果应用: what the evaluation means for the next budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recommendation {
    #[serde(rename = "维持")]
    Keep,
    #[serde(rename = "调增")]
    Increase,
    #[serde(rename = "调减")]
    Decrease,
    #[serde(rename = "取消")]
    Cancel,
    #[serde(rename = "整合")]
    Merge,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultUse {
    pub recommendation: Recommendation,
    /// 万元 raised or cut; none for 维持.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub amount: Option<Decimal>,
    pub reason: String,
    pub published_on: Option<NaiveDate>,
}

/// A dossier archiving wrote: where, its manifest's sha256 (the value for the paper file),
/// who archived and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierNote {
    pub dir: String,
    pub manifest_sha256: String,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub code: String,
    pub name: String,
    pub kind: ProjectKind,
    pub fiscal_year: i32,
    /// 被评价单位.
    pub unit: String,
    /// 万元, two places.
    #[serde(with = "crate::domain::money::plain")]
    pub amount: Decimal,
    /// 资金性质: 购买服务, 政府采购, 社保基金, 重大政策, 一般债, 直达 …
    pub fund_notes: Vec<String>,
    pub team: Team,
    /// The commissioned third-party firm (第三方机构), if any.
    pub third_party: Option<String>,
    pub phase: Phase,
    /// The template the indicator tree started from.
    pub template: String,
    pub result_use: Option<ResultUse>,
    /// Reasons given each time an archived project was reopened.
    pub reopen_log: Vec<String>,
    pub meta: Meta,
}

impl Project {
    pub fn label(&self) -> String {
        format!("项目 {}", self.code)
    }

    pub fn is_archived(&self) -> bool {
        self.phase == Phase::Archived
    }

    /// Archived projects are read-only until reopened with a reason.
    pub fn ensure_writable(&self) -> Result<()> {
        if self.is_archived() {
            return Err(Error::IllegalTransition {
                what: self.label(),
                state: Phase::Archived.label().into(),
                action: "修改 (edit): 先用 reopen_project 说明理由重新打开".into(),
            });
        }
        Ok(())
    }

    /// Only team members change a project; the store admin role comes with the server.
    pub fn ensure_member(&self, actor: &str, action: &str) -> Result<()> {
        if self.team.is_member(actor) {
            Ok(())
        } else {
            Err(Error::Forbidden { action: action.into(), role: format!("{} 的项目组成员", self.code), actor: actor.into() })
        }
    }

    pub fn ensure_lead(&self, actor: &str, action: &str) -> Result<()> {
        if self.team.lead == actor {
            Ok(())
        } else {
            Err(Error::Forbidden {
                action: action.into(),
                role: format!("{} 的项目负责人（{}）", self.code, self.team.lead),
                actor: actor.into(),
            })
        }
    }

    /// Field rules, checked on create, update and import.
    pub fn validate(&self) -> Result<()> {
        let rec = self.label();
        let code = self.code.trim();
        if code.is_empty() || code.len() > 32 || code.chars().any(|c| c.is_whitespace() || c == '/') {
            return Err(Error::invalid(rec, "code", format!("“{}”不能作编号：1–32 个字符，不含空格和 /", self.code)));
        }
        if self.name.trim().is_empty() {
            return Err(Error::invalid(rec, "name", "项目名称不能为空"));
        }
        if self.unit.trim().is_empty() {
            return Err(Error::invalid(rec, "unit", "被评价单位不能为空"));
        }
        if !(2000..=2100).contains(&self.fiscal_year) {
            return Err(Error::invalid(rec, "fiscal_year", format!("“{}”不是合理的年度：应在 2000–2100 之间", self.fiscal_year)));
        }
        super::money::check_amount(self.amount).map_err(|m| Error::invalid(&rec, "amount", m))?;
        if self.team.lead.trim().is_empty() {
            return Err(Error::invalid(rec, "team.lead", "需要项目负责人（操作系统用户名）"));
        }
        if let Some(r) = &self.result_use {
            if r.reason.trim().is_empty() {
                return Err(Error::invalid(rec, "result_use.reason", "结果应用需要写明理由"));
            }
            if let Some(a) = r.amount {
                super::money::check_amount(a).map_err(|m| Error::invalid(&rec, "result_use.amount", m))?;
            }
            if let Some(d) = r.published_on {
                super::calendar::check_date(d).map_err(|m| Error::invalid(&rec, "result_use.published_on", m))?;
            }
        }
        Ok(())
    }
}

/// A dated milestone: a project's own, or a bureau-wide recurring one (project = None).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: u64,
    pub project: Option<ProjectId>,
    pub title: String,
    pub kind: MilestoneKind,
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MilestoneKind {
    #[serde(rename = "自评")]
    SelfEvaluation,
    #[serde(rename = "监控")]
    Monitoring,
    #[serde(rename = "进度报告")]
    ProgressReport,
    #[serde(rename = "资金收回")]
    FundRecovery,
    #[serde(rename = "公开")]
    Publication,
    #[serde(rename = "评价")]
    Evaluation,
    #[serde(rename = "阶段")]
    Phase,
    #[serde(rename = "其他")]
    Other,
}

impl MilestoneKind {
    pub fn label(self) -> &'static str {
        match self {
            MilestoneKind::SelfEvaluation => "自评",
            MilestoneKind::Monitoring => "监控",
            MilestoneKind::ProgressReport => "进度报告",
            MilestoneKind::FundRecovery => "资金收回",
            MilestoneKind::Publication => "公开",
            MilestoneKind::Evaluation => "评价",
            MilestoneKind::Phase => "阶段",
            MilestoneKind::Other => "其他",
        }
    }
}

impl Milestone {
    pub fn validate(&self) -> Result<()> {
        if self.title.trim().is_empty() {
            return Err(Error::invalid(format!("节点 {}", self.id), "title", "里程碑名称不能为空"));
        }
        for (field, date) in [("due", Some(self.due)), ("done_on", self.done_on)] {
            if let Some(d) = date {
                super::calendar::check_date(d).map_err(|m| Error::invalid(format!("节点“{}”", self.title), field, m))?;
            }
        }
        Ok(())
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && self.due < today
    }
}

/// The recurring dates of DOMAIN.md §6 for one year: (month, day, kind, title).
pub fn recurring_milestones(year: i32) -> Vec<(NaiveDate, MilestoneKind, String)> {
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(year, m, day);
    let rows: [(Option<NaiveDate>, MilestoneKind, &str); 8] = [
        (d(4, 30), MilestoneKind::SelfEvaluation, "单位自评报告及部门绩效目标修订报送"),
        (d(7, 20), MilestoneKind::ProgressReport, "上半年预算绩效管理工作进展报送"),
        (d(9, 20), MilestoneKind::Monitoring, "第一轮绩效运行监控佐证材料报送"),
        (d(10, 31), MilestoneKind::Evaluation, "财政重点绩效评价完成"),
        (d(11, 30), MilestoneKind::FundRecovery, "监控未达标项目资金收回"),
        (d(12, 15), MilestoneKind::Monitoring, "第二轮绩效运行监控佐证材料报送"),
        (d(12, 20), MilestoneKind::ProgressReport, "全年预算绩效管理工作进展报送"),
        (d(12, 31), MilestoneKind::Publication, "第三方评价报告、绩效目标及自评报告公开"),
    ];
    rows.into_iter().filter_map(|(date, kind, title)| date.map(|date| (date, kind, format!("{year}年{title}")))).collect()
}
