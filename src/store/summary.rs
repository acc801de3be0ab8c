//! Reading the summaries and list rows kept in step by every transaction (`crate::read`).

use super::codec::decode;
use super::heal::in_store;
use super::{Store, keys, tx};
use crate::domain::Result;
use crate::read::{ProjectRow, Summary};
use std::collections::HashMap;
use std::sync::Arc;

impl Store {
    /// Every project's summary, by project id.
    pub fn summaries(&self) -> Result<HashMap<u64, Summary>> {
        let mut out = HashMap::new();
        for kv in self.tree(tx::SUMMARIES).iter() {
            let (k, v) = kv.map_err(in_store)?;
            let id = keys::read_id(&k).unwrap_or(0);
            out.insert(id, decode(&v, &format!("项目 #{id} 的汇总"))?);
        }
        Ok(out)
    }

    /// Every project's list row, in project id order; kept between commands.
    pub fn project_rows(&self) -> Result<super::Kept<ProjectRow>> {
        self.caches.get(&self.caches.rows, || self.scan_rows())
    }

    pub(super) fn scan_rows(&self) -> Result<Vec<Arc<ProjectRow>>> {
        // The kept summaries (in id order) serve the dashboard too: decoded once.
        let summaries = self.summary_list()?;
        let blank = Summary::default();
        let summary_of = |id: u64| summaries.binary_search_by_key(&id, |e| e.0).map_or(&blank, |i| &summaries[i].1);
        Ok(self.projects()?.iter().map(|p| Arc::new(ProjectRow::new(p, summary_of(p.id)))).collect())
    }

    /// Every summary, without the projects (the dashboard's year figures); kept between
    /// commands.
    pub fn summary_list(&self) -> Result<super::Kept<(u64, Summary)>> {
        self.caches.get(&self.caches.summaries, || self.scan_summaries())
    }

    pub(super) fn scan_summaries(&self) -> Result<Vec<Arc<(u64, Summary)>>> {
        let mut out = Vec::new();
        for kv in self.tree(tx::SUMMARIES).iter() {
            let (k, v) = kv.map_err(in_store)?;
            let id = keys::read_id(&k).unwrap_or(0);
            out.push(Arc::new((id, decode(&v, &format!("项目 #{id} 的汇总"))?)));
        }
        Ok(out)
    }

    pub fn summary(&self, project: u64) -> Result<Summary> {
        Ok(self.stored_summary(project)?.unwrap_or_default())
    }

    pub(crate) fn stored_summary(&self, project: u64) -> Result<Option<Summary>> {
        match self.tree(tx::SUMMARIES).get(keys::id(project)).map_err(in_store)? {
            Some(v) => decode(&v, &format!("项目 #{project} 的汇总")).map(Some),
            None => Ok(None),
        }
    }
}
