//! A project's dossier (归档包, issue 16): everything a paper file needs beside the printed
//! report, in one directory or .zip that anyone can check with `sha256sum -c` and a short
//! Python script, without jixiao:
//!
//! ```text
//! project.json          the project's export bundle (pretty, sorted keys; imports back)
//! documents/            issued notices (.md .txt .docx) and report revisions (.md .docx, 评分表 .xlsx)
//! evidence/<sha256>-<name>   every evidence file recorded on the project
//! evidence.csv          the evidence list (UTF-8 with BOM for Excel)
//! audit.jsonl           the audit records touching the project, each with its chain link
//! VERIFY.md             how to check all this (Chinese, then English)
//! MANIFEST.sha256       sha256sum lines for every file above, sorted by path
//! ```
//!
//! `build` only reads (through `Backend` and the attachments folder) and returns the files in
//! memory; `write` puts them in a new directory or a .zip; `verify` checks one.

pub mod chain;
mod evidence;
mod guide;
mod seal;
pub mod verify;
mod write;

use crate::backend::{Backend, Fetch, Query, Reply};
use crate::domain::{Error, Result};
use crate::export::notice::{self, Rendering};
use crate::read::issued::sha256_hex;
use std::path::Path;

pub use evidence::safe_name;
pub use seal::{ARCHIVES, seal};
pub use write::{write_dir, write_zip};

pub const MANIFEST: &str = "MANIFEST.sha256";
pub const VERIFY: &str = "VERIFY.md";
pub const PROJECT: &str = "project.json";
pub const AUDIT: &str = "audit.jsonl";
pub const EVIDENCE_CSV: &str = "evidence.csv";

/// The files of a dossier, by relative path ('/'-separated), in manifest order; the last
/// is `MANIFEST.sha256`.
#[derive(Debug, Clone, Default)]
pub struct Dossier {
    pub files: Vec<(String, Vec<u8>)>,
    /// What the builder left out and why (a notice issued before jixiao kept copies).
    pub notes: Vec<String>,
}

impl Dossier {
    /// The sha256 of `MANIFEST.sha256`, the value to write on the paper file.
    pub fn manifest_sha256(&self) -> String {
        self.files.iter().find(|(p, _)| p == MANIFEST).map(|(_, b)| sha256_hex(b)).unwrap_or_default()
    }

    /// The bytes of one file.
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.iter().find(|(p, _)| p == path).map(|(_, b)| b.as_slice())
    }
}

/// The dossier of the project `code`; evidence files are read from `attachments`
/// (`DATA/attachments`). A file recorded but missing there is an error naming it.
pub fn build(backend: &dyn Backend, attachments: &Path, code: &str) -> Result<Dossier> {
    let bundle = match backend.query(&Query::Export { project: Some(code.to_string()) })? {
        Reply::Bundle(b) => *b,
        _ => return Err(Error::corrupt("归档", "回复类型不符")),
    };
    let Some(project) = bundle.projects.first().cloned() else {
        return Err(Error::not_found("项目", code));
    };
    let code = project.code.as_str();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut notes = Vec::new();
    files.push((PROJECT.to_string(), pretty_sorted(&bundle)?));
    documents(backend, code, &mut files, &mut notes)?;
    let list = evidence::list(&bundle);
    files.push((EVIDENCE_CSV.to_string(), evidence::csv(&list)));
    files.extend(evidence::files(&list, attachments)?);
    files.push((AUDIT.to_string(), audit_lines(backend, code, &bundle.audit)?));
    files.push((VERIFY.to_string(), guide::text(code, &project.name).into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    let manifest = manifest(&files);
    files.push((MANIFEST.to_string(), manifest.into_bytes()));
    Ok(Dossier { files, notes })
}

/// JSON with two-space indents and every object's keys sorted (the canonical form read back
/// into serde_json's map, which keeps keys in order unless `preserve_order` is on, and then
/// keeps the order they were inserted in: sorted either way), ending in a newline.
fn pretty_sorted<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    let value = serde_json::to_value(value).map_err(|e| Error::corrupt("归档 project.json", e))?;
    let value: serde_json::Value =
        serde_json::from_str(&chain::canonical_value(&value)).map_err(|e| Error::corrupt("归档 project.json", e))?;
    let mut out = serde_json::to_vec_pretty(&value).map_err(|e| Error::corrupt("归档 project.json", e))?;
    out.push(b'\n');
    Ok(out)
}

/// `sha256sum` lines (`<hex>  <path>`) for `files`, sorted by path.
pub fn manifest(files: &[(String, Vec<u8>)]) -> String {
    let mut lines: Vec<String> = files.iter().map(|(p, b)| format!("{}  {p}\n", sha256_hex(b))).collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.concat()
}

/// Every issued notice and report revision, rendered as `jixiao notice NUMBER` and
/// `jixiao report CODE --revision N` print them.
fn documents(backend: &dyn Backend, code: &str, files: &mut Vec<(String, Vec<u8>)>, notes: &mut Vec<String>) -> Result<()> {
    for today in backend.notices(code)? {
        let Some(copy) = backend.issued_notice(&today.number)? else {
            notes.push(format!("通知书 {} 下发于 jixiao 留存下发原文之前，没有留存副本：未放入 documents/", today.number));
            continue;
        };
        let stem = format!("documents/通知书-{}", safe_name(&today.number));
        for (ext, how) in [("md", Rendering::Md), ("txt", Rendering::Txt), ("docx", Rendering::Docx)] {
            files.push((format!("{stem}.{ext}"), notice::render_issued(&copy, &today, how, None)?));
        }
    }
    let revisions: Vec<u32> = backend.report(code)?.map(|r| r.revisions.iter().map(|r| r.revision).collect()).unwrap_or_default();
    for n in revisions {
        let (chosen, _) = crate::export::report::choose(backend, code, Some(n))?;
        let stem = format!("documents/评价报告-第{n}版");
        let markdown = chosen.markdown()?;
        let docx = crate::export::report_docx::to_document(&chosen.blocks()).to_docx(None)?;
        files.push((format!("{stem}.md"), markdown.into_bytes()));
        files.push((format!("{stem}.docx"), docx));
        files.push((format!("{stem}-评分表.xlsx"), chosen.table_xlsx()?));
    }
    Ok(())
}

/// One line per audit record of the bundle, in id order: `{"hash":…,"prev":…,"record":…}`,
/// compact with sorted keys, the record in the chain's canonical form.
fn audit_lines(backend: &dyn Backend, code: &str, records: &[crate::read::AuditRecord]) -> Result<Vec<u8>> {
    let mut links: std::collections::HashMap<u64, chain::Link> =
        backend.audit_chain(Some(code))?.into_iter().map(|(a, l)| (a.id, l)).collect();
    if records.iter().any(|a| !links.contains_key(&a.id)) {
        links = backend.audit_chain(None)?.into_iter().map(|(a, l)| (a.id, l)).collect();
    }
    let mut sorted: Vec<&crate::read::AuditRecord> = records.iter().collect();
    sorted.sort_by_key(|a| a.id);
    let mut out = String::new();
    for a in sorted {
        let Some(link) = links.get(&a.id) else {
            return Err(Error::corrupt("审计日志", format!("第 {} 条记录不在哈希链上：运行 jixiao check", a.id)));
        };
        let canonical = chain::canonical(a);
        if chain::link_hash(&link.prev, &canonical) != link.hash {
            return Err(Error::corrupt("审计日志", format!("第 {} 条记录与哈希链不符：运行 jixiao check", a.id)));
        }
        out.push_str(&format!("{{\"hash\":\"{}\",\"prev\":\"{}\",\"record\":{canonical}}}\n", link.hash, link.prev));
    }
    Ok(out.into_bytes())
}
