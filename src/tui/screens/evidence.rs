//! Turning what the user typed into an evidence reference.

use crate::domain::Evidence;
use crate::tui::app::Cx;
use std::path::Path;

/// An existing file is handed to the backend (copied into the store's attachments under its
/// sha256, by the server for a shared store) and recorded with its name, size and time; text
/// that looks like a path but names no file is refused; anything else is a document name.
pub fn from_input(text: &str, cx: &Cx) -> Result<Evidence, String> {
    let now = cx.backend.now();
    let expanded = match text.strip_prefix("~/") {
        Some(rest) => std::env::var("HOME").map(|h| format!("{h}/{rest}")).unwrap_or_else(|_| text.to_string()),
        None => text.to_string(),
    };
    let path = Path::new(&expanded);
    let looks_like_path = text.starts_with('/') || text.starts_with("./") || text.starts_with("../") || text.starts_with("~/");
    if path.is_file() {
        return match cx.data {
            Some(_) => cx.backend.attach(path).map_err(|e| e.render(cx.lang)),
            None => {
                let (size, sha256) = crate::attachments::hash_file(path).map_err(|e| format!("读取“{text}”失败：{e}"))?;
                let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| text.to_string());
                Ok(Evidence::File { name, size, sha256, added_at: now })
            }
        };
    }
    if looks_like_path {
        return Err(format!("文件“{text}”不存在或不是普通文件：检查路径，或直接填写文件名称"));
    }
    document(text)
}

/// A document reference typed as `名称|文号|日期|页码` (only the name is required).
fn document(text: &str) -> Result<Evidence, String> {
    let mut parts = text.split(['|', '｜']).map(str::trim);
    let name = parts.next().unwrap_or_default().to_string();
    let opt = |s: Option<&str>| s.filter(|x| !x.is_empty()).map(str::to_string);
    let number = opt(parts.next());
    let date = match opt(parts.next()) {
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(&d.replace('/', "-"), "%Y-%m-%d")
                .map_err(|_| format!("“{d}”不是日期：文件日期按 2021-06-01 的格式填写"))?,
        ),
        None => None,
    };
    let pages = opt(parts.next());
    Ok(Evidence::Document { name, number, date, pages })
}

/// Several references typed in one field, separated by ；or ;.
pub fn list_from_input(text: &str, cx: &Cx) -> Result<Vec<Evidence>, String> {
    text.split(['；', ';']).map(str::trim).filter(|s| !s.is_empty()).map(|s| from_input(s, cx)).collect()
}
