//! Archiving makes the dossier: after `archive_project` commits, the project's dossier is
//! written to `DATA/archives/CODE-YYYY-MM-DD/` (`-2`, `-3` … when a reopened project is
//! archived again the same day: the old dossier stays beside it) and recorded with its
//! manifest's sha256 by `record_dossier`, so the overview can show both and the audit
//! chain holds the value written on the paper file.

use crate::backend::{Backend, Local};
use crate::command::Command;
use crate::domain::Result;
use std::path::PathBuf;

/// The folder under the data dir that holds the dossiers.
pub const ARCHIVES: &str = "archives";

/// Builds, writes and records the dossier of `code` (a `backend::Sealer`).
pub fn seal(local: &Local, code: &str) -> Result<()> {
    let data = local.store().dir().to_path_buf();
    let dossier = super::build(local, &crate::attachments::dir(&data), code)?;
    let dir = free_dir(&data, code.trim(), local.today());
    super::write_dir(&dossier, &dir)?;
    let shown = dir.strip_prefix(&data).map(|p| p.display().to_string()).unwrap_or_else(|_| dir.display().to_string());
    local.execute(&Command::RecordDossier { project: code.trim().to_string(), dir: shown, manifest_sha256: dossier.manifest_sha256() })?;
    Ok(())
}

/// `DATA/archives/CODE-DATE`, or the first of `-2`, `-3` … not yet there.
fn free_dir(data: &std::path::Path, code: &str, today: chrono::NaiveDate) -> PathBuf {
    let safe = super::safe_name(code);
    let base = data.join(ARCHIVES).join(format!("{safe}-{today}"));
    if !base.exists() {
        return base;
    }
    (2..).map(|n| data.join(ARCHIVES).join(format!("{safe}-{today}-{n}"))).find(|p| !p.exists()).unwrap_or(base)
}
