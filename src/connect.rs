//! Which backend a command uses: a running server (jixiao serve) when one listens on
//! `DATA/run/server.sock` and is the store's owner; for a personal store (a data dir of
//! ours, 0700) else one started on demand in the background (detached, like tmux; it exits a
//! minute after its last client leaves); in-process only with `--local`. A team store (a
//! data dir shared with a group) is served by its service alone: when none answers, the
//! member is told to start it.

use crate::backend::Backend;
use crate::domain::{Error, Result};
use crate::layout::Access;
use crate::remote::Remote;
pub use crate::server::Limits;
use crate::server::{LOCK, socket_path};
use crate::store::lock::DirLock;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static LOCAL_ONLY: AtomicBool = AtomicBool::new(false);

/// The systemd unit a team store's server runs as (README: "A shared store for the team").
pub const SERVICE_UNIT: &str = "jixiao";
/// How long a server started on demand waits for a client before it exits.
pub const IDLE_EXIT_SECS: u64 = 60;
/// Set in the environment of a server started on demand: a process started so that still
/// asks for a server (a program that is not jixiao but links it) must not start another.
const STARTED_ENV: &str = "JIXIAO_STARTED_SERVER";

/// `--local`: every command opens the store itself.
pub fn set_local_only(on: bool) {
    LOCAL_ONLY.store(on, Ordering::SeqCst);
}

/// The workbench's backend, as `open_backend`; in-process (`--local`) the deadline list is
/// filled in the background while the project list loads, as a server does when it starts.
pub fn open_for_workbench(data: &Path) -> Result<Box<dyn Backend>> {
    if LOCAL_ONLY.load(Ordering::SeqCst) {
        let local = crate::backend::Local::open(data)?.with_sealer(crate::archive::seal);
        local.warm_in_background();
        return Ok(Box::new(local));
    }
    Ok(Box::new(remote(data, true)?))
}

pub fn open_backend(data: &Path) -> Result<Box<dyn Backend>> {
    if LOCAL_ONLY.load(Ordering::SeqCst) {
        return Ok(Box::new(crate::backend::Local::open(data)?.with_sealer(crate::archive::seal)));
    }
    Ok(Box::new(remote(data, false)?))
}

/// A Remote on the data dir's server, started on demand; a dropped connection is redialled
/// the same way (a server killed meanwhile is started again). `listen`: the workbench, which
/// takes other users' commands as events.
fn remote(data: &Path, listen: bool) -> Result<Remote> {
    let stream = reach_server(data)?;
    let dir = data.to_path_buf();
    Remote::over(stream, listen, Box::new(move || reach_server(&dir)))
}

/// A connection to the store's server. A personal store's: a running one, else one started
/// in the background. A team store's (a data dir shared with a group): its service only.
fn reach_server(data: &Path) -> Result<std::os::unix::net::UnixStream> {
    let sock = socket_path(data);
    if let Some(s) = crate::remote::dial(&sock)? {
        return Ok(s);
    }
    if let Some(old) = older_server(data) {
        return Err(old);
    }
    match crate::layout::access(data)? {
        Access::Missing | Access::Personal => on_demand(data, &sock),
        Access::OwnTeam | Access::Member { .. } => service(data, &sock),
    }
}

/// The team's service. No member starts a server: files it made would be the member's, and
/// the service could not open them. A server restarting (systemd) or binding its socket again
/// is waited for a moment; one starting (its lock held: only the owner can tell) longer.
fn service(data: &Path, sock: &Path) -> Result<std::os::unix::net::UnixStream> {
    let wait = if DirLock::is_held(data, LOCK) { Duration::from_secs(10) } else { Duration::from_millis(1500) };
    let deadline = Instant::now() + wait;
    loop {
        if let Some(s) = crate::remote::dial(sock)? {
            return Ok(s);
        }
        if Instant::now() >= deadline {
            return Err(not_running(sock));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What a team member is told when no server answers.
fn not_running(sock: &Path) -> Error {
    let message = if crate::i18n::current() == crate::i18n::Lang::En {
        format!("the team store's server is not running: ask an admin to run systemctl start {SERVICE_UNIT}")
    } else {
        format!(
            "团队数据库的服务没有运行：请管理员执行 systemctl start {SERVICE_UNIT} (the team server is not running: ask an admin to start it)"
        )
    };
    Error::io(sock.display().to_string(), message)
}

/// A server of an older jixiao, listening on DATA/server.sock (where the socket was before
/// run/): it holds the store, so no new one can start; it must be stopped (nothing is said
/// to it, only its pid read).
fn older_server(data: &Path) -> Option<Error> {
    let old = data.join(crate::server::SOCKET);
    let stream = crate::server::via_short_path(&old, |p| std::os::unix::net::UnixStream::connect(p)).ok()?;
    let pid = crate::server::peer::pid_of(&stream).map(|p| p.to_string()).unwrap_or_else(|_| "?".into());
    let shown = old.display();
    Some(Error::Refused {
        message: format!(
            "旧版本的 jixiao 服务器仍在 {shown} 上运行（进程 {pid}）：请停止它（或重启服务），新版本的服务器在 run/server.sock (an older jixiao server still runs on {shown}, pid {pid}: stop it or restart the service)"
        ),
    })
}

/// A personal store's server: a running one, else one started in the background.
fn on_demand(data: &Path, sock: &Path) -> Result<std::os::unix::net::UnixStream> {
    crate::fsutil::create_private_dir(data)?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut started: Option<Instant> = None;
    loop {
        if let Some(s) = crate::remote::dial(sock)? {
            return Ok(s);
        }
        // No server answers and none is starting (it would hold server.lock). One we started
        // that is gone without answering (killed, or it lost the race to another client's)
        // is started again after a second.
        if !DirLock::is_held(data, LOCK) && started.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
            if let Some(holder) = held_by_another_process(data) {
                return Err(holder);
            }
            start_server(data)?;
            started = Some(Instant::now());
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(data.join("server.log")).unwrap_or_default();
            let last = log.lines().last().unwrap_or("").to_string();
            return Err(Error::io(sock.display().to_string(), format!("后台服务器没有启动 (no server came up): {last}；可加 --local")));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A store held by a process that is not a server (`--local`) is not ours to serve. Another
/// client checking the same way holds the lock for a moment only, and a server starting
/// takes server.lock: so the lock must stay held, by no server, for a while.
fn held_by_another_process(data: &Path) -> Option<Error> {
    let mut last = None;
    for _ in 0..5 {
        match DirLock::acquire(data) {
            Ok(_) => return None,
            Err(Error::Locked { dir, holder }) => {
                last = Some(Error::Locked { dir, holder: format!("{holder}；它不是 jixiao serve，不能共用 (not a server)") });
            }
            Err(_) => return None,
        }
        if DirLock::is_held(data, LOCK) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    last
}

/// `jixiao check`: the running server, which owns the store (never with `--local`); `None`
/// when no server runs and the store is free, so the caller scans it in a process of its
/// own instead of starting a server that would keep running on a store that may be damaged.
pub fn server_for_check(data: &Path) -> Result<Option<Box<dyn Backend>>> {
    if LOCAL_ONLY.load(Ordering::SeqCst) {
        return Ok(None);
    }
    let sock = socket_path(data);
    if crate::remote::dial(&sock)?.is_some() {
        return open_backend(data).map(Some);
    }
    if let Access::Member { .. } = crate::layout::access(data)? {
        // Another user's store: only its server may look into it.
        return Err(not_running(&sock));
    }
    if DirLock::is_held(data, LOCK) {
        // A server is starting: wait for it as every command does.
        return open_backend(data).map(Some);
    }
    if data.exists()
        && let Some(holder) = held_by_another_process(data)
    {
        return Err(holder);
    }
    Ok(None)
}

/// Starts `jixiao serve` in its own session, its output in DATA/server.log.
fn start_server(data: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::process::CommandExt;
    if std::env::var_os(STARTED_ENV).is_some() {
        return Err(Error::io("jixiao serve", "本进程由 jixiao 启动为服务器，不再启动另一个 (started as a server; not starting another)"));
    }
    let exe = std::env::current_exe().map_err(|e| Error::io("jixiao", e))?;
    let log_path = data.join("server.log");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&log_path)
        .map_err(|e| Error::io(log_path.display().to_string(), e))?;
    let err = log.try_clone().map_err(|e| Error::io(log_path.display().to_string(), e))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--data").arg(data).args(["serve", "--idle-exit", &IDLE_EXIT_SECS.to_string()]);
    cmd.env(STARTED_ENV, "1").stdin(std::process::Stdio::null()).stdout(log).stderr(err);
    // SAFETY: setsid is async-signal-safe and touches no memory of ours; it detaches the
    // server from the terminal (a closed SSH session does not hang it up).
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    cmd.spawn().map_err(|e| Error::io("jixiao serve", e))?;
    Ok(())
}

/// `jixiao serve`: this process becomes the store's server.
pub fn serve(data: &Path, idle_exit: Option<Duration>, limits: Limits) -> Result<i32> {
    crate::server::serve(data, idle_exit, limits)
}
