//! Archiving makes the dossier: `archive_project` writes `DATA/archives/CODE-DATE/`, records
//! it with its manifest's sha256, and a re-archive writes a new one beside the old.

use jixiao::backend::{Fetch, Local};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn exec(data: &Path, lines: &[serde_json::Value]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--local", "--data"])
        .arg(data)
        .arg("exec")
        .env("JIXIAO_LANG", "zh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

fn store(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("data");
    let evidence = dir.join("入户登记抽查表.csv");
    std::fs::write(&evidence, "户号,是否登记\n001,是\n").unwrap();
    let out = exec(
        &data,
        &[
            serde_json::json!({"cmd":"create_project","code":"ZD21-18","name":"禁捕退捕资金","kind":"项目支出","fiscal_year":2020,"unit":"畜牧水产事务中心","amount":"2683.68"}),
            serde_json::json!({"cmd":"score","project":"ZD21-18","indicator":"立项依据充分性","input":{"direct":{"value":"3"}},"basis":"依据充分","evidence":[{"path": evidence}]}),
        ],
    );
    assert!(!out.contains("\"ok\":false"), "{out}");
    data
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn archiving_writes_the_dossier_records_it_and_a_second_archive_goes_beside() {
    let dir = tempfile::tempdir().unwrap();
    let data = store(dir.path());
    let out = exec(&data, &[serde_json::json!({"cmd":"archive_project","project":"ZD21-18"})]);
    assert!(out.contains("\"ok\":true"), "{out}");
    let notes = Local::open(&data).unwrap().dossiers("ZD21-18").unwrap();
    assert_eq!(notes.len(), 1);
    let first = data.join(&notes[0].dir);
    assert!(notes[0].dir.starts_with("archives/ZD21-18-"), "{:?}", notes[0]);
    let manifest = std::fs::read(first.join("MANIFEST.sha256")).unwrap();
    assert_eq!(notes[0].manifest_sha256, sha256_hex(&manifest), "the recorded value is the manifest's sha256");
    assert!(std::fs::read_dir(first.join("evidence")).unwrap().count() == 1);
    let verify = Command::new(env!("CARGO_BIN_EXE_jixiao")).arg("verify").arg(&first).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    let out = exec(
        &data,
        &[
            serde_json::json!({"cmd":"reopen_project","project":"ZD21-18","reason":"单位补报整改材料"}),
            serde_json::json!({"cmd":"archive_project","project":"ZD21-18"}),
        ],
    );
    assert!(!out.contains("\"ok\":false"), "{out}");
    let notes = Local::open(&data).unwrap().dossiers("ZD21-18").unwrap();
    assert_eq!(notes.len(), 2);
    assert!(notes[1].dir.ends_with("-2"), "the second dossier goes beside the first: {:?}", notes[1]);
    assert!(first.join("MANIFEST.sha256").exists(), "the first dossier stays");
    let check = Command::new(env!("CARGO_BIN_EXE_jixiao")).args(["--local", "--data"]).arg(&data).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn a_dossier_that_cannot_be_written_leaves_the_project_archived_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = store(dir.path());
    for f in std::fs::read_dir(data.join("attachments")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let out = exec(&data, &[serde_json::json!({"cmd":"archive_project","project":"ZD21-18"})]);
    assert!(out.contains("已归档，但归档包没有写成") && out.contains("jixiao archive ZD21-18 -o DIR"), "{out}");
    let local = Local::open(&data).unwrap();
    assert!(local.project("ZD21-18").unwrap().is_archived());
    assert!(local.dossiers("ZD21-18").unwrap().is_empty());
    assert!(!data.join("archives").exists() || std::fs::read_dir(data.join("archives")).unwrap().count() == 0, "nothing half written");
}

#[test]
fn record_dossier_is_refused_for_a_project_not_archived_and_for_a_bad_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let data = store(dir.path());
    let sha = "9f2c1e0b7a6d5c4b3a29180716f5e4d3c2b1a09f8e7d6c5b4a3928170615f4e3";
    let out = exec(&data, &[serde_json::json!({"cmd":"record_dossier","project":"ZD21-18","dir":"/mnt/档案室","manifest_sha256":sha})]);
    assert!(out.contains("记录归档包"), "{out}");
    exec(&data, &[serde_json::json!({"cmd":"archive_project","project":"ZD21-18"})]);
    let out = exec(&data, &[serde_json::json!({"cmd":"record_dossier","project":"ZD21-18","dir":"/mnt/档案室","manifest_sha256":"ABC"})]);
    assert!(out.contains("64 位小写十六进制"), "{out}");
}
