//! Language choice for user-facing text. zh-CN is the default; English with `--lang en`
//! or a `LANG` that starts with `en`. The TUI's full string catalog builds on this.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

pub fn set(lang: Lang) {
    CURRENT.store(if lang == Lang::En { 1 } else { 0 }, Ordering::Relaxed);
}

pub fn current() -> Lang {
    if CURRENT.load(Ordering::Relaxed) == 1 { Lang::En } else { Lang::Zh }
}

/// `--lang` wins; otherwise `LANG` starting with `en` picks English.
pub fn resolve(flag: Option<&str>, env_lang: Option<&str>) -> Result<Lang, String> {
    match flag {
        Some("zh") | Some("zh-CN") | Some("zh_CN") => Ok(Lang::Zh),
        Some("en") => Ok(Lang::En),
        Some(other) => Err(format!("--lang {other}: use zh or en")),
        None => Ok(match env_lang {
            Some(l) if l.starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }),
    }
}

/// English for the record nouns that errors name (the catalog proper comes with the TUI).
pub fn noun_en(zh: &str) -> &str {
    match zh {
        "项目" => "project",
        "项目编号" => "project code",
        "指标" => "indicator",
        "指标体系" => "indicator tree",
        "问题" => "finding",
        "整改事项" => "rectification item",
        "通知书" => "notice",
        "通知书编号" => "notice number",
        "里程碑" => "milestone",
        other => other,
    }
}
