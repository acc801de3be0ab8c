//! No input crashes the server and no fault hangs it (issue 19): panics in requests answered
//! and survived, every bound (frame size, half-sent frames, idle connections, connections
//! per user and in all) refused with the limit named, descriptors and threads back to their
//! baseline after thousands of bad requests, and SIGTERM prompt with idle clients connected.

use jixiao::backend::{Backend, Fetch, Query, Reply};
use jixiao::command::Command;
use jixiao::remote::Remote;
use jixiao::server::protocol::{Hello, HelloReply, PROTOCOL, ServerMsg, read_frame, write_bytes, write_frame};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn bin() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.env_remove("LANG").env_remove("JIXIAO_DATA").env_remove("RUST_BACKTRACE");
    c
}

/// The demo store in a fresh directory (its projects are what the bad commands aim at).
fn seeded() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let out = bin().arg("--data").arg(&data).args(["--local", "demo", "--seed-only"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (dir, data)
}

/// `jixiao serve ARGS` on `data`, once it answers; its log in a file (a full pipe would stop it).
fn serve(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    use std::os::unix::fs::DirBuilderExt;
    use std::os::unix::fs::PermissionsExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(data).unwrap();
    // A data dir with more than jixiao's own files in it is not adopted: private from the start.
    std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).unwrap();
    let log = std::fs::File::create(data.join("serve-test.log")).unwrap();
    let mut cmd = bin();
    cmd.arg("--data").arg(data).arg("serve").args(args).stdout(Stdio::null()).stderr(log);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while UnixStream::connect(data.join("run/server.sock")).is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn stop(mut server: Child) {
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    server.wait().unwrap();
}

fn fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count()
}

fn status_field(pid: u32, field: &str) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line[field.len()..].split_whitespace().next().unwrap().parse().unwrap()
}

fn threads(pid: u32) -> usize {
    status_field(pid, "Threads:")
}

fn rss_kib(pid: u32) -> usize {
    status_field(pid, "VmRSS:")
}

fn command(v: Value) -> Command {
    serde_json::from_value(v).unwrap()
}

fn milestone(title: &str) -> Command {
    command(json!({"cmd": "add_milestone", "title": title, "kind": "其他", "due": "2026-12-31"}))
}

/// A raw connection that has said hello (`events`: listening for events).
fn raw(data: &Path, events: bool) -> UnixStream {
    let mut s = UnixStream::connect(data.join("run/server.sock")).unwrap();
    write_frame(&mut s, &Hello { protocol: PROTOCOL, version: "raw".into(), events }).unwrap();
    match read_frame::<HelloReply>(&mut s).unwrap() {
        Some(HelloReply::Welcome { .. }) => s,
        other => panic!("no welcome: {other:?}"),
    }
}

/// What the server says last on a connection it closes.
fn closing(s: &mut UnixStream) -> (String, bool) {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    loop {
        match read_frame::<ServerMsg>(s) {
            Ok(Some(ServerMsg::Closing { message, retry })) => return (message, retry),
            Ok(Some(_)) => continue,
            other => panic!("expected the server to say why it closes, got {other:?}"),
        }
    }
}

/// Waits until `f` holds, for at most `secs`.
fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    f()
}

#[test]
fn two_thousand_bad_requests_and_broken_frames_leave_the_server_as_it_was() {
    let (_dir, data) = seeded();
    let sock = data.join("run/server.sock");
    // `set_categories` panics inside its transaction (test-only injection), whatever the
    // domain's arithmetic does by now; the overflowing score and `due` are real panic sources
    // while the domain does not bound them, refused as invalid once it does.
    let server = serve(&data, &["--frame-timeout", "1", "--idle-timeout", "2"], &[("JIXIAO_TEST_PANIC_ON", "set_categories")]);
    let pid = server.id();
    let lead = Remote::connect(&sock).unwrap().expect("a server");
    lead.execute(&milestone("评价组长：洪水之前的里程碑")).unwrap();
    let categories = lead.categories().unwrap();
    let audit = |b: &Remote| match b.query(&Query::Audit).unwrap() {
        Reply::Audit(a) => a.len(),
        _ => unreachable!(),
    };
    let audit_before = audit(&lead);
    std::thread::sleep(Duration::from_millis(300));
    let (fd0, th0) = (fds(pid), threads(pid));

    let bad = Remote::connect(&sock).unwrap().expect("a server");
    let overflow = "79228162514264337593543950335";
    let deduction = command(json!({"cmd": "score", "project": "ZD21-06", "indicator": "资金使用合规性",
        "input": {"deduction": {"deductions": [{"points": overflow, "reason": "溢出一"}, {"points": overflow, "reason": "溢出二"}]}},
        "basis": "扣分合计溢出"}));
    let formula = command(json!({"cmd": "score", "project": "ZD21-06", "indicator": "预算执行率",
        "input": {"formula": {"target": "0.0000000000000000000000000001", "actual": overflow, "direction": "positive"}},
        "basis": "公式溢出"}));
    let injected = command(json!({"cmd": "set_categories", "categories": ["绩效意识不强", "注入的崩溃"]}));
    let missing = command(json!({"cmd": "set_phase", "project": "不存在的项目", "phase": "评分"}));
    let due: Query = serde_json::from_value(json!({"query": "due", "request": {
        "filter": {"within": 100_000_000, "unit": null, "owner": null, "project": null},
        "today": "2026-06-01", "json": false, "width": 80, "english": false}}))
    .unwrap();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let start = Instant::now();
    for i in 0..2000 {
        let result = match i % 5 {
            0 => bad.execute(&deduction).map(|_| ()),
            1 => bad.query(&due).map(|_| ()),
            2 => bad.execute(&injected).map(|_| ()),
            3 => bad.execute(&formula).map(|_| ()),
            _ => bad.execute(&missing).map(|_| ()),
        };
        let e = result.expect_err("a bad request is refused");
        if i % 5 == 2 {
            assert_eq!(e.kind(), "internal", "{e}");
            assert!(e.to_string().contains("服务器处理请求时出错 (internal error)") && e.to_string().contains("没有执行"), "{e}");
        }
        *kinds.entry(format!("{}:{}", i % 5, e.kind())).or_default() += 1;
    }
    eprintln!("2,000 bad requests in {:.1} s, answered as {kinds:?}", start.elapsed().as_secs_f64());
    assert!(kinds.keys().all(|k| !k.ends_with(":io")), "no connection dropped: {kinds:?}");
    drop(bad);

    // Broken frames, each kind many times.
    for _ in 0..50 {
        // Not a hello at all.
        let mut s = UnixStream::connect(&sock).unwrap();
        write_bytes(&mut s, "不是问候 not a hello".as_bytes(), false).unwrap();
        match read_frame::<HelloReply>(&mut s).unwrap() {
            Some(HelloReply::Refused { zh, .. }) => assert!(zh.contains("不是 jixiao 的问候"), "{zh}"),
            other => panic!("{other:?}"),
        }
        // Two bytes of a header, then gone.
        let mut s = UnixStream::connect(&sock).unwrap();
        s.write_all(&[0, 0]).unwrap();
        drop(s);
        // A request that is not JSON.
        let mut s = raw(&data, false);
        write_bytes(&mut s, b"{\"id\": 1, \"op\": ", false).unwrap();
        assert!(closing(&mut s).0.contains("请求无法解析"));
        // A frame declared at 300 MiB: refused from its header, nothing allocated.
        let mut s = raw(&data, false);
        s.write_all(&(300u32 << 20).to_be_bytes()).unwrap();
        let (message, retry) = closing(&mut s);
        assert!(message.contains("300 MiB") && message.contains("超过上限 16 MiB") && message.contains("16 MiB limit"), "{message}");
        assert!(!retry);
        // A bulk frame (import) declared past 1 GiB.
        let mut s = raw(&data, false);
        s.write_all(&(0x8000_0000u32 | (1200 << 20)).to_be_bytes()).unwrap();
        assert!(closing(&mut s).0.contains("超过上限 1 GiB"));
    }
    // Eight frames half sent (declared 16 MiB, 64 KiB sent), and twenty connections that never
    // say hello: each closed after the frame timeout (1 s here). A declared length is not
    // allocated: memory grows by what was sent, not by 8 × 16 MiB.
    let rss0 = rss_kib(pid);
    let mut half: Vec<UnixStream> = (0..8)
        .map(|_| {
            let mut s = raw(&data, false);
            s.write_all(&(16u32 << 20).to_be_bytes()).unwrap();
            s.write_all(&vec![b' '; 64 * 1024]).unwrap();
            s
        })
        .collect();
    let mut silent: Vec<UnixStream> = (0..20).map(|_| UnixStream::connect(&sock).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let rss_half = rss_kib(pid);
    for s in &mut half {
        let (message, _) = closing(s);
        assert!(message.contains("1 秒内没有发完") && message.contains("1 s limit"), "{message}");
    }
    for s in &mut silent {
        assert!(closing(s).0.contains("没有问候"));
    }
    drop((half, silent));

    // The lead is still served, and nothing of the bad commands was written.
    lead.execute(&milestone("评价组长：洪水之后的里程碑")).unwrap();
    assert_eq!(lead.categories().unwrap(), categories, "the injected panic wrote nothing");
    assert_eq!(audit(&lead), audit_before + 1, "only the lead's command was applied");
    match lead.query(&Query::Check).unwrap() {
        Reply::Check { problems, .. } => assert!(problems.is_empty(), "{problems:?}"),
        _ => unreachable!(),
    }
    let back = eventually(10, || fds(pid) == fd0 && threads(pid) == th0);
    let (fd1, th1, rss1) = (fds(pid), threads(pid), rss_kib(pid));
    eprintln!(
        "server pid {pid}: descriptors {fd0} before, {fd1} after; threads {th0} before, {th1} after; \
         RSS {rss0} KiB before and {rss_half} KiB with 8 half-sent 16 MiB frames, {rss1} KiB at the end"
    );
    assert!(back, "descriptors {fd0} → {fd1}, threads {th0} → {th1}");
    assert!(rss_half < rss0 + 16 * 1024, "half-sent frames hold memory: {rss0} → {rss_half} KiB");
    let log = std::fs::read_to_string(data.join("serve-test.log")).unwrap();
    assert!(log.contains("caught; nothing was written"), "panics are logged");
    stop(server);
}

#[test]
fn sigterm_with_twenty_idle_clients_connected_stops_the_server_within_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let mut server = serve(&data, &[], &[]);
    let sock = data.join("run/server.sock");
    // Ten workbenches (listening for events) and ten command connections, all idle, and one
    // more stalled in the middle of a frame.
    let benches: Vec<Remote> = (0..10).map(|_| Remote::connect(&sock).unwrap().unwrap()).collect();
    let plain: Vec<UnixStream> = (0..10).map(|_| raw(&data, false)).collect();
    let mut stalled = raw(&data, false);
    stalled.write_all(&[0, 0, 1, 0, b'{']).unwrap();
    benches[0].execute(&milestone("停止前的里程碑")).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let status = server.wait().unwrap();
    let took = start.elapsed();
    eprintln!("SIGTERM with 21 idle clients connected: stopped in {} ms", took.as_millis());
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(!sock.exists(), "the socket is removed");
    drop((benches, plain, stalled));
    // What was acknowledged is in the store.
    let out = bin().arg("--data").arg(&data).args(["--local", "export"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("停止前的里程碑"));
}

/// A connection, once the server has a place: the probe `serve` made to see the server up
/// holds one until the server sees it closed.
fn take_place(sock: &Path) -> Remote {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match Remote::connect(sock) {
            Ok(Some(r)) => return r,
            other => assert!(Instant::now() < deadline, "no place: {:?}", other.err()),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_65th_connection_of_one_user_is_refused_with_the_limit_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let server = serve(&data, &[], &[]);
    let sock = data.join("run/server.sock");
    let mut held: Vec<Remote> = (0..64).map(|_| take_place(&sock)).collect();
    let e = Remote::connect(&sock).err().expect("the 65th is refused");
    assert_eq!(e.kind(), "refused");
    assert!(e.to_string().contains("每个用户最多 64 个 (connection limit: 64 per user)"), "{e}");
    // The command line prints it.
    let out = bin().arg("--data").arg(&data).arg("due").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("64 per user") && stderr.contains("关闭不用的 jixiao 窗口"), "{stderr}");
    // A place freed is a place taken again.
    held.pop();
    assert!(eventually(5, || Remote::connect(&sock).is_ok()), "a freed place is reusable");
    drop(held);
    stop(server);

    // In all: a server allowing 3.
    let server = serve(&data, &["--max-connections", "3"], &[]);
    let held: Vec<Remote> = (0..3).map(|_| take_place(&sock)).collect();
    let e = Remote::connect(&sock).err().expect("the 4th is refused");
    assert!(e.to_string().contains("连接数已达上限 3 个 (connection limit: 3 in all)"), "{e}");
    drop(held);
    stop(server);
}

#[test]
fn a_silent_connection_is_closed_after_the_idle_timeout_but_a_listening_workbench_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let server = serve(&data, &["--idle-timeout", "1"], &[]);
    let sock = data.join("run/server.sock");
    let workbench = Remote::connect(&sock).unwrap().unwrap();
    let dial = {
        let sock = sock.clone();
        move || jixiao::remote::dial(&sock).map(|s| s.expect("a server"))
    };
    let script = Remote::over(jixiao::remote::dial(&sock).unwrap().unwrap(), false, Box::new(dial)).unwrap();
    script.execute(&milestone("脚本的第一条")).unwrap();
    let mut silent = raw(&data, false);
    let start = Instant::now();
    let (message, retry) = closing(&mut silent);
    assert!(message.contains("连接空闲") && message.contains("idle for the 1 s limit"), "{message}");
    assert!(retry, "a request cut off by an idle close may be sent again");
    assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
    assert!(matches!(read_frame::<ServerMsg>(&mut silent), Ok(None) | Err(_)), "then closed");
    std::thread::sleep(Duration::from_millis(1500));
    // The script's connection was closed meanwhile: its next command goes out on a new one.
    script.execute(&milestone("脚本空闲之后的第二条")).unwrap();
    // The workbench, listening for events, was not closed: the script's command reached it.
    assert!(eventually(2, || workbench.take_events().iter().any(|e| e.command == "add_milestone")), "the workbench still hears");
    let titles: Vec<String> = workbench.milestones(None).unwrap().into_iter().map(|m| m.title).collect();
    assert_eq!(titles.iter().filter(|t| t.starts_with("脚本")).count(), 2, "{titles:?}");
    stop(server);
}

#[test]
fn an_import_bundle_over_16_mib_goes_through_the_server_and_other_large_requests_are_refused() {
    // 720 projects: a bundle of 17 MiB on the wire, past the 16 MiB for requests.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("源");
    let out = bin().arg("--data").arg(&src).args(["--local", "demo", "--seed-only", "--scale", "700"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bundle = dir.path().join("导出.json");
    let out = bin().arg("--data").arg(&src).args(["--local", "export", "-o"]).arg(&bundle).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let compact = serde_json::to_vec(&serde_json::from_slice::<Value>(&std::fs::read(&bundle).unwrap()).unwrap()).unwrap();
    assert!(compact.len() > 16 << 20, "{} bytes", compact.len());
    // Through a server started on demand.
    let dst = dir.path().join("目标");
    let out = bin().arg("--data").arg(&dst).arg("import").arg(&bundle).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("720 个项目"), "{}", String::from_utf8_lossy(&out.stdout));
    let out = bin().arg("--data").arg(&dst).arg("check").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    // A command of 17 MiB that is not an import is refused before it is sent, naming the limit.
    let text = "问".repeat(6 << 20);
    let line = json!({"cmd": "record_finding", "project": "ZD21-06", "text": text, "category": "绩效意识不强", "severity": "一般"});
    let mut child = bin().arg("--data").arg(&dst).arg("exec").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("{line}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "refused", "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("超过上限 16 MiB") && message.contains("16 MiB limit"), "{message}");
    // The server started on demand: stopped by its pid (its socket's peer).
    let s = UnixStream::connect(dst.join("run/server.sock")).unwrap();
    unsafe { libc::kill(jixiao::server::peer::pid_of(&s).unwrap(), libc::SIGTERM) };
}

#[test]
fn a_server_started_for_idle_exit_still_exits_after_a_client_whose_request_panicked() {
    // The panicking client's thread used to keep the connected count up for ever.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let mut server = serve(&data, &["--idle-exit", "1"], &[("JIXIAO_TEST_PANIC_ON", "add_milestone")]);
    let client = Remote::connect(&data.join("run/server.sock")).unwrap().unwrap();
    let e = client.execute(&milestone("会触发崩溃的里程碑")).unwrap_err();
    assert_eq!(e.kind(), "internal", "{e}");
    drop(client);
    let start = Instant::now();
    assert!(eventually(5, || server.try_wait().unwrap().is_some()), "the server did not exit when idle");
    eprintln!("idle exit 1 s after the last client: exited {} ms after it left", start.elapsed().as_millis());
    let out = bin().arg("--data").arg(&data).args(["--local", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("会触发崩溃的里程碑"), "nothing was written");
}
