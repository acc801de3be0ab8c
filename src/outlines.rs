//! The report outline registry: the four shipped outlines (embedded in the binary), plus
//! `DATA/outlines/*.toml` a team adds or overrides (a file whose `name` is a shipped one
//! replaces it). Carried by `Templates`, so the store and every reader see the same set.

use crate::domain::outline::Outline;
use crate::domain::{Error, ProjectKind, Result};
use std::collections::BTreeMap;
use std::path::Path;

pub const EMBEDDED: [(&str, &str); 4] = [
    ("project", include_str!("../fixtures/outlines/project.toml")),
    ("dept-overall", include_str!("../fixtures/outlines/dept-overall.toml")),
    ("ex-ante", include_str!("../fixtures/outlines/ex-ante.toml")),
    ("self-eval", include_str!("../fixtures/outlines/self-eval.toml")),
];

/// The outline a project of this kind is reported on. Monitoring (绩效监控) shares the
/// project expenditure outline; a self-evaluation re-check has its own (fixtures/outlines/self-eval.toml).
pub fn outline_name(kind: ProjectKind) -> &'static str {
    match kind {
        ProjectKind::Project | ProjectKind::Monitoring => "project",
        ProjectKind::Department => "dept-overall",
        ProjectKind::ExAnte => "ex-ante",
        ProjectKind::SelfEvalCheck => "self-eval",
    }
}

#[derive(Debug, Clone)]
pub struct Outlines {
    by_name: BTreeMap<String, Outline>,
    /// User outline files left out, each "FILE:LINE: what is wrong".
    problems: Vec<String>,
}

impl Outlines {
    /// The shipped outlines; tests check them, so a parse error is a build defect, reported.
    pub fn builtin() -> Result<Outlines> {
        let mut by_name = BTreeMap::new();
        for (name, text) in EMBEDDED {
            let o = Outline::parse(text, &format!("fixtures/outlines/{name}.toml")).map_err(|m| Error::invalid("内置报告提纲", name, m))?;
            by_name.insert(o.name.clone(), o);
        }
        Ok(Outlines { by_name, problems: vec![] })
    }

    /// Adds every `*.toml` in `dir` (a missing dir is fine). A broken file is left out and
    /// named in `problems`, as a broken template is: the store still opens.
    pub fn load_dir(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut paths: Vec<_> =
            entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
        paths.sort();
        for p in paths {
            let shown = p.display().to_string();
            let parsed = std::fs::read_to_string(&p).map_err(|e| format!("{shown}: {e}")).and_then(|text| Outline::parse(&text, &shown));
            match parsed {
                Ok(o) => {
                    self.by_name.insert(o.name.clone(), o);
                }
                Err(m) => self.problems.push(format!("{m}（已跳过此报告提纲，用内置的）")),
            }
        }
    }

    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn names(&self) -> Vec<String> {
        self.by_name.keys().cloned().collect()
    }

    /// The outline for a project of `kind`.
    pub fn for_kind(&self, kind: ProjectKind) -> Result<&Outline> {
        let name = outline_name(kind);
        self.by_name
            .get(name)
            .ok_or_else(|| Error::invalid("报告提纲", name, format!("没有名为“{name}”的报告提纲，可选：{}", self.names().join("、"))))
    }
}
