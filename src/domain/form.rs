//! The self-evaluation form (绩效自评表, DOMAIN.md §11) kept beside a project's indicator
//! tree: per leaf the printed 指标性质, 年度指标值, 实际完成值, 度量单位, 偏差原因 and the
//! unit's own 自评得分, with its 其中 rows; per project the money block, the 年度总体目标
//! pair and the form's printed 总分. The tree keeps the points and the re-checker's scores
//! (复核得分); the form keeps what the unit printed, as printed.

use super::money::{check_amount, check_points, round2, sum};
use super::printed::{self, Nature, Printed};
use super::project::ProjectId;
use super::tree::{IndicatorTree, NodeId};
use super::{Error, Meta, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The money block's rows, in printed order.
pub const MONEY_ROWS: [&str; 4] = ["年度资金总额", "财政拨款", "上年结转", "其他资金"];
/// The money block's points (预算执行率 10 分) unless the form says otherwise.
pub const MONEY_POINTS: i64 = 10;
/// Spot-check thresholds unless set: a row's self-score and re-check score may differ by
/// 1 point, the totals by 5, before the self-check says so.
pub const ROW_THRESHOLD: i64 = 1;
pub const TOTAL_THRESHOLD: i64 = 5;
/// Longest printed value (a target, an actual, a unit), in characters.
pub const MAX_PRINTED_CHARS: usize = 200;
/// Most 其中 rows under one indicator.
pub const MAX_BREAKDOWN: usize = 50;

/// One 其中 row: a breakdown of its indicator without points of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub name: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub actual: String,
    #[serde(default)]
    pub unit: String,
}

/// What the form prints on an indicator's row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RowInput {
    #[serde(default)]
    pub nature: Option<Nature>,
    /// 年度指标值 as printed ("≥4754人", "86.19%", "及时").
    #[serde(default)]
    pub target: String,
    /// 实际完成值 as printed.
    #[serde(default)]
    pub actual: String,
    /// 度量单位 where the form prints it in its own column.
    #[serde(default)]
    pub unit: String,
    /// 偏差原因分析及改进措施.
    #[serde(default)]
    pub deviation: String,
    /// The unit's own score (自评得分).
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub self_score: Option<Decimal>,
    #[serde(default)]
    pub breakdown: Vec<Breakdown>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRow {
    pub node: NodeId,
    pub input: RowInput,
    /// Grows on every change of this row, so two people on different rows do not conflict.
    pub rev: u64,
}

/// One row of the money block (万元).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyRow {
    pub label: String,
    /// 年初预算数.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub year_start: Option<Decimal>,
    /// 全年预算数.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub full_year: Option<Decimal>,
    /// 全年执行数.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub executed: Option<Decimal>,
}

/// The form's project-wide parts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Head {
    #[serde(default)]
    pub money: Vec<MoneyRow>,
    /// The money block's points; 10 when not given.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub money_points: Option<Decimal>,
    /// 年度总体目标：预期目标.
    #[serde(default)]
    pub goal_expected: String,
    /// 年度总体目标：实际完成情况.
    #[serde(default)]
    pub goal_actual: String,
    /// 总分 as printed at the bottom of the unit's form.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub printed_total: Option<Decimal>,
    /// Spot-check thresholds (points); 1 per row and 5 in total when not given.
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub row_threshold: Option<Decimal>,
    #[serde(default, with = "crate::domain::money::plain::option")]
    pub total_threshold: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub project: ProjectId,
    pub head: Head,
    /// By node id, in the order rows were first written (screens follow the tree's order).
    pub rows: Vec<FormRow>,
    pub meta: Meta,
}

impl Form {
    pub fn new(project: ProjectId, meta: Meta) -> Self {
        Form { project, head: Head::default(), rows: Vec::new(), meta }
    }

    pub fn row(&self, node: NodeId) -> Option<&FormRow> {
        self.rows.iter().find(|r| r.node == node)
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.head == Head::default()
    }

    /// Writes (or, when every field is empty, removes) a leaf's row; `expected_rev` is the
    /// row's rev the edit started from (0 for a row not yet written).
    pub fn set_row(&mut self, tree: &IndicatorTree, node: NodeId, input: RowInput, expected_rev: Option<u64>) -> Result<u64> {
        let n = tree.node(node).ok_or_else(|| Error::not_found("指标", format!("#{node}")))?;
        let rec = format!("指标“{}”的自评表行", tree.path(node));
        if !tree.is_leaf(node) {
            return Err(Error::invalid(rec, "indicator", "自评表的指标值和得分写在末级指标上；其中行写在它所属的末级指标下"));
        }
        validate_row(&rec, &input, n.points)?;
        let current = self.row(node).map(|r| r.rev).unwrap_or(0);
        if let Some(rev) = expected_rev
            && rev != current
        {
            return Err(Error::Conflict {
                what: rec,
                expected: rev,
                actual: current,
                by: self.meta.updated_by.clone(),
                at: self.meta.updated_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            });
        }
        let empty = input == RowInput::default();
        self.rows.retain(|r| r.node != node);
        if !empty {
            self.rows.push(FormRow { node, input, rev: current + 1 });
        }
        Ok(current + 1)
    }

    /// Drops the rows of indicators no longer in the tree (after a removal).
    pub fn prune(&mut self, tree: &IndicatorTree) -> bool {
        let before = self.rows.len();
        self.rows.retain(|r| tree.node(r.node).is_some() && tree.is_leaf(r.node));
        self.rows.len() != before
    }

    /// What a stored or imported form may not hold against its tree: rows on indicators that
    /// are not leaves of it, two rows on one leaf, values out of range.
    pub fn problems(&self, tree: &IndicatorTree) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &self.rows {
            let Some(n) = tree.node(r.node) else {
                out.push(format!("指标 #{} 不在指标体系中", r.node));
                continue;
            };
            if !tree.is_leaf(r.node) {
                out.push(format!("指标“{}”不是末级指标", tree.path(r.node)));
            }
            if !seen.insert(r.node) {
                out.push(format!("指标“{}”有两行", tree.path(r.node)));
            }
            if let Err(e) = validate_row(&tree.path(r.node), &r.input, n.points) {
                out.push(e.to_string());
            }
        }
        if let Err(e) = validate_head(&self.head) {
            out.push(e.to_string());
        }
        out
    }

    pub fn money_points(&self) -> Decimal {
        self.head.money_points.unwrap_or(Decimal::from(MONEY_POINTS))
    }

    /// 执行率 of the 年度资金总额 row (全年执行数 ÷ 全年预算数), as a fraction.
    pub fn execution_rate(&self) -> Option<Decimal> {
        let total = self.head.money.first()?;
        let (budget, done) = (total.full_year?, total.executed?);
        if budget <= Decimal::ZERO {
            return None;
        }
        done.checked_div(budget)
    }

    /// The money block's score: points × 执行率, at most the points, two places.
    pub fn money_score(&self) -> Option<Decimal> {
        let rate = self.execution_rate()?;
        let points = self.money_points();
        Some(round2(points.checked_mul(rate)?.min(points)))
    }

    /// The unit's own total: the self-scores of every row.
    pub fn self_total(&self) -> Option<Decimal> {
        let scores: Vec<&Decimal> = self.rows.iter().filter_map(|r| r.input.self_score.as_ref()).collect();
        (!scores.is_empty()).then(|| sum(scores))
    }

    pub fn row_threshold(&self) -> Decimal {
        self.head.row_threshold.unwrap_or(Decimal::from(ROW_THRESHOLD))
    }

    pub fn total_threshold(&self) -> Decimal {
        self.head.total_threshold.unwrap_or(Decimal::from(TOTAL_THRESHOLD))
    }

    pub fn set_head(&mut self, head: Head) -> Result<()> {
        validate_head(&head)?;
        self.head = head;
        Ok(())
    }
}

impl RowInput {
    pub fn target(&self) -> Printed {
        printed::parse(&self.target)
    }

    pub fn actual(&self) -> Printed {
        printed::parse(&self.actual)
    }

    /// The comparison the row states: its 指标性质, else the sign printed with the target.
    pub fn nature(&self) -> Option<Nature> {
        self.nature.or_else(|| self.target().nature)
    }

    /// How a leaf with this row is scored: by formula where the target is a number (the
    /// direction from 指标性质 or the target's sign, = without either), qualitatively where
    /// it is text; None without a target. Imports and pasted rows set the leaf's method by it.
    pub fn method(&self) -> Option<super::tree::Method> {
        use super::tree::Method;
        if self.target.trim().is_empty() {
            return None;
        }
        let target = self.target();
        if target.number.is_none() || self.nature == Some(Nature::Text) {
            return Some(Method::Qualitative);
        }
        printed::effective(self.nature, &target).direction().map(|direction| Method::Formula { direction })
    }

    /// Some(true) when the actual misses the target, None when it cannot be told.
    pub fn missed(&self) -> Option<bool> {
        if self.target.trim().is_empty() || self.actual.trim().is_empty() {
            return None;
        }
        printed::missed(self.nature, &self.target(), &self.actual())
    }
}

fn validate_text(rec: &str, field: &str, text: &str) -> Result<()> {
    let chars = text.chars().count();
    if chars > MAX_PRINTED_CHARS {
        return Err(Error::invalid(rec, field, format!("{chars} 个字，最多 {MAX_PRINTED_CHARS} 个字：长的说明写在偏差原因栏")));
    }
    Ok(())
}

fn validate_row(rec: &str, input: &RowInput, points: Decimal) -> Result<()> {
    validate_text(rec, "target", &input.target)?;
    validate_text(rec, "actual", &input.actual)?;
    validate_text(rec, "unit", &input.unit)?;
    if let Some(s) = input.self_score {
        check_points(s).map_err(|m| Error::invalid(rec, "self_score", m))?;
        if s < Decimal::ZERO || s > points {
            return Err(Error::invalid(rec, "self_score", format!("自评得分 {s} 不在 0 到 {points} 分之间")));
        }
    }
    if input.breakdown.len() > MAX_BREAKDOWN {
        return Err(Error::invalid(rec, "breakdown", format!("其中行 {} 行，最多 {MAX_BREAKDOWN} 行", input.breakdown.len())));
    }
    for (i, b) in input.breakdown.iter().enumerate() {
        let field = format!("breakdown[{}]", i + 1);
        if b.name.trim().is_empty() {
            return Err(Error::invalid(rec, &field, "其中行要有名称（如“其中：农村低保”）"));
        }
        for text in [&b.name, &b.target, &b.actual, &b.unit] {
            validate_text(rec, &field, text)?;
        }
    }
    Ok(())
}

fn validate_head(head: &Head) -> Result<()> {
    let rec = "自评表";
    if head.money.len() > MONEY_ROWS.len() {
        return Err(Error::invalid(
            rec,
            "money",
            format!("资金表 {} 行，最多 {} 行（{}）", head.money.len(), MONEY_ROWS.len(), MONEY_ROWS.join("、")),
        ));
    }
    for row in &head.money {
        if !MONEY_ROWS.contains(&row.label.as_str()) {
            return Err(Error::invalid(rec, "money", format!("“{}”不是资金表的行：应为 {}", row.label, MONEY_ROWS.join("、"))));
        }
        for (field, v) in [("year_start", row.year_start), ("full_year", row.full_year), ("executed", row.executed)] {
            if let Some(v) = v {
                check_amount(v).map_err(|m| Error::invalid(format!("资金表“{}”", row.label), field, m))?;
            }
        }
    }
    for (field, v) in [
        ("money_points", head.money_points),
        ("printed_total", head.printed_total),
        ("row_threshold", head.row_threshold),
        ("total_threshold", head.total_threshold),
    ] {
        if let Some(v) = v {
            check_points(v).map_err(|m| Error::invalid(rec, field, m))?;
            if v < Decimal::ZERO {
                return Err(Error::invalid(rec, field, format!("{v} 不能为负")));
            }
        }
    }
    Ok(())
}
