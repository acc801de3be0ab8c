//! `jixiao --help` and every command's help in the chosen language. The language is known
//! before the arguments are parsed (`--lang` looked up in the raw arguments, then
//! `$JIXIAO_LANG`, then the config file, else zh, as `i18n::resolve` does), so the clap
//! `Command` is built, its texts replaced from `help_zh.rs`, and only then parsed. Clap's
//! own words (Usage, Options, Commands, Print help, [default: …]) are replaced too: the
//! help template, headings and the help and version flags are ours in Chinese.

use super::args::Cli;
use super::help_zh::text;
use crate::i18n::Lang;
use clap::{Arg, ArgAction, Command, CommandFactory};
use std::ffi::OsString;

/// The language of the help: `--lang X` / `--lang=X` among the arguments, then `$JIXIAO_LANG`,
/// then the config file, else zh. A bad value falls through here; parsing reports it.
pub fn lang_of(args: &[OsString], env: Option<&str>, config: Option<Lang>) -> Lang {
    let mut flag = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            flag = it.next().map(|v| v.into_owned());
        } else if let Some(v) = a.strip_prefix("--lang=") {
            flag = Some(v.to_string());
        }
    }
    let flag = flag.filter(|f| crate::i18n::parse(f).is_some());
    crate::i18n::resolve(flag.as_deref(), env, config).map_or(Lang::Zh, |(l, _)| l)
}

/// The command line as clap parses it, its help in `lang`.
pub fn command(lang: Lang) -> Command {
    let cmd = Cli::command();
    if lang == Lang::En {
        return cmd;
    }
    let mut cmd = localize(cmd, "")
        .disable_version_flag(true)
        .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本").help_heading(OPTIONS));
    // Clap adds its `help` subcommands while building: build, then put them into Chinese.
    cmd.build();
    help_subcommands(cmd, "jixiao")
}

/// `help` under jixiao and under each command with commands of its own (template, admin).
fn help_subcommands(cmd: Command, path: &str) -> Command {
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).filter(|n| n != "help").collect();
    let mut cmd = cmd;
    if cmd.find_subcommand("help").is_some() {
        let usage = format!("{path} help [命令]…");
        cmd = cmd.mut_subcommand("help", |h| {
            // Built whole, its arguments are the commands themselves (copied, about included).
            h.mut_subcommand("help", |hh| hh.about(text("help")).help_template("{about-with-newline}"))
                .help_template("{about-with-newline}\n用法：{usage}\n\n命令：\n{subcommands}\n")
                .override_usage(usage)
                .about(text("help"))
        });
    }
    for name in names {
        let sub = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |s| help_subcommands(s, &sub));
    }
    cmd
}

const OPTIONS: &str = "选项";
const ARGUMENTS: &str = "参数";

/// Clap's own layout with Chinese headings: it writes `{heading}:` with an ASCII colon, so
/// the sections are laid out here, each only where the command has something in it.
fn template(cmd: &Command) -> String {
    let mut t = "{before-help}{about-with-newline}\n用法：{usage}\n".to_string();
    if cmd.has_subcommands() {
        t.push_str("\n命令：\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        t.push_str("\n参数：\n{positionals}\n");
    }
    t.push_str("\n选项：\n{options}{after-help}");
    t
}

/// One command and everything under it: texts, headings, usage, our `-h`.
fn localize(cmd: Command, path: &str) -> Command {
    let mut cmd = localize_texts(cmd, path)
        .disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助").help_heading(OPTIONS));
    let (usage, template) = (usage_of(&cmd, path), template(&cmd));
    cmd = cmd.override_usage(usage).help_template(template);
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let sub_path = if path.is_empty() { name.clone() } else { format!("{path} {name}") };
        cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub_path));
    }
    cmd
}

/// The about, the examples below, and each argument's help, from the catalog; clap's
/// `[default: …]` and `[possible values: …]` become part of the Chinese help.
fn localize_texts(cmd: Command, path: &str) -> Command {
    let mut cmd = cmd.long_about(None::<&str>).after_long_help(None::<&str>);
    if let Some(about) = text(path) {
        cmd = cmd.about(about);
    }
    cmd = cmd.after_help(text(&format!("{path}!after")));
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        let key = format!("{path}/{id}");
        cmd = cmd.mut_arg(&id, |a| {
            let heading = if a.is_positional() { ARGUMENTS } else { OPTIONS };
            let a = match text(&key) {
                Some(t) => {
                    let help = format!("{t}{}", values_note(&a));
                    a.help(help)
                }
                None => a,
            };
            let a = a.long_help(None::<&str>).help_heading(heading);
            if a.get_action().takes_values() { a.hide_default_value(true).hide_possible_values(true) } else { a }
        });
    }
    cmd
}

/// `（可选：table、json；默认：table）` for an argument that takes one of a few values.
fn values_note(a: &Arg) -> String {
    if !a.get_action().takes_values() {
        return String::new();
    }
    let values: Vec<String> = a.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| v.get_name().to_string()).collect();
    let defaults: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    let mut parts = Vec::new();
    if !values.is_empty() {
        parts.push(format!("可选：{}", values.join("、")));
    }
    if !defaults.is_empty() {
        parts.push(format!("默认：{}", defaults.join("、")));
    }
    if parts.is_empty() { String::new() } else { format!("（{}）", parts.join("；")) }
}

/// `jixiao due [选项]`, `jixiao import [选项] <FILE>`, `jixiao template <命令>`: clap writes
/// `[OPTIONS]` in English, so the usage line is written here.
fn usage_of(cmd: &Command, path: &str) -> String {
    let mut usage = if path.is_empty() { "jixiao [选项]".to_string() } else { format!("jixiao {path} [选项]") };
    for a in cmd.get_arguments().filter(|a| !a.is_positional() && a.is_required_set()) {
        let flag = a.get_long().map_or_else(|| format!("-{}", a.get_short().unwrap_or('?')), |l| format!("--{l}"));
        let value = a.get_value_names().and_then(|v| v.first()).map_or(String::new(), |v| format!(" <{v}>"));
        usage.push_str(&format!(" {flag}{value}"));
    }
    for a in cmd.get_positionals() {
        let name = a.get_value_names().and_then(|v| v.first()).map_or_else(|| a.get_id().to_string().to_uppercase(), |v| v.to_string());
        usage.push_str(&if a.is_required_set() { format!(" <{name}>") } else { format!(" [{name}]") });
    }
    if cmd.has_subcommands() {
        usage.push_str(if cmd.is_subcommand_required_set() { " <命令>" } else { " [命令]" });
    }
    usage
}

/// A parse error in Chinese (clap writes its errors in English): what is wrong, the usage
/// line, where the help is. Help and version requests are not errors and are not passed here.
pub fn zh_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind as K, ErrorKind};
    let get = |k: K| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let valid = || match get(K::ValidValue) {
        v if v.is_empty() => String::new(),
        v => format!("：可用 {v}"),
    };
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("无法识别的参数 {}", get(K::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!("没有这个命令：{}（jixiao --help 列出全部命令）", get(K::InvalidSubcommand)),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{}", get(K::InvalidArg).replace(", ", "、")),
        ErrorKind::MissingSubcommand => "缺少命令：在后面写出要做的命令".to_string(),
        ErrorKind::InvalidValue => format!("{} 的值“{}”无效{}", get(K::InvalidArg), get(K::InvalidValue), valid()),
        ErrorKind::ValueValidation => {
            // clap's range check says "100000000 is not in 0..=36500": the range is kept.
            let why = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            let why = match why.split_once(" is not in ") {
                Some((_, range)) => format!("应在 {} 之间", range.replace("..=", " 到 ").replace("..", " 起")),
                None if why.contains("invalid digit") || why.contains("number") => "应为整数".to_string(),
                None => why,
            };
            format!("{} 的值“{}”无效：{why}", get(K::InvalidArg), get(K::InvalidValue))
        }
        ErrorKind::ArgumentConflict => format!("{} 不能与 {} 一起使用", get(K::InvalidArg), get(K::PriorArg)),
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{} 的值个数不对", get(K::InvalidArg))
        }
        _ => "参数有误".to_string(),
    };
    let usage = get(K::Usage);
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    let mut out = format!("jixiao: {what}\n");
    if !usage.is_empty() {
        out.push_str(&format!("\n用法：{usage}\n"));
    }
    out.push_str("\n加 --help 查看帮助。\n");
    out
}

/// Every command path and argument key the Chinese help lacks (for the test that keeps the
/// catalog complete): `due` for a command's about, `due/quiet` for an argument's help.
pub fn missing() -> Vec<String> {
    fn walk(cmd: &Command, path: &str, out: &mut Vec<String>) {
        if text(path).is_none() {
            out.push(path.to_string());
        }
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let key = format!("{path}/{}", a.get_id());
            if text(&key).is_none() {
                out.push(key);
            }
        }
        for s in cmd.get_subcommands() {
            let sub = if path.is_empty() { s.get_name().to_string() } else { format!("{path} {}", s.get_name()) };
            walk(s, &sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_is_flag_then_env_then_config_then_chinese() {
        assert_eq!(lang_of(&os(&["jixiao", "--lang", "en", "--help"]), Some("zh"), None), Lang::En);
        assert_eq!(lang_of(&os(&["jixiao", "due", "--lang=en", "-h"]), None, Some(Lang::Zh)), Lang::En);
        assert_eq!(lang_of(&os(&["jixiao", "--help"]), Some("en"), Some(Lang::Zh)), Lang::En);
        assert_eq!(lang_of(&os(&["jixiao", "--help"]), None, Some(Lang::En)), Lang::En);
        assert_eq!(lang_of(&os(&["jixiao", "--help"]), None, None), Lang::Zh);
        assert_eq!(lang_of(&os(&["jixiao", "--lang", "fr"]), Some("en"), None), Lang::En, "a bad flag is reported by the parse");
    }

    #[test]
    fn every_command_and_argument_has_its_chinese_help() {
        assert_eq!(missing(), Vec::<String>::new(), "add these to src/cli/help_zh.rs");
    }

    #[test]
    fn the_chinese_command_still_parses_into_the_same_arguments() {
        use clap::FromArgMatches;
        let m = command(Lang::Zh).try_get_matches_from(["jixiao", "--lang", "zh", "due", "--count", "--within", "3"]).unwrap();
        let cli = Cli::from_arg_matches(&m).unwrap();
        let Some(super::super::args::Cmd::Due(d)) = cli.command else { panic!("due") };
        assert!(d.count && d.within == Some(3));
        let m =
            command(Lang::Zh).try_get_matches_from(["jixiao", "import", "表.xlsx", "--as", "self-eval", "--project", "ZD21-06"]).unwrap();
        assert!(Cli::from_arg_matches(&m).is_ok());
    }

    #[test]
    fn parse_errors_are_told_in_chinese_with_the_usage() {
        let err = |args: &[&str]| zh_error(&command(Lang::Zh).try_get_matches_from(args).unwrap_err());
        let e = err(&["jixiao", "due", "--bogus"]);
        assert!(e.starts_with("jixiao: 无法识别的参数 --bogus") && e.contains("用法：jixiao due [选项]") && e.contains("--help"), "{e}");
        let e = err(&["jixiao", "backup"]);
        assert!(e.contains("缺少必需的参数：--output <FILE>"), "{e}");
        let e = err(&["jixiao", "due", "--format", "xml"]);
        assert!(e.contains("--format <FORMAT> 的值“xml”无效：可用 table, json"), "{e}");
        let e = err(&["jixiao", "due", "--quiet", "--count"]);
        assert!(e.contains("不能与") && e.contains("--count"), "{e}");
        let e = err(&["jixiao", "due", "--within", "100000000"]);
        assert!(e.contains("--within <DAYS> 的值“100000000”无效：应在 0 到 36500 之间"), "{e}");
        let e = err(&["jixiao", "dew"]);
        assert!(e.contains("没有这个命令：dew"), "{e}");
    }
}
