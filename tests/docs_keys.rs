//! docs/commands.md's table "Keys in the workbench" against the live keymap: every command the
//! page documents has a row, and each row either names a key that the default keymap binds to
//! the named action in the named context, or says why there is no key.

use jixiao::tui::action::{Action, CONTEXTS};
use jixiao::tui::keymap::Keymap;
use std::collections::BTreeSet;

const DOC: &str = include_str!("../docs/commands.md");
const SECTION: &str = "## Keys in the workbench";

/// One row of the table.
#[derive(Debug)]
struct Row {
    command: String,
    /// None: "—", no key.
    key: Option<String>,
    where_: String,
    last: String,
    line: usize,
}

/// The text between the first pair of backticks in `cell`.
fn ticked(cell: &str) -> Option<&str> {
    let start = cell.find('`')? + 1;
    let len = cell[start..].find('`')?;
    Some(&cell[start..start + len])
}

fn rows() -> Vec<Row> {
    let start = DOC.find(SECTION).unwrap_or_else(|| panic!("docs/commands.md has no section “{SECTION}”"));
    let first_line = DOC[..start].lines().count() + 1;
    let mut out = Vec::new();
    for (i, line) in DOC[start..].lines().enumerate().skip(1) {
        if line.starts_with("## ") {
            break;
        }
        if !line.starts_with("| `") {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 4, "docs/commands.md:{}: a row has four cells: {line}", first_line + i);
        let command = ticked(cells[0]).unwrap_or_else(|| panic!("docs/commands.md:{}: no `command`", first_line + i)).to_string();
        let key = if cells[1] == "—" { None } else { ticked(cells[1]).map(str::to_string) };
        out.push(Row { command, key, where_: cells[2].to_string(), last: cells[3].to_string(), line: first_line + i });
    }
    out
}

/// Every command name the page shows in a `"cmd":"…"` example.
fn documented() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = DOC;
    while let Some(at) = rest.find("\"cmd\":\"") {
        rest = &rest[at + 7..];
        if let Some(end) = rest.find('"') {
            names.insert(rest[..end].to_string());
        }
    }
    names
}

#[test]
fn every_documented_command_has_a_key_or_a_reason() {
    let keymap = Keymap::builtin();
    let rows = rows();
    let documented = documented();
    assert!(documented.len() > 50, "{documented:?}");
    let mut problems = Vec::new();
    for name in &documented {
        if !rows.iter().any(|r| &r.command == name) {
            problems.push(format!("`{name}` is documented but has no row in “{SECTION}”: give its key or why there is none"));
        }
    }
    for r in &rows {
        let at = format!("docs/commands.md:{}", r.line);
        if !documented.contains(&r.command) {
            problems.push(format!("{at}: `{}` is not a documented command", r.command));
        }
        let Some(key) = &r.key else {
            // No key: the last cell says why, in words.
            if r.last.chars().filter(|c| c.is_alphabetic()).count() < 10 {
                problems.push(format!("{at}: `{}` has no key and no reason", r.command));
            }
            continue;
        };
        let Some(context) = CONTEXTS.iter().map(|c| c.0).find(|c| r.where_.contains(&format!("(`{c}`)"))) else {
            problems.push(format!("{at}: `{}`: no keymap context named as (`context`) in “{}”", r.command, r.where_));
            continue;
        };
        let Some(action) = ticked(&r.last).and_then(Action::from_name) else {
            problems.push(format!("{at}: `{}`: “{}” names no action", r.command, r.last));
            continue;
        };
        let bound = keymap.keys_for(context, action);
        if !bound.iter().any(|k| k == key) {
            problems.push(format!("{at}: `{}`: `{key}` is not bound to {} in [{context}] (bound: {bound:?})", r.command, action.name()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_row_without_key_or_reason_is_caught() {
    // The check above is only as good as its parsing: a made-up row must fail it.
    let bad = "| `set_notice_prefix` | — | — | |";
    let cells: Vec<&str> = bad.trim_matches('|').split(" | ").map(str::trim).collect();
    assert_eq!(cells.len(), 4);
    assert!(cells[3].chars().filter(|c| c.is_alphabetic()).count() < 10);
    // A key bound elsewhere is not the key of the row's context.
    let keymap = Keymap::builtin();
    assert!(!keymap.keys_for("findings", Action::NoticePrefix).contains(&"P".to_string()));
    assert!(keymap.keys_for("rectification", Action::NoticePrefix).contains(&"P".to_string()));
}
