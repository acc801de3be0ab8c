//! `jixiao serve`: one process owns the store (sled allows one per store) and serves the
//! team's clients on `DATA/run/server.sock`, a thread per client. Each client is the OS user on
//! the other end of the socket (SO_PEERCRED), never a name it claims. Every command is
//! applied and flushed before it is acknowledged, then broadcast as an Event to the clients
//! that listen for events. SIGTERM/SIGINT: stop accepting, shut idle clients out, let the
//! commands in flight finish, flush, remove the socket. `server.lock` is held for the
//! server's life, so a socket left by a killed server is known to be stale and replaced;
//! one removed while it runs is bound again. The server owns every file of the store and
//! makes each with its mode whatever the umask (`crate::layout`).
//!
//! No input stops it: a panic while handling a request is caught and answered as an error
//! (`conn.rs`), and every client's bounds (frame size, half-sent frames, idle connections,
//! connections per user and in all) are `Limits`.

pub mod conn;
pub mod peer;
pub mod protocol;

use crate::backend::Local;
use crate::domain::{Error, Result};
use protocol::{Event, HelloReply, write_frame};
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const SOCKET: &str = "server.sock";
pub const LOCK: &str = "server.lock";

/// DATA/run/server.sock: in a directory only the store's owner writes (`crate::layout`).
pub fn socket_path(data: &Path) -> PathBuf {
    data.join(crate::layout::RUN_DIR).join(SOCKET)
}

/// A Unix socket's path may not pass 107 bytes, and a deep data directory with Chinese
/// names (3 bytes a character) passes that quickly: a longer path is reached through an
/// open descriptor of its directory (/proc/self/fd/N/server.sock) for the bind or connect.
pub fn via_short_path<T>(path: &Path, f: impl FnOnce(&Path) -> std::io::Result<T>) -> std::io::Result<T> {
    use std::os::fd::AsRawFd;
    const FITS: usize = 100;
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return f(path) };
    if path.as_os_str().len() <= FITS {
        return f(path);
    }
    let d = std::fs::File::open(dir)?;
    let short = PathBuf::from(format!("/proc/self/fd/{}", d.as_raw_fd())).join(name);
    let out = f(&short);
    drop(d);
    out
}

/// What a server bounds, each refused with the limit named. The defaults are for a team;
/// `jixiao serve` takes each as a flag (tests shorten the timeouts).
#[derive(Debug, Clone)]
pub struct Limits {
    /// A frame (and the hello) must arrive whole within this once begun: a client that
    /// stalls mid-frame holds a thread and a buffer for no longer.
    pub frame_timeout: Duration,
    /// A connection with no request for this long is closed, unless it listens for events
    /// (a workbench open on a screen). Its client reconnects on its next request.
    pub idle_timeout: Duration,
    /// Connections of one OS user: a team member has a workbench or two and some scripts.
    pub per_user: usize,
    /// Connections in all: each holds a descriptor and a thread or two.
    pub total: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { frame_timeout: Duration::from_secs(30), idle_timeout: Duration::from_secs(600), per_user: 64, total: 512 }
    }
}

/// How many refused connections are answered at once; beyond that they are closed unanswered
/// (a flood of connections must not become a flood of threads).
const MAX_REFUSING: usize = 16;

/// One connected client.
struct Client {
    uid: u32,
    stream: Arc<UnixStream>,
    /// Where its events go, when it listens for them (bounded: a client that stops reading
    /// is dropped, not buffered for).
    events: Option<SyncSender<Event>>,
}

/// What every client thread shares.
struct Shared {
    local: Local,
    limits: Limits,
    clients: Mutex<HashMap<u64, Client>>,
    in_flight: AtomicUsize,
    stopping: AtomicBool,
    /// A bulk frame (an import bundle) is being read or applied: one at a time.
    bulk: AtomicBool,
    refusing: AtomicUsize,
}

/// A client's place among the connected: dropping it (however its thread ends, a panic
/// included) frees the place, so the count that idle exit and the connection limits read
/// stays right.
struct Seat {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.shared.clients().remove(&self.id);
    }
}

/// A request being handled: counted until dropped, so a stop waits for it, panic or not.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(n: &'a AtomicUsize) -> Self {
        n.fetch_add(1, Ordering::SeqCst);
        InFlight(n)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Shared {
    /// The client list; a panic elsewhere while it was held (nothing in it can panic, but
    /// a poisoned lock must never wedge the server) does not stop its use.
    fn clients(&self) -> MutexGuard<'_, HashMap<u64, Client>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn connected(&self) -> usize {
        self.clients().len()
    }

    fn broadcast(&self, event: Event) {
        let mut clients = self.clients();
        for (id, c) in clients.iter_mut() {
            let Some(tx) = &c.events else { continue };
            match tx.try_send(event.clone()) {
                Ok(()) => {}
                // A client this far behind has stopped reading: drop it rather than hold
                // events for it without end. Its workbench reconnects on its next request.
                Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                    eprintln!("jixiao serve: client {id}: not reading its events; disconnected");
                    let _ = c.stream.shutdown(std::net::Shutdown::Both);
                    c.events = None;
                }
            }
        }
    }

    /// A place for a new connection of user `uid`, or why not (zh, en).
    fn admit(self: &Arc<Self>, id: u64, uid: u32, stream: Arc<UnixStream>) -> std::result::Result<Seat, (String, String)> {
        let mut clients = self.clients();
        let (total, per_user) = (self.limits.total, self.limits.per_user);
        if clients.len() >= total {
            return Err((
                format!(
                    "服务器的连接数已达上限 {total} 个 (connection limit: {total} in all)：请稍后重试，或请管理员调整 jixiao serve --max-connections"
                ),
                format!(
                    "the server has reached its limit of {total} connections: retry later, or ask the admin to raise jixiao serve --max-connections"
                ),
            ));
        }
        if clients.values().filter(|c| c.uid == uid).count() >= per_user {
            return Err((
                format!(
                    "你的连接数已达上限：每个用户最多 {per_user} 个 (connection limit: {per_user} per user)：关闭不用的 jixiao 窗口或脚本后重试"
                ),
                format!(
                    "you have reached the limit of {per_user} connections per user: close jixiao windows or scripts you do not use, then retry"
                ),
            ));
        }
        clients.insert(id, Client { uid, stream, events: None });
        Ok(Seat { shared: self.clone(), id })
    }
}

/// Raises the soft limit on open descriptors to the hard one (a connection holds one), and
/// says how many the server may have open.
fn raise_descriptor_limit() -> u64 {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit read and write one rlimit struct we own.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        let want = lim.rlim_max.min(1 << 20);
        if want > lim.rlim_cur {
            let raised = libc::rlimit { rlim_cur: want, rlim_max: lim.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = want;
            }
        }
    }
    lim.rlim_cur
}

/// Why the server's main loop ended.
enum Ended {
    Signal(i32),
    Idle,
    /// The data dir is gone (a temporary one deleted, or replaced): nothing left to serve.
    DataGone,
}

/// The listening socket at DATA/run/server.sock, and which file it is (a removed or replaced
/// socket file is noticed and bound again).
struct Bound {
    listener: Arc<UnixListener>,
    retired: Arc<AtomicBool>,
    file: (u64, u64),
}

impl Bound {
    /// Binds the socket, run/ made first if it is gone, with the layout's modes and group.
    fn new(data: &Path, kind: crate::layout::Kind) -> Result<Bound> {
        use std::os::unix::fs::MetadataExt;
        crate::layout::prepare_run(data, kind)?;
        let path = socket_path(data);
        let shown = path.display().to_string();
        // We hold server.lock: a socket here was left by a server that died, or put there by
        // someone who could write run/ (the owner, root): ours replaces it.
        let _ = std::fs::remove_file(&path);
        let listener = via_short_path(&path, |p| UnixListener::bind(p)).map_err(|e| Error::io(&shown, e))?;
        if kind == crate::layout::Kind::Team {
            crate::layout::give_group(&path, data)?;
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(kind.socket_mode())).map_err(|e| Error::io(&shown, e))?;
        let m = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&shown, e))?;
        Ok(Bound { listener: Arc::new(listener), retired: Arc::new(AtomicBool::new(false)), file: (m.dev(), m.ino()) })
    }

    /// True while the socket file at `path` is still the one this listener is bound to.
    fn still_there(&self, path: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).is_ok_and(|m| (m.dev(), m.ino()) == self.file)
    }

    /// Starts the thread that accepts on it.
    fn accept_in_background(&self, shared: &Arc<Shared>) {
        let (shared, listener, retired) = (shared.clone(), self.listener.clone(), self.retired.clone());
        std::thread::spawn(move || accept_loop(&shared, &listener, &retired));
    }

    /// Ends its accepting thread: shutting a listening socket wakes a blocked accept.
    fn retire(&self) {
        use std::os::fd::AsRawFd;
        self.retired.store(true, Ordering::SeqCst);
        // SAFETY: shutdown on a descriptor the listener owns and keeps open.
        unsafe { libc::shutdown(self.listener.as_raw_fd(), libc::SHUT_RDWR) };
    }
}

fn now_text() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S%:z").to_string()
}

/// Runs the server until a termination signal, or until it has had no client for `idle`
/// (a server started on demand by a client), or until its data dir is removed. Its socket
/// file removed or replaced is bound again (and logged), so no one else's socket can stand in
/// for it while it runs. Exit code 0 after SIGTERM, SIGINT or idle exit only: a supervisor
/// (systemd's Restart=on-failure) restarts it after anything else.
pub fn serve(data: &Path, idle: Option<Duration>, limits: Limits) -> Result<i32> {
    crate::layout::private_umask();
    crate::fsutil::create_private_dir(data)?;
    let kind = crate::layout::check_for_open(data)?;
    let _server_lock = crate::store::lock::DirLock::acquire_named(data, LOCK).map_err(|e| match e {
        Error::Locked { dir, holder } => {
            Error::Locked { dir, holder: format!("{holder}; jixiao serve 已在运行 (a server already runs)") }
        }
        other => other,
    })?;
    let local = open_store(data)?;
    // Made here, the owner's: a member's client that made it first would own it.
    crate::fsutil::create_private_dir(&crate::attachments::dir(data))?;
    // The data dir this server holds: one deleted and made again at the same path is
    // another store (whose lock we do not hold), not ours to serve.
    let same_dir = {
        use std::os::unix::fs::MetadataExt;
        let ours = std::fs::metadata(data).map(|m| (m.dev(), m.ino())).map_err(|e| Error::io(data.display().to_string(), e))?;
        move || std::fs::metadata(data).is_ok_and(|m| m.is_dir() && (m.dev(), m.ino()) == ours)
    };
    let path = socket_path(data);
    let mut bound = Bound::new(data, kind)?;
    crate::signals::install_signal_handlers().map_err(|e| Error::io("signals", e))?;
    log_panics_briefly();
    let mut limits = limits;
    // Descriptors for the store, the log and the listener first; a connection takes one.
    let fit = usize::try_from(raise_descriptor_limit().saturating_sub(128)).unwrap_or(usize::MAX);
    if fit < limits.total {
        eprintln!("jixiao serve: {fit} connections at most (RLIMIT_NOFILE), not {}", limits.total);
        limits.total = fit;
    }
    eprintln!("jixiao serve: {} {} (pid {}, {})", now_text(), path.display(), std::process::id(), kind.label());

    let shared = Arc::new(Shared {
        local,
        limits,
        clients: Mutex::new(HashMap::new()),
        in_flight: AtomicUsize::new(0),
        stopping: AtomicBool::new(false),
        bulk: AtomicBool::new(false),
        refusing: AtomicUsize::new(0),
    });
    shared.local.warm_in_background();
    // Accepting blocks in its own thread, so a client is answered at once; this thread
    // watches for signals, idleness and the socket file.
    bound.accept_in_background(&shared);
    let mut idle_since = Instant::now();
    let mut last_check = Instant::now();
    // A socket that cannot be bound again is logged once until it can.
    let mut rebind_failing = false;
    let ended = loop {
        if let Some(sig) = crate::signals::take_signal() {
            break Ended::Signal(sig);
        }
        std::thread::sleep(Duration::from_millis(20));
        if shared.connected() > 0 {
            idle_since = Instant::now();
        } else if idle.is_some_and(|d| idle_since.elapsed() >= d) {
            break Ended::Idle;
        }
        if last_check.elapsed() < Duration::from_millis(200) {
            continue;
        }
        last_check = Instant::now();
        if !same_dir() {
            break Ended::DataGone;
        }
        if !bound.still_there(&path) {
            // Removed (by hand, by a cleanup job) or replaced: bound again, so clients keep
            // reaching this server and no other process can answer in its place.
            match Bound::new(data, kind) {
                Ok(fresh) => {
                    bound.retire();
                    bound = fresh;
                    bound.accept_in_background(&shared);
                    rebind_failing = false;
                    eprintln!(
                        "jixiao serve: {} 套接字 {} 被删除或替换，已重建 (socket removed or replaced: recreated)",
                        now_text(),
                        path.display()
                    );
                }
                Err(e) if !rebind_failing => {
                    rebind_failing = true;
                    eprintln!("jixiao serve: {} socket gone, not bound again yet: {}", now_text(), e.render(crate::i18n::Lang::En));
                }
                Err(_) => {}
            }
        }
    };
    shared.stopping.store(true, Ordering::SeqCst);
    // Idle clients must not hold the stop: their sockets are shut for reading, so their
    // threads end at once; a command in flight still finishes and is answered.
    for c in shared.clients().values() {
        let _ = c.stream.shutdown(std::net::Shutdown::Read);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while shared.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    shared.local.store().flush()?;
    if bound.still_there(&path) {
        let _ = std::fs::remove_file(&path);
    }
    match ended {
        Ended::Signal(libc::SIGTERM | libc::SIGINT) | Ended::Idle => Ok(0),
        Ended::Signal(sig) => {
            eprintln!("jixiao serve: {} signal {sig}: stopped; exit {}", now_text(), 128 + sig);
            Ok(128 + sig)
        }
        Ended::DataGone => {
            Err(Error::io(data.display().to_string(), "数据目录已被删除，服务器退出 (the data dir was removed: the server stops)"))
        }
    }
}

/// A caught panic is logged in one line (where, and what); the first one with its backtrace
/// too. A client that sends thousands of bad requests must not fill the disk with traces.
fn log_panics_briefly() {
    static TRACED: AtomicBool = AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("?");
        let what = info.payload().downcast_ref::<&str>().copied().or_else(|| info.payload().downcast_ref::<String>().map(|s| s.as_str()));
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("jixiao serve: thread '{name}' panicked at {at}: {}", what.unwrap_or("panic"));
        if !TRACED.swap(true, Ordering::SeqCst) {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
    }));
}

/// Opens the store. We hold server.lock, so a process holding store.lock is a client that
/// is checking, for a moment, whether the store is free before starting us: wait for it.
fn open_store(data: &Path) -> Result<Local> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match crate::backend::Local::open(data).map(|l| l.with_sealer(crate::archive::seal)) {
            Err(Error::Locked { .. }) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            other => return other,
        }
    }
}

fn accept_loop(shared: &Arc<Shared>, listener: &UnixListener, retired: &AtomicBool) {
    // Client ids go on across listeners (a socket bound again starts another loop).
    static NEXT_CLIENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    for stream in listener.incoming() {
        if retired.load(Ordering::SeqCst) {
            return;
        }
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // Out of descriptors (EMFILE) leaves the connection waiting: pause, do not spin.
                eprintln!("jixiao serve: accept: {e}");
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let Ok(uid) = peer::uid_of(&stream) else { continue };
        let id = NEXT_CLIENT.fetch_add(1, Ordering::SeqCst) + 1;
        let stream = Arc::new(stream);
        match shared.admit(id, uid, stream.clone()) {
            Ok(seat) => {
                let s = shared.clone();
                // If the thread cannot start, the closure and its seat are dropped: the place is freed.
                let started = std::thread::Builder::new().name(format!("client-{id}")).spawn(move || conn::run(&s, seat, &stream));
                if let Err(e) = started {
                    eprintln!("jixiao serve: client {id}: no thread: {e}");
                }
            }
            Err((zh, en)) => refuse(shared, stream, zh, en),
        }
    }
}

/// Tells a connection over a limit why, in a short-lived thread (it reads the client's hello
/// first, so the client reads the answer instead of a reset connection).
fn refuse(shared: &Arc<Shared>, stream: Arc<UnixStream>, zh: String, en: String) {
    if shared.refusing.fetch_add(1, Ordering::SeqCst) >= MAX_REFUSING {
        shared.refusing.fetch_sub(1, Ordering::SeqCst);
        return;
    }
    struct Done(Arc<Shared>);
    impl Drop for Done {
        fn drop(&mut self) {
            self.0.refusing.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let done = Done(shared.clone());
    let _ = std::thread::Builder::new().name("refuse".into()).spawn(move || {
        let _done = done;
        let tick = Duration::from_millis(200);
        let _ = stream.set_read_timeout(Some(tick));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
        let deadline = Some(Instant::now() + Duration::from_secs(1));
        let _ = protocol::read_frame_limited::<serde_json::Value>(&mut &*stream, protocol::MAX_HELLO, deadline);
        let _ = write_frame(&mut &*stream, &HelloReply::Refused { zh, en });
        let _ = stream.shutdown(std::net::Shutdown::Both);
    });
}
