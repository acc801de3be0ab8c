//! Turning what the user typed into an evidence reference.

use crate::domain::Evidence;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// An existing file becomes a file reference with its size and sha256; text that looks
/// like a path but names no file is refused; anything else is a document name.
pub fn from_input(text: &str, now: DateTime<Utc>) -> Result<Evidence, String> {
    let expanded = match text.strip_prefix("~/") {
        Some(rest) => std::env::var("HOME").map(|h| format!("{h}/{rest}")).unwrap_or_else(|_| text.to_string()),
        None => text.to_string(),
    };
    let path = Path::new(&expanded);
    let looks_like_path = text.starts_with('/') || text.starts_with("./") || text.starts_with("../") || text.starts_with("~/");
    if path.is_file() {
        let (size, sha256) = hash_file(path).map_err(|e| format!("读取「{text}」失败：{e}"))?;
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| text.to_string());
        return Ok(Evidence::File { name, size, sha256, added_at: now });
    }
    if looks_like_path {
        return Err(format!("文件「{text}」不存在或不是普通文件：检查路径，或直接填写文件名称"));
    }
    Ok(Evidence::doc(text))
}

fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
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
    let digest = hasher.finalize();
    Ok((size, digest.iter().map(|b| format!("{b:02x}")).collect()))
}
