//! `jixiao backup -o FILE`: the whole store as one .zip while the server keeps serving:
//! `BACKUP.txt` (what it is, when, from where, how to restore), `bundle.json` (what
//! `jixiao export` writes) and `attachments/<sha256>` (every evidence file). The bundle and
//! the list of attachment files come from the store in one step under its write lock
//! (`Query::Backup`); the files are then read from DATA/attachments by this process, each
//! checked against its sha256 while it is copied. `jixiao import FILE.zip` restores it.

use crate::backend::{Query, Reply};
use crate::domain::{Error, Result};
use crate::read::bundle::Snapshot;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The zip's parts.
pub const BUNDLE_ENTRY: &str = "bundle.json";
pub const README_ENTRY: &str = "BACKUP.txt";
pub const ATTACHMENTS_PREFIX: &str = "attachments/";

pub fn run(data: &Path, output: &Path) -> Result<i32> {
    refuse_inside(data, output)?;
    let backend = crate::connect::open_backend(data)?;
    let snapshot = match backend.query(&Query::Backup)? {
        Reply::Backup(s) => *s,
        _ => return Err(Error::corrupt("备份", "回复类型不符")),
    };
    drop(backend);
    // Files are received before the command naming them is applied and never removed, so
    // each one named should be listed: one that is not has been lost from DATA/attachments.
    let listed: std::collections::HashSet<(&str, u64)> = snapshot.attachments.iter().map(|a| (a.sha256.as_str(), a.size)).collect();
    if let Some((sha, _, name)) =
        snapshot.bundle.evidence_files().into_iter().find(|(sha, size, _)| !listed.contains(&(sha.as_str(), *size)))
    {
        return Err(Error::io(
            crate::attachments::dir(data).join(&sha).display().to_string(),
            format!("佐证文件“{name}”（{sha}）被记录引用，却不在佐证库中：备份没有写出；用 jixiao check 检查，从别处找回该文件后重试"),
        ));
    }
    let bytes = write_zip(data, output, &snapshot)?;
    let files: u64 = snapshot.attachments.iter().map(|a| a.size).sum();
    super::out::err_line(&format!(
        "已备份 {} 个项目、{} 条审计记录、{} 个佐证文件（{} MiB）到 {}（{} MiB）",
        snapshot.bundle.projects.len(),
        snapshot.bundle.audit.len(),
        snapshot.attachments.len(),
        files >> 20,
        output.display(),
        bytes >> 20
    ));
    Ok(0)
}

/// A backup written into the data dir would be inside what it backs up (and lost with it).
fn refuse_inside(data: &Path, output: &Path) -> Result<()> {
    let Ok(data) = std::fs::canonicalize(data) else { return Ok(()) };
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let resolved: Option<PathBuf> = std::fs::canonicalize(output)
        .ok()
        .or_else(|| std::fs::canonicalize(parent).ok().map(|p| p.join(output.file_name().unwrap_or_default())));
    if resolved.is_some_and(|r| r.starts_with(&data)) {
        return Err(Error::invalid(
            "jixiao backup",
            "-o",
            format!(
                "“{}”在数据目录 {} 里面：备份要写到数据目录以外（另一块磁盘更好），如 -o /backup/jixiao-备份.zip",
                output.display(),
                data.display()
            ),
        ));
    }
    Ok(())
}

/// What BACKUP.txt says.
fn readme(s: &Snapshot) -> String {
    let files: u64 = s.attachments.iter().map(|a| a.size).sum();
    format!(
        "jixiao 备份 (jixiao backup)\n\
         \n\
         jixiao 版本 (version): {version}\n\
         备份时间 (taken at, UTC): {at}\n\
         数据目录 (data dir): {dir}\n\
         项目 (projects): {projects}；审计记录 (audit records): {audit}；佐证文件 (attachments): {n} 个，{files} 字节\n\
         \n\
         内容 (contents):\n\
         \x20 bundle.json            整个数据库：项目、指标与评分、问题、整改事项、通知书、里程碑、设置、管理员、审计记录（与 jixiao export 相同）\n\
         \x20 attachments/<sha256>   佐证文件，以内容的 sha256 命名（sha256sum 可核对）\n\
         \n\
         恢复 (restore) 到一个空的数据目录 (into an empty data dir):\n\
         \x20 jixiao --data /srv/jixiao-restored import 本文件.zip\n\
         恢复时每个佐证文件都按名称核对 sha256；数据库全部导入或全部不导入。\n",
        version = env!("CARGO_PKG_VERSION"),
        at = s.taken_at.to_rfc3339(),
        dir = s.data_dir,
        projects = s.bundle.projects.len(),
        audit = s.bundle.audit.len(),
        n = s.attachments.len(),
    )
}

/// Writes the zip to `output`; returns its size.
fn write_zip(data: &Path, output: &Path, s: &Snapshot) -> Result<u64> {
    use zip::write::SimpleFileOptions;
    let shown = output.display().to_string();
    let zerr = |e: zip::result::ZipError| Error::io(&shown, e);
    let attachments = crate::attachments::dir(data);
    let mut size = 0;
    let local = s.taken_at.with_timezone(&chrono::Local).naive_local();
    let stamp = {
        use chrono::{Datelike, Timelike};
        let t = |v: u32| u8::try_from(v).unwrap_or(0);
        zip::DateTime::from_date_and_time(
            u16::try_from(local.year()).unwrap_or(1980),
            t(local.month()),
            t(local.day()),
            t(local.hour()),
            t(local.minute()),
            t(local.second()),
        )
        .unwrap_or_default()
    };
    crate::fsutil::write_output_with(output, |file| {
        let mut zip = zip::ZipWriter::new(&mut *file);
        let deflated =
            SimpleFileOptions::default().last_modified_time(stamp).compression_method(zip::CompressionMethod::Deflated).large_file(true);
        zip.start_file(README_ENTRY, deflated).map_err(zerr)?;
        zip.write_all(readme(s).as_bytes()).map_err(|e| crate::fsutil::io_error(&shown, e))?;
        zip.start_file(BUNDLE_ENTRY, deflated).map_err(zerr)?;
        {
            // As `jixiao export` writes it: pretty JSON and a newline.
            let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut zip);
            serde_json::to_writer_pretty(&mut w, &s.bundle).map_err(|e| Error::io(&shown, e))?;
            w.write_all(b"\n").and_then(|_| w.flush()).map_err(|e| crate::fsutil::io_error(&shown, e))?;
        }
        for a in &s.attachments {
            let path = attachments.join(&a.sha256);
            let from = path.display().to_string();
            let mut f = std::fs::File::open(&path).map_err(|e| missing(&from, &a.sha256, e))?;
            // Evidence is mostly PDF, images and office files, compressed already.
            let stored = SimpleFileOptions::default()
                .last_modified_time(stamp)
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(a.size >= u32::MAX as u64);
            zip.start_file(format!("{ATTACHMENTS_PREFIX}{}", a.sha256), stored).map_err(zerr)?;
            crate::attachments::copy_checked(&mut f, &mut zip, &a.sha256, a.size, &from)?;
        }
        zip.finish().map_err(zerr)?;
        size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(())
    })?;
    Ok(size)
}

/// An attachment the store listed that this process cannot read.
fn missing(path: &str, sha256: &str, e: std::io::Error) -> Error {
    let why = if e.kind() == std::io::ErrorKind::PermissionDenied {
        "无权读取：以数据目录的所有者（团队数据库为服务账户）运行 jixiao backup"
    } else {
        "读不到：数据目录在另一台机器上，或文件已被移走；在数据库所在的机器上运行 jixiao backup，并用 jixiao check 检查"
    };
    Error::io(path, format!("佐证文件 {sha256} {why} ({e})"))
}
