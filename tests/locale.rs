//! A terminal set to a non-UTF-8 charset gets a message it can read, naming the variable
//! and the fix, instead of a workbench drawn in mojibake.

use std::process::Command;

#[test]
fn a_gbk_terminal_is_told_in_gbk_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(&data)
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "zh_CN.GBK")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let (text, _, bad) = encoding_rs::GBK.decode(&out.stderr);
    assert!(!bad, "stderr is GBK");
    assert!(text.contains("终端的字符集是 GBK（LANG=zh_CN.GBK）") && text.contains("export LANG=zh_CN.UTF-8"), "{text}");
    assert!(!data.exists(), "nothing is opened or created before the refusal");
}

/// The Linux text console has no Chinese glyphs: under a locale without UTF-8 it is told so
/// in ASCII, before anything is opened.
#[test]
fn the_linux_console_in_the_c_locale_is_refused_in_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(&data)
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "C")
        .env("TERM", "linux")
        .env("JIXIAO_LANG", "zh")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stderr).unwrap();
    assert!(text.is_ascii() && text.contains("TERM=linux, LANG=C") && text.contains("export LANG=zh_CN.UTF-8"), "{text}");
    assert!(!data.exists(), "nothing is opened or created before the refusal");
}

/// LANG=C (or unset) on a terminal emulator: many servers run so while the terminal is
/// UTF-8. A one-line warning naming the variable and the fix, then the workbench starts
/// (here it stops at once: the test has no terminal to draw on).
#[test]
fn the_c_locale_is_warned_in_one_line_and_the_workbench_goes_on() {
    for lang in [Some("C"), Some("POSIX"), None] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
        cmd.arg("--local").arg("--data").arg(dir.path().join("data"));
        cmd.env_remove("LC_ALL").env_remove("LC_CTYPE").env_remove("JIXIAO_DATA").env("TERM", "xterm-256color").env("JIXIAO_LANG", "zh");
        match lang {
            Some(l) => cmd.env("LANG", l),
            None => cmd.env_remove("LANG"),
        };
        let out = cmd.stdin(std::process::Stdio::null()).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        let first = text.lines().next().unwrap_or_default();
        let named = lang.map_or("LC_ALL, LC_CTYPE and LANG unset".to_string(), |l| format!("LANG={l}"));
        assert!(first.starts_with(&format!("jixiao: warning: {named} names no UTF-8")), "{text}");
        assert!(first.contains("export LANG=zh_CN.UTF-8") && first.contains("如中文显示为乱码"), "{first}");
        assert!(text.lines().count() > 1, "the workbench went on past the warning: {text}");
    }
    // A UTF-8 locale gets no warning.
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--local", "--data"])
        .arg(dir.path().join("data"))
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env_remove("JIXIAO_DATA")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"), "{out:?}");
}
