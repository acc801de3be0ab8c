//! The user's settings: `$XDG_CONFIG_HOME/jixiao/config.toml` (else
//! `~/.config/jixiao/config.toml`). Keys: `lang`, `ambiguous_width`, `mouse`, `data`,
//! `keymap`. Parsing is pure; a bad value, an unknown key or a TOML syntax error is
//! reported with FILE:LINE and that setting keeps its default (as keymap files do).

use std::fmt;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::i18n::Lang;

/// How East Asian "ambiguous" characters (…, “”, ①, Greek, box drawing) are drawn by the
/// terminal. `Wide` (a CJK terminal set to draw them two cells wide): the workbench replaces
/// every such character it would draw with a narrow plain one (`tui/ambiguous.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmbiguousWidth {
    #[default]
    Narrow,
    Wide,
}

/// What the file set. `None` is "not set": the caller's default holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    pub lang: Option<Lang>,
    pub ambiguous_width: Option<AmbiguousWidth>,
    pub mouse: Option<bool>,
    pub data: Option<PathBuf>,
    pub keymap: Option<PathBuf>,
}

impl Config {
    /// Mouse capture is on unless the file turns it off (`mouse = false` for those who select
    /// text with the mouse: the terminal then keeps its own selection).
    pub fn mouse(&self) -> bool {
        self.mouse.unwrap_or(true)
    }

    pub fn ambiguous_width(&self) -> AmbiguousWidth {
        self.ambiguous_width.unwrap_or_default()
    }
}

/// A problem in the config file. Line 0 means the file as a whole (it could not be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

const KEYS: &str = "lang、ambiguous_width、mouse、data、keymap";

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
}

/// Parses a config file's text. `file` is the path shown in errors; `home` expands `~`;
/// a relative `data` or `keymap` path is taken from `base` (the file's own directory).
/// Every good setting is kept; each bad one is reported and left unset.
pub fn parse(file: &str, text: &str, home: Option<&Path>, base: Option<&Path>) -> (Config, Vec<ConfigError>) {
    let mut cfg = Config::default();
    let mut errors = Vec::new();
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            let message = format!("TOML 语法错误：{}；全部使用默认设置", e.message().trim_end());
            return (cfg, vec![ConfigError { file: file.to_string(), line, message }]);
        }
    };
    for (key, value) in root.get_ref() {
        let name: &str = key.get_ref().as_ref();
        let mut error = |offset: usize, message: String| {
            errors.push(ConfigError { file: file.to_string(), line: line_of(text, offset), message });
        };
        let at = value.span().start;
        match name {
            "lang" => match string(value).as_deref() {
                Some("zh") | Some("zh-CN") | Some("zh_CN") => cfg.lang = Some(Lang::Zh),
                Some("en") => cfg.lang = Some(Lang::En),
                _ => error(at, format!("lang 的值{}不可用：可用 \"zh\" 或 \"en\"", shown(value))),
            },
            "ambiguous_width" => match string(value).as_deref() {
                Some("narrow") => cfg.ambiguous_width = Some(AmbiguousWidth::Narrow),
                Some("wide") => cfg.ambiguous_width = Some(AmbiguousWidth::Wide),
                _ => error(at, format!("ambiguous_width 的值{}不可用：可用 \"narrow\" 或 \"wide\"", shown(value))),
            },
            "mouse" => match value.get_ref() {
                DeValue::Boolean(b) => cfg.mouse = Some(*b),
                _ => error(at, format!("mouse 的值{}不可用：可用 true 或 false（不加引号）", shown(value))),
            },
            "data" | "keymap" => match string(value) {
                Some(p) if !p.trim().is_empty() => {
                    let path = expand(&p, home, base);
                    if name == "data" {
                        cfg.data = Some(path);
                    } else {
                        cfg.keymap = Some(path);
                    }
                }
                _ => error(at, format!("{name} 的值{}不可用：应是加引号的路径，如 \"~/jixiao\"", shown(value))),
            },
            other => error(key.span().start, format!("未知的设置“{other}”：可用 {KEYS}")),
        }
    }
    errors.sort_by_key(|e| e.line);
    (cfg, errors)
}

fn string(value: &Spanned<DeValue<'_>>) -> Option<String> {
    match value.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The value as the user wrote it, for the message: “"fr"”, “3”, or “（表）”.
fn shown(value: &Spanned<DeValue<'_>>) -> String {
    let v = match value.get_ref() {
        DeValue::String(s) => format!("\"{s}\""),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "（数组）".to_string(),
        DeValue::Table(_) => "（表）".to_string(),
    };
    format!("“{v}”")
}

/// `~` and `~/x` are the home directory; a relative path is taken from `base`.
fn expand(path: &str, home: Option<&Path>, base: Option<&Path>) -> PathBuf {
    let expanded = match (path, home) {
        ("~", Some(h)) => h.to_path_buf(),
        (p, Some(h)) if p.starts_with("~/") => h.join(&p[2..]),
        (p, _) => PathBuf::from(p),
    };
    match base {
        Some(b) if expanded.is_relative() => b.join(expanded),
        _ => expanded,
    }
}

/// `$XDG_CONFIG_HOME/jixiao/config.toml` (an absolute XDG_CONFIG_HOME only, as XDG says),
/// else `$HOME/.config/jixiao/config.toml`.
pub fn path(xdg: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    let base = match xdg.filter(|p| p.is_absolute()) {
        Some(dir) => dir,
        None => home.filter(|p| !p.as_os_str().is_empty())?.join(".config"),
    };
    Some(base.join("jixiao").join("config.toml"))
}

/// The variable that sets the ambiguous width for one shell, over the config file.
pub const AMBIGUOUS_ENV: &str = "JIXIAO_AMBIGUOUS_WIDTH";

/// `JIXIAO_AMBIGUOUS_WIDTH=wide|narrow` over the file's `ambiguous_width`. A bad value is
/// reported as the file's problems are, and what the file set (or the default) holds.
pub fn apply_env(cfg: &mut Config, errors: &mut Vec<ConfigError>, ambiguous: Option<&str>) {
    match ambiguous.map(str::trim) {
        None | Some("") => {}
        Some("narrow") => cfg.ambiguous_width = Some(AmbiguousWidth::Narrow),
        Some("wide") => cfg.ambiguous_width = Some(AmbiguousWidth::Wide),
        Some(other) => errors.push(ConfigError {
            file: AMBIGUOUS_ENV.to_string(),
            line: 0,
            message: format!("值“{}”不可用：可用 narrow 或 wide；已忽略", crate::text::sanitize(other)),
        }),
    }
}

/// The config file, then the environment's overrides.
pub fn load() -> (Config, Vec<ConfigError>) {
    let (mut cfg, mut errors) = load_file();
    let ambiguous = std::env::var_os(AMBIGUOUS_ENV).map(|v| v.to_string_lossy().into_owned());
    apply_env(&mut cfg, &mut errors, ambiguous.as_deref());
    (cfg, errors)
}

/// Finds and reads the config file from the environment. No file is no error; a file that
/// exists but cannot be read is reported and the defaults are used.
fn load_file() -> (Config, Vec<ConfigError>) {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let home = env("HOME");
    let Some(file) = path(env("XDG_CONFIG_HOME"), home.clone()) else {
        return (Config::default(), Vec::new());
    };
    let shown = file.display().to_string();
    match std::fs::read_to_string(&file) {
        Ok(text) => parse(&shown, &text, home.as_deref(), file.parent()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), Vec::new()),
        Err(e) => {
            let message = format!("无法读取设置文件（{e}）；全部使用默认设置");
            (Config::default(), vec![ConfigError { file: shown, line: 0, message }])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> (Config, Vec<String>) {
        let (cfg, errors) = parse("config.toml", text, Some(Path::new("/home/u")), Some(Path::new("/home/u/.config/jixiao")));
        (cfg, errors.iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn every_key_is_read() {
        let text = "lang = \"en\"\nambiguous_width = \"wide\"\nmouse = true\ndata = \"~/绩效数据\"\nkeymap = \"vim.toml\"\n";
        let (cfg, errors) = p(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(cfg.lang, Some(Lang::En));
        assert_eq!(cfg.ambiguous_width(), AmbiguousWidth::Wide);
        assert!(cfg.mouse());
        assert_eq!(cfg.data, Some(PathBuf::from("/home/u/绩效数据")));
        assert_eq!(cfg.keymap, Some(PathBuf::from("/home/u/.config/jixiao/vim.toml")));
        let (cfg, _) = p("lang = \"zh\"\nambiguous_width = \"narrow\"\nmouse = false\ndata = \"/srv/jixiao\"\n");
        assert_eq!((cfg.lang, cfg.ambiguous_width, cfg.mouse), (Some(Lang::Zh), Some(AmbiguousWidth::Narrow), Some(false)));
        assert_eq!(cfg.data, Some(PathBuf::from("/srv/jixiao")));
    }

    #[test]
    fn an_empty_file_sets_nothing() {
        let (cfg, errors) = p("# 空的设置文件\n");
        assert_eq!(cfg, Config::default());
        assert!(errors.is_empty());
        assert!(cfg.mouse(), "the mouse is on unless the file turns it off");
        assert_eq!(cfg.ambiguous_width(), AmbiguousWidth::Narrow);
    }

    #[test]
    fn bad_values_name_the_line_and_the_allowed_values_and_the_rest_is_kept() {
        let text = "lang = \"fr\"\nmouse = \"yes\"\nambiguous_width = 2\ndata = \"\"\nkeymap = 3\n";
        let (cfg, errors) = p(&format!("{text}lang2 = 1\n"));
        assert_eq!(errors.len(), 6, "{errors:?}");
        assert!(errors[0].starts_with("config.toml:1: lang 的值“\"fr\"”不可用") && errors[0].contains("\"zh\" 或 \"en\""), "{}", errors[0]);
        assert!(errors[1].starts_with("config.toml:2: mouse") && errors[1].contains("true 或 false"), "{}", errors[1]);
        assert!(errors[2].starts_with("config.toml:3: ambiguous_width 的值“2”") && errors[2].contains("\"narrow\" 或 \"wide\""));
        assert!(errors[3].starts_with("config.toml:4: data"), "{}", errors[3]);
        assert!(errors[4].starts_with("config.toml:5: keymap"), "{}", errors[4]);
        assert_eq!(cfg, Config::default());
        // A good setting beside a bad one still counts.
        let (cfg, errors) = p("mouse = 1\nlang = \"en\"\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(cfg.lang, Some(Lang::En));
    }

    #[test]
    fn the_environment_overrides_the_file_and_a_bad_value_is_reported_and_skipped() {
        let (mut cfg, _) = parse("config.toml", "ambiguous_width = \"wide\"\n", None, None);
        let mut errors = Vec::new();
        apply_env(&mut cfg, &mut errors, Some("narrow"));
        assert_eq!((cfg.ambiguous_width(), errors.len()), (AmbiguousWidth::Narrow, 0));
        apply_env(&mut cfg, &mut errors, Some("wide"));
        assert_eq!(cfg.ambiguous_width(), AmbiguousWidth::Wide);
        apply_env(&mut cfg, &mut errors, Some("宽"));
        assert_eq!(cfg.ambiguous_width(), AmbiguousWidth::Wide, "a bad value changes nothing");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].to_string(), "JIXIAO_AMBIGUOUS_WIDTH: 值“宽”不可用：可用 narrow 或 wide；已忽略");
        apply_env(&mut cfg, &mut errors, None);
        assert_eq!((cfg.ambiguous_width(), errors.len()), (AmbiguousWidth::Wide, 1));
    }

    #[test]
    fn an_unknown_key_is_named_and_ignored() {
        let (cfg, errors) = p("lang = \"en\"\n\nlanguage = \"zh\"\n");
        assert_eq!(errors, vec!["config.toml:3: 未知的设置“language”：可用 lang、ambiguous_width、mouse、data、keymap".to_string()]);
        assert_eq!(cfg.lang, Some(Lang::En));
    }

    #[test]
    fn a_syntax_error_names_its_line_and_uses_the_defaults() {
        let (cfg, errors) = p("lang = \"en\"\nmouse = true\ndata = \"/x\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("config.toml:3: TOML 语法错误"), "{}", errors[0]);
        assert!(errors[0].ends_with("全部使用默认设置"), "{}", errors[0]);
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn the_file_lives_under_xdg_config_home_else_home() {
        assert_eq!(path(Some("/x".into()), Some("/home/u".into())), Some(PathBuf::from("/x/jixiao/config.toml")));
        let got = path(Some("rel".into()), Some("/home/u".into()));
        assert_eq!(got, Some(PathBuf::from("/home/u/.config/jixiao/config.toml")));
        assert_eq!(path(None, None), None);
    }

    #[test]
    fn tilde_and_relative_paths_expand() {
        let (home, base) = (Some(Path::new("/h")), Some(Path::new("/c")));
        assert_eq!(expand("~", home, base), PathBuf::from("/h"));
        assert_eq!(expand("~/d", home, base), PathBuf::from("/h/d"));
        assert_eq!(expand("d", home, base), PathBuf::from("/c/d"));
        assert_eq!(expand("/abs", home, base), PathBuf::from("/abs"));
        assert_eq!(expand("~other/d", None, None), PathBuf::from("~other/d"));
    }
}
