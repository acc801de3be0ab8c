//! Turns the seed case list into Commands, run through the store like any user's, with
//! dates relative to the day the demo is created.

use super::seed::{Case, SeedFile, SeedItem, SeedScore};
use crate::command::Command;
use crate::domain::money::parse_amount;
use crate::domain::project::{MilestoneKind, Phase, ProjectKind, Recommendation, recurring_milestones};
use crate::domain::tree::{Deduction, Direction, IndicatorRef, QualBand, ScoreInput};
use crate::domain::{Error, Evidence, ItemState, Result, Severity};
use crate::store::{Ctx, Store};
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The reason a seed case goes on with failing self-checks (its working papers are only
/// partly entered); recorded with the project like any override, so the demo shows them.
const DEMO_OVERRIDE: &str = "演示数据：案例只录入了部分底稿";

/// Seeds the store with the case list and the year's recurring milestones; flushes once.
pub fn seed(store: &Store, ctx: &Ctx, seed: &SeedFile) -> Result<usize> {
    let mut run = Runner { store, ctx, count: 0 };
    for (date, kind, title) in recurring_milestones(ctx.today.year()) {
        let id = run.cmd(Command::AddMilestone { project: None, title: title.clone(), kind, due: date })?.id;
        if date < ctx.today {
            run.cmd(Command::SetMilestone { milestone: id, expected_version: None, title, due: date, done_on: Some(date) })?;
        }
    }
    for case in &seed.cases {
        seed_case(&mut run, case, seed)?;
    }
    store.flush()?;
    Ok(run.count)
}

struct Runner<'a> {
    store: &'a Store,
    ctx: &'a Ctx,
    count: usize,
}

impl Runner<'_> {
    fn cmd(&mut self, c: Command) -> Result<crate::command::Outcome> {
        self.count += 1;
        self.store.apply_unflushed(&c, self.ctx)
    }
    /// A command by a team member other than the one seeding (the lead).
    fn as_user(&mut self, actor: &str, c: Command) -> Result<crate::command::Outcome> {
        self.count += 1;
        self.store.apply_unflushed(&c, &Ctx { actor: actor.to_string(), ..self.ctx.clone() })
    }
    /// A step of an item's history as if recorded on `day` (never after the seeding day):
    /// entries are dated by the clock of the day they are recorded, so the demo's
    /// histories read as they would have been kept.
    fn cmd_on(&mut self, day: NaiveDate, c: Command) -> Result<crate::command::Outcome> {
        self.count += 1;
        if day >= self.ctx.today {
            return self.store.apply_unflushed(&c, self.ctx);
        }
        let ctx = Ctx { actor: self.ctx.actor.clone(), now: day.and_time(chrono::NaiveTime::MIN).and_utc(), today: day };
        self.store.apply_unflushed(&c, &ctx)
    }
    fn day(&self, offset: i64) -> NaiveDate {
        self.ctx.today + Duration::days(offset)
    }
}

fn field(case: &Case, what: &str, e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("fixtures/demo/cases.toml 案例 {}", case.code), what, e.to_string())
}

fn seed_case(run: &mut Runner, case: &Case, seed: &SeedFile) -> Result<()> {
    let code = case.code.clone();
    let amount = parse_amount(&case.amount).map_err(|e| field(case, "amount", e))?;
    run.cmd(Command::CreateProject {
        code: code.clone(),
        name: case.name.clone(),
        kind: ProjectKind::parse(&case.kind)?,
        fiscal_year: case.fiscal_year,
        unit: case.unit.clone(),
        amount,
        fund_notes: case.notes.clone(),
        lead: None,
        members: case.members.clone(),
        third_party: case.third_party.then(|| seed.firm.clone()),
        template: None,
    })?;
    for m in &case.milestones {
        let kind: MilestoneKind = serde_json::from_value(serde_json::json!(m.kind)).map_err(|e| field(case, "milestones.kind", e))?;
        let due = run.day(m.due_in_days);
        let id = run.cmd(Command::AddMilestone { project: Some(code.clone()), title: m.title.clone(), kind, due })?.id;
        if m.done {
            run.cmd(Command::SetMilestone {
                milestone: id,
                expected_version: None,
                title: m.title.clone(),
                due,
                done_on: Some(due.min(run.ctx.today)),
            })?;
        }
    }
    for s in &case.scores {
        let input = score_input(case, s)?;
        let indicator = IndicatorRef::Name(s.indicator.clone());
        let evidence = s.evidence.iter().map(|n| Evidence::doc(n)).collect();
        let score = Command::Score {
            project: code.clone(),
            indicator: indicator.clone(),
            input,
            basis: s.basis.clone(),
            evidence,
            expected_rev: None,
        };
        if !s.reviewed {
            run.cmd(score)?;
            continue;
        }
        // A reviewed paper: scored by the first member, 一级复核 by the second, 二级 by the lead.
        let [scorer, first, ..] = case.members.as_slice() else {
            return Err(field(case, "members", "reviewed 的评分需要两名成员：一人评分，一人一级复核，负责人二级复核"));
        };
        run.as_user(scorer, score)?;
        run.as_user(
            first,
            Command::ReviewScore { project: code.clone(), indicator: indicator.clone(), level: Some(1), expected_rev: None },
        )?;
        run.cmd(Command::ReviewScore { project: code.clone(), indicator, level: Some(2), expected_rev: None })?;
    }
    // Items issued the same day to the same unit share one notice.
    let mut notices: BTreeMap<(i64, String), Vec<(u64, &SeedItem)>> = BTreeMap::new();
    let mut drafts = Vec::new();
    for f in &case.findings {
        let severity: Severity = serde_json::from_value(serde_json::json!(f.severity)).map_err(|e| field(case, "findings.severity", e))?;
        let amount = f.amount.as_deref().map(parse_amount).transpose().map_err(|e| field(case, "findings.amount", e))?;
        let fid = run
            .cmd(Command::RecordFinding {
                project: code.clone(),
                text: f.text.clone(),
                category: f.category.clone(),
                severity,
                amount,
                indicators: f.indicators.iter().map(|i| IndicatorRef::Name(i.clone())).collect(),
                evidence: f.evidence.iter().map(|n| Evidence::doc(n)).collect(),
                publish: f.published,
                basis: f.basis.clone(),
                title: f.title.clone(),
            })?
            .id;
        for it in &f.items {
            let unit = it.unit.clone().unwrap_or_else(|| case.unit.clone());
            let id = run
                .cmd(Command::CreateItem {
                    finding: fid,
                    requirement: it.requirement.clone(),
                    unit: Some(unit.clone()),
                    contact: it.contact.clone(),
                    due: Some(run.day(it.due_in_days)),
                })?
                .id;
            match it.issued_days_ago {
                Some(ago) => notices.entry((ago, unit)).or_default().push((id, it)),
                None => drafts.push(id),
            }
        }
    }
    for ((ago, _unit), items) in notices.iter().rev() {
        run.cmd_on(
            run.day(-ago),
            Command::IssueNotice {
                project: code.clone(),
                items: items.iter().map(|(id, _)| *id).collect(),
                issue_date: Some(run.day(-ago)),
                contact: "市财政局绩效评价股 0736-7201234".into(),
                prefix: Some(seed.notice_prefix.clone()),
                issuer: None,
                override_reason: Some(DEMO_OVERRIDE.into()),
            },
        )?;
        for (id, it) in items {
            drive_item(run, case, *id, it)?;
        }
    }
    if let Some(r) = &case.result_use {
        let recommendation: Recommendation =
            serde_json::from_value(serde_json::json!(r.recommendation)).map_err(|e| field(case, "result_use", e))?;
        let amount = r.amount.as_deref().map(parse_amount).transpose().map_err(|e| field(case, "result_use.amount", e))?;
        run.cmd(Command::SetResultUse {
            project: code.clone(),
            expected_version: None,
            recommendation,
            amount,
            reason: r.reason.clone(),
            published_on: None,
        })?;
    }
    let phase = Phase::parse(&case.phase)?;
    if phase == Phase::Archived {
        run.cmd(Command::ArchiveProject { project: code, expected_version: None })?;
    } else {
        // Step by step up to 报告, as a team goes; a case recorded as past 定稿 then moves on
        // through the self-check's override (its papers are only partly entered).
        for step in Phase::ALL.into_iter().filter(|p| *p > Phase::Prepare && *p <= phase.min(Phase::Report)) {
            run.cmd(Command::SetPhase { project: code.clone(), expected_version: None, phase: step, override_reason: None })?;
        }
        if phase > Phase::Report {
            run.cmd(Command::SetPhase { project: code, expected_version: None, phase, override_reason: Some(DEMO_OVERRIDE.into()) })?;
        }
    }
    Ok(())
}

fn score_input(case: &Case, s: &SeedScore) -> Result<ScoreInput> {
    let num = |v: &Option<String>, what: &str| -> Result<Decimal> {
        let text = v.as_deref().ok_or_else(|| field(case, what, format!("指标“{}”缺少 {what}", s.indicator)))?;
        parse_amount(text).map_err(|e| field(case, what, e))
    };
    Ok(match s.method.as_str() {
        "direct" => ScoreInput::Direct { value: num(&s.value, "value")? },
        "deduction" => ScoreInput::Deduction {
            deductions: s
                .deductions
                .iter()
                .map(|d| {
                    Ok(Deduction {
                        points: parse_amount(&d.points).map_err(|e| field(case, "deductions", e))?,
                        reason: d.reason.clone(),
                        finding: None,
                    })
                })
                .collect::<Result<_>>()?,
        },
        "formula" => ScoreInput::Formula {
            target: num(&s.target, "target")?,
            actual: num(&s.actual, "actual")?,
            direction: if s.direction.as_deref() == Some("negative") { Direction::Negative } else { Direction::Positive },
        },
        "qualitative" => ScoreInput::Qualitative {
            band: match s.band.as_deref() {
                Some("met") => QualBand::Met,
                Some("partly") => QualBand::Partly,
                Some("not_met") => QualBand::NotMet,
                other => return Err(field(case, "band", format!("“{}”应为 met、partly 或 not_met", other.unwrap_or("")))),
            },
            value: num(&s.value, "value")?,
        },
        other => return Err(field(case, "method", format!("“{other}”应为 direct、deduction、formula 或 qualitative"))),
    })
}

/// Walks an issued item to the state the seed asks for, with dated entries.
fn drive_item(run: &mut Runner, case: &Case, id: u64, it: &SeedItem) -> Result<()> {
    let target = ItemState::parse(&it.state)?;
    let docs = |names: &[String]| names.iter().map(|n| Evidence::doc(n)).collect::<Vec<_>>();
    let issued = it.issued_days_ago.unwrap_or(0);
    let start_day = run.day(-(issued - 2).max(0));
    if let Some(ext) = &it.extension {
        run.cmd_on(
            start_day,
            Command::RequestExtension {
                item: id,
                reason: ext.reason.clone(),
                due: run.day(ext.new_due_in_days),
                date: Some(start_day),
                expected_version: None,
            },
        )?;
        if ext.approved {
            run.cmd_on(start_day, Command::ApproveExtension { item: id, due: None, date: Some(start_day), expected_version: None })?;
        }
    }
    let respond = |run: &mut Runner, r: &super::seed::SeedResponse| -> Result<()> {
        let on = run.day(-r.days_ago);
        run.cmd_on(
            on,
            Command::SubmitResponse { item: id, date: Some(on), text: r.text.clone(), evidence: docs(&r.evidence), expected_version: None },
        )?;
        Ok(())
    };
    match target {
        ItemState::Draft | ItemState::Issued => {}
        ItemState::InProgress => {
            run.cmd_on(start_day, Command::StartItem { item: id, date: Some(start_day), expected_version: None })?;
        }
        ItemState::Submitted | ItemState::Returned | ItemState::Closed => {
            run.cmd_on(start_day, Command::StartItem { item: id, date: Some(start_day), expected_version: None })?;
            let mut responses = it.responses.iter().peekable();
            while let Some(r) = responses.next() {
                respond(run, r)?;
                let last = responses.peek().is_none();
                if !last || target == ItemState::Returned {
                    let reasons = it.return_reason.clone().unwrap_or_else(|| "整改报告未附佐证资料，请补充后重新报送".into());
                    let on = run.day(-r.days_ago);
                    run.cmd_on(on, Command::ReturnItem { item: id, reasons, date: Some(on), expected_version: None })?;
                }
            }
            if it.responses.is_empty() {
                return Err(field(case, "items.responses", format!("“{}”状态为{}，需要至少一条 responses", it.requirement, it.state)));
            }
            if target == ItemState::Closed {
                let opinion = it.opinion.clone().unwrap_or_else(|| "佐证资料齐全，整改到位，同意销号".into());
                // Reviewed the day after the last response (or today, if that is in the future).
                let last = it.responses.last().map(|r| r.days_ago).unwrap_or(0);
                let on = run.day(-(last - 1).max(0));
                run.cmd_on(on, Command::CloseItem { item: id, opinion, date: Some(on), expected_version: None })?;
            }
        }
        ItemState::LongTerm => {
            run.cmd_on(start_day, Command::StartItem { item: id, date: Some(start_day), expected_version: None })?;
            let reason = it.long_term_reason.clone().unwrap_or_else(|| "涉及体制机制调整，需跨年度持续推进".into());
            run.cmd_on(start_day, Command::MarkLongTerm { item: id, reason, date: Some(start_day), expected_version: None })?;
            for p in &it.progress {
                let on = run.day(-p.days_ago);
                run.cmd_on(
                    on,
                    Command::AddProgress {
                        item: id,
                        text: p.text.clone(),
                        date: Some(on),
                        evidence: docs(&p.evidence),
                        expected_version: None,
                    },
                )?;
            }
        }
        ItemState::Cancelled => {
            let reason = it.cancel_reason.clone().unwrap_or_else(|| "经复核，该问题不成立".into());
            run.cmd(Command::CancelItem { item: id, reason, date: None, expected_version: None })?;
        }
    }
    Ok(())
}
