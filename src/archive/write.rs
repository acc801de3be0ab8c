//! Writing a dossier: into a new (or empty) directory, or as one .zip file.

use super::Dossier;
use crate::domain::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes every file under `dir`, which must not exist or be empty (a dossier is never
/// mixed with other files, or the manifest would not cover them).
pub fn write_dir(d: &Dossier, dir: &Path) -> Result<()> {
    let shown = dir.display().to_string();
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::invalid(
                    "jixiao archive",
                    "-o",
                    format!("目录「{shown}」已存在且不是空的：归档包要写入新目录或空目录（或 -o 归档.zip）"),
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| crate::fsutil::io_error(&shown, e))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::invalid("jixiao archive", "-o", format!("「{shown}」是文件，不是目录：写 zip 用 -o 文件名.zip")));
        }
        Err(e) => return Err(crate::fsutil::io_error(&shown, e)),
    }
    for (path, bytes) in &d.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| crate::fsutil::io_error(&parent.display().to_string(), e))?;
        }
        crate::fsutil::write_output(&target, bytes)?;
    }
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
