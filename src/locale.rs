//! The terminal's character set, as the locale says: jixiao writes UTF-8 only, so a
//! terminal set to GB18030, GBK or another non-UTF-8 charset would show its Chinese as
//! mojibake and drop what is typed. Before the workbench starts such a locale is refused
//! with the variable named and the fix. A locale that names no charset (C, POSIX, unset,
//! `zh_CN`) is let through with a one-line warning: many servers run with LANG unset while
//! the terminal reaching them is UTF-8, and there the workbench works. The exception is the
//! Linux text console (TERM=linux) under such a locale: it cannot draw Chinese at all, so
//! it is refused in ASCII, the one thing it shows.

/// The variables that decide the character set, strongest first (POSIX order).
const VARS: [&str; 3] = ["LC_ALL", "LC_CTYPE", "LANG"];

/// The refusal as the terminal can read it: in the locale's own charset where
/// encoding_rs knows it (the Chinese stays readable on a GB18030 terminal), else UTF-8.
pub fn in_terminal_charset(message: &str, env: impl Fn(&str) -> Option<String>) -> Vec<u8> {
    let label = VARS
        .iter()
        .find_map(|v| env(v).filter(|s| !s.trim().is_empty()))
        .and_then(|value| value.split('@').next().and_then(|s| s.split_once('.')).map(|(_, c)| c.to_string()));
    let text = format!("jixiao: {message}\n");
    match label.and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes())) {
        Some(enc) => enc.encode(&text).0.into_owned(),
        None => text.into_bytes(),
    }
}

/// The variable that decides the charset and its value; None when none is set.
fn deciding(env: &impl Fn(&str) -> Option<String>) -> Option<(&'static str, String)> {
    VARS.iter().find_map(|v| env(v).filter(|s| !s.trim().is_empty()).map(|s| (*v, s)))
}

/// The locale as the messages name it: `LANG=C`, or that none is set.
fn named(decided: &Option<(&'static str, String)>) -> String {
    match decided {
        Some((var, value)) => format!("{var}={value}"),
        None => "LC_ALL, LC_CTYPE and LANG unset".to_string(),
    }
}

/// Whether the locale names no charset at all (C, POSIX, `zh_CN`, or nothing set).
fn without_charset(decided: &Option<(&'static str, String)>) -> bool {
    decided.as_ref().is_none_or(|(_, value)| !value.split('@').next().unwrap_or_default().contains('.'))
}

/// A one-line warning (ASCII English first, then Chinese) when the locale names no charset
/// and the workbench starts anyway; None for a UTF-8 locale (or one refused instead).
pub fn warning(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let decided = deciding(&env);
    if !without_charset(&decided) || refusal(&env).is_some() {
        return None;
    }
    let var = decided.as_ref().map_or("LANG", |(v, _)| *v);
    Some(format!(
        "warning: {} names no UTF-8 charset; if Chinese shows as garbage, set {var}=zh_CN.UTF-8 or C.UTF-8 \
         (export {var}=zh_CN.UTF-8). 提示：区域设置未指明 UTF-8，如中文显示为乱码，请执行 export {var}=zh_CN.UTF-8 后再运行",
        named(&decided)
    ))
}

/// None when the locale allows UTF-8 output; else the message naming the variable.
pub fn refusal(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let decided = deciding(&env);
    if without_charset(&decided) {
        // The kernel's console has no Chinese glyphs: say so in ASCII, the one thing it shows.
        let term = env("TERM").unwrap_or_default();
        if term == "linux" {
            let var = decided.as_ref().map_or("LANG", |(v, _)| *v);
            return Some(format!(
                "the Linux console (TERM=linux, {}) cannot show Chinese: run jixiao in a terminal emulator \
                 (or over ssh from one) set to UTF-8, with {var}=zh_CN.UTF-8 (export {var}=zh_CN.UTF-8)",
                named(&decided)
            ));
        }
        return None;
    }
    let (var, value) = decided?;
    let charset = value.split('@').next().and_then(|s| s.split_once('.')).map(|(_, c)| c.to_string())?;
    let plain = charset.to_ascii_lowercase().replace('-', "");
    if plain == "utf8" {
        return None;
    }
    Some(format!(
        "终端的字符集是 {charset}（{var}={value}）：jixiao 只输出 UTF-8，中文会显示成乱码、输入会丢失。\
         请把终端的编码设为 UTF-8，并设置 {var}=zh_CN.UTF-8（如 export {var}=zh_CN.UTF-8）后再运行。\
         (the terminal's charset is {charset} ({var}={value}); jixiao writes UTF-8 only: set the terminal to UTF-8 and {var}=zh_CN.UTF-8)"
    ))
}

#[cfg(test)]
mod tests {
    use super::refusal;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn a_non_utf8_charset_is_refused_naming_the_variable() {
        let m = refusal(env(&[("LANG", "zh_CN.GB18030")])).unwrap();
        assert!(m.contains("GB18030") && m.contains("LANG=zh_CN.GB18030") && m.contains("export LANG=zh_CN.UTF-8"), "{m}");
        let m = refusal(env(&[("LC_ALL", "zh_CN.GBK"), ("LANG", "zh_CN.UTF-8")])).unwrap();
        assert!(m.contains("LC_ALL=zh_CN.GBK"), "LC_ALL is stronger than LANG: {m}");
        let m = refusal(env(&[("LC_CTYPE", "zh_TW.Big5@stroke")])).unwrap();
        assert!(m.contains("Big5"), "{m}");
    }

    #[test]
    fn the_refusal_is_written_in_the_terminals_own_charset() {
        let e = env(&[("LANG", "zh_CN.GB18030")]);
        let message = refusal(&e).unwrap();
        let bytes = super::in_terminal_charset(&message, &e);
        let (back, _, bad) = encoding_rs::GB18030.decode(&bytes);
        assert!(!bad && back.contains("终端的字符集是 GB18030"), "{back}");
        assert!(std::str::from_utf8(&bytes).is_err(), "GB18030 bytes, not UTF-8");
    }

    #[test]
    fn utf8_and_locales_without_a_charset_pass() {
        for value in ["zh_CN.UTF-8", "en_US.utf8", "C.UTF-8", "zh_CN.utf-8@pinyin", "C", "POSIX", ""] {
            assert_eq!(refusal(env(Box::leak(Box::new([("LANG", value)])))), None, "{value}");
        }
        assert_eq!(refusal(env(&[])), None);
        assert_eq!(refusal(env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])), None, "an empty variable is not set");
    }

    #[test]
    fn a_locale_without_a_charset_warns_naming_the_variable_and_starts() {
        use super::warning;
        let w = warning(env(&[("LANG", "C"), ("TERM", "xterm-256color")])).unwrap();
        assert!(w.starts_with("warning: LANG=C names no UTF-8"), "{w}");
        assert!(w.contains("export LANG=zh_CN.UTF-8") && w.contains("C.UTF-8") && w.contains("如中文显示为乱码"), "{w}");
        assert!(!w.contains('\n'), "one line: {w}");
        let ascii_end = w.find('提').unwrap();
        assert!(w[..ascii_end].is_ascii(), "the English half is ASCII, readable on any terminal: {w}");
        let w = warning(env(&[("LC_ALL", "POSIX"), ("LANG", "zh_CN.UTF-8")])).unwrap();
        assert!(w.contains("LC_ALL=POSIX") && w.contains("export LC_ALL=zh_CN.UTF-8"), "LC_ALL decides: {w}");
        let w = warning(env(&[])).unwrap();
        assert!(w.contains("LC_ALL, LC_CTYPE and LANG unset") && w.contains("export LANG=zh_CN.UTF-8"), "{w}");
        assert!(warning(env(&[("LANG", "zh_CN")])).is_some(), "zh_CN alone is GB2312 in glibc: warned");
        for value in ["zh_CN.UTF-8", "C.UTF-8", "zh_CN.GB18030"] {
            assert_eq!(warning(env(Box::leak(Box::new([("LANG", value)])))), None, "{value}: no warning (passes or is refused)");
        }
    }

    #[test]
    fn the_linux_console_without_utf8_is_refused_in_ascii() {
        let m = refusal(env(&[("LANG", "C"), ("TERM", "linux")])).unwrap();
        assert!(m.is_ascii() && m.contains("TERM=linux, LANG=C") && m.contains("export LANG=zh_CN.UTF-8"), "{m}");
        assert!(refusal(env(&[("TERM", "linux")])).unwrap().contains("unset"));
        assert_eq!(super::warning(env(&[("LANG", "C"), ("TERM", "linux")])), None, "refused, not warned");
        assert_eq!(refusal(env(&[("LANG", "zh_CN.UTF-8"), ("TERM", "linux")])), None, "a UTF-8 console (fbterm, kmscon) passes");
    }
}
