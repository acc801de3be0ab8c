//! Issue 16 part 5: the store's own backup. `jixiao backup -o FILE.zip` takes the whole store
//! (bundle and evidence files) from one moment while the server serves; `jixiao import
//! FILE.zip` restores it into an empty data dir only, each evidence file checked against its
//! sha256, all or nothing.

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.env_remove("LANG").env_remove("JIXIAO_DATA");
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    bin().arg("--data").arg(data).args(args).output().unwrap()
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

fn seed(data: &Path) {
    ok(run(data, &["--local", "demo", "--seed-only"]));
}

fn serve(data: &Path) -> Child {
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

fn exec(data: &Path, lines: &[Value]) {
    let mut child = bin().arg("--data").arg(data).arg("exec").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        assert!(line.contains("\"ok\":true"), "{line}");
    }
}

fn export(data: &Path) -> Value {
    serde_json::from_slice(&ok(run(data, &["--local", "export"])).stdout).unwrap()
}

/// The audit log as (id, actor, at, command, touched): a restore keeps the backup's history
/// as imported history (`store/import.rs`), each record wrapping the original; the import's
/// own record is not history of the backed-up store.
fn history(bundle: &Value) -> Vec<Value> {
    bundle["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| {
            let cmd: Value = serde_json::from_str(a["command"].as_str().unwrap()).unwrap_or(a["command"].clone());
            match cmd["cmd"].as_str() {
                Some("import") => None,
                Some("imported_history") => {
                    let o = &cmd["original"];
                    Some(json!([o["id"], o["actor"], o["at"], o["command"], a["touched"]]))
                }
                _ => Some(json!([a["id"], a["actor"], a["at"], cmd, a["touched"]])),
            }
        })
        .collect()
}

fn without_audit(mut bundle: Value) -> Value {
    bundle.as_object_mut().unwrap().remove("audit");
    bundle
}

fn sha_of(path: &Path) -> String {
    jixiao::attachments::hash_file(path).unwrap().1
}

/// Every file in DATA/attachments, by name: (size, sha256 of its content).
fn attachments(data: &Path) -> BTreeMap<String, String> {
    let Ok(dir) = std::fs::read_dir(jixiao::attachments::dir(data)) else { return BTreeMap::new() };
    dir.map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), sha_of(&p)))
        .collect()
}

/// A seeded store with scores and a finding carrying evidence files (sent through a server),
/// and a backup of it taken through that server.
fn backed_up(dir: &Path) -> (PathBuf, PathBuf) {
    let data = dir.join("绩效数据");
    seed(&data);
    let server = serve(&data);
    let photo = dir.join("现场核查照片.jpg");
    std::fs::write(&photo, "人口普查现场核查照片".repeat(5000)).unwrap();
    let voucher = dir.join("专项资金拨付凭证.pdf");
    std::fs::write(&voucher, "拨付凭证扫描件".repeat(300)).unwrap();
    exec(
        &data,
        &[
            json!({"cmd":"score","project":"ZD21-06","indicator":"立项依据充分性","input":{"direct":{"value":"3"}},
                "basis":"立项依据充分，见现场核查照片。","evidence":[{"path": photo}]}),
            json!({"cmd": "record_finding", "project": "ZD21-06", "text": "专项资金拨付凭证不全", "category": "资金使用不规范",
                "severity": "一般", "amount": null, "indicators": [], "publish": false, "evidence": [{"path": voucher}]}),
        ],
    );
    let zip = dir.join("备份").join("jixiao-2026-12-04.zip");
    std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
    let out = ok(run(&data, &["backup", "-o", zip.to_str().unwrap()]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("已备份 20 个项目"), "{}", String::from_utf8_lossy(&out.stderr));
    stop(server);
    (data, zip)
}

#[test]
fn a_backup_restored_into_an_empty_dir_exports_the_same_with_every_attachment() {
    let dir = tempfile::tempdir().unwrap();
    let (data, zip) = backed_up(dir.path());
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&zip).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !current_umask(), "the user's umask, not the store's 0600");
    }
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut readme = String::new();
    archive.by_name("BACKUP.txt").unwrap().read_to_string(&mut readme).unwrap();
    assert!(readme.contains("jixiao 备份") && readme.contains("import") && readme.contains(&data.display().to_string()), "{readme}");
    let mut inside = String::new();
    archive.by_name("bundle.json").unwrap().read_to_string(&mut inside).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&inside).unwrap(), export(&data), "bundle.json is what jixiao export writes");

    let restored = dir.path().join("恢复");
    let out = ok(run(&restored, &["--local", "import", zip.to_str().unwrap()]));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("已从备份恢复：20 个项目，2 个佐证文件"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (before, after) = (export(&data), export(&restored));
    assert_eq!(history(&before), history(&after), "the whole history, kept as imported history");
    assert_eq!(without_audit(before), without_audit(after));
    let files = attachments(&data);
    assert_eq!(files.len(), 2);
    assert_eq!(attachments(&restored), files, "every evidence file, under its sha256");
    for (name, sha) in &files {
        assert_eq!(name, sha);
    }
    let check = ok(run(&restored, &["--local", "check"]));
    assert!(String::from_utf8_lossy(&check.stdout).contains("检查通过"), "{}", String::from_utf8_lossy(&check.stdout));
}

fn current_umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status.lines().find_map(|l| l.strip_prefix("Umask:")).map(|v| u32::from_str_radix(v.trim(), 8).unwrap()).unwrap_or(0o022)
}

#[test]
fn a_backup_under_four_writing_clients_holds_every_command_acknowledged_before_it_began() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("团队数据");
    seed(&data);
    let server = serve(&data);
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, Instant)>::new()));
    let mut clients = vec![];
    for c in 0..4 {
        let (data, acked) = (data.clone(), acked.clone());
        clients.push(std::thread::spawn(move || {
            use jixiao::backend::Backend;
            let remote = jixiao::connect::open_backend(&data).unwrap();
            for i in 0..50 {
                let title = format!("第{c}组督办节点{i:02}");
                let cmd = json!({"cmd": "add_milestone", "title": title, "kind": "其他", "due": "2026-12-31"});
                remote.execute(&serde_json::from_value(cmd).unwrap()).unwrap();
                acked.lock().unwrap().push((title, Instant::now()));
            }
        }));
    }
    // Once the clients are well under way.
    while acked.lock().unwrap().len() < 40 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let zip = dir.path().join("夜间备份.zip");
    let began = Instant::now();
    ok(run(&data, &["backup", "-o", zip.to_str().unwrap()]));
    for c in clients {
        c.join().unwrap();
    }
    stop(server);
    let before: Vec<String> = acked.lock().unwrap().iter().filter(|(_, at)| *at < began).map(|(t, _)| t.clone()).collect();
    assert!(before.len() >= 40);
    eprintln!("acknowledged before the backup began: {} of 200", before.len());
    assert!(acked.lock().unwrap().len() == 200);

    let restored = dir.path().join("恢复");
    ok(run(&restored, &["--local", "import", zip.to_str().unwrap()]));
    let bundle = export(&restored);
    let titles: HashSet<String> =
        bundle["milestones"].as_array().unwrap().iter().map(|m| m["title"].as_str().unwrap().to_string()).collect();
    for t in &before {
        assert!(titles.contains(t), "acknowledged before the backup began, missing: {t}");
    }
    // Each client's commands went one after another: what the snapshot holds of each is a
    // beginning of its list, never a gap (no command half in, none skipped).
    for c in 0..4 {
        let n = (0..50).filter(|i| titles.contains(&format!("第{c}组督办节点{i:02}"))).count();
        assert!((0..n).all(|i| titles.contains(&format!("第{c}组督办节点{i:02}"))), "client {c}: a gap");
    }
    let check = ok(run(&restored, &["--local", "check"]));
    assert!(String::from_utf8_lossy(&check.stdout).contains("检查通过"), "{}", String::from_utf8_lossy(&check.stdout));
}

/// A copy of a backup with `change` applied to each entry's bytes.
fn rewrite(from: &Path, to: &Path, change: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    let mut a = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..a.len() {
        let mut e = a.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut bytes = vec![];
        e.read_to_end(&mut bytes).unwrap();
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(&change(&name, bytes)).unwrap();
    }
    w.finish().unwrap();
}

fn refused(data: &Path, zip: &Path) -> String {
    let out = run(data, &["--local", "import", zip.to_str().unwrap()]);
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn assert_empty(data: &Path) {
    if data.join("store").exists() {
        let b = export(data);
        assert!(b["projects"].as_array().unwrap().is_empty() && b["audit"].as_array().unwrap().is_empty(), "nothing imported");
    }
    assert!(attachments(data).is_empty(), "no evidence placed: {:?}", attachments(data));
}

#[test]
fn restores_into_a_store_in_use_damaged_or_cut_backups_a_backup_inside_the_data_dir_and_a_lost_evidence_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (data, zip) = backed_up(dir.path());

    // Into a store in use: refused, saying to use an empty --data DIR; nothing changes.
    let before = export(&data);
    let err = refused(&data, &zip);
    assert!(err.contains("空的数据目录") && err.contains("--data"), "{err}");
    assert_eq!(export(&data), before);
    let merge = run(&data, &["--local", "import", "--merge", zip.to_str().unwrap()]);
    assert!(!merge.status.success() && String::from_utf8_lossy(&merge.stderr).contains("不合并"));

    // An evidence file whose bytes are not its name's: named, nothing restored.
    let names = attachments(&data);
    let victim = names.keys().next().unwrap().clone();
    let tampered = dir.path().join("被改动的备份.zip");
    rewrite(&zip, &tampered, |name, mut bytes| {
        if name.ends_with(&victim) {
            bytes[0] ^= 1;
        }
        bytes
    });
    let target = dir.path().join("恢复一");
    let err = refused(&target, &tampered);
    assert!(err.contains(&victim) && err.contains("sha256"), "{err}");
    assert_empty(&target);

    // Cut short (a copy that stopped half way): refused as not a whole zip.
    let bytes = std::fs::read(&zip).unwrap();
    let cut = dir.path().join("截断的备份.zip");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let target = dir.path().join("恢复二");
    let err = refused(&target, &cut);
    assert!(err.contains("截断"), "{err}");
    assert_empty(&target);

    // -o inside the data dir: refused before anything is written.
    let inside = data.join("attachments").join("备份.zip");
    let out = run(&data, &["--local", "backup", "-o", inside.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("数据目录"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!inside.exists());
    let via_dots = data.join("..").join(data.file_name().unwrap()).join("备份.zip");
    assert!(!run(&data, &["--local", "backup", "-o", via_dots.to_str().unwrap()]).status.success());

    // An evidence file the records name, lost from DATA/attachments: named, no backup written.
    let photo_sha = sha_of(&dir.path().join("现场核查照片.jpg"));
    std::fs::remove_file(jixiao::attachments::dir(&data).join(&photo_sha)).unwrap();
    let out_zip = dir.path().join("缺文件的备份.zip");
    let out = run(&data, &["--local", "backup", "-o", out_zip.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("现场核查照片.jpg") && err.contains(&photo_sha), "{err}");
    assert!(!out_zip.exists());
}
