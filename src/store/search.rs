//! Search across projects, answered from a kept read model: every project's searchable texts
//! (`read::search::ProjectTexts`), filled by one pass over the record trees in key order and
//! then renewed project by project by the commands that write those texts (`cache.rs`), so a
//! search scans memory, not 500,000 records.

use super::codec::decode;
use super::heal::in_store;
use super::{Kept, Store, keys, tx};
use crate::domain::{Error, Finding, IndicatorTree, RectItem, Response, Result};
use crate::read::search::{Hit, ProjectTexts, SearchRequest, SearchResult, fold};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Characters of context shown before a match, and the snippet's width in cells.
const BEFORE: usize = 10;
const SNIPPET_CELLS: usize = 48;

impl Store {
    /// Every project's searchable texts, in project id order; kept between commands.
    pub fn project_texts(&self) -> Result<Kept<ProjectTexts>> {
        self.caches.get(&self.caches.texts, || self.scan_texts())
    }

    /// One pass over each record tree in key order, each record's text added to its project's
    /// as it is decoded (no record is kept: the pass holds the texts alone).
    pub(super) fn scan_texts(&self) -> Result<Vec<Arc<ProjectTexts>>> {
        let mut texts: BTreeMap<u64, ProjectTexts> =
            self.projects()?.into_iter().map(|p| (p.id, ProjectTexts::new(p.id, &p.code))).collect();
        for kv in self.tree(tx::TREES).iter() {
            let (k, v) = kv.map_err(in_store)?;
            let id = keys::read_id(&k).unwrap_or(0);
            if let Some(t) = texts.get_mut(&id) {
                t.add_tree(&decode::<IndicatorTree>(&v, &format!("指标体系 #{id}"))?);
            }
        }
        for kv in self.tree(tx::FINDINGS).iter() {
            let (k, v) = kv.map_err(in_store)?;
            let f: Finding = decode(&v, &format!("问题 #{}", keys::read_id(&k).unwrap_or(0)))?;
            if let Some(t) = texts.get_mut(&f.project) {
                t.add_finding(&f);
            }
        }
        // Responses are keyed by item: which project each item is in.
        let mut project_of: HashMap<u64, u64> = HashMap::new();
        for kv in self.tree(tx::ITEMS).iter() {
            let (k, v) = kv.map_err(in_store)?;
            let it: RectItem = decode(&v, &format!("整改事项 #{}", keys::read_id(&k).unwrap_or(0)))?;
            project_of.insert(it.id, it.project);
            if let Some(t) = texts.get_mut(&it.project) {
                t.add_item(&it);
            }
        }
        for kv in self.tree(tx::RESPONSES).iter() {
            let (k, v) = kv.map_err(in_store)?;
            let item = keys::read_id(&k).unwrap_or(0);
            if let Some(t) = project_of.get(&item).and_then(|p| texts.get_mut(p)) {
                t.add_response(&decode::<Response>(&v, &format!("整改事项 #{item} 的记录"))?);
            }
        }
        Ok(texts
            .into_values()
            .map(|mut t| {
                t.finish();
                Arc::new(t)
            })
            .collect())
    }

    /// One project's texts read again from its records (after a command wrote some of them).
    fn texts_of(&self, project: u64) -> Result<Option<ProjectTexts>> {
        let p = match self.project(project) {
            Ok(p) => p,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let tree = self.maybe(self.tree_of(project))?;
        let mut findings = self.findings_of(project)?;
        findings.sort_by_key(|f| f.id);
        let mut items = self.items_of(project)?;
        items.sort_by_key(|it| it.id);
        let mut history = Vec::new();
        for it in &items {
            history.extend(self.responses_of(it.id)?);
        }
        Ok(Some(ProjectTexts::build(p.id, &p.code, tree.as_ref(), &findings, &items, &history)))
    }

    /// After a commit: the kept texts of every project whose project record, tree, findings,
    /// items or responses were written, read again.
    pub(crate) fn renew_texts(
        &self,
        list: &mut Vec<Arc<ProjectTexts>>,
        projects: &BTreeSet<u64>,
        records: &BTreeSet<(usize, u64)>,
    ) -> Result<()> {
        let mut touched = projects.clone();
        for (tree, id) in records {
            let project = match *tree {
                tx::TREES => Some(*id),
                tx::FINDINGS => self.maybe(self.finding(*id))?.map(|f| f.project),
                _ => self.maybe(self.item(*id))?.map(|it| it.project),
            };
            touched.extend(project);
        }
        for id in touched {
            let texts = self.texts_of(id)?.map(Arc::new);
            super::cache::patch(list, id, |t| t.id, texts);
        }
        Ok(())
    }

    fn maybe<T>(&self, r: Result<T>) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The hits of a search, in project id order and within a project in record order.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResult> {
        let needle = req.needle().map_err(|m| Error::invalid("jixiao search", "TEXT", m))?;
        let only = match &req.project {
            Some(code) => Some(self.project_by_code(code)?.id),
            None => None,
        };
        let needle = fold(&needle);
        let kept = self.project_texts()?;
        let mut result = SearchResult::default();
        let mut paths: HashMap<u64, IndicatorTree> = HashMap::new();
        for t in kept.iter().filter(|t| only.is_none_or(|id| t.id == id)) {
            for (source, start, end) in t.matches(&needle, &req.kinds) {
                result.total += 1;
                if result.hits.len() >= req.limit {
                    continue;
                }
                // Indicator paths come from the tree, read only for projects with a hit shown.
                let needs_tree = matches!(
                    source,
                    crate::read::search::Source::Basis { .. }
                        | crate::read::search::Source::Evidence { of: crate::read::search::Owner::Leaf(_) }
                );
                if needs_tree && !paths.contains_key(&t.id) {
                    paths.insert(t.id, self.tree_of(t.id)?);
                }
                let tree = paths.get(&t.id);
                let path = |node: u32| tree.map(|tr| tr.path(node)).unwrap_or_else(|| format!("#{node}"));
                let (snippet, mark) = t.snippet(start, end, BEFORE, SNIPPET_CELLS);
                result.hits.push(Hit {
                    code: t.code.clone(),
                    kind: source.kind(),
                    place: source.place(&path),
                    target: source.target(),
                    snippet,
                    mark,
                });
            }
        }
        Ok(result)
    }
}
