//! The deadline dashboard's figures (the store computes them, the TUI draws them; tests
//! compare them with `jixiao due`): open deadlines split into overdue and
//! upcoming, their counts, and one fiscal year's evaluations — grades, coverage against the
//! budget total, item states and closure rate, the most frequent finding categories.

use crate::domain::deadline::{self, Deadline, DeadlineFilter, DueStatus, Tally};
use crate::domain::{ItemState, Result};
use crate::read::Summary;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// DOMAIN.md §7: evaluations should cover at least 20% of the fund total.
pub const COVERAGE_TARGET_PERCENT: i64 = 20;
/// Categories shown in the bar chart.
pub const TOP_CATEGORIES: usize = 8;
/// Grade label for a project not fully scored yet.
pub const NOT_SCORED: &str = "评分中";

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub overdue: Vec<Deadline>,
    /// Due today up to `today + within`.
    pub upcoming: Vec<Deadline>,
    pub tally: Tally,
    pub year: i32,
    /// Fiscal years that have projects, oldest first.
    pub years: Vec<i32>,
    pub year_projects: usize,
    /// Grade or ex-ante conclusion → projects of the year (NOT_SCORED while scoring).
    pub grades: BTreeMap<String, usize>,
    /// 万元 evaluated in the year, and the budget total it is measured against.
    pub evaluated: Decimal,
    pub budget_total: Option<Decimal>,
    /// Items of the year's projects by state.
    pub item_states: BTreeMap<ItemState, usize>,
    pub top_categories: Vec<(String, usize)>,
}

impl Dashboard {
    /// Coverage in percent (2 places), when a budget total is set.
    pub fn coverage_percent(&self) -> Option<Decimal> {
        let total = self.budget_total.filter(|t| !t.is_zero())?;
        Some(self.evaluated.saturating_mul(Decimal::from(100)).checked_div(total)?.round_dp(2))
    }

    pub fn coverage_met(&self) -> Option<bool> {
        self.coverage_percent().map(|p| p >= Decimal::from(COVERAGE_TARGET_PERCENT))
    }

    /// Closed ÷ items the units owed (issued ones: not drafts, not cancelled), in percent.
    pub fn closure_percent(&self) -> Option<Decimal> {
        let count = |s: ItemState| self.item_states.get(&s).copied().unwrap_or(0);
        let owed: usize =
            self.item_states.iter().filter(|(s, _)| !matches!(s, ItemState::Draft | ItemState::Cancelled)).map(|(_, n)| n).sum();
        (owed > 0).then(|| (Decimal::from(count(ItemState::Closed) * 100) / Decimal::from(owed)).round_dp(1))
    }

    /// Grades in band order (优 良 中 差, then ex-ante conclusions), those still scoring last.
    pub fn grades_in_order(&self) -> Vec<(&str, usize)> {
        const ORDER: [&str; 7] = ["优", "良", "中", "差", "予以支持", "调整完善后予以支持", "不予支持"];
        let rank = |g: &str| ORDER.iter().position(|o| *o == g).unwrap_or(if g == NOT_SCORED { ORDER.len() + 1 } else { ORDER.len() });
        let mut v: Vec<(&str, usize)> = self.grades.iter().map(|(g, n)| (g.as_str(), *n)).collect();
        v.sort_by_key(|(g, _)| rank(g));
        v
    }

    /// Every row of both panes, in `jixiao due` order.
    pub fn rows(&self) -> impl Iterator<Item = &Deadline> {
        self.overdue.iter().chain(&self.upcoming)
    }
}

/// The year shown when none is chosen: the latest fiscal year with projects up to today's.
pub fn default_year(years: &[i32], today: NaiveDate) -> i32 {
    years.iter().rev().find(|y| **y <= today.year()).or(years.last()).copied().unwrap_or(today.year() - 1)
}

/// The figures from the open deadlines and every project's summary (only the rows shown are
/// copied).
pub fn assemble<'a>(
    deadlines: impl IntoIterator<Item = &'a Deadline>,
    list: &[&Summary],
    budget_total: impl Fn(i32) -> Result<Option<Decimal>>,
    filter: &DeadlineFilter,
    today: NaiveDate,
    year: Option<i32>,
) -> Result<Dashboard> {
    let rows = deadline::select_refs(deadlines, filter, today);
    let tally = Tally::of(rows.iter().copied(), today);
    let (overdue, upcoming): (Vec<Deadline>, Vec<Deadline>) =
        rows.into_iter().cloned().partition(|d| d.status(today) == DueStatus::Overdue);

    let mut years: Vec<i32> = list.iter().map(|s| s.fiscal_year).collect();
    years.sort_unstable();
    years.dedup();
    let year = year.unwrap_or_else(|| default_year(&years, today));
    let mut d = Dashboard {
        today,
        overdue,
        upcoming,
        tally,
        year,
        years,
        year_projects: 0,
        grades: BTreeMap::new(),
        evaluated: Decimal::ZERO,
        budget_total: budget_total(year)?,
        item_states: BTreeMap::new(),
        top_categories: vec![],
    };
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    for s in list.iter().filter(|s| s.fiscal_year == year) {
        d.year_projects += 1;
        d.evaluated = d.evaluated.saturating_add(s.amount);
        let grade = match (&s.result, s.is_fully_scored()) {
            (Some(r), true) => r.clone(),
            _ => NOT_SCORED.to_string(),
        };
        *d.grades.entry(grade).or_default() += 1;
        for state in s.item_states.values() {
            *d.item_states.entry(*state).or_default() += 1;
        }
        for c in s.findings.values() {
            *categories.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut top: Vec<(String, usize)> = categories.into_iter().map(|(c, n)| (c.to_string(), n)).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(TOP_CATEGORIES);
    d.top_categories = top;
    Ok(d)
}
