//! `jixiao demo [--seed-only] [--scale N]`.

use crate::domain::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

pub fn run(data: Option<PathBuf>, seed_only: bool, scale: u64, start: &crate::tui::Start<'_>) -> Result<i32> {
    let dir = match data {
        Some(d) => d,
        None => tempfile::Builder::new()
            .prefix("jixiao-demo-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir().display().to_string(), e))?
            .keep(),
    };
    let mut err = std::io::stderr();
    let seeded = crate::demo::create(&dir, scale, |done, all| {
        let _ = write!(err, "\r生成项目 {done}/{all} …");
        let _ = err.flush();
    })?;
    if scale > 0 {
        let _ = writeln!(std::io::stderr());
    }
    super::out::err_line(&format!(
        "演示库已就绪：{} 个案例（{} 条命令）{}",
        seeded.cases,
        seeded.commands,
        if scale > 0 { format!("，另生成 {scale} 个项目") } else { String::new() }
    ));
    super::out::line(&dir.display().to_string())?;
    if seed_only {
        return Ok(0);
    }
    // Seeded in-process (fast); the workbench then goes through a server like any other
    // start, so a second terminal on the same demo shares it.
    let backend = crate::connect::open_for_workbench(&dir)?;
    crate::tui::run(&backend, &dir, start, crate::i18n::current())
}
