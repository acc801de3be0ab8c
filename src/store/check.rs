//! `jixiao check`: decode every record, verify indexes, tree sums and the audit log.

use super::Store;
use super::codec::{SCHEMA, decode};
use super::keys;
use super::migrate::meta_is_encoded;
use super::tx::{self, DeadlineEntry};
use crate::domain::{Error, Finding, IndicatorTree, Milestone, Notice, Project, RectItem, Response};
use crate::read::audit::AuditRecord;
use crate::read::issued::IssuedNotice;
use crate::read::summary::Summary;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<String>,
    pub counts: Vec<(&'static str, usize)>,
    /// Codes of the projects whose self-check (DOMAIN.md §8) has failures.
    pub failing_self_checks: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

fn decode_all<T: DeserializeOwned + 'static>(tree: &sled::Tree, what: &str, report: &mut Report) -> Vec<(Vec<u8>, T)> {
    let mut out = Vec::new();
    for kv in tree.iter() {
        match kv {
            Ok((k, v)) => {
                crate::progress::at(what, &k);
                match decode_stored::<T>(&v, what, &k) {
                    Ok(x) => out.push((k.to_vec(), x)),
                    Err(problem) => report.problems.push(problem),
                }
            }
            Err(e) => report.problems.push(format!("{what}: 读取失败 {e}")),
        }
    }
    out
}

/// Decodes one stored value for `check`: a problem names the record by its key. A value
/// still of an older schema after the migration is a problem too (it has no checksum).
fn decode_stored<T: DeserializeOwned + 'static>(v: &[u8], what: &str, k: &[u8]) -> std::result::Result<T, String> {
    match decode::<T>(v, what) {
        Ok(_) if v.first().is_some_and(|b| *b < SCHEMA) => {
            Err(format!("{what} key {}: 仍是第 {} 版格式，没有校验和 (not migrated)", hex(k), v[0]))
        }
        Ok(x) => Ok(x),
        Err(Error::Corrupt { message, .. }) => Err(format!("{what} key {}: 已损坏 (corrupt)：{message}", hex(k))),
        Err(e) => Err(format!("{what} key {}: {e}", hex(k))),
    }
}

/// The settings in the meta tree (the only codec-encoded values there).
fn check_meta(meta: &sled::Tree, report: &mut Report) {
    for kv in meta.iter() {
        let Ok((k, v)) = kv else { continue };
        if !meta_is_encoded(&k) {
            continue;
        }
        crate::progress::at("设置", &k);
        let name = String::from_utf8_lossy(&k).to_string();
        let what = format!("设置“{name}”");
        let decoded = if k.starts_with(b"budget_total/") || k.starts_with(b"notice_prefix/") || k.starts_with(b"report_prefix/") {
            decode_stored::<String>(&v, &what, &k).map(drop)
        } else if k.starts_with(tx::DOSSIERS) {
            decode_stored::<Vec<crate::domain::project::DossierNote>>(&v, &what, &k).map(drop)
        } else {
            decode_stored::<Vec<String>>(&v, &what, &k).map(drop)
        };
        if let Err(problem) = decoded {
            report.problems.push(problem);
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Store {
    pub fn check(&self) -> Report {
        let mut r = Report::default();
        r.problems.extend(self.templates().problems().iter().map(|p| format!("模板 {p}")));
        let projects: Vec<(Vec<u8>, Project)> = decode_all(self.tree(tx::PROJECTS), "项目", &mut r);
        let trees: Vec<(Vec<u8>, IndicatorTree)> = decode_all(self.tree(tx::TREES), "指标体系", &mut r);
        let findings: Vec<(Vec<u8>, Finding)> = decode_all(self.tree(tx::FINDINGS), "问题", &mut r);
        let items: Vec<(Vec<u8>, RectItem)> = decode_all(self.tree(tx::ITEMS), "整改事项", &mut r);
        let responses: Vec<(Vec<u8>, Response)> = decode_all(self.tree(tx::RESPONSES), "整改记录", &mut r);
        let notices: Vec<(Vec<u8>, Notice)> = decode_all(self.tree(tx::NOTICES), "通知书", &mut r);
        let issued: Vec<(Vec<u8>, IssuedNotice)> = decode_all(self.tree(tx::ISSUED), "通知书留存副本", &mut r);
        let milestones: Vec<(Vec<u8>, Milestone)> = decode_all(self.tree(tx::MILESTONES), "里程碑", &mut r);
        let deadlines: Vec<(Vec<u8>, DeadlineEntry)> = decode_all(self.tree(tx::DEADLINES), "期限索引", &mut r);
        let audit: Vec<(Vec<u8>, AuditRecord)> = decode_all(self.audit_tree(), "审计记录", &mut r);
        let summaries: Vec<(Vec<u8>, Summary)> = decode_all(self.tree(tx::SUMMARIES), "汇总索引", &mut r);
        check_meta(self.tree(tx::META), &mut r);
        crate::progress::at("索引与汇总", &[]);

        let key_matches = |k: &[u8], id: u64| keys::read_id(k) == Some(id);
        let pids: HashSet<u64> = projects.iter().map(|(_, p)| p.id).collect();
        for (k, p) in &projects {
            if !key_matches(k, p.id) {
                r.problems.push(format!("项目 #{}: 键与 id 不符", p.id));
            }
            if let Err(e) = p.validate() {
                r.problems.push(format!("项目 #{}: {e}", p.id));
            }
            match self.tree(tx::CODES).get(p.code.as_bytes()) {
                Ok(Some(v)) if keys::read_id(&v) == Some(p.id) => {}
                _ => r.problems.push(format!("项目 #{}: 编号索引缺少“{}”", p.id, p.code)),
            }
        }
        for kv in self.tree(tx::CODES).iter().flatten() {
            let id = keys::read_id(&kv.1).unwrap_or(0);
            if !pids.contains(&id) {
                r.problems.push(format!("编号索引“{}”指向不存在的项目 #{id}", String::from_utf8_lossy(&kv.0)));
            }
        }
        let tree_pids: HashSet<u64> = trees.iter().map(|(_, t)| t.project).collect();
        for (_, t) in &trees {
            for problem in t.problems() {
                r.problems.push(format!("项目 #{} 的指标体系: {problem}", t.project));
            }
            if !pids.contains(&t.project) {
                r.problems.push(format!("指标体系属于不存在的项目 #{}", t.project));
            }
        }
        for p in pids.difference(&tree_pids) {
            r.problems.push(format!("项目 #{p} 没有指标体系"));
        }

        // The children index must list exactly the records that name a project.
        let mut expected_children: BTreeSet<Vec<u8>> = BTreeSet::new();
        for (_, f) in &findings {
            expected_children.insert(keys::child(keys::CHILD_FINDING, f.project, f.id).to_vec());
            if !pids.contains(&f.project) {
                r.problems.push(format!("问题 #{}: 项目 #{} 不存在", f.id, f.project));
            }
            if let Err(e) = f.body.validate(&f.label()) {
                r.problems.push(e.to_string());
            }
        }
        let fids: HashSet<u64> = findings.iter().map(|(_, f)| f.id).collect();
        for (_, it) in &items {
            expected_children.insert(keys::child(keys::CHILD_ITEM, it.project, it.id).to_vec());
            if !fids.contains(&it.finding) {
                r.problems.push(format!("整改事项 #{}: 问题 #{} 不存在", it.id, it.finding));
            }
            if let Err(e) = it.validate() {
                r.problems.push(e.to_string());
            }
        }
        for (_, n) in &notices {
            expected_children.insert(keys::child(keys::CHILD_NOTICE, n.project, n.id).to_vec());
            match self.tree(tx::NOTICE_NUMBERS).get(n.number.as_bytes()) {
                Ok(Some(v)) if keys::read_id(&v) == Some(n.id) => {}
                _ => r.problems.push(format!("通知书 #{}: 编号索引缺少“{}”", n.id, n.number)),
            }
            if let Err(e) = n.validate() {
                r.problems.push(e.to_string());
            }
        }
        // Each issued copy belongs to its notice and still hashes to what was recorded.
        let numbers: HashMap<u64, &str> = notices.iter().map(|(_, n)| (n.id, n.number.as_str())).collect();
        for (k, copy) in &issued {
            let id = keys::read_id(k).unwrap_or(0);
            let number = &copy.doc.notice.number;
            match numbers.get(&id) {
                None => r.problems.push(format!("通知书留存副本 key {}（{number}）: 对应的通知书 #{id} 不存在", hex(k))),
                Some(n) if *n != number => {
                    r.problems.push(format!("通知书留存副本 key {}: 是 {number} 的，却挂在通知书 #{id}（{n}）下", hex(k)))
                }
                Some(_) => {}
            }
            match copy.verified_text() {
                Ok(_) => {}
                Err(Error::Corrupt { message, .. }) => {
                    r.problems.push(format!("通知书留存副本 key {}: 已损坏 (corrupt)：{message}", hex(k)))
                }
                Err(e) => r.problems.push(format!("通知书留存副本 key {}: {e}", hex(k))),
            }
        }
        for (_, m) in &milestones {
            expected_children.insert(keys::child(keys::CHILD_MILESTONE, m.project.unwrap_or(0), m.id).to_vec());
            // A date outside the calendar (written before the rule) breaks the deadline index.
            if let Err(e) = m.validate() {
                r.problems.push(e.to_string());
            }
        }
        let actual_children: BTreeSet<Vec<u8>> = self.tree(tx::CHILDREN).iter().flatten().map(|(k, _)| k.to_vec()).collect();
        for k in expected_children.difference(&actual_children) {
            r.problems.push(format!("下级索引缺少 {}", hex(k)));
        }
        for k in actual_children.difference(&expected_children) {
            r.problems.push(format!("下级索引多出 {}", hex(k)));
        }
        // The derived trees (deadline index, summaries) must match what the records say.
        let actual: HashMap<u64, Summary> = summaries.into_iter().map(|(k, s)| (keys::read_id(&k).unwrap_or(0), s)).collect();
        match self.expected_derived() {
            Ok(expected) => {
                let actual_deadlines: BTreeMap<Vec<u8>, DeadlineEntry> = deadlines.into_iter().collect();
                for (k, want) in &expected.deadlines {
                    match actual_deadlines.get(k) {
                        None => r.problems.push(format!("期限索引缺少 {}", hex(k))),
                        Some(got) if got != want => r.problems.push(format!("期限索引 {} 与记录不符", hex(k))),
                        Some(_) => {}
                    }
                }
                for k in actual_deadlines.keys().filter(|k| !expected.deadlines.contains_key(*k)) {
                    r.problems.push(format!("期限索引多出 {}", hex(k)));
                }
                for (id, want) in &expected.summaries {
                    if actual.get(id) != Some(want) {
                        r.problems.push(format!("项目 #{id} 的汇总与记录不符（运行中的汇总索引需要重建）"));
                    }
                }
                for id in actual.keys().filter(|id| !expected.summaries.contains_key(id)) {
                    r.problems.push(format!("汇总索引多出项目 #{id}"));
                }
            }
            Err(e) => r.problems.push(format!("汇总索引：{e}")),
        }
        r.problems.extend(self.kept_list_problems());

        // Responses: each item's history numbered 1, 2, 3 … without gaps.
        let iids: HashSet<u64> = items.iter().map(|(_, i)| i.id).collect();
        let mut per_item: HashMap<u64, Vec<u32>> = HashMap::new();
        for (_, resp) in &responses {
            if !iids.contains(&resp.item) {
                r.problems.push(format!("整改记录属于不存在的事项 #{}", resp.item));
            }
            per_item.entry(resp.item).or_default().push(resp.seq);
        }
        for (item, seqs) in per_item {
            if seqs.iter().enumerate().any(|(i, s)| *s as usize != i + 1) {
                r.problems.push(format!("整改事项 #{item} 的记录序号不连续：{seqs:?}"));
            }
        }

        // Remembered answers decode (a retry would otherwise meet a corrupt one).
        for kv in self.tree(tx::REQUESTS).scan_prefix(b"r") {
            match kv {
                Ok((k, v)) => {
                    if let Err(e) = decode::<super::requests::Remembered>(&v, "请求的回复") {
                        r.problems.push(format!("请求的回复 key {}: {e}", hex(&k)));
                    }
                }
                Err(e) => r.problems.push(format!("请求的回复: 读取失败 {e}")),
            }
        }

        // The audit log: ids match their keys and increase.
        let mut last = 0;
        for (k, a) in &audit {
            if !key_matches(k, a.id) || a.id <= last {
                r.problems.push(format!("审计记录 #{}: 键或序号错乱", a.id));
            }
            last = a.id;
        }
        // The hash chain (`chain.rs`): the first record that breaks it.
        let links: Vec<(Vec<u8>, super::chain::Link)> = decode_all(self.tree(tx::CHAIN), "审计链", &mut r);
        let records: Vec<AuditRecord> = audit.into_iter().map(|(_, a)| a).collect();
        let links: Vec<super::chain::Link> = links.into_iter().map(|(_, l)| l).collect();
        match self.chain_head() {
            Ok(head) => r.problems.extend(super::chain::problem(&records, &links, head)),
            Err(e) => r.problems.push(format!("审计日志的链头：{e}")),
        }

        // Reports: each belongs to a project; each issued revision still prints what it printed.
        let reports: Vec<(Vec<u8>, crate::domain::report::Report)> = decode_all(self.tree(tx::REPORTS), "评价报告", &mut r);
        let issues: Vec<(Vec<u8>, crate::read::report::IssuedReport)> = decode_all(self.tree(tx::REPORT_ISSUES), "已出具报告", &mut r);
        for (_, rep) in &reports {
            if !pids.contains(&rep.project) {
                r.problems.push(format!("评价报告属于不存在的项目 #{}", rep.project));
            }
            for rev in &rep.revisions {
                if !issues.iter().any(|(_, i)| i.project == rep.project && i.revision == rev.revision) {
                    r.problems.push(format!("项目 #{} 的评价报告第 {} 版缺少出具时的内容", rep.project, rev.revision));
                }
            }
        }
        for (_, issued) in &issues {
            let recorded = reports.iter().find(|(_, rep)| rep.project == issued.project).and_then(|(_, rep)| rep.revision(issued.revision));
            match recorded {
                None => r.problems.push(format!("已出具报告：项目 #{} 第 {} 版不在报告记录中", issued.project, issued.revision)),
                Some(rev) if rev.sha256 != issued.sha256 => {
                    r.problems.push(format!("项目 #{} 的评价报告第 {} 版：sha256 与报告记录不符", issued.project, issued.revision))
                }
                Some(_) => {
                    if let Err(m) = issued.markdown() {
                        r.problems.push(format!("项目 #{} 的评价报告：{m}", issued.project));
                    }
                }
            }
        }

        // Review chains: each belongs to a project and is keyed by its own (project, node).
        let reviews: Vec<(Vec<u8>, crate::domain::review::ReviewChain)> = decode_all(self.tree(tx::REVIEWS), "复核记录", &mut r);
        for (k, c) in &reviews {
            if !pids.contains(&c.project) {
                r.problems.push(format!("复核记录属于不存在的项目 #{}", c.project));
            }
            if k.as_slice() != keys::review(c.project, c.node).as_slice() {
                r.problems.push(format!("项目 #{} 指标 #{} 的复核记录：键错乱", c.project, c.node));
            }
        }

        let overrides: Vec<(Vec<u8>, Vec<crate::domain::selfcheck::Override>)> =
            decode_all(self.tree(tx::OVERRIDES), "自检放行记录", &mut r);
        for (k, _) in &overrides {
            let id = keys::read_id(k).unwrap_or(0);
            if !pids.contains(&id) {
                r.problems.push(format!("自检放行记录属于不存在的项目 #{id}"));
            }
        }
        // Forms: keyed by their project, each row on a leaf of that project's tree.
        let forms: Vec<(Vec<u8>, crate::domain::form::Form)> = decode_all(self.tree(tx::FORMS), "自评表", &mut r);
        for (k, f) in &forms {
            if k.as_slice() != keys::id(f.project).as_slice() {
                r.problems.push(format!("项目 #{} 的自评表：键错乱", f.project));
            }
            match trees.iter().find(|(_, t)| t.project == f.project) {
                Some((_, t)) => r.problems.extend(f.problems(t).into_iter().map(|m| format!("项目 #{} 的自评表：{m}", f.project))),
                None => r.problems.push(format!("自评表属于不存在的项目 #{}", f.project)),
            }
        }
        r.counts = vec![
            ("项目", projects.len()),
            ("指标体系", trees.len()),
            ("问题", findings.len()),
            ("整改事项", items.len()),
            ("整改记录", responses.len()),
            ("通知书", notices.len()),
            ("通知书留存副本", issued.len()),
            ("里程碑", milestones.len()),
            ("评价报告", reports.len()),
            ("自评表", forms.len()),
            ("复核记录", reviews.len()),
            ("审计记录", records.len()),
        ];
        crate::progress::at("自检", &[]);
        let notices = notices.into_iter().map(|(_, n)| n).collect();
        let forms = forms.into_iter().map(|(_, f)| f).collect();
        r.failing_self_checks = self.failing_self_checks(projects, trees, findings, items, notices, reports, forms);
        r
    }

    /// The projects whose self-check fails, from the records `check` decoded anyway: the
    /// rules are arithmetic over them, so the summary line costs no extra reads. One argument
    /// per record kind, as `check` decoded it.
    #[allow(clippy::too_many_arguments)]
    fn failing_self_checks(
        &self,
        projects: Vec<(Vec<u8>, Project)>,
        trees: Vec<(Vec<u8>, IndicatorTree)>,
        findings: Vec<(Vec<u8>, Finding)>,
        items: Vec<(Vec<u8>, RectItem)>,
        notices: Vec<Notice>,
        reports: Vec<(Vec<u8>, crate::domain::report::Report)>,
        forms: Vec<crate::domain::form::Form>,
    ) -> Vec<String> {
        use crate::domain::selfcheck::{Scope, run};
        let mut trees: HashMap<u64, IndicatorTree> = trees.into_iter().map(|(_, t)| (t.project, t)).collect();
        let mut reports: HashMap<u64, crate::domain::report::Report> = reports.into_iter().map(|(_, r)| (r.project, r)).collect();
        let mut forms: HashMap<u64, crate::domain::form::Form> = forms.into_iter().map(|f| (f.project, f)).collect();
        let mut by_project: HashMap<u64, (Vec<Finding>, Vec<RectItem>)> = HashMap::new();
        for (_, f) in findings {
            by_project.entry(f.project).or_default().0.push(f);
        }
        for (_, it) in items {
            by_project.entry(it.project).or_default().1.push(it);
        }
        let notices: HashMap<u64, Notice> = notices.into_iter().map(|n| (n.id, n)).collect();
        let mut failing = Vec::new();
        let mut shared = super::selfcheck::Shared::default();
        for (_, p) in projects {
            // A project without a tree is a problem `check` already names.
            let Some(tree) = trees.remove(&p.id) else { continue };
            let (f, it) = by_project.remove(&p.id).unwrap_or_default();
            let mut ns: Vec<Notice> = Vec::new();
            for id in it.iter().filter_map(|i| i.notice) {
                if let Some(n) = notices.get(&id).filter(|_| !ns.iter().any(|x| x.id == id)) {
                    ns.push(n.clone());
                }
            }
            let (code, report) = (p.code.clone(), reports.remove(&p.id));
            let form = forms.remove(&p.id);
            let parts = super::selfcheck::Parts { project: p, tree, findings: f, items: it, notices: ns, report, form };
            let rec = shared.records(self.templates(), parts);
            if run(&rec, &Scope::All).has_failures() {
                failing.push(code);
            }
        }
        failing.sort();
        failing
    }
}
