//! Findings: recording, publishing, revising and withdrawing them.

use super::*;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
        Command::RecordFinding { project, text, category, severity, amount, indicators, evidence, publish, basis, title } => {
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
                basis: basis.trim().to_string(),
                title: title.trim().to_string(),
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
            f.body.check_within_project(&f.label(), p.amount)?;
            if *publish {
                f.publish()?;
            }
            tx.put_finding(&f)?;
            Ok(done(id, 1, vec![touch(RecordKind::Finding, id, 0, 1)]))
        }
        Command::PublishFinding { finding, expected_version } => edit_finding(tx, ctx, *finding, *expected_version, |f, _| f.publish()),
        Command::ReviseFinding {
            finding,
            expected_version,
            text,
            category,
            severity,
            amount,
            indicators,
            evidence,
            note,
            basis,
            title,
        } => {
            let project_amount = tx.project(tx.finding(*finding)?.project)?.amount;
            edit_finding(tx, ctx, *finding, *expected_version, |f, tree| {
                let body = FindingBody {
                    text: text.trim().to_string(),
                    category: category.trim().to_string(),
                    severity: *severity,
                    amount: *amount,
                    indicators: resolve_indicators(tree, indicators)?,
                    evidence: evidence.clone(),
                    basis: basis.as_deref().map_or_else(|| f.body.basis.clone(), |b| b.trim().to_string()),
                    title: title.as_deref().map_or_else(|| f.body.title.clone(), |t| t.trim().to_string()),
                };
                body.check_within_project(&f.label(), project_amount)?;
                f.revise(body, note)
            })
        }
        Command::RestoreFinding { finding, revision, reason, expected_version } => {
            edit_finding(tx, ctx, *finding, *expected_version, |f, _| f.restore(*revision, reason))
        }
        Command::RemoveEvidence { finding: Some(finding), evidence, reason, expected_version, .. } => {
            edit_finding(tx, ctx, *finding, *expected_version, |f, _| {
                if reason.trim().is_empty() {
                    return Err(Error::invalid(f.label(), "reason", "删除佐证资料需要说明理由"));
                }
                if f.state == FindingState::Withdrawn {
                    return Err(Error::IllegalTransition {
                        what: f.label(), state: f.state.label().into(), action: "删除佐证资料".into()
                    });
                }
                let i = find_evidence(&f.body.evidence, evidence, &f.label())?;
                let mut body = f.body.clone();
                let removed = body.evidence.remove(i);
                // A published finding keeps the old body (with the evidence) as a revision; a
                // draft has no revisions, so the audit record's command names what went.
                let note = format!("删除佐证“{}”：{}", removed.name(), reason.trim());
                f.revise(body, &note)
            })
        }
        Command::WithdrawFinding { finding, reason, expected_version } => {
            // A withdrawn finding no longer counts, so none of its items may still be open.
            let f = tx.finding(*finding)?;
            let summary: crate::read::summary::Summary =
                tx.get(tx::SUMMARIES, &crate::store::keys::id(f.project), "汇总")?.unwrap_or_default();
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
        _ => Err(misrouted(cmd)),
    }
}

/// The evidence named by its sha256 or its name (the first of several with that name).
pub(super) fn find_evidence(list: &[Evidence], named: &str, record: &str) -> Result<usize> {
    let named = named.trim();
    list.iter().position(|e| e.matches(named)).ok_or_else(|| {
        let names: Vec<&str> = list.iter().map(Evidence::name).collect();
        let have =
            if names.is_empty() { "它没有佐证资料".to_string() } else { format!("它的佐证资料是：{}", names.join("、")) };
        Error::invalid(record, "evidence", format!("没有名为“{named}”的佐证资料：{have}（按名称或 sha256 指明）"))
    })
}

fn resolve_indicators(tree: &IndicatorTree, refs: &[IndicatorRef]) -> Result<Vec<NodeId>> {
    refs.iter().map(|r| tree.find(r).map(|n| n.id)).collect()
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
