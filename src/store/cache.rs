//! Decoded read models a long-running process (the server) keeps between commands: the
//! open deadlines, every project's list row and every summary. A command renews what it
//! wrote in them (the rows of the projects it touched, the deadline entries it moved), so
//! after a write a reader pays for that write, not for a scan of 10,000 projects.

use super::{Store, keys, tx};
use crate::domain::{Deadline, Result};
use crate::read::summary::{ProjectRow, Summary};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// A kept list: shared with readers, its entries shared too, so renewing it while a reader
/// holds it copies pointers, not records.
pub type Kept<T> = Arc<Vec<Arc<T>>>;

/// A write this large (an import) empties the kept lists instead of patching them.
const PATCH_LIMIT: usize = 2_000;

pub(crate) struct Slot<T>(Mutex<Option<Arc<T>>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Mutex::new(None))
    }
}

impl<T> Slot<T> {
    /// The slot, locked. A panic while it was held (a renewal cut short) leaves a list that
    /// may be half patched: it is dropped, and the next read scans the trees again.
    fn lock(&self) -> Option<MutexGuard<'_, Option<Arc<T>>>> {
        Some(self.0.lock().unwrap_or_else(|poisoned| {
            self.0.clear_poison();
            let mut slot = poisoned.into_inner();
            *slot = None;
            slot
        }))
    }
}

#[derive(Default)]
pub(crate) struct Caches {
    /// Bumped when a write begins and once it has renewed the kept lists: a scan that
    /// overlapped a write is not kept (what it read may predate the commit).
    generation: AtomicU64,
    /// One write at a time, so renewals apply in commit order.
    pub write: Mutex<()>,
    /// Scans made to fill a slot (a figure for tests and benchmarks: renewals make none).
    pub scans: AtomicU64,
    pub deadlines: Slot<Vec<Arc<Deadline>>>,
    /// In project id order.
    pub rows: Slot<Vec<Arc<ProjectRow>>>,
    /// (project id, summary), in project id order.
    pub summaries: Slot<Vec<Arc<(u64, Summary)>>>,
    /// Every project's searchable texts, in project id order (`store/search.rs`).
    pub texts: Slot<Vec<Arc<crate::read::search::ProjectTexts>>>,
}

impl Caches {
    pub fn begin_write(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The kept value, or `scan`'s, kept unless a write ran meanwhile.
    pub fn get<T>(&self, slot: &Slot<T>, scan: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
        if let Some(v) = slot.lock().and_then(|c| c.clone()) {
            return Ok(v);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        self.scans.fetch_add(1, Ordering::Relaxed);
        let v = Arc::new(scan()?);
        if let Some(mut c) = slot.lock()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            *c = Some(v.clone());
        }
        Ok(v)
    }
}

/// The keys a transaction wrote in the trees the kept lists come from.
#[derive(Debug, Default)]
pub(crate) struct Writes {
    /// Projects whose record or summary was written.
    projects: BTreeSet<u64>,
    summaries: BTreeSet<u64>,
    deadlines: BTreeSet<Vec<u8>>,
    /// Records whose text a search reads: (tree, the record's id; an item's for a response).
    pub(crate) texts: BTreeSet<(usize, u64)>,
}

impl Writes {
    pub fn note(&mut self, tree: usize, key: &[u8]) {
        let id = || keys::read_id(key).unwrap_or(0);
        match tree {
            tx::PROJECTS => {
                self.projects.insert(id());
            }
            tx::SUMMARIES => {
                self.projects.insert(id());
                self.summaries.insert(id());
            }
            tx::DEADLINES => {
                self.deadlines.insert(key.to_vec());
            }
            tx::TREES | tx::FINDINGS | tx::ITEMS | tx::RESPONSES => {
                self.texts.insert((tree, id()));
            }
            _ => {}
        }
    }

    fn len(&self) -> usize {
        self.projects.len() + self.deadlines.len()
    }
}

/// Replaces, inserts or removes (`None`) the entry at `key` in a list sorted by key.
pub(crate) fn patch<T, K: Ord>(list: &mut Vec<T>, key: K, key_of: impl Fn(&T) -> K, value: Option<T>) {
    match (list.binary_search_by(|x| key_of(x).cmp(&key)), value) {
        (Ok(i), Some(v)) => list[i] = v,
        (Ok(i), None) => {
            list.remove(i);
        }
        (Err(i), Some(v)) => list.insert(i, v),
        (Err(_), None) => {}
    }
}

impl Store {
    /// `renew_caches`, and if renewing panics, every kept list dropped instead (the next read
    /// scans): the commit stands, and its answer is not turned into an error by a list.
    pub(crate) fn renew_caches_or_drop(&self, w: &Writes) {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.renew_caches(w))).is_err() {
            let c = &self.caches;
            if let Some(mut s) = c.rows.lock() {
                *s = None;
            }
            if let Some(mut s) = c.summaries.lock() {
                *s = None;
            }
            if let Some(mut s) = c.deadlines.lock() {
                *s = None;
            }
            if let Some(mut s) = c.texts.lock() {
                *s = None;
            }
            c.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// After a commit: brings every kept list up to what was written, then lets scans keep
    /// their results again. A list that cannot be renewed is dropped (the next read scans).
    pub(crate) fn renew_caches(&self, w: &Writes) {
        let c = &self.caches;
        // Every slot stays locked until the generation moves on, so no scan that overlapped
        // this write can slip in a list after its renewal.
        let (mut rows, mut sums, mut dls, mut texts) = (c.rows.lock(), c.summaries.lock(), c.deadlines.lock(), c.texts.lock());
        let big = w.len() > PATCH_LIMIT;
        if let Some(slot) = rows.as_deref_mut() {
            renew(slot, !w.projects.is_empty(), big, |list| {
                for id in &w.projects {
                    let row = match self.project(*id) {
                        Ok(p) => Some(Arc::new(ProjectRow::new(&p, &self.summary(*id)?))),
                        Err(crate::domain::Error::NotFound { .. }) => None,
                        Err(e) => return Err(e),
                    };
                    patch(list, *id, |r| r.id, row);
                }
                Ok(())
            });
        }
        if let Some(slot) = sums.as_deref_mut() {
            renew(slot, !w.summaries.is_empty(), big, |list| {
                for id in &w.summaries {
                    let s = self.stored_summary(*id)?.map(|s| Arc::new((*id, s)));
                    patch(list, *id, |e| e.0, s);
                }
                Ok(())
            });
        }
        if let Some(slot) = dls.as_deref_mut() {
            renew(slot, !w.deadlines.is_empty(), big, |list| {
                for key in &w.deadlines {
                    let k: [u8; 13] = key.as_slice().try_into().map_err(|_| crate::domain::Error::corrupt("期限索引", "键长不符"))?;
                    patch(list, k, |d| super::read::deadline_key(d), self.deadline_at(&k)?);
                }
                Ok(())
            });
        }
        if let Some(slot) = texts.as_deref_mut() {
            let big = big || w.texts.len() > PATCH_LIMIT;
            renew(slot, !w.texts.is_empty() || !w.projects.is_empty(), big, |list| self.renew_texts(list, &w.projects, &w.texts));
        }
        c.generation.fetch_add(1, Ordering::SeqCst);
        drop((rows, sums, dls, texts));
    }
}

impl Store {
    /// How many times a kept list was filled by a scan since the store was opened.
    pub fn kept_list_scans(&self) -> u64 {
        self.caches.scans.load(Ordering::Relaxed)
    }

    /// Kept lists that differ from a scan of the trees now (`check`: a server's lists
    /// renewed by every command must stay what the store says).
    pub(crate) fn kept_list_problems(&self) -> Vec<String> {
        let mut out = vec![];
        let c = &self.caches;
        // No write between taking the kept lists and scanning the trees.
        let _no_write = c.write.lock().unwrap_or_else(|e| e.into_inner());
        let kept_rows = c.rows.lock().and_then(|s| s.clone());
        let kept_sums = c.summaries.lock().and_then(|s| s.clone());
        let kept_dls = c.deadlines.lock().and_then(|s| s.clone());
        let kept_texts = c.texts.lock().and_then(|s| s.clone());
        let mut compare = |what: &str, same: Result<bool>| match same {
            Ok(true) => {}
            Ok(false) => out.push(format!("保留的{what}与存储不符（重启服务器可恢复）")),
            Err(e) => out.push(format!("保留的{what}：{e}")),
        };
        if let Some(kept) = kept_rows {
            compare("项目列表", self.scan_rows().map(|v| v == *kept));
        }
        if let Some(kept) = kept_sums {
            compare("汇总", self.scan_summaries().map(|v| v == *kept));
        }
        if let Some(kept) = kept_dls {
            compare("期限列表", self.scan_deadlines().map(|v| v == *kept));
        }
        if let Some(kept) = kept_texts {
            compare("搜索文字", self.scan_texts().map(|v| v == *kept));
        }
        out
    }
}

/// Applies `change` to a kept list (copying it only if a reader still holds it); drops the
/// list when the write was too large or the change failed.
fn renew<T: Clone>(slot: &mut Option<Arc<T>>, touched: bool, too_big: bool, change: impl FnOnce(&mut T) -> Result<()>) {
    if !touched {
        return;
    }
    let keep = !too_big && slot.as_mut().is_some_and(|arc| change(Arc::make_mut(arc)).is_ok());
    if !keep {
        *slot = None;
    }
}
