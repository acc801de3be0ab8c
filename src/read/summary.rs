//! A covering read model per project (`Summary`), kept in step by the store inside every
//! transaction that writes a tree, an item or a milestone, so the project list needs no tree
//! or item lookups; and the project list's row built from it (`ProjectRow`).

use crate::domain::{Finding, FindingState, IndicatorTree, ItemState, Milestone, RectItem};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The live total of scored leaves.
    pub total: Decimal,
    /// Grade or ex-ante conclusion of the total.
    pub result: Option<String>,
    pub scored: u32,
    pub leaves: u32,
    /// Leaf points add up to the tree's total.
    pub weights_ok: bool,
    /// Items issued and not yet closed or cancelled: id → current due date.
    pub open_items: BTreeMap<u64, NaiveDate>,
    /// Milestones not yet done: id → due date.
    pub milestones: BTreeMap<u64, NaiveDate>,
    /// Notices with items still open: id → report date (as in the deadline index).
    pub notices: BTreeMap<u64, NaiveDate>,
    /// Every item's state, for counts by state and the closure rate.
    pub item_states: BTreeMap<u64, ItemState>,
    /// Findings not withdrawn: id → category, for the category counts.
    pub findings: BTreeMap<u64, String>,
    /// The project's fiscal year and amount (万元), so year figures need no project reads.
    pub fiscal_year: i32,
    pub amount: Decimal,
}

impl Summary {
    pub fn set_project(&mut self, p: &crate::domain::Project) {
        self.fiscal_year = p.fiscal_year;
        self.amount = p.amount;
    }

    pub fn set_tree(&mut self, t: &IndicatorTree) {
        let (scored, leaves) = t.progress();
        self.total = t.total_score();
        self.result = t.result_label().map(str::to_string);
        self.scored = scored as u32;
        self.leaves = leaves as u32;
        self.weights_ok = t.leaf_points_sum() == t.total;
    }

    /// Open means the unit owes something: issued and not finished (drafts are not sent yet).
    pub fn set_item(&mut self, it: &RectItem) {
        self.item_states.insert(it.id, it.state);
        if it.state.is_finished() || it.state == crate::domain::ItemState::Draft {
            self.open_items.remove(&it.id);
        } else {
            self.open_items.insert(it.id, it.due);
        }
    }

    pub fn set_finding(&mut self, f: &Finding) {
        if f.state == FindingState::Withdrawn {
            self.findings.remove(&f.id);
        } else {
            self.findings.insert(f.id, f.body.category.clone());
        }
    }

    pub fn set_milestone(&mut self, m: &Milestone) {
        if m.done_on.is_some() {
            self.milestones.remove(&m.id);
        } else {
            self.milestones.insert(m.id, m.due);
        }
    }

    pub fn remove_milestone(&mut self, id: u64) {
        self.milestones.remove(&id);
    }

    pub fn is_fully_scored(&self) -> bool {
        fully_scored(self.scored, self.leaves)
    }

    /// The earliest open date: an item's due date or a milestone.
    pub fn next_deadline(&self) -> Option<NaiveDate> {
        self.open_items.values().chain(self.milestones.values()).min().copied()
    }

    pub fn overdue_items(&self, today: NaiveDate) -> usize {
        self.open_items.values().filter(|d| **d < today).count()
    }
}

/// Every leaf scored (a tree with no leaves is not).
fn fully_scored(scored: u32, leaves: u32) -> bool {
    leaves > 0 && scored == leaves
}

/// One line of the project list: what the list shows, sorts and filters by, and no more
/// (the full record is read when an action needs it), so 10,000 rows cross a socket fast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRow {
    pub id: u64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub kind: crate::domain::ProjectKind,
    pub fiscal_year: i32,
    pub amount: Decimal,
    pub phase: crate::domain::Phase,
    pub total: Decimal,
    pub result: Option<String>,
    pub scored: u32,
    pub leaves: u32,
    /// Open items' current due dates, earliest first.
    pub open_due: Vec<NaiveDate>,
    /// The earliest open item or milestone date.
    pub next_deadline: Option<NaiveDate>,
}

impl ProjectRow {
    pub fn new(p: &crate::domain::Project, s: &Summary) -> Self {
        let mut open_due: Vec<NaiveDate> = s.open_items.values().copied().collect();
        open_due.sort_unstable();
        ProjectRow {
            id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            kind: p.kind,
            fiscal_year: p.fiscal_year,
            amount: p.amount,
            phase: p.phase,
            total: s.total,
            result: s.result.clone(),
            scored: s.scored,
            leaves: s.leaves,
            open_due,
            next_deadline: s.next_deadline(),
        }
    }

    pub fn is_archived(&self) -> bool {
        self.phase == crate::domain::Phase::Archived
    }

    pub fn is_fully_scored(&self) -> bool {
        fully_scored(self.scored, self.leaves)
    }

    pub fn overdue_items(&self, today: NaiveDate) -> usize {
        self.open_due.partition_point(|d| *d < today)
    }
}
