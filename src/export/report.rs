//! The evaluation report (评价报告) gathered through `Backend` queries: the current draft as a
//! `ReportDoc` (rendered by `read::report`), or an issued revision exactly as it was printed.

use crate::backend::{Backend, Fetch};
use crate::domain::report::Report;
use crate::domain::{Error, Meta, Phase, Result};
use crate::read::report::{IssuedReport, ReportBlock, ReportDoc, ScoreRow, blocks, evaluator_of, score_rows};

/// Gathers a project's report as it stands now (the draft): its records, the report record
/// (an empty one when nothing was written), the outline of its kind, and today as its date.
pub fn load(backend: &dyn Backend, code: &str) -> Result<ReportDoc> {
    let project = backend.project(code)?;
    let code = project.code.clone();
    let report = backend.report(&code)?.unwrap_or_else(|| Report::new(project.id, Meta::new(backend.actor(), backend.now())));
    let (outline, _) = backend.outline(&code)?;
    Ok(ReportDoc {
        tree: backend.tree(&code)?,
        findings: backend.findings(&code)?,
        items: backend.items(&code)?,
        evaluator: evaluator_of(&project, &report),
        project,
        report,
        outline,
        date: backend.today(),
        revision: None,
        form: Some(backend.form(&code)?).filter(|f| !f.is_empty()),
    })
}

/// One issued revision as printed; an unknown one is an error naming the revisions there are.
pub fn load_issued(backend: &dyn Backend, code: &str, revision: u32) -> Result<IssuedReport> {
    if let Some(issued) = backend.report_issue(code, revision)? {
        return Ok(issued);
    }
    let report = backend.report(code)?;
    let list: Vec<String> = report
        .iter()
        .flat_map(|r| r.revisions.iter())
        .map(|r| format!("第 {} 版（{}）", r.revision, crate::read::report::chinese_date(r.date)))
        .collect();
    let message = if list.is_empty() {
        format!("项目 {code} 的评价报告尚未出具（项目设为定稿时出具）：去掉 --revision 打印当前草稿")
    } else {
        format!("项目 {code} 的评价报告没有第 {revision} 版；已出具：{}", list.join("、"))
    };
    Err(Error::invalid("jixiao report", "--revision", message))
}

/// What `jixiao report` prints by default, and a line saying which it is.
pub enum Chosen {
    Draft(Box<ReportDoc>),
    Issued(Box<IssuedReport>),
}

impl Chosen {
    pub fn blocks(&self) -> Vec<ReportBlock> {
        match self {
            Chosen::Draft(doc) => blocks(doc),
            Chosen::Issued(issued) => issued.blocks.clone(),
        }
    }

    /// The 评分表's rows: the draft's from its tree, an issued revision's as printed.
    pub fn score_rows(&self) -> Vec<ScoreRow> {
        match self {
            Chosen::Draft(doc) => score_rows(&doc.tree),
            Chosen::Issued(issued) => issued
                .blocks
                .iter()
                .find_map(|b| if let ReportBlock::ScoreTable(rows) = b { Some(rows.clone()) } else { None })
                .unwrap_or_default(),
        }
    }

    /// The 自评与复核得分对比's rows as the report prints them (none when its outline has no
    /// such section or the project has no form).
    pub fn recheck_rows(&self) -> Vec<crate::read::report::RecheckRow> {
        self.blocks().into_iter().find_map(|b| if let ReportBlock::RecheckTable(rows) = b { Some(rows) } else { None }).unwrap_or_default()
    }

    /// The score table's title row: the report's title and 评分表.
    pub fn table_title(&self) -> String {
        let title = self.blocks().into_iter().find_map(|b| if let ReportBlock::Title(t) = b { Some(t) } else { None });
        format!("{}评分表", title.unwrap_or_default())
    }

    /// The score table as `jixiao report --table-only -o 评分表.xlsx` writes it.
    pub fn table_xlsx(&self) -> Result<Vec<u8>> {
        crate::export::report_xlsx::to_xlsx(&self.table_title(), &self.score_rows(), &self.recheck_rows())
    }

    /// The Markdown: an issued revision's is checked against the sha256 recorded at issue.
    pub fn markdown(&self) -> Result<String> {
        match self {
            Chosen::Draft(doc) => Ok(crate::read::report::draft_markdown(doc)),
            Chosen::Issued(issued) => issued.markdown().map_err(|m| Error::corrupt("已出具的评价报告", m)),
        }
    }
}

/// `revision` when given; else the latest issued revision when the project is at 定稿 or
/// later, else the current draft. The note says which was chosen.
pub fn choose(backend: &dyn Backend, code: &str, revision: Option<u32>) -> Result<(Chosen, String)> {
    let project = backend.project(code)?;
    let code = project.code.as_str();
    let report = backend.report(code)?;
    let number = report.as_ref().and_then(|r| r.number.as_ref()).map(|n| n.text.clone()).unwrap_or_default();
    if let Some(n) = revision {
        let issued = load_issued(backend, code, n)?;
        return Ok((Chosen::Issued(Box::new(issued)), format!("打印已出具的 {number} 第 {n} 版")));
    }
    let latest = report.as_ref().and_then(|r| r.latest());
    match latest {
        Some(rev) if project.phase >= Phase::Final => {
            let issued = load_issued(backend, code, rev.revision)?;
            let note = format!(
                "项目已{}：打印已出具的 {number} 第 {} 版（{}）；其他版本用 --revision N",
                project.phase.label(),
                rev.revision,
                crate::read::report::chinese_date(rev.date)
            );
            Ok((Chosen::Issued(Box::new(issued)), note))
        }
        _ => {
            let doc = load(backend, code)?;
            let note = match (project.phase >= Phase::Final, latest) {
                (true, None) => format!("项目已{}，但报告尚未出具（项目在有报告功能之前定稿）：打印当前草稿", project.phase.label()),
                (_, Some(rev)) => format!(
                    "项目在{}阶段：打印当前草稿；已出具的第 {} 版用 --revision {}",
                    project.phase.label(),
                    rev.revision,
                    rev.revision
                ),
                (false, None) => format!("项目在{}阶段：打印当前草稿（定稿时出具并编号）", project.phase.label()),
            };
            Ok((Chosen::Draft(Box::new(doc)), note))
        }
    }
}
