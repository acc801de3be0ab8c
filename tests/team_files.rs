//! Issue 18: a team store nobody can spoof, rewrite or read from outside. The README's team
//! recipe is followed word for word (its shell blocks and its systemd unit, with this test's
//! names and a temporary /srv), with real OS users made by useradd: the service user jx_svc,
//! the lead jx_a, the member jx_b, the observer jx_c, and jx_out outside the group. Needs root
//! (CI runs as root); skipped with a message elsewhere. The tests at the end need no root:
//! modes whatever the umask, a data dir open to others refused with its fix, doctor.

use serde_json::Value;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_jixiao");
const GROUP: &str = "jxfiles";
const SVC: &str = "jx_svc";
const LEAD: &str = "jx_a";
const MEMBER: &str = "jx_b";
const OBSERVER: &str = "jx_c";
const OUTSIDER: &str = "jx_out";

fn root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A user's ids as `id` gives them (after the recipe put them in the group).
#[derive(Clone)]
struct User {
    uid: u32,
    gid: u32,
    groups: Vec<u32>,
}

fn user(name: &str) -> User {
    let id = |flag: &str| ok(Command::new("id").arg(flag).arg(name));
    User {
        uid: id("-u").trim().parse().unwrap(),
        gid: id("-g").trim().parse().unwrap(),
        groups: id("-G").split_whitespace().map(|g| g.parse().unwrap()).collect(),
    }
}

fn gid_of(group: &str) -> u32 {
    ok(Command::new("getent").args(["group", group])).split(':').nth(2).unwrap().parse().unwrap()
}

/// `cmd` run as `u` (groups, gid, uid set in the child before exec), with `umask` if given,
/// in a plain environment (no LANG: messages in Chinese).
fn as_user(cmd: &mut Command, u: &User, gid: Option<u32>, umask: Option<u32>) {
    let (uid, gid, groups) = (u.uid, gid.unwrap_or(u.gid), u.groups.clone());
    cmd.env_clear().env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").env("HOME", "/nonexistent").current_dir("/");
    // SAFETY: only async-signal-safe calls (setgroups, setgid, setuid, umask) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setgroups(groups.len(), groups.as_ptr()) != 0 || libc::setgid(gid) != 0 || libc::setuid(uid) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(m) = umask {
                libc::umask(m);
            }
            Ok(())
        });
    }
}

/// Runs a program as a user.
fn run_as(name: &str, program: &str, args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    as_user(&mut cmd, &user(name), None, None);
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{program} as {name}: {e}"));
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// jixiao --data DATA ARGS as a user.
fn jixiao(name: &str, data: &Path, args: &[&str], stdin: &str) -> Output {
    let data = data.to_str().unwrap();
    let all: Vec<&str> = ["--data", data].into_iter().chain(args.iter().copied()).collect();
    run_as(name, BIN, &all, stdin)
}

/// The README's fenced blocks of `lang` in the team section, in order.
fn readme_blocks(lang: &str) -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("## A shared store for the team").expect("the README's team section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut blocks = vec![];
    let mut current: Option<Vec<String>> = None;
    for line in section.lines() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(l)) if l == lang => current = Some(vec![]),
            (Some(_), Some("")) => blocks.extend(current.take()),
            (Some(b), None) => b.push(line.to_string()),
            _ => {}
        }
    }
    blocks
}

/// The recipe's names and paths replaced by this test's, one word at a time.
struct Names {
    srv: PathBuf,
}

impl Names {
    fn word(&self, w: &str, member: &str) -> String {
        match w {
            "jixiao-team" => GROUP.into(),
            "jixiao" => SVC.into(),
            "zhangsan" => member.into(),
            _ if w.starts_with("/srv/jixiao") => format!("{}{}", self.srv.display(), &w["/srv/jixiao".len()..]),
            _ => w.into(),
        }
    }

    /// A recipe line as words, its comment dropped.
    fn words(&self, line: &str, member: &str) -> Vec<String> {
        let code = line.split('#').next().unwrap_or("");
        code.split_whitespace().map(|w| self.word(w, member)).collect()
    }
}

/// The unit's [Service] section as the test starts it: systemd's User=, Group=, UMask= and
/// ExecStart= (its binary this build's).
struct Unit {
    user: String,
    group: String,
    umask: u32,
    exec: Vec<String>,
    journal: PathBuf,
}

impl Unit {
    fn parse(lines: &[String], names: &Names, journal: PathBuf) -> Unit {
        let get = |key: &str| {
            lines.iter().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("the unit has no {key}=")).to_string()
        };
        assert_eq!(get("Restart"), "on-failure", "the unit restarts the server after a failure");
        let mut exec = names.words(&get("ExecStart"), "");
        assert_eq!(exec[0], "/usr/local/bin/jixiao");
        exec[0] = BIN.into();
        Unit {
            user: names.word(&get("User"), ""),
            group: names.word(&get("Group"), ""),
            umask: u32::from_str_radix(&get("UMask"), 8).unwrap(),
            exec,
            journal,
        }
    }

    /// `systemctl start`: the server as the unit's user and group, its output in the journal.
    fn start(&self, umask: Option<u32>) -> Child {
        let journal = std::fs::OpenOptions::new().create(true).append(true).open(&self.journal).unwrap();
        let mut cmd = Command::new(&self.exec[0]);
        cmd.args(&self.exec[1..]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(journal);
        as_user(&mut cmd, &user(&self.user), Some(gid_of(&self.group)), Some(umask.unwrap_or(self.umask)));
        cmd.spawn().unwrap()
    }

    fn journal(&self) -> String {
        std::fs::read_to_string(&self.journal).unwrap_or_default()
    }
}

/// Waits until the server answers on its socket (root reaches it); panics with the journal
/// if it ends first.
fn wait_up(server: &mut Child, data: &Path, unit: &Unit) {
    let sock = data.join("run/server.sock");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::os::unix::net::UnixStream::connect(&sock).is_err() {
        if let Some(status) = server.try_wait().unwrap() {
            panic!("the server ended ({status:?}):\n{}", unit.journal());
        }
        assert!(Instant::now() < deadline, "the server did not come up:\n{}", unit.journal());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stop(mut server: Child, sig: i32) -> std::process::ExitStatus {
    // SAFETY: kill on the pid of our own child.
    unsafe { libc::kill(server.id() as i32, sig) };
    server.wait().unwrap()
}

fn stat(p: &Path) -> (String, String, u32) {
    let m = std::fs::symlink_metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (jixiao::identity::user_or_uid(m.uid()), jixiao::identity::group_name(m.gid()), m.mode() & 0o7777)
}

/// Makes the users the recipe does not: the team's and the outsider; the service user and
/// the group are the recipe's own, removed first so it runs as written.
fn fresh_users() {
    for u in [SVC] {
        if Command::new("id").arg(u).output().is_ok_and(|o| o.status.success()) {
            let out = Command::new("userdel").arg(u).output().unwrap();
            assert!(out.status.success(), "userdel {u} (a process of {u} still running?): {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let _ = Command::new("groupdel").arg(GROUP).output();
    for u in [LEAD, MEMBER, OBSERVER, OUTSIDER] {
        if !Command::new("id").arg(u).output().is_ok_and(|o| o.status.success()) {
            ok(Command::new("useradd").args(["-M", "-s", "/bin/sh", u]));
        }
    }
}

/// A process of `as` listening at `sock` (bound by root, then setuid before listen, so its
/// peer credentials are `as`'s): `sleep` holding the listening socket.
fn stand_in(sock: &Path, u: &User) -> Child {
    use std::os::unix::ffi::OsStrExt;
    let bytes = sock.as_os_str().as_bytes().to_vec();
    // SAFETY: a zeroed sockaddr_un is valid; the path is shorter than sun_path (checked).
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    assert!(bytes.len() < addr.sun_path.len(), "{}", sock.display());
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in addr.sun_path.iter_mut().zip(&bytes) {
        *d = *s as libc::c_char;
    }
    let cpath = std::ffi::CString::new(bytes).unwrap();
    let (uid, gid) = (u.uid, u.gid);
    let mut cmd = Command::new("sleep");
    cmd.arg("60");
    // SAFETY: only syscalls between fork and exec; the listening descriptor (no CLOEXEC)
    // stays open in sleep.
    unsafe {
        cmd.pre_exec(move || {
            let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
            let len = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
            if fd < 0 || libc::bind(fd, (&addr as *const libc::sockaddr_un).cast(), len) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::lchown(cpath.as_ptr(), uid, gid) != 0
                || libc::chmod(cpath.as_ptr(), 0o666) != 0
                || libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(gid) != 0
                || libc::setuid(uid) != 0
                || libc::listen(fd, 16) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.spawn().unwrap()
}

fn exec_line(name: &str, data: &Path, line: &str) -> Value {
    let out = jixiao(name, data, &["exec"], &format!("{line}\n"));
    serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("null"))
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
}

#[test]
fn the_readme_team_recipe_makes_a_store_nobody_can_spoof_rewrite_or_read_from_outside() {
    if !root() {
        assert!(std::env::var_os("CI").is_none(), "CI must run this test as root");
        eprintln!("skipped: this test creates OS users; run it as root");
        return;
    }
    fresh_users();
    let tmp = tempfile::tempdir().unwrap();
    // The users must pass through the temp dir to reach /srv.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let names = Names { srv: tmp.path().join("srv/jixiao") };
    let data = tmp.path().join("srv/jixiao/data");
    let sock = data.join("run/server.sock");
    let sh = readme_blocks("sh");
    let ini = readme_blocks("ini");
    assert_eq!((sh.len(), ini.len()), (2, 1), "the team section has the setup block, the unit and the start block");

    // The setup, word for word: the member line once for each of the team.
    for line in &sh[0] {
        let members: &[&str] = if line.contains("zhangsan") { &[LEAD, MEMBER, OBSERVER] } else { &[""] };
        for m in members {
            let words = names.words(line, m);
            if words.is_empty() {
                continue;
            }
            ok(Command::new(&words[0]).args(&words[1..]));
        }
    }
    let unit = Unit::parse(&ini[0], &names, tmp.path().join("journal.log"));
    assert_eq!((unit.user.as_str(), unit.group.as_str()), (SVC, GROUP));
    assert_eq!(stat(&data), (SVC.into(), GROUP.into(), 0o710));

    // The start block: systemctl starts the unit; sudo -u runs jixiao as the user named.
    let mut server: Option<Child> = None;
    for line in &sh[1] {
        let words: Vec<&str> = line.split('#').next().unwrap_or("").split_whitespace().collect();
        match words.as_slice() {
            [] | ["systemctl", "daemon-reload"] => {}
            ["systemctl", "enable", "--now", "jixiao"] => {
                let mut s = unit.start(None);
                wait_up(&mut s, &data, &unit);
                server = Some(s);
            }
            ["sudo", "-u", who, "jixiao", args @ ..] => {
                let args: Vec<String> = args.iter().map(|w| names.word(w, LEAD)).collect();
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = run_as(&names.word(who, LEAD), BIN, &args, "");
                assert!(out.status.success(), "{line}:\n{}", text(&out));
                if args.last() == Some(&"doctor") {
                    let said = text(&out);
                    assert!(said.contains("团队数据库") && said.contains("是数据库的所有者") && said.contains("数据目录完好"), "{said}");
                }
            }
            other => panic!("a line the test does not know how to follow: {other:?}"),
        }
    }
    let mut server = server.expect("the start block starts the service");

    // Who owns what, and the modes: the service user owns every file.
    assert_eq!(stat(&data.join("run")), (SVC.into(), GROUP.into(), 0o2750));
    assert_eq!(stat(&sock), (SVC.into(), GROUP.into(), 0o660));
    for (p, mode) in [("store", 0o700), ("store/db", 0o600), ("attachments", 0o700), ("store.lock", 0o600), ("server.lock", 0o600)] {
        let (owner, _, m) = stat(&data.join(p));
        assert_eq!((owner.as_str(), m), (SVC, mode), "{p}");
    }

    // The lead, the member and the observer each work through the service; the audit names them.
    let create = format!(
        r#"{{"cmd":"create_project","code":"TF26-01","name":"2026年度乡村振兴衔接资金绩效评价","kind":"项目支出","fiscal_year":2026,"unit":"农业农村局","amount":"500","lead":"{LEAD}","members":["{MEMBER}"]}}"#
    );
    let v = exec_line(LEAD, &data, &create);
    assert_eq!(v["ok"], true, "{v}");
    let team = format!(r#"{{"cmd":"set_team","project":"TF26-01","lead":"{LEAD}","members":["{MEMBER}"],"observers":["{OBSERVER}"]}}"#);
    assert_eq!(exec_line(LEAD, &data, &team)["ok"], true);
    let v = exec_line(MEMBER, &data, r#"{"cmd":"update_project","project":"TF26-01","name":"乡村振兴衔接资金（成员改）"}"#);
    assert_eq!(v["ok"], true, "{v}");
    let v = exec_line(OBSERVER, &data, r#"{"cmd":"update_project","project":"TF26-01","name":"观察员改"}"#);
    assert_eq!(v["error"]["kind"], "forbidden", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains(OBSERVER), "{v}");
    let out = jixiao(OBSERVER, &data, &["due", "--format", "json"], "");
    assert!(out.status.success(), "the observer reads: {}", text(&out));
    // Two members attach evidence, each after the other used the store first: the files go
    // through the socket and the service writes them (members cannot write DATA at all).
    for (who, name) in [(MEMBER, "成员的资金拨付凭证.pdf"), (LEAD, "组长的验收报告.pdf")] {
        let home = tempfile::tempdir().unwrap();
        std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = home.path().join(name);
        std::fs::write(&file, format!("{who} 的佐证材料").repeat(2000)).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let finding = format!(
            r#"{{"cmd":"record_finding","project":"TF26-01","text":"{who} 发现资金拨付滞后","category":"资金使用不规范","severity":"一般","amount":null,"indicators":[],"publish":false,"evidence":[{{"path":"{}"}}]}}"#,
            file.display()
        );
        let v = exec_line(who, &data, &finding);
        assert_eq!(v["ok"], true, "{who} attaches evidence: {v}");
        let (_, sha) = jixiao::attachments::hash_file(&file).unwrap();
        let (owner, _, m) = stat(&data.join("attachments").join(&sha));
        assert_eq!((owner.as_str(), m), (SVC, 0o600), "{who}'s evidence is the service's file");
    }

    let out = jixiao(LEAD, &data, &["export", "--project", "TF26-01"], "");
    assert!(out.status.success(), "{}", text(&out));
    let bundle: Value = serde_json::from_slice(&out.stdout).unwrap();
    let actors: Vec<(String, String)> = bundle["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["actor"].as_str().unwrap().to_string(), a["command"].as_str().unwrap().to_string()))
        .collect();
    assert!(actors.iter().any(|(a, c)| a == LEAD && c.contains("create_project")), "{actors:?}");
    assert!(actors.iter().any(|(a, c)| a == MEMBER && c.contains("成员改")), "{actors:?}");

    // A member can neither remove nor replace the socket, nor put anything beside it.
    let out = run_as(MEMBER, "rm", &["-f", sock.to_str().unwrap()], "");
    assert!(!out.status.success() && text(&out).contains("Permission denied"), "{}", text(&out));
    let out = run_as(MEMBER, "ln", &["-sf", "/tmp/elsewhere.sock", sock.to_str().unwrap()], "");
    assert!(!out.status.success() && text(&out).contains("Permission denied"), "{}", text(&out));
    let out = run_as(MEMBER, "touch", &[data.join("run/x").to_str().unwrap()], "");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(sock.exists());

    // A member can neither read nor write the store's files, nor open it with --local.
    for args in [vec!["cat", data.join("store/db").to_str().unwrap()], vec!["ls", data.join("store").to_str().unwrap()]] {
        let out = run_as(MEMBER, args[0], &args[1..], "");
        assert!(!out.status.success() && text(&out).contains("Permission denied"), "{args:?}: {}", text(&out));
    }
    let out = run_as(MEMBER, "sh", &["-c", &format!("echo 改写 >> '{}'", data.join("store/db").display())], "");
    assert!(!out.status.success(), "{}", text(&out));
    let out = jixiao(MEMBER, &data, &["--local", "export"], "");
    assert!(!out.status.success() && text(&out).contains(&format!("属于用户 {SVC}")), "{}", text(&out));

    // Outside the group: nothing, not even the socket, and told why.
    let out = run_as(OUTSIDER, "ls", &[data.to_str().unwrap()], "");
    assert!(!out.status.success() && text(&out).contains("Permission denied"), "{}", text(&out));
    let out = jixiao(OUTSIDER, &data, &["export"], "");
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("Permission denied") && said.contains(&format!("只有组 {GROUP} 的成员")), "{said}");
    assert!(!said.contains("TF26-01"));

    // The service survives its socket's removal: bound again, and the next client is served.
    std::fs::remove_file(&sock).unwrap();
    let removed = Instant::now();
    let out = jixiao(LEAD, &data, &["due"], "");
    assert!(out.status.success(), "{}", text(&out));
    eprintln!("socket removed: a client was served again after {:?}", removed.elapsed());
    assert!(removed.elapsed() < Duration::from_secs(2), "{:?}", removed.elapsed());
    assert!(server.try_wait().unwrap().is_none(), "the server still runs");
    assert!(unit.journal().contains("已重建"), "the journal says so: {}", unit.journal());
    assert_eq!(stat(&sock), (SVC.into(), GROUP.into(), 0o660));

    // SIGTERM: exit 0. Then a stand-in socket served by the member is refused by the lead.
    assert_eq!(stop(server, libc::SIGTERM).code(), Some(0));
    assert!(!sock.exists());
    let mut fake = stand_in(&sock, &user(MEMBER));
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::os::unix::net::UnixStream::connect(&sock).is_err() {
        assert!(Instant::now() < deadline, "the stand-in did not listen");
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = jixiao(LEAD, &data, &["exec"], r#"{"cmd":"update_project","project":"TF26-01","name":"冒充"}"#);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains(&format!("由用户 {MEMBER} 提供，不是数据库的所有者 {SVC}：拒绝连接")), "{said}");
    let out = jixiao(SVC, &data, &["doctor"], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(&format!("由用户 {MEMBER}")), "doctor names the stand-in: {}", text(&out));
    fake.kill().unwrap();
    fake.wait().unwrap();
    std::fs::remove_file(&sock).unwrap();

    // No server: a member is told to start the service, and starts none of their own.
    let out = jixiao(MEMBER, &data, &["due"], "");
    assert!(!out.status.success() && text(&out).contains("systemctl start jixiao"), "{}", text(&out));
    assert!(!sock.exists(), "no server was started by the member");
    let mut foreign = vec![];
    let member_uid = user(MEMBER).uid;
    for entry in walk(&data) {
        if std::fs::symlink_metadata(&entry).unwrap().uid() == member_uid {
            foreign.push(entry);
        }
    }
    assert!(foreign.is_empty(), "files of the member: {foreign:?}");

    // Whatever the umask (0000 here): the same modes. Killed by a signal other than TERM or
    // INT: not a success (systemd restarts it); SIGHUP: exit 129.
    let mut server = unit.start(Some(0));
    wait_up(&mut server, &data, &unit);
    assert_eq!(stat(&sock).2, 0o660);
    assert_eq!(stat(&data.join("run")).2, 0o2750);
    let status = stop(server, libc::SIGKILL);
    assert!(!status.success() && status.signal() == Some(libc::SIGKILL), "{status:?}");
    let mut server = unit.start(None);
    wait_up(&mut server, &data, &unit);
    assert_eq!(stop(server, libc::SIGHUP).code(), Some(129));
    let mut server = unit.start(None);
    wait_up(&mut server, &data, &unit);

    // Doctor is sound; the data dir made 0775 by hand is named with its fix; the server
    // restarted refuses the store; doctor --fix fixes it.
    let out = jixiao(SVC, &data, &["doctor"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = jixiao(MEMBER, &data, &["doctor"], "");
    assert!(text(&out).contains("是数据库的所有者"), "a member's doctor: {}", text(&out));
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o775)).unwrap();
    let out = jixiao(SVC, &data, &["doctor"], "");
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("0775") && said.contains(&format!("chmod 0750 {}", data.display())), "{said}");
    assert_eq!(stop(server, libc::SIGTERM).code(), Some(0));
    let server = unit.start(None);
    let status = wait_for_exit(server);
    assert!(!status.success(), "{status:?}");
    let journal = unit.journal();
    assert!(journal.contains("0775") && journal.contains(&format!("chmod 0750 {}", data.display())), "{journal}");
    let out = jixiao(SVC, &data, &["doctor", "--fix"], "");
    assert!(text(&out).contains(&format!("[已修复] chmod 0750 {}", data.display())), "{}", text(&out));
    assert_eq!(stat(&data).2, 0o750);
    let mut server = unit.start(None);
    wait_up(&mut server, &data, &unit);
    let out = jixiao(SVC, &data, &["doctor"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("数据目录完好"), "{}", text(&out));
    assert_eq!(stop(server, libc::SIGTERM).code(), Some(0));
}

fn wait_for_exit(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("it did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.to_path_buf()];
    if std::fs::symlink_metadata(root).is_ok_and(|m| m.is_dir()) {
        for e in std::fs::read_dir(root).unwrap() {
            out.extend(walk(&e.unwrap().path()));
        }
    }
    out
}

fn bin() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("LANG").env_remove("JIXIAO_DATA");
    c
}

/// Every path under `data` but the socket, with its mode.
fn modes(data: &Path) -> Vec<(String, u32)> {
    use std::os::unix::fs::FileTypeExt;
    walk(data)
        .into_iter()
        .filter(|p| !std::fs::symlink_metadata(p).unwrap().file_type().is_socket())
        .map(|p| (p.strip_prefix(data).unwrap().display().to_string(), std::fs::symlink_metadata(&p).unwrap().mode() & 0o7777))
        .collect()
}

#[test]
fn a_store_made_under_umask_0000_is_its_owners_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let mut cmd = bin();
    cmd.arg("--data").arg(&data).args(["--local", "exec"]).stdin(Stdio::piped()).stdout(Stdio::piped());
    // SAFETY: umask only sets the child's file mode creation mask.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        "{\"cmd\":\"add_milestone\",\"title\":\"全年绩效自评报送\",\"kind\":\"其他\",\"due\":\"2026-12-31\"}\n".as_bytes(),
    )
    .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    // And a server started under umask 0000 too.
    let mut cmd = bin();
    cmd.arg("--data").arg(&data).arg("serve").stderr(Stdio::null());
    // SAFETY: as above.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let server = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::os::unix::net::UnixStream::connect(data.join("run/server.sock")).is_err() {
        assert!(Instant::now() < deadline, "no server");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(std::fs::metadata(data.join("run/server.sock")).unwrap().mode() & 0o777, 0o600);
    let open: Vec<_> = modes(&data).into_iter().filter(|(_, m)| m & 0o077 != 0).collect();
    assert!(open.is_empty(), "open to others: {open:?}");
    assert_eq!(stop(server, libc::SIGTERM).code(), Some(0));
}

#[test]
fn a_data_dir_open_to_others_is_refused_with_the_chmod_that_fixes_it_and_doctor_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("数据");
    let exec = |args: &[&str]| bin().arg("--data").arg(&data).args(args).output().unwrap();
    // A new data dir made by mkdir (0755 under umask 0022) is made private when the store is made.
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(exec(&["--local", "due"]).status.success());
    assert_eq!(std::fs::metadata(&data).unwrap().mode() & 0o7777, 0o700);
    // Loose modes inside a private data dir were reachable by no one: tightened on open.
    std::fs::set_permissions(data.join("store/db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(exec(&["--local", "due"]).status.success());
    assert_eq!(std::fs::metadata(data.join("store/db")).unwrap().mode() & 0o777, 0o600);

    // A store's data dir opened to others afterwards: refused, naming the chmod.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let fix = format!("chmod 0700 '{}'", data.display());
    for args in [&["--local", "export"][..], &["export"][..]] {
        let out = exec(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("0755") && said.contains(&fix) && said.contains("jixiao doctor --fix"), "{args:?}: {said}");
    }
    // A store file open to the group in a team store: refused too.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o710)).unwrap();
    std::fs::set_permissions(data.join("store/db"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = exec(&["--local", "export"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains(&format!("chmod -R go-rwx '{}'", data.join("store").display())), "{said}");

    // doctor names both and fixes both; then it is sound (a personal store again).
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = exec(&["doctor"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains(&fix) && said.contains("go-rwx"), "{said}");
    let leftover = data.join("store/snap.00000000000ABCDE.generating");
    std::fs::write(&leftover, b"").unwrap();
    let out = exec(&["doctor"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("没写完的快照"), "{}", String::from_utf8_lossy(&out.stdout));
    let out = exec(&["doctor", "--fix"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("[已修复]") && said.contains("数据目录完好") && said.contains("个人数据库"), "{said}");
    assert!(!leftover.exists());
    assert_eq!(std::fs::metadata(&data).unwrap().mode() & 0o7777, 0o700);
    assert_eq!(std::fs::metadata(data.join("store/db")).unwrap().mode() & 0o777, 0o600);
    let out = exec(&["doctor"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // A home directory given as --data by mistake is never adopted.
    let home = dir.path().join("家目录");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join("笔记.txt"), "个人文件").unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = bin().arg("--data").arg(&home).args(["--local", "due"]).output().unwrap();
    assert!(!out.status.success(), "refused, not chmodded");
    assert_eq!(std::fs::metadata(&home).unwrap().mode() & 0o7777, 0o755);
}

#[test]
fn a_server_of_an_older_jixiao_on_data_server_sock_is_named_and_a_writable_parent_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    // Under a directory anyone may write: doctor warns, naming the chmod.
    let open = dir.path().join("公共目录");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let data = open.join("数据");
    assert!(bin().arg("--data").arg(&data).args(["--local", "due"]).output().unwrap().status.success());
    let out = bin().arg("--data").arg(&data).arg("doctor").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "a warning, not a failure: {said}");
    assert!(said.contains("[注意] 上级目录") && said.contains(&format!("chmod go-w '{}'", open.display())), "{said}");
    // A server of the version before run/ still listening where the socket used to be.
    let old = std::os::unix::net::UnixListener::bind(data.join("server.sock")).unwrap();
    let out = bin().arg("--data").arg(&data).arg("due").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("旧版本的 jixiao 服务器仍在") && said.contains(&format!("进程 {}", std::process::id())), "{said}");
    drop(old);
}
