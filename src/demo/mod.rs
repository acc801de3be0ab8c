//! The demo store: the seed's 20 key evaluations, and a generator for benchmark scale.

pub mod build;
pub mod scale;
pub mod seed;

use crate::backend::Local;
use crate::domain::{Error, Result};
use std::path::Path;

/// What a fresh demo store holds.
pub struct Seeded {
    pub cases: usize,
    pub commands: usize,
}

/// Seeds an empty data directory in this process (fast) with the seed's cases and `scale`
/// generated projects; `progress(done, all)` is told as they are made. The store is closed
/// when this returns, so a workbench may open it through a server.
pub fn create(dir: &Path, scale: u64, progress: impl FnMut(u64, u64)) -> Result<Seeded> {
    let local = Local::open(dir)?;
    if !local.store().projects()?.is_empty() {
        return Err(Error::invalid(
            format!("数据目录 {}", dir.display()),
            "--data",
            "已有数据：演示库需要一个空目录（换一个 --data，或不加 --data 使用临时目录）",
        ));
    }
    let seed = seed::parse(seed::CASES_TOML).map_err(|m| Error::invalid("演示数据", "cases.toml", m))?;
    let ctx = local.ctx();
    let commands = build::seed(local.store(), &ctx, &seed)?;
    if scale > 0 {
        scale::generate(local.store(), &ctx, local.store().templates(), scale, progress)?;
    }
    Ok(Seeded { cases: seed.cases.len(), commands })
}
