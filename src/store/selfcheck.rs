//! The self-check computed where the records are: one project's records gathered (inside a
//! command's transaction for the gates, or straight from the trees for `check --project`),
//! with the template facts, the outline and the 评分表's total row the pure rules need.

use super::Store;
use super::tx::{self, Tx};
use crate::domain::report::Report;
use crate::domain::selfcheck::{ProjectCheck, Records, Scope, TemplateFacts, run};
use crate::domain::{Finding, IndicatorTree, Notice, Project, RectItem, Result};
use crate::read::report::{RowKind, score_rows};
use crate::read::summary::Summary;
use crate::templates::Templates;

/// The template's facts; a template no longer known (a user file removed) falls back to the
/// tree's own total with no fixed weights.
pub fn facts(templates: &Templates, p: &Project, tree: &IndicatorTree) -> TemplateFacts {
    match templates.get(&p.template) {
        Ok(t) => t.facts(),
        Err(_) => TemplateFacts { name: p.template.clone(), total: tree.total, fixed: vec![] },
    }
}

/// The records of one project, completed with what the rules need besides.
pub fn records(
    templates: &Templates,
    project: Project,
    tree: IndicatorTree,
    findings: Vec<Finding>,
    items: Vec<RectItem>,
    notices: Vec<Notice>,
    report: Option<Report>,
) -> Records {
    let template = facts(templates, &project, &tree);
    let outline = templates.outlines().for_kind(project.kind).ok().cloned();
    let score_table_total = score_rows(&tree).iter().rev().find(|r| r.kind == RowKind::Total).and_then(|r| r.score);
    Records { project, tree, template, findings, items, notices, report, outline, score_table_total }
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
    Ok(records(templates, p.clone(), tx.tree(p.id)?, findings, items, notices, tx.report(p.id)?))
}

impl Store {
    /// `check --project`: every rule over the project's records, and its overrides.
    pub fn self_check(&self, code: &str) -> Result<ProjectCheck> {
        let p = self.project_by_code(code)?;
        let r = records(
            self.templates(),
            p.clone(),
            self.tree_of(p.id)?,
            self.findings_of(p.id)?,
            self.items_of(p.id)?,
            self.notices_of(p.id)?,
            self.report_of(p.id)?,
        );
        Ok(ProjectCheck { check: run(&r, &Scope::All), overrides: self.overrides_of(p.id)? })
    }
}
