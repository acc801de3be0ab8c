//! The derived trees (project summaries, the deadline index) are read models computed from
//! the records. Their layout has its own version: a store whose derived trees were written
//! by another layout (or by a jixiao before they existed) has them rebuilt on open, so old
//! bytes never reach a decoder of the new layout. Records themselves are never touched here.

use super::codec::encode;
use super::heal::in_store;
use super::tx::{self, DeadlineEntry};
use super::{Store, keys};
use crate::domain::Result;
use crate::read::summary::Summary;
use std::collections::{BTreeMap, HashMap};

/// Bump when `Summary` or `DeadlineEntry` (or what goes into them) changes.
/// 2: notices' report dates in the index, drafts out of it, team and code in every entry;
/// summaries with item states, notices and finding categories. 3: summaries carry the
/// project's fiscal year and amount.
pub const DERIVED_VERSION: u8 = 3;
const KEY: &[u8] = b"derived_version";

/// What the derived trees should hold, recomputed from the records.
pub struct Derived {
    pub summaries: HashMap<u64, Summary>,
    pub deadlines: BTreeMap<Vec<u8>, DeadlineEntry>,
}

impl Store {
    /// Every project's summary and every deadline entry, from the records alone.
    pub fn expected_derived(&self) -> Result<Derived> {
        let mut summaries: HashMap<u64, Summary> = HashMap::new();
        let mut deadlines = BTreeMap::new();
        for p in self.projects()? {
            let s = summaries.entry(p.id).or_default();
            s.set_project(&p);
            s.set_tree(&self.tree_of(p.id)?);
            for f in self.findings_of(p.id)? {
                s.set_finding(&f);
            }
            let items = self.items_of(p.id)?;
            for it in &items {
                s.set_item(it);
                if let Some((k, e)) = tx::item_deadline(it, &p) {
                    deadlines.insert(k.to_vec(), e);
                }
            }
            for n in self.notices_of(p.id)? {
                let mine: Vec<_> = items.iter().filter(|i| n.items.contains(&i.id)).cloned().collect();
                if let Some((date, e)) = tx::notice_deadline(&n, &mine, &p) {
                    s.notices.insert(n.id, date);
                    deadlines.insert(keys::deadline(date, keys::DEADLINE_NOTICE, n.id).to_vec(), e);
                }
            }
            for m in self.milestones_of(Some(p.id))? {
                s.set_milestone(&m);
                if m.done_on.is_none() {
                    let (k, e) = tx::milestone_deadline(&m, Some(&p));
                    deadlines.insert(k.to_vec(), e);
                }
            }
        }
        for m in self.milestones_of(None)? {
            if m.done_on.is_none() {
                let (k, e) = tx::milestone_deadline(&m, None);
                deadlines.insert(k.to_vec(), e);
            }
        }
        Ok(Derived { summaries, deadlines })
    }

    /// Rebuilds the derived trees when their layout version is not the current one.
    pub(crate) fn ensure_derived(&self) -> Result<()> {
        let meta = self.tree(tx::META);
        if meta.get(KEY).map_err(in_store)?.as_deref() == Some(&[DERIVED_VERSION][..]) {
            return Ok(());
        }
        let d = self.expected_derived()?;
        let summaries = self.tree(tx::SUMMARIES);
        let deadlines = self.tree(tx::DEADLINES);
        summaries.clear().map_err(in_store)?;
        deadlines.clear().map_err(in_store)?;
        for (id, s) in &d.summaries {
            summaries.insert(keys::id(*id), encode(s)).map_err(in_store)?;
        }
        for (k, e) in &d.deadlines {
            deadlines.insert(k.as_slice(), encode(e)).map_err(in_store)?;
        }
        meta.insert(KEY, &[DERIVED_VERSION]).map_err(in_store)?;
        self.flush()
    }
}
