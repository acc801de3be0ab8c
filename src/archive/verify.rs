//! `jixiao verify`: a dossier (directory or .zip) checked the way VERIFY.md tells a reader
//! to, plus what only jixiao can read: every failure named (the file, the audit record).
//! A zip is read in memory; nothing is ever written.

use super::{AUDIT, MANIFEST, PROJECT, chain};
use crate::domain::{Error, Result};
use crate::read::issued::sha256_hex;
use crate::read::{AuditRecord, Bundle};
use std::collections::BTreeMap;
use std::path::Path;

/// The outcome: every failure found (none: 核验通过), and the manifest's own sha256.
#[derive(Debug, Default)]
pub struct Verdict {
    pub failures: Vec<String>,
    pub manifest_sha256: Option<String>,
    pub files: usize,
    pub audit_records: usize,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Checks the dossier at `path`: a .zip file or a directory.
pub fn verify(path: &Path) -> Result<Verdict> {
    let mut v = Verdict::default();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let files = if meta.is_dir() { read_dir(path, &mut v.failures)? } else { read_zip(path, &mut v.failures)? };
    check(&files, &mut v);
    Ok(v)
}

/// Every file under `root` by '/'-separated relative path; a symlink or a name that is not
/// UTF-8 is a failure (a dossier holds neither).
fn read_dir(root: &Path, failures: &mut Vec<String>) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir.display().to_string(), e))?;
            let Ok(name) = entry.file_name().into_string() else {
                failures.push(format!("文件名不是 UTF-8：{}", entry.path().display()));
                continue;
            };
            let rel = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            let kind = entry.file_type().map_err(|e| Error::io(entry.path().display().to_string(), e))?;
            if kind.is_symlink() {
                failures.push(format!("符号链接（归档包中不应有）：{rel}"));
            } else if kind.is_dir() {
                stack.push((entry.path(), rel));
            } else {
                let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path().display().to_string(), e))?;
                out.insert(rel, bytes);
            }
        }
    }
    Ok(out)
}

/// A zip entry's path, when it stays inside the dossier: relative, no `..`, no `\`, no
/// drive letter, no empty component.
fn inside(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && name.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Every file entry of the zip, read in memory; a corrupt or truncated archive, an entry
/// that fails its CRC and a path leaving the dossier are failures, named.
fn read_zip(path: &Path, failures: &mut Vec<String>) -> Result<BTreeMap<String, Vec<u8>>> {
    use std::io::Read;
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(&shown, e))?;
    let mut out = BTreeMap::new();
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => {
            failures.push(format!("zip 文件损坏或不完整（截断？）：{shown}：{e}"));
            return Ok(out);
        }
    };
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("zip 第 {} 个条目读不出（文件损坏）：{e}", i + 1));
                continue;
            }
        };
        let name = match entry.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                failures.push(format!("zip 第 {} 个条目的文件名读不出：{e}", i + 1));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        if !inside(&name) || entry.enclosed_name().is_none() {
            failures.push(format!("zip 条目路径越出归档包（已拒绝，未解压）：{name}"));
            continue;
        }
        // Read no more than an evidence file may hold (plus room for project.json): a
        // size header that lies cannot make this take all memory.
        let limit = crate::attachments::limit_bytes().saturating_add(256 << 20);
        if entry.size() > limit {
            failures.push(format!("zip 条目大于佐证文件上限（{} MiB）：{name}", limit >> 20));
            continue;
        }
        let mut data = Vec::new();
        if let Err(e) = (&mut entry).take(limit.saturating_add(1)).read_to_end(&mut data) {
            failures.push(format!("zip 条目读不出（文件损坏）：{name}：{e}"));
            continue;
        }
        if data.len() as u64 > limit {
            failures.push(format!("zip 条目大于佐证文件上限（{} MiB）：{name}", limit >> 20));
            continue;
        }
        if out.insert(name.clone(), data).is_some() {
            failures.push(format!("zip 中同一路径出现两次：{name}"));
        }
    }
    Ok(out)
}

/// Every check on the files read.
fn check(files: &BTreeMap<String, Vec<u8>>, v: &mut Verdict) {
    v.files = files.len();
    manifest(files, v);
    evidence(files, &mut v.failures);
    let audit = audit(files, v);
    project(files, &audit, &mut v.failures);
}

/// `sha256sum -c MANIFEST.sha256`, and no file beside the ones it lists.
fn manifest(files: &BTreeMap<String, Vec<u8>>, v: &mut Verdict) {
    let Some(bytes) = files.get(MANIFEST) else {
        v.failures.push(format!("缺少文件：{MANIFEST}（清单）"));
        return;
    };
    v.manifest_sha256 = Some(sha256_hex(bytes));
    let text = String::from_utf8_lossy(bytes);
    let mut listed = std::collections::BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let Some((hex, path)) = line.split_once("  ") else {
            v.failures.push(format!("{MANIFEST} 第 {} 行格式不对：{line}", n + 1));
            continue;
        };
        listed.insert(path.to_string());
        match files.get(path) {
            None => v.failures.push(format!("缺少文件：{path}")),
            Some(b) => {
                let actual = sha256_hex(b);
                if actual != hex {
                    v.failures.push(format!("文件被改动：{path}（清单中的 sha256 为 {hex}，实为 {actual}）"));
                }
            }
        }
    }
    for path in files.keys() {
        if path != MANIFEST && !listed.contains(path) {
            v.failures.push(format!("清单之外的文件：{path}"));
        }
    }
}

/// Each evidence file's content has the sha256 its name starts with.
fn evidence(files: &BTreeMap<String, Vec<u8>>, failures: &mut Vec<String>) {
    for (path, bytes) in files.range("evidence/".to_string()..).take_while(|(p, _)| p.starts_with("evidence/")) {
        let name = &path["evidence/".len()..];
        let named = name.split_once('-').map(|(h, _)| h).unwrap_or(name);
        let actual = sha256_hex(bytes);
        if named != actual {
            failures.push(format!("佐证文件内容与文件名中的 sha256 不符：{path}（内容的 sha256 为 {actual}）"));
        }
    }
}

/// The audit lines: each hash recomputed from its prev and record, ids increasing, a
/// record following the previous line's id continuing from its hash. Returns the records.
fn audit(files: &BTreeMap<String, Vec<u8>>, v: &mut Verdict) -> Vec<serde_json::Value> {
    let failures = &mut v.failures;
    let Some(bytes) = files.get(AUDIT) else {
        failures.push(format!("缺少文件：{AUDIT}"));
        return Vec::new();
    };
    let mut records = Vec::new();
    let mut last: Option<(u64, String)> = None;
    for (n, line) in String::from_utf8_lossy(bytes).lines().enumerate() {
        let n = n + 1;
        let parsed: Option<(String, String, serde_json::Value)> = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|l| Some((l.get("hash")?.as_str()?.to_string(), l.get("prev")?.as_str()?.to_string(), l.get("record")?.clone())));
        let Some((hash, prev, record)) = parsed else {
            failures.push(format!("{AUDIT} 第 {n} 行不是 {{\"hash\",\"prev\",\"record\"}} 的 JSON"));
            continue;
        };
        let id = record.get("id").and_then(|i| i.as_u64()).unwrap_or(0);
        if chain::link_hash(&prev, &chain::canonical_value(&record)) != hash {
            failures.push(format!("审计记录 {id} 被改动：{AUDIT} 第 {n} 行重算的哈希与记录的 hash 不符"));
        }
        if let Some((last_id, last_hash)) = &last {
            if id <= *last_id {
                failures.push(format!("审计记录顺序错乱：{AUDIT} 第 {n} 行的记录 {id} 排在记录 {last_id} 之后（编号没有递增）"));
            } else if id == last_id + 1 && prev != *last_hash {
                failures.push(format!("审计记录 {id} 没有接上记录 {last_id}：{AUDIT} 第 {n} 行的 prev 不是上一行的 hash"));
            }
        }
        if id == 1 && prev != chain::GENESIS {
            failures.push(format!("审计记录 1 的 prev 不是 64 个 0：{AUDIT} 第 {n} 行"));
        }
        last = Some((id, hash));
        records.push(record);
    }
    v.audit_records = records.len();
    records
}

/// project.json reads as a bundle of one project whose audit records are the lines', and
/// whose record version is the last the audit gives it.
fn project(files: &BTreeMap<String, Vec<u8>>, audit: &[serde_json::Value], failures: &mut Vec<String>) {
    let Some(bytes) = files.get(PROJECT) else {
        failures.push(format!("缺少文件：{PROJECT}"));
        return;
    };
    let bundle: Bundle = match serde_json::from_slice(bytes) {
        Ok(b) => b,
        Err(e) => {
            failures.push(format!("{PROJECT} 不是 jixiao 导出包：{e}"));
            return;
        }
    };
    let Some(p) = bundle.projects.first() else {
        failures.push(format!("{PROJECT} 中没有项目"));
        return;
    };
    let lines: BTreeMap<u64, &serde_json::Value> = audit.iter().filter_map(|r| Some((r.get("id")?.as_u64()?, r))).collect();
    let mut ids: Vec<u64> = bundle.audit.iter().map(|a| a.id).collect();
    ids.sort_unstable();
    if ids != lines.keys().copied().collect::<Vec<_>>() {
        failures.push(format!("{PROJECT} 的审计记录（{} 条）与 {AUDIT}（{} 条）不是同一批", ids.len(), lines.len()));
    }
    for a in &bundle.audit {
        if let Some(line) = lines.get(&a.id)
            && serde_json::to_value(a).ok().as_ref() != Some(*line)
        {
            failures.push(format!("{PROJECT} 中的审计记录 {} 与 {AUDIT} 中的不同", a.id));
        }
    }
    let from_lines: Vec<AuditRecord> = audit.iter().filter_map(|r| serde_json::from_value(r.clone()).ok()).collect();
    let last_after = last_version(&from_lines, p.id);
    if let Some(after) = last_after
        && after != p.meta.version
    {
        failures
            .push(format!("{PROJECT} 与审计记录不符：项目 {} 的记录版本为 {}，审计记录最后给它的版本为 {after}", p.code, p.meta.version));
    }
}

/// The last `after` the audit records give the project record `id`.
fn last_version(audit: &[AuditRecord], id: u64) -> Option<u64> {
    let mut sorted: Vec<&AuditRecord> = audit.iter().collect();
    sorted.sort_by_key(|a| a.id);
    sorted
        .iter()
        .flat_map(|a| a.touched.iter())
        .filter(|t| t.kind == crate::read::audit::RecordKind::Project && t.id == id)
        .map(|t| t.after)
        .next_back()
}
