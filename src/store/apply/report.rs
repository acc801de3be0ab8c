//! Evaluation reports: the year's number prefix, writing sections, the title and cover
//! fields, issuing at 定稿 (number, date, the revision kept as printed) and reopening an
//! issued report for a revision.

use super::*;
use crate::domain::outline::Outline;
use crate::domain::report::{
    DEFAULT_REPORT_PREFIX, Report, ReportNumber, ReportState, Revision, check_report_prefix, format_report_number,
};
use crate::read::report::{IssuedReport, ReportDoc, blocks, evaluator_of, sha256_hex, to_markdown};
use crate::read::summary::Summary;

const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx, templates: &Templates) -> Result<Applied> {
    match cmd {
        Command::SetReportPrefix { year, prefix } => set_prefix(tx, *year, prefix),
        Command::WriteReportSection { project, section, text, expected_version } => {
            let p = tx.project_by_code(project)?;
            p.ensure_writable()?;
            let outline = templates.outlines().for_kind(p.kind)?;
            let key = writable_section(outline, &p, section)?;
            edit(tx, ctx, &p, *expected_version, |r| {
                let text = text.trim_end();
                if text.trim().is_empty() {
                    r.sections.remove(&key);
                } else {
                    r.sections.insert(key.clone(), text.to_string());
                }
            })
        }
        Command::SetReportTitle { project, title, client, department, expected_version } => {
            let p = tx.project_by_code(project)?;
            p.ensure_writable()?;
            let set = |v: &Option<String>, field: &mut Option<String>| {
                if let Some(v) = v {
                    *field = Some(v.trim().to_string()).filter(|s| !s.is_empty());
                }
            };
            edit(tx, ctx, &p, *expected_version, |r| {
                set(title, &mut r.title);
                set(client, &mut r.client);
                set(department, &mut r.department);
            })
        }
        Command::ReopenReport { project, reason, expected_version } => reopen(tx, ctx, project, reason, *expected_version),
        _ => Err(misrouted(cmd)),
    }
}

/// The outline's section `key` names, if the team writes into it; else an error listing the
/// keys that may be written.
fn writable_section(outline: &Outline, p: &Project, key: &str) -> Result<String> {
    let record = format!("项目 {} 的评价报告", p.code);
    let keys = outline.writable_keys().join("、");
    match outline.section(key.trim()) {
        None => Err(Error::invalid(record, "section", format!("“{key}”不是“{}”报告提纲的章节；可撰写的章节：{keys}", outline.name))),
        Some(s) if !s.is_writable() => Err(Error::invalid(
            record,
            "section",
            format!("“{}”（{}）由程序根据记录生成，不能撰写；可撰写的章节：{keys}", s.key, s.heading),
        )),
        Some(s) => Ok(s.key.clone()),
    }
}

/// Loads the project's report (a new one when none was written), checks the version and that
/// it is still a draft, applies `change`, and writes it.
fn edit(tx: &Tx, ctx: &Ctx, p: &Project, expected: Option<u64>, change: impl FnOnce(&mut Report)) -> Result<Applied> {
    let (mut r, before) = load_or_new(tx, ctx, p, expected)?;
    r.ensure_draft(&p.code)?;
    change(&mut r);
    tx.put_report(&r)?;
    let mut a = done(p.id, r.meta.version, vec![touch(RecordKind::Report, p.id, before, r.meta.version)]);
    a.outcome.key = Some(p.code.clone());
    Ok(a)
}

/// The report touched for a change (version + 1), or a new one at version 1; with the
/// version it had before (0: new).
fn load_or_new(tx: &Tx, ctx: &Ctx, p: &Project, expected: Option<u64>) -> Result<(Report, u64)> {
    match tx.report(p.id)? {
        Some(mut r) => {
            r.meta.check(&r.label(&p.code), expected)?;
            let before = r.meta.version;
            r.meta.touch(&ctx.actor, ctx.now);
            Ok((r, before))
        }
        None => {
            if let Some(v) = expected.filter(|v| *v != 0) {
                return Err(Error::Conflict {
                    what: format!("项目 {} 的评价报告", p.code),
                    expected: v,
                    actual: 0,
                    by: String::new(),
                    at: "尚未撰写 (not written yet)".into(),
                });
            }
            Ok((Report::new(p.id, Meta::new(&ctx.actor, ctx.now)), 0))
        }
    }
}

fn reopen(tx: &Tx, ctx: &Ctx, code: &str, reason: &str, expected: Option<u64>) -> Result<Applied> {
    let mut p = tx.project_by_code(code)?;
    p.ensure_writable()?;
    let Some(mut r) = tx.report(p.id)? else {
        return Err(Error::IllegalTransition {
            what: format!("项目 {code} 的评价报告"),
            state: "尚未出具".into(),
            action: "重新打开 (reopen_report)：报告在项目设为定稿时出具，之前直接修改章节即可".into(),
        });
    };
    r.meta.check(&r.label(code), expected)?;
    let before = r.meta.version;
    r.reopen(code, reason, &ctx.actor, ctx.now, ctx.today)?;
    r.meta.touch(&ctx.actor, ctx.now);
    tx.put_report(&r)?;
    let prior = p.clone();
    p.phase = Phase::Report;
    p.meta.touch(&ctx.actor, ctx.now);
    tx.put_project(Some(&prior), &p)?;
    let touched =
        vec![touch(RecordKind::Report, p.id, before, r.meta.version), touch(RecordKind::Project, p.id, prior.meta.version, p.meta.version)];
    let mut a = done(p.id, r.meta.version, touched);
    a.outcome.key = r.number.map(|n| n.text);
    Ok(a)
}

/// An issued report holds the project at 定稿 or later: going back is `reopen_report`'s.
pub(super) fn check_phase_move(tx: &Tx, p: &Project, to: Phase) -> Result<()> {
    if to >= Phase::Final {
        return Ok(());
    }
    match tx.report(p.id)? {
        Some(r) if r.state == ReportState::Issued => r.ensure_draft(&p.code).map_err(|_| Error::IllegalTransition {
            what: p.label(),
            state: format!("评价报告已出具（{}）", r.number.as_ref().map(|n| n.text.as_str()).unwrap_or("")),
            action: format!("退回“{}”：先用 reopen_report 说明理由重新打开报告（项目随之回到报告阶段）", to.label()),
        }),
        _ => Ok(()),
    }
}

/// At 定稿: issues the report unless it already is: the number (first time), the date, and
/// the revision as printed with the sha256 of its Markdown. Returns the report's touch.
pub(super) fn issue_at_final(tx: &Tx, ctx: &Ctx, templates: &Templates, p: &Project) -> Result<Option<Touch>> {
    let (mut r, before) = match tx.report(p.id)? {
        Some(r) if r.state == ReportState::Issued => return Ok(None),
        Some(mut r) => {
            let before = r.meta.version;
            r.meta.touch(&ctx.actor, ctx.now);
            (r, before)
        }
        None => (Report::new(p.id, Meta::new(&ctx.actor, ctx.now)), 0),
    };
    if r.number.is_none() {
        let year = ctx.today.year();
        let prefix = report_prefix_for(tx, year)?;
        let seq = tx.next_seq(&tx::report_counter(&prefix, year))? as u32;
        r.number = Some(ReportNumber { text: format_report_number(&prefix, year, seq), prefix, year, seq });
    }
    let revision = r.revisions.len() as u32 + 1;
    let reason = r.pending_reason();
    let doc = gather(tx, templates, p, &r, ctx.today, revision)?;
    let content = blocks(&doc);
    let sha256 = sha256_hex(to_markdown(&content).as_bytes());
    tx.put_report_issue(&IssuedReport { project: p.id, revision, blocks: content, sha256: sha256.clone() })?;
    r.revisions.push(Revision { revision, date: ctx.today, by: ctx.actor.clone(), at: ctx.now, sha256, reason });
    r.state = ReportState::Issued;
    tx.put_report(&r)?;
    Ok(Some(touch(RecordKind::Report, p.id, before, r.meta.version)))
}

/// What the revision prints, read inside the issuing transaction.
fn gather(tx: &Tx, templates: &Templates, p: &Project, r: &Report, date: NaiveDate, revision: u32) -> Result<ReportDoc> {
    let summary: Summary = tx.get(tx::SUMMARIES, &crate::store::keys::id(p.id), &format!("项目 #{} 的汇总", p.id))?.unwrap_or_default();
    let findings = summary.findings.keys().map(|id| tx.finding(*id)).collect::<Result<Vec<_>>>()?;
    let items = summary.item_states.keys().map(|id| tx.item(*id)).collect::<Result<Vec<_>>>()?;
    Ok(ReportDoc {
        project: p.clone(),
        tree: tx.tree(p.id)?,
        findings,
        items,
        report: r.clone(),
        outline: templates.outlines().for_kind(p.kind)?.clone(),
        evaluator: evaluator_of(p, r),
        date,
        revision: Some(revision),
        form: tx.form(p.id)?.filter(|f| !f.is_empty()),
    })
}

/// Where a year's report number prefix lives in the meta tree.
pub fn report_prefix_key(year: i32) -> Vec<u8> {
    format!("report_prefix/{year}").into_bytes()
}

fn report_prefix_for(tx: &Tx, year: i32) -> Result<String> {
    let configured: Option<String> = tx.get(tx::META, &report_prefix_key(year), &format!("{year} 年的报告文号前缀"))?;
    Ok(configured.unwrap_or_else(|| DEFAULT_REPORT_PREFIX.to_string()))
}

fn set_prefix(tx: &Tx, year: i32, prefix: &str) -> Result<Applied> {
    let record = format!("{year} 年的报告文号前缀");
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(Error::invalid(record, "year", format!("{year} 不是有效年度：应在 {MIN_YEAR} 到 {MAX_YEAR} 之间")));
    }
    let prefix = prefix.trim();
    check_report_prefix(prefix).map_err(|m| Error::invalid(record, "prefix", m))?;
    let version = tx.next_seq(format!("seq/report-prefix-version/{year}").as_bytes())?;
    tx.put(tx::META, &report_prefix_key(year), &prefix.to_string())?;
    let mut a = done(year as u64, version, vec![]);
    a.outcome.key = Some(format!("{prefix}({year})"));
    Ok(a)
}
