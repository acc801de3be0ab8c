//! The indicator tree: scores, reviews and the shape of the tree.

use super::*;
use crate::domain::review::{Level, ReviewChain, ReviewEvent, Reviewer};

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
        Command::Score { project, indicator, input, basis, evidence, expected_rev } => {
            edit_paper(tx, ctx, project, indicator, |t, id, chain| {
                let before = ReviewChain::state(Some(chain), t.node(id).and_then(|n| n.score.as_ref()));
                let value = t.set_score(id, input.clone(), basis.clone(), evidence.clone(), &ctx.actor, ctx.now, *expected_rev)?;
                chain.note_change(before, &ctx.actor, ctx.now, "重新评分");
                Ok(Some(value))
            })
        }
        Command::RestoreScore { project, indicator, expected_rev, restored, .. } => {
            edit_paper(tx, ctx, project, indicator, |t, id, chain| {
                // The store fills `restored` from the history before the transaction.
                let paper =
                    restored.as_deref().ok_or_else(|| Error::invalid(format!("指标“{indicator}”"), "version", "没有找到要恢复的版本"))?;
                let before = ReviewChain::state(Some(chain), t.node(id).and_then(|n| n.score.as_ref()));
                let value =
                    t.set_score(id, paper.input.clone(), paper.basis.clone(), paper.evidence.clone(), &ctx.actor, ctx.now, *expected_rev)?;
                chain.note_change(before, &ctx.actor, ctx.now, &format!("恢复第 {} 版", paper.version));
                Ok(Some(value))
            })
        }
        Command::RemoveEvidence { project: Some(project), indicator: Some(indicator), evidence, reason, expected_version, .. } => {
            edit_paper(tx, ctx, project, indicator, |t, id, chain| {
                let what = format!("指标“{}”", t.path(id));
                if reason.trim().is_empty() {
                    return Err(Error::invalid(&what, "reason", "删除佐证资料需要说明理由"));
                }
                let Some(paper) = t.node(id).and_then(|n| n.score.clone()) else {
                    return Err(Error::invalid(&what, "evidence", "这条指标还没有评分，没有评分底稿的佐证资料"));
                };
                if paper.reviewed.is_some() {
                    return Err(Error::IllegalTransition {
                        what,
                        state: "已复核".into(),
                        action: "删除佐证资料 (先取消复核并说明理由)".into(),
                    });
                }
                let i = super::finding::find_evidence(&paper.evidence, evidence, &what)?;
                let before = ReviewChain::state(Some(chain), Some(&paper));
                let mut kept = paper.evidence.clone();
                let removed = kept.remove(i);
                let value = t.set_score(id, paper.input, paper.basis, kept, &ctx.actor, ctx.now, *expected_version)?;
                chain.note_change(before, &ctx.actor, ctx.now, &format!("删除佐证“{}”：{}", removed.name(), reason.trim()));
                Ok(Some(value))
            })
        }
        Command::ClearScore { project, indicator, expected_rev } => edit_paper(tx, ctx, project, indicator, |t, id, chain| {
            let before = ReviewChain::state(Some(chain), t.node(id).and_then(|n| n.score.as_ref()));
            t.clear_score(id, *expected_rev)?;
            chain.note_change(before, &ctx.actor, ctx.now, "清除得分");
            Ok(None)
        }),
        Command::ReviewScore { project, indicator, level, expected_rev } => {
            let who = reviewer(tx, project, &ctx.actor)?;
            let asked = match level {
                None => None,
                Some(n) => Some(Level::from_number(*n).ok_or_else(|| {
                    Error::invalid("review_score", "level", format!("复核级别 {n} 无效：写 1（一级）或 2（二级），或不写"))
                })?),
            };
            edit_paper(tx, ctx, project, indicator, |t, id, chain| {
                let what = format!("指标“{}”", t.path(id));
                let level = chain.check_review(&what, t.node(id).and_then(|n| n.score.as_ref()), who.as_reviewer(), asked)?;
                match level {
                    Level::Second => t.review(id, &ctx.actor, ctx.now, *expected_rev)?,
                    Level::First => t.touch_paper(id, *expected_rev)?,
                }
                chain.events.push(ReviewEvent::Reviewed { level, by: ctx.actor.clone(), at: ctx.now });
                Ok(None)
            })
        }
        Command::ReturnScore { project, indicator, note, expected_rev } => {
            let who = reviewer(tx, project, &ctx.actor)?;
            edit_paper(tx, ctx, project, indicator, |t, id, chain| {
                let what = format!("指标“{}”", t.path(id));
                let level = chain.check_return(&what, t.node(id).and_then(|n| n.score.as_ref()), who.as_reviewer(), note)?;
                t.touch_paper(id, *expected_rev)?;
                chain.events.push(ReviewEvent::Returned { level, by: ctx.actor.clone(), at: ctx.now, note: note.trim().to_string() });
                Ok(None)
            })
        }
        Command::AnswerReview { project, indicator, answer, expected_rev } => edit_paper(tx, ctx, project, indicator, |t, id, chain| {
            let what = format!("指标“{}”", t.path(id));
            chain.check_answer(&what, answer)?;
            let scorer = t.node(id).and_then(|n| n.score.as_ref()).map(|s| s.scorer.clone()).unwrap_or_default();
            if scorer != ctx.actor {
                return Err(Error::Forbidden {
                    action: "答复复核意见".into(),
                    role: format!("{what}的评分人（{scorer}）；修改得分的人即成为评分人"),
                    actor: ctx.actor.clone(),
                });
            }
            t.touch_paper(id, *expected_rev)?;
            chain.events.push(ReviewEvent::Answered { by: ctx.actor.clone(), at: ctx.now, answer: answer.trim().to_string() });
            Ok(None)
        }),
        Command::UnreviewScore { project, indicator, reason, expected_rev } => {
            let who = reviewer(tx, project, &ctx.actor)?;
            if !who.may_second {
                return Err(Error::Forbidden { action: "取消复核".into(), role: who.second_role(), actor: ctx.actor.clone() });
            }
            edit_paper(tx, ctx, project, indicator, |t, id, chain| {
                t.unreview(id, reason, *expected_rev)?;
                chain.events.push(ReviewEvent::Withdrawn { by: ctx.actor.clone(), at: ctx.now, reason: reason.trim().to_string() });
                Ok(None)
            })
        }
        Command::SetQualityReviewer { project, user } => {
            let p = tx.project_by_code(project)?;
            p.ensure_writable()?;
            let user = user.as_deref().map(str::trim).filter(|u| !u.is_empty());
            if let Some(u) = user
                && !p.team.is_member(u)
            {
                return Err(Error::invalid(
                    format!("{} 的质量复核人", p.code),
                    "user",
                    format!("{u} 不在项目组：先用 set_team 把 {u} 加为成员，再指定为质量复核人"),
                ));
            }
            tx.set_quality_reviewer(p.id, user)?;
            let mut a = done(p.id, p.meta.version, vec![]);
            a.outcome.key = Some(p.code);
            Ok(a)
        }
        Command::AddIndicator { project, parent, name, points, method, expected_version } => {
            edit_tree(tx, ctx, project, *expected_version, |t, _| {
                let parent = match parent {
                    Some(r) => Some(t.find(r)?.id),
                    None => None,
                };
                if let Some(p) = parent {
                    super::form::guard(tx, t, p, None, true)?;
                }
                let id = t.add_node(parent, name, *points, method.unwrap_or(Method::Direct))?;
                Ok((id, None))
            })
        }
        Command::RemoveIndicator { project, indicator, expected_version } => edit_tree(tx, ctx, project, *expected_version, |t, _| {
            let id = t.find(indicator)?.id;
            let before: Vec<NodeId> = t.nodes.iter().map(|n| n.id).collect();
            t.remove_node(id)?;
            super::form::prune(tx, t)?;
            drop_chains(tx, t, &before)?;
            Ok((id, None))
        }),
        Command::ReplaceTree { project, indicators, reason, expected_version } => edit_tree(tx, ctx, project, *expected_version, |t, _| {
            let before: Vec<NodeId> = t.nodes.iter().map(|n| n.id).collect();
            t.replace_nodes(indicators, reason.as_deref())?;
            super::form::prune(tx, t)?;
            drop_chains(tx, t, &before)?;
            Ok((t.nodes.first().map(|n| n.id).unwrap_or(0), None))
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
            super::form::guard(tx, t, id, Some(*points), false)?;
            t.set_points(id, *points)?;
            Ok((id, None))
        }),
        _ => Err(misrouted(cmd)),
    }
}

/// Who is reviewing, and whether they may give the second review.
struct Who {
    actor: String,
    lead: String,
    quality: Option<String>,
    may_second: bool,
}

impl Who {
    fn as_reviewer(&self) -> Reviewer<'_> {
        Reviewer { actor: &self.actor, may_second: self.may_second }
    }

    fn second_role(&self) -> String {
        match &self.quality {
            Some(q) => format!("项目负责人（{}）或质量复核人（{q}）", self.lead),
            None => format!("项目负责人（{}）", self.lead),
        }
    }
}

fn reviewer(tx: &Tx, code: &str, actor: &str) -> Result<Who> {
    let p = tx.project_by_code(code)?;
    let quality = tx.quality_reviewer(p.id)?;
    let may_second = p.team.lead == actor || quality.as_deref() == Some(actor);
    Ok(Who { actor: actor.to_string(), lead: p.team.lead, quality, may_second })
}

/// An edit of one leaf's paper together with its review chain, kept in the same transaction.
fn edit_paper(
    tx: &Tx,
    ctx: &Ctx,
    code: &str,
    indicator: &IndicatorRef,
    change: impl FnOnce(&mut IndicatorTree, NodeId, &mut ReviewChain) -> Result<Option<rust_decimal::Decimal>>,
) -> Result<Applied> {
    let pid = tx.project_by_code(code)?.id;
    edit_tree(tx, ctx, code, None, |t, _| {
        let id = t.find(indicator)?.id;
        let mut chain = tx.review_chain(pid, id)?.unwrap_or_else(|| ReviewChain::new(pid, id));
        let unchanged = chain.events.len();
        let score = change(t, id, &mut chain)?;
        if chain.events.len() != unchanged {
            tx.put_review_chain(&chain)?;
        }
        Ok((id, score))
    })
}

/// The review chains of indicators gone from the tree go with them (their history stays
/// in the audit log), so no chain points at a node that is not there.
fn drop_chains(tx: &Tx, t: &IndicatorTree, before: &[NodeId]) -> Result<()> {
    for id in before.iter().filter(|id| t.node(**id).is_none()) {
        tx.del(tx::REVIEWS, &crate::store::keys::review(t.project, *id))?;
    }
    Ok(())
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
