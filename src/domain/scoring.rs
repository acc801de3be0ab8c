//! How a leaf is scored (评分方法): the four methods and what a scorer enters for each;
//! the score is computed from the input, capped at the leaf's points.

use super::money::round2;
use super::{Error, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better: points × actual ÷ target.
    Positive,
    /// Lower is better: points × target ÷ actual.
    Negative,
    /// = : full points when equal; points × (1 − |actual − target| ÷ target), at least 0.
    Exact,
}

impl Direction {
    /// How a form or the editor names the direction: 正向, 反向, 等于.
    pub fn label(self) -> &'static str {
        match self {
            Direction::Positive => "正向",
            Direction::Negative => "反向",
            Direction::Exact => "等于",
        }
    }
}

/// The formula score of `points` from a target and an actual value under `direction`, capped
/// at `points` and rounded to two places; None when the arithmetic overflows. The caller has
/// checked `target > 0` and `actual >= 0`. The one copy of the rule: `ScoreInput::compute`
/// and `printed::formula_score` both call it.
pub fn formula(points: Decimal, target: Decimal, actual: Decimal, direction: Direction) -> Option<Decimal> {
    // Checked: a store from before the ranges may hold any value; never a panic.
    let raw = match direction {
        Direction::Positive => points.checked_mul(actual).and_then(|v| v.checked_div(target)),
        Direction::Negative if actual.is_zero() => Some(points),
        Direction::Negative => points.checked_mul(target).and_then(|v| v.checked_div(actual)),
        Direction::Exact if actual == target => Some(points),
        Direction::Exact => {
            let off = (actual.checked_sub(target)?).abs().checked_div(target)?;
            points.checked_mul(Decimal::ONE.checked_sub(off)?).map(|v| v.max(Decimal::ZERO))
        }
    }?;
    Some(round2(raw.min(points)))
}

/// How a leaf is scored; the editor opens on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Direct,
    Deduction,
    Formula { direction: Direction },
    Qualitative,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Direct => "直接",
            Method::Deduction => "扣分",
            Method::Formula { .. } => "公式",
            Method::Qualitative => "定性",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualBand {
    /// 达成: 80–100% of the points.
    Met,
    /// 部分达成: 50–<80%.
    Partly,
    /// 未达成: 0–<50%.
    NotMet,
}

impl QualBand {
    pub fn label(self) -> &'static str {
        match self {
            QualBand::Met => "达成",
            QualBand::Partly => "部分达成",
            QualBand::NotMet => "未达成",
        }
    }
    /// The allowed score range as (low, high, high inclusive) for a leaf of `points`.
    pub fn range(self, points: Decimal) -> (Decimal, Decimal, bool) {
        let pct = |p: i64| round2(points.saturating_mul(Decimal::from(p)) / Decimal::from(100));
        match self {
            QualBand::Met => (pct(80), points, true),
            QualBand::Partly => (pct(50), pct(80), false),
            QualBand::NotMet => (Decimal::ZERO, pct(50), false),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    #[serde(with = "crate::domain::money::plain")]
    pub points: Decimal,
    pub reason: String,
    /// The finding this deduction stems from, if recorded.
    #[serde(default)]
    pub finding: Option<u64>,
}

/// What the scorer entered; the score value is computed from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreInput {
    Direct {
        #[serde(with = "crate::domain::money::plain")]
        value: Decimal,
    },
    Deduction {
        deductions: Vec<Deduction>,
    },
    Formula {
        #[serde(with = "crate::domain::money::plain")]
        target: Decimal,
        #[serde(with = "crate::domain::money::plain")]
        actual: Decimal,
        direction: Direction,
    },
    Qualitative {
        band: QualBand,
        #[serde(with = "crate::domain::money::plain")]
        value: Decimal,
    },
    /// A formula score from the target and actual as the self-evaluation form prints them
    /// ("≥95%", "86.19%"): the numbers and units are read from the text (`printed.rs`), the
    /// direction from 指标性质 or the target's own sign. Kept as printed, so the paper shows
    /// what the form said. (Last variant: stored values keep their tags.)
    Printed {
        #[serde(default)]
        nature: Option<super::printed::Nature>,
        target: String,
        actual: String,
    },
}

impl ScoreInput {
    pub fn method(&self) -> Method {
        match self {
            ScoreInput::Direct { .. } => Method::Direct,
            ScoreInput::Deduction { .. } => Method::Deduction,
            ScoreInput::Formula { direction, .. } => Method::Formula { direction: *direction },
            ScoreInput::Qualitative { .. } => Method::Qualitative,
            ScoreInput::Printed { nature, target, .. } => {
                let target = super::printed::parse(target);
                let direction = super::printed::effective(*nature, &target).direction().unwrap_or(Direction::Positive);
                Method::Formula { direction }
            }
        }
    }

    /// The score this input gives on a leaf of `points`, or an error that states the allowed range.
    pub fn compute(&self, leaf: &str, points: Decimal) -> Result<Decimal> {
        let rec = format!("指标“{leaf}”");
        let out_of_range = |field: &str, v: Decimal| Error::invalid(&rec, field, format!("{v} 超出范围：应在 0 到 {points} 分之间"));
        match self {
            ScoreInput::Direct { value } => {
                if *value < Decimal::ZERO || *value > points {
                    return Err(out_of_range("value", *value));
                }
                places(&rec, "value", *value)?;
                Ok(*value)
            }
            ScoreInput::Deduction { deductions } => {
                let mut sum = Decimal::ZERO;
                for (i, d) in deductions.iter().enumerate() {
                    let field = format!("deductions[{}]", i + 1);
                    if d.points <= Decimal::ZERO {
                        return Err(Error::invalid(&rec, &field, format!("扣分 {} 应大于 0", d.points)));
                    }
                    super::money::check_points(d.points).map_err(|m| Error::invalid(&rec, &field, m))?;
                    if d.reason.trim().is_empty() {
                        return Err(Error::invalid(&rec, &field, "每项扣分都要写扣分理由"));
                    }
                    sum = sum.saturating_add(d.points);
                }
                Ok((points - sum).max(Decimal::ZERO))
            }
            ScoreInput::Formula { target, actual, direction } => {
                if *target <= Decimal::ZERO {
                    return Err(Error::invalid(&rec, "target", format!("目标值 {target} 应大于 0")));
                }
                if *actual < Decimal::ZERO {
                    return Err(Error::invalid(&rec, "actual", format!("实际值 {actual} 不能为负")));
                }
                super::money::check_measure(*target).map_err(|m| Error::invalid(&rec, "target", m))?;
                super::money::check_measure(*actual).map_err(|m| Error::invalid(&rec, "actual", m))?;
                formula(points, *target, *actual, *direction)
                    .ok_or_else(|| Error::invalid(&rec, "actual", format!("{points} × {actual} ÷ {target} 超出可计算的范围")))
            }
            ScoreInput::Qualitative { band, value } => {
                let (lo, hi, hi_inclusive) = band.range(points);
                let inside = *value >= lo && if hi_inclusive { *value <= hi } else { *value < hi };
                if !inside {
                    let close = if hi_inclusive { "]" } else { ")" };
                    return Err(Error::invalid(&rec, "value", format!("{value} 不在“{}”的区间 [{lo}, {hi}{close} 内", band.label())));
                }
                places(&rec, "value", *value)?;
                Ok(*value)
            }
            ScoreInput::Printed { nature, target, actual } => {
                let (t, a) = (super::printed::parse(target), super::printed::parse(actual));
                super::printed::formula_score(points, *nature, &t, &a).map_err(|m| Error::invalid(&rec, "target", m))
            }
        }
    }
}

impl ScoreInput {
    /// The deductions' total when it exceeds the leaf's points: accepted (the score stops at
    /// 0, 扣完为止) but worth saying, since the list then claims more than the leaf had.
    pub fn over_deducted(&self, points: Decimal) -> Option<Decimal> {
        let ScoreInput::Deduction { deductions } = self else { return None };
        let total = super::money::sum(deductions.iter().map(|d| &d.points));
        (total > points).then_some(total)
    }
}

/// How an over-deducted leaf is described wherever its deductions are listed.
pub fn over_deduction_note(total: Decimal, points: Decimal) -> String {
    format!("扣分合计 {} 分超过本项分值 {} 分，扣完为止（得 0 分）", super::money::fmt2(total), super::money::fmt2(points))
}

pub(super) fn places(rec: &str, field: &str, v: Decimal) -> Result<()> {
    super::money::check_places(v, &v.to_string()).map_err(|m| Error::invalid(rec, field, m))
}
