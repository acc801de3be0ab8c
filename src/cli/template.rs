//! `jixiao template list | show NAME`.

use super::args::TemplateCmd;
use crate::domain::money::fmt2;
use crate::domain::{Result, Template};
use std::path::Path;

pub fn run(data: &Path, action: TemplateCmd) -> Result<i32> {
    let mut templates = crate::templates::Templates::for_data_dir(data)?;
    match action {
        TemplateCmd::List => {
            for p in templates.problems() {
                super::out::err_line(&format!("jixiao: 模板 {p}"));
            }
            for (t, source) in templates.list() {
                let leaves = t.instantiate(0, crate::domain::Meta::new("-", chrono::DateTime::UNIX_EPOCH)).leaves().count();
                super::out::line(&format!(
                    "{:<14} {}  （{}，总分 {}，末级指标 {leaves} 个，{source}）",
                    t.name,
                    t.title,
                    t.kind.as_deref().unwrap_or("通用"),
                    t.total
                ))?;
            }
        }
        TemplateCmd::Show { name } => {
            let path = Path::new(&name);
            let name = if name.ends_with(".toml") || path.is_file() { templates.load_file(path)? } else { name };
            print!("{}", render(templates.get(&name)?));
        }
    }
    Ok(0)
}

/// The tree as an indented outline with points and scoring methods.
pub fn render(t: &Template) -> String {
    let tree = t.instantiate(0, crate::domain::Meta::new("-", chrono::DateTime::UNIX_EPOCH));
    let mut out = format!("{}（{}）总分 {}\n", t.title, t.name, fmt2(t.total));
    let bands: Vec<String> = tree.bands.bands.iter().map(|b| format!("{} ≥ {}", b.label, b.min)).collect();
    out.push_str(&format!("等级：{}\n", bands.join("，")));
    for n in &tree.nodes {
        let indent = "  ".repeat(tree.depth(n.id) - 1);
        let method = if tree.is_leaf(n.id) { format!("  [{}]", n.method.label()) } else { String::new() };
        out.push_str(&format!("{indent}{} {}{method}\n", n.name, fmt2(n.points)));
    }
    out
}
