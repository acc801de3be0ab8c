//! `jixiao import FILE.zip`: a backup (`jixiao backup`) restored into an empty data dir.
//! Everything in the file is checked first (the zip whole, the bundle readable, every
//! attachment's bytes against the sha256 it is named by); the attachments are then taken
//! into the store as evidence files are (each hashed again before it is placed), and the
//! bundle imported as `jixiao import` does: all or nothing.

use super::backup::{ATTACHMENTS_PREFIX, BUNDLE_ENTRY};
use crate::backend::{Backend, Query, Reply};
use crate::command::Command;
use crate::domain::{Error, Evidence, Result};
use crate::read::bundle::Bundle;
use std::io::Read;
use std::path::Path;

/// Whether `file` is a zip (a backup, or a spreadsheet given without --as).
pub fn is_zip(file: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(file).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"PK\x03\x04"
}

type Archive = zip::ZipArchive<std::fs::File>;

pub fn run(data: &Path, file: &Path) -> Result<i32> {
    let shown = file.display().to_string();
    let bad = |why: String| Error::invalid(format!("备份文件 {shown}"), "zip", why);
    let f = std::fs::File::open(file).map_err(|e| Error::io(&shown, e))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| bad(format!("不是完整的 zip（{e}）：文件可能被截断或损坏，换一份备份")))?;
    let bundle = read_bundle(&mut zip, &shown)?;
    let names = attachment_names(&zip, &shown)?;
    // Every attachment read through before anything is written: a damaged file is named
    // while the target store is still untouched.
    for name in &names {
        with_entry(&mut zip, &shown, name, |entry, sha, size, at| {
            crate::attachments::copy_checked(&mut { entry }, &mut std::io::sink(), sha, size, at)
        })?;
    }
    let backend = crate::connect::open_backend(data)?;
    refuse_non_empty(backend.as_ref(), data, file)?;
    let tmp = tempfile::tempdir().map_err(|e| Error::io("tmp", e))?;
    for name in &names {
        with_entry(&mut zip, &shown, name, |entry, sha, size, at| {
            let path = tmp.path().join(sha);
            let mut out = std::fs::File::create(&path).map_err(|e| crate::fsutil::io_error(&path.display().to_string(), e))?;
            crate::attachments::copy_checked(&mut { entry }, &mut out, sha, size, at)?;
            drop(out);
            let placed = backend.attach(&path)?;
            let _ = std::fs::remove_file(&path);
            match placed {
                Evidence::File { sha256, .. } if sha256 == sha => Ok(()),
                _ => Err(bad(format!("佐证文件 {at} 放入数据库时校验值不符：请重试"))),
            }
        })?;
    }
    let projects = bundle.projects.len();
    backend.execute(&Command::Import { bundle: Box::new(bundle), merge: false })?;
    super::out::line(&format!("已从备份恢复：{projects} 个项目，{} 个佐证文件", names.len()))?;
    Ok(0)
}

fn read_bundle(zip: &mut Archive, shown: &str) -> Result<Bundle> {
    let what = format!("备份文件 {shown}");
    let mut entry = zip.by_name(BUNDLE_ENTRY).map_err(|e| {
        Error::invalid(&what, BUNDLE_ENTRY, format!("没有 {BUNDLE_ENTRY}（{e}）：这不是 jixiao backup 写的备份；表格请加 --as"))
    })?;
    let limit = super::import::MAX_BUNDLE_BYTES;
    if entry.size() > limit {
        return Err(Error::invalid(&what, BUNDLE_ENTRY, format!("{} MiB，超过导入上限 {} MiB", entry.size() >> 20, limit >> 20)));
    }
    let mut text = String::new();
    entry
        .by_ref()
        .take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::invalid(&what, BUNDLE_ENTRY, format!("读不出（{e}）：文件可能被截断或损坏，换一份备份")))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::invalid(&what, format!("{BUNDLE_ENTRY} 第 {} 行第 {} 列", e.line(), e.column()), e.to_string()))
}

/// The sha256 names under attachments/, each checked to be one.
fn attachment_names(zip: &Archive, shown: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for name in zip.file_names() {
        let name = name.map_err(|e| Error::invalid(format!("备份文件 {shown}"), "zip", e.to_string()))?;
        let name = name.as_ref();
        let Some(sha) = name.strip_prefix(ATTACHMENTS_PREFIX) else { continue };
        if sha.is_empty() {
            continue;
        }
        if !crate::attachments::is_sha256_name(sha) {
            return Err(Error::invalid(
                format!("备份文件 {shown}"),
                name,
                "佐证文件应以 sha256（64 位小写十六进制）命名：这不是 jixiao backup 写的",
            ));
        }
        out.push(sha.to_string());
    }
    out.sort();
    Ok(out)
}

/// Opens attachments/<sha> and hands `f` the entry, its sha256 name, its size and how to name it.
fn with_entry(zip: &mut Archive, shown: &str, sha: &str, f: impl FnOnce(&mut dyn Read, &str, u64, &str) -> Result<()>) -> Result<()> {
    let name = format!("{ATTACHMENTS_PREFIX}{sha}");
    let at = format!("{shown}:{name}");
    let mut entry = zip.by_name(&name).map_err(|e| Error::io(&at, e))?;
    let size = entry.size();
    f(&mut entry, sha, size, &at)
}

/// A restore goes into an empty store only: merging a whole backup into a store in use is
/// not a restore.
fn refuse_non_empty(backend: &dyn Backend, data: &Path, file: &Path) -> Result<()> {
    let projects = match backend.query(&Query::ProjectList)? {
        Reply::ProjectList(rows) => rows.len(),
        _ => return Err(Error::corrupt("恢复", "回复类型不符")),
    };
    // The audit log only when no project is there (a store in use may have a long one).
    let audit = match projects {
        0 => match backend.query(&Query::Audit)? {
            Reply::Audit(a) => a.len(),
            _ => return Err(Error::corrupt("恢复", "回复类型不符")),
        },
        _ => 0,
    };
    if projects > 0 || audit > 0 {
        return Err(Error::Refused {
            message: format!(
                "数据目录 {} 里已有数据（{projects} 个项目{}）：备份只恢复到空的数据目录，请用 --data 指向一个新目录，如 jixiao --data /srv/jixiao-restored import {}；要把其中的项目并入现有数据库，解压出 bundle.json 后用 jixiao import --merge (a backup is restored into an empty data dir only: use --data NEWDIR)",
                data.display(),
                if audit > 0 { format!("、{audit} 条审计记录") } else { String::new() },
                file.display()
            ),
        });
    }
    Ok(())
}
