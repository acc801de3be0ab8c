//! Small file helpers every layer may use: private directories and atomic writes.

use crate::domain::{Error, Result};
use std::path::Path;

/// Creates a directory (and its parents) readable by its owner alone, when missing.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| Error::io(dir.display().to_string(), e))
}

/// Writes a file through a temporary sibling and a rename, so a reader never sees half of it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = path.display().to_string();
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(&shown, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| Error::io(&shown, e))?;
    tmp.persist(path).map_err(|e| Error::io(&shown, e.error))?;
    Ok(())
}
