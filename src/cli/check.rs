//! `jixiao check`.

use crate::domain::Result;
use std::path::Path;

pub fn run(data: &Path) -> Result<i32> {
    let local = super::open_local(data)?;
    let report = local.store().check();
    let counts: Vec<String> = report.counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("{}：{}", data.display(), counts.join("，"));
    if report.is_clean() {
        println!("检查通过：没有发现问题 (clean)");
        return Ok(0);
    }
    for p in &report.problems {
        println!("问题: {p}");
    }
    println!("发现 {} 个问题 (problems found)", report.problems.len());
    Ok(1)
}
