//! What client and server say to each other: the same Command / Query / Reply types the
//! Local backend uses, in length-prefixed JSON frames (a u32 big-endian length, then the
//! bytes). The client speaks first with a hello carrying the protocol version, so a client
//! of another version gets a sentence, never a decode error.

use crate::backend::{Query, Reply};
use crate::command::{Command, Outcome};
use crate::domain::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// Bump when any message or the types inside them change shape.
pub const PROTOCOL: u32 = 2;
/// A frame larger than this is refused (an import bundle is the largest message).
pub const MAX_FRAME: u32 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    /// The client's jixiao version, for the server's message when they differ.
    pub version: String,
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
    Execute { command: Command },
    Query { query: Query },
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
}

pub use crate::backend::Event;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMsg {
    Response { id: u64, result: std::result::Result<Answer, Error> },
    Event { event: Event },
}

pub fn write_frame<T: Serialize>(w: &mut impl Write, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| Error::io("server.sock", e))?;
    let len = u32::try_from(bytes.len()).ok().filter(|l| *l <= MAX_FRAME).ok_or_else(|| Error::invalid("消息", "size", "超过 256 MiB"))?;
    w.write_all(&len.to_be_bytes()).and_then(|_| w.write_all(&bytes)).and_then(|_| w.flush()).map_err(|e| Error::io("server.sock", e))
}

/// Reads one frame; `Ok(None)` when the peer closed the connection between frames.
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> Result<Option<T>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(Error::io("server.sock", e)),
    }
    let len = u32::from_be_bytes(len);
    if len > MAX_FRAME {
        return Err(Error::corrupt("server.sock", format!("消息长度 {len} 超过上限（对方不是 jixiao？）")));
    }
    let mut buf = vec![0u8; len as usize];
    r.read_exact(&mut buf).map_err(|e| Error::io("server.sock", e))?;
    serde_json::from_slice(&buf).map(Some).map_err(|e| Error::corrupt("server.sock", e))
}
