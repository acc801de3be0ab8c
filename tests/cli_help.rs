//! `jixiao --help` and every command's help in the chosen language: Chinese by default (and
//! with JIXIAO_LANG=zh), English with --lang en, whatever LANG says.

mod zh_common;

use std::process::{Command, Output};

fn jixiao(args: &[&str], lang: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.args(args).env_remove("JIXIAO_DATA").env("LANG", "en_US.UTF-8").env("XDG_CONFIG_HOME", "/nonexistent");
    match lang {
        Some(l) => c.env("JIXIAO_LANG", l),
        None => c.env_remove("JIXIAO_LANG"),
    };
    c.output().unwrap()
}

fn help(args: &[&str], lang: Option<&str>) -> String {
    let out = jixiao(args, lang);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every command path: `due`, `admin add` …
fn paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for s in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(s.get_name().to_string());
            walk(s, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&<jixiao::cli::args::Cli as clap::CommandFactory>::command(), Vec::new(), &mut out);
    out
}

#[test]
fn the_chinese_help_has_no_english_prose() {
    let top = help(&["--help"], Some("zh"));
    for heading in ["用法：jixiao [选项] [命令]", "命令：", "选项：", "显示帮助", "显示版本", "due       所有未完成的期限"]
    {
        assert!(top.contains(heading), "{heading} in\n{top}");
    }
    for english in ["Usage", "Options", "Commands", "Print help", "Print version", "[default", "possible values"] {
        assert!(!top.contains(english), "{english} in\n{top}");
    }
    let due = help(&["due", "--help"], Some("zh"));
    assert!(due.contains("用法：jixiao due [选项]") && due.contains("--quiet") && due.contains("只看退出码"), "{due}");
    assert!(due.contains("（可选：table、json；默认：table）"), "clap's [default …] told in Chinese: {due}");
    // Chinese is the default even where LANG is English.
    assert_eq!(help(&["due", "--help"], None), due);
    assert_eq!(help(&["help", "due"], Some("zh")), due, "jixiao help due is the same help");
    let mut leaks = Vec::new();
    for path in paths() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let text = help(&args, Some("zh"));
        assert!(text.contains("用法：jixiao"), "{args:?}: {text}");
        for w in zh_common::english_words(&text) {
            leaks.push(format!("jixiao {}: {w}", path.join(" ")));
        }
    }
    assert!(leaks.is_empty(), "English in the Chinese help:\n{}", leaks.join("\n"));
}

#[test]
fn lang_en_gives_the_english_help() {
    let top = help(&["--lang", "en", "--help"], Some("zh"));
    assert!(top.contains("Usage: jixiao [OPTIONS] [COMMAND]") && top.contains("Print help"), "{top}");
    let due = help(&["due", "--help", "--lang", "en"], None);
    assert!(due.contains("Usage: jixiao due [OPTIONS]") && due.contains("Print nothing; the exit status says it"), "{due}");
    assert_eq!(help(&["due", "--help"], Some("en")), due, "JIXIAO_LANG=en too");
    // No Chinese prose in the English help (names such as 整改台账 in parentheses are kept).
    for path in paths() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.extend(["--help", "--lang", "en"]);
        let text = help(&args, None);
        assert!(!text.contains("用法") && !text.contains("选项：") && !text.contains("显示帮助"), "{args:?}: {text}");
    }
    let archive = help(&["archive", "--help", "--lang", "en"], None);
    assert!(archive.contains("A project's dossier") && archive.contains("Examples:"), "{archive}");
}
