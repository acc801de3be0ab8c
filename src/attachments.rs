//! Evidence files: copied into `DATA/attachments/` under their sha256, so the store keeps
//! what was reviewed even if the original is moved or changed. The record keeps the
//! original name, size and time.

use crate::domain::{Error, Evidence, Result};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

pub fn dir(data: &Path) -> PathBuf {
    data.join("attachments")
}

/// The largest evidence file taken by default: 2 GiB holds a scanned archive or a site video;
/// `JIXIAO_EVIDENCE_LIMIT_MIB` sets another limit.
pub const DEFAULT_LIMIT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The evidence size limit in force.
pub fn limit_bytes() -> u64 {
    std::env::var("JIXIAO_EVIDENCE_LIMIT_MIB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_LIMIT_BYTES, |m| m.saturating_mul(1024 * 1024))
}

/// Copies the file at `path` into the attachments folder (once per content) and returns
/// its evidence record. It is read once, in 64 KiB chunks, hashed while it is copied to a
/// temporary file beside the copies, so memory stays flat whatever its size. A missing or
/// unreadable path, or a file over the limit, is refused and named.
pub fn attach(data: &Path, path: &Path, now: DateTime<Utc>) -> Result<Evidence> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::invalid("佐证资料", "path", format!("「{shown}」不存在或不是文件：检查路径")));
    }
    let limit = limit_bytes();
    let too_big = |size: u64| {
        Error::invalid(
            "佐证资料",
            "path",
            format!("「{shown}」有 {} MiB，超过佐证文件上限 {} MiB：压缩或拆分后再附", size / (1024 * 1024), limit / (1024 * 1024)),
        )
    };
    let size = std::fs::metadata(path).map_err(|e| Error::io(&shown, e))?.len();
    if size > limit {
        return Err(too_big(size));
    }
    let target_dir = dir(data);
    crate::fsutil::create_private_dir(&target_dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&target_dir).map_err(|e| Error::io(target_dir.display().to_string(), e))?;
    let mut source = std::fs::File::open(path).map_err(|e| Error::invalid("佐证资料", "path", format!("读取「{shown}」失败：{e}")))?;
    let (size, sha256) = copy_hashed(&mut source, tmp.as_file_mut(), limit).map_err(|e| match e {
        CopyError::TooBig(n) => too_big(n),
        CopyError::Read(e) => Error::invalid("佐证资料", "path", format!("读取「{shown}」失败：{e}")),
        CopyError::Write(e) => Error::io(target_dir.display().to_string(), e),
    })?;
    let target = target_dir.join(&sha256);
    if !target.exists() {
        tmp.as_file().sync_all().map_err(|e| Error::io(target.display().to_string(), e))?;
        tmp.persist(&target).map_err(|e| Error::io(target.display().to_string(), e.error))?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or(shown);
    Ok(Evidence::File { name, size, sha256, added_at: now })
}

enum CopyError {
    TooBig(u64),
    Read(std::io::Error),
    Write(std::io::Error),
}

/// Copies `from` into `to` in 64 KiB chunks, hashing as it goes; stops past `limit` bytes
/// (a file that grows while it is read is caught too).
fn copy_hashed(from: &mut impl Read, to: &mut impl std::io::Write, limit: u64) -> std::result::Result<(u64, String), CopyError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        size += n as u64;
        if size > limit {
            return Err(CopyError::TooBig(size));
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
    Ok((size, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    match copy_hashed(&mut file, &mut std::io::sink(), u64::MAX) {
        Ok(r) => Ok(r),
        Err(CopyError::Read(e) | CopyError::Write(e)) => Err(e),
        Err(CopyError::TooBig(_)) => Err(std::io::Error::other("too big")),
    }
}
