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
        return Err(Error::invalid("佐证资料", "path", format!("“{shown}”不存在或不是文件：检查路径")));
    }
    let limit = limit_bytes();
    let too_big = |size: u64| Error::invalid("佐证资料", "path", too_big(&shown, size, limit));
    let size = std::fs::metadata(path).map_err(|e| Error::io(&shown, e))?.len();
    if size > limit {
        return Err(too_big(size));
    }
    let target_dir = dir(data);
    crate::fsutil::create_private_dir(&target_dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&target_dir).map_err(|e| Error::io(target_dir.display().to_string(), e))?;
    let mut source = std::fs::File::open(path).map_err(|e| Error::invalid("佐证资料", "path", format!("读取“{shown}”失败：{e}")))?;
    let (size, sha256) = copy_hashed(&mut source, tmp.as_file_mut(), limit).map_err(|e| match e {
        CopyError::TooBig(n) => too_big(n),
        CopyError::Read(e) => Error::invalid("佐证资料", "path", format!("读取“{shown}”失败：{e}")),
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

/// What a refusal over the limit says.
fn too_big(shown: &str, size: u64, limit: u64) -> String {
    format!("“{shown}”有 {} MiB，超过佐证文件上限 {} MiB：压缩或拆分后再附", size >> 20, limit >> 20)
}

/// A sha256 as jixiao names copies: 64 lowercase hex digits.
fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A file evidence record is taken only for a file jixiao received into the attachments
/// (same sha256 name, same size): any sha256 and date could otherwise be recorded as seen.
pub fn check_received(data: &Path, record: &str, evidence: &[Evidence]) -> Result<()> {
    for e in evidence {
        if let Evidence::File { name, size, sha256, .. } = e {
            let received = is_sha256(sha256) && std::fs::metadata(dir(data).join(sha256)).is_ok_and(|m| m.is_file() && m.len() == *size);
            if !received {
                return Err(Error::invalid(
                    record,
                    "evidence",
                    format!("佐证文件“{name}”没有交给 jixiao（{sha256} 不在佐证库中）：用 {{\"path\": \"文件路径\"}} 附上文件本身"),
                ));
            }
        }
    }
    Ok(())
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

/// One file in the attachments folder, as a backup lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
}

/// Every received file in `DATA/attachments/` (named by its sha256), in name order; parts
/// still arriving and temporary files are not listed. No folder: none.
pub fn list(data: &Path) -> Result<Vec<Stored>> {
    let d = dir(data);
    let shown = d.display().to_string();
    let entries = match std::fs::read_dir(&d) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(Error::io(&shown, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&shown, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        let meta = entry.metadata().map_err(|e| Error::io(&shown, e))?;
        if is_sha256(&name) && meta.is_file() {
            out.push(Stored { sha256: name, size: meta.len() });
        }
    }
    out.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    Ok(out)
}

/// Copies `from` into `to`, hashing as it goes; an error names `shown` unless the bytes are
/// `expect` (a sha256) and `size` long.
pub fn copy_checked(from: &mut impl Read, to: &mut impl std::io::Write, expect: &str, size: u64, shown: &str) -> Result<()> {
    let (got_size, got) = copy_hashed(from, to, u64::MAX).map_err(|e| match e {
        CopyError::Read(e) => Error::io(shown, e),
        CopyError::Write(e) => crate::fsutil::io_error(shown, e),
        CopyError::TooBig(n) => Error::io(shown, format!("{n} bytes")),
    })?;
    if got != expect || got_size != size {
        return Err(Error::invalid(
            format!("佐证文件 {shown}"),
            "sha256",
            format!("内容与名称不符（{got_size} 字节，sha256 {got}，应为 {size} 字节、{expect}）：文件已损坏"),
        ));
    }
    Ok(())
}

/// Whether `name` is a sha256 as jixiao names copies.
pub fn is_sha256_name(name: &str) -> bool {
    is_sha256(name)
}

pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    match copy_hashed(&mut file, &mut std::io::sink(), u64::MAX) {
        Ok(r) => Ok(r),
        Err(CopyError::Read(e) | CopyError::Write(e)) => Err(e),
        Err(CopyError::TooBig(_)) => Err(std::io::Error::other("too big")),
    }
}

/// One piece of an evidence file sent through the team server's socket: the client hashes
/// the file first, then sends it in chunks; the server writes each where it belongs, hashes
/// the whole when the last one arrives, and keeps it only if both hashes agree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chunk {
    /// The file's own name (what the evidence record shows).
    pub name: String,
    pub size: u64,
    /// The client's sha256 of the whole file.
    pub sha256: String,
    /// Where `data` starts in the file.
    pub offset: u64,
    /// The bytes, base64 (empty: only asking what the server has).
    pub data: String,
}

/// What the server has of an upload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Upload {
    /// Send from this offset (what is already there is kept: a broken link resumes).
    Need { offset: u64 },
    /// Received and checked.
    Done { evidence: Evidence },
}

/// Bytes of file per chunk: 4 MiB is 5.3 MiB as base64 JSON, well inside a request frame,
/// and a few seconds on a slow link, so a dropped connection costs little.
pub const CHUNK_BYTES: usize = 4 << 20;

/// The server's side of an upload into `data`'s attachments. Idempotent: a chunk at another
/// offset than the part already held is answered with the offset to send from.
pub fn receive(data: &Path, chunk: &Chunk, now: DateTime<Utc>) -> Result<Upload> {
    use base64::Engine;
    let record = format!("佐证资料“{}”", chunk.name);
    if !is_sha256(&chunk.sha256) {
        return Err(Error::invalid(&record, "sha256", "应为 64 位小写十六进制"));
    }
    let limit = limit_bytes();
    if chunk.size > limit {
        return Err(Error::invalid(&record, "size", too_big(&chunk.name, chunk.size, limit)));
    }
    let dir = dir(data);
    crate::fsutil::create_private_dir(&dir)?;
    let done = || Upload::Done {
        evidence: Evidence::File { name: chunk.name.clone(), size: chunk.size, sha256: chunk.sha256.clone(), added_at: now },
    };
    let target = dir.join(&chunk.sha256);
    if std::fs::metadata(&target).is_ok_and(|m| m.len() == chunk.size) {
        return Ok(done());
    }
    let part = dir.join(format!(".part-{}", chunk.sha256));
    let shown = part.display().to_string();
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    // A probe (no data), or a chunk for another place than the part has reached: say where
    // to send from. An empty file has nothing to send and is finished at once.
    if chunk.size > 0 && (chunk.data.is_empty() || chunk.offset != have) {
        return Ok(Upload::Need { offset: have });
    }
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(&chunk.data).map_err(|e| Error::invalid(&record, "data", e.to_string()))?;
    if chunk.offset + bytes.len() as u64 > chunk.size {
        return Err(Error::invalid(&record, "data", format!("超出文件大小 {} 字节", chunk.size)));
    }
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&part).map_err(|e| crate::fsutil::io_error(&shown, e))?;
        f.write_all(&bytes).map_err(|e| crate::fsutil::io_error(&shown, e))?;
    }
    let have = chunk.offset + bytes.len() as u64;
    if have < chunk.size {
        return Ok(Upload::Need { offset: have });
    }
    let (size, sha256) = hash_file(&part).map_err(|e| crate::fsutil::io_error(&shown, e))?;
    if size != chunk.size || sha256 != chunk.sha256 {
        let _ = std::fs::remove_file(&part);
        return Err(Error::invalid(&record, "sha256", "收到的文件与发送前的校验值不符（传输出错）：请重新附上"));
    }
    std::fs::File::open(&part).and_then(|f| f.sync_all()).map_err(|e| crate::fsutil::io_error(&shown, e))?;
    std::fs::rename(&part, &target).map_err(|e| crate::fsutil::io_error(&shown, e))?;
    Ok(done())
}

/// The client's side: hashes the file, then sends it chunk by chunk through `send` (a
/// round trip to the server), starting where the server says it has got to.
pub fn send(path: &Path, mut send: impl FnMut(&Chunk) -> Result<Upload>) -> Result<Evidence> {
    use base64::Engine;
    use std::io::{Seek, SeekFrom};
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::invalid("佐证资料", "path", format!("“{shown}”不存在或不是文件：检查路径")));
    }
    let (size, sha256) = hash_file(path).map_err(|e| Error::invalid("佐证资料", "path", format!("读取“{shown}”失败：{e}")))?;
    let limit = limit_bytes();
    if size > limit {
        return Err(Error::invalid("佐证资料", "path", too_big(&shown, size, limit)));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or(shown.clone());
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(&shown, e))?;
    let mut chunk = Chunk { name, size, sha256, offset: 0, data: String::new() };
    let mut buf = vec![0u8; CHUNK_BYTES];
    // Each answer moves the offset forward (or says done); a bounded number of turns stops
    // a server that keeps asking for the same bytes.
    for _ in 0..(size / CHUNK_BYTES as u64 + 8) * 2 {
        match send(&chunk)? {
            Upload::Done { evidence } => return Ok(evidence),
            Upload::Need { offset } => {
                file.seek(SeekFrom::Start(offset)).map_err(|e| Error::io(&shown, e))?;
                let n = read_full(&mut file, &mut buf).map_err(|e| Error::io(&shown, e))?;
                chunk.offset = offset;
                chunk.data = base64::engine::general_purpose::STANDARD.encode(&buf[..n]);
            }
        }
    }
    Err(Error::io(&shown, "服务器没有收完文件 (the server did not take the whole file)：请重试"))
}

/// Reads until `buf` is full or the file ends.
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
