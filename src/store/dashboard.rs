//! The deadline dashboard computed from the lists the store keeps decoded between commands.

use super::Store;
use crate::domain::{DeadlineFilter, Result};
use crate::read::Summary;
use crate::read::dashboard::{Dashboard, assemble};
use chrono::NaiveDate;

impl Store {
    /// The dashboard, computed where the store is (in the server for a shared store), so the
    /// summaries of every project need not cross the socket.
    pub fn dashboard(&self, filter: &DeadlineFilter, today: NaiveDate, year: Option<i32>) -> Result<Dashboard> {
        let all = self.all_deadlines()?;
        let kept = self.summary_list()?;
        let list: Vec<&Summary> = kept.iter().map(|e| &e.1).collect();
        assemble(all.iter().map(|d| &**d), &list, |y| self.budget_total(y), filter, today, year)
    }
}
