//! Importing a bundle: every record is checked first, then all are written in the same
//! transaction, so a bad record leaves the store unchanged.
//!
//! Rules: a project code already in the store is refused (naming the codes) unless
//! `merge`; with `merge` such projects and everything under them are skipped and the
//! store's copy is kept. Ids are kept when free (so export → import into an empty store
//! round-trips exactly); when any id of a kind is taken, that kind gets fresh ids and every
//! reference is rewritten. A notice number already in the store is refused. Bureau-wide
//! milestones with the same title and date as an existing one are skipped.

use super::Ctx;
use super::apply::Applied;
use super::codec::SCHEMA;
use super::keys;
use super::tx::{self, Tx};
use crate::command::Outcome;
use crate::domain::{Error, Result};
use crate::read::audit::{AuditRecord, RecordKind, Touch};
use crate::read::bundle::{Bundle, FORMAT};
use std::collections::{HashMap, HashSet};

pub fn import_bundle(tx: &Tx, ctx: &Ctx, bundle: &Bundle, merge: bool) -> Result<Applied> {
    validate(bundle)?;
    let source = bundle_sha256(bundle);
    let mut b = bundle.clone();

    // Codes that exist: refuse, or with merge skip those projects and all under them.
    let mut taken = Vec::new();
    for p in &b.projects {
        if tx.code_taken(&p.code)? {
            taken.push(p.code.clone());
        }
    }
    if !taken.is_empty() && !merge {
        return Err(Error::AlreadyExists { what: "项目编号".into(), key: taken.join("、") });
    }
    let skipped: HashSet<u64> = b.projects.iter().filter(|p| taken.contains(&p.code)).map(|p| p.id).collect();
    b.projects.retain(|p| !skipped.contains(&p.id));
    b.trees.retain(|t| !skipped.contains(&t.project));
    b.findings.retain(|f| !skipped.contains(&f.project));
    let kept_items: HashSet<u64> = b.items.iter().filter(|i| !skipped.contains(&i.project)).map(|i| i.id).collect();
    b.items.retain(|i| kept_items.contains(&i.id));
    b.responses.retain(|r| kept_items.contains(&r.item));
    b.notices.retain(|n| !skipped.contains(&n.project));
    let numbers: HashSet<String> = b.notices.iter().map(|n| n.number.clone()).collect();
    b.issued.retain(|c| numbers.contains(&c.doc.notice.number));
    b.reports.retain(|r| !skipped.contains(&r.project));
    b.report_issues.retain(|r| !skipped.contains(&r.project));
    b.reviews.retain(|r| !skipped.contains(&r.project));
    b.quality_reviewers.retain(|q| !skipped.contains(&q.project));
    b.overrides.retain(|o| !skipped.contains(&o.project));
    b.forms.retain(|f| !skipped.contains(&f.project));
    b.milestones.retain(|m| m.project.is_none_or(|p| !skipped.contains(&p)));
    let existing_bureau = bureau_milestones(tx, &b)?;
    let before_dedupe = b.milestones.len();
    b.milestones.retain(|m| m.project.is_some() || !existing_bureau.contains(&(m.title.clone(), m.due)));
    if !skipped.is_empty() || b.milestones.len() != before_dedupe {
        // Only the history of what is imported comes along.
        let kept = Kept::of(&b);
        b.audit.retain(|a| a.touched.iter().any(|t| kept.has(t)));
    }

    // Fresh ids for any kind whose ids collide with the store's.
    let projects = remap(tx, tx::PROJECTS, b"seq/project", b.projects.iter().map(|p| p.id))?;
    let findings = remap(tx, tx::FINDINGS, b"seq/finding", b.findings.iter().map(|f| f.id))?;
    let items = remap(tx, tx::ITEMS, b"seq/item", b.items.iter().map(|i| i.id))?;
    let notices = remap(tx, tx::NOTICES, b"seq/notice", b.notices.iter().map(|n| n.id))?;
    let milestones = remap(tx, tx::MILESTONES, b"seq/milestone", b.milestones.iter().map(|m| m.id))?;
    let pm = |id: u64| projects.get(&id).copied().unwrap_or(id);
    let fm = |id: u64| findings.get(&id).copied().unwrap_or(id);
    let im = |id: u64| items.get(&id).copied().unwrap_or(id);
    let nm = |id: u64| notices.get(&id).copied().unwrap_or(id);

    let mut touched = Vec::new();
    for p in &mut b.projects {
        p.id = pm(p.id);
        tx.put_project(None, p)?;
        touched.push(Touch { kind: RecordKind::Project, id: p.id, node: None, before: 0, after: p.meta.version });
    }
    for t in &mut b.trees {
        t.project = pm(t.project);
        for n in &mut t.nodes {
            if let Some(s) = &mut n.score
                && let crate::domain::ScoreInput::Deduction { deductions } = &mut s.input
            {
                for d in deductions {
                    d.finding = d.finding.map(fm);
                }
            }
        }
        tx.put_tree(t)?;
    }
    for f in &mut b.findings {
        f.id = fm(f.id);
        f.project = pm(f.project);
        tx.bump_seq(&tx::finding_counter(f.project), f.seq as u64)?;
        tx.put_finding(f)?;
    }
    for it in &mut b.items {
        it.id = im(it.id);
        it.project = pm(it.project);
        it.finding = fm(it.finding);
        it.notice = it.notice.map(nm);
        tx.put_item(None, it)?;
    }
    for r in &mut b.responses {
        r.item = im(r.item);
        tx.append_response(r)?;
    }
    for n in &mut b.notices {
        if tx.raw_get(tx::NOTICE_NUMBERS, n.number.as_bytes())?.is_some() {
            return Err(Error::AlreadyExists { what: "通知书编号".into(), key: n.number.clone() });
        }
        n.id = nm(n.id);
        n.project = pm(n.project);
        n.items = n.items.iter().map(|i| im(*i)).collect();
        tx.put_notice(n)?;
    }
    // The issued copies are kept as they are (their text and sha256 unchanged), under the id
    // their notice has here.
    for copy in &b.issued {
        let number = &copy.doc.notice.number;
        if let Some(n) = b.notices.iter().find(|n| n.number == *number) {
            tx.put_issued(n.id, copy)?;
        }
    }
    for m in &mut b.milestones {
        m.id = milestones.get(&m.id).copied().unwrap_or(m.id);
        m.project = m.project.map(pm);
        tx.put_milestone(None, m)?;
    }
    for r in &mut b.reports {
        r.project = pm(r.project);
        tx.put_report(r)?;
        if let Some(n) = &r.number {
            tx.bump_seq(&tx::report_counter(&n.prefix, n.year), n.seq as u64)?;
        }
    }
    for r in &mut b.report_issues {
        r.project = pm(r.project);
        tx.put_report_issue(r)?;
    }
    for c in &mut b.reviews {
        c.project = pm(c.project);
        tx.put_review_chain(c)?;
    }
    for q in &b.quality_reviewers {
        tx.set_quality_reviewer(pm(q.project), Some(&q.user))?;
    }
    for o in &mut b.overrides {
        o.project = pm(o.project);
        tx.put_overrides(o.project, &o.list)?;
    }
    for f in &mut b.forms {
        f.project = pm(f.project);
        tx.put_form(f)?;
    }
    for c in &b.report_counters {
        tx.bump_seq(&tx::report_counter(&c.prefix, c.year), c.last as u64)?;
    }
    for p in &b.report_prefixes {
        crate::domain::report::check_report_prefix(&p.prefix)
            .map_err(|m| Error::invalid(format!("{} 年的报告文号前缀", p.year), "prefix", m))?;
        let key = super::apply::report_prefix_key(p.year);
        if tx.raw_get(tx::META, &key)?.is_none() {
            tx.put(tx::META, &key, &p.prefix)?;
        }
    }
    // Settings come along where the store has none of its own (a merge keeps the store's).
    if let Some(list) = &b.categories
        && tx.raw_get(tx::META, super::read::CATEGORIES_KEY)?.is_none()
    {
        tx.raw_put(tx::META, super::read::CATEGORIES_KEY, &super::codec::encode(list))?;
    }
    for p in &b.notice_prefixes {
        super::apply::check_notice_prefix(&p.prefix).map_err(|m| Error::invalid(format!("{} 年的发文字号前缀", p.year), "prefix", m))?;
        let key = super::apply::notice_prefix_key(p.year);
        if tx.raw_get(tx::META, &key)?.is_none() {
            tx.put(tx::META, &key, &p.prefix)?;
        }
    }
    for t in &b.budget_totals {
        let amount =
            crate::domain::money::parse_amount(&t.amount).map_err(|m| Error::invalid(format!("{} 年度预算总额", t.year), "amount", m))?;
        let key = super::read::budget_total_key(t.year);
        if tx.raw_get(tx::META, &key)?.is_none() {
            tx.put(tx::META, &key, &crate::domain::money::fmt2(amount))?;
        }
    }
    for c in &b.notice_counters {
        tx.bump_seq(&tx::notice_counter(&c.prefix, c.year), c.last as u64)?;
    }
    for n in &b.notices {
        tx.bump_seq(&tx::notice_counter(number_prefix(&n.number), n.year), n.seq as u64)?;
    }
    // Admins come along where the store has none named (a backup restored).
    if !b.admins.is_empty() && super::roles::admins(tx)?.is_empty() {
        super::roles::set_admins(tx, &b.admins)?;
    }
    // The bundle's history is kept as imported history: numbered after the store's own,
    // attached to the records as they are numbered here, and marked with the bundle, the
    // importer and the time, so it never reads as something done in this store.
    let milestone_map = |id: u64| milestones.get(&id).copied().unwrap_or(id);
    for a in &b.audit {
        let touched: Vec<Touch> = a
            .touched
            .iter()
            .map(|t| {
                let id = match t.kind {
                    RecordKind::Project | RecordKind::Tree | RecordKind::Indicator => pm(t.id),
                    RecordKind::Finding => fm(t.id),
                    RecordKind::Item | RecordKind::Response => im(t.id),
                    RecordKind::Notice => nm(t.id),
                    RecordKind::Milestone => milestone_map(t.id),
                    RecordKind::Report | RecordKind::Form => pm(t.id),
                };
                Touch { id, ..t.clone() }
            })
            .collect();
        let original: serde_json::Value = serde_json::from_str(&a.command).unwrap_or(serde_json::Value::String(a.command.clone()));
        let command = serde_json::json!({
            "cmd": IMPORTED_HISTORY,
            "bundle_sha256": source,
            "original": {"id": a.id, "actor": a.actor, "at": a.at, "command": original},
        });
        let record =
            AuditRecord { id: tx.next_seq(b"seq/audit")?, actor: ctx.actor.clone(), at: ctx.now, command: command.to_string(), touched };
        super::chain::append(tx, &record)?;
    }
    Ok(Applied {
        outcome: Outcome {
            id: 0,
            version: 0,
            key: Some(format!("{} 个项目，跳过 {} 个", b.projects.len(), skipped.len())),
            score: None,
            audit: 0,
        },
        touched,
    })
}

/// The command name an imported history record carries in the audit log.
pub const IMPORTED_HISTORY: &str = "imported_history";

/// The sha256 of the bundle as `jixiao export` writes it (pretty JSON and a newline), so
/// for an exported file it equals `sha256sum FILE`.
fn bundle_sha256(b: &Bundle) -> String {
    use sha2::{Digest, Sha256};
    let mut json = serde_json::to_vec_pretty(b).unwrap_or_default();
    json.push(b'\n');
    Sha256::digest(&json).iter().map(|x| format!("{x:02x}")).collect()
}

/// The ids (as in the bundle) of the records being imported.
struct Kept {
    projects: HashSet<u64>,
    findings: HashSet<u64>,
    items: HashSet<u64>,
    notices: HashSet<u64>,
    milestones: HashSet<u64>,
}

impl Kept {
    fn of(b: &Bundle) -> Kept {
        Kept {
            projects: b.projects.iter().map(|p| p.id).collect(),
            findings: b.findings.iter().map(|f| f.id).collect(),
            items: b.items.iter().map(|i| i.id).collect(),
            notices: b.notices.iter().map(|n| n.id).collect(),
            milestones: b.milestones.iter().map(|m| m.id).collect(),
        }
    }

    fn has(&self, t: &Touch) -> bool {
        match t.kind {
            RecordKind::Project | RecordKind::Tree | RecordKind::Indicator => self.projects.contains(&t.id),
            RecordKind::Finding => self.findings.contains(&t.id),
            RecordKind::Item | RecordKind::Response => self.items.contains(&t.id),
            RecordKind::Notice => self.notices.contains(&t.id),
            RecordKind::Milestone => self.milestones.contains(&t.id),
            RecordKind::Report | RecordKind::Form => self.projects.contains(&t.id),
        }
    }
}

/// The prefix part of 财绩整〔2021〕3号.
fn number_prefix(number: &str) -> &str {
    number.split('〔').next().unwrap_or(number)
}

fn bureau_milestones(tx: &Tx, b: &Bundle) -> Result<HashSet<(String, chrono::NaiveDate)>> {
    let mut out = HashSet::new();
    for m in b.milestones.iter().filter(|m| m.project.is_none()) {
        if let Ok(existing) = tx.milestone(m.id)
            && existing.project.is_none()
        {
            out.insert((existing.title.clone(), existing.due));
        }
    }
    Ok(out)
}

/// Keeps ids when none is taken; otherwise maps each to a fresh one. Always raises the
/// counter past what is imported.
fn remap(tx: &Tx, tree: usize, counter: &[u8], ids: impl Iterator<Item = u64>) -> Result<HashMap<u64, u64>> {
    let ids: Vec<u64> = ids.collect();
    let mut any_taken = false;
    for id in &ids {
        if tx.raw_get(tree, &keys::id(*id))?.is_some() {
            any_taken = true;
            break;
        }
    }
    let mut map = HashMap::new();
    if any_taken {
        for id in ids {
            map.insert(id, tx.next_seq(counter)?);
        }
    } else if let Some(max) = ids.iter().max() {
        tx.bump_seq(counter, *max)?;
    }
    Ok(map)
}

/// Every record is checked before anything is written; the error names the record and field.
pub fn validate(b: &Bundle) -> Result<()> {
    if b.format != FORMAT {
        return Err(Error::invalid("导入文件", "format", format!("“{}”不是 jixiao 导出文件（应为 {FORMAT}）", b.format)));
    }
    if b.schema > SCHEMA {
        return Err(Error::SchemaTooNew { found: b.schema, supported: SCHEMA });
    }
    let mut codes = HashSet::new();
    let mut pids = HashSet::new();
    for p in &b.projects {
        p.validate()?;
        if !codes.insert(p.code.as_str()) {
            return Err(Error::invalid(p.label(), "code", "导入文件中编号重复"));
        }
        if !pids.insert(p.id) {
            return Err(Error::invalid(p.label(), "id", format!("导入文件中项目 id {} 重复", p.id)));
        }
    }
    let mut with_tree = HashSet::new();
    for t in &b.trees {
        let rec = format!("项目 #{} 的指标体系", t.project);
        if !pids.contains(&t.project) {
            return Err(Error::invalid(rec, "project", "所属项目不在导入文件中"));
        }
        if !with_tree.insert(t.project) {
            return Err(Error::invalid(rec, "project", "同一项目有两个指标体系"));
        }
        if let Some(problem) = t.structural_problems().into_iter().next() {
            return Err(Error::invalid(rec, "nodes", problem));
        }
    }
    if let Some(p) = b.projects.iter().find(|p| !with_tree.contains(&p.id)) {
        return Err(Error::invalid(p.label(), "tree", "缺少指标体系"));
    }
    let mut fids = HashSet::new();
    for f in &b.findings {
        if !pids.contains(&f.project) {
            return Err(Error::invalid(f.label(), "project", format!("项目 #{} 不在导入文件中", f.project)));
        }
        if !fids.insert(f.id) {
            return Err(Error::invalid(f.label(), "id", "导入文件中 id 重复"));
        }
        f.body.validate(&f.label())?;
    }
    let mut iids = HashSet::new();
    for it in &b.items {
        if !pids.contains(&it.project) {
            return Err(Error::invalid(it.label(), "project", format!("项目 #{} 不在导入文件中", it.project)));
        }
        if !fids.contains(&it.finding) {
            return Err(Error::invalid(it.label(), "finding", format!("问题 #{} 不在导入文件中", it.finding)));
        }
        if !iids.insert(it.id) {
            return Err(Error::invalid(it.label(), "id", "导入文件中 id 重复"));
        }
        it.validate()?;
    }
    let mut seqs = HashSet::new();
    for r in &b.responses {
        let rec = format!("整改事项 #{} 的第 {} 条记录", r.item, r.seq);
        if !iids.contains(&r.item) {
            return Err(Error::invalid(rec, "item", "所属事项不在导入文件中"));
        }
        if !seqs.insert((r.item, r.seq)) {
            return Err(Error::invalid(rec, "seq", "序号重复"));
        }
        for e in &r.evidence {
            e.validate(&rec)?;
        }
    }
    let mut numbers = HashSet::new();
    for n in &b.notices {
        n.validate()?;
        if !pids.contains(&n.project) {
            return Err(Error::invalid(n.label(), "project", "所属项目不在导入文件中"));
        }
        if !numbers.insert(n.number.as_str()) {
            return Err(Error::invalid(n.label(), "number", "导入文件中编号重复"));
        }
        if let Some(i) = n.items.iter().find(|i| !iids.contains(i)) {
            return Err(Error::invalid(n.label(), "items", format!("整改事项 #{i} 不在导入文件中")));
        }
    }
    let mut copies = HashSet::new();
    for copy in &b.issued {
        let number = copy.doc.notice.number.as_str();
        let rec = format!("通知书 {number} 的下发留存副本");
        if !numbers.contains(number) {
            return Err(Error::invalid(rec, "doc.notice.number", "导入文件中没有这份通知书"));
        }
        if !copies.insert(number) {
            return Err(Error::invalid(rec, "doc.notice.number", "导入文件中同一通知书有两份留存副本"));
        }
        // A copy whose text no longer hashes to what was recorded would be kept as damaged.
        copy.verified_text().map_err(|e| Error::invalid(rec, "text_sha256", format!("{e}；导入文件被改动过，请用原导出文件")))?;
    }
    validate_reports(b, &pids)?;
    for c in &b.reviews {
        let Some(t) = b.trees.iter().find(|t| t.project == c.project) else {
            return Err(Error::invalid(format!("项目 #{} 指标 #{} 的复核记录", c.project, c.node), "project", "所属项目不在导入文件中"));
        };
        if t.node(c.node).is_none() {
            return Err(Error::invalid(format!("项目 #{} 指标 #{} 的复核记录", c.project, c.node), "node", "指标体系中没有这个指标"));
        }
    }
    for q in &b.quality_reviewers {
        if !pids.contains(&q.project) {
            return Err(Error::invalid(format!("项目 #{} 的质量复核人", q.project), "project", "所属项目不在导入文件中"));
        }
    }
    let mut with_form = HashSet::new();
    for f in &b.forms {
        let rec = format!("项目 #{} 的自评表", f.project);
        let Some(t) = b.trees.iter().find(|t| t.project == f.project) else {
            return Err(Error::invalid(rec, "project", format!("项目 #{} 不在导入文件中", f.project)));
        };
        if !with_form.insert(f.project) {
            return Err(Error::invalid(rec, "project", "导入文件中同一项目有两份自评表：合并为一份"));
        }
        if let Some(problem) = f.problems(t).into_iter().next() {
            return Err(Error::invalid(rec, "rows", problem));
        }
    }
    let mut with_overrides = HashSet::new();
    for o in &b.overrides {
        let rec = format!("项目 #{} 的自检放行记录", o.project);
        if !pids.contains(&o.project) {
            return Err(Error::invalid(rec, "project", format!("项目 #{} 不在导入文件中", o.project)));
        }
        if !with_overrides.insert(o.project) {
            return Err(Error::invalid(rec, "project", "导入文件中同一项目有两份放行记录：合并为一份"));
        }
    }
    for m in &b.milestones {
        m.validate()?;
        if let Some(p) = m.project
            && !pids.contains(&p)
        {
            return Err(Error::invalid(format!("里程碑 #{}", m.id), "project", format!("项目 #{p} 不在导入文件中")));
        }
    }
    Ok(())
}

/// Reports belong to projects in the bundle, one each; every issued revision is listed by its
/// report and still renders to the sha256 recorded when it was issued.
fn validate_reports(b: &Bundle, pids: &HashSet<u64>) -> Result<()> {
    let mut with_report = HashSet::new();
    for r in &b.reports {
        let rec = format!("项目 #{} 的评价报告", r.project);
        if !pids.contains(&r.project) {
            return Err(Error::invalid(rec, "project", "所属项目不在导入文件中"));
        }
        if !with_report.insert(r.project) {
            return Err(Error::invalid(rec, "project", "同一项目有两份评价报告"));
        }
    }
    let mut seen = HashSet::new();
    for issued in &b.report_issues {
        let rec = format!("项目 #{} 的评价报告第 {} 版", issued.project, issued.revision);
        let listed = b.reports.iter().find(|r| r.project == issued.project).and_then(|r| r.revision(issued.revision));
        let Some(rev) = listed else {
            return Err(Error::invalid(rec, "revision", "报告记录中没有这一版"));
        };
        if !seen.insert((issued.project, issued.revision)) {
            return Err(Error::invalid(rec, "revision", "导入文件中重复"));
        }
        if rev.sha256 != issued.sha256 {
            return Err(Error::invalid(rec, "sha256", "与报告记录中的 sha256 不符"));
        }
        issued.markdown().map_err(|m| Error::invalid(&rec, "blocks", m))?;
    }
    Ok(())
}
