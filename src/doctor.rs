//! `jixiao doctor`: what a data dir is and whether it is sound, each finding with its fix.
//! Owner, group and modes of the data dir and every part of it (`crate::layout`), personal
//! or team store, the socket and the user of the process serving it, the locks and who holds
//! them, free space, sled's unfinished snapshots. The printing is `cli/doctor.rs`'s; the
//! store's own health is `jixiao check`'s, run from there.

use crate::identity::{euid, user_or_uid};
use crate::layout::{Inspection, Issue, Kind, Stat};
use crate::server::{LOCK, socket_path, via_short_path};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Free space under this is a warning, under `FAIL_BELOW` a failure: sled needs room for its
/// snapshots, and a full disk stops every command.
pub const WARN_BELOW: u64 = 1 << 30;
pub const FAIL_BELOW: u64 = 100 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    /// Worth knowing; nothing to do.
    Note,
    /// Sound, but not for long or not for everyone.
    Warn,
    /// Not sound: doctor exits 1.
    Fail,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub level: Level,
    pub text: String,
    /// What to run or do.
    pub fix: Option<String>,
}

/// Everything doctor found.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// The layout's issues, which `--fix` applies.
    pub issues: Vec<Issue>,
    /// Unfinished snapshots no process is writing (the store's lock is free), which `--fix` removes.
    pub leftovers: Vec<PathBuf>,
    /// A server answered as the store's owner: the store's health is asked of it.
    pub served: bool,
    /// Something stops the store from being opened here (the data dir missing, an unsafe
    /// layout): the health check is left until it is fixed.
    pub blocked: bool,
    /// This user owns the data dir: with no server running, the store can be checked here.
    pub owner_here: bool,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Fail)
    }

    fn push(&mut self, level: Level, text: String, fix: Option<String>) {
        self.findings.push(Finding { level, text, fix });
    }
}

/// The fix when the socket cannot be reached: join the team's group.
fn join_group(group: &str) -> String {
    format!("只有组 {group} 的成员能连接：usermod -aG {group} 用户名，重新登录 (only members of {group} reach it)")
}

fn describe(path: &Path, s: &Stat) -> String {
    format!("{}：所有者 {}，组 {}，权限 {:04o}", path.display(), s.owner(), s.group(), s.mode)
}

/// Looks at everything it may; never fails (what it cannot see is a finding).
pub fn inspect(data: &Path) -> Report {
    let mut r = Report::default();
    let ins = match crate::layout::inspect(data) {
        Ok(ins) => ins,
        Err(e) => {
            let (text, fix) = match std::fs::metadata(data) {
                Err(io) if io.kind() == std::io::ErrorKind::NotFound => (
                    format!("数据目录 {} 不存在 (no data dir)", data.display()),
                    "个人数据库：任何 jixiao 命令都会创建它；团队数据库：按 README 的“A shared store for the team”设置 (see the README's team setup)".to_string(),
                ),
                Err(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                    (crate::layout::no_access(data, io).to_string(), "请管理员把你加入团队的组 (ask an admin to add you to the team's group)".into())
                }
                _ => (
                    format!("数据目录看不了 (cannot look at the data dir)：{e}"),
                    "检查 --data 指向的路径和你对它上级目录的权限 (check the path and your access to its parents)".into(),
                ),
            };
            r.push(Level::Fail, text, Some(fix));
            r.blocked = true;
            return r;
        }
    };
    let me = euid();
    r.owner_here = ins.data.uid == me;
    let mut line = format!("数据目录 {}：{}", describe(data, &ins.data), ins.kind.label());
    if ins.kind == Kind::Team {
        // Group bits make a team store; on a store of one's own they are a slip of chmod.
        line.push_str(&format!("；若是个人数据库 (if it is yours alone)：chmod 700 {}", data.display()));
    }
    r.push(level_of(&ins, data), line, None);
    // Root sees and mends everything; anyone else but the owner sees part.
    if ins.data.uid != me && me != 0 {
        r.push(
            Level::Note,
            format!(
                "你是 {}，不是数据库的所有者 {}：所有者的文件你看不到，也不能修复 (you are not the store's owner: run doctor as {})",
                user_or_uid(me),
                ins.data.owner(),
                ins.data.owner()
            ),
            None,
        );
    }
    ancestors(data, &ins, &mut r);
    parts(data, &ins, &mut r);
    for issue in &ins.issues {
        r.push(if issue.blocks { Level::Fail } else { Level::Warn }, issue.zh.clone(), Some(issue.command()));
        r.blocked |= issue.blocks;
    }
    r.issues = ins.issues.clone();
    socket(data, &ins, &mut r);
    locks(data, &mut r);
    free_space(data, &mut r);
    leftovers(data, &mut r);
    r
}

/// The directories above the data dir: whoever may rename or replace an entry in one of
/// them could put a data dir of their own in its place, whose run/ and socket they own, and
/// clients would take their server for the store's (they check the server against the
/// owner of what they find). So each must be root's or the owner's, and writable by no one
/// else unless sticky (/tmp).
fn ancestors(data: &Path, ins: &Inspection, r: &mut Report) {
    let Ok(real) = std::fs::canonicalize(data) else { return };
    for dir in real.ancestors().skip(1) {
        let Ok(s) = Stat::of(dir) else { continue };
        let foreign = s.uid != 0 && s.uid != ins.data.uid;
        let writable = s.mode & 0o022 != 0 && s.mode & 0o1000 == 0;
        if !(foreign || writable) {
            continue;
        }
        let (who, fix) = if foreign {
            (format!("属于用户 {} (owned by {})", s.owner(), s.owner()), format!("chown root {}", crate::layout::quote(dir)))
        } else {
            (format!("权限 {:04o}，别人可写 (writable by others)", s.mode), format!("chmod go-w {}", crate::layout::quote(dir)))
        };
        r.push(
            Level::Warn,
            format!("上级目录 {} {who}：能改它的人能把数据目录换成自己的 (whoever can change it can replace the data dir)", dir.display()),
            Some(fix),
        );
    }
}

/// A part's line is as bad as the worst issue found with it (whose own line names the fix).
fn level_of(ins: &Inspection, path: &Path) -> Level {
    let issues = ins.issues.iter().filter(|i| i.path == path);
    issues.map(|i| if i.blocks { Level::Fail } else { Level::Warn }).max().unwrap_or(Level::Ok)
}

/// run/, store/, attachments/ and the private files: owner, group and mode of each.
fn parts(data: &Path, ins: &Inspection, r: &mut Report) {
    let run = data.join(crate::layout::RUN_DIR);
    match ins.run {
        Some(s) => r.push(level_of(ins, &run), describe(&run, &s), None),
        None if ins.hidden.contains(&run) => r.push(Level::Note, format!("{}：看不到 (cannot look)", run.display()), None),
        None => r.push(Level::Note, format!("{}：还没有，服务器启动时创建 (made when the server starts)", run.display()), None),
    }
    let names = crate::layout::PRIVATE_DIRS.iter().chain(crate::layout::PRIVATE_FILES.iter());
    for name in names {
        let path = data.join(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) => {
                let s = Stat { uid: m.uid(), gid: m.gid(), mode: m.mode() & 0o7777 };
                let hidden = if ins.hidden.contains(&path) { "；内容只有所有者能看 (only the owner looks inside)" } else { "" };
                r.push(level_of(ins, &path), format!("{}{hidden}", describe(&path, &s)), None);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => r.push(Level::Note, format!("{}：看不到 (cannot look)：{e}", path.display()), None),
        }
    }
}

/// The socket, and who serves it.
fn socket(data: &Path, ins: &Inspection, r: &mut Report) {
    let sock = socket_path(data);
    let shown = sock.display().to_string();
    let start = format!("systemctl start {}", crate::connect::SERVICE_UNIT);
    let not_running = |r: &mut Report, why: &str| match ins.kind {
        Kind::Team => r.push(
            Level::Fail,
            format!("{shown}：{why}：团队数据库的服务没有运行 (the team server is not running)"),
            Some(format!("{start}（以 root 运行 (as root)）")),
        ),
        Kind::Personal => r.push(
            Level::Note,
            format!("{shown}：{why}：没有服务器在运行，下一条命令会按需启动 (no server: the next command starts one)"),
            None,
        ),
    };
    let meta = match std::fs::symlink_metadata(&sock) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return not_running(r, "不存在 (no socket)"),
        Err(e) => {
            return r.push(Level::Fail, format!("{shown}：看不到 (cannot look)：{e}"), Some(join_group(&ins.data.group())));
        }
    };
    let s = Stat { uid: meta.uid(), gid: meta.gid(), mode: meta.mode() & 0o7777 };
    let want = ins.kind.socket_mode();
    let level = if s.mode == want && (ins.kind == Kind::Personal || s.gid == ins.data.gid) { Level::Ok } else { Level::Warn };
    let fix =
        (level == Level::Warn).then(|| format!("重启服务，它会重建套接字（{want:04o}，组 {}）(restart the server)", ins.data.group()));
    r.push(level, describe(&sock, &s), fix);
    let stream = match via_short_path(&sock, |p| std::os::unix::net::UnixStream::connect(p)) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return not_running(r, "无人应答，是上次留下的 (stale: nothing answers)");
        }
        Err(e) => {
            return r.push(Level::Fail, format!("{shown}：连不上 (cannot connect)：{e}"), Some(join_group(&ins.data.group())));
        }
    };
    let (Ok(uid), Ok(pid)) = (crate::server::peer::uid_of(&stream), crate::server::peer::pid_of(&stream)) else {
        return r.push(Level::Fail, format!("{shown}：读不到服务进程的身份 (no peer credentials)"), None);
    };
    drop(stream);
    let (server, owner) = (user_or_uid(uid), ins.data.owner());
    if uid == ins.data.uid {
        r.served = true;
        r.push(Level::Ok, format!("服务器在运行：进程 {pid}，用户 {server}，是数据库的所有者 (the server is the store's owner)"), None);
    } else {
        r.push(
            Level::Fail,
            format!("{shown} 由用户 {server}（进程 {pid}）提供，不是数据库的所有者 {owner}：客户端会拒绝连接 (served by {server}, not by the store's owner {owner})"),
            Some(format!("停止进程 {pid}，删除 {shown}，再 {start} (stop it, remove the socket, start the service)")),
        );
    }
}

/// Who holds the store's lock and the server's.
fn locks(data: &Path, r: &mut Report) {
    for name in ["store.lock", LOCK] {
        let path = data.join(name);
        let (level, text) = match std::fs::File::open(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Level::Ok, format!("{name}：没有 (none yet)")),
            Err(_) => (Level::Note, format!("{name}：只有所有者能看谁持有 (only the owner can tell who holds it)")),
            Ok(_) if !crate::store::lock::DirLock::is_held(data, name) => (Level::Ok, format!("{name}：空闲 (free)")),
            Ok(_) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = if holder.trim().is_empty() { "pid unknown".to_string() } else { holder.trim().to_string() };
                (Level::Ok, format!("{name}：由 {holder} 持有 (held)"))
            }
        };
        r.push(level, format!("锁 (lock) {text}"), None);
    }
}

/// Free bytes for an unprivileged writer on the data dir's file system.
pub fn free_bytes(path: &Path) -> std::io::Result<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: statvfs writes into the zeroed struct we own; the path is NUL-terminated.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut st) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 30 { format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64) } else { format!("{} MiB", bytes >> 20) }
}

fn free_space(data: &Path, r: &mut Report) {
    match free_bytes(data) {
        Ok(free) if free < FAIL_BELOW => r.push(
            Level::Fail,
            format!("剩余空间只有 {} (free space {} under 100 MiB)：命令随时会因磁盘已满而失败", size_text(free), size_text(free)),
            Some("腾出空间 (free some space)".into()),
        ),
        Ok(free) if free < WARN_BELOW => r.push(
            Level::Warn,
            format!("剩余空间只有 {} (free space under 1 GiB)", size_text(free)),
            Some("腾出空间 (free some space)".into()),
        ),
        Ok(free) => r.push(Level::Ok, format!("剩余空间 {} (free space)", size_text(free)), None),
        Err(e) => r.push(Level::Note, format!("剩余空间查不到 (free space unknown)：{e}"), None),
    }
}

/// sled's `snap.*.generating` in store/: unfinished snapshots (a full disk, a crash). While a
/// process holds the store one may be being written, so only a free store's are leftovers.
fn leftovers(data: &Path, r: &mut Report) {
    let store = data.join("store");
    let Ok(entries) = std::fs::read_dir(&store) else { return };
    let found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("snap.") && n.ends_with(".generating")))
        .collect();
    if found.is_empty() {
        return r.push(Level::Ok, format!("{}：没有未写完的快照 (no unfinished sled snapshots)", store.display()), None);
    }
    let list: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
    if crate::store::lock::DirLock::is_held(data, "store.lock") {
        return r.push(
            Level::Note,
            format!("{}：服务器可能正在写这个快照 (a snapshot the running server may be writing)", list.join("、")),
            None,
        );
    }
    r.push(
        Level::Fail,
        format!("{}：sled 没写完的快照（磁盘写满或断电时留下）(unfinished sled snapshots)", list.join("、")),
        Some("jixiao doctor --fix 删除；下次打开数据库时也会自动删除 (removed by --fix, or on the next open)".into()),
    );
    r.leftovers = found;
}

/// One thing `--fix` did or could not do.
pub struct Fixed {
    pub what: String,
    pub error: Option<String>,
}

/// Applies the layout's fixes and removes leftover snapshots (while the store is free).
pub fn fix(data: &Path, report: &Report) -> Vec<Fixed> {
    let mut done = vec![];
    for issue in &report.issues {
        let error = issue.apply().err().map(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied => format!("{e}：以所有者或 root 运行 (run as the owner or root)"),
            _ => e.to_string(),
        });
        done.push(Fixed { what: issue.command(), error });
    }
    for path in &report.leftovers {
        // Checked again: a server may have started since.
        if crate::store::lock::DirLock::is_held(data, "store.lock") {
            done.push(Fixed {
                what: format!("rm {}", crate::layout::quote(path)),
                error: Some("数据库正被使用 (the store is in use)".into()),
            });
            continue;
        }
        let error = std::fs::remove_file(path).err().map(|e| e.to_string());
        done.push(Fixed { what: format!("rm {}", crate::layout::quote(path)), error });
    }
    done
}
