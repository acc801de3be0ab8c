//! The weighted indicator tree (指标体系) of one project, with the scores on its leaves.

use super::evidence::Evidence;
use super::grade::Bands;
use super::meta::Meta;
use super::project::ProjectId;
pub use super::scoring::{Deduction, Direction, Method, QualBand, ScoreInput};
use super::{Error, Result};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub type NodeId = u32;
pub const MAX_DEPTH: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub value: Decimal,
    pub input: ScoreInput,
    /// 评分依据.
    pub basis: String,
    pub evidence: Vec<Evidence>,
    pub scorer: String,
    pub at: DateTime<Utc>,
    pub reviewed: Option<Review>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub parent: Option<NodeId>,
    pub name: String,
    pub points: Decimal,
    pub method: Method,
    /// 评分标准 / explanation shown to the scorer.
    pub guide: String,
    pub score: Option<Score>,
    /// Grows on every change of this node, so two scorers on different leaves do not conflict.
    pub rev: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorTree {
    pub project: ProjectId,
    /// The points all leaves must add up to (100 for the shipped templates).
    pub total: Decimal,
    pub bands: Bands,
    /// Depth-first order: a parent comes before its children, siblings in display order.
    pub nodes: Vec<Node>,
    pub next_id: NodeId,
    pub meta: Meta,
}

/// How a command names an indicator: its id, its name (unique in the tree) or its
/// path of names joined by `/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IndicatorRef {
    Id(NodeId),
    Name(String),
}

impl std::fmt::Display for IndicatorRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndicatorRef::Id(id) => write!(f, "#{id}"),
            IndicatorRef::Name(n) => f.write_str(n),
        }
    }
}

impl IndicatorTree {
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    fn node_mut(&mut self, id: NodeId) -> Result<&mut Node> {
        self.nodes.iter_mut().find(|n| n.id == id).ok_or_else(|| Error::not_found("指标", format!("#{id}")))
    }

    pub fn children(&self, id: Option<NodeId>) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(move |n| n.parent == id)
    }

    pub fn is_leaf(&self, id: NodeId) -> bool {
        !self.nodes.iter().any(|n| n.parent == Some(id))
    }

    pub fn leaves(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| self.is_leaf(n.id))
    }

    /// 1 for a top-level (一级) indicator.
    pub fn depth(&self, id: NodeId) -> usize {
        let mut depth = 0;
        let mut cur = self.node(id);
        while let Some(n) = cur {
            depth += 1;
            cur = n.parent.and_then(|p| self.node(p));
            if depth > self.nodes.len() {
                break; // a cycle; reported by problems()
            }
        }
        depth
    }

    pub fn path(&self, id: NodeId) -> String {
        let mut names = Vec::new();
        let mut cur = self.node(id);
        while let Some(n) = cur {
            names.push(n.name.as_str());
            cur = n.parent.and_then(|p| self.node(p));
            if names.len() > self.nodes.len() {
                break;
            }
        }
        names.reverse();
        names.join("/")
    }

    /// Finds an indicator by id, unique name, or `/`-joined path.
    pub fn find(&self, r: &IndicatorRef) -> Result<&Node> {
        match r {
            IndicatorRef::Id(id) => self.node(*id).ok_or_else(|| Error::not_found("指标", r)),
            IndicatorRef::Name(name) if name.contains('/') => {
                // A full path, or its tail (二级/三级) when that is unique.
                let tail = format!("/{}", name.trim_matches('/'));
                let mut hits = self.nodes.iter().filter(|n| {
                    let path = self.path(n.id);
                    path == *name || path.ends_with(&tail)
                });
                match (hits.next(), hits.next()) {
                    (Some(n), None) => Ok(n),
                    (None, _) => Err(Error::not_found("指标", name)),
                    (Some(_), Some(_)) => Err(Error::invalid("指标体系", "indicator", format!("路径“{name}”对应多个指标：写出完整路径"))),
                }
            }
            IndicatorRef::Name(name) => {
                let mut hits = self.nodes.iter().filter(|n| n.name == *name);
                match (hits.next(), hits.next()) {
                    (Some(n), None) => Ok(n),
                    (None, _) => Err(Error::not_found("指标", name)),
                    (Some(_), Some(_)) => {
                        Err(Error::invalid("指标体系", "indicator", format!("有多个指标叫“{name}”：用路径（如 一级/二级/{name}）或编号")))
                    }
                }
            }
        }
    }

    /// A leaf's score, or a parent's: the sum of the scored leaves below it (None if none).
    pub fn score_of(&self, id: NodeId) -> Option<Decimal> {
        let node = self.node(id)?;
        if self.is_leaf(id) {
            return node.score.as_ref().map(|s| s.value);
        }
        let mut any = false;
        let mut sum = Decimal::ZERO;
        for child in self.children(Some(id)) {
            if let Some(v) = self.score_of(child.id) {
                any = true;
                sum = sum.saturating_add(v);
            }
        }
        any.then_some(sum)
    }

    /// The live total: the sum of every scored leaf.
    pub fn total_score(&self) -> Decimal {
        super::money::sum(self.leaves().filter_map(|n| n.score.as_ref().map(|s| &s.value)))
    }

    /// (scored leaves, all leaves).
    pub fn progress(&self) -> (usize, usize) {
        let (mut scored, mut all) = (0, 0);
        for leaf in self.leaves() {
            all += 1;
            scored += leaf.score.is_some() as usize;
        }
        (scored, all)
    }

    pub fn is_fully_scored(&self) -> bool {
        let (s, a) = self.progress();
        a > 0 && s == a
    }

    /// The grade (or ex-ante conclusion) of the current total.
    pub fn result_label(&self) -> Option<&str> {
        self.bands.classify(self.total_score())
    }

    pub fn leaf_points_sum(&self) -> Decimal {
        super::money::sum(self.leaves().map(|n| &n.points))
    }

    /// Everything wrong with the tree; empty means valid.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let sum = self.leaf_points_sum();
        if sum != self.total {
            out.push(format!("末级指标分值合计 {sum}，应为 {}", self.total));
        }
        for n in &self.nodes {
            // Written before the ranges, a value may lie outside them: named, never a panic.
            if let Err(m) = super::money::check_points(n.points) {
                out.push(format!("指标“{}”分值 {m}", self.path(n.id)));
            }
            if let Some(v) = n.score.as_ref().map(|s| s.value).filter(|v| *v < Decimal::ZERO || *v > n.points) {
                out.push(format!("指标“{}”得分 {v} 不在 0 到 {} 分之间", self.path(n.id), n.points));
            }
            if !self.is_leaf(n.id) {
                let child_sum = super::money::sum(self.children(Some(n.id)).map(|c| &c.points));
                if child_sum != n.points {
                    out.push(format!("指标“{}”分值 {}，其下级合计 {child_sum}", self.path(n.id), n.points));
                }
            }
        }
        out.extend(self.structural_problems());
        out
    }

    /// Problems no stored tree may have (a tree whose weights do not add up may be stored
    /// while the team edits it; the header flags it).
    pub fn structural_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = self.bands.validate() {
            out.push(e);
        }
        let mut ids = std::collections::HashSet::new();
        for n in &self.nodes {
            if !ids.insert(n.id) {
                out.push(format!("指标编号 #{} 重复", n.id));
            }
            if n.id >= self.next_id {
                out.push(format!("指标编号 #{} 不小于 next_id {}", n.id, self.next_id));
            }
            if let Some(p) = n.parent
                && self.node(p).is_none()
            {
                out.push(format!("指标“{}”的上级 #{p} 不存在", n.name));
            }
            let depth = self.depth(n.id);
            if depth > MAX_DEPTH {
                out.push(format!("指标“{}”在第 {depth} 级，最多 {MAX_DEPTH} 级", self.path(n.id)));
            }
            if n.name.trim().is_empty() {
                out.push(format!("指标 #{} 没有名称", n.id));
            }
            if n.points < Decimal::ZERO {
                out.push(format!("指标“{}”分值为负：{}", n.name, n.points));
            }
            if self.is_leaf(n.id) {
                if let Some(s) = &n.score
                    && (s.value < Decimal::ZERO || s.value > n.points)
                {
                    out.push(format!("指标“{}”得分 {} 超出 0–{}", self.path(n.id), s.value, n.points));
                }
            } else if n.score.is_some() {
                out.push(format!("指标“{}”有下级，不能直接打分", self.path(n.id)));
            }
        }
        out
    }

    fn leaf_for_scoring(&mut self, id: NodeId, expected_rev: Option<u64>) -> Result<&mut Node> {
        if !self.is_leaf(id) {
            let path = self.path(id);
            return Err(Error::invalid(format!("指标“{path}”"), "indicator", "只能给末级指标打分，上级得分由下级合计"));
        }
        let node = self.node_mut(id)?;
        if let Some(rev) = expected_rev
            && rev != node.rev
        {
            return Err(Error::Conflict {
                what: format!("指标“{}”", node.name),
                expected: rev,
                actual: node.rev,
                by: node.score.as_ref().map(|s| s.scorer.clone()).unwrap_or_default(),
                at: node.score.as_ref().map(|s| s.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default(),
            });
        }
        Ok(node)
    }

    /// Scores a leaf. A reviewed score is refused until un-reviewed with a reason.
    #[allow(clippy::too_many_arguments)]
    pub fn set_score(
        &mut self,
        id: NodeId,
        input: ScoreInput,
        basis: String,
        evidence: Vec<Evidence>,
        scorer: &str,
        at: DateTime<Utc>,
        expected_rev: Option<u64>,
    ) -> Result<Decimal> {
        let node = self.leaf_for_scoring(id, expected_rev)?;
        let rec = format!("指标“{}”", node.name);
        if node.score.as_ref().is_some_and(|s| s.reviewed.is_some()) {
            return Err(Error::IllegalTransition {
                what: rec, state: "已复核".into(), action: "修改得分 (先取消复核并说明理由)".into()
            });
        }
        for e in &evidence {
            e.validate(&rec)?;
        }
        let value = input.compute(&node.name, node.points)?;
        node.method = input.method();
        node.score = Some(Score { value, input, basis, evidence, scorer: scorer.to_string(), at, reviewed: None });
        node.rev += 1;
        Ok(value)
    }

    pub fn clear_score(&mut self, id: NodeId, expected_rev: Option<u64>) -> Result<()> {
        let node = self.leaf_for_scoring(id, expected_rev)?;
        if node.score.as_ref().is_some_and(|s| s.reviewed.is_some()) {
            return Err(Error::IllegalTransition {
                what: format!("指标“{}”", node.name),
                state: "已复核".into(),
                action: "清除得分".into(),
            });
        }
        node.score = None;
        node.rev += 1;
        Ok(())
    }

    pub fn review(&mut self, id: NodeId, by: &str, at: DateTime<Utc>, expected_rev: Option<u64>) -> Result<()> {
        let node = self.leaf_for_scoring(id, expected_rev)?;
        let what = format!("指标“{}”", node.name);
        match node.score.as_mut() {
            None => Err(Error::IllegalTransition { what, state: "未评分".into(), action: "复核".into() }),
            Some(s) if s.reviewed.is_some() => Err(Error::IllegalTransition { what, state: "已复核".into(), action: "复核".into() }),
            Some(s) => {
                s.reviewed = Some(Review { by: by.to_string(), at });
                node.rev += 1;
                Ok(())
            }
        }
    }

    /// A review step that leaves the score as it is (a first review, a return, an answer):
    /// the leaf's rev still grows, so an edit started before it is a conflict.
    pub fn touch_paper(&mut self, id: NodeId, expected_rev: Option<u64>) -> Result<()> {
        let node = self.leaf_for_scoring(id, expected_rev)?;
        node.rev += 1;
        Ok(())
    }

    pub fn unreview(&mut self, id: NodeId, reason: &str, expected_rev: Option<u64>) -> Result<()> {
        let node = self.leaf_for_scoring(id, expected_rev)?;
        let what = format!("指标“{}”", node.name);
        if reason.trim().is_empty() {
            return Err(Error::invalid(what, "reason", "取消复核需要说明理由"));
        }
        match node.score.as_mut() {
            Some(s) if s.reviewed.is_some() => {
                s.reviewed = None;
                node.rev += 1;
                Ok(())
            }
            _ => Err(Error::IllegalTransition { what, state: "未复核".into(), action: "取消复核".into() }),
        }
    }

    /// Adds an indicator under `parent` (None: a new 一级). A scored leaf cannot gain children.
    pub fn add_node(&mut self, parent: Option<NodeId>, name: &str, points: Decimal, method: Method) -> Result<NodeId> {
        let rec = format!("指标“{name}”");
        if name.trim().is_empty() {
            return Err(Error::invalid(rec, "name", "指标名称不能为空"));
        }
        super::money::check_points(points).map_err(|m| Error::invalid(&rec, "points", m))?;
        if points < Decimal::ZERO {
            return Err(Error::invalid(rec, "points", format!("分值 {points} 不能为负")));
        }
        let insert_at = match parent {
            Some(p) => {
                let pnode = self.node(p).ok_or_else(|| Error::not_found("指标", format!("#{p}")))?;
                if pnode.score.is_some() {
                    return Err(Error::invalid(rec, "parent", format!("“{}”已有得分：先清除得分再添加下级", pnode.name)));
                }
                if self.depth(p) + 1 > MAX_DEPTH {
                    return Err(Error::invalid(rec, "parent", format!("最多 {MAX_DEPTH} 级指标")));
                }
                if self.children(Some(p)).any(|c| c.name == name) {
                    return Err(Error::invalid(rec, "name", "同一上级下已有同名指标"));
                }
                self.subtree_end(p)
            }
            None => {
                if self.children(None).any(|c| c.name == name) {
                    return Err(Error::invalid(rec, "name", "已有同名一级指标"));
                }
                self.nodes.len()
            }
        };
        let id = self.next_id;
        self.next_id += 1;
        let node = Node { id, parent, name: name.trim().to_string(), points, method, guide: String::new(), score: None, rev: 1 };
        self.nodes.insert(insert_at, node);
        Ok(id)
    }

    /// Index just past the last descendant of `id`.
    fn subtree_end(&self, id: NodeId) -> usize {
        let start = self.nodes.iter().position(|n| n.id == id).unwrap_or(self.nodes.len());
        let mut end = start + 1;
        while end < self.nodes.len() && self.is_descendant(self.nodes[end].id, id) {
            end += 1;
        }
        end
    }

    fn is_descendant(&self, id: NodeId, ancestor: NodeId) -> bool {
        let mut cur = self.node(id).and_then(|n| n.parent);
        let mut steps = 0;
        while let Some(p) = cur {
            if p == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.nodes.len() {
                return false;
            }
            cur = self.node(p).and_then(|n| n.parent);
        }
        false
    }

    /// Removes an indicator and everything under it; reviewed scores inside block it.
    pub fn remove_node(&mut self, id: NodeId) -> Result<()> {
        let name = self.node(id).ok_or_else(|| Error::not_found("指标", format!("#{id}")))?.name.clone();
        let doomed: Vec<NodeId> = self.nodes.iter().filter(|n| n.id == id || self.is_descendant(n.id, id)).map(|n| n.id).collect();
        if self.nodes.iter().any(|n| doomed.contains(&n.id) && n.score.as_ref().is_some_and(|s| s.reviewed.is_some())) {
            return Err(Error::IllegalTransition {
                what: format!("指标“{name}”"), state: "含已复核得分".into(), action: "删除".into()
            });
        }
        self.nodes.retain(|n| !doomed.contains(&n.id));
        Ok(())
    }

    pub fn rename(&mut self, id: NodeId, name: &str) -> Result<()> {
        if name.trim().is_empty() {
            return Err(Error::invalid(format!("指标 #{id}"), "name", "指标名称不能为空"));
        }
        let parent = self.node(id).ok_or_else(|| Error::not_found("指标", format!("#{id}")))?.parent;
        if self.children(parent).any(|c| c.id != id && c.name == name.trim()) {
            return Err(Error::invalid(format!("指标“{name}”"), "name", "同一上级下已有同名指标"));
        }
        let node = self.node_mut(id)?;
        node.name = name.trim().to_string();
        node.rev += 1;
        Ok(())
    }

    /// Changes points; a score above the new points must be changed first.
    pub fn set_points(&mut self, id: NodeId, points: Decimal) -> Result<()> {
        let node = self.node_mut(id)?;
        let rec = format!("指标“{}”", node.name);
        super::money::check_points(points).map_err(|m| Error::invalid(&rec, "points", m))?;
        if points < Decimal::ZERO {
            return Err(Error::invalid(rec, "points", format!("分值 {points} 不能为负")));
        }
        if let Some(s) = &node.score
            && s.value > points
        {
            return Err(Error::invalid(rec, "points", format!("现有得分 {} 高于新分值 {points}：先修改得分", s.value)));
        }
        node.points = points;
        node.rev += 1;
        Ok(())
    }
}
