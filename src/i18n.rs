//! Language choice for user-facing text. zh-CN is the default; English with `--lang en`,
//! `JIXIAO_LANG=en` or `lang = "en"` in the config file. `LANG` is not read: a Chinese team
//! on an English-locale machine still gets Chinese. The TUI's full string catalog builds on this.

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

/// `zh` (also `zh-CN`, `zh_CN`) or `en`.
pub fn parse(s: &str) -> Option<Lang> {
    match s {
        "zh" | "zh-CN" | "zh_CN" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// `--lang`, then `$JIXIAO_LANG`, then the config file's `lang`, then Chinese. A bad
/// `--lang` is an error; a bad `JIXIAO_LANG` is a warning (returned) and is skipped.
pub fn resolve(flag: Option<&str>, env: Option<&str>, config: Option<Lang>) -> Result<(Lang, Option<String>), String> {
    if let Some(f) = flag {
        return parse(f).map(|l| (l, None)).ok_or_else(|| format!("--lang {f}: use zh or en"));
    }
    let mut warning = None;
    if let Some(e) = env.filter(|e| !e.is_empty()) {
        match parse(e) {
            Some(l) => return Ok((l, None)),
            None => warning = Some(format!("JIXIAO_LANG={e} 不可用：可用 zh 或 en；已忽略")),
        }
    }
    Ok((config.unwrap_or(Lang::Zh), warning))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_then_env_then_config_then_chinese() {
        assert_eq!(resolve(Some("en"), Some("zh"), Some(Lang::Zh)), Ok((Lang::En, None)));
        assert_eq!(resolve(None, Some("en"), Some(Lang::Zh)), Ok((Lang::En, None)));
        assert_eq!(resolve(None, Some("zh"), Some(Lang::En)), Ok((Lang::Zh, None)));
        assert_eq!(resolve(None, None, Some(Lang::En)), Ok((Lang::En, None)));
        assert_eq!(resolve(None, Some(""), None), Ok((Lang::Zh, None)));
        assert!(resolve(Some("fr"), None, None).is_err());
        let Ok((lang, Some(w))) = resolve(None, Some("fr"), Some(Lang::En)) else { panic!("a bad JIXIAO_LANG warns") };
        assert_eq!(lang, Lang::En);
        assert!(w.contains("JIXIAO_LANG=fr"), "{w}");
    }
}
