//! Report outlines (评价报告提纲): which sections an evaluation report has, in what order,
//! and how each is filled: generated from the records (`data`), written by the team
//! (`text`), or a written paragraph above generated content (`both`). TOML text in, an
//! `Outline` out; where the text comes from is the caller's business (`crate::outlines`).

use serde::{Deserialize, Serialize};

/// How a section gets its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    /// Generated from the records; nothing to write.
    Data,
    /// Written by the team.
    Text,
    /// A written paragraph above generated content.
    Both,
}

/// What generates a data section's content (`read::report` holds each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generator {
    /// 封面: 项目名称, 项目单位, 主管部门, 委托单位, 评价机构, 评价类型, 报告编号, 日期.
    Cover,
    /// 基本情况's facts from the project: unit, amount, fiscal year, kind, fund notes.
    BasicFacts,
    /// The indicator system (一级/二级/三级 with points).
    IndicatorSystem,
    /// 综合评价结论: the total and grade, or the ex-ante conclusion.
    Conclusion,
    /// 指标分析: per level-1 indicator, points, score, points lost and why.
    IndicatorAnalysis,
    /// 存在的问题: the published findings, numbered.
    Problems,
    /// 有关建议: one per problem, from its items' requirements.
    Suggestions,
    /// 结果应用: the project's recorded result use.
    ResultUse,
    /// 评分表.
    ScoreTable,
    /// 自评与复核得分对比 (自评抽查): per leaf the form's 年度指标值, 实际完成值 and 自评得分
    /// beside the 复核得分, the difference, and a 合计 row.
    RecheckTable,
}

impl Generator {
    pub const ALL: [Generator; 10] = [
        Generator::Cover,
        Generator::BasicFacts,
        Generator::IndicatorSystem,
        Generator::Conclusion,
        Generator::IndicatorAnalysis,
        Generator::Problems,
        Generator::Suggestions,
        Generator::ResultUse,
        Generator::ScoreTable,
        Generator::RecheckTable,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Generator::Cover => "cover",
            Generator::BasicFacts => "basic-facts",
            Generator::IndicatorSystem => "indicator-system",
            Generator::Conclusion => "conclusion",
            Generator::IndicatorAnalysis => "indicator-analysis",
            Generator::Problems => "problems",
            Generator::Suggestions => "suggestions",
            Generator::ResultUse => "result-use",
            Generator::ScoreTable => "score-table",
            Generator::RecheckTable => "recheck-table",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// A stable id (`overview`, `problems` …): what `write_report_section` names.
    pub key: String,
    /// 一、基本情况 / （一）项目概况; empty only for the cover.
    #[serde(default)]
    pub heading: String,
    /// 1 or 2.
    #[serde(default = "one")]
    pub level: u8,
    pub fill: Fill,
    #[serde(default)]
    pub generator: Option<Generator>,
    /// What the team should write here, shown to the writer.
    #[serde(default)]
    pub hint: String,
}

fn one() -> u8 {
    1
}

impl Section {
    /// The team writes into it.
    pub fn is_writable(&self) -> bool {
        self.fill != Fill::Data
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outline {
    /// project, dept-overall, ex-ante, self-eval, or a user outline's own.
    pub name: String,
    /// The report's title after the project's name: 绩效评价报告.
    pub title: String,
    /// The evaluation kind label it is for (项目支出 …), informative.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
}

impl Outline {
    /// Parses and checks an outline; an error is "SOURCE:LINE: what is wrong and the fix".
    pub fn parse(text: &str, source: &str) -> Result<Outline, String> {
        let o: Outline = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            format!("{source}:{line}: {}", e.message())
        })?;
        o.check(source, text)?;
        Ok(o)
    }

    fn check(&self, source: &str, text: &str) -> Result<(), String> {
        if self.sections.is_empty() {
            return Err(format!("{source}:1: 没有章节 ([[section]] rows)"));
        }
        let headers: Vec<usize> =
            text.lines().enumerate().filter(|(_, l)| l.trim_start().starts_with("[[section]]")).map(|(i, _)| i + 1).collect();
        let mut keys = std::collections::HashSet::new();
        for (i, s) in self.sections.iter().enumerate() {
            let line = headers.get(i).copied().unwrap_or(1);
            let at = format!("{source}:{line}: 第 {} 个章节“{}”", i + 1, s.key);
            if s.key.is_empty() || !s.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(format!("{at}: key 只能用小写字母、数字和 -，如 overview"));
            }
            if !keys.insert(s.key.as_str()) {
                return Err(format!("{at}: key“{}”重复：每个章节的 key 要不同", s.key));
            }
            if !(1..=2).contains(&s.level) {
                return Err(format!("{at}: level {} 应为 1 或 2", s.level));
            }
            if i == 0 && s.level != 1 && s.generator != Some(Generator::Cover) {
                return Err(format!("{at}: 第一个章节应为 1 级"));
            }
            match (s.fill, s.generator) {
                (Fill::Data | Fill::Both, None) => {
                    let names: Vec<&str> = Generator::ALL.iter().map(|g| g.name()).collect();
                    return Err(format!("{at}: fill = \"data\" 或 \"both\" 要写 generator，可选：{}", names.join("、")));
                }
                (Fill::Text, Some(_)) => return Err(format!("{at}: fill = \"text\" 的章节不能有 generator（改为 \"both\"）")),
                (Fill::Both, Some(Generator::Cover)) => return Err(format!("{at}: 封面 (cover) 只能是 fill = \"data\"")),
                _ => {}
            }
            if s.heading.trim().is_empty() && s.generator != Some(Generator::Cover) {
                return Err(format!("{at}: 需要 heading，如 \"一、基本情况\""));
            }
        }
        if self.title.trim().is_empty() {
            return Err(format!("{source}:1: 需要 title，如 \"绩效评价报告\""));
        }
        Ok(())
    }

    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// The keys of the sections the team writes into.
    pub fn writable_keys(&self) -> Vec<&str> {
        self.sections.iter().filter(|s| s.is_writable()).map(|s| s.key.as_str()).collect()
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}
