//! The template registry: the four shipped templates (embedded in the binary), plus any
//! the user loads from a path or keeps in `DATA/templates/*.toml`; and the report outlines
//! (`crate::outlines`), which load beside them.

use crate::domain::{Error, Result, Template};
use std::collections::BTreeMap;
use std::path::Path;

pub const EMBEDDED: [(&str, &str); 4] = [
    ("project-2020", include_str!("../fixtures/templates/project-2020.toml")),
    ("self-eval", include_str!("../fixtures/templates/self-eval.toml")),
    ("dept-overall", include_str!("../fixtures/templates/dept-overall.toml")),
    ("ex-ante", include_str!("../fixtures/templates/ex-ante.toml")),
];

#[derive(Debug, Clone)]
pub struct Templates {
    by_name: BTreeMap<String, (Template, String)>,
    /// User template files left out, each as "FILE:LINE: what is wrong".
    problems: Vec<String>,
    /// The report outlines (`crate::outlines`), loaded beside the templates.
    outlines: crate::outlines::Outlines,
}

impl Templates {
    /// The shipped templates. They are checked by tests, so a parse error here is a build
    /// defect; it is reported, not panicked on.
    pub fn builtin() -> Result<Templates> {
        let mut by_name = BTreeMap::new();
        for (name, text) in EMBEDDED {
            let t = Template::parse(text, &format!("fixtures/templates/{name}.toml")).map_err(|m| Error::invalid("内置模板", name, m))?;
            by_name.insert(t.name.clone(), (t, "内置 (built in)".to_string()));
        }
        Ok(Templates { by_name, problems: Vec::new(), outlines: crate::outlines::Outlines::builtin()? })
    }

    /// The built-in templates plus `DATA/templates/*.toml`.
    pub fn for_data_dir(data: &Path) -> Result<Templates> {
        let mut t = Templates::builtin()?;
        t.load_dir(&data.join("templates"))?;
        t.outlines.load_dir(&data.join("outlines"));
        Ok(t)
    }

    /// Adds every `*.toml` in `dir` (a missing dir is fine). A bad file is left out and
    /// named in `problems`: one colleague's half-written template must not stop the store.
    pub fn load_dir(&mut self, dir: &Path) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
        let mut paths: Vec<_> =
            entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
        paths.sort();
        for p in paths {
            if let Err(e) = self.load_file(&p) {
                let message = match e {
                    Error::Invalid { message, .. } => message,
                    other => format!("{}: {}", p.display(), other.render(crate::i18n::current())),
                };
                self.problems.push(format!("{message}（已跳过此模板）"));
            }
        }
        Ok(())
    }

    /// User template files that were left out, each "FILE:LINE: what is wrong".
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The report outlines: shipped, plus `DATA/outlines/*.toml`.
    pub fn outlines(&self) -> &crate::outlines::Outlines {
        &self.outlines
    }

    pub fn outlines_mut(&mut self) -> &mut crate::outlines::Outlines {
        &mut self.outlines
    }

    /// Loads a template file; it replaces a template of the same name.
    pub fn load_file(&mut self, path: &Path) -> Result<String> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(&shown, e))?;
        let t = Template::parse(&text, &shown).map_err(|m| Error::invalid("模板", shown.clone(), m))?;
        let name = t.name.clone();
        self.by_name.insert(name.clone(), (t, shown));
        Ok(name)
    }

    pub fn get(&self, name: &str) -> Result<&Template> {
        self.by_name
            .get(name)
            .map(|(t, _)| t)
            .ok_or_else(|| Error::invalid("项目", "template", format!("没有名为“{name}”的模板，可选：{}", self.names().join("、"))))
    }

    pub fn names(&self) -> Vec<String> {
        self.by_name.keys().cloned().collect()
    }

    /// (template, where it came from), by name.
    pub fn list(&self) -> impl Iterator<Item = (&Template, &str)> {
        self.by_name.values().map(|(t, src)| (t, src.as_str()))
    }
}
