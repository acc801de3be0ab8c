//! `jixiao import [--merge] FILE`: all or nothing.

use crate::backend::Backend;
use crate::command::Command;
use crate::domain::{Error, Result};
use crate::read::bundle::Bundle;
use std::path::Path;

/// The largest bundle file read: the whole 10,020-project demo store exports to 413 MB;
/// a bundle is parsed in memory, so the limit keeps a wrong file from exhausting it.
pub const MAX_BUNDLE_BYTES: u64 = 1024 * 1024 * 1024;

pub fn run(data: &Path, file: &Path, merge: bool) -> Result<i32> {
    let shown = file.display().to_string();
    let size = std::fs::metadata(file).map_err(|e| Error::io(&shown, e))?.len();
    if size > MAX_BUNDLE_BYTES {
        return Err(Error::invalid(
            format!("导入文件 {shown}"),
            "size",
            format!(
                "{} MiB，超过导入上限 {} MiB：按项目分开导出再导入（jixiao export --project CODE）",
                size >> 20,
                MAX_BUNDLE_BYTES >> 20
            ),
        ));
    }
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(&shown, e))?;
    let bundle: Bundle = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("导入文件 {shown}"), format!("第 {} 行第 {} 列", e.line(), e.column()), e.to_string()))?;
    let local = crate::connect::open_backend(data)?;
    let outcome = local.execute(&Command::Import { bundle: Box::new(bundle), merge })?;
    super::out::line(&format!("已导入：{}", outcome.key.unwrap_or_default()))?;
    Ok(0)
}
