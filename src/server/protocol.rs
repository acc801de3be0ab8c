//! What client and server say to each other: the same Command / Query / Reply types the
//! Local backend uses, in length-prefixed JSON frames (a u32 big-endian length, then the
//! bytes). The client speaks first with a hello carrying the protocol version, so a client
//! of another version gets a sentence, never a decode error.
//!
//! Frames are bounded, and a frame's buffer grows as its bytes arrive: a declared length is
//! never allocated up front (eight half-sent frames once held 1.65 GB of a server).

use crate::backend::{Query, Reply};
use crate::command::{Command, Outcome};
use crate::domain::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::time::Instant;

/// Bump when any message or the types inside them change shape.
pub const PROTOCOL: u32 = 7;
/// A request frame larger than this is refused. Requests are commands and queries: the
/// largest one is a command with long texts (a finding, a basis, a notice), kilobytes; 16 MiB
/// is a thousand times that, while 64 connections of one user sending it at once still stay
/// within 1 GiB of the server's memory. Import bundles are the exception: see `MAX_BULK`.
pub const MAX_REQUEST: usize = 16 << 20;
/// An import bundle is the one request that is large by nature (the 10,020-project demo's
/// bundle is 244 MiB of JSON): it travels as a bulk frame, up to this size, one at a time
/// per server.
pub const MAX_BULK: usize = 1 << 30;
/// What a client takes from its server: an export or a backup (`Query::Backup`) of a whole
/// store is the largest answer (the 10,020-project demo store's: ~250 MiB of JSON, a quarter
/// of this); a larger store is backed up with `--local`, which passes no socket.
pub const MAX_REPLY: usize = 1 << 30;
/// A hello, either way.
pub const MAX_HELLO: usize = 64 << 10;
/// The top bit of a frame's length marks a bulk frame (an import bundle).
const BULK: u32 = 1 << 31;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    /// The client's jixiao version, for the server's message when they differ.
    pub version: String,
    /// Whether the client wants other users' committed commands as events (the workbench).
    /// A connection that listens for events is never closed for being idle: a user may read
    /// one screen for an hour, and the screen must still refresh when a colleague commits.
    #[serde(default)]
    pub events: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "hello", rename_all = "snake_case")]
pub enum HelloReply {
    /// Accepted: the user the server took from the connection's peer credentials.
    Welcome { user: String, version: String },
    /// Refused, with the reason in both languages.
    Refused { zh: String, en: String },
}

// Externally tagged, as are the messages below: serde buffers internally tagged enums, and
// buffered content loses integer map keys (a summary's item ids), so decoding would fail.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `request` is the client's id for this command (32 hex digits): sent again with the
    /// same id after a dropped connection, a command already applied is answered, not
    /// applied twice.
    Execute {
        command: Command,
        request: String,
    },
    Query {
        query: Query,
    },
    /// A piece of an evidence file (`attachments::send`); idempotent, so a retry is safe.
    Upload {
        chunk: crate::attachments::Chunk,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub op: Op,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "answer", content = "data", rename_all = "snake_case")]
pub enum Answer {
    Outcome(Outcome),
    Reply(Box<Reply>),
    Upload(crate::attachments::Upload),
}

pub use crate::backend::Event;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMsg {
    Response {
        id: u64,
        result: std::result::Result<Answer, Error>,
    },
    Event {
        event: Event,
    },
    /// The server closes the connection: why (Chinese first, English in parentheses), and
    /// whether a request cut off by it may be sent again on a new connection (an idle
    /// connection closed: yes; a frame over a limit: no, it would be refused again).
    Closing {
        message: String,
        retry: bool,
    },
}

/// How reading a frame ended, other than with a frame or a clean close.
#[derive(Debug)]
pub enum ReadError<E> {
    Io(std::io::Error),
    /// The declared length passes the limit for its kind of frame.
    Over {
        len: usize,
        limit: usize,
        bulk: bool,
    },
    /// The caller's `waited` or `limit` gave up (a timeout, the server stopping).
    Stopped(E),
}

/// One frame's bytes, and whether it came as a bulk frame.
pub struct Frame {
    pub bytes: Vec<u8>,
    pub bulk: bool,
}

/// "16 MiB", "1 GiB", "300.0 MiB": a size for messages.
pub fn size_text(bytes: usize) -> String {
    const MIB: usize = 1 << 20;
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

fn timed_out(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

/// Reads one frame from a reader whose read timeout is the caller's tick. `limit(bulk)`
/// gives the largest frame of that kind once its length is in; `waited(started)` is called
/// at each tick that brought nothing, with when the frame's first byte came (`None` between
/// frames), and may give up. `Ok(None)`: the peer closed the connection between frames.
pub fn read_frame_bytes<E>(
    r: &mut impl Read,
    mut limit: impl FnMut(bool) -> std::result::Result<usize, E>,
    mut waited: impl FnMut(Option<Instant>) -> std::result::Result<(), E>,
) -> std::result::Result<Option<Frame>, ReadError<E>> {
    let mut head = [0u8; 4];
    let mut got = 0;
    let mut started = None;
    while got < head.len() {
        match r.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(ReadError::Io(std::io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => {
                got += n;
                started.get_or_insert_with(Instant::now);
            }
            Err(e) if timed_out(&e) => waited(started).map_err(ReadError::Stopped)?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    let word = u32::from_be_bytes(head);
    let bulk = word & BULK != 0;
    let len = (word & !BULK) as usize;
    let max = limit(bulk).map_err(ReadError::Stopped)?;
    if len > max {
        return Err(ReadError::Over { len, limit: max, bulk });
    }
    // Grown as bytes arrive (Vec doubling: at most twice what was received).
    let mut body = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    while body.len() < len {
        let want = (len - body.len()).min(chunk.len());
        match r.read(&mut chunk[..want]) {
            Ok(0) => return Err(ReadError::Io(std::io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if timed_out(&e) => waited(started).map_err(ReadError::Stopped)?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(Some(Frame { bytes: body, bulk }))
}

/// A value as a frame's bytes.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| Error::io("server.sock", e))
}

/// Writes bytes as one frame (bulk: an import bundle over `MAX_REQUEST`).
pub fn write_bytes(w: &mut impl Write, bytes: &[u8], bulk: bool) -> std::io::Result<()> {
    let len = u32::try_from(bytes.len()).ok().filter(|l| *l < BULK).ok_or(std::io::ErrorKind::InvalidInput)?;
    let word = if bulk { len | BULK } else { len };
    w.write_all(&word.to_be_bytes())?;
    w.write_all(bytes)?;
    w.flush()
}

/// Writes one frame of at most `MAX_REPLY` bytes.
pub fn write_frame<T: Serialize>(w: &mut impl Write, value: &T) -> Result<()> {
    let bytes = encode(value)?;
    if bytes.len() > MAX_REPLY {
        let size = size_text(bytes.len());
        return Err(Error::Refused { message: format!("消息 {size} 超过上限 {} (message over the limit)", size_text(MAX_REPLY)) });
    }
    write_bytes(w, &bytes, false).map_err(|e| Error::io("server.sock", e))
}

/// Reads one frame of at most `MAX_REPLY` bytes, blocking; `Ok(None)` when the peer closed
/// the connection between frames.
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> Result<Option<T>> {
    read_frame_limited(r, MAX_REPLY, None)
}

/// Reads one frame of at most `limit` bytes, giving up at `deadline` when the reader has a
/// read timeout set.
pub fn read_frame_limited<T: DeserializeOwned>(r: &mut impl Read, limit: usize, deadline: Option<Instant>) -> Result<Option<T>> {
    let frame =
        read_frame_bytes(r, |_| Ok::<_, ()>(limit), |_| if deadline.is_some_and(|d| Instant::now() >= d) { Err(()) } else { Ok(()) });
    match frame {
        Ok(None) => Ok(None),
        Ok(Some(f)) => serde_json::from_slice(&f.bytes).map(Some).map_err(|e| Error::corrupt("server.sock", e)),
        Err(ReadError::Io(e)) => Err(Error::io("server.sock", e)),
        Err(ReadError::Over { len, limit, .. }) => Err(Error::corrupt(
            "server.sock",
            format!(
                "消息长度 {} 超过上限 {}（对方不是 jixiao？）(frame over the limit: not a jixiao peer?)",
                size_text(len),
                size_text(limit)
            ),
        )),
        Err(ReadError::Stopped(())) => Err(Error::io("server.sock", "等待回复超时 (no answer in time)")),
    }
}
