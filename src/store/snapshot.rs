//! The backup snapshot (`jixiao backup`): the whole store as a bundle and the list of its
//! attachment files, taken while holding the one-write-at-a-time lock that every command's
//! transaction holds (`Store::apply_inner`), so no command commits while it is read: each
//! command is wholly in it or wholly after it, and every command acknowledged before the
//! snapshot began (committed, then flushed, then answered) is in it.

use super::Store;
use crate::domain::Result;
use crate::read::bundle::Snapshot;
use chrono::{DateTime, Utc};

impl Store {
    /// Everything in the store at one moment, and the attachment files then received.
    pub fn snapshot(&self, now: DateTime<Utc>) -> Result<Snapshot> {
        let _no_write = self.caches.write.lock().unwrap_or_else(|e| e.into_inner());
        let bundle = self.export(None)?;
        // Files are received before the command naming them is applied, and never removed:
        // every file the bundle names is in this list.
        let attachments = crate::attachments::list(self.dir())?;
        Ok(Snapshot { bundle, attachments, data_dir: self.dir().display().to_string(), taken_at: now })
    }
}
