//! The walls of docs/architecture.md, kept by reading the source tree (as rust-analyzer's
//! tidy test does): a layer that names one it must not, or a file grown past 600 lines
//! without saying why, fails here with file and line.

use std::path::{Path, PathBuf};

/// Files longer than this need a `// tidy: long because …` line near the top.
const MAX_LINES: usize = 600;
/// How near the top the `tidy: long because` line must be.
const TIDY_NOTE_WITHIN: usize = 15;

/// (files under this folder or this file, what they must not name, why)
const WALLS: &[(&str, &[&str], &str)] = &[
    (
        "src/domain/",
        &["crate::store", "crate::tui", "crate::cli", "crate::server", "crate::backend", "sled::", "ratatui::", "crossterm::"],
        "domain is pure: types and rules, no store, no screen, no I/O",
    ),
    (
        "src/read/",
        &["crate::store", "crate::tui", "crate::cli", "crate::server", "crate::backend", "crate::export", "sled::", "ratatui::"],
        "read models are pure: the store produces them, screens and exports consume them",
    ),
    ("src/tui/", &["crate::store::", "crate::server::", "sled::"], "the TUI speaks to the Backend only; connect opens stores"),
    ("src/cli/", &["crate::store::", "crate::server::", "sled::"], "the CLI speaks to the Backend only; connect opens stores"),
    ("src/export/", &["crate::store::", "crate::server::", "crate::tui::", "crate::cli::", "sled::"], "exports render read models"),
    ("src/archive/", &["crate::tui", "crate::cli", "crate::server", "sled::"], "the dossier is built through the Backend"),
    ("src/backend.rs", &["crate::export", "crate::tui", "crate::cli"], "backend sits below export, the TUI and the CLI"),
    ("src/query.rs", &["crate::store", "crate::export", "crate::tui", "crate::cli"], "queries and replies are wire types"),
    (
        "src/store/",
        &["crate::tui", "crate::cli", "crate::export", "crate::server", "crate::backend", "ratatui::"],
        "the store knows no screen",
    ),
    ("src/fsutil.rs", &["crate::store", "crate::tui", "crate::cli", "crate::backend"], "file helpers sit below everything"),
    (
        "src/layout/",
        &["crate::store", "crate::server", "crate::tui", "crate::cli", "crate::backend", "crate::connect"],
        "the layout sits below everything: the store and the server both check it",
    ),
    ("src/text.rs", &["crate::"], "text width helpers sit below everything"),
    (
        "src/config.rs",
        &["crate::store", "crate::tui", "crate::cli", "crate::backend", "crate::server"],
        "settings are read below everything",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|p| (p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

/// The code of a line, without a trailing `//` comment; doc and comment lines are empty.
fn code_of(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("//") {
        return "";
    }
    match line.find("//") {
        Some(i) if !line[..i].contains('"') => &line[..i],
        _ => line,
    }
}

/// Every wall broken in one file, as "file:line: what … (why)".
fn breaches(path: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (scope, forbidden, why) in WALLS {
        if !path.starts_with(scope) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let code = code_of(line);
            for f in *forbidden {
                if code.contains(f) {
                    out.push(format!("{path}:{}: names `{f}`: {why}\n    {}", n + 1, line.trim()));
                }
            }
        }
    }
    let lines = text.lines().count();
    if lines > MAX_LINES && !text.lines().take(TIDY_NOTE_WITHIN).any(|l| l.contains("// tidy: long because")) {
        out.push(format!(
            "{path}:1: {lines} lines (over {MAX_LINES}): split it along its seams, or say why near the top with `// tidy: long because …`"
        ));
    }
    out
}

#[test]
fn the_walls_of_the_design_hold() {
    let mut all = Vec::new();
    for (path, text) in sources() {
        all.extend(breaches(&path, &text));
    }
    assert!(all.is_empty(), "the layers of docs/architecture.md are broken:\n{}", all.join("\n"));
}

#[test]
fn every_module_under_src_is_named_in_docs_architecture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).expect("docs/architecture.md exists");
    let mut missing = Vec::new();
    for (path, _) in sources() {
        // A module is named by its path under src/ (a folder's mod.rs by the folder).
        let rel = path.trim_start_matches("src/");
        let name = rel.strip_suffix("/mod.rs").map(|d| format!("{d}/")).unwrap_or_else(|| rel.to_string());
        if !doc.contains(&format!("`{name}`")) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "docs/architecture.md does not name these modules (write each as `path`): {missing:?}");
}

/// The checker itself: a screen that names the store, a domain file that draws, and a long
/// file are each caught with their line; a comment that mentions the store is not.
#[test]
fn the_checker_names_file_and_line() {
    let screen = "use crate::backend::Fetch;\n// crate::store::Store is not used here\nuse crate::store::Store;\n";
    let got = breaches("src/tui/screens/scoring.rs", screen);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("src/tui/screens/scoring.rs:3: names `crate::store::`"), "{}", got[0]);

    let domain = "use ratatui::text::Line;\n";
    assert!(breaches("src/domain/tree.rs", domain)[0].starts_with("src/domain/tree.rs:1: names `ratatui::`"));

    let long = "fn x() {}\n".repeat(MAX_LINES + 1);
    assert!(breaches("src/tui/app.rs", &long)[0].contains("601 lines"));
    let excused = format!("//! x\n// tidy: long because the table is one piece\n{long}");
    assert!(breaches("src/tui/app.rs", &excused).is_empty());
}
