//! Indicator templates: TOML text in, an indicator tree out. Parsing is pure; where the
//! text comes from (embedded or a user path) is the caller's business.

use super::grade::{Band, Bands, ResultKind};
use super::meta::Meta;
use super::project::ProjectId;
use super::tree::{Direction, IndicatorTree, MAX_DEPTH, Method, Node, NodeId};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de_decimal")]
    pub total: Decimal,
    #[serde(default = "default_result")]
    pub result: ResultKind,
    #[serde(default, rename = "band")]
    pub bands: Vec<TemplateBand>,
    #[serde(rename = "indicator")]
    pub indicators: Vec<TemplateNode>,
}

fn default_result() -> ResultKind {
    ResultKind::Grade
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateBand {
    pub label: String,
    #[serde(deserialize_with = "de_decimal")]
    pub min: Decimal,
}

/// One row of the outline: `level` 1 is a 一级 indicator; a row belongs to the nearest
/// row above it with a smaller level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateNode {
    pub level: usize,
    pub name: String,
    #[serde(deserialize_with = "de_decimal")]
    pub points: Decimal,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub guide: Option<String>,
    /// The row's points are fixed by rule (the self-evaluation's level-1 weights): the
    /// self-check fails a tree where they changed.
    #[serde(default)]
    pub fixed: bool,
}

/// Points may be written `3`, `2.5` or `"2.5"`.
fn de_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(i64),
        Float(f64),
        Str(String),
    }
    let text = match Num::deserialize(d)? {
        Num::Int(i) => i.to_string(),
        Num::Float(f) => f.to_string(),
        Num::Str(s) => s,
    };
    Decimal::from_str(text.trim()).map_err(|_| serde::de::Error::custom(format!("“{text}”不是数")))
}

impl Template {
    /// Parses and checks a template; errors name the file's row and say what to fix.
    pub fn parse(text: &str, source: &str) -> Result<Template, String> {
        let t: Template = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            format!("{source}:{line}: {}", e.message())
        })?;
        t.check(source, text)?;
        Ok(t)
    }

    fn check(&self, source: &str, text: &str) -> Result<(), String> {
        if self.indicators.is_empty() {
            return Err(format!("{source}:1: 没有指标 ([[indicator]] rows)"));
        }
        // The n-th `[[indicator]]` header's line, so an error points at its row.
        let headers: Vec<usize> =
            text.lines().enumerate().filter(|(_, l)| l.trim_start().starts_with("[[indicator]]")).map(|(i, _)| i + 1).collect();
        let mut prev_level = 0;
        for (i, row) in self.indicators.iter().enumerate() {
            let line = headers.get(i).copied().unwrap_or(1);
            let at = format!("{source}:{line}: 第 {} 个指标“{}”", i + 1, row.name);
            if row.level == 0 || row.level > MAX_DEPTH {
                return Err(format!("{at}: level {} 应在 1–{MAX_DEPTH} 之间", row.level));
            }
            if row.level > prev_level + 1 {
                return Err(format!("{at}: level {} 跳级（上一行是 {prev_level} 级）", row.level));
            }
            row.method()?;
            prev_level = row.level;
        }
        let tree = self.instantiate(0, Meta::new("template", chrono::DateTime::UNIX_EPOCH));
        let problems = tree.problems();
        if !problems.is_empty() {
            let line = text.lines().position(|l| l.trim_start().starts_with("total")).map_or(1, |i| i + 1);
            return Err(format!("{source}:{line}: {}", problems.join("；")));
        }
        Ok(())
    }

    pub fn band_set(&self) -> Bands {
        if self.bands.is_empty() {
            return match self.result {
                ResultKind::Grade => Bands::grades(),
                ResultKind::Conclusion => Bands::ex_ante(),
            };
        }
        Bands { kind: self.result, bands: self.bands.iter().map(|b| Band { label: b.label.clone(), min: b.min }).collect() }
    }

    /// What the self-check needs: the total and the fixed weights, each by its path of names.
    pub fn facts(&self) -> super::selfcheck::TemplateFacts {
        let mut fixed = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for row in &self.indicators {
            names.truncate(row.level.saturating_sub(1));
            names.push(row.name.as_str());
            if row.fixed {
                fixed.push(super::selfcheck::FixedWeight { path: names.join("/"), points: row.points });
            }
        }
        super::selfcheck::TemplateFacts { name: self.name.clone(), total: self.total, fixed }
    }

    /// A fresh, unscored tree for a project.
    pub fn instantiate(&self, project: ProjectId, meta: Meta) -> IndicatorTree {
        let mut nodes = Vec::with_capacity(self.indicators.len());
        // The open ancestors: stack[level-1] is the latest row of that level.
        let mut stack: Vec<NodeId> = Vec::new();
        for (i, row) in self.indicators.iter().enumerate() {
            let id = i as NodeId + 1;
            stack.truncate(row.level.saturating_sub(1));
            let parent = stack.last().copied();
            nodes.push(Node {
                id,
                parent,
                name: row.name.clone(),
                points: row.points,
                method: row.method().unwrap_or(Method::Direct),
                guide: row.guide.clone().unwrap_or_default(),
                score: None,
                rev: 1,
            });
            stack.push(id);
        }
        IndicatorTree { project, total: self.total, bands: self.band_set(), next_id: nodes.len() as NodeId + 1, nodes, meta }
    }
}

impl TemplateNode {
    fn method(&self) -> Result<Method, String> {
        let direction = match self.direction.as_deref() {
            None | Some("positive") => Direction::Positive,
            Some("negative") => Direction::Negative,
            Some("exact") => Direction::Exact,
            Some(other) => return Err(format!("指标“{}”: direction“{other}”应为 positive、negative 或 exact", self.name)),
        };
        match self.method.as_deref() {
            None | Some("direct") => Ok(Method::Direct),
            Some("deduction") => Ok(Method::Deduction),
            Some("formula") => Ok(Method::Formula { direction }),
            Some("qualitative") => Ok(Method::Qualitative),
            Some(other) => Err(format!("指标“{}”: method“{other}”应为 direct、deduction、formula 或 qualitative", self.name)),
        }
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}
