//! Rectification notices (整改通知书): one project's items for one unit, under a number
//! that is never reused.

use super::meta::Meta;
use super::project::ProjectId;
use super::rect::ItemId;
use super::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const DEFAULT_PREFIX: &str = "财绩整";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeState {
    #[serde(rename = "已下发")]
    Issued,
    #[serde(rename = "已作废")]
    Cancelled,
}

impl NoticeState {
    pub fn label(self) -> &'static str {
        match self {
            NoticeState::Issued => "已下发",
            NoticeState::Cancelled => "已作废",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: u64,
    pub project: ProjectId,
    /// e.g. 财绩整〔2021〕3号.
    pub number: String,
    pub year: i32,
    pub seq: u32,
    /// The recipient unit (all items are this unit's).
    pub unit: String,
    pub items: Vec<ItemId>,
    pub issue_date: NaiveDate,
    /// 联系人 and phone printed on the notice.
    pub contact: String,
    pub state: NoticeState,
    pub cancel_reason: Option<String>,
    pub meta: Meta,
}

/// `财绩整〔2021〕3号`.
pub fn format_number(prefix: &str, year: i32, seq: u32) -> String {
    format!("{prefix}〔{year}〕{seq}号")
}

impl Notice {
    pub fn label(&self) -> String {
        format!("通知书 {}", self.number)
    }

    pub fn validate(&self) -> Result<()> {
        if self.items.is_empty() {
            return Err(Error::invalid(self.label(), "items", "通知书至少包含一项整改事项"));
        }
        if self.unit.trim().is_empty() {
            return Err(Error::invalid(self.label(), "unit", "需要受文单位"));
        }
        super::calendar::check_date(self.issue_date).map_err(|m| Error::invalid(self.label(), "issue_date", m))?;
        Ok(())
    }

    pub fn cancel(&mut self, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid(self.label(), "reason", "作废通知书需要说明理由"));
        }
        if self.state == NoticeState::Cancelled {
            return Err(Error::IllegalTransition { what: self.label(), state: self.state.label().into(), action: "作废".into() });
        }
        self.state = NoticeState::Cancelled;
        self.cancel_reason = Some(reason.to_string());
        Ok(())
    }
}
