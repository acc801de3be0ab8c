//! One process per store: sled allows no more. We take our own advisory lock first so the
//! second process gets a message naming the data dir and the holder, not sled's raw error.

use crate::domain::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

pub struct DirLock {
    _file: File,
}

impl DirLock {
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        Self::acquire_named(dir, "store.lock")
    }

    /// True when another process holds the lock file `name`. Only asks: the file is neither
    /// created nor written, and a lock taken to ask is gone when the file closes.
    pub fn is_held(dir: &Path, name: &str) -> bool {
        let Ok(file) = OpenOptions::new().read(true).open(dir.join(name)) else { return false };
        // SAFETY: flock on a file descriptor we own; no memory is passed.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EWOULDBLOCK)
    }

    /// Takes the lock file `name` in `dir` (store.lock for the store, server.lock for a server).
    pub fn acquire_named(dir: &Path, name: &str) -> Result<DirLock> {
        let path = dir.join(name);
        let shown = path.display().to_string();
        // The owner's alone (0600), whatever the umask: who holds the store is no one else's business.
        let mut file = OpenOptions::new()
            .mode(0o600)
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| crate::fsutil::io_error(&shown, e))?;
        // SAFETY: flock on a file descriptor we own; no memory is passed.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = if holder.trim().is_empty() { "pid unknown".to_string() } else { holder.trim().to_string() };
                return Err(Error::Locked { dir: dir.display().to_string(), holder });
            }
            return Err(Error::io(&shown, err));
        }
        let me = format!("pid {} user {}", std::process::id(), crate::identity::current_user());
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = file.write_all(me.as_bytes());
        let _ = file.flush();
        Ok(DirLock { _file: file })
    }
}
