//! One client's connection: the hello, then requests answered one at a time. Nothing a
//! client sends ends the server: a panic while handling a request is caught and answered as
//! an internal error (the store's transaction was not committed), a frame over its limit, a
//! frame that stalls half-sent, a silent connection or a malformed one is closed with a
//! message naming the limit, and the client's place, descriptor and threads are freed on
//! every path (its `Seat` and stream are dropped when this thread ends).

use super::protocol::{
    Answer, Event, Frame, Hello, HelloReply, MAX_BULK, MAX_HELLO, MAX_REPLY, MAX_REQUEST, Op, PROTOCOL, ReadError, Request, ServerMsg,
    encode, read_frame_bytes, size_text, write_bytes,
};
use super::{InFlight, Seat, Shared};
use crate::domain::{Error, Result};
use std::os::unix::net::UnixStream;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Events waiting for one client's writer; a client further behind is dropped.
const EVENT_BACKLOG: usize = 256;

/// Why a connection ends.
enum End {
    /// The client closed it, or the server is stopping.
    Quiet,
    /// Told to the client before closing (Chinese first, English in parentheses), and
    /// whether a request it cut off may be sent again.
    Tell(String, bool),
    /// Something broke; logged.
    Failed(Error),
}

impl From<Error> for End {
    fn from(e: Error) -> Self {
        End::Failed(e)
    }
}

/// Serves one client until it leaves or breaks a limit; logs why it ended if not quietly.
pub(super) fn run(shared: &Arc<Shared>, seat: Seat, stream: &Arc<UnixStream>) {
    let id = seat.id;
    // One writer at a time on this socket: responses, events, and the closing word.
    let write_lock = Arc::new(Mutex::new(()));
    let outcome = catch_unwind(AssertUnwindSafe(|| session(shared, id, stream, &write_lock)));
    let end = match outcome {
        Ok(end) => end,
        Err(panic) => End::Failed(Error::Internal { message: panic_text(panic.as_ref()) }),
    };
    match end {
        End::Quiet => {}
        End::Tell(message, retry) => {
            eprintln!("jixiao serve: client {id}: closed: {message}");
            let _ = send(stream, &write_lock, &ServerMsg::Closing { message, retry });
        }
        End::Failed(e) => eprintln!("jixiao serve: client {id}: {}", e.render(crate::i18n::Lang::En)),
    }
    // Wakes this client's event writer, if any, and tells the client at once.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    drop(seat);
}

/// The text of a caught panic.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Writes one message as a frame; the lock keeps a response and an event from interleaving.
fn send(stream: &UnixStream, lock: &Mutex<()>, msg: &ServerMsg) -> Result<()> {
    let bytes = encode(msg)?;
    let _one = lock.lock().unwrap_or_else(|e| e.into_inner());
    write_bytes(&mut &*stream, &bytes, false).map_err(|e| Error::io(super::SOCKET, e))
}

/// How often a blocked read wakes to check the timeouts and the stop.
fn tick(limits: &super::Limits) -> Duration {
    (limits.frame_timeout.min(limits.idle_timeout) / 4).clamp(Duration::from_millis(50), Duration::from_secs(1))
}

fn session(shared: &Arc<Shared>, id: u64, stream: &Arc<UnixStream>, write_lock: &Arc<Mutex<()>>) -> End {
    let limits = &shared.limits;
    let io = |e: std::io::Error| End::Failed(Error::io(super::SOCKET, e));
    if let Err(e) = stream.set_read_timeout(Some(tick(limits))).and_then(|_| stream.set_write_timeout(Some(limits.frame_timeout))) {
        return io(e);
    }
    let user = match super::peer::user_of(stream) {
        Ok(u) => u,
        Err(e) => return End::Failed(e),
    };
    let (hello, _) = match read_one(shared, stream, None, true) {
        Ok(Some(f)) => f,
        Ok(None) => return End::Quiet,
        Err(end) => return end,
    };
    let hello: Hello = match serde_json::from_slice(&hello.bytes) {
        Ok(h) => h,
        Err(e) => {
            let en = format!("not a jixiao hello: {e}");
            let _ = send_hello(stream, &HelloReply::Refused { zh: format!("不是 jixiao 的问候 ({en})"), en });
            return End::Quiet;
        }
    };
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
        let _ = send_hello(stream, &reply);
        return End::Quiet;
    }
    if let Err(e) = send_hello(stream, &HelloReply::Welcome { user: user.clone(), version: env!("CARGO_PKG_VERSION").into() }) {
        return End::Failed(e);
    }
    if hello.events {
        listen_for_events(shared, id, stream, write_lock);
    }
    let me = shared.local.shared(&user);
    loop {
        let idle = (!hello.events).then_some(limits.idle_timeout);
        let (frame, _bulk_slot) = match read_one(shared, stream, idle, false) {
            Ok(Some(f)) => f,
            Ok(None) => return End::Quiet,
            Err(end) => return end,
        };
        // Counted from here until its answer is written: a stop waits for both.
        let _counted = InFlight::enter(&shared.in_flight);
        let req: Request = match serde_json::from_slice(&frame.bytes) {
            Ok(r) => r,
            Err(e) => return End::Tell(format!("请求无法解析，连接已关闭 (malformed request, connection closed): {e}"), false),
        };
        let backup = matches!(&req.op, Op::Query { query: crate::backend::Query::Backup });
        let result = if frame.bulk && !matches!(&req.op, Op::Execute { command, .. } if command.is_bulk()) {
            Err(Error::Refused {
                message: format!("超过 {} 的请求只能是导入包 (only an import may pass {})", size_text(MAX_REQUEST), size_text(MAX_REQUEST)),
            })
        } else {
            handle(shared, id, &me, &user, req.op)
        };
        let mut reply = ServerMsg::Response { id: req.id, result };
        let mut bytes = match encode(&reply) {
            Ok(b) => b,
            Err(e) => return End::Failed(e),
        };
        if bytes.len() > MAX_REPLY {
            let how = if backup {
                "备份请在服务器停止时用 jixiao --local backup（不经过套接字，没有这个上限）"
            } else {
                "请分批查询，如 jixiao export --project CODE"
            };
            let message = format!(
                "回复有 {}，超过上限 {} (reply over the {} limit)：{how}",
                size_text(bytes.len()),
                size_text(MAX_REPLY),
                size_text(MAX_REPLY)
            );
            reply = ServerMsg::Response { id: req.id, result: Err(Error::Refused { message }) };
            bytes = match encode(&reply) {
                Ok(b) => b,
                Err(e) => return End::Failed(e),
            };
        }
        let sent = {
            let _one = write_lock.lock().unwrap_or_else(|e| e.into_inner());
            write_bytes(&mut &**stream, &bytes, false)
        };
        if let Err(e) = sent {
            return io(e);
        }
    }
}

fn send_hello(stream: &UnixStream, reply: &HelloReply) -> Result<()> {
    super::protocol::write_frame(&mut &*stream, reply)
}

/// Held while a bulk frame is read and applied: one import bundle at a time per server.
struct BulkSlot<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for BulkSlot<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Reads the next frame within the limits: `idle` (between frames) for a connection that may
/// be closed for idling; the hello must come within the frame timeout of the connection.
fn read_one<'a>(
    shared: &'a Shared,
    stream: &UnixStream,
    idle: Option<Duration>,
    hello: bool,
) -> std::result::Result<Option<(Frame, Option<BulkSlot<'a>>)>, End> {
    let limits = &shared.limits;
    let since = Instant::now();
    let mut slot = None;
    let frame = read_frame_bytes(
        &mut &*stream,
        |bulk| {
            if hello {
                return Ok(MAX_HELLO);
            }
            if !bulk {
                return Ok(MAX_REQUEST);
            }
            if shared.bulk.swap(true, Ordering::SeqCst) {
                return Err(End::Tell("另一个导入包正在上传或导入 (another import is in progress)：请稍后重试".into(), false));
            }
            slot = Some(BulkSlot(&shared.bulk));
            Ok(MAX_BULK)
        },
        |started| {
            if shared.stopping.load(Ordering::SeqCst) {
                return Err(End::Quiet);
            }
            let frame_timeout = limits.frame_timeout;
            match (started, idle) {
                (Some(t), _) if t.elapsed() >= frame_timeout => Err(End::Tell(
                    format!(
                        "消息在 {} 秒内没有发完，连接已关闭 (frame not completed within the {} s limit)",
                        frame_timeout.as_secs_f32(),
                        frame_timeout.as_secs_f32()
                    ),
                    false,
                )),
                (None, _) if hello && since.elapsed() >= frame_timeout => Err(End::Tell(
                    format!(
                        "连接后 {} 秒内没有问候，连接已关闭 (no hello within {} s)",
                        frame_timeout.as_secs_f32(),
                        frame_timeout.as_secs_f32()
                    ),
                    false,
                )),
                (None, Some(d)) if since.elapsed() >= d => Err(End::Tell(
                    format!(
                        "连接空闲 {} 秒，已关闭 (idle for the {} s limit, closed)：下一个请求会自动重新连接",
                        d.as_secs_f32(),
                        d.as_secs_f32()
                    ),
                    true,
                )),
                _ => Ok(()),
            }
        },
    );
    match frame {
        Ok(Some(f)) => Ok(Some((f, slot))),
        Ok(None) => Ok(None),
        Err(ReadError::Stopped(end)) => Err(end),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(ReadError::Io(e)) => Err(End::Failed(Error::io(super::SOCKET, e))),
        Err(ReadError::Over { len, limit, bulk }) => {
            let (len, limit) = (size_text(len), size_text(limit));
            let why = if bulk {
                "导入包的上限 (the limit for an import bundle)"
            } else {
                "导入包以外的请求的上限，请缩短文字 (the limit for requests other than imports)"
            };
            Err(End::Tell(format!("请求有 {len}，超过上限 {limit} (request of {len} over the {limit} limit)：{why}"), false))
        }
    }
}

/// Starts the writer of this client's events: they go out between its responses.
fn listen_for_events(shared: &Arc<Shared>, id: u64, stream: &Arc<UnixStream>, lock: &Arc<Mutex<()>>) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Event>(EVENT_BACKLOG);
    if let Some(c) = shared.clients().get_mut(&id) {
        c.events = Some(tx);
    }
    let (stream, lock) = (stream.clone(), lock.clone());
    let started = std::thread::Builder::new().name(format!("events-{id}")).spawn(move || {
        // Ends when the client's sender is dropped (the client left) or a write fails.
        for event in rx {
            if send(&stream, &lock, &ServerMsg::Event { event }).is_err() {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                break;
            }
        }
    });
    if started.is_err()
        && let Some(c) = shared.clients().get_mut(&id)
    {
        c.events = None;
    }
}

/// Answers one request. A panic in the store or the domain is caught here: the command's
/// transaction never committed (sled drops its buffered writes when the closure unwinds), so
/// the client is told it was not applied, and the server goes on.
fn handle(shared: &Shared, id: u64, me: &crate::backend::Local, user: &str, op: Op) -> Result<Answer> {
    if shared.stopping.load(Ordering::SeqCst) {
        return Err(Error::Refused { message: "服务器正在停止 (the server is stopping)：请稍后重试".into() });
    }
    let what = match &op {
        Op::Execute { command, .. } => command.name(),
        Op::Query { query } => format!("{query:?}").split([' ', '{', '(']).next().unwrap_or("query").to_string(),
        Op::Upload { .. } => "upload".to_string(),
    };
    let answer = catch_unwind(AssertUnwindSafe(|| -> Result<Answer> {
        use crate::backend::Backend;
        match op {
            Op::Execute { command, request } => {
                let (o, replayed) = me.execute_request(&command, &request)?;
                if replayed {
                    eprintln!("jixiao serve: client {id} ({user}): request {request} was applied before; answered, not applied again");
                } else {
                    shared.broadcast(Event { audit: o.audit, actor: user.to_string(), command: command.name(), id: o.id });
                }
                Ok(Answer::Outcome(o))
            }
            Op::Query { query } => me.query(&query).map(|r| Answer::Reply(Box::new(r))),
            // The server writes the attachments: members need no write access to the data dir.
            Op::Upload { chunk } => crate::attachments::receive(me.store().dir(), &chunk, me.now()).map(Answer::Upload),
        }
    }));
    answer.unwrap_or_else(|panic| {
        let message = format!("{what}: {}", panic_text(panic.as_ref()));
        eprintln!("jixiao serve: client {id} ({user}): {message} (caught; nothing was written)");
        Err(Error::Internal { message })
    })
}
