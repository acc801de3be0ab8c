//! The self-check computed where the records are: one project's records gathered (inside a
//! command's transaction for the gates, or straight from the trees for `check --project`),
//! with its self-evaluation form, the template facts, the outline and the 评分表's total row the pure rules need.

use super::Store;
use super::tx::{self, Tx};
use crate::domain::form::Form;
use crate::domain::outline::Outline;
use crate::domain::report::Report;
use crate::domain::selfcheck::{ProjectCheck, Records, Scope, TemplateFacts, run};
use crate::domain::{Finding, IndicatorTree, Notice, Project, ProjectKind, RectItem, Result};
use crate::read::report::{RowKind, score_rows};
use crate::read::summary::Summary;
use crate::templates::Templates;
use std::collections::HashMap;
use std::sync::Arc;

/// The template facts and outlines records are completed with, each made once: a
/// whole-store check shares them between the projects of a template or a kind.
#[derive(Default)]
pub struct Shared {
    facts: HashMap<String, Arc<TemplateFacts>>,
    outlines: HashMap<ProjectKind, Option<Arc<Outline>>>,
}

impl Shared {
    /// The records of one project, completed with what the rules need besides.
    pub fn records(&mut self, templates: &Templates, parts: Parts) -> Records {
        let Parts { project, tree, findings, items, notices, report, form } = parts;
        // A template no longer known (a user file removed) falls back to the tree's own total
        // with no fixed weights; that is per tree, so it is not shared.
        let template = match (self.facts.get(&project.template), templates.get(&project.template)) {
            (Some(f), _) => f.clone(),
            (None, Ok(t)) => self.facts.entry(project.template.clone()).or_insert_with(|| Arc::new(t.facts())).clone(),
            (None, Err(_)) => Arc::new(TemplateFacts { name: project.template.clone(), total: tree.total, fixed: vec![] }),
        };
        let outline = self
            .outlines
            .entry(project.kind)
            .or_insert_with(|| templates.outlines().for_kind(project.kind).ok().cloned().map(Arc::new))
            .clone();
        let score_table_total = score_rows(&tree).iter().rev().find(|r| r.kind == RowKind::Total).and_then(|r| r.score);
        let form = form.filter(|f| !f.is_empty());
        Records { project, tree, template, findings, items, notices, report, outline, score_table_total, form }
    }
}

/// One project's records as read.
pub struct Parts {
    pub project: Project,
    pub tree: IndicatorTree,
    pub findings: Vec<Finding>,
    pub items: Vec<RectItem>,
    pub notices: Vec<Notice>,
    pub report: Option<Report>,
    /// The self-evaluation form, when one was written.
    pub form: Option<Form>,
}

/// Gathered inside a transaction (the gates): findings and items through the project's kept
/// summary, notices through the items.
pub fn gather_tx(tx: &Tx, templates: &Templates, p: &Project) -> Result<Records> {
    let summary: Summary = tx.get(tx::SUMMARIES, &super::keys::id(p.id), &format!("项目 #{} 的汇总", p.id))?.unwrap_or_default();
    let findings = summary.findings.keys().map(|id| tx.finding(*id)).collect::<Result<Vec<_>>>()?;
    let items = summary.item_states.keys().map(|id| tx.item(*id)).collect::<Result<Vec<_>>>()?;
    let mut notices: Vec<Notice> = Vec::new();
    for n in items.iter().filter_map(|it| it.notice) {
        if !notices.iter().any(|x| x.id == n) {
            notices.push(tx.notice(n)?);
        }
    }
    let parts =
        Parts { project: p.clone(), tree: tx.tree(p.id)?, findings, items, notices, report: tx.report(p.id)?, form: tx.form(p.id)? };
    Ok(Shared::default().records(templates, parts))
}

impl Store {
    /// `check --project`: every rule over the project's records, and its overrides.
    pub fn self_check(&self, code: &str) -> Result<ProjectCheck> {
        let p = self.project_by_code(code)?;
        let parts = Parts {
            project: p.clone(),
            tree: self.tree_of(p.id)?,
            findings: self.findings_of(p.id)?,
            items: self.items_of(p.id)?,
            notices: self.notices_of(p.id)?,
            report: self.report_of(p.id)?,
            form: Some(self.form_of(p.id)?),
        };
        let r = Shared::default().records(self.templates(), parts);
        Ok(ProjectCheck { check: run(&r, &Scope::All), overrides: self.overrides_of(p.id)? })
    }
}

impl Store {
    /// Each project's self-check in the bundle's results, from the bundle's own records (an
    /// export already holds every one of them; nothing is read twice).
    pub(crate) fn fill_self_checks(&self, b: &mut crate::read::bundle::Bundle) {
        use crate::read::bundle::SelfCheckResult;
        let trees: HashMap<u64, &IndicatorTree> = b.trees.iter().map(|t| (t.project, t)).collect();
        let reports: HashMap<u64, &Report> = b.reports.iter().map(|r| (r.project, r)).collect();
        let forms: HashMap<u64, &Form> = b.forms.iter().map(|f| (f.project, f)).collect();
        let notices: HashMap<u64, &Notice> = b.notices.iter().map(|n| (n.id, n)).collect();
        let mut findings: HashMap<u64, Vec<Finding>> = HashMap::new();
        for f in &b.findings {
            findings.entry(f.project).or_default().push(f.clone());
        }
        let mut items: HashMap<u64, Vec<RectItem>> = HashMap::new();
        for it in &b.items {
            items.entry(it.project).or_default().push(it.clone());
        }
        let by_code: HashMap<&str, &Project> = b.projects.iter().map(|p| (p.code.as_str(), p)).collect();
        let mut shared = Shared::default();
        let mut checks = HashMap::new();
        for r in &b.results {
            let Some(p) = by_code.get(r.project.as_str()) else { continue };
            let Some(tree) = trees.get(&p.id) else { continue };
            let its = items.remove(&p.id).unwrap_or_default();
            let mut ns: Vec<Notice> = Vec::new();
            for id in its.iter().filter_map(|i| i.notice) {
                if let Some(n) = notices.get(&id).filter(|_| !ns.iter().any(|x| x.id == id)) {
                    ns.push((*n).clone());
                }
            }
            let parts = Parts {
                project: (*p).clone(),
                tree: (*tree).clone(),
                findings: findings.remove(&p.id).unwrap_or_default(),
                items: its,
                notices: ns,
                report: reports.get(&p.id).map(|r| (*r).clone()),
                form: forms.get(&p.id).map(|f| (*f).clone()),
            };
            let check = run(&shared.records(self.templates(), parts), &Scope::All);
            let ids = |lines: Vec<&crate::domain::selfcheck::Line>| lines.into_iter().map(|l| l.id.clone()).collect();
            let result = SelfCheckResult {
                passed: !check.has_failures(),
                failures: ids(check.failures().collect()),
                warnings: ids(check.warnings().collect()),
            };
            checks.insert(r.project.clone(), result);
        }
        for r in &mut b.results {
            r.self_check = checks.remove(&r.project);
        }
    }
}
