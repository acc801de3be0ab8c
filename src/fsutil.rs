//! Small file helpers every layer may use: private directories and atomic writes.

use crate::domain::{Error, Result};
use std::path::Path;

/// An I/O error with the disk state named and the fix: a full disk (ENOSPC), a read-only
/// one (EROFS), a used-up quota. sled re-wraps OS errors, so the kind is read as well as
/// the raw code.
pub fn io_error(path: &str, e: std::io::Error) -> Error {
    use std::io::ErrorKind;
    let message = match (e.kind(), e.raw_os_error()) {
        (ErrorKind::StorageFull, _) | (_, Some(libc::ENOSPC)) => {
            "磁盘已满 (no space left on device)：这条命令没有写入；腾出空间后重试，已保存的数据不受影响"
        }
        (ErrorKind::ReadOnlyFilesystem, _) | (_, Some(libc::EROFS)) => {
            "磁盘是只读的 (read-only file system)：这条命令没有写入；重新以读写方式挂载后重试"
        }
        (ErrorKind::QuotaExceeded, _) | (_, Some(libc::EDQUOT)) => "磁盘配额已用完 (disk quota exceeded)：这条命令没有写入；腾出空间后重试",
        _ => return Error::io(path, e),
    };
    Error::io(path, message)
}

/// Creates a directory (and its parents) readable by its owner alone, when missing: 0700
/// whatever the umask (one of 0777 would leave it 0000, a lax one does not widen it).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if dir.is_dir() {
        return Ok(());
    }
    let shown = dir.display().to_string();
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| io_error(&shown, e))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| Error::io(&shown, e))
}

/// Writes a file through a temporary sibling and a rename, so a reader never sees half of it.
/// The file is readable by its owner alone (drafts, state); `write_output` widens it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_mode(path, bytes, None)
}

/// `write_atomic`, the file given `mode` before it takes the path's name.
fn write_atomic_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let shown = path.display().to_string();
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(&shown, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| io_error(&shown, e))?;
    if let Some(mode) = mode {
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| Error::io(&shown, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(&shown, e.error))?;
    Ok(())
}

/// The umask the process was started with, before the store made its own files private.
static USER_UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// Noted the first time the process's umask is tightened (later calls see 077, not the user's).
pub fn remember_user_umask(mask: u32) {
    let _ = USER_UMASK.set(mask & 0o777);
}

/// The user's umask: as noted before the store tightened it, else the process's, read without
/// changing it (umask(2) sets as it reads, racing other threads); Linux has it in
/// /proc/self/status since 4.7, else the usual 022.
pub fn user_umask() -> u32 {
    if let Some(mask) = USER_UMASK.get() {
        return *mask;
    }
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Umask:").and_then(|v| u32::from_str_radix(v.trim(), 8).ok())))
        .unwrap_or(0o022)
}

/// Writes `-o FILE` where the user pointed: a new or ordinary file atomically (temp +
/// rename); a symlink's target (the link stays a link); a file with other hard links, a
/// FIFO or a device (`/dev/stdout`, `/dev/null`) written through, never replaced by a new
/// regular file. A directory or a dangling symlink is refused, saying what to do.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let shown = path.display().to_string();
    let is_link = path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if is_link {
                return Err(Error::io(&shown, "是指向不存在文件的符号链接 (a dangling symlink)：先删除它，或换一个 -o 路径"));
            }
            // A document written for others to read gets the mode any new file would (0644
            // under the usual umask), not the temporary file's 0600.
            write_atomic_mode(path, bytes, Some(0o666 & !user_umask()))
        }
        Err(e) => Err(Error::io(&shown, e)),
        Ok(m) if m.is_dir() => Err(Error::io(&shown, "是目录 (a directory)：-o 要写文件名，如 -o 整改台账.xlsx")),
        Ok(m) if m.is_file() && m.nlink() == 1 => {
            let target = if is_link { std::fs::canonicalize(path).map_err(|e| Error::io(&shown, e))? } else { path.to_path_buf() };
            // Replaced, it keeps the mode it had.
            write_atomic_mode(&target, bytes, Some(m.mode() & 0o7777))
        }
        Ok(m) => {
            let mut f = std::fs::OpenOptions::new().write(true).truncate(m.is_file()).open(path).map_err(|e| Error::io(&shown, e))?;
            std::io::Write::write_all(&mut f, bytes).map_err(|e| Error::io(&shown, e))
        }
    }
}

/// `write_output` for a file written piece by piece (a backup of gigabytes is never held in
/// memory): `fill` writes a temporary file (seekable, beside the target so the rename stays
/// on one disk), which then takes the path's place as `write_output` would put the bytes:
/// a new file gets the user's umask, a replaced one keeps its mode, a symlink's target is
/// written, a FIFO or device is written through. A failed `fill` leaves the path as it was.
pub fn write_output_with(path: &Path, fill: impl FnOnce(&mut std::fs::File) -> Result<()>) -> Result<()> {
    use std::io::{Seek, SeekFrom};
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let shown = path.display().to_string();
    let is_link = path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
    let meta = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if is_link {
                return Err(Error::io(&shown, "是指向不存在文件的符号链接 (a dangling symlink)：先删除它，或换一个 -o 路径"));
            }
            None
        }
        Err(e) => return Err(Error::io(&shown, e)),
        Ok(m) if m.is_dir() => return Err(Error::io(&shown, "是目录 (a directory)：-o 要写文件名，如 -o 备份.zip")),
        Ok(m) => Some(m),
    };
    let replace = match &meta {
        None => Some((path.to_path_buf(), 0o666 & !user_umask())),
        Some(m) if m.is_file() && m.nlink() == 1 => {
            let target = if is_link { std::fs::canonicalize(path).map_err(|e| Error::io(&shown, e))? } else { path.to_path_buf() };
            Some((target, m.mode() & 0o7777))
        }
        Some(_) => None,
    };
    let tmp_dir = match &replace {
        Some((target, _)) => target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf(),
        None => std::env::temp_dir(),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&tmp_dir).map_err(|e| io_error(&shown, e))?;
    fill(tmp.as_file_mut())?;
    tmp.as_file().sync_all().map_err(|e| io_error(&shown, e))?;
    match replace {
        Some((target, mode)) => {
            tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| Error::io(&shown, e))?;
            tmp.persist(&target).map_err(|e| Error::io(&shown, e.error))?;
            Ok(())
        }
        None => {
            let is_file = meta.as_ref().is_some_and(|m| m.is_file());
            let file = tmp.as_file_mut();
            file.seek(SeekFrom::Start(0)).map_err(|e| Error::io(&shown, e))?;
            let mut out = std::fs::OpenOptions::new().write(true).truncate(is_file).open(path).map_err(|e| Error::io(&shown, e))?;
            std::io::copy(file, &mut out).map_err(|e| io_error(&shown, e))?;
            Ok(())
        }
    }
}
