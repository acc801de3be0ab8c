//! Three team members at their terminals, as three OS users (made with useradd), in tmux,
//! on one store served by `jixiao serve`: the lead and a member edit the same project and
//! each sees the other's change within a second; the audit log names who did what; the
//! observer's edit is refused on screen with the role it needs. Needs root (CI runs as root).
//! And a second terminal on the demo `jixiao demo` opened is served by the same server.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const GROUP: &str = "jxteam";
const LEAD: &str = "jx_zhang";
const MEMBER: &str = "jx_li";
const OBSERVER: &str = "jx_zhao";
const SOCK: &str = "jixiao-team-test";

fn sh(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn ensure_users() {
    let _ = Command::new("groupadd").arg("-f").arg(GROUP).status();
    for u in [LEAD, MEMBER, OBSERVER] {
        if Command::new("id").arg(u).output().map(|o| o.status.success()).unwrap_or(false) {
            continue;
        }
        sh(Command::new("useradd").args(["-M", "-s", "/bin/sh", "-G", GROUP, u]));
    }
}

fn tmux(args: &[&str]) -> String {
    sh(Command::new("tmux").arg("-L").arg(SOCK).args(args))
}

fn screen(window: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", &format!("team:{window}")])
}

/// Waits until the window shows `text`; returns how long it took.
fn wait_for(window: &str, text: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let s = screen(window);
        if s.contains(text) {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "{window} never showed “{text}”:\n{s}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn keys(window: &str, keys: &[&str]) {
    for k in keys {
        tmux(&["send-keys", "-t", &format!("team:{window}"), k]);
        std::thread::sleep(Duration::from_millis(60));
    }
}

fn literal(window: &str, text: &str) {
    tmux(&["send-keys", "-t", &format!("team:{window}"), "-l", text]);
    std::thread::sleep(Duration::from_millis(60));
}

fn jixiao(data: &Path, args: &[&str]) -> String {
    sh(Command::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(data).args(args))
}

/// Opens the project list filtered to ZD21-06 and the edit form on it.
fn edit_form(window: &str) {
    keys(window, &["/"]);
    literal(window, "人口普查");
    keys(window, &["Enter", "e"]);
    wait_for(window, "项目名称", Duration::from_secs(5));
}

#[test]
fn three_users_share_one_store_through_the_server() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let tmux_ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !(root && tmux_ok) {
        // CI runs as root with tmux (.ci/run installs it); a developer's plain `cargo test` may not.
        assert!(std::env::var_os("CI").is_none(), "CI must run this test as root with tmux installed");
        eprintln!("skipped: this test creates OS users and drives tmux; run it as root with tmux installed");
        return;
    }
    ensure_users();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    jixiao(&data, &["--local", "demo", "--seed-only"]);
    let team = format!(r#"{{"cmd":"set_team","project":"ZD21-06","lead":"{LEAD}","members":["{MEMBER}"],"observers":["{OBSERVER}"]}}"#);
    let exec = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(&data)
        .args(["--local", "exec"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut exec = exec;
        exec.stdin.take().unwrap().write_all(team.as_bytes()).unwrap();
        let out = exec.wait_with_output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"ok\":true"), "{}", String::from_utf8_lossy(&out.stdout));
    }
    // The team's data dir (README: "A shared store for the team"), owned here by root as the
    // service user: 0710 for the group, which reaches only the socket the server puts in
    // run/ (2750, the data dir's group). The members pass through the temp dir.
    sh(Command::new("chmod").arg("0755").arg(dir.path()));
    sh(Command::new("chgrp").arg(GROUP).arg(&data));
    sh(Command::new("chmod").arg("0710").arg(&data));
    let mut server = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(&data)
        .arg("serve")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::os::unix::net::UnixStream::connect(data.join("run/server.sock")).is_err() {
        assert!(Instant::now() < deadline, "no server");
        std::thread::sleep(Duration::from_millis(10));
    }

    let _ = Command::new("tmux").args(["-L", SOCK, "kill-server"]).stderr(std::process::Stdio::null()).status();
    let bin = env!("CARGO_BIN_EXE_jixiao");
    let run_as = |u: &str| format!("su {u} -s /bin/sh -c 'LANG=C.UTF-8 {bin} --data {}'; sleep 30", data.display());
    tmux(&["new-session", "-d", "-s", "team", "-n", "lead", "-x", "120", "-y", "40", &run_as(LEAD)]);
    tmux(&["new-window", "-t", "team", "-n", "member", &run_as(MEMBER)]);
    tmux(&["new-window", "-t", "team", "-n", "observer", &run_as(OBSERVER)]);
    for w in ["lead", "member", "observer"] {
        tmux(&["resize-window", "-t", &format!("team:{w}"), "-x", "120", "-y", "40"]);
        wait_for(w, "ZD21-06", Duration::from_secs(10));
    }

    // The lead renames the project; the member sees it within a second.
    edit_form("lead");
    literal("lead", "（组长改）");
    keys("lead", &["C-s"]);
    let seen = wait_for("member", &format!("{LEAD} 刚刚修改项目"), Duration::from_secs(1));
    eprintln!("the member saw the lead's change after {seen:?}");

    // The member edits the same project; the lead sees it within a second.
    edit_form("member");
    literal("member", "（成员改）");
    keys("member", &["C-s"]);
    let seen = wait_for("lead", &format!("{MEMBER} 刚刚修改项目"), Duration::from_secs(1));
    eprintln!("the lead saw the member's change after {seen:?}");

    // The observer's edit is refused on screen, naming the role it needs.
    edit_form("observer");
    literal("observer", "（观察员改）");
    keys("observer", &["C-s"]);
    wait_for("observer", "观察员", Duration::from_secs(2));
    let s = screen("observer");
    assert!(s.contains(OBSERVER) && s.contains("项目组成员"), "{s}");

    // The audit log names each user for their own change.
    let bundle: serde_json::Value = serde_json::from_str(&jixiao(&data, &["export", "--project", "ZD21-06"])).unwrap();
    let renames: Vec<(String, String)> = bundle["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["command"].as_str().unwrap().contains("update_project"))
        .map(|a| (a["actor"].as_str().unwrap().to_string(), a["command"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(renames.len(), 2, "{renames:?}");
    assert!(renames[0].0 == LEAD && renames[0].1.contains("组长改"), "{renames:?}");
    assert!(renames[1].0 == MEMBER && renames[1].1.contains("成员改"), "{renames:?}");
    assert_eq!(bundle["projects"][0]["name"], "2020年度人口普查工作经费（组长改）（成员改）");

    let _ = Command::new("tmux").args(["-L", SOCK, "kill-server"]).status();
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_second_terminal_shares_the_demo_the_first_one_opened() {
    // `jixiao demo` seeds in-process, then its workbench goes through a server: another
    // process on the same directory is served too, not told the store is held.
    if !Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("CI").is_none(), "CI must have tmux installed");
        eprintln!("skipped: needs tmux");
        return;
    }
    const DEMO_SOCK: &str = "jixiao-demo-test";
    let t = |args: &[&str]| sh(Command::new("tmux").arg("-L").arg(DEMO_SOCK).args(args));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let _ = Command::new("tmux").args(["-L", DEMO_SOCK, "kill-server"]).stderr(std::process::Stdio::null()).status();
    let cmd = format!("LANG=C.UTF-8 {} --data {} demo; sleep 30", env!("CARGO_BIN_EXE_jixiao"), data.display());
    t(&["new-session", "-d", "-s", "demo", "-x", "120", "-y", "40", &cmd]);
    let wait = |text: &str| {
        let start = Instant::now();
        loop {
            let s = t(&["capture-pane", "-p", "-t", "demo"]);
            if s.contains(text) {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "the demo never showed “{text}”:\n{s}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait("ZD21-06");
    let mut exec = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(&data)
        .arg("exec")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let line = r#"{"cmd":"update_project","project":"ZD21-06","name":"人口普查经费（第二终端）"}"#;
        exec.stdin.take().unwrap().write_all(line.as_bytes()).unwrap();
    }
    let out = exec.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ok\":true"), "{}", String::from_utf8_lossy(&out.stderr));
    wait("人口普查经费（第二终端）");
    let _ = Command::new("tmux").args(["-L", DEMO_SOCK, "kill-server"]).status();
}
