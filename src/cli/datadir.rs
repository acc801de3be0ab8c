//! Where the data lives: `--data DIR`, else `$JIXIAO_DATA`, else `data` in the config file,
//! else `$XDG_DATA_HOME/jixiao`, else `~/.local/share/jixiao` (DESIGN.md §6).

use std::path::PathBuf;

pub fn resolve(flag: Option<PathBuf>, config: Option<PathBuf>) -> PathBuf {
    if let Some(d) = flag {
        return d;
    }
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(d) = env("JIXIAO_DATA") {
        return d;
    }
    if let Some(d) = config {
        return d;
    }
    if let Some(d) = env("XDG_DATA_HOME") {
        return d.join("jixiao");
    }
    env("HOME").unwrap_or_else(|| PathBuf::from(".")).join(".local/share/jixiao")
}
