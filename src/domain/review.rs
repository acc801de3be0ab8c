//! The review chain (一级/二级复核) of a leaf's working paper (score, basis, evidence): who
//! reviewed it at which level, who sent it back with which note (复核意见), the scorer's
//! answers, and who changed it after a review. The second level is also the score's own
//! `reviewed` field (what a store from before the chain holds: such a paper reads as
//! second-reviewed with no chain), so every rule that guards a reviewed score still holds.

use super::tree::Score;
use super::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The rule a self-review breaks, named in the refusal.
pub const SELF_REVIEW_RULE: &str = "评分人不能复核自己的评分";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    /// 一级复核: a team member other than the scorer.
    First,
    /// 二级复核: the lead or the project's named quality reviewer.
    Second,
}

impl Level {
    /// 1 or 2, as commands write it.
    pub fn from_number(n: u8) -> Option<Level> {
        match n {
            1 => Some(Level::First),
            2 => Some(Level::Second),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::First => "一级复核",
            Level::Second => "二级复核",
        }
    }
}

/// Where a paper stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewState {
    Unscored,
    Unreviewed,
    First,
    Second,
    /// Sent back, waiting for the scorer's answer.
    Returned,
}

/// One step of the thread, in recorded order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewEvent {
    Reviewed {
        level: Level,
        by: String,
        at: DateTime<Utc>,
    },
    Returned {
        level: Level,
        by: String,
        at: DateTime<Utc>,
        note: String,
    },
    Answered {
        by: String,
        at: DateTime<Utc>,
        answer: String,
    },
    /// The paper changed after a review (scored again, restored, cleared): the reviews lapse.
    Changed {
        by: String,
        at: DateTime<Utc>,
        what: String,
    },
    /// A second review taken back (`unreview_score`), with its reason.
    Withdrawn {
        by: String,
        at: DateTime<Utc>,
        reason: String,
    },
}

impl ReviewEvent {
    pub fn by(&self) -> &str {
        match self {
            ReviewEvent::Reviewed { by, .. }
            | ReviewEvent::Returned { by, .. }
            | ReviewEvent::Answered { by, .. }
            | ReviewEvent::Changed { by, .. }
            | ReviewEvent::Withdrawn { by, .. } => by,
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            ReviewEvent::Reviewed { at, .. }
            | ReviewEvent::Returned { at, .. }
            | ReviewEvent::Answered { at, .. }
            | ReviewEvent::Changed { at, .. }
            | ReviewEvent::Withdrawn { at, .. } => *at,
        }
    }

    /// One line of the thread: what happened (without who and when).
    pub fn text(&self) -> String {
        match self {
            ReviewEvent::Reviewed { level, .. } => format!("{}通过", level.label()),
            ReviewEvent::Returned { level, note, .. } => format!("{}退回：{note}", level.label()),
            ReviewEvent::Answered { answer, .. } => format!("答复：{answer}"),
            ReviewEvent::Changed { what, .. } => format!("复核后修改（{what}），复核失效"),
            ReviewEvent::Withdrawn { reason, .. } => format!("取消复核：{reason}"),
        }
    }
}

/// The chain of one leaf, stored by (project, node).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewChain {
    pub project: u64,
    pub node: u32,
    pub events: Vec<ReviewEvent>,
}

/// Who may act on a paper besides being on the team (the store checks membership).
#[derive(Debug, Clone, Copy)]
pub struct Reviewer<'a> {
    pub actor: &'a str,
    /// The lead or the project's named quality reviewer.
    pub may_second: bool,
}

impl ReviewChain {
    pub fn new(project: u64, node: u32) -> Self {
        ReviewChain { project, node, events: vec![] }
    }

    /// The paper's state: the score's own `reviewed` is the second level; the chain says the rest.
    pub fn state(chain: Option<&ReviewChain>, score: Option<&Score>) -> ReviewState {
        let Some(score) = score else { return ReviewState::Unscored };
        let (base, open) = chain.map(ReviewChain::replay).unwrap_or((ReviewState::Unreviewed, false));
        if score.reviewed.is_some() {
            return ReviewState::Second;
        }
        match (open, base) {
            (true, _) => ReviewState::Returned,
            // A second review without the score's mark was taken back outside the chain.
            (false, ReviewState::Second) => ReviewState::Unreviewed,
            (false, b) => b,
        }
    }

    /// (reviews still standing, a return not yet answered).
    fn replay(&self) -> (ReviewState, bool) {
        let (mut base, mut open) = (ReviewState::Unreviewed, false);
        for e in &self.events {
            match e {
                ReviewEvent::Reviewed { level: Level::First, .. } => base = ReviewState::First,
                ReviewEvent::Reviewed { level: Level::Second, .. } => base = ReviewState::Second,
                ReviewEvent::Returned { .. } => open = true,
                ReviewEvent::Answered { .. } => open = false,
                ReviewEvent::Changed { .. } | ReviewEvent::Withdrawn { .. } => base = ReviewState::Unreviewed,
            }
        }
        (base, open)
    }

    /// Who gave the first review now standing.
    fn first_reviewer(&self) -> Option<&str> {
        let mut who = None;
        for e in &self.events {
            match e {
                ReviewEvent::Reviewed { level: Level::First, by, .. } => who = Some(by.as_str()),
                ReviewEvent::Changed { .. } | ReviewEvent::Withdrawn { .. } => who = None,
                _ => {}
            }
        }
        who
    }

    /// The return waiting for an answer, if any.
    pub fn open_return(&self) -> Option<&ReviewEvent> {
        let mut open = None;
        for e in &self.events {
            match e {
                ReviewEvent::Returned { .. } => open = Some(e),
                ReviewEvent::Answered { .. } => open = None,
                _ => {}
            }
        }
        open
    }

    /// Which level a review by `who` would be, refused with the rule it breaks. `asked`: the
    /// level the reviewer named, else the next one the paper needs.
    pub fn check_review(&self, what: &str, score: Option<&Score>, who: Reviewer, asked: Option<Level>) -> Result<Level> {
        let state = ReviewChain::state(Some(self), score);
        let Some(score) = score else {
            return Err(Error::IllegalTransition { what: what.into(), state: "未评分".into(), action: "复核".into() });
        };
        if score.scorer == who.actor {
            return Err(Error::invalid(
                what,
                "reviewer",
                format!("{SELF_REVIEW_RULE}（这一版由 {} 评分）：请项目组其他成员复核", score.scorer),
            ));
        }
        let level = match (state, asked) {
            (ReviewState::Returned, _) => {
                return Err(Error::IllegalTransition {
                    what: what.into(),
                    state: "已退回".into(),
                    action: "复核 (等评分人答复后再复核)".into(),
                });
            }
            (ReviewState::Second, _) => {
                return Err(Error::IllegalTransition { what: what.into(), state: "已二级复核".into(), action: "复核".into() });
            }
            (_, Some(l)) => l,
            (ReviewState::First, None) => Level::Second,
            _ => Level::First,
        };
        match (level, state) {
            (Level::First, ReviewState::First) => {
                Err(Error::IllegalTransition {
                    what: what.into(), state: "已一级复核".into(), action: "一级复核 (待二级复核)".into()
                })
            }
            (Level::Second, ReviewState::Unreviewed) => Err(Error::IllegalTransition {
                what: what.into(),
                state: "未复核".into(),
                action: "二级复核 (先由评分人以外的项目组成员一级复核)".into(),
            }),
            (Level::Second, _) if !who.may_second => {
                Err(Error::Forbidden {
                    action: "二级复核".into(), role: "项目负责人或本项目的质量复核人".into(), actor: who.actor.into()
                })
            }
            (Level::Second, _) if self.first_reviewer() == Some(who.actor) => {
                Err(Error::invalid(what, "reviewer", format!("{} 已做一级复核：二级复核须由另一人（项目负责人或质量复核人）做", who.actor)))
            }
            _ => Ok(level),
        }
    }

    /// Sends the paper back with a note; the level is the one the sender reviews at.
    pub fn check_return(&self, what: &str, score: Option<&Score>, who: Reviewer, note: &str) -> Result<Level> {
        if note.trim().is_empty() {
            return Err(Error::invalid(what, "note", "退回需要写复核意见"));
        }
        let state = ReviewChain::state(Some(self), score);
        let Some(score) = score else {
            return Err(Error::IllegalTransition { what: what.into(), state: "未评分".into(), action: "退回".into() });
        };
        if score.scorer == who.actor {
            return Err(Error::invalid(what, "reviewer", format!("{SELF_REVIEW_RULE}，也不能退回自己的评分")));
        }
        match state {
            ReviewState::Returned => {
                Err(Error::IllegalTransition {
                    what: what.into(), state: "已退回".into(), action: "再次退回 (等评分人答复)".into()
                })
            }
            ReviewState::Second => Err(Error::IllegalTransition {
                what: what.into(),
                state: "已二级复核".into(),
                action: "退回 (先取消复核并说明理由)".into(),
            }),
            ReviewState::First if who.may_second => Ok(Level::Second),
            ReviewState::First => Err(Error::Forbidden {
                action: "二级复核退回".into(),
                role: "项目负责人或本项目的质量复核人".into(),
                actor: who.actor.into(),
            }),
            _ => Ok(Level::First),
        }
    }

    /// The scorer's (or, if the scorer left, a team member's) answer to the open return.
    pub fn check_answer(&self, what: &str, answer: &str) -> Result<()> {
        if answer.trim().is_empty() {
            return Err(Error::invalid(what, "answer", "答复不能为空"));
        }
        if self.open_return().is_none() {
            return Err(Error::IllegalTransition {
                what: what.into(), state: "没有待答复的退回".into(), action: "答复复核意见".into()
            });
        }
        Ok(())
    }

    /// Records a change to the paper when it lapses a review or answers an open return.
    pub fn note_change(&mut self, before: ReviewState, by: &str, at: DateTime<Utc>, what: &str) {
        if matches!(before, ReviewState::First | ReviewState::Second | ReviewState::Returned) {
            self.events.push(ReviewEvent::Changed { by: by.into(), at, what: what.into() });
        }
    }
}

/// A project's review chains and its named quality reviewer, as screens read them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectReviews {
    pub chains: Vec<ReviewChain>,
    pub quality_reviewer: Option<String>,
}

impl ProjectReviews {
    pub fn chain(&self, node: u32) -> Option<&ReviewChain> {
        self.chains.iter().find(|c| c.node == node)
    }

    pub fn state(&self, node: u32, score: Option<&Score>) -> ReviewState {
        ReviewChain::state(self.chain(node), score)
    }
}

/// A project's quality reviewer as the export bundle carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityReviewer {
    pub project: u64,
    pub user: String,
}

/// The counts the scoring header shows: (second-reviewed, first-reviewed, returned, scored leaves).
pub fn tally(states: impl Iterator<Item = ReviewState>) -> (usize, usize, usize, usize) {
    let (mut second, mut first, mut returned, mut scored) = (0, 0, 0, 0);
    for s in states {
        match s {
            ReviewState::Unscored => continue,
            ReviewState::Second => second += 1,
            ReviewState::First => first += 1,
            ReviewState::Returned => returned += 1,
            ReviewState::Unreviewed => {}
        }
        scored += 1;
    }
    (second, first, returned, scored)
}
