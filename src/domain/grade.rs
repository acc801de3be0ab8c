//! Grade bands (优/良/中/差) and ex-ante conclusion bands: half-open lower bounds,
//! configured by the template.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultKind {
    /// 优/良/中/差.
    #[serde(rename = "grade")]
    Grade,
    /// 事前绩效评估: 予以支持 / 调整完善后予以支持 / 不予支持.
    #[serde(rename = "conclusion")]
    Conclusion,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub label: String,
    /// Inclusive lower bound: a total ≥ min (and below the next band's min) falls here.
    pub min: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bands {
    pub kind: ResultKind,
    /// Highest first.
    pub bands: Vec<Band>,
}

impl Bands {
    pub fn grades() -> Self {
        let b = |label: &str, min: i64| Band { label: label.into(), min: Decimal::from(min) };
        Bands { kind: ResultKind::Grade, bands: vec![b("优", 90), b("良", 80), b("中", 60), b("差", 0)] }
    }

    pub fn ex_ante() -> Self {
        let b = |label: &str, min: i64| Band { label: label.into(), min: Decimal::from(min) };
        Bands {
            kind: ResultKind::Conclusion, bands: vec![b("予以支持", 90), b("调整完善后予以支持", 70), b("不予支持", 0)]
        }
    }

    /// The band a total falls in: the first (highest) band whose min it reaches.
    pub fn classify(&self, total: Decimal) -> Option<&str> {
        self.bands.iter().find(|b| total >= b.min).map(|b| b.label.as_str())
    }

    /// Bands must go strictly down and end at 0 so every total has a band.
    pub fn validate(&self) -> Result<(), String> {
        if self.bands.is_empty() {
            return Err("至少需要一个等级 (at least one band)".into());
        }
        for pair in self.bands.windows(2) {
            if pair[0].min <= pair[1].min {
                return Err(format!(
                    "等级“{}”的下限 {} 应高于“{}”的 {}（从高到低排列）",
                    pair[0].label, pair[0].min, pair[1].label, pair[1].min
                ));
            }
        }
        match self.bands.last() {
            Some(last) if last.min.is_zero() => Ok(()),
            Some(last) => Err(format!("最低等级“{}”的下限应为 0，现为 {}", last.label, last.min)),
            None => Ok(()),
        }
    }
}
