//! What `jixiao notice` and `jixiao report` share when they write a document: binary output
//! (docx, pdf) is never poured into a terminal, and a `--reference-doc` is read before the
//! store is opened, so a wrong file fails fast and names itself.

use crate::domain::{Error, Result};
use crate::export::docx::Reference;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Refuses binary output without -o when standard output is a terminal (a pipe or a file
/// takes it as is).
pub fn refuse_terminal(what: &str, binary: bool, output: Option<&PathBuf>, example: &str) -> Result<()> {
    if binary && output.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::invalid(
            what,
            "-o",
            format!("docx 和 pdf 是二进制文件，不输出到终端 (binary output)：加 -o FILE 写入文件（如 -o {example}），或重定向到文件、管道"),
        ));
    }
    Ok(())
}

/// The reference .docx, read and checked; it only applies to docx and pdf. Styles it lacks
/// are named on stderr (ours are used for them).
pub fn reference(what: &str, path: Option<&Path>, binary: bool) -> Result<Option<Reference>> {
    let Some(path) = path else { return Ok(None) };
    if !binary {
        return Err(Error::invalid(what, "--reference-doc", "只用于 --format docx 或 pdf：md 和 txt 没有样式"));
    }
    let r = Reference::read(path)?;
    if !r.styles.added.is_empty() {
        let names: Vec<&str> = r.styles.added.iter().map(|s| s.name()).collect();
        super::out::err_line(&format!("参考文档 {} 没有这些样式，用了 jixiao 的：{}", r.path.display(), names.join("、")));
    }
    Ok(Some(r))
}

/// The format named by the -o file's extension; `.doc` is refused (Word 97's binary format
/// is not what is written).
pub fn extension(what: &str, output: Option<&Path>, explicit: bool) -> Result<Option<String>> {
    let ext = output.and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("doc") && !explicit {
        return Err(Error::invalid(what, "-o", "写不出 .doc（Word 97 格式）：用 .docx，如 -o 报告.docx"));
    }
    Ok(ext)
}
