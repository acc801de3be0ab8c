//! Reads: the records screens, reports and exports need, straight from the trees
//! (no transaction; sled reads are consistent per key).

use super::Store;
use super::codec::decode;
use super::heal::in_store;
use super::keys;
use super::tx::{self, DeadlineEntry};
use crate::domain::{Deadline, DeadlineKind, Error, Finding, IndicatorTree, Milestone, Notice, Project, RectItem, Response, Result};
use crate::read::audit::AuditRecord;
use crate::read::bundle::{Bundle, NoticeCounter};
use crate::read::issued::IssuedNotice;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

fn deadline_kind(byte: Option<&u8>) -> Option<DeadlineKind> {
    match *byte? {
        keys::DEADLINE_ITEM => Some(DeadlineKind::Item),
        keys::DEADLINE_NOTICE => Some(DeadlineKind::Notice),
        keys::DEADLINE_MILESTONE => Some(DeadlineKind::Milestone),
        _ => None,
    }
}

/// A deadline's index key (date, kind, id): the order the index and its kept list are in.
pub(crate) fn deadline_key(d: &Deadline) -> [u8; 13] {
    let kind = match d.kind {
        DeadlineKind::Item => keys::DEADLINE_ITEM,
        DeadlineKind::Notice => keys::DEADLINE_NOTICE,
        DeadlineKind::Milestone => keys::DEADLINE_MILESTONE,
    };
    keys::deadline(d.date, kind, d.id)
}

/// A deadline from its index key and entry.
fn deadline_of(k: &[u8], v: &[u8]) -> Result<Deadline> {
    let (Some(date), Some(kind), Some(id)) = (keys::deadline_date(k), deadline_kind(k.get(4)), k.get(5..).and_then(keys::read_id)) else {
        return Err(Error::corrupt("期限索引", format!("键 {k:?} 无法识别（运行 jixiao check）")));
    };
    let e: DeadlineEntry = decode(v, "期限索引")?;
    Ok(Deadline { date, kind, id, project: e.project, code: e.code, title: e.title, unit: e.unit, detail: e.detail, owners: e.owners })
}

/// Where a fiscal year's budget total (万元, text with 2 places) lives in the meta tree.
pub fn budget_total_key(year: i32) -> Vec<u8> {
    format!("budget_total/{year}").into_bytes()
}

/// Where the edited category list lives in the meta tree.
pub const CATEGORIES_KEY: &[u8] = b"categories";

impl Store {
    /// The finding categories: the team's edited list, or the seed list of DOMAIN.md §5.
    pub fn categories(&self) -> Result<Vec<String>> {
        match self.tree(tx::META).get(CATEGORIES_KEY).map_err(in_store)? {
            Some(v) => decode(&v, "问题类别"),
            None => Ok(crate::domain::finding::SEED_CATEGORIES.iter().flat_map(|(_, list)| list.iter().map(|c| c.to_string())).collect()),
        }
    }

    /// The store admins named with `admin add` (empty: none named yet).
    pub fn admins(&self) -> Result<Vec<String>> {
        match self.tree(tx::META).get(super::roles::ADMINS_KEY).map_err(in_store)? {
            Some(v) => decode(&v, "管理员名单"),
            None => Ok(vec![]),
        }
    }

    /// The budget total set for a fiscal year (`set_budget_total`), if any.
    pub fn budget_total(&self, year: i32) -> Result<Option<rust_decimal::Decimal>> {
        match self.tree(tx::META).get(budget_total_key(year)).map_err(in_store)? {
            Some(v) => {
                let text: String = decode(&v, "预算总额")?;
                let mut amount = crate::domain::money::parse_amount(&text).map_err(|m| Error::corrupt("预算总额", m))?;
                amount.rescale(2);
                Ok(Some(amount))
            }
            None => Ok(None),
        }
    }

    fn scan<T: DeserializeOwned + 'static>(&self, tree: &sled::Tree, what: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for kv in tree.iter() {
            let (k, v) = kv.map_err(in_store)?;
            let id = keys::read_id(&k).unwrap_or(0);
            out.push(decode(&v, &format!("{what} #{id}"))?);
        }
        Ok(out)
    }

    fn get<T: DeserializeOwned + 'static>(&self, tree: usize, key: &[u8], what: &str) -> Result<Option<T>> {
        match self.tree(tree).get(key).map_err(in_store)? {
            Some(v) => decode(&v, what).map(Some),
            None => Ok(None),
        }
    }

    /// Child ids of a project in the children index.
    fn child_ids(&self, kind: u8, project: u64) -> Result<Vec<u64>> {
        let mut out = Vec::new();
        for kv in self.tree(tx::CHILDREN).scan_prefix(keys::child_prefix(kind, project)) {
            let (k, _) = kv.map_err(in_store)?;
            if let Some(id) = keys::read_id(&k[9..]) {
                out.push(id);
            }
        }
        Ok(out)
    }

    pub fn projects(&self) -> Result<Vec<Project>> {
        self.scan(self.tree(tx::PROJECTS), "项目")
    }

    pub fn project_by_code(&self, code: &str) -> Result<Project> {
        let id = self
            .tree(tx::CODES)
            .get(code.trim().as_bytes())
            .map_err(in_store)?
            .and_then(|v| keys::read_id(&v))
            .ok_or_else(|| Error::not_found("项目", code))?;
        self.project(id)
    }

    pub fn project(&self, id: u64) -> Result<Project> {
        self.get(tx::PROJECTS, &keys::id(id), &format!("项目 #{id}"))?.ok_or_else(|| Error::not_found("项目", format!("#{id}")))
    }

    pub fn tree_of(&self, project: u64) -> Result<IndicatorTree> {
        self.get(tx::TREES, &keys::id(project), &format!("指标体系 #{project}"))?
            .ok_or_else(|| Error::not_found("指标体系", format!("项目 #{project}")))
    }

    pub fn findings_of(&self, project: u64) -> Result<Vec<Finding>> {
        self.child_ids(keys::CHILD_FINDING, project)?.into_iter().map(|id| self.finding(id)).collect()
    }

    pub fn finding(&self, id: u64) -> Result<Finding> {
        self.get(tx::FINDINGS, &keys::id(id), &format!("问题 #{id}"))?.ok_or_else(|| Error::not_found("问题", format!("#{id}")))
    }

    pub fn items_of(&self, project: u64) -> Result<Vec<RectItem>> {
        self.child_ids(keys::CHILD_ITEM, project)?.into_iter().map(|id| self.item(id)).collect()
    }

    pub fn item(&self, id: u64) -> Result<RectItem> {
        self.get(tx::ITEMS, &keys::id(id), &format!("整改事项 #{id}"))?.ok_or_else(|| Error::not_found("整改事项", format!("#{id}")))
    }

    pub fn all_items(&self) -> Result<Vec<RectItem>> {
        self.scan(self.tree(tx::ITEMS), "整改事项")
    }

    pub fn responses_of(&self, item: u64) -> Result<Vec<Response>> {
        let mut out = Vec::new();
        for kv in self.tree(tx::RESPONSES).scan_prefix(keys::id(item)) {
            let (_, v) = kv.map_err(in_store)?;
            out.push(decode(&v, &format!("整改事项 #{item} 的记录"))?);
        }
        Ok(out)
    }

    pub fn notices_of(&self, project: u64) -> Result<Vec<Notice>> {
        self.child_ids(keys::CHILD_NOTICE, project)?
            .into_iter()
            .map(|id| {
                self.get(tx::NOTICES, &keys::id(id), &format!("通知书 #{id}"))?.ok_or_else(|| Error::not_found("通知书", format!("#{id}")))
            })
            .collect()
    }

    pub fn notice_by_number(&self, number: &str) -> Result<Notice> {
        let id = self
            .tree(tx::NOTICE_NUMBERS)
            .get(number.trim().as_bytes())
            .map_err(in_store)?
            .and_then(|v| keys::read_id(&v))
            .ok_or_else(|| Error::not_found("通知书", number))?;
        self.get(tx::NOTICES, &keys::id(id), &format!("通知书 #{id}"))?.ok_or_else(|| Error::not_found("通知书", number))
    }

    /// A notice under its number, else under its id typed as digits.
    pub fn notice_by_number_or_id(&self, number: &str) -> Result<Notice> {
        match (self.notice_by_number(number), number.trim().parse::<u64>()) {
            (Err(Error::NotFound { .. }), Ok(id)) => {
                self.get(tx::NOTICES, &keys::id(id), &format!("通知书 #{id}"))?.ok_or_else(|| Error::not_found("通知书", number))
            }
            (other, _) => other,
        }
    }

    /// The copy of a notice kept when it was issued; `None` for a notice issued before jixiao
    /// kept copies. An unknown number is `NotFound`.
    pub fn issued_notice(&self, number: &str) -> Result<Option<IssuedNotice>> {
        let n = self.notice_by_number_or_id(number)?;
        self.issued_copy(n.id)
    }

    fn issued_copy(&self, id: u64) -> Result<Option<IssuedNotice>> {
        self.get(tx::ISSUED, &keys::id(id), &format!("通知书 #{id} 的下发留存副本"))
    }

    /// A project's evaluation report, if anything was written or issued.
    pub fn report_of(&self, project: u64) -> Result<Option<crate::domain::report::Report>> {
        self.get(tx::REPORTS, &keys::id(project), &format!("项目 #{project} 的评价报告"))
    }

    /// A project's issued report revisions as printed, oldest first.
    pub fn report_issues_of(&self, project: u64) -> Result<Vec<crate::read::report::IssuedReport>> {
        let mut out = Vec::new();
        for kv in self.tree(tx::REPORT_ISSUES).scan_prefix(keys::id(project)) {
            let (_, v) = kv.map_err(in_store)?;
            out.push(decode(&v, &format!("项目 #{project} 的已出具报告"))?);
        }
        Ok(out)
    }

    /// A project's review chains (by node) and its quality reviewer.
    pub fn reviews_of(&self, project: u64) -> Result<crate::domain::review::ProjectReviews> {
        let mut chains = Vec::new();
        for kv in self.tree(tx::REVIEWS).scan_prefix(keys::id(project)) {
            let (_, v) = kv.map_err(in_store)?;
            chains.push(decode(&v, &format!("项目 #{project} 的复核记录"))?);
        }
        let quality_reviewer = self.get(tx::META, &tx::quality_reviewer_key(project), &format!("项目 #{project} 的质量复核人"))?;
        Ok(crate::domain::review::ProjectReviews { chains, quality_reviewer })
    }

    /// One issued revision as printed.
    pub fn report_issue(&self, project: u64, revision: u32) -> Result<Option<crate::read::report::IssuedReport>> {
        self.get(tx::REPORT_ISSUES, &tx::report_issue_key(project, revision), &format!("项目 #{project} 的评价报告第 {revision} 版"))
    }

    /// The dossiers archiving wrote for a project, oldest first.
    pub fn dossiers_of(&self, project: u64) -> Result<Vec<crate::domain::project::DossierNote>> {
        Ok(self.get(tx::META, &tx::dossier_key(project), &format!("项目 #{project} 的归档包记录"))?.unwrap_or_default())
    }

    /// A project's self-evaluation form (empty when none was written).
    pub fn form_of(&self, project: u64) -> Result<crate::domain::form::Form> {
        let found = self.get(tx::FORMS, &keys::id(project), &format!("项目 #{project} 的自评表"))?;
        // None stored yet: an empty form at version 0, the version its first write expects.
        Ok(found.unwrap_or_else(|| {
            let mut form = crate::domain::form::Form::new(project, crate::domain::Meta::new("", chrono::DateTime::UNIX_EPOCH));
            form.meta.version = 0;
            form
        }))
    }

    /// A project's self-check overrides, oldest first.
    pub fn overrides_of(&self, project: u64) -> Result<Vec<crate::domain::selfcheck::Override>> {
        Ok(self.get(tx::OVERRIDES, &keys::id(project), &format!("项目 #{project} 的自检放行记录"))?.unwrap_or_default())
    }

    /// Milestones of a project, or the bureau-wide ones for `None`.
    pub fn milestones_of(&self, project: Option<u64>) -> Result<Vec<Milestone>> {
        self.child_ids(keys::CHILD_MILESTONE, project.unwrap_or(0))?
            .into_iter()
            .map(|id| {
                self.get(tx::MILESTONES, &keys::id(id), &format!("里程碑 #{id}"))?
                    .ok_or_else(|| Error::not_found("里程碑", format!("#{id}")))
            })
            .collect()
    }

    /// Every open deadline dated `until` or earlier (so every overdue one), in index order,
    /// from the covering index alone: no record is read. The decoded list is kept until the
    /// next command, so a server answers repeated `due` calls and dashboards without a scan.
    pub fn deadlines(&self, until: NaiveDate) -> Result<Vec<Deadline>> {
        Ok(self.all_deadlines()?.iter().take_while(|d| d.date <= until).map(|d| (**d).clone()).collect())
    }

    /// Every open deadline, in index order, shared with the cache (no copy).
    pub fn all_deadlines(&self) -> Result<super::Kept<Deadline>> {
        self.caches.get(&self.caches.deadlines, || self.scan_deadlines())
    }

    pub(super) fn scan_deadlines(&self) -> Result<Vec<std::sync::Arc<Deadline>>> {
        let mut out = Vec::new();
        for kv in self.tree(tx::DEADLINES).iter() {
            let (k, v) = kv.map_err(in_store)?;
            out.push(std::sync::Arc::new(deadline_of(&k, &v)?));
        }
        Ok(out)
    }

    /// The deadline index entry at one key, if any.
    pub(crate) fn deadline_at(&self, key: &[u8]) -> Result<Option<std::sync::Arc<Deadline>>> {
        match self.tree(tx::DEADLINES).get(key).map_err(in_store)? {
            Some(v) => deadline_of(key, &v).map(|d| Some(std::sync::Arc::new(d))),
            None => Ok(None),
        }
    }

    pub fn audit_log(&self) -> Result<Vec<AuditRecord>> {
        self.scan(self.audit_tree(), "审计记录")
    }

    /// The audit records that touched one indicator of a project, oldest first.
    pub fn indicator_history(&self, project: u64, node: u32) -> Result<Vec<AuditRecord>> {
        Ok(self.audit_log()?.into_iter().filter(|a| a.touched.iter().any(|t| t.id == project && t.node == Some(node))).collect())
    }

    /// The number counters under `seq/notice/` or `seq/report/`: (prefix, year, last).
    fn counters(&self, under: &[u8]) -> Result<Vec<NoticeCounter>> {
        let mut out = Vec::new();
        for kv in self.tree(tx::META).scan_prefix(under) {
            let (k, v) = kv.map_err(in_store)?;
            let text = String::from_utf8_lossy(&k[under.len()..]).to_string();
            if let Some((prefix, year)) = text.rsplit_once('/')
                && let (Ok(year), Some(last)) = (year.parse(), keys::read_id(&v))
            {
                out.push(NoticeCounter { prefix: prefix.to_string(), year, last: last as u32 });
            }
        }
        Ok(out)
    }

    /// Everything (or one project's records) as a bundle, in id order.
    pub fn export(&self, project: Option<&str>) -> Result<Bundle> {
        let mut b = Bundle::new(super::codec::SCHEMA);
        let projects = match project {
            Some(code) => vec![self.project_by_code(code)?],
            None => self.projects()?,
        };
        for p in &projects {
            b.trees.push(self.tree_of(p.id)?);
            b.findings.extend(self.findings_of(p.id)?);
            for it in self.items_of(p.id)? {
                b.responses.extend(self.responses_of(it.id)?);
                b.items.push(it);
            }
            for n in self.notices_of(p.id)? {
                b.issued.extend(self.issued_copy(n.id)?);
                b.notices.push(n);
            }
            b.milestones.extend(self.milestones_of(Some(p.id))?);
            b.reports.extend(self.report_of(p.id)?);
            b.report_issues.extend(self.report_issues_of(p.id)?);
            let reviews = self.reviews_of(p.id)?;
            b.reviews.extend(reviews.chains);
            if let Some(user) = reviews.quality_reviewer {
                b.quality_reviewers.push(crate::domain::review::QualityReviewer { project: p.id, user });
            }
            let form = self.form_of(p.id)?;
            if !form.is_empty() {
                b.forms.push(form);
            }
            let overrides = self.overrides_of(p.id)?;
            if !overrides.is_empty() {
                b.overrides.push(crate::read::bundle::ProjectOverrides { project: p.id, list: overrides });
            }
        }
        b.milestones.extend(self.milestones_of(None)?);
        b.projects = projects;
        b.compute_results();
        self.fill_self_checks(&mut b);
        b.milestones.sort_by_key(|m| m.id);
        b.notice_counters = self.counters(b"seq/notice/")?;
        b.report_counters = self.counters(b"seq/report/")?;
        b.categories = match self.tree(tx::META).get(CATEGORIES_KEY).map_err(in_store)? {
            Some(v) => Some(decode(&v, "问题类别")?),
            None => None,
        };
        for kv in self.tree(tx::META).scan_prefix(b"notice_prefix/") {
            let (k, v) = kv.map_err(in_store)?;
            if let Ok(year) = String::from_utf8_lossy(&k[b"notice_prefix/".len()..]).parse::<i32>() {
                b.notice_prefixes.push(crate::read::bundle::NoticePrefix { year, prefix: decode(&v, "发文字号前缀")? });
            }
        }
        for kv in self.tree(tx::META).scan_prefix(b"report_prefix/") {
            let (k, v) = kv.map_err(in_store)?;
            if let Ok(year) = String::from_utf8_lossy(&k[b"report_prefix/".len()..]).parse::<i32>() {
                b.report_prefixes.push(crate::read::bundle::NoticePrefix { year, prefix: decode(&v, "报告文号前缀")? });
            }
        }
        for kv in self.tree(tx::META).scan_prefix(b"budget_total/") {
            let (k, v) = kv.map_err(in_store)?;
            if let Ok(year) = String::from_utf8_lossy(&k[b"budget_total/".len()..]).parse::<i32>() {
                b.budget_totals.push(crate::read::bundle::BudgetTotal { year, amount: decode(&v, "预算总额")? });
            }
        }
        if project.is_none() {
            b.admins = self.admins()?;
        }
        let audit = self.audit_log()?;
        b.audit = match project {
            None => audit,
            Some(_) => {
                use crate::read::audit::RecordKind as K;
                let ids = |kind: K| -> std::collections::HashSet<u64> {
                    match kind {
                        K::Project | K::Tree | K::Indicator => b.projects.iter().map(|p| p.id).collect(),
                        K::Finding => b.findings.iter().map(|f| f.id).collect(),
                        K::Item | K::Response => b.items.iter().map(|i| i.id).collect(),
                        K::Notice => b.notices.iter().map(|n| n.id).collect(),
                        K::Milestone => b.milestones.iter().map(|m| m.id).collect(),
                        K::Report => b.reports.iter().map(|r| r.project).collect(),
                        K::Form => b.projects.iter().map(|p| p.id).collect(),
                    }
                };
                audit.into_iter().filter(|a| a.touched.iter().any(|t| ids(t.kind).contains(&t.id))).collect()
            }
        };
        Ok(b)
    }
}
