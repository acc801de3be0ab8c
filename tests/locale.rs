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
