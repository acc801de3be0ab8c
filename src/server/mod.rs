//! `jixiao serve`: one process owns the store (sled allows one per store) and serves the
//! team's clients on `DATA/server.sock`, a thread per client. Each client is the OS user on
//! the other end of the socket (SO_PEERCRED), never a name it claims. Every command is
//! applied and flushed before it is acknowledged, then broadcast to every client as an
//! Event. SIGTERM/SIGINT: stop accepting, let the commands in flight finish, flush, remove
//! the socket. `server.lock` is held for the server's life, so a socket left by a killed
//! server is known to be stale and replaced.

pub mod peer;
pub mod protocol;

use crate::backend::{Backend, Local};
use crate::domain::{Error, Result};
use protocol::{Answer, Event, Hello, HelloReply, Op, PROTOCOL, Request, ServerMsg, read_frame, write_frame};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SOCKET: &str = "server.sock";
pub const LOCK: &str = "server.lock";

pub fn socket_path(data: &Path) -> PathBuf {
    data.join(SOCKET)
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

/// What every client thread shares.
struct Shared {
    local: Local,
    clients: Mutex<Vec<(u64, Sender<ServerMsg>)>>,
    in_flight: AtomicUsize,
    stopping: AtomicBool,
    connected: AtomicUsize,
}

impl Shared {
    fn broadcast(&self, event: Event) {
        if let Ok(mut clients) = self.clients.lock() {
            // A client whose writer has gone is dropped from the list.
            clients.retain(|(_, tx)| tx.send(ServerMsg::Event { event: event.clone() }).is_ok());
        }
    }
}

/// Runs the server until a termination signal, or until it has had no client for `idle`
/// (a server started on demand by a client), or until its socket file is removed.
pub fn serve(data: &Path, idle: Option<Duration>) -> Result<i32> {
    crate::fsutil::create_private_dir(data)?;
    let _server_lock = crate::store::lock::DirLock::acquire_named(data, LOCK).map_err(|e| match e {
        Error::Locked { dir, holder } => {
            Error::Locked { dir, holder: format!("{holder}; jixiao serve 已在运行 (a server already runs)") }
        }
        other => other,
    })?;
    let local = crate::backend::Local::open(data)?;
    let path = socket_path(data);
    // We hold server.lock: any socket here was left by a server that died.
    let _ = std::fs::remove_file(&path);
    let listener = via_short_path(&path, |p| UnixListener::bind(p)).map_err(|e| Error::io(path.display().to_string(), e))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o660)).map_err(|e| Error::io(path.display().to_string(), e))?;
    crate::signals::install_signal_handlers().map_err(|e| Error::io("signals", e))?;
    eprintln!("jixiao serve: {} (pid {})", path.display(), std::process::id());

    let shared = Arc::new(Shared {
        local,
        clients: Mutex::new(vec![]),
        in_flight: AtomicUsize::new(0),
        stopping: AtomicBool::new(false),
        connected: AtomicUsize::new(0),
    });
    shared.local.warm_in_background();
    // Accepting blocks in its own thread, so a client is answered at once; this thread
    // watches for signals, idleness and the socket file.
    let acceptor = shared.clone();
    std::thread::spawn(move || {
        let mut next_client = 0u64;
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            next_client += 1;
            let (shared, id) = (acceptor.clone(), next_client);
            shared.connected.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                // A client that breaks the protocol is dropped; the log says why.
                if let Err(e) = client(&shared, id, stream) {
                    eprintln!("jixiao serve: client {id}: {}", e.render(crate::i18n::Lang::En));
                }
                if let Ok(mut clients) = shared.clients.lock() {
                    clients.retain(|(cid, _)| *cid != id);
                }
                shared.connected.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    let mut idle_since = Instant::now();
    let mut last_check = Instant::now();
    loop {
        if crate::signals::take_signal().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        if shared.connected.load(Ordering::SeqCst) > 0 {
            idle_since = Instant::now();
        } else if idle.is_some_and(|d| idle_since.elapsed() >= d) {
            break;
        }
        // A removed socket (its data dir deleted, or a new server took over) ends this one.
        if last_check.elapsed() >= Duration::from_secs(1) {
            last_check = Instant::now();
            if !path.exists() {
                break;
            }
        }
    }
    shared.stopping.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(30);
    while shared.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    shared.local.store().flush()?;
    let _ = std::fs::remove_file(&path);
    Ok(0)
}

fn client(shared: &Shared, id: u64, stream: UnixStream) -> Result<()> {
    let io = |e: std::io::Error| Error::io(SOCKET, e);
    stream.set_nonblocking(false).map_err(io)?;
    let user = peer::user_of(&stream)?;
    let mut reader = stream.try_clone().map_err(io)?;
    let mut writer = stream;
    let hello: Option<Hello> = read_frame(&mut reader)?;
    let Some(hello) = hello else { return Ok(()) };
    if hello.protocol != PROTOCOL {
        let (ours, theirs) = (env!("CARGO_PKG_VERSION"), hello.version);
        let reply = HelloReply::Refused {
            zh: format!(
                "服务器运行的是 jixiao {ours}（协议 {PROTOCOL}），本程序是 {theirs}（协议 {}）：请用同一版本重启服务器（jixiao serve），或用 --local",
                hello.protocol
            ),
            en: format!(
                "the server runs jixiao {ours} (protocol {PROTOCOL}), this client is {theirs} (protocol {}): restart the server with the same version (jixiao serve), or use --local",
                hello.protocol
            ),
        };
        return write_frame(&mut writer, &reply);
    }
    write_frame(&mut writer, &HelloReply::Welcome { user: user.clone(), version: env!("CARGO_PKG_VERSION").into() })?;

    // One writer thread per client: responses and broadcast events share the socket.
    let (tx, rx) = channel::<ServerMsg>();
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push((id, tx.clone()));
    }
    let writer_thread = std::thread::spawn(move || {
        for msg in rx {
            if write_frame(&mut writer, &msg).is_err() {
                break;
            }
        }
    });
    let me = shared.local.shared(&user);
    while let Some(req) = read_frame::<Request>(&mut reader)? {
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        let result = if shared.stopping.load(Ordering::SeqCst) {
            Err(Error::io(SOCKET, "服务器正在停止 (the server is stopping): 稍后重试"))
        } else {
            match req.op {
                Op::Execute { command } => me.execute(&command).map(|o| {
                    shared.broadcast(Event { audit: o.audit, actor: user.clone(), command: command.name(), id: o.id });
                    Answer::Outcome(o)
                }),
                Op::Query { query } => me.query(&query).map(|r| Answer::Reply(Box::new(r))),
            }
        };
        let sent = tx.send(ServerMsg::Response { id: req.id, result });
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        if sent.is_err() {
            break;
        }
    }
    drop(tx);
    if let Ok(mut clients) = shared.clients.lock() {
        clients.retain(|(cid, _)| *cid != id);
    }
    let _ = writer_thread.join();
    Ok(())
}
