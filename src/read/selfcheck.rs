//! A project's self-check as shown: the table `jixiao check --project` prints (every rule with
//! ✓, ✗ or !, the failing rows indented under it, the overrides kept) fitted to a width in
//! terminal cells, Chinese counted as two.

use crate::domain::selfcheck::{Level, ProjectCheck};
use crate::text::{width, wrap};

/// Rows shown under one rule; the rest are counted.
pub const ROWS_PER_RULE: usize = 20;

/// The table, every line at most `cells` wide (at least 40).
pub fn table(pc: &ProjectCheck, cells: usize) -> String {
    let cells = cells.max(40);
    let c = &pc.check;
    let passed = c.lines.iter().filter(|l| l.passed).count();
    let failed = c.failures().count();
    let warned = c.warnings().count();
    let mut out = Vec::new();
    push(&mut out, &format!("自检 {}：{passed} 项通过，{failed} 项未通过，{warned} 项警告", c.project), "", cells);
    for l in &c.lines {
        let level = if l.level == Level::Warning { "（警告）" } else { "" };
        push(&mut out, &format!("{} {}{level}", l.mark(), l.title), "  ", cells);
        for r in l.rows.iter().take(ROWS_PER_RULE) {
            push(&mut out, &format!("    {}：{}", r.at, r.what), "      ", cells);
        }
        if l.rows.len() > ROWS_PER_RULE {
            push(&mut out, &format!("    …… 另 {} 处（--format json 列出全部）", l.rows.len() - ROWS_PER_RULE), "      ", cells);
        }
    }
    for o in &pc.overrides {
        push(&mut out, &o.line(), "  ", cells);
    }
    let verdict = if failed == 0 { "自检通过".to_string() } else { format!("自检未通过：{failed} 项需要修正") };
    push(&mut out, &verdict, "", cells);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// `text` wrapped to `cells`; continuation lines start with `indent`.
fn push(out: &mut Vec<String>, text: &str, indent: &str, cells: usize) {
    let first = wrap(text, cells);
    let mut lines = first.into_iter();
    if let Some(l) = lines.next() {
        out.push(l);
    }
    let rest: String = lines.collect::<Vec<_>>().concat();
    if !rest.is_empty() {
        for l in wrap(&rest, cells - width(indent)) {
            out.push(format!("{indent}{l}"));
        }
    }
}
