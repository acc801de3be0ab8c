//! Issue 19: an evidence file is streamed (hashed while copied, never read whole) and
//! bounded; an import file is bounded. Each limit is named when it refuses.

use chrono::Utc;
use jixiao::attachments;
use jixiao::domain::{Error, Evidence};
use sha2::{Digest, Sha256};

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).filter(|n| n.len() != 64).collect()
}

/// One test, because the limit comes from the environment of this process.
#[test]
fn evidence_is_copied_by_content_and_bounded() {
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let scan = src.path().join("资金拨付凭证（扫描件）.pdf");
    let content: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
    std::fs::write(&scan, &content).unwrap();

    let ev = attachments::attach(data.path(), &scan, Utc::now()).unwrap();
    let Evidence::File { name, size, sha256, .. } = &ev else { panic!("{ev:?}") };
    let expected: String = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!((name.as_str(), *size, sha256.as_str()), ("资金拨付凭证（扫描件）.pdf", content.len() as u64, expected.as_str()));
    let dir = attachments::dir(data.path());
    assert_eq!(std::fs::read(dir.join(&expected)).unwrap(), content, "the copy is the file");
    // The same content again: one copy, no temporary files left.
    attachments::attach(data.path(), &scan, Utc::now()).unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));

    // Over the limit (1 MiB here): refused, the limit named, nothing copied or left behind.
    // SAFETY: this test binary has this one test, so nothing reads the environment meanwhile.
    unsafe { std::env::set_var("JIXIAO_EVIDENCE_LIMIT_MIB", "1") };
    let big = src.path().join("现场核查录像.mp4");
    std::fs::write(&big, vec![7u8; 1024 * 1024 + 1]).unwrap();
    match attachments::attach(data.path(), &big, Utc::now()) {
        Err(Error::Invalid { field, message, .. }) => {
            assert_eq!(field, "path");
            assert!(message.contains("现场核查录像.mp4") && message.contains("上限 1 MiB"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    unsafe { std::env::remove_var("JIXIAO_EVIDENCE_LIMIT_MIB") };
}

#[test]
fn an_import_file_over_the_limit_is_refused_before_it_is_read() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("全市评价数据.json");
    // Sparse: 1 GiB + 1 byte on no disk.
    std::fs::File::create(&file).unwrap().set_len(jixiao::cli::import::MAX_BUNDLE_BYTES + 1).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .env_remove("LANG")
        .arg("--data")
        .arg(data.path().join("库"))
        .arg("--local")
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("全市评价数据.json") && err.contains("1024 MiB"), "{err}");
}
