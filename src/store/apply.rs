//! Applying one Command inside a transaction: look records up, let the domain decide,
//! write records and indexes, and say what was touched for the audit log.

use super::Ctx;
use super::audit::{RecordKind, Touch};
use super::tx::{self, Tx};
use crate::command::{Command, Outcome};
use crate::domain::finding::FindingBody;
use crate::domain::notice::{DEFAULT_PREFIX, NoticeState, format_number};
use crate::domain::project::{Phase, ResultUse, Team};
use crate::domain::rect::{DEFAULT_DUE_DAYS, Draft, EntryKind};
use crate::domain::tree::{IndicatorRef, IndicatorTree, Method, NodeId};
use crate::domain::{Error, Evidence, Finding, FindingState, ItemState, Meta, Milestone, Notice, Project, RectItem, Response, Result};
use crate::templates::Templates;
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

pub struct Applied {
    pub outcome: Outcome,
    pub touched: Vec<Touch>,
}

fn done(id: u64, version: u64, touched: Vec<Touch>) -> Applied {
    Applied { outcome: Outcome { id, version, key: None, score: None, audit: 0 }, touched }
}

fn touch(kind: RecordKind, id: u64, before: u64, after: u64) -> Touch {
    Touch { kind, id, node: None, before, after }
}

pub fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx, templates: &Templates) -> Result<Applied> {
    super::roles::authorize(tx, cmd, &ctx.actor)?;
    match cmd {
        Command::CreateProject { code, name, kind, fiscal_year, unit, amount, fund_notes, lead, members, third_party, template } => {
            let code = code.trim().to_string();
            if tx.code_taken(&code)? {
                return Err(Error::AlreadyExists { what: "项目编号".into(), key: code });
            }
            let template_name = template.clone().unwrap_or_else(|| kind.default_template().to_string());
            let tpl = templates.get(&template_name)?;
            let id = tx.next_seq(b"seq/project")?;
            let meta = Meta::new(&ctx.actor, ctx.now);
            let project = Project {
                id,
                code: code.clone(),
                name: name.trim().to_string(),
                kind: *kind,
                fiscal_year: *fiscal_year,
                unit: unit.trim().to_string(),
                amount: *amount,
                fund_notes: clean_list(fund_notes),
                team: Team { lead: lead.clone().unwrap_or_else(|| ctx.actor.clone()), members: clean_list(members), observers: vec![] },
                third_party: third_party.clone().filter(|s| !s.trim().is_empty()),
                phase: Phase::Prepare,
                template: template_name,
                result_use: None,
                reopen_log: vec![],
                meta: meta.clone(),
            };
            project.validate()?;
            let tree = tpl.instantiate(id, meta);
            tx.put_project(None, &project)?;
            tx.put_tree(&tree)?;
            let mut a = done(id, 1, vec![touch(RecordKind::Project, id, 0, 1), touch(RecordKind::Tree, id, 0, 1)]);
            a.outcome.key = Some(code);
            Ok(a)
        }
        Command::UpdateProject { project, expected_version, name, unit, kind, fiscal_year, amount, fund_notes, third_party } => {
            edit_project(tx, ctx, project, *expected_version, |p| {
                if let Some(v) = name {
                    p.name = v.trim().to_string();
                }
                if let Some(v) = unit {
                    p.unit = v.trim().to_string();
                }
                if let Some(v) = kind {
                    p.kind = *v;
                }
                if let Some(v) = fiscal_year {
                    p.fiscal_year = *v;
                }
                if let Some(v) = amount {
                    p.amount = *v;
                }
                if let Some(v) = fund_notes {
                    p.fund_notes = clean_list(v);
                }
                if let Some(v) = third_party {
                    p.third_party = Some(v.trim().to_string()).filter(|s| !s.is_empty());
                }
                Ok(())
            })
        }
        Command::SetTeam { project, expected_version, lead, members, observers } => {
            edit_project(tx, ctx, project, *expected_version, |p| {
                p.team = Team { lead: lead.trim().to_string(), members: clean_list(members), observers: clean_list(observers) };
                Ok(())
            })
        }
        Command::SetPhase { project, expected_version, phase } => {
            if *phase == Phase::Archived {
                return Err(Error::invalid(format!("项目 {project}"), "phase", "归档请用 archive_project（归档后只读）"));
            }
            edit_project(tx, ctx, project, *expected_version, |p| {
                p.phase = *phase;
                Ok(())
            })
        }
        Command::ArchiveProject { project, expected_version } => edit_project(tx, ctx, project, *expected_version, |p| {
            p.phase = Phase::Archived;
            Ok(())
        }),
        Command::ReopenProject { project, reason, expected_version } => {
            let mut p = tx.project_by_code(project)?;
            p.meta.check(&p.label(), *expected_version)?;
            if !p.is_archived() {
                return Err(Error::IllegalTransition { what: p.label(), state: p.phase.label().into(), action: "重新打开".into() });
            }
            if reason.trim().is_empty() {
                return Err(Error::invalid(p.label(), "reason", "重新打开已归档项目需要说明理由"));
            }
            let before = p.clone();
            p.phase = Phase::Rectification;
            p.reopen_log.push(format!("{} {}：{}", ctx.today, ctx.actor, reason.trim()));
            p.meta.touch(&ctx.actor, ctx.now);
            tx.put_project(Some(&before), &p)?;
            Ok(done(p.id, p.meta.version, vec![touch(RecordKind::Project, p.id, before.meta.version, p.meta.version)]))
        }
        Command::SetResultUse { project, expected_version, recommendation, amount, reason, published_on } => {
            edit_project(tx, ctx, project, *expected_version, |p| {
                p.result_use = Some(ResultUse {
                    recommendation: *recommendation,
                    amount: *amount,
                    reason: reason.trim().to_string(),
                    published_on: *published_on,
                });
                Ok(())
            })
        }
        Command::Score { project, indicator, input, basis, evidence, expected_rev } => edit_tree(tx, ctx, project, None, |t, actor| {
            let id = t.find(indicator)?.id;
            let value = t.set_score(id, input.clone(), basis.clone(), evidence.clone(), actor, ctx.now, *expected_rev)?;
            Ok((id, Some(value)))
        }),
        Command::ClearScore { project, indicator, expected_rev } => edit_tree(tx, ctx, project, None, |t, _| {
            let id = t.find(indicator)?.id;
            t.clear_score(id, *expected_rev)?;
            Ok((id, None))
        }),
        Command::ReviewScore { project, indicator, expected_rev } => {
            tx.project_by_code(project)?.ensure_lead(&ctx.actor, "复核得分")?;
            edit_tree(tx, ctx, project, None, |t, actor| {
                let id = t.find(indicator)?.id;
                t.review(id, actor, ctx.now, *expected_rev)?;
                Ok((id, None))
            })
        }
        Command::UnreviewScore { project, indicator, reason, expected_rev } => {
            tx.project_by_code(project)?.ensure_lead(&ctx.actor, "取消复核")?;
            edit_tree(tx, ctx, project, None, |t, _| {
                let id = t.find(indicator)?.id;
                t.unreview(id, reason, *expected_rev)?;
                Ok((id, None))
            })
        }
        Command::AddIndicator { project, parent, name, points, method, expected_version } => {
            edit_tree(tx, ctx, project, *expected_version, |t, _| {
                let parent = match parent {
                    Some(r) => Some(t.find(r)?.id),
                    None => None,
                };
                let id = t.add_node(parent, name, *points, method.unwrap_or(Method::Direct))?;
                Ok((id, None))
            })
        }
        Command::RemoveIndicator { project, indicator, expected_version } => edit_tree(tx, ctx, project, *expected_version, |t, _| {
            let id = t.find(indicator)?.id;
            t.remove_node(id)?;
            Ok((id, None))
        }),
        Command::RenameIndicator { project, indicator, name, expected_version } => {
            edit_tree(tx, ctx, project, *expected_version, |t, _| {
                let id = t.find(indicator)?.id;
                t.rename(id, name)?;
                Ok((id, None))
            })
        }
        Command::SetPoints { project, indicator, points, expected_version } => edit_tree(tx, ctx, project, *expected_version, |t, _| {
            let id = t.find(indicator)?.id;
            t.set_points(id, *points)?;
            Ok((id, None))
        }),
        Command::AddMilestone { project, title, kind, due } => {
            let pid = match project {
                Some(code) => {
                    let p = tx.project_by_code(code)?;
                    p.ensure_writable()?;
                    Some(p.id)
                }
                None => None,
            };
            let id = tx.next_seq(b"seq/milestone")?;
            let m = Milestone {
                id,
                project: pid,
                title: title.trim().to_string(),
                kind: *kind,
                due: *due,
                done_on: None,
                meta: Meta::new(&ctx.actor, ctx.now),
            };
            m.validate()?;
            tx.put_milestone(None, &m)?;
            Ok(done(id, 1, vec![touch(RecordKind::Milestone, id, 0, 1)]))
        }
        Command::SetMilestone { milestone, expected_version, title, due, done_on } => {
            let mut m = tx.milestone(*milestone)?;
            m.meta.check(&format!("里程碑 #{milestone}"), *expected_version)?;
            ensure_milestone_writable(tx, &m)?;
            let before = m.clone();
            m.title = title.trim().to_string();
            m.due = *due;
            m.done_on = *done_on;
            m.validate()?;
            m.meta.touch(&ctx.actor, ctx.now);
            tx.put_milestone(Some(&before), &m)?;
            Ok(done(m.id, m.meta.version, vec![touch(RecordKind::Milestone, m.id, before.meta.version, m.meta.version)]))
        }
        Command::RemoveMilestone { milestone } => {
            let m = tx.milestone(*milestone)?;
            ensure_milestone_writable(tx, &m)?;
            tx.remove_milestone(&m)?;
            Ok(done(m.id, 0, vec![touch(RecordKind::Milestone, m.id, m.meta.version, 0)]))
        }
        Command::RecordFinding { project, text, category, severity, amount, indicators, evidence, publish } => {
            let p = tx.project_by_code(project)?;
            p.ensure_writable()?;
            let tree = tx.tree(p.id)?;
            let body = FindingBody {
                text: text.trim().to_string(),
                category: category.trim().to_string(),
                severity: *severity,
                amount: *amount,
                indicators: resolve_indicators(&tree, indicators)?,
                evidence: evidence.clone(),
            };
            let id = tx.next_seq(b"seq/finding")?;
            let seq = tx.next_seq(&tx::finding_counter(p.id))? as u32;
            let mut f = Finding {
                id,
                project: p.id,
                seq,
                body,
                state: FindingState::Draft,
                history: vec![],
                withdraw_reason: None,
                meta: Meta::new(&ctx.actor, ctx.now),
            };
            f.body.validate(&f.label())?;
            if *publish {
                f.publish()?;
            }
            tx.put_finding(&f)?;
            Ok(done(id, 1, vec![touch(RecordKind::Finding, id, 0, 1)]))
        }
        Command::PublishFinding { finding, expected_version } => edit_finding(tx, ctx, *finding, *expected_version, |f, _| f.publish()),
        Command::ReviseFinding { finding, expected_version, text, category, severity, amount, indicators, evidence, note } => {
            edit_finding(tx, ctx, *finding, *expected_version, |f, tree| {
                let body = FindingBody {
                    text: text.trim().to_string(),
                    category: category.trim().to_string(),
                    severity: *severity,
                    amount: *amount,
                    indicators: resolve_indicators(tree, indicators)?,
                    evidence: evidence.clone(),
                };
                f.revise(body, note)
            })
        }
        Command::WithdrawFinding { finding, reason, expected_version } => {
            // A withdrawn finding no longer counts, so none of its items may still be open.
            let f = tx.finding(*finding)?;
            let summary: crate::store::summary::Summary = tx.get(tx::SUMMARIES, &super::keys::id(f.project), "汇总")?.unwrap_or_default();
            for id in summary.open_items.keys() {
                if tx.item(*id)?.finding == f.id {
                    return Err(Error::IllegalTransition {
                        what: f.label(),
                        state: format!("整改事项 #{id} 未结"),
                        action: "撤回（先撤销或销号其整改事项）".into(),
                    });
                }
            }
            edit_finding(tx, ctx, *finding, *expected_version, |f, _| f.withdraw(reason))
        }
        Command::CreateItem { finding, requirement, unit, contact, due } => {
            let f = tx.finding(*finding)?;
            let p = tx.project(f.project)?;
            p.ensure_writable()?;
            if f.state == FindingState::Withdrawn {
                return Err(Error::IllegalTransition {
                    what: f.label(), state: f.state.label().into(), action: "新建整改事项".into()
                });
            }
            let due = due.unwrap_or(ctx.today + Duration::days(DEFAULT_DUE_DAYS));
            let id = tx.next_seq(b"seq/item")?;
            let unit = unit.clone().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| p.unit.clone());
            let draft = Draft { id, project: p.id, finding: f.id, requirement: requirement.clone(), unit, contact: contact.clone(), due };
            let item = RectItem::draft(draft, Meta::new(&ctx.actor, ctx.now));
            item.validate()?;
            tx.put_item(None, &item)?;
            Ok(done(id, 1, vec![touch(RecordKind::Item, id, 0, 1)]))
        }
        Command::UpdateItem { item, expected_version, requirement, unit, contact, due } => {
            edit_item(tx, ctx, *item, *expected_version, None, |it| {
                // Closed and cancelled items are final; once issued, the unit was told the
                // requirement, so only the contact may still change.
                if it.state.is_finished() {
                    return Err(Error::IllegalTransition { what: it.label(), state: it.state.label().into(), action: "修改".into() });
                }
                let changes = |new: &Option<String>, old: &str| new.as_ref().is_some_and(|v| v.trim() != old);
                if it.state != ItemState::Draft && (changes(requirement, &it.requirement) || changes(unit, &it.unit)) {
                    return Err(Error::IllegalTransition {
                        what: it.label(),
                        state: it.state.label().into(),
                        action: "修改整改要求或责任单位（已随通知书下达）".into(),
                    });
                }
                if let Some(v) = requirement {
                    it.requirement = v.trim().to_string();
                }
                if let Some(v) = unit {
                    it.unit = v.trim().to_string();
                }
                if let Some(v) = contact {
                    it.contact = v.trim().to_string();
                }
                if let Some(d) = due {
                    if it.state != ItemState::Draft {
                        return Err(Error::IllegalTransition {
                            what: it.label(),
                            state: it.state.label().into(),
                            action: "修改期限（已下达的事项请申请延期）".into(),
                        });
                    }
                    it.due = *d;
                    it.original_due = *d;
                }
                Ok(None)
            })
        }
        Command::StartItem { item, date, expected_version } => edit_item(tx, ctx, *item, *expected_version, *date, |it| {
            it.start()?;
            Ok(Some((EntryKind::Started, String::new(), vec![])))
        }),
        Command::SubmitResponse { item, date, text, evidence, expected_version } => {
            check_evidence(evidence, *item)?;
            edit_item(tx, ctx, *item, *expected_version, *date, |it| {
                it.submit(text, evidence)?;
                Ok(Some((EntryKind::Response, text.clone(), evidence.clone())))
            })
        }
        Command::ReturnItem { item, reasons, date, expected_version } => edit_item(tx, ctx, *item, *expected_version, *date, |it| {
            it.return_to_unit(reasons)?;
            Ok(Some((EntryKind::Returned, reasons.clone(), vec![])))
        }),
        Command::CloseItem { item, opinion, date, expected_version } => {
            let it = tx.item(*item)?;
            tx.project(it.project)?.ensure_lead(&ctx.actor, "销号")?;
            let on = date.unwrap_or(ctx.today);
            edit_item(tx, ctx, *item, *expected_version, *date, |it| {
                it.close(opinion, on)?;
                Ok(Some((EntryKind::Closed, opinion.clone(), vec![])))
            })
        }
        Command::MarkLongTerm { item, reason, date, expected_version } => edit_item(tx, ctx, *item, *expected_version, *date, |it| {
            it.mark_long_term(reason)?;
            Ok(Some((EntryKind::LongTerm, reason.clone(), vec![])))
        }),
        Command::AddProgress { item, text, date, evidence, expected_version } => {
            check_evidence(evidence, *item)?;
            edit_item(tx, ctx, *item, *expected_version, *date, |it| {
                it.progress(text, evidence)?;
                Ok(Some((EntryKind::Progress, text.clone(), evidence.clone())))
            })
        }
        Command::RequestExtension { item, reason, due, date, expected_version } => {
            edit_item(tx, ctx, *item, *expected_version, *date, |it| {
                it.request_extension(reason, *due, &ctx.actor, ctx.now)?;
                Ok(Some((EntryKind::ExtensionRequested, format!("{reason}（申请延至 {due}）"), vec![])))
            })
        }
        Command::ApproveExtension { item, due, date, expected_version } => {
            let it = tx.item(*item)?;
            tx.project(it.project)?.ensure_lead(&ctx.actor, "批准延期")?;
            edit_item(tx, ctx, *item, *expected_version, *date, |it| {
                let from = it.due;
                it.approve_extension(*due, &ctx.actor, ctx.now)?;
                Ok(Some((EntryKind::ExtensionApproved, format!("期限由 {from} 延至 {}", it.due), vec![])))
            })
        }
        Command::DenyExtension { item, reason, date, expected_version } => edit_item(tx, ctx, *item, *expected_version, *date, |it| {
            it.deny_extension(reason)?;
            Ok(Some((EntryKind::ExtensionDenied, reason.clone(), vec![])))
        }),
        Command::CancelItem { item, reason, date, expected_version } => edit_item(tx, ctx, *item, *expected_version, *date, |it| {
            it.cancel(reason)?;
            Ok(Some((EntryKind::Cancelled, reason.clone(), vec![])))
        }),
        Command::IssueNotice { project, items, issue_date, contact, prefix } => {
            issue_notice(tx, ctx, project, items, *issue_date, contact, prefix.as_deref())
        }
        Command::CancelNotice { notice, reason } => {
            let mut n = tx.notice_by_number(notice)?;
            tx.project(n.project)?.ensure_writable()?;
            let before = n.meta.version;
            n.cancel(reason)?;
            n.meta.touch(&ctx.actor, ctx.now);
            let mut touched = vec![touch(RecordKind::Notice, n.id, before, n.meta.version)];
            // Its items go back to draft so a corrected notice can carry them.
            for item_id in &n.items {
                let mut it = tx.item(*item_id)?;
                let prior = it.clone();
                it.revert_to_draft(n.id, &n.number)?;
                it.meta.touch(&ctx.actor, ctx.now);
                tx.put_item(Some(&prior), &it)?;
                let seq = tx.next_response_seq(it.id)?;
                let text = format!("通知书 {} 作废（{}），事项退回草稿", n.number, reason.trim());
                tx.append_response(&Response {
                    item: it.id,
                    seq,
                    kind: EntryKind::Note,
                    date: ctx.today,
                    text,
                    evidence: vec![],
                    by: ctx.actor.clone(),
                    at: ctx.now,
                })?;
                touched.push(touch(RecordKind::Item, it.id, prior.meta.version, it.meta.version));
            }
            tx.put_notice(&n)?;
            let mut a = done(n.id, n.meta.version, touched);
            a.outcome.key = Some(n.number);
            Ok(a)
        }
        Command::SetNoticePrefix { year, prefix } => set_notice_prefix(tx, *year, prefix),
        Command::SetBudgetTotal { year, amount } => set_budget_total(tx, *year, *amount),
        Command::AddAdmin { user } | Command::RemoveAdmin { user } => {
            let user = user.trim();
            if user.is_empty() || user.chars().any(char::is_whitespace) {
                return Err(Error::invalid("数据库管理员", "user", format!("「{user}」不是操作系统用户名")));
            }
            let mut list = super::roles::admins(tx)?;
            if matches!(cmd, Command::AddAdmin { .. }) {
                if list.is_empty() && ctx.actor != user {
                    list.push(ctx.actor.clone());
                }
                if !list.iter().any(|a| a == user) {
                    list.push(user.to_string());
                }
            } else {
                if !list.iter().any(|a| a == user) {
                    return Err(Error::not_found("数据库管理员", user));
                }
                if list.len() == 1 {
                    return Err(Error::invalid("数据库管理员", "user", format!("{user} 是最后一位管理员：先添加另一位再移除")));
                }
                list.retain(|a| a != user);
            }
            super::roles::set_admins(tx, &list)?;
            let version = tx.next_seq(b"seq/admins-version")?;
            let mut a = done(0, version, vec![]);
            a.outcome.key = Some(list.join(","));
            Ok(a)
        }
        Command::SetCategories { categories } => {
            let list = clean_list(categories);
            if list.is_empty() {
                return Err(Error::invalid("问题类别", "categories", "类别列表不能为空"));
            }
            if let Some(long) = list.iter().find(|c| c.chars().count() > 40) {
                return Err(Error::invalid("问题类别", "categories", format!("「{long}」太长：类别名称最多 40 个字")));
            }
            let version = tx.next_seq(b"seq/categories-version")?;
            tx.raw_put(tx::META, super::read::CATEGORIES_KEY, &super::codec::encode(&list))?;
            Ok(done(0, version, vec![]))
        }
        Command::Import { bundle, merge } => super::import::import_bundle(tx, ctx, bundle, *merge),
    }
}

fn clean_list(list: &[String]) -> Vec<String> {
    list.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn check_evidence(evidence: &[Evidence], item: u64) -> Result<()> {
    evidence.iter().try_for_each(|e| e.validate(&format!("整改事项 #{item}")))
}

fn resolve_indicators(tree: &IndicatorTree, refs: &[IndicatorRef]) -> Result<Vec<NodeId>> {
    refs.iter().map(|r| tree.find(r).map(|n| n.id)).collect()
}

/// A project's milestone changes only while the project is not archived.
fn ensure_milestone_writable(tx: &Tx, m: &Milestone) -> Result<()> {
    match m.project {
        Some(pid) => tx.project(pid)?.ensure_writable(),
        None => Ok(()),
    }
}

fn edit_project(tx: &Tx, ctx: &Ctx, code: &str, expected: Option<u64>, change: impl FnOnce(&mut Project) -> Result<()>) -> Result<Applied> {
    let mut p = tx.project_by_code(code)?;
    p.meta.check(&p.label(), expected)?;
    p.ensure_writable()?;
    let before = p.clone();
    change(&mut p)?;
    p.validate()?;
    p.meta.touch(&ctx.actor, ctx.now);
    tx.put_project(Some(&before), &p)?;
    let mut a = done(p.id, p.meta.version, vec![touch(RecordKind::Project, p.id, before.meta.version, p.meta.version)]);
    a.outcome.key = Some(p.code);
    Ok(a)
}

/// Tree edits: the tree's version is checked for structure edits, each indicator's rev
/// for scoring (inside the change).
fn edit_tree(
    tx: &Tx,
    ctx: &Ctx,
    code: &str,
    expected: Option<u64>,
    change: impl FnOnce(&mut IndicatorTree, &str) -> Result<(NodeId, Option<rust_decimal::Decimal>)>,
) -> Result<Applied> {
    let p = tx.project_by_code(code)?;
    p.ensure_writable()?;
    let mut t = tx.tree(p.id)?;
    t.meta.check(&format!("{} 的指标体系", p.label()), expected)?;
    let before = t.meta.version;
    let (node, score) = change(&mut t, &ctx.actor)?;
    t.meta.touch(&ctx.actor, ctx.now);
    tx.put_tree(&t)?;
    let rev = t.node(node).map(|n| n.rev).unwrap_or(0);
    let mut a = done(p.id, rev, vec![Touch { kind: RecordKind::Indicator, id: p.id, node: Some(node), before, after: t.meta.version }]);
    a.outcome.score = score;
    a.outcome.key = Some(p.code);
    Ok(a)
}

fn edit_finding(
    tx: &Tx,
    ctx: &Ctx,
    id: u64,
    expected: Option<u64>,
    change: impl FnOnce(&mut Finding, &IndicatorTree) -> Result<()>,
) -> Result<Applied> {
    let mut f = tx.finding(id)?;
    f.meta.check(&f.label(), expected)?;
    tx.project(f.project)?.ensure_writable()?;
    let tree = tx.tree(f.project)?;
    let before = f.meta.version;
    change(&mut f, &tree)?;
    f.meta.touch(&ctx.actor, ctx.now);
    tx.put_finding(&f)?;
    Ok(done(f.id, f.meta.version, vec![touch(RecordKind::Finding, f.id, before, f.meta.version)]))
}

type Entry = (EntryKind, String, Vec<Evidence>);

/// Item edits: the domain moves the state; the history entry it returns is appended.
fn edit_item(
    tx: &Tx,
    ctx: &Ctx,
    id: u64,
    expected: Option<u64>,
    date: Option<NaiveDate>,
    change: impl FnOnce(&mut RectItem) -> Result<Option<Entry>>,
) -> Result<Applied> {
    let mut it = tx.item(id)?;
    it.meta.check(&it.label(), expected)?;
    tx.project(it.project)?.ensure_writable()?;
    if let (Some(d), Some(issued)) = (date, it.issue_date)
        && d < issued
    {
        return Err(Error::invalid(it.label(), "date", format!("日期 {d} 早于下达日期 {issued}")));
    }
    let before = it.clone();
    let entry = change(&mut it)?;
    it.validate()?;
    it.meta.touch(&ctx.actor, ctx.now);
    tx.put_item(Some(&before), &it)?;
    let mut touched = vec![touch(RecordKind::Item, it.id, before.meta.version, it.meta.version)];
    if let Some((kind, text, evidence)) = entry {
        let seq = tx.next_response_seq(it.id)?;
        let r = Response { item: it.id, seq, kind, date: date.unwrap_or(ctx.today), text, evidence, by: ctx.actor.clone(), at: ctx.now };
        tx.append_response(&r)?;
        touched.push(touch(RecordKind::Response, it.id, 0, seq as u64));
    }
    Ok(done(it.id, it.meta.version, touched))
}

fn issue_notice(
    tx: &Tx,
    ctx: &Ctx,
    code: &str,
    items: &[u64],
    date: Option<NaiveDate>,
    contact: &str,
    prefix: Option<&str>,
) -> Result<Applied> {
    let p = tx.project_by_code(code)?;
    p.ensure_writable()?;
    if items.is_empty() {
        return Err(Error::invalid(format!("{} 的通知书", p.label()), "items", "至少选择一项草稿状态的整改事项"));
    }
    let on = date.unwrap_or(ctx.today);
    let year = on.year();
    let prefix = notice_prefix_for(tx, prefix, year)?;
    let seq = tx.next_seq(&tx::notice_counter(&prefix, year))? as u32;
    let id = tx.next_seq(b"seq/notice")?;
    let number = format_number(&prefix, year, seq);
    let mut unit: Option<String> = None;
    let mut touched = Vec::new();
    for item_id in items {
        let mut it = tx.item(*item_id)?;
        if it.project != p.id {
            return Err(Error::invalid(format!("通知书 {number}"), "items", format!("整改事项 #{item_id} 不属于项目 {code}")));
        }
        match &unit {
            None => unit = Some(it.unit.clone()),
            Some(u) if *u != it.unit => {
                return Err(Error::invalid(
                    format!("通知书 {number}"),
                    "items",
                    format!("一份通知书只发一个单位：#{item_id} 属于「{}」，前面的事项属于「{u}」", it.unit),
                ));
            }
            Some(_) => {}
        }
        let before = it.clone();
        it.issue(Some(id), on)?;
        it.meta.touch(&ctx.actor, ctx.now);
        tx.put_item(Some(&before), &it)?;
        let seq = tx.next_response_seq(it.id)?;
        tx.append_response(&Response {
            item: it.id,
            seq,
            kind: EntryKind::Issued,
            date: on,
            text: number.clone(),
            evidence: vec![],
            by: ctx.actor.clone(),
            at: ctx.now,
        })?;
        touched.push(touch(RecordKind::Item, it.id, before.meta.version, it.meta.version));
    }
    let n = Notice {
        id,
        project: p.id,
        number: number.clone(),
        year,
        seq,
        unit: unit.unwrap_or_default(),
        items: items.to_vec(),
        issue_date: on,
        contact: contact.trim().to_string(),
        state: NoticeState::Issued,
        cancel_reason: None,
        meta: Meta::new(&ctx.actor, ctx.now),
    };
    n.validate()?;
    tx.put_notice(&n)?;
    touched.push(touch(RecordKind::Notice, id, 0, 1));
    let mut a = done(id, 1, touched);
    a.outcome.key = Some(number);
    Ok(a)
}

/// Longest notice number prefix, in characters.
pub const MAX_PREFIX_CHARS: usize = 16;

/// Where a year's notice number prefix lives in the meta tree.
pub fn notice_prefix_key(year: i32) -> Vec<u8> {
    format!("notice_prefix/{year}").into_bytes()
}

/// A prefix is 1–16 characters with no whitespace and no 〔〕 (they would break the number).
pub fn check_notice_prefix(prefix: &str) -> std::result::Result<(), String> {
    let count = prefix.chars().count();
    if count == 0 || count > MAX_PREFIX_CHARS {
        return Err(format!("「{prefix}」有 {count} 个字：发文字号前缀应为 1 到 {MAX_PREFIX_CHARS} 个字，如 财绩整"));
    }
    if prefix.chars().any(char::is_whitespace) {
        return Err(format!("「{prefix}」含空格：发文字号前缀不能有空白字符"));
    }
    if prefix.contains(['〔', '〕']) {
        return Err(format!("「{prefix}」含〔〕：年份的〔〕由程序加上，前缀只写如 财绩整"));
    }
    Ok(())
}

/// The prefix a notice of `year` gets: the command's own, else the year's configured one, else 财绩整.
fn notice_prefix_for(tx: &Tx, given: Option<&str>, year: i32) -> Result<String> {
    if let Some(p) = given.map(str::trim).filter(|s| !s.is_empty()) {
        check_notice_prefix(p).map_err(|m| Error::invalid("通知书", "prefix", m))?;
        return Ok(p.to_string());
    }
    let configured: Option<String> = tx.get(tx::META, &notice_prefix_key(year), &format!("{year} 年的发文字号前缀"))?;
    Ok(configured.unwrap_or_else(|| DEFAULT_PREFIX.to_string()))
}

const MIN_PREFIX_YEAR: i32 = 1990;
const MAX_PREFIX_YEAR: i32 = 2100;

fn set_budget_total(tx: &Tx, year: i32, amount: Option<Decimal>) -> Result<Applied> {
    let record = format!("{year} 年度预算总额");
    if !(MIN_PREFIX_YEAR..=MAX_PREFIX_YEAR).contains(&year) {
        return Err(Error::invalid(record, "year", format!("{year} 不是有效年度：应在 {MIN_PREFIX_YEAR} 到 {MAX_PREFIX_YEAR} 之间")));
    }
    let key = super::read::budget_total_key(year);
    match amount {
        Some(a) => {
            if a <= Decimal::ZERO {
                return Err(Error::invalid(record, "amount", format!("「{a}」不是预算总额：应为大于 0 的万元数，如 120000.00")));
            }
            crate::domain::money::check_places(a, &a.to_string()).map_err(|m| Error::invalid(&record, "amount", m))?;
            tx.put(tx::META, &key, &crate::domain::money::fmt2(a))?;
        }
        None => tx.del(tx::META, &key)?,
    }
    let version = tx.next_seq(format!("seq/budget-total-version/{year}").as_bytes())?;
    Ok(done(year as u64, version, vec![]))
}

fn set_notice_prefix(tx: &Tx, year: i32, prefix: &str) -> Result<Applied> {
    let record = format!("{year} 年的发文字号前缀");
    if !(MIN_PREFIX_YEAR..=MAX_PREFIX_YEAR).contains(&year) {
        return Err(Error::invalid(record, "year", format!("{year} 不是有效年度：应在 {MIN_PREFIX_YEAR} 到 {MAX_PREFIX_YEAR} 之间")));
    }
    let prefix = prefix.trim();
    check_notice_prefix(prefix).map_err(|m| Error::invalid(record, "prefix", m))?;
    let version = tx.next_seq(format!("seq/notice-prefix-version/{year}").as_bytes())?;
    tx.put(tx::META, &notice_prefix_key(year), &prefix.to_string())?;
    let mut a = done(year as u64, version, vec![]);
    a.outcome.key = Some(format!("{prefix}〔{year}〕"));
    Ok(a)
}
