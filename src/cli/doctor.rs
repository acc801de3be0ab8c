//! `jixiao doctor [--fix]`: prints what `crate::doctor` found, each line with its fix, then
//! the store's health as `jixiao check` finds it (through the running server, or in a child
//! process when none runs and the store is free). With `--fix` the fixes are applied first
//! and everything is looked at again. Exit 0 when sound, 1 otherwise.

use crate::doctor::{Level, Report};
use crate::domain::Result;
use std::path::Path;

fn label(level: Level) -> &'static str {
    match level {
        Level::Ok => "[正常]",
        Level::Note => "[说明]",
        Level::Warn => "[注意]",
        Level::Fail => "[问题]",
    }
}

fn print(report: &Report) -> Result<()> {
    for f in &report.findings {
        super::out::line(&format!("{} {}", label(f.level), f.text))?;
        if let Some(fix) = &f.fix {
            super::out::line(&format!("       修复 (fix)：{fix}"))?;
        }
    }
    Ok(())
}

pub fn run(data: &Path, fix: bool) -> Result<i32> {
    let mut report = crate::doctor::inspect(data);
    if fix {
        for done in crate::doctor::fix(data, &report) {
            match done.error {
                None => super::out::line(&format!("[已修复] {} (fixed)", done.what))?,
                Some(e) => super::out::line(&format!("[未修复] {}：{e} (not fixed)", done.what))?,
            }
        }
        report = crate::doctor::inspect(data);
    }
    print(&report)?;
    let mut failed = report.failed();
    if report.blocked && !report.served {
        super::out::line("[说明] 数据库的检查留到上面的问题修好之后 (the store is checked once the problems above are fixed)")?;
    } else if !report.served && !report.owner_here {
        // Only its server (or its owner) may open another user's store.
        super::out::line("[说明] 数据库的检查要等服务运行之后 (the store is checked through its server once it runs)")?;
    } else {
        super::out::line("[检查] jixiao check (the store's health)：")?;
        match super::check::run(data) {
            Ok(0) => {}
            Ok(_) => failed = true,
            Err(e) => {
                failed = true;
                super::out::line(&format!("{} {}", label(Level::Fail), e))?;
            }
        }
    }
    if failed {
        super::out::line("数据目录有问题：按上面的“修复”去做，或运行 jixiao doctor --fix")?;
        Ok(1)
    } else {
        super::out::line("数据目录完好 (sound)")?;
        Ok(0)
    }
}
