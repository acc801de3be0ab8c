//! The dossier's evidence: every evidence entry recorded on the project's scores, findings,
//! items and responses, listed in `evidence.csv`; the files among them copied from the
//! attachments folder as `evidence/<sha256>-<name>`.

use crate::domain::{Error, Evidence, Result};
use crate::read::Bundle;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::path::Path;

/// One row of `evidence.csv`.
pub struct Entry {
    /// Empty for a document (no file).
    pub sha256: String,
    pub name: String,
    pub size: Option<u64>,
    /// 指标 path, 问题 #n, 整改事项 #n or 整改回复.
    pub used_for: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

impl Entry {
    fn new(e: &Evidence, used_for: String, by: &str, at: DateTime<Utc>) -> Self {
        let (sha256, size, at) = match e {
            Evidence::File { sha256, size, added_at, .. } => (sha256.to_lowercase(), Some(*size), *added_at),
            Evidence::Document { .. } => (String::new(), None, at),
        };
        Entry { sha256, name: e.name().to_string(), size, used_for, by: by.to_string(), at }
    }

    /// Its path in the dossier (files only).
    pub fn path(&self) -> Option<String> {
        (!self.sha256.is_empty()).then(|| format!("evidence/{}-{}", self.sha256, safe_name(&self.name)))
    }
}

/// Every evidence entry of the bundle's (one project's) records, in record order.
pub fn list(b: &Bundle) -> Vec<Entry> {
    let mut out = Vec::new();
    for tree in &b.trees {
        for node in &tree.nodes {
            if let Some(s) = &node.score {
                for e in &s.evidence {
                    out.push(Entry::new(e, format!("指标 {}", tree.path(node.id)), &s.scorer, s.at));
                }
            }
        }
    }
    for f in &b.findings {
        let mut seen = BTreeSet::new();
        let bodies = std::iter::once(&f.body).chain(f.history.iter().map(|r| &r.body));
        for e in bodies.flat_map(|body| body.evidence.iter()) {
            if seen.insert(format!("{e:?}")) {
                out.push(Entry::new(e, format!("问题 #{}", f.seq), &f.meta.updated_by, f.meta.updated_at));
            }
        }
    }
    for item in &b.items {
        let responses: Vec<_> = b.responses.iter().filter(|r| r.item == item.id).collect();
        for r in &responses {
            for e in &r.evidence {
                out.push(Entry::new(e, format!("整改回复（整改事项 #{} 第 {} 条）", item.id, r.seq), &r.by, r.at));
            }
        }
        for e in &item.evidence {
            if !responses.iter().any(|r| r.evidence.contains(e)) {
                out.push(Entry::new(e, format!("整改事项 #{}", item.id), &item.meta.updated_by, item.meta.updated_at));
            }
        }
    }
    out
}

/// A name safe as one path component on any system: `/`, `\` and control characters become
/// `_`, `..` becomes `_`, a leading `.` becomes `_` (no hidden files), at most 120 bytes.
pub fn safe_name(name: &str) -> String {
    let mut s: String = name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    while s.contains("..") {
        s = s.replace("..", "_");
    }
    if s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    let s = s.trim().to_string();
    let mut end = s.len().min(120);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let s = &s[..end];
    if s.is_empty() { "_".to_string() } else { s.to_string() }
}

/// `evidence.csv`: UTF-8 with a BOM (Excel reads it as UTF-8 then), CRLF lines, a cell
/// Excel would take for a formula quoted with `'`.
pub fn csv(list: &[Entry]) -> Vec<u8> {
    let mut out = String::from("\u{feff}sha256,文件名,大小,用于,记录人,时间\r\n");
    for e in list {
        let size = e.size.map(|s| s.to_string()).unwrap_or_default();
        let at = e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let cells = [e.sha256.as_str(), &e.name, &size, &e.used_for, &e.by, &at];
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// The files of the list, read from `attachments`; one missing there is an error naming it,
/// and so is one whose content no longer has its sha256.
pub fn files(list: &[Entry], attachments: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for e in list {
        let Some(path) = e.path() else { continue };
        if out.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let source = attachments.join(&e.sha256);
        let bytes = std::fs::read(&source).map_err(|err| {
            Error::io(
                source.display().to_string(),
                format!("佐证文件“{}”（{}，{}）不在佐证库中，归档包会不完整：{err}", e.name, e.sha256, e.used_for),
            )
        })?;
        if crate::read::issued::sha256_hex(&bytes) != e.sha256 {
            return Err(Error::corrupt(
                format!("佐证文件“{}”", e.name),
                format!("佐证库中 {} 的内容与其 sha256 不符（文件被改动过）：运行 jixiao check", source.display()),
            ));
        }
        out.push((path, bytes));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_stay_one_harmless_path_component() {
        assert_eq!(safe_name("现场照片（一）.jpg"), "现场照片（一）.jpg");
        assert_eq!(safe_name("../../etc/passwd"), "____etc_passwd");
        assert_eq!(safe_name("a/b\\c"), "a_b_c");
        assert_eq!(safe_name("行\n尾\u{1b}[31m"), "行_尾_[31m");
        assert_eq!(safe_name(".hidden"), "_hidden");
        assert_eq!(safe_name("..."), "_.");
        assert_eq!(safe_name(""), "_");
        let long = "佐".repeat(100);
        let cut = safe_name(&long);
        assert!(cut.len() <= 120 && cut.chars().all(|c| c == '佐'));
    }
}
