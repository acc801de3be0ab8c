//! The audit log's hash chain (docs/audit-chain.md): every audit record is linked to the
//! one before it by sha256, so anyone holding the records can recompute the chain with a
//! few lines of Python or `sha256sum` and see that none was changed, dropped or reordered.
//!
//! - `canonical(record)`: the record's JSON with object keys sorted, written compactly
//!   (UTF-8, no insignificant whitespace, non-ASCII unescaped) — the bytes Python's
//!   `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes.
//! - `hash(n) = sha256(hex(hash(n-1)) + "\n" + canonical(record n))`, lowercase hex; the
//!   first record links to `GENESIS` (64 zeros).
//!
//! Links (`Link`) are kept in the `chain` tree by audit id (big-endian, like the audit
//! tree), codec-framed like every record; the head (last id and hash) is kept raw in the
//! meta tree under `chain/head`, so appending reads one key. Every audit write goes through
//! `append`: a command's record (`Store::apply_inner`), a migration's and an import's.
//! Links are derived: bundles do not carry them; an import links the records it writes.
//!
//! Stores from before the chain get their links in the 2 → 3 store migration
//! (`migrate.rs`), which then records itself ("审计日志加链") as a chained record. The store
//! version is the meta tree's `schema` byte, raised to 3 (`migrate::STORE_SCHEMA`) while the
//! values' frame stays version 2 (`codec::SCHEMA`): a binary from before the chain reads
//! `schema` 3 as too new and refuses to open the store, instead of appending records
//! without links (which would break the chain silently). The frame byte is not bumped
//! because nothing in a value's layout changed, and bumping it would mean rewriting every
//! value of every store for nothing.

use super::codec::{decode, encode};
use super::heal::in_store;
use super::tx::{self, Tx};
use super::{Store, keys};
use crate::domain::{Error, Result};
pub use crate::read::audit::Link;
use crate::read::audit::{AuditRecord, RecordKind};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// What the first record links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where the head of the chain is kept in the meta tree: 8 bytes of the last linked id
/// (big-endian) and the 64 hex digits of its hash.
pub const HEAD_KEY: &[u8] = b"chain/head";

/// The record's canonical form: its JSON, keys sorted, compact, UTF-8.
///
/// Written through `Canon`, a borrowed mirror of `AuditRecord` whose fields are declared in
/// sorted order (serde_json writes a struct's fields in declaration order, whatever its
/// map order): no `Value` to build and sort per record, so `check` stays cheap on a long
/// log. The test `canonical_is_the_sorted_value` holds it to `to_value` with every object's
/// keys sorted, so a field added to `AuditRecord` or `Touch` and not here fails it.
pub fn canonical(record: &AuditRecord) -> String {
    let canon = Canon {
        actor: &record.actor,
        at: &record.at,
        command: &record.command,
        id: record.id,
        touched: record
            .touched
            .iter()
            .map(|t| CanonTouch { after: t.after, before: t.before, id: t.id, kind: t.kind, node: t.node })
            .collect(),
    };
    serde_json::to_string(&canon).unwrap_or_default()
}

#[derive(Serialize)]
struct Canon<'a> {
    actor: &'a str,
    at: &'a chrono::DateTime<chrono::Utc>,
    command: &'a str,
    id: u64,
    touched: Vec<CanonTouch>,
}

#[derive(Serialize)]
struct CanonTouch {
    after: u64,
    before: u64,
    id: u64,
    kind: RecordKind,
    node: Option<u32>,
}

/// Any JSON value in the canonical form, keys sorted whatever the map's order, compact: the
/// reference `canonical` is held to, and what a record read back as JSON (a dossier's
/// `audit.jsonl`) is hashed as.
pub fn canonical_value(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write_sorted(v, &mut out);
    out
}

fn write_sorted(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_sorted(v, out);
            }
            out.push('}');
        }
        Value::Array(list) => {
            out.push('[');
            for (i, v) in list.iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                write_sorted(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// `sha256(prev + "\n" + canonical)` in lowercase hex.
pub fn link_hash(prev: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// The link `record` gets after `prev`.
pub fn link(prev: &str, record: &AuditRecord) -> Link {
    Link { id: record.id, prev: prev.to_string(), hash: link_hash(prev, &canonical(record)) }
}

/// The head as kept in the meta tree.
pub fn head_bytes(id: u64, hash: &str) -> Vec<u8> {
    let mut v = keys::id(id).to_vec();
    v.extend_from_slice(hash.as_bytes());
    v
}

/// Reads a head; `None` when the bytes are not 8 + 64 hex digits.
pub fn read_head(bytes: &[u8]) -> Option<(u64, String)> {
    let id = keys::read_id(bytes)?;
    let hash = std::str::from_utf8(bytes.get(8..)?).ok()?;
    (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(|| (id, hash.to_string()))
}

/// Writes `record` to the audit tree with its link, and moves the head: the one way an
/// audit record is written. Its id must come after the head's.
pub fn append(tx: &Tx, record: &AuditRecord) -> Result<Link> {
    let prev = match tx.raw_get(tx::META, HEAD_KEY)? {
        None => None,
        Some(bytes) => Some(read_head(&bytes).ok_or_else(|| Error::corrupt("审计日志的链头", "格式不对 (malformed chain head)"))?),
    };
    if let Some((last, _)) = &prev
        && record.id <= *last
    {
        return Err(Error::corrupt(format!("审计记录 #{}", record.id), format!("序号不在链头 #{last} 之后")));
    }
    let l = link(prev.as_ref().map_or(GENESIS, |(_, h)| h.as_str()), record);
    tx.raw_put(tx::AUDIT, &keys::id(record.id), &encode(record))?;
    tx.put(tx::CHAIN, &keys::id(record.id), &l)?;
    tx.raw_put(tx::META, HEAD_KEY, &head_bytes(record.id, &l.hash))?;
    Ok(l)
}

/// How the chain breaks at a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakKind {
    /// The record's content does not hash to its link's hash (the record was changed).
    Content {
        stored: String,
        computed: String,
    },
    /// The link's prev is not the hash of the record before (one was removed, reordered or
    /// inserted).
    Prev {
        stored: String,
        expected: String,
    },
    /// The link names another id than the record.
    Id {
        link: u64,
    },
    MissingLink,
    MissingRecord,
    /// The meta tree's head is not the last link.
    Head,
}

/// The first record at which the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub id: u64,
    pub kind: BreakKind,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = self.id;
        match &self.kind {
            BreakKind::Content { stored, computed } => write!(
                f,
                "审计日志第 {id} 条记录的哈希链断开：记录的内容与链上的哈希不符，记录已被改动（链上 {stored}，按内容算得 {computed}）"
            ),
            BreakKind::Prev { stored, expected } => write!(
                f,
                "审计日志第 {id} 条记录的哈希链断开：它所链接的前一哈希与前一条记录不符，前面的记录被删除、调换或插入（链上 {stored}，应为 {expected}）"
            ),
            BreakKind::Id { link } => write!(f, "审计日志第 {id} 条记录的哈希链断开：链上此处记的是第 {link} 条"),
            BreakKind::MissingLink => write!(f, "审计日志第 {id} 条记录的哈希链断开：这条记录没有链接"),
            BreakKind::MissingRecord => write!(f, "审计日志第 {id} 条记录的哈希链断开：链上有它，记录却不见了"),
            BreakKind::Head => write!(f, "审计日志第 {id} 条记录的哈希链断开：链头不是最后一条记录（其后的记录被删除）"),
        }
    }
}

/// Verifies the chain from the genesis: `entries` are every record with its link in id
/// order, either side possibly missing. Names the first record that breaks it.
pub fn verify<'a>(entries: impl IntoIterator<Item = (Option<&'a AuditRecord>, Option<&'a Link>)>) -> std::result::Result<(), Break> {
    let mut expected = GENESIS.to_string();
    for entry in entries {
        let (record, l) = match entry {
            (Some(r), Some(l)) => (r, l),
            (Some(r), None) => return Err(Break { id: r.id, kind: BreakKind::MissingLink }),
            (None, Some(l)) => return Err(Break { id: l.id, kind: BreakKind::MissingRecord }),
            (None, None) => continue,
        };
        if l.id != record.id {
            return Err(Break { id: record.id, kind: BreakKind::Id { link: l.id } });
        }
        if l.prev != expected {
            return Err(Break { id: record.id, kind: BreakKind::Prev { stored: l.prev.clone(), expected } });
        }
        let computed = link_hash(&l.prev, &canonical(record));
        if computed != l.hash {
            return Err(Break { id: record.id, kind: BreakKind::Content { stored: l.hash.clone(), computed } });
        }
        expected = computed;
    }
    Ok(())
}

/// `verify` over what `Store::audit_chain(None)` returns.
pub fn verify_pairs(chain: &[(AuditRecord, Link)]) -> std::result::Result<(), Break> {
    verify(chain.iter().map(|(r, l)| (Some(r), Some(l))))
}

/// Pairs records and links by id (both in id order): (id, record, link).
pub fn merge<'a>(records: &'a [AuditRecord], links: &'a [Link]) -> Vec<(Option<&'a AuditRecord>, Option<&'a Link>)> {
    let (mut r, mut l) = (records.iter().peekable(), links.iter().peekable());
    let mut out = Vec::with_capacity(records.len().max(links.len()));
    loop {
        let next = match (r.peek(), l.peek()) {
            (None, None) => break,
            (Some(a), Some(b)) if a.id == b.id => (r.next(), l.next()),
            (Some(a), Some(b)) if a.id < b.id => (r.next(), None),
            (Some(_), None) => (r.next(), None),
            _ => (None, l.next()),
        };
        out.push(next);
    }
    out
}

/// The problem `check` reports: the first break, including a head that is not the last
/// link. `head` is the meta tree's, if any.
pub fn problem(records: &[AuditRecord], links: &[Link], head: Option<(u64, String)>) -> Option<String> {
    if let Err(b) = verify(merge(records, links)) {
        return Some(b.to_string());
    }
    match (links.last(), head) {
        (None, None) => None,
        (Some(l), Some((id, hash))) if l.id == id && l.hash == hash => None,
        (Some(l), _) => Some(Break { id: l.id, kind: BreakKind::Head }.to_string()),
        (None, Some((id, _))) => Some(Break { id, kind: BreakKind::MissingRecord }.to_string()),
    }
}

/// Record kinds whose touch id is the project's own.
fn project_keyed(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::Project | RecordKind::Tree | RecordKind::Indicator | RecordKind::Report | RecordKind::Form)
}

impl Store {
    /// The links in id order (decoded; a link that does not decode is an error).
    pub fn chain_links(&self) -> Result<Vec<Link>> {
        let mut out = Vec::new();
        for kv in self.tree(tx::CHAIN).iter() {
            let (k, v) = kv.map_err(in_store)?;
            out.push(decode(&v, &format!("审计链 #{}", keys::read_id(&k).unwrap_or(0)))?);
        }
        Ok(out)
    }

    /// The head kept in the meta tree.
    pub fn chain_head(&self) -> Result<Option<(u64, String)>> {
        Ok(self.tree(tx::META).get(HEAD_KEY).map_err(in_store)?.and_then(|b| read_head(&b)))
    }

    /// Every audit record with its link (or those touching `project`: its own records, and
    /// its findings, items and their responses, notices and milestones), in id order. A
    /// record without a link is `corrupt`.
    pub fn audit_chain(&self, project: Option<u64>) -> Result<Vec<(AuditRecord, Link)>> {
        let records = self.audit_log()?;
        let links = self.chain_links()?;
        let children: Option<HashSet<(u8, u64)>> = match project {
            None => None,
            Some(p) => {
                let mut set = HashSet::new();
                for kind in [keys::CHILD_FINDING, keys::CHILD_ITEM, keys::CHILD_NOTICE, keys::CHILD_MILESTONE] {
                    for kv in self.tree(tx::CHILDREN).scan_prefix(keys::child_prefix(kind, p)) {
                        let (k, _) = kv.map_err(in_store)?;
                        set.insert((kind, keys::read_id(&k[9..]).unwrap_or(0)));
                    }
                }
                Some(set)
            }
        };
        let touches = |a: &AuditRecord| match (project, &children) {
            (Some(p), Some(set)) => a.touched.iter().any(|t| {
                let child = match t.kind {
                    RecordKind::Finding => keys::CHILD_FINDING,
                    RecordKind::Item | RecordKind::Response => keys::CHILD_ITEM,
                    RecordKind::Notice => keys::CHILD_NOTICE,
                    RecordKind::Milestone => keys::CHILD_MILESTONE,
                    _ => return project_keyed(t.kind) && t.id == p,
                };
                set.contains(&(child, t.id))
            }),
            _ => true,
        };
        let mut out = Vec::new();
        for (r, l) in merge(&records, &links) {
            let Some(r) = r else { continue };
            let Some(l) = l else { return Err(Error::corrupt(format!("审计记录 #{}", r.id), "没有哈希链链接 (no chain link)")) };
            if touches(r) {
                out.push((r.clone(), l.clone()));
            }
        }
        Ok(out)
    }

    /// Links every audit record from the genesis, in id order, in batches (a store from
    /// before the chain, or a chaining cut short: it starts over, the links are derived).
    /// Returns the last link's id and hash. A record that does not decode gets no link and
    /// is skipped (`check` names it).
    pub(super) fn chain_existing(&self) -> Result<Option<(u64, String)>> {
        const BATCH: usize = 5_000;
        let chain = self.tree(tx::CHAIN);
        chain.clear().map_err(in_store)?;
        let mut prev = GENESIS.to_string();
        let mut last = None;
        let mut batch = sled::Batch::default();
        let mut pending = 0;
        for kv in self.audit_tree().iter() {
            let (k, v) = kv.map_err(in_store)?;
            crate::progress::at("审计日志加链", &k);
            let Ok(record) = decode::<AuditRecord>(&v, "审计记录") else { continue };
            let l = link(&prev, &record);
            batch.insert(&keys::id(record.id), encode(&l));
            prev = l.hash;
            last = Some(record.id);
            pending += 1;
            if pending == BATCH {
                chain.apply_batch(std::mem::take(&mut batch)).map_err(in_store)?;
                pending = 0;
            }
        }
        if pending > 0 {
            chain.apply_batch(batch).map_err(in_store)?;
        }
        Ok(last.map(|id| (id, prev)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::audit::Touch;

    #[test]
    fn canonical_is_the_sorted_value() {
        let mut r = record(9, "引号 \" 反斜杠 \\ 换行\n 控制 \u{1} \u{7f}");
        r.at = chrono::DateTime::UNIX_EPOCH + chrono::Duration::nanoseconds(1_234_567_891);
        r.touched = vec![
            Touch { kind: RecordKind::Indicator, id: 3, node: Some(4), before: 1, after: 2 },
            Touch { kind: RecordKind::Response, id: 5, node: None, before: 0, after: 1 },
        ];
        let want = canonical_value(&serde_json::to_value(&r).unwrap());
        assert_eq!(canonical(&r), want);
    }

    fn record(id: u64, command: &str) -> AuditRecord {
        AuditRecord { id, actor: "张三".into(), at: chrono::DateTime::UNIX_EPOCH, command: command.into(), touched: vec![] }
    }

    #[test]
    fn canonical_is_sorted_and_compact() {
        let c = canonical(&record(1, "{\"cmd\":\"x\"}"));
        assert_eq!(c, r#"{"actor":"张三","at":"1970-01-01T00:00:00Z","command":"{\"cmd\":\"x\"}","id":1,"touched":[]}"#);
    }

    #[test]
    fn a_chain_verifies_and_names_the_first_break() {
        let records: Vec<AuditRecord> = (1..=4).map(|i| record(i, &format!("c{i}"))).collect();
        let mut prev = GENESIS.to_string();
        let mut links = vec![];
        for r in &records {
            let l = link(&prev, r);
            prev = l.hash.clone();
            links.push(l);
        }
        assert_eq!(verify(merge(&records, &links)), Ok(()));
        let mut changed = records.clone();
        changed[2].command = "c3!".into();
        assert!(matches!(verify(merge(&changed, &links)), Err(Break { id: 3, kind: BreakKind::Content { .. } })));
        let dropped: Vec<AuditRecord> = records.iter().filter(|r| r.id != 2).cloned().collect();
        let dropped_links: Vec<Link> = links.iter().filter(|l| l.id != 2).cloned().collect();
        assert!(matches!(verify(merge(&dropped, &dropped_links)), Err(Break { id: 3, kind: BreakKind::Prev { .. } })));
        assert!(matches!(verify(merge(&records, &dropped_links)), Err(Break { id: 2, kind: BreakKind::MissingLink })));
        assert!(matches!(verify(merge(&dropped, &links)), Err(Break { id: 2, kind: BreakKind::MissingRecord })));
        assert_eq!(problem(&records, &links, Some((4, links[3].hash.clone()))), None);
        assert!(problem(&records[..3], &links[..3], Some((4, links[3].hash.clone()))).is_some_and(|p| p.contains("第 3 条")));
    }
}
