//! Deadlines (DOMAIN.md §6): every open date the team answers for — rectification items'
//! current due dates, notices' report dates, project and bureau-wide milestones — with the
//! days left counted from a given `today`, and the selections and tallies the dashboard and
//! `jixiao due` share.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Upcoming rows this close are shown as urgent (yellow).
pub const SOON_DAYS: i64 = 7;
/// How far ahead `jixiao due` and the dashboard look unless told otherwise.
pub const DEFAULT_WITHIN_DAYS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A rectification item's current due date (after approved extensions).
    Item,
    /// A notice's report date: the latest due date of its items still open (整改报告报送).
    Notice,
    /// A project's milestone or phase date, or a bureau-wide recurring date.
    Milestone,
}

/// One open deadline, as the deadline index carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub date: NaiveDate,
    pub kind: DeadlineKind,
    /// The item, notice or milestone id.
    pub id: u64,
    /// The project's id and code; none for a bureau-wide milestone.
    pub project: Option<u64>,
    pub code: String,
    /// The item's requirement, the notice's number, the milestone's title.
    pub title: String,
    /// 责任单位 (items, notices) or the evaluated unit (project milestones).
    pub unit: String,
    /// The item's state label, the notice number, or the milestone's kind label.
    pub detail: String,
    /// The project's team (lead first, then members): who answers for the date.
    pub owners: Vec<String>,
}

/// Where a deadline stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DueStatus {
    Overdue,
    Today,
    /// Within `SOON_DAYS`.
    Soon,
    Later,
}

impl Deadline {
    /// Days until the date (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.date - today).num_days()
    }

    pub fn status(&self, today: NaiveDate) -> DueStatus {
        match self.days_left(today) {
            d if d < 0 => DueStatus::Overdue,
            0 => DueStatus::Today,
            d if d <= SOON_DAYS => DueStatus::Soon,
            _ => DueStatus::Later,
        }
    }

    pub fn is_owned_by(&self, user: &str) -> bool {
        self.owners.iter().any(|o| o == user)
    }
}

/// Which deadlines to show; the defaults let every open one through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineFilter {
    /// Upcoming dates up to `today + within` (overdue ones are always kept); none: no limit.
    pub within: Option<i64>,
    /// The unit contains this text.
    pub unit: Option<String>,
    /// On this user's project teams (bureau-wide milestones have no team and drop out).
    pub owner: Option<String>,
    /// Only this project (code, exact).
    pub project: Option<String>,
}

impl DeadlineFilter {
    /// The last date any kept row can have.
    pub fn until(&self, today: NaiveDate) -> NaiveDate {
        super::calendar::add_days(today, self.within.unwrap_or(super::calendar::MAX_WITHIN_DAYS).max(0))
    }

    pub fn keeps(&self, d: &Deadline, today: NaiveDate) -> bool {
        d.date <= self.until(today)
            && self.unit.as_deref().is_none_or(|u| d.unit.contains(u.trim()))
            && self.owner.as_deref().is_none_or(|o| d.is_owned_by(o))
            && self.project.as_deref().is_none_or(|p| d.code == p.trim())
    }
}

/// The kept rows in the order both faces show: by date (so the overdue come first, the most
/// overdue at the top), then items before notices before milestones, then id.
pub fn select(all: Vec<Deadline>, filter: &DeadlineFilter, today: NaiveDate) -> Vec<Deadline> {
    let mut rows: Vec<Deadline> = all.into_iter().filter(|d| filter.keeps(d, today)).collect();
    rows.sort_by_key(order);
    rows
}

/// The order both faces show.
fn order(d: &Deadline) -> (NaiveDate, DeadlineKind, u64) {
    (d.date, d.kind, d.id)
}

/// `select` over borrowed rows (a list kept between commands is not copied).
pub fn select_refs<'a>(all: impl IntoIterator<Item = &'a Deadline>, filter: &DeadlineFilter, today: NaiveDate) -> Vec<&'a Deadline> {
    let mut rows: Vec<&Deadline> = all.into_iter().filter(|d| filter.keeps(d, today)).collect();
    rows.sort_by_key(|d| order(d));
    rows
}

/// Counts of a set of deadlines: by status, by unit, by team member, by project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub by_status: BTreeMap<DueStatus, usize>,
    /// unit → (overdue, all).
    pub by_unit: BTreeMap<String, (usize, usize)>,
    pub by_owner: BTreeMap<String, (usize, usize)>,
    pub by_project: BTreeMap<String, (usize, usize)>,
}

impl Tally {
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a Deadline>, today: NaiveDate) -> Tally {
        let mut t = Tally::default();
        for d in rows {
            let status = d.status(today);
            let over = usize::from(status == DueStatus::Overdue);
            *t.by_status.entry(status).or_default() += 1;
            let bump = |map: &mut BTreeMap<String, (usize, usize)>, key: &str| {
                let e = map.entry(key.to_string()).or_default();
                e.0 += over;
                e.1 += 1;
            };
            if !d.unit.is_empty() {
                bump(&mut t.by_unit, &d.unit);
            }
            if !d.code.is_empty() {
                bump(&mut t.by_project, &d.code);
            }
            for o in &d.owners {
                bump(&mut t.by_owner, o);
            }
        }
        t
    }

    pub fn count(&self, status: DueStatus) -> usize {
        self.by_status.get(&status).copied().unwrap_or(0)
    }

    /// (name, overdue, all), the most overdue first, then by name.
    pub fn ranked(map: &BTreeMap<String, (usize, usize)>) -> Vec<(String, usize, usize)> {
        let mut v: Vec<(String, usize, usize)> = map.iter().map(|(k, (o, a))| (k.clone(), *o, *a)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        v
    }
}
