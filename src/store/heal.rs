//! Storage faults said plainly, and the leftovers they leave healed on open. A full disk
//! (ENOSPC) or a read-only one (EROFS) ends a command with what to do; the transaction
//! wrote nothing. A snapshot sled was writing when the disk filled stays behind as an empty
//! `snap.*.generating`, after which every open failed with "Read corrupted data".

use crate::domain::{Error, Result};
use std::path::Path;

/// A sled error as the user should read it: the disk state named, with the fix.
pub fn storage(path: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) => crate::fsutil::io_error(&path.display().to_string(), io),
        other => Error::io(path.display().to_string(), other),
    }
}

/// A sled error met by readers and transactions, which do not carry the store's path: the
/// same plain words for a full or read-only disk as when opening.
pub fn in_store(e: sled::Error) -> Error {
    storage(Path::new("store"), e)
}

/// Removes `snap.*.generating` files in the store directory: a snapshot sled had not
/// finished writing (it renames the file when done), so nothing reads or needs it. Runs
/// under the store lock, so no other process is writing one.
pub fn remove_unfinished_snapshots(store: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(store) else { return Ok(()) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| Error::io(path.display().to_string(), e))?;
            eprintln!("jixiao: 已删除未写完的快照 {}（磁盘写满或断电时留下的，数据不受影响）", path.display());
        }
    }
    Ok(())
}

/// Opens sled. We hold the store lock, so a sled file lock still held can only be a handle
/// of this process being let go (sled's flusher thread drops it a moment after the last
/// handle: `jixiao demo` seeds, closes and then serves the same store): wait for it, briefly.
pub fn open_sled(path: &Path, cache: u64) -> Result<sled::Db> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match sled::Config::new().path(path).cache_capacity(cache).open() {
            Ok(db) => return Ok(db),
            Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(storage(path, e)),
        }
    }
}
