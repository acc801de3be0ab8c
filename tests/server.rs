//! The team server: clients through `jixiao serve`, identity from the socket's peer, events,
//! version mismatch, and the crash test (the server SIGKILLed again and again under four
//! clients that retry: every command stored exactly once).

use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.env_remove("LANG").env_remove("JIXIAO_DATA");
    c
}

/// `jixiao serve` on `data`, once its socket answers. Its log goes to a file: a pipe nobody
/// reads would stop the server once full.
fn serve(data: &Path) -> Child {
    use std::os::unix::fs::DirBuilderExt;
    use std::os::unix::fs::PermissionsExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(data).unwrap();
    // A data dir with more than jixiao's own files in it is not adopted: private from the start.
    std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).unwrap();
    let log = std::fs::File::create(data.join("serve-test.log")).unwrap();
    let child = bin().arg("--data").arg(data).arg("serve").stdout(Stdio::null()).stderr(log).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::os::unix::net::UnixStream::connect(data.join("run/server.sock")).is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn exec_lines(data: &Path, lines: &[String]) -> Vec<Value> {
    let mut child = bin().arg("--data").arg(data).arg("exec").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all((lines.join("\n") + "\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn milestone(title: &str) -> String {
    json!({"cmd": "add_milestone", "title": title, "kind": "其他", "due": "2026-12-31"}).to_string()
}

fn titles(data: &Path) -> HashMap<String, usize> {
    let out = bin().arg("--data").arg(data).arg("export").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut n = HashMap::new();
    for m in v["milestones"].as_array().unwrap() {
        *n.entry(m["title"].as_str().unwrap().to_string()).or_default() += 1;
    }
    n
}

#[test]
fn commands_through_the_server_are_audited_as_the_peer_and_a_stopped_server_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path());
    let r = exec_lines(dir.path(), &[milestone("第一轮绩效运行监控佐证材料报送（服务器）")]);
    assert_eq!(r[0]["ok"], true, "{r:?}");
    let out = bin().arg("--data").arg(dir.path()).arg("export").output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let me = jixiao::identity::current_user();
    assert_eq!(v["audit"].as_array().unwrap().last().unwrap()["actor"], me.as_str(), "the peer's uid, mapped to its name");
    // A personal store (its data dir 0700): the socket, in run/, is for its owner alone.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| std::fs::metadata(dir.path().join(p)).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode("run"), 0o700);
    assert_eq!(mode("run/server.sock"), 0o600);
    assert_eq!(mode("store"), 0o700);
    assert_eq!(mode("store/db"), 0o600);
    assert_eq!(mode("server.lock"), 0o600);
    // SIGTERM: a clean exit that removes the socket.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert!(server.wait().unwrap().success());
    assert!(!dir.path().join("run/server.sock").exists());
}

#[test]
fn a_client_of_another_protocol_is_told_what_to_do() {
    use jixiao::server::protocol::{Hello, HelloReply, read_frame, write_frame};
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path());
    let mut s = std::os::unix::net::UnixStream::connect(dir.path().join("run/server.sock")).unwrap();
    write_frame(&mut s, &Hello { protocol: 999, version: "9.9.9".into(), events: false }).unwrap();
    match read_frame::<HelloReply>(&mut s).unwrap() {
        Some(HelloReply::Refused { zh, en }) => {
            assert!(zh.contains("9.9.9") && zh.contains("jixiao serve"), "{zh}");
            assert!(en.contains("restart the server"), "{en}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_client_starts_a_server_on_demand_and_local_bypasses_it() {
    let dir = tempfile::tempdir().unwrap();
    let r = exec_lines(dir.path(), &[milestone("按需启动的服务器")]);
    assert_eq!(r[0]["ok"], true, "{r:?}");
    assert!(dir.path().join("run/server.sock").exists(), "a server was started in the background");
    // While it runs, --local cannot open the store, and says who holds it.
    let out = bin().arg("--data").arg(dir.path()).args(["--local", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("另一个 jixiao"), "{}", String::from_utf8_lossy(&out.stderr));
    // Removing its socket does not end it: it binds it again, and is reached as before.
    let pid = server_pid(dir.path()).expect("a server");
    std::fs::remove_file(dir.path().join("run/server.sock")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while server_pid(dir.path()).is_none() {
        assert!(Instant::now() < deadline, "the socket was not bound again");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server_pid(dir.path()), Some(pid), "the same server");
    let r = exec_lines(dir.path(), &[milestone("套接字重建之后")]);
    assert_eq!(r[0]["ok"], true, "{r:?}");
    // SIGTERM ends it; then --local opens the store.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = bin().arg("--data").arg(dir.path()).args(["--local", "check"]).output().unwrap();
        if out.status.success() {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_data_dir_deeper_than_a_socket_path_allows_is_served() {
    // A Unix socket path stops at 107 bytes; Chinese folder names pass that quickly.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("二〇二六年度预算绩效重点评价项目资料").join("财政局绩效评价科与第三方机构共享的数据目录");
    assert!(data.join("run/server.sock").as_os_str().len() > 108, "{}", data.display());
    let r = exec_lines(&data, &[milestone("深目录里的里程碑")]);
    assert_eq!(r[0]["ok"], true, "{r:?}");
    assert!(data.join("run/server.sock").exists(), "the server listens in the data dir itself");
    assert_eq!(titles(&data).get("深目录里的里程碑"), Some(&1), "a second client reaches the same server");
    let pid = server_pid(&data).expect("a server");
    unsafe { libc::kill(pid, libc::SIGTERM) };
}

#[test]
fn a_process_started_as_a_server_does_not_start_another() {
    // What a program linking jixiao (not the jixiao binary) would be when started "as the
    // server": it must fail, not start itself again and again.
    let dir = tempfile::tempdir().unwrap();
    let out = bin().arg("--data").arg(dir.path()).arg("due").env("JIXIAO_STARTED_SERVER", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不再启动另一个"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.path().join("run/server.sock").exists(), "no server was started");
}

/// The pid of the server answering on `data`'s socket (its peer credentials), if one answers.
fn server_pid(data: &Path) -> Option<i32> {
    let sock = data.join("run/server.sock");
    let s = jixiao::server::via_short_path(&sock, |p| std::os::unix::net::UnixStream::connect(p)).ok()?;
    jixiao::server::peer::pid_of(&s).ok()
}

#[test]
fn sigkill_ten_times_under_four_retrying_clients_stores_every_command_exactly_once() {
    // Four `jixiao exec` clients stream 500 commands each; the server (started on demand by
    // the clients) is SIGKILLed ten times during the run. A client whose connection drops
    // sends its command again with the same request id on a new connection, starting a new
    // server if none runs: whatever was applied before the kill is answered, not repeated.
    const CLIENTS: usize = 4;
    const COMMANDS: usize = 500;
    const KILLS: usize = 10;
    let start = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel::<std::result::Result<String, String>>();
    let mut children = vec![];
    let mut readers = vec![];
    for c in 0..CLIENTS {
        let mut child =
            bin().arg("--data").arg(&data).arg("exec").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let titles: Vec<String> = (0..COMMANDS).map(|i| format!("崩溃重试测试 客户端{c} 第{i}条 里程碑")).collect();
        let mut stdin = child.stdin.take().unwrap();
        let lines: Vec<String> = titles.iter().map(|t| milestone(t)).collect();
        std::thread::spawn(move || {
            for l in lines {
                if writeln!(stdin, "{l}").is_err() {
                    break;
                }
            }
        });
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            for (i, line) in stdout.lines().enumerate() {
                let Ok(line) = line else { break };
                let v: Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(if v["ok"] == true { Ok(titles[i].clone()) } else { Err(line) });
            }
        }));
        let stderr = BufReader::new(child.stderr.take().unwrap());
        readers.push(std::thread::spawn(move || {
            let retried = stderr.lines().map_while(|l| l.ok()).filter(|l| l.contains("已重试一次")).count();
            eprintln!("client {c}: {retried} retries announced");
        }));
        children.push(child);
    }
    drop(tx);
    let (mut acked, mut failed, mut kills) = (vec![], vec![], 0);
    let every = CLIENTS * COMMANDS / (KILLS + 1);
    for answer in rx.iter() {
        match answer {
            Ok(t) => acked.push(t),
            Err(line) => failed.push(line),
        }
        if kills < KILLS && acked.len() >= every * (kills + 1) {
            // Whichever server answers now: the clients started it, after the last kill.
            let deadline = Instant::now() + Duration::from_secs(20);
            let pid = loop {
                if let Some(pid) = server_pid(&data) {
                    break pid;
                }
                assert!(Instant::now() < deadline, "no server came up after kill {kills}");
                std::thread::sleep(Duration::from_millis(5));
            };
            unsafe { libc::kill(pid, libc::SIGKILL) };
            kills += 1;
        }
    }
    for r in readers {
        r.join().unwrap();
    }
    for mut child in children {
        child.wait().unwrap();
    }
    let stored = titles(&data);
    let twice: Vec<_> = stored.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "applied twice: {twice:?}");
    for t in &acked {
        assert_eq!(stored.get(t), Some(&1), "acknowledged “{t}” is stored once");
    }
    let log = std::fs::read_to_string(data.join("server.log")).unwrap_or_default();
    let replayed = log.lines().filter(|l| l.contains("was applied before")).count();
    eprintln!(
        "crash test: {kills} kills, {} of {} acknowledged, {} failed, {} stored, none twice, {replayed} retries answered from the first try, {:.1} s; failures: {:?}",
        acked.len(),
        CLIENTS * COMMANDS,
        failed.len(),
        stored.len(),
        start.elapsed().as_secs_f64(),
        failed.iter().take(3).collect::<Vec<_>>()
    );
    assert_eq!(kills, KILLS);
    // Nearly every command gets through: only one cut off twice in a row may fail.
    assert!(acked.len() + failed.len() == CLIENTS * COMMANDS && failed.len() <= KILLS * CLIENTS, "{failed:?}");
    if let Some(pid) = server_pid(&data) {
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
}

#[test]
fn an_open_workbench_shows_another_clients_change_within_a_second() {
    use jixiao::backend::Backend;
    use jixiao::tui::app::{App, Cx};
    let dir = tempfile::tempdir().unwrap();
    let out = bin().arg("--data").arg(dir.path()).args(["--local", "demo", "--seed-only"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut server = serve(dir.path());
    let remote = jixiao::remote::Remote::connect(&dir.path().join("run/server.sock")).unwrap().expect("a server");
    let keymap = jixiao::tui::keymap::Keymap::builtin();
    let drafts = jixiao::tui::draft::Drafts::disabled();
    let cx = Cx {
        backend: &remote,
        lang: jixiao::i18n::Lang::Zh,
        today: remote.today(),
        keymap: &keymap,
        drafts: &drafts,
        data: None,
        ambiguous: Default::default(),
    };
    let mut app = App::new(Box::new(jixiao::tui::screens::project_list::ProjectList::new(&cx)));
    let draw = |app: &App| {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
        t.draw(|f| app.draw(f, &cx)).unwrap();
        format!("{:?}", t.backend().buffer())
    };
    assert!(!draw(&app).contains("融媒体运行经费"));
    // Our own command is not an "other user's" change.
    remote.execute(&serde_json::from_value(json!({"cmd": "set_phase", "project": "ZD21-06", "phase": "评分"})).unwrap()).unwrap();
    assert!(!app.on_remote(&cx));

    let r = exec_lines(dir.path(), &[json!({"cmd": "update_project", "project": "ZD21-01", "name": "融媒体运行经费"}).to_string()]);
    assert_eq!(r[0]["ok"], true, "{r:?}");
    let start = Instant::now();
    while !app.on_remote(&cx) {
        assert!(start.elapsed() < Duration::from_secs(1), "no event within a second");
        std::thread::sleep(Duration::from_millis(10));
    }
    let screen = draw(&app);
    assert!(screen.contains("融") && screen.contains("刚刚修改项目"), "{screen}");
    let list = jixiao::backend::Fetch::project(&remote, "ZD21-01").unwrap();
    assert_eq!(list.name, "融媒体运行经费");
    // The server's kept list was renewed by the other client's command, and `check` (run in
    // the server) finds its kept lists equal to the trees.
    let rows = jixiao::backend::Fetch::project_list(&remote).unwrap();
    assert_eq!(rows.iter().find(|r| r.code == "ZD21-01").unwrap().name, "融媒体运行经费");
    let out = bin().arg("--data").arg(dir.path()).arg("check").output().unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("检查通过"), "{}", String::from_utf8_lossy(&out.stdout));
    server.kill().unwrap();
    server.wait().unwrap();
}
