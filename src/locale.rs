//! The terminal's character set, as the locale says: jixiao writes UTF-8 only, so a
//! terminal set to GB18030, GBK or another non-UTF-8 charset would show its Chinese as
//! mojibake and drop what is typed. Before the workbench starts such a locale is refused
//! with the variable named and the fix. A locale without a charset (C, POSIX, unset) is let
//! through: many UTF-8 terminals reach servers that way.

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

/// None when the locale allows UTF-8 output; else the message naming the variable.
pub fn refusal(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let (var, value) = VARS.iter().find_map(|v| env(v).filter(|s| !s.trim().is_empty()).map(|s| (*v, s)))?;
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
}
