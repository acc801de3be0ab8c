//! `jixiao check`.

use crate::backend::{Query, Reply};
use crate::domain::{Error, Result};
use std::path::Path;

pub fn run(data: &Path) -> Result<i32> {
    let backend = crate::connect::open_backend(data)?;
    let Reply::Check { problems, counts } = backend.query(&Query::Check)? else {
        return Err(Error::corrupt("jixiao check", "回复类型不符"));
    };
    let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    super::out::line(&format!("{}：{}", data.display(), counts.join("，")))?;
    if problems.is_empty() {
        super::out::line("检查通过：没有发现问题 (clean)")?;
        return Ok(0);
    }
    for p in &problems {
        super::out::line(&format!("问题: {p}"))?;
    }
    super::out::line(&format!("发现 {} 个问题 (problems found)", problems.len()))?;
    Ok(1)
}
