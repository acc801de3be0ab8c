//! Rectification items: drafting them and every step of their state machine.

use super::*;
use crate::domain::rect::ItemFields;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
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
                let before = ItemFields::of(it);
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
                Ok(edited(&before, it))
            })
        }
        Command::RestoreItem { item, entry, reason, expected_version } => {
            let entry_kept: Option<Response> = tx.get(tx::RESPONSES, &crate::store::keys::response(*item, *entry), "办理记录")?;
            edit_item(tx, ctx, *item, *expected_version, None, |it| {
                if reason.trim().is_empty() {
                    return Err(Error::invalid(it.label(), "reason", "恢复修改前的内容需要说明理由"));
                }
                let Some(old) = entry_kept.as_ref().and_then(ItemFields::from_entry) else {
                    let what = if entry_kept.is_some() { "不是修改记录" } else { "不存在" };
                    let msg = format!("第 {entry} 条办理记录{what}：在事项的办理记录中选一条“修改”记录");
                    return Err(Error::invalid(it.label(), "entry", msg));
                };
                if it.state.is_finished() {
                    return Err(Error::IllegalTransition {
                        what: it.label(),
                        state: it.state.label().into(),
                        action: "恢复修改前的内容".into(),
                    });
                }
                let mut before = ItemFields::of(it);
                if old.same(&before) {
                    return Err(Error::invalid(it.label(), "entry", format!("第 {entry} 条修改前的内容与现在相同：没有可恢复的")));
                }
                let draft = it.state == ItemState::Draft;
                if !draft && (old.requirement != it.requirement || old.unit != it.unit || old.due != it.due) {
                    return Err(Error::IllegalTransition {
                        what: it.label(),
                        state: it.state.label().into(),
                        action: "恢复整改要求、责任单位或期限（已随通知书下达，只有责任人可恢复）".into(),
                    });
                }
                it.requirement = old.requirement;
                it.unit = old.unit;
                it.contact = old.contact;
                if draft {
                    it.due = old.due;
                    it.original_due = old.due;
                }
                before.reason = format!("恢复第 {entry} 条修改前的内容：{}", reason.trim());
                Ok(Some((EntryKind::Edited, serde_json::to_string(&before).unwrap_or_default(), vec![])))
            })
        }
        Command::RemoveEvidence { item: Some(item), evidence, reason, expected_version, .. } => {
            edit_item(tx, ctx, *item, *expected_version, None, |it| {
                if reason.trim().is_empty() {
                    return Err(Error::invalid(it.label(), "reason", "删除佐证资料需要说明理由"));
                }
                if it.state.is_finished() {
                    return Err(Error::IllegalTransition {
                        what: it.label(),
                        state: it.state.label().into(),
                        action: "删除佐证资料".into(),
                    });
                }
                let i = super::finding::find_evidence(&it.evidence, evidence, &it.label())?;
                let removed = it.evidence.remove(i);
                Ok(Some((EntryKind::EvidenceRemoved, format!("删除佐证“{}”：{}", removed.name(), reason.trim()), vec![removed])))
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
            // 销号日期 is the day the close is recorded; a typed date only dates its paper.
            edit_item(tx, ctx, *item, *expected_version, *date, |it| {
                it.close(opinion, ctx.today)?;
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
        _ => Err(misrouted(cmd)),
    }
}

/// The history entry of an edit that changed something: the fields before it.
fn edited(before: &ItemFields, it: &RectItem) -> Option<Entry> {
    (!before.same(&ItemFields::of(it))).then(|| (EntryKind::Edited, serde_json::to_string(before).unwrap_or_default(), vec![]))
}

fn check_evidence(evidence: &[Evidence], item: u64) -> Result<()> {
    evidence.iter().try_for_each(|e| e.validate(&format!("整改事项 #{item}")))
}

type Entry = (EntryKind, String, Vec<Evidence>);

/// Item edits: the domain moves the state; the history entry it returns is appended under
/// the next `seq`, which is the order the history is read in.
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
    // The typed date is the date on the unit's document (文件日期): bounded by the item's
    // issue and the server's today; the entry itself is dated by the server's clock.
    if let Some(d) = date {
        crate::domain::rect::check_document_date(&it, d, ctx.today)?;
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
