//! `jixiao export`: the lossless JSON bundle.

use crate::domain::{Error, Result};
use std::io::Write;
use std::path::Path;

pub fn run(data: &Path, project: Option<&str>, output: Option<&Path>) -> Result<i32> {
    let backend = crate::connect::open_backend(data)?;
    let query = crate::backend::Query::Export { project: project.map(str::to_string) };
    let bundle = match backend.query(&query)? {
        crate::backend::Reply::Bundle(b) => *b,
        _ => return Err(Error::corrupt("导出", "回复类型不符")),
    };
    let mut json = serde_json::to_vec_pretty(&bundle).map_err(|e| Error::corrupt("导出", e))?;
    json.push(b'\n');
    match output {
        Some(path) => {
            crate::fsutil::write_output(path, &json)?;
            super::out::err_line(&format!("已导出 {} 个项目到 {}", bundle.projects.len(), path.display()));
        }
        None => match std::io::stdout().write_all(&json) {
            // A reader that stops early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| Error::io("stdout", e))?,
        },
    }
    Ok(0)
}
