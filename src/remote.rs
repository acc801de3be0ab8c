//! The Remote backend: the same Backend the TUI and every command use, over the server's
//! Unix socket. A reader thread routes responses to the waiting call and keeps events
//! (other users' committed commands) for `take_events`.
//!
//! A dropped connection is not the end: a connection found closed before a request is sent
//! (the server closed it for idling, or restarted) is replaced silently; a request cut off
//! after it was sent is sent once more on a new connection, with the same request id, so a
//! command the server had already applied is answered, not applied twice. New connections
//! come from `redial` (connect.rs starts a server on demand there).

use crate::backend::{Backend, Clock, Query, Reply};
use crate::command::{Command, Outcome};
use crate::domain::{Error, Result};
use crate::server::protocol::{
    Answer, Event, Hello, HelloReply, MAX_BULK, MAX_HELLO, MAX_REQUEST, PROTOCOL, ServerMsg, read_frame, read_frame_limited, size_text,
    write_bytes, write_frame,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a call failed, as far as retrying goes.
enum Fail {
    /// The connection was already closed: nothing was sent.
    NotSent,
    /// The connection ended after the request was sent: it may or may not have been applied.
    Dropped,
    /// An answer or a refusal: final.
    Error(Error),
}

type Answered = std::result::Result<Answer, Fail>;

#[derive(Default)]
struct Waiting {
    /// False once the reader has seen the connection end: no request may wait on it then.
    open: bool,
    calls: HashMap<u64, Sender<Answered>>,
}

/// One connection: its writing half and the calls waiting on its reader thread.
struct Conn {
    stream: Mutex<UnixStream>,
    waiting: Arc<Mutex<Waiting>>,
}

impl Drop for Conn {
    /// Ends the connection both ways: the reader thread (blocked on its own descriptor of the
    /// socket) sees the end and exits, and the server frees the client's place at once.
    fn drop(&mut self) {
        if let Ok(s) = self.stream.lock() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }
}

impl Conn {
    fn is_open(&self) -> bool {
        self.waiting.lock().map(|w| w.open).unwrap_or(false)
    }
}

/// What a connection is redialled with.
pub type Redial = Box<dyn Fn() -> Result<UnixStream> + Send + Sync>;

pub struct Remote {
    conn: Mutex<Arc<Conn>>,
    events: Arc<Mutex<Vec<Event>>>,
    listen: bool,
    redial: Redial,
    next: AtomicU64,
    user: String,
    clock: Clock,
    /// Audit ids of this client's own commands: their events need no refresh.
    own: Mutex<std::collections::HashSet<u64>>,
}

fn gone() -> Error {
    Error::io("server.sock", "与服务器的连接已断开 (the server closed the connection): 重新打开 jixiao")
}

// The wire shape of `protocol::Request`, borrowing its command: an import's bundle is not
// copied to be sent.
#[derive(Serialize)]
struct RequestRef<'a> {
    id: u64,
    op: OpRef<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum OpRef<'a> {
    Execute { command: &'a Command, request: &'a str },
    Query { query: &'a Query },
    Upload { chunk: &'a crate::attachments::Chunk },
}

/// A new request id: 128 bits, random per process plus a counter, as 32 hex digits.
fn request_id() -> String {
    static BASE: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let base = *BASE.get_or_init(|| {
        let mut b = [0u8; 16];
        let random = std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b)).is_ok();
        if random {
            u128::from_le_bytes(b)
        } else {
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            t ^ (u128::from(std::process::id()) << 96)
        }
    });
    format!("{:032x}", base.wrapping_add(u128::from(COUNT.fetch_add(1, Ordering::SeqCst))))
}

/// A connection to `socket` (DATA/run/server.sock), or `None` when no server listens there.
/// Nothing is said on it before the server is known to be the store's owner: the process
/// that listens (SO_PEERCRED) must be the user owning DATA/run/ and DATA/, or it is refused
/// naming both users.
pub fn dial(socket: &Path) -> Result<Option<UnixStream>> {
    let stream = match crate::server::via_short_path(socket, |p| UnixStream::connect(p)) {
        Ok(s) => s,
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Err(crate::layout::no_access(socket, e)),
        Err(e) => return Err(Error::io(socket.display().to_string(), e)),
    };
    let owner = crate::layout::store_owner(socket)?;
    let server = crate::server::peer::uid_of(&stream)?;
    if server != owner {
        return Err(crate::layout::impostor(socket, server, owner));
    }
    Ok(Some(stream))
}

/// Says hello on a new connection and starts its reader; returns it and the user the server
/// took us for.
fn open(stream: UnixStream, listen: bool, events: &Arc<Mutex<Vec<Event>>>) -> Result<(Conn, String)> {
    let io = |e: std::io::Error| Error::io("server.sock", e);
    let mut reader = stream.try_clone().map_err(io)?;
    let mut writer = stream;
    // A server that accepted but never answers must not hang us.
    reader.set_read_timeout(Some(Duration::from_millis(250))).map_err(io)?;
    // A server over its connection limit may answer and close before our hello is in: its
    // answer is still read.
    let said = write_frame(&mut writer, &Hello { protocol: PROTOCOL, version: env!("CARGO_PKG_VERSION").into(), events: listen });
    let reply = read_frame_limited::<HelloReply>(&mut reader, MAX_HELLO, Some(Instant::now() + Duration::from_secs(10)));
    let user = match (reply, said) {
        (Ok(Some(HelloReply::Welcome { user, .. })), _) => user,
        (Ok(Some(HelloReply::Refused { zh, en })), _) => {
            let message = if crate::i18n::current() == crate::i18n::Lang::En { en } else { zh };
            return Err(Error::Refused { message });
        }
        (_, Err(e)) => return Err(e),
        (Ok(None), Ok(())) => return Err(gone()),
        (Err(e), Ok(())) => return Err(e),
    };
    reader.set_read_timeout(None).map_err(io)?;
    let waiting = Arc::new(Mutex::new(Waiting { open: true, calls: HashMap::new() }));
    let (w, ev) = (waiting.clone(), events.clone());
    std::thread::spawn(move || {
        let mut closing: Option<(String, bool)> = None;
        while let Ok(Some(msg)) = read_frame::<ServerMsg>(&mut reader) {
            match msg {
                ServerMsg::Response { id, result } => {
                    let tx = w.lock().ok().and_then(|mut w| w.calls.remove(&id));
                    if let Some(tx) = tx {
                        let _ = tx.send(result.map_err(Fail::Error));
                    }
                }
                ServerMsg::Event { event } => {
                    if let Ok(mut list) = ev.lock() {
                        list.push(event);
                    }
                }
                ServerMsg::Closing { message, retry } => closing = Some((message, retry)),
            }
        }
        // The connection ended: every waiting call is told how, none hangs, none comes later.
        if let Ok(mut w) = w.lock() {
            w.open = false;
            for (_, tx) in w.calls.drain() {
                let fail = match &closing {
                    Some((message, false)) => Fail::Error(Error::Refused { message: message.clone() }),
                    _ => Fail::Dropped,
                };
                let _ = tx.send(Err(fail));
            }
        }
    });
    Ok((Conn { stream: Mutex::new(writer), waiting }, user))
}

impl Remote {
    /// Connects and says hello, listening for events; `Ok(None)` when no server listens there.
    /// A dropped connection is redialled at the same socket.
    pub fn connect(socket: &Path) -> Result<Option<Remote>> {
        let Some(stream) = dial(socket)? else { return Ok(None) };
        let path = socket.to_path_buf();
        Remote::over(stream, true, Box::new(move || dial(&path)?.ok_or_else(gone))).map(Some)
    }

    /// A Remote on a connected stream. `listen`: receive other users' commands as events (the
    /// workbench; such a connection is not closed for idling). `redial` gives a new
    /// connection after one dropped.
    pub fn over(stream: UnixStream, listen: bool, redial: Redial) -> Result<Remote> {
        let events = Arc::new(Mutex::new(Vec::new()));
        let (conn, user) = open(stream, listen, &events)?;
        Ok(Remote {
            conn: Mutex::new(Arc::new(conn)),
            events,
            listen,
            redial,
            next: AtomicU64::new(1),
            user,
            clock: Clock::System,
            own: Mutex::new(Default::default()),
        })
    }

    /// The current connection, replaced first if it has closed.
    fn live(&self, replace: bool) -> Result<Arc<Conn>> {
        let mut conn = self.conn.lock().map_err(|_| gone())?;
        if !replace && conn.is_open() {
            return Ok(conn.clone());
        }
        // A server killed just as we connected resets the new connection: dial again (a new
        // server is started if none runs), for as long as a server takes to come up.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match open((self.redial)()?, self.listen, &self.events) {
                Ok((fresh, _)) => {
                    *conn = Arc::new(fresh);
                    return Ok(conn.clone());
                }
                Err(e @ Error::Refused { .. }) => return Err(e),
                Err(e) if Instant::now() >= deadline => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// Sends one request frame on `conn` and waits for its answer.
    fn send_on(&self, conn: &Conn, id: u64, bytes: &[u8], bulk: bool) -> Answered {
        let (tx, rx) = channel();
        {
            let mut w = conn.waiting.lock().map_err(|_| Fail::NotSent)?;
            if !w.open {
                return Err(Fail::NotSent);
            }
            w.calls.insert(id, tx);
        }
        let written = match conn.stream.lock() {
            Ok(mut s) => write_bytes(&mut *s, bytes, bulk).is_ok(),
            Err(_) => false,
        };
        if written {
            return rx.recv().unwrap_or(Err(Fail::Dropped));
        }
        // A failed write means the server closed the connection: its reader ends at once and
        // says how (a refusal, if the server said why); it may have read part of the request.
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(answer) => answer,
            Err(_) => {
                if let Ok(mut w) = conn.waiting.lock() {
                    w.calls.remove(&id);
                }
                Err(Fail::Dropped)
            }
        }
    }

    fn call(&self, op: OpRef) -> Result<Answer> {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let is_import = matches!(op, OpRef::Execute { command, .. } if command.is_bulk());
        let bytes = serde_json::to_vec(&RequestRef { id, op }).map_err(|e| Error::io("server.sock", e))?;
        // Refused here with the limit named, before anything is sent (the server would refuse
        // it too, and could only close the connection).
        let bulk = bytes.len() > MAX_REQUEST;
        let limit = if is_import { MAX_BULK } else { MAX_REQUEST };
        if bytes.len() > limit {
            let (size, max) = (size_text(bytes.len()), size_text(limit));
            let why = if is_import {
                "导入包的上限 (the limit for an import bundle)"
            } else {
                "导入包以外的请求的上限，请缩短文字 (the limit for requests other than imports)"
            };
            return Err(Error::Refused {
                message: format!("请求有 {size}，超过上限 {max} (request of {size} over the {max} limit)：{why}"),
            });
        }
        let mut retried = false;
        let mut replace = false;
        // A closed connection is replaced without a word (nothing was sent on it); a request
        // cut off after it was sent is sent once more.
        for _ in 0..4 {
            let conn = self.live(replace)?;
            match self.send_on(&conn, id, &bytes, bulk) {
                Ok(answer) => {
                    if retried && !self.listen {
                        eprintln!("jixiao: 连接中断，已重试一次 (connection dropped, retried once)");
                    }
                    return Ok(answer);
                }
                Err(Fail::Error(e)) => return Err(e),
                Err(Fail::NotSent) => replace = true,
                Err(Fail::Dropped) if !retried => {
                    retried = true;
                    replace = true;
                }
                Err(Fail::Dropped) => return Err(gone()),
            }
        }
        Err(gone())
    }
}

impl Backend for Remote {
    fn execute(&self, cmd: &Command) -> Result<Outcome> {
        let request = request_id();
        match self.call(OpRef::Execute { command: cmd, request: &request })? {
            Answer::Outcome(o) => {
                if let Ok(mut own) = self.own.lock() {
                    own.insert(o.audit);
                }
                Ok(o)
            }
            _ => Err(Error::corrupt("server.sock", "命令的回复类型不符")),
        }
    }

    fn attach(&self, path: &std::path::Path) -> Result<crate::domain::Evidence> {
        crate::attachments::send(path, |chunk| match self.call(OpRef::Upload { chunk })? {
            Answer::Upload(u) => Ok(u),
            _ => Err(Error::corrupt("server.sock", "上传的回复类型不符")),
        })
    }

    fn query(&self, q: &Query) -> Result<Reply> {
        match self.call(OpRef::Query { query: q })? {
            Answer::Reply(r) => Ok(*r),
            _ => Err(Error::corrupt("server.sock", "查询的回复类型不符")),
        }
    }

    fn actor(&self) -> &str {
        &self.user
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().1
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now().0
    }

    fn take_events(&self) -> Vec<Event> {
        let all = self.events.lock().map(|mut e| std::mem::take(&mut *e)).unwrap_or_default();
        // Our own command's event may come before or after its answer: either way its audit id
        // is in `own` before this is called, and the event is left out once.
        let mut own = self.own.lock().ok();
        all.into_iter().filter(|e| !own.as_mut().is_some_and(|o| o.remove(&e.audit))).collect()
    }
}
