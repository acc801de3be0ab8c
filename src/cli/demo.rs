//! `jixiao demo [--seed-only] [--scale N]`.

use crate::domain::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

pub fn run(data: Option<PathBuf>, seed_only: bool, scale: u64, keymap: Option<&std::path::Path>) -> Result<i32> {
    let dir = match data {
        Some(d) => d,
        None => tempfile::Builder::new()
            .prefix("jixiao-demo-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir().display().to_string(), e))?
            .keep(),
    };
    let local = super::open_local(&dir)?;
    if !local.store().projects()?.is_empty() {
        return Err(Error::invalid(
            format!("数据目录 {}", dir.display()),
            "--data",
            "已有数据：演示库需要一个空目录（换一个 --data，或不加 --data 使用临时目录）",
        ));
    }
    let seed = crate::demo::seed::parse(crate::demo::seed::CASES_TOML).map_err(|m| Error::invalid("演示数据", "cases.toml", m))?;
    let ctx = local.ctx();
    let commands = crate::demo::build::seed(local.store(), &ctx, &seed)?;
    if scale > 0 {
        let mut err = std::io::stderr();
        crate::demo::scale::generate(local.store(), &ctx, local.store().templates(), scale, |done, all| {
            let _ = write!(err, "\r生成项目 {done}/{all} …");
            let _ = err.flush();
        })?;
        let _ = writeln!(err);
    }
    eprintln!(
        "演示库已就绪：{} 个案例（{commands} 条命令）{}",
        seed.cases.len(),
        if scale > 0 { format!("，另生成 {scale} 个项目") } else { String::new() }
    );
    println!("{}", dir.display());
    if seed_only {
        return Ok(0);
    }
    // Seeded in-process (fast); the workbench then goes through a server like any other
    // start, so a second terminal on the same demo shares it.
    drop(local);
    let backend = super::connect::open_for_workbench(&dir)?;
    crate::tui::run(&backend, &dir, keymap, crate::i18n::current())
}
