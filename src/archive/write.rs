//! Writing a dossier: into a new (or empty) directory, or as one .zip file.

use super::Dossier;
use crate::domain::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes every file under `dir`, which must not exist or be empty (a dossier is never
/// mixed with other files, or the manifest would not cover them). The files are written into
/// a temporary sibling first and it is renamed into place: a dossier is all there or not at all.
pub fn write_dir(d: &Dossier, dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let shown = dir.display().to_string();
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::invalid(
                    "jixiao archive",
                    "-o",
                    format!("目录“{shown}”已存在且不是空的：归档包要写入新目录或空目录（或 -o 归档.zip）"),
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::invalid("jixiao archive", "-o", format!("“{shown}”是文件，不是目录：写 zip 用 -o 文件名.zip")));
        }
        Err(e) => return Err(crate::fsutil::io_error(&shown, e)),
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| crate::fsutil::io_error(&parent.display().to_string(), e))?;
    let tmp = tempfile::Builder::new().prefix(".jixiao-archive-").tempdir_in(parent).map_err(|e| crate::fsutil::io_error(&shown, e))?;
    for (path, bytes) in &d.files {
        let target = tmp.path().join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|e| crate::fsutil::io_error(&shown, e))?;
        }
        crate::fsutil::write_output(&target, bytes)?;
    }
    // The folders get the mode any new folder would (0755 under the usual umask), not the
    // temporary directory's 0700.
    let mode = std::fs::Permissions::from_mode(0o777 & !crate::fsutil::user_umask());
    let mut folders = vec![tmp.path().to_path_buf()];
    while let Some(f) = folders.pop() {
        std::fs::set_permissions(&f, mode.clone()).map_err(|e| Error::io(&shown, e))?;
        for entry in std::fs::read_dir(&f).map_err(|e| Error::io(&shown, e))? {
            let entry = entry.map_err(|e| Error::io(&shown, e))?;
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(entry.path());
            }
        }
    }
    // rename(2) takes the place of a missing or empty directory.
    std::fs::rename(tmp.path(), dir).map_err(|e| crate::fsutil::io_error(&shown, e))?;
    let _ = tmp.keep();
    Ok(())
}

/// The dossier as a .zip held in memory (deflated, paths at the top level).
pub fn zip_bytes(d: &Dossier) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| Error::io("归档 zip", e.to_string());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(false);
    for (path, bytes) in &d.files {
        let options = if bytes.len() as u64 >= u32::MAX as u64 { options.large_file(true) } else { options };
        zip.start_file(path.as_str(), options).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

/// Writes the dossier as the .zip `path`.
pub fn write_zip(d: &Dossier, path: &Path) -> Result<()> {
    crate::fsutil::write_output(path, &zip_bytes(d)?)
}
