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

/// Copies the file at `path` into the attachments folder (once per content) and returns
/// its evidence record. A missing or unreadable path is refused and named.
pub fn attach(data: &Path, path: &Path, now: DateTime<Utc>) -> Result<Evidence> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::invalid("佐证资料", "path", format!("「{shown}」不存在或不是文件：检查路径")));
    }
    let (size, sha256) = hash_file(path).map_err(|e| Error::invalid("佐证资料", "path", format!("读取「{shown}」失败：{e}")))?;
    let target_dir = dir(data);
    crate::fsutil::create_private_dir(&target_dir)?;
    let target = target_dir.join(&sha256);
    if !target.exists() {
        let bytes = std::fs::read(path).map_err(|e| Error::io(&shown, e))?;
        crate::fsutil::write_atomic(&target, &bytes)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or(shown);
    Ok(Evidence::File { name, size, sha256, added_at: now })
}

pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()))
}
