//! Issue 18 §1: evidence files are read by the client and sent through the socket in
//! chunks, hashed on both ends; the server writes the attachments. A broken link resumes
//! where it stopped, a transfer that changed a byte is refused, and `jixiao exec` with
//! `{"path": …}` evidence goes the same way.

use jixiao::attachments::{self, CHUNK_BYTES, Chunk, Upload};
use jixiao::backend::Backend;
use jixiao::domain::{Error, Evidence};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn bin() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.env_remove("LANG").env_remove("JIXIAO_DATA");
    c
}

fn serve(data: &Path) -> Child {
    let out = bin().arg("--data").arg(data).args(["--local", "demo", "--seed-only"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let child = bin().arg("--data").arg(data).arg("serve").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::os::unix::net::UnixStream::connect(jixiao::server::socket_path(data)).is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn stop(mut server: Child) {
    // SAFETY: kill with a pid we spawned.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    server.wait().unwrap();
}

/// Bytes that differ along the file, so a misplaced chunk would show.
fn scan_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 4093) as u8).collect()
}

#[test]
fn an_evidence_file_crosses_the_socket_in_chunks_and_the_server_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let server = serve(&data);
    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("专项资金拨付凭证（扫描件）.pdf");
    let content = scan_bytes(2 * CHUNK_BYTES + 12345);
    std::fs::write(&file, &content).unwrap();

    let remote = jixiao::connect::open_backend(&data).unwrap();
    let ev = remote.attach(&file).unwrap();
    let Evidence::File { name, size, sha256, .. } = &ev else { panic!("{ev:?}") };
    assert_eq!((name.as_str(), *size), ("专项资金拨付凭证（扫描件）.pdf", content.len() as u64));
    let copy = attachments::dir(&data).join(sha256);
    assert_eq!(std::fs::read(&copy).unwrap(), content, "the server's copy is the file");
    assert!(std::fs::read_dir(attachments::dir(&data)).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".part")));
    // The record is taken by the store (the file was received).
    let cmd = serde_json::json!({"cmd": "record_finding", "project": "ZD21-06", "text": "专项资金拨付凭证不全", "category": "资金使用不规范",
        "severity": "一般", "amount": null, "indicators": [], "publish": false, "evidence": [ev]});
    remote.execute(&serde_json::from_value(cmd).unwrap()).unwrap();

    // `jixiao exec` with {"path": …}: sent the same way.
    let other = src.path().join("整改报告.docx");
    std::fs::write(&other, "整改情况报告".repeat(1000)).unwrap();
    let line = serde_json::json!({"cmd": "record_finding", "project": "ZD21-06", "text": "整改报告未盖章", "category": "资金使用不规范",
        "severity": "一般", "amount": null, "indicators": [], "publish": false, "evidence": [{"path": other}]});
    let mut exec = bin().arg("--data").arg(&data).arg("exec").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(&mut exec.stdin.take().unwrap(), format!("{line}\n").as_bytes()).unwrap();
    let out = exec.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ok\":true"), "{}", String::from_utf8_lossy(&out.stdout));
    let (_, sha) = attachments::hash_file(&other).unwrap();
    assert!(attachments::dir(&data).join(sha).is_file());
    drop(remote);
    stop(server);
}

#[test]
fn a_broken_upload_resumes_and_a_changed_byte_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("现场核查照片.zip");
    let content = scan_bytes(3 * CHUNK_BYTES / 2);
    std::fs::write(&file, &content).unwrap();
    let now = chrono::Utc::now();

    // The link drops after the first chunk: the second try starts where the server got to.
    let mut sent: Vec<u64> = vec![];
    let first = attachments::send(&file, |c: &Chunk| {
        sent.push(c.offset);
        if !c.data.is_empty() && c.offset > 0 {
            return Err(Error::io("server.sock", "连接中断"));
        }
        attachments::receive(data.path(), c, now)
    });
    assert!(first.is_err());
    let mut resumed: Vec<u64> = vec![];
    let ev = attachments::send(&file, |c: &Chunk| {
        if !c.data.is_empty() {
            resumed.push(c.offset);
        }
        attachments::receive(data.path(), c, now)
    })
    .unwrap();
    assert_eq!(resumed, vec![CHUNK_BYTES as u64], "only the missing chunk is sent again");
    let Evidence::File { sha256, .. } = &ev else { panic!() };
    assert_eq!(std::fs::read(attachments::dir(data.path()).join(sha256)).unwrap(), content);

    // A byte changed on the way: refused, nothing kept.
    let other = src.path().join("银行流水.pdf");
    std::fs::write(&other, scan_bytes(CHUNK_BYTES / 3)).unwrap();
    let err = attachments::send(&other, |c: &Chunk| {
        let mut c = c.clone();
        if !c.data.is_empty() {
            use base64::Engine;
            let mut bytes = base64::engine::general_purpose::STANDARD.decode(&c.data).unwrap();
            bytes[100] ^= 1;
            c.data = base64::engine::general_purpose::STANDARD.encode(bytes);
        }
        attachments::receive(data.path(), &c, now)
    })
    .unwrap_err();
    assert!(err.to_string().contains("校验值不符"), "{err}");
    let names: Vec<String> =
        std::fs::read_dir(attachments::dir(data.path())).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert_eq!(names, vec![sha256.clone()], "no part and no bad copy left");

    // A chunk past the declared size, or a malformed hash, is refused by name.
    let bad = Chunk { name: "x.pdf".into(), size: 3, sha256: "不是校验值".into(), offset: 0, data: String::new() };
    assert!(matches!(attachments::receive(data.path(), &bad, now), Err(Error::Invalid { field, .. }) if field == "sha256"));
    let probe = Chunk { name: "x.pdf".into(), size: 3, sha256: "ab".repeat(32), offset: 0, data: String::new() };
    assert_eq!(attachments::receive(data.path(), &probe, now).unwrap(), Upload::Need { offset: 0 });
}
