//! Replacing a tree's indicators at once (`replace_tree`, the spreadsheet import of an
//! indicator table): the new rows come as paths of names with their points; the total and
//! the grade bands stay. A scored tree is replaced only with a reason; reviewed scores never.

use super::tree::{IndicatorTree, MAX_DEPTH, Method, NodeId};
use super::{Error, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One indicator of the new tree: its names from 一级 down, parents before children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIndicator {
    pub path: Vec<String>,
    #[serde(with = "crate::domain::money::plain")]
    pub points: Decimal,
    #[serde(default)]
    pub method: Option<Method>,
    /// 评分标准.
    #[serde(default)]
    pub guide: String,
}

/// The most indicators one replacement may carry.
pub const MAX_INDICATORS: usize = 2000;

impl IndicatorTree {
    /// Replaces every indicator with `rows`; a scored tree needs `reason`.
    pub fn replace_nodes(&mut self, rows: &[NewIndicator], reason: Option<&str>) -> Result<()> {
        let rec = "指标体系";
        if rows.is_empty() {
            return Err(Error::invalid(rec, "indicators", "没有指标：至少一行"));
        }
        if rows.len() > MAX_INDICATORS {
            return Err(Error::invalid(rec, "indicators", format!("{} 行，最多 {MAX_INDICATORS} 行", rows.len())));
        }
        if let Some(n) = self.nodes.iter().find(|n| n.score.as_ref().is_some_and(|s| s.reviewed.is_some())) {
            return Err(Error::IllegalTransition {
                what: format!("指标“{}”", self.path(n.id)),
                state: "已复核".into(),
                action: "替换指标体系 (先取消复核并说明理由)".into(),
            });
        }
        let scored = self.nodes.iter().filter(|n| n.score.is_some()).count();
        if scored > 0 && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(Error::invalid(
                rec,
                "reason",
                format!("已有 {scored} 条指标打了分：替换会清除这些得分，需要说明理由（--replace 并写明理由）"),
            ));
        }
        let mut built = IndicatorTree { nodes: Vec::new(), next_id: self.next_id, ..self.clone() };
        for (i, row) in rows.iter().enumerate() {
            let at = format!("第 {} 行", i + 1);
            let names: Vec<&str> = row.path.iter().map(|s| s.trim()).collect();
            if names.is_empty() || names.iter().any(|n| n.is_empty()) {
                return Err(Error::invalid(format!("{rec} {at}"), "path", "指标名称不能为空"));
            }
            if names.len() > MAX_DEPTH {
                return Err(Error::invalid(format!("{rec} {at}"), "path", format!("{} 级，最多 {MAX_DEPTH} 级", names.len())));
            }
            let parent = match names.len() {
                1 => None,
                n => Some(built.id_at(&names[..n - 1]).ok_or_else(|| {
                    Error::invalid(
                        format!("{rec} {at}"),
                        "path",
                        format!("上级“{}”还没有出现：上级指标要写在下级之前", names[..n - 1].join("/")),
                    )
                })?),
            };
            let id = built
                .add_node(parent, names[names.len() - 1], row.points, row.method.unwrap_or(Method::Direct))
                .map_err(|e| e.at_step(&at))?;
            if let Some(n) = built.nodes.iter_mut().find(|n| n.id == id) {
                n.guide = row.guide.trim().to_string();
            }
        }
        // Parents' points are the sums of their children's where the table left them out.
        let ids: Vec<NodeId> = built.nodes.iter().rev().map(|n| n.id).collect();
        for id in ids {
            if built.is_leaf(id) {
                continue;
            }
            let sum = super::money::sum(built.children(Some(id)).map(|c| &c.points));
            if let Some(n) = built.nodes.iter_mut().find(|n| n.id == id)
                && n.points.is_zero()
            {
                n.points = sum;
            }
        }
        let problems = built.structural_problems();
        if let Some(p) = problems.first() {
            return Err(Error::invalid(rec, "indicators", p.clone()));
        }
        self.nodes = built.nodes;
        self.next_id = built.next_id;
        Ok(())
    }

    /// The id of the node at this path of names from the top, if there is one.
    fn id_at(&self, names: &[&str]) -> Option<NodeId> {
        let mut parent = None;
        for name in names {
            parent = Some(self.children(parent).find(|c| c.name == *name)?.id);
        }
        parent
    }
}
