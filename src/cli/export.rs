//! `jixiao export`: the lossless JSON bundle.

use crate::domain::{Error, Result};
use std::io::Write;
use std::path::Path;

pub fn run(data: &Path, project: Option<&str>, output: Option<&Path>) -> Result<i32> {
    let local = super::open_local(data)?;
    let bundle = local.store().export(project)?;
    let mut json = serde_json::to_vec_pretty(&bundle).map_err(|e| Error::corrupt("导出", e))?;
    json.push(b'\n');
    match output {
        Some(path) => {
            super::write_atomic(path, &json)?;
            eprintln!("已导出 {} 个项目到 {}", bundle.projects.len(), path.display());
        }
        None => match std::io::stdout().write_all(&json) {
            // A reader that stops early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| Error::io("stdout", e))?,
        },
    }
    Ok(0)
}
