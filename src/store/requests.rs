//! Answers remembered by request id, so that a client which lost its connection before the
//! answer came and sends the same command again gets the first answer instead of applying
//! it twice. The id and the answer are written in the command's own transaction: an answer
//! is remembered exactly when its command was applied.
//!
//! Keys in the `requests` tree: `r` + actor + 0 + request id → the answer; `s` + sequence
//! (big-endian) → the `r` key, so the oldest is found and pruned without a scan.

use super::keys;
use super::tx::{REQUESTS, Tx};
use crate::command::Outcome;
use crate::domain::{Error, Result};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How many answers are kept: the newest 10,000, pruned one for one as commands come. A
/// retry comes seconds after its first try, and 10,000 commands are days of a team's work
/// (a 2,000-command script included); at about 100 bytes each that is 1 MB.
pub const KEEP: u64 = 10_000;

/// The longest request id accepted (clients send 32 hex digits).
pub const MAX_ID: usize = 64;

/// The stored answer; frozen as stored (bincode has no field names), so `Outcome` may change
/// without breaking remembered answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Remembered {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub id: u64,
    pub version: u64,
    pub key: Option<String>,
    pub score: Option<Decimal>,
    pub audit: u64,
}

impl Remembered {
    pub fn outcome(&self) -> Outcome {
        Outcome { id: self.id, version: self.version, key: self.key.clone(), score: self.score, audit: self.audit }
    }
}

fn answer_key(actor: &str, request: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + actor.len() + request.len());
    k.push(b'r');
    k.extend_from_slice(actor.as_bytes());
    k.push(0);
    k.extend_from_slice(request.as_bytes());
    k
}

fn seq_key(seq: u64) -> [u8; 9] {
    let mut k = [b's'; 9];
    k[1..].copy_from_slice(&keys::id(seq));
    k
}

/// A request id as the server takes it: 1 to 64 visible ASCII characters.
pub fn check_id(request: &str) -> Result<()> {
    if request.is_empty() || request.len() > MAX_ID || !request.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            "请求",
            "request",
            format!("请求编号应为 1 到 {MAX_ID} 个 ASCII 字符 (a request id is 1 to {MAX_ID} ASCII characters)"),
        ));
    }
    Ok(())
}

/// The answer given when this actor's request was first applied, if it is still kept.
pub fn answer(tx: &Tx, actor: &str, request: &str) -> Result<Option<Outcome>> {
    check_id(request)?;
    let found: Option<Remembered> = tx.get(REQUESTS, &answer_key(actor, request), &format!("请求 {request} 的回复"))?;
    Ok(found.map(|r| r.outcome()))
}

/// Remembers a command's answer under its request id, and forgets the oldest beyond `KEEP`.
pub fn remember(tx: &Tx, actor: &str, request: &str, at: DateTime<Utc>, o: &Outcome) -> Result<()> {
    let seq = tx.next_seq(b"seq/request")?;
    let key = answer_key(actor, request);
    let r = Remembered { seq, at, id: o.id, version: o.version, key: o.key.clone(), score: o.score, audit: o.audit };
    tx.put(REQUESTS, &key, &r)?;
    tx.raw_put(REQUESTS, &seq_key(seq), &key)?;
    if seq > KEEP {
        let old = seq_key(seq - KEEP);
        if let Some(k) = tx.raw_get(REQUESTS, &old)? {
            tx.del(REQUESTS, &k)?;
        }
        tx.del(REQUESTS, &old)?;
    }
    Ok(())
}

/// How many answers are kept now (for tests and `check`).
pub fn count(tree: &sled::Tree) -> usize {
    tree.scan_prefix(b"r").count()
}
