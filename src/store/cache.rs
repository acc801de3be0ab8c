//! Decoded read models a long-running process (the server) keeps between commands: the
//! open deadlines, every project's list row and every summary. Any write empties them all,
//! so a reader never sees a list older than the write it follows.

use crate::domain::{Deadline, Result};
use crate::store::summary::{ProjectRow, Summary};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub(crate) struct Slot<T>(Mutex<Option<Arc<T>>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Mutex::new(None))
    }
}

impl<T> Slot<T> {
    fn clear(&self) {
        if let Ok(mut c) = self.0.lock() {
            *c = None;
        }
    }
}

#[derive(Default)]
pub(crate) struct Caches {
    /// Bumped before and after every write: a scan that overlapped one is not kept.
    generation: AtomicU64,
    pub deadlines: Slot<Vec<Deadline>>,
    pub rows: Slot<Vec<ProjectRow>>,
    pub summaries: Slot<Vec<Summary>>,
}

impl Caches {
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.deadlines.clear();
        self.rows.clear();
        self.summaries.clear();
    }

    /// The kept value, or `scan`'s, kept unless a write ran meanwhile.
    pub fn get<T>(&self, slot: &Slot<T>, scan: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
        if let Some(v) = slot.0.lock().ok().and_then(|c| c.clone()) {
            return Ok(v);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let v = Arc::new(scan()?);
        if let Ok(mut c) = slot.0.lock()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            *c = Some(v.clone());
        }
        Ok(v)
    }
}
