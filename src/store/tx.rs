//! Typed access to the trees inside one transaction, and the index upkeep that must
//! happen with every record write.

use super::codec::{decode, encode};
use super::keys;
use crate::domain::{Error, Finding, IndicatorTree, ItemState, Milestone, Notice, NoticeState, Project, RectItem, Response, Result};
use crate::read::issued::IssuedNotice;
use crate::read::summary::Summary;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::transaction::TransactionalTree;

pub const META: usize = 0;
pub const PROJECTS: usize = 1;
pub const CODES: usize = 2;
pub const TREES: usize = 3;
pub const FINDINGS: usize = 4;
pub const ITEMS: usize = 5;
pub const RESPONSES: usize = 6;
pub const NOTICES: usize = 7;
pub const NOTICE_NUMBERS: usize = 8;
pub const MILESTONES: usize = 9;
pub const CHILDREN: usize = 10;
pub const DEADLINES: usize = 11;
pub const SUMMARIES: usize = 12;
/// Answers remembered by client request id (`store/requests.rs`).
pub const REQUESTS: usize = 13;
/// Notices as issued (`read::issued::IssuedNotice`) by notice id: written once, by
/// `issue_notice`, in its transaction.
pub const ISSUED: usize = 14;
/// Evaluation reports (`domain::report::Report`), by project id.
pub const REPORTS: usize = 15;
/// Issued report revisions as printed (`read::report::IssuedReport`), by project id and revision.
pub const REPORT_ISSUES: usize = 16;
/// Review chains of working papers (`domain::review::ReviewChain`), by project id and node id.
pub const REVIEWS: usize = 17;
/// Self-check overrides (`domain::selfcheck::Override`), a list by project id: which
/// failing checks the lead sent something out with, by whom, when, why.
pub const OVERRIDES: usize = 18;
/// Self-evaluation forms (`domain::form::Form`), by project id: what the unit printed
/// beside the tree (targets, actuals, self-scores, the money block, the printed 总分).
pub const FORMS: usize = 19;
/// The audit log's hash chain (`store/chain.rs`): a `Link` by audit id, written with each
/// audit record by `chain::append`.
pub const CHAIN: usize = 20;
/// The audit tree comes last in every transaction.
pub const AUDIT: usize = 21;

/// Where a project's quality reviewer is kept in the meta tree: this prefix and the id.
pub const QUALITY_REVIEWER: &[u8] = b"quality_reviewer/";

/// Where a project's dossier list is kept in the meta tree: this prefix and the id.
pub const DOSSIERS: &[u8] = b"dossiers/";

pub fn dossier_key(project: u64) -> Vec<u8> {
    let mut k = DOSSIERS.to_vec();
    k.extend_from_slice(&keys::id(project));
    k
}

pub fn quality_reviewer_key(project: u64) -> Vec<u8> {
    let mut k = QUALITY_REVIEWER.to_vec();
    k.extend_from_slice(&keys::id(project));
    k
}

pub struct Tx<'a> {
    t: &'a [TransactionalTree],
    /// The keys written to the trees the kept read models come from.
    written: std::cell::RefCell<super::cache::Writes>,
}

/// What the deadline index carries, so `jixiao due` and the dashboard need no record lookups
/// (the key holds the date, the kind and the id). Written again when the project's team or
/// unit changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DeadlineEntry {
    pub project: Option<u64>,
    /// The project's code; empty for a bureau-wide milestone.
    pub code: String,
    pub title: String,
    pub unit: String,
    /// The item's state label, the notice's number, or the milestone's kind label.
    pub detail: String,
    /// The project's lead and members.
    pub owners: Vec<String>,
}

fn storage(e: sled::transaction::UnabortableTransactionError) -> Error {
    match e {
        sled::transaction::UnabortableTransactionError::Storage(e) => super::heal::in_store(e),
        conflict => Error::io("store", conflict),
    }
}

impl<'a> Tx<'a> {
    pub fn new(t: &'a [TransactionalTree]) -> Self {
        Tx { t, written: Default::default() }
    }

    /// What this transaction wrote, for renewing the kept read models after its commit.
    pub(crate) fn take_writes(&self) -> super::cache::Writes {
        self.written.take()
    }

    fn note(&self, tree: usize, key: &[u8]) {
        self.written.borrow_mut().note(tree, key);
    }

    pub fn get<T: DeserializeOwned + 'static>(&self, tree: usize, key: &[u8], what: &str) -> Result<Option<T>> {
        match self.t[tree].get(key).map_err(storage)? {
            Some(bytes) => decode(&bytes, what).map(Some),
            None => Ok(None),
        }
    }

    pub fn put<T: Serialize>(&self, tree: usize, key: &[u8], value: &T) -> Result<()> {
        self.note(tree, key);
        self.t[tree].insert(key, encode(value)).map_err(storage)?;
        Ok(())
    }

    pub fn raw_get(&self, tree: usize, key: &[u8]) -> Result<Option<sled::IVec>> {
        self.t[tree].get(key).map_err(storage)
    }

    pub fn raw_put(&self, tree: usize, key: &[u8], value: &[u8]) -> Result<()> {
        self.note(tree, key);
        self.t[tree].insert(key, value).map_err(storage)?;
        Ok(())
    }

    pub fn del(&self, tree: usize, key: &[u8]) -> Result<()> {
        self.note(tree, key);
        self.t[tree].remove(key).map_err(storage)?;
        Ok(())
    }

    /// The next value of a counter in the meta tree (starting at 1).
    pub fn next_seq(&self, counter: &[u8]) -> Result<u64> {
        let cur = self.raw_get(META, counter)?.and_then(|v| keys::read_id(&v)).unwrap_or(0);
        self.bump_seq(counter, cur + 1)?;
        Ok(cur + 1)
    }

    pub fn peek_seq(&self, counter: &[u8]) -> Result<u64> {
        Ok(self.raw_get(META, counter)?.and_then(|v| keys::read_id(&v)).unwrap_or(0))
    }

    /// Raises a counter to at least `value` (used by import so new ids never collide).
    pub fn bump_seq(&self, counter: &[u8], value: u64) -> Result<()> {
        let cur = self.raw_get(META, counter)?.and_then(|v| keys::read_id(&v)).unwrap_or(0);
        if value > cur {
            self.raw_put(META, counter, &keys::id(value))?;
        }
        Ok(())
    }

    // --- projects -----------------------------------------------------------------

    pub fn project_by_code(&self, code: &str) -> Result<Project> {
        let id = self.raw_get(CODES, code.as_bytes())?.and_then(|v| keys::read_id(&v)).ok_or_else(|| Error::not_found("项目", code))?;
        self.project(id)
    }

    pub fn project(&self, id: u64) -> Result<Project> {
        self.get(PROJECTS, &keys::id(id), &format!("项目 #{id}"))?.ok_or_else(|| Error::not_found("项目", format!("#{id}")))
    }

    pub fn code_taken(&self, code: &str) -> Result<bool> {
        Ok(self.raw_get(CODES, code.as_bytes())?.is_some())
    }

    pub fn put_project(&self, before: Option<&Project>, p: &Project) -> Result<()> {
        if let Some(b) = before
            && b.code != p.code
        {
            self.del(CODES, b.code.as_bytes())?;
        }
        self.raw_put(CODES, p.code.as_bytes(), &keys::id(p.id))?;
        self.put(PROJECTS, &keys::id(p.id), p)?;
        self.update_summary(p.id, |s| s.set_project(p))?;
        match before {
            Some(b) if b.team != p.team || b.unit != p.unit || b.code != p.code => self.reindex_project(p),
            _ => Ok(()),
        }
    }

    /// Writes the deadline entries of a project's open items, notices and milestones again,
    /// so they carry its current team and unit (the summary lists which are open).
    fn reindex_project(&self, p: &Project) -> Result<()> {
        let s: Summary = self.get(SUMMARIES, &keys::id(p.id), &format!("项目 #{} 的汇总", p.id))?.unwrap_or_default();
        for id in s.open_items.keys() {
            if let Some((key, entry)) = item_deadline(&self.item(*id)?, p) {
                self.put(DEADLINES, &key, &entry)?;
            }
        }
        for id in s.milestones.keys() {
            let (key, entry) = milestone_deadline(&self.milestone(*id)?, Some(p));
            self.put(DEADLINES, &key, &entry)?;
        }
        for id in s.notices.keys() {
            self.reindex_notice(*id)?;
        }
        Ok(())
    }

    pub fn tree(&self, project: u64) -> Result<IndicatorTree> {
        self.get(TREES, &keys::id(project), &format!("指标体系 #{project}"))?
            .ok_or_else(|| Error::not_found("指标体系", format!("项目 #{project}")))
    }

    pub fn put_tree(&self, t: &IndicatorTree) -> Result<()> {
        self.update_summary(t.project, |s| s.set_tree(t))?;
        self.put(TREES, &keys::id(t.project), t)
    }

    fn update_summary(&self, project: u64, change: impl FnOnce(&mut Summary)) -> Result<()> {
        let key = keys::id(project);
        let mut s: Summary = self.get(SUMMARIES, &key, &format!("项目 #{project} 的汇总"))?.unwrap_or_default();
        change(&mut s);
        self.put(SUMMARIES, &key, &s)
    }

    // --- findings ---------------------------------------------------------------------

    pub fn finding(&self, id: u64) -> Result<Finding> {
        self.get(FINDINGS, &keys::id(id), &format!("问题 #{id}"))?.ok_or_else(|| Error::not_found("问题", format!("#{id}")))
    }

    pub fn put_finding(&self, f: &Finding) -> Result<()> {
        self.raw_put(CHILDREN, &keys::child(keys::CHILD_FINDING, f.project, f.id), &[])?;
        self.update_summary(f.project, |s| s.set_finding(f))?;
        self.put(FINDINGS, &keys::id(f.id), f)
    }

    // --- items -------------------------------------------------------------------------

    pub fn item(&self, id: u64) -> Result<RectItem> {
        self.get(ITEMS, &keys::id(id), &format!("整改事项 #{id}"))?.ok_or_else(|| Error::not_found("整改事项", format!("#{id}")))
    }

    /// Writes an item and keeps the deadline index in step (drafts and finished items are
    /// not in it), and the report date of the notice it belongs to.
    pub fn put_item(&self, before: Option<&RectItem>, item: &RectItem) -> Result<()> {
        if let Some(b) = before {
            self.del(DEADLINES, &keys::deadline(b.due, keys::DEADLINE_ITEM, b.id))?;
        }
        if let Some((key, entry)) = item_deadline(item, &self.project(item.project)?) {
            self.put(DEADLINES, &key, &entry)?;
        }
        self.raw_put(CHILDREN, &keys::child(keys::CHILD_ITEM, item.project, item.id), &[])?;
        self.update_summary(item.project, |s| s.set_item(item))?;
        self.put(ITEMS, &keys::id(item.id), item)?;
        let mut notices: Vec<u64> = before.and_then(|b| b.notice).into_iter().chain(item.notice).collect();
        notices.dedup();
        for n in notices {
            self.reindex_notice(n)?;
        }
        Ok(())
    }

    /// Moves a notice's deadline entry to the latest due date of its open items (removing it
    /// when none is open or the notice is cancelled). A notice not yet written, or items not
    /// yet written (import writes items first), are skipped: the later write indexes it.
    fn reindex_notice(&self, id: u64) -> Result<()> {
        let Some(n) = self.get::<Notice>(NOTICES, &keys::id(id), &format!("通知书 #{id}"))? else { return Ok(()) };
        let mut items = Vec::with_capacity(n.items.len());
        for i in &n.items {
            if let Some(it) = self.get::<RectItem>(ITEMS, &keys::id(*i), &format!("整改事项 #{i}"))? {
                items.push(it);
            }
        }
        let entry = notice_deadline(&n, &items, &self.project(n.project)?);
        let mut old = None;
        self.update_summary(n.project, |s| {
            old = s.notices.remove(&id);
            if let Some((date, _)) = &entry {
                s.notices.insert(id, *date);
            }
        })?;
        if let Some(date) = old {
            self.del(DEADLINES, &keys::deadline(date, keys::DEADLINE_NOTICE, id))?;
        }
        if let Some((date, e)) = entry {
            self.put(DEADLINES, &keys::deadline(date, keys::DEADLINE_NOTICE, id), &e)?;
        }
        Ok(())
    }

    /// Appends a history entry; an existing entry is never overwritten.
    pub fn append_response(&self, r: &Response) -> Result<()> {
        let key = keys::response(r.item, r.seq);
        if self.raw_get(RESPONSES, &key)?.is_some() {
            return Err(Error::corrupt(
                format!("整改事项 #{} 的第 {} 条记录", r.item, r.seq),
                "已存在，记录只能追加 (history is append-only)",
            ));
        }
        self.bump_seq(&response_counter(r.item), r.seq as u64)?;
        self.put(RESPONSES, &key, r)
    }

    pub fn next_response_seq(&self, item: u64) -> Result<u32> {
        Ok(self.peek_seq(&response_counter(item))? as u32 + 1)
    }

    // --- notices and milestones -----------------------------------------------------------

    pub fn notice(&self, id: u64) -> Result<Notice> {
        self.get(NOTICES, &keys::id(id), &format!("通知书 #{id}"))?.ok_or_else(|| Error::not_found("通知书", format!("#{id}")))
    }

    pub fn notice_by_number(&self, number: &str) -> Result<Notice> {
        match self.raw_get(NOTICE_NUMBERS, number.as_bytes())?.and_then(|v| keys::read_id(&v)) {
            Some(id) => self.notice(id),
            None => match number.trim().parse::<u64>() {
                Ok(id) => self.notice(id),
                Err(_) => Err(Error::not_found("通知书", number)),
            },
        }
    }

    pub fn put_notice(&self, n: &Notice) -> Result<()> {
        self.raw_put(NOTICE_NUMBERS, n.number.as_bytes(), &keys::id(n.id))?;
        self.raw_put(CHILDREN, &keys::child(keys::CHILD_NOTICE, n.project, n.id), &[])?;
        self.put(NOTICES, &keys::id(n.id), n)?;
        self.reindex_notice(n.id)
    }

    /// Keeps a notice as issued. Written once: a copy already under this id is never replaced
    /// (an issued 公文 reprints as sent).
    pub fn put_issued(&self, id: u64, copy: &IssuedNotice) -> Result<()> {
        if self.raw_get(ISSUED, &keys::id(id))?.is_some() {
            return Err(Error::corrupt(
                format!("通知书 #{id} 的下发留存副本"),
                "已存在，下发原文只写一次 (issued copies are written once)",
            ));
        }
        self.put(ISSUED, &keys::id(id), copy)
    }

    pub fn report(&self, project: u64) -> Result<Option<crate::domain::report::Report>> {
        self.get(REPORTS, &keys::id(project), &format!("项目 #{project} 的评价报告"))
    }

    pub fn put_report(&self, r: &crate::domain::report::Report) -> Result<()> {
        self.put(REPORTS, &keys::id(r.project), r)
    }

    /// Stores an issued revision; one already stored is never overwritten.
    pub fn put_report_issue(&self, issued: &crate::read::report::IssuedReport) -> Result<()> {
        let key = report_issue_key(issued.project, issued.revision);
        if self.raw_get(REPORT_ISSUES, &key)?.is_some() {
            return Err(Error::corrupt(
                format!("项目 #{} 的评价报告第 {} 版", issued.project, issued.revision),
                "已出具的版本只能保存一次 (an issued revision is never overwritten)",
            ));
        }
        self.put(REPORT_ISSUES, &key, issued)
    }

    /// A leaf's review chain; none before its first review step.
    pub fn review_chain(&self, project: u64, node: u32) -> Result<Option<crate::domain::review::ReviewChain>> {
        self.get(REVIEWS, &keys::review(project, node), &format!("项目 #{project} 指标 #{node} 的复核记录"))
    }

    pub fn put_review_chain(&self, chain: &crate::domain::review::ReviewChain) -> Result<()> {
        self.put(REVIEWS, &keys::review(chain.project, chain.node), chain)
    }

    /// The project's named quality reviewer (质量复核人), if any.
    pub fn quality_reviewer(&self, project: u64) -> Result<Option<String>> {
        self.get(META, &quality_reviewer_key(project), &format!("项目 #{project} 的质量复核人"))
    }

    pub fn set_quality_reviewer(&self, project: u64, user: Option<&str>) -> Result<()> {
        let key = quality_reviewer_key(project);
        match user {
            Some(u) => self.put(META, &key, &u.to_string()),
            None => self.del(META, &key),
        }
    }

    /// The dossiers archiving wrote for a project, oldest first (kept in META).
    pub fn dossiers(&self, project: u64) -> Result<Vec<crate::domain::project::DossierNote>> {
        Ok(self.get(META, &dossier_key(project), &format!("项目 #{project} 的归档包记录"))?.unwrap_or_default())
    }

    pub fn put_dossiers(&self, project: u64, list: &[crate::domain::project::DossierNote]) -> Result<()> {
        self.put(META, &dossier_key(project), &list.to_vec())
    }

    /// A project's self-evaluation form, if one was written.
    pub fn form(&self, project: u64) -> Result<Option<crate::domain::form::Form>> {
        self.get(FORMS, &keys::id(project), &format!("项目 #{project} 的自评表"))
    }

    /// Writes the form, or removes it when nothing is left in it.
    pub fn put_form(&self, form: &crate::domain::form::Form) -> Result<()> {
        if form.is_empty() {
            return self.del(FORMS, &keys::id(form.project));
        }
        self.put(FORMS, &keys::id(form.project), form)
    }

    /// A project's self-check overrides, oldest first.
    pub fn overrides(&self, project: u64) -> Result<Vec<crate::domain::selfcheck::Override>> {
        Ok(self.get(OVERRIDES, &keys::id(project), &format!("项目 #{project} 的自检放行记录"))?.unwrap_or_default())
    }

    pub fn put_overrides(&self, project: u64, list: &[crate::domain::selfcheck::Override]) -> Result<()> {
        self.put(OVERRIDES, &keys::id(project), &list.to_vec())
    }

    pub fn milestone(&self, id: u64) -> Result<Milestone> {
        self.get(MILESTONES, &keys::id(id), &format!("里程碑 #{id}"))?.ok_or_else(|| Error::not_found("里程碑", format!("#{id}")))
    }

    pub fn put_milestone(&self, before: Option<&Milestone>, m: &Milestone) -> Result<()> {
        if let Some(b) = before {
            self.del(DEADLINES, &keys::deadline(b.due, keys::DEADLINE_MILESTONE, b.id))?;
        }
        if m.done_on.is_none() {
            let project = m.project.map(|p| self.project(p)).transpose()?;
            let (key, entry) = milestone_deadline(m, project.as_ref());
            self.put(DEADLINES, &key, &entry)?;
        }
        self.raw_put(CHILDREN, &keys::child(keys::CHILD_MILESTONE, m.project.unwrap_or(0), m.id), &[])?;
        if let Some(p) = m.project {
            self.update_summary(p, |s| s.set_milestone(m))?;
        }
        self.put(MILESTONES, &keys::id(m.id), m)
    }

    pub fn remove_milestone(&self, m: &Milestone) -> Result<()> {
        self.del(DEADLINES, &keys::deadline(m.due, keys::DEADLINE_MILESTONE, m.id))?;
        self.del(CHILDREN, &keys::child(keys::CHILD_MILESTONE, m.project.unwrap_or(0), m.id))?;
        if let Some(p) = m.project {
            self.update_summary(p, |s| s.remove_milestone(m.id))?;
        }
        self.del(MILESTONES, &keys::id(m.id))
    }
}

pub fn response_counter(item: u64) -> Vec<u8> {
    let mut k = b"seq/response/".to_vec();
    k.extend_from_slice(&keys::id(item));
    k
}

pub fn finding_counter(project: u64) -> Vec<u8> {
    let mut k = b"seq/finding-no/".to_vec();
    k.extend_from_slice(&keys::id(project));
    k
}

pub fn report_counter(prefix: &str, year: i32) -> Vec<u8> {
    format!("seq/report/{prefix}/{year}").into_bytes()
}

/// Where an issued revision lives in the report issues tree: project id, revision, big-endian.
pub fn report_issue_key(project: u64, revision: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&keys::id(project));
    k[8..].copy_from_slice(&revision.to_be_bytes());
    k
}

pub fn notice_counter(prefix: &str, year: i32) -> Vec<u8> {
    format!("seq/notice/{prefix}/{year}").into_bytes()
}

fn owners(p: &Project) -> Vec<String> {
    std::iter::once(p.team.lead.clone()).chain(p.team.members.iter().filter(|m| **m != p.team.lead).cloned()).collect()
}

/// Items the unit owes: issued and not yet closed or cancelled (drafts are not sent yet).
fn item_is_owed(item: &RectItem) -> bool {
    !item.state.is_finished() && item.state != ItemState::Draft
}

/// The deadline index entry an item should have: none for drafts and finished items.
pub fn item_deadline(item: &RectItem, p: &Project) -> Option<([u8; 13], DeadlineEntry)> {
    if !item_is_owed(item) {
        return None;
    }
    let entry = DeadlineEntry {
        project: Some(item.project),
        code: p.code.clone(),
        title: item.requirement.chars().take(60).collect(),
        unit: item.unit.clone(),
        detail: item.state.label().to_string(),
        owners: owners(p),
    };
    Some((keys::deadline(item.due, keys::DEADLINE_ITEM, item.id), entry))
}

/// A notice's report date (报送整改报告): the latest current due date of its open items;
/// none once all are done or the notice is cancelled.
pub fn notice_deadline(n: &Notice, items: &[RectItem], p: &Project) -> Option<(chrono::NaiveDate, DeadlineEntry)> {
    if n.state != NoticeState::Issued {
        return None;
    }
    let date = items.iter().filter(|i| item_is_owed(i) && i.notice == Some(n.id)).map(|i| i.due).max()?;
    let entry = DeadlineEntry {
        project: Some(n.project),
        code: p.code.clone(),
        title: format!("{} 整改报告及佐证资料报送", n.number),
        unit: n.unit.clone(),
        detail: n.number.clone(),
        owners: owners(p),
    };
    Some((date, entry))
}

pub fn milestone_deadline(m: &Milestone, p: Option<&Project>) -> ([u8; 13], DeadlineEntry) {
    let entry = DeadlineEntry {
        project: m.project,
        code: p.map(|p| p.code.clone()).unwrap_or_default(),
        title: m.title.clone(),
        unit: p.map(|p| p.unit.clone()).unwrap_or_default(),
        detail: m.kind.label().to_string(),
        owners: p.map(owners).unwrap_or_default(),
    };
    (keys::deadline(m.due, keys::DEADLINE_MILESTONE, m.id), entry)
}
