//! Schema migrations, run by `Store::open` when the meta tree names an older schema.
//!
//! 1 → 2: the stored structs did not change; every codec-encoded value gains the CRC32C
//! of its version byte and payload (`codec.rs`). A version-1 value is re-framed byte for
//! byte (`[1][payload]` → `[2][payload][crc]`), not decoded and encoded again: the same
//! payload is kept, so a value that did not decode before the migration still does not
//! (and `check` names it), and no tree needs a type to be migrated. The trees are rewritten
//! in batches; the schema byte moves to 2 only at the end, in one transaction with the
//! migration's audit record, so a migration cut short runs again on the next open and skips
//! what it already rewrote.
//!
//! 2 → 3: the audit log's hash chain (`chain.rs`). Every existing record is linked in id
//! order (in batches, from the genesis each time, so a chaining cut short starts over);
//! then, in one transaction, the head is set, the migration records itself (审计日志加链,
//! chained like every record) and `schema` moves to 3. The values' frame stays version 2:
//! `STORE_SCHEMA` (the meta tree's `schema` byte) and `codec::SCHEMA` (each value's first
//! byte) are counted apart from here on. A binary from before the chain refuses a store of
//! schema 3 (too new) rather than append records without links.
//!
//! When a stored struct changes: copy the old one here as `v2::Project` etc. (frozen),
//! decode the older payload with it in `upgrade`, convert, and add the store-wide rewrite.

use super::codec;
use super::heal::in_store;
use super::{Ctx, Store, chain, tx};
use crate::domain::{Error, Result};
use crate::read::audit::AuditRecord;
use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

/// The store's version, kept as the meta tree's `schema` byte: 1 and 2 as the values' frame,
/// 3 from the audit chain on (see the module doc).
pub const STORE_SCHEMA: u8 = 3;

/// Trees whose every value is codec-encoded (the others hold raw ids or nothing).
pub const ENCODED_TREES: [usize; 16] = [
    tx::PROJECTS,
    tx::TREES,
    tx::FINDINGS,
    tx::ITEMS,
    tx::RESPONSES,
    tx::NOTICES,
    tx::MILESTONES,
    tx::DEADLINES,
    tx::SUMMARIES,
    tx::ISSUED,
    // Reports came after schema 2; a value framed as version 1 there is reframed all the same.
    tx::REPORTS,
    tx::REPORT_ISSUES,
    tx::REVIEWS,
    tx::OVERRIDES,
    tx::FORMS,
    tx::CHAIN,
];

/// Values rewritten per sled batch: large enough that a 10,000-project store takes a few
/// dozen batches, small enough that a batch stays a few megabytes.
const BATCH: usize = 5_000;

/// In the meta tree only the settings are codec-encoded; the schema byte, the derived
/// trees' version and the id counters are raw bytes.
pub fn meta_is_encoded(key: &[u8]) -> bool {
    key == super::read::CATEGORIES_KEY
        || key == super::roles::ADMINS_KEY
        || key.starts_with(b"budget_total/")
        || key.starts_with(b"notice_prefix/")
        || key.starts_with(b"report_prefix/")
        || key.starts_with(super::tx::QUALITY_REVIEWER)
        || key.starts_with(super::tx::DOSSIERS)
}

/// Decodes a value written by an older schema into the current type.
pub fn upgrade<T: DeserializeOwned>(version: u8, payload: &[u8], what: &str) -> Result<T> {
    match version {
        // Version 1 is version 2 without the checksum: same structs, same payload.
        1 => codec::decode_payload(payload, what),
        v => Err(Error::corrupt(what, format!("未知的数据格式版本 {v} (unknown schema version)"))),
    }
}

/// The audit record's text for a migration (a JSON object like every command's); the one
/// to 3 says what it did.
pub fn audit_text(from: u8, to: u8) -> String {
    if to == 3 {
        return serde_json::json!({"cmd": "migrate", "from": from, "to": to, "what": "审计日志加链 (audit chain added)"}).to_string();
    }
    serde_json::json!({"cmd": "migrate", "from": from, "to": to}).to_string()
}

impl Store {
    /// Brings the store from schema `from` to `STORE_SCHEMA`, recording it as `who()` in the audit
    /// log. Runs in `open`, before any read: the kept lists are still empty, and the derived
    /// trees are re-framed like every other tree, so they still match their records.
    pub(super) fn migrate(&self, from: u8, who: impl FnOnce() -> Ctx) -> Result<()> {
        if from == 0 || from >= STORE_SCHEMA {
            return Err(Error::corrupt("store", format!("未知的数据格式版本 {from} (unknown schema version)")));
        }
        let ctx = who();
        if from == 1 {
            for idx in ENCODED_TREES {
                reframe_v1(self.tree(idx), |_| true)?;
            }
            reframe_v1(self.audit_tree(), |_| true)?;
            reframe_v1(self.tree(tx::META), meta_is_encoded)?;
            self.record_migration(&ctx, 1, 2, None)?;
        }
        let head = self.chain_existing()?;
        self.record_migration(&ctx, 2, STORE_SCHEMA, Some(head))
    }

    /// In one transaction: the migration's audit record (chained) and the new `schema` byte.
    /// `head`: the chain as just linked, set first (`Some(None)`: no record yet).
    fn record_migration(&self, ctx: &Ctx, from: u8, to: u8, head: Option<Option<(u64, String)>>) -> Result<()> {
        let mut all: Vec<&sled::Tree> = self.trees.iter().collect();
        all.push(&self.audit);
        let result = all.as_slice().transaction(|t| {
            let txn = tx::Tx::new(t);
            match &head {
                Some(Some((id, hash))) => txn.raw_put(tx::META, chain::HEAD_KEY, &chain::head_bytes(*id, hash)),
                Some(None) => txn.del(tx::META, chain::HEAD_KEY),
                None => Ok(()),
            }
            .map_err(ConflictableTransactionError::Abort)?;
            let id = txn.next_seq(b"seq/audit").map_err(ConflictableTransactionError::Abort)?;
            let record = AuditRecord { id, actor: ctx.actor.clone(), at: ctx.now, command: audit_text(from, to), touched: vec![] };
            chain::append(&txn, &record).map_err(ConflictableTransactionError::Abort)?;
            t[tx::META].insert(&b"schema"[..], &[to])?;
            Ok(())
        });
        match result {
            Ok(()) => self.flush(),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(in_store(e)),
        }
    }
}

/// Gives every version-1 value of `tree` whose key passes `encoded` its checksum, in
/// batches. Values already of version 2 (a migration cut short) or unreadable are left:
/// `check` names the unreadable ones.
fn reframe_v1(tree: &sled::Tree, encoded: impl Fn(&[u8]) -> bool) -> Result<()> {
    let label = format!("迁移 {}", String::from_utf8_lossy(&tree.name()));
    let mut batch = sled::Batch::default();
    let mut pending = 0;
    for kv in tree.iter() {
        let (k, v) = kv.map_err(in_store)?;
        if v.first() != Some(&1) || !encoded(&k) {
            continue;
        }
        crate::progress::at(&label, &k);
        let mut out = Vec::with_capacity(v.len() + codec::CHECKSUM_LEN);
        out.push(2);
        out.extend_from_slice(&v[1..]);
        let sum = codec::checksum(&out);
        out.extend_from_slice(&sum);
        batch.insert(k, out);
        pending += 1;
        if pending == BATCH {
            tree.apply_batch(std::mem::take(&mut batch)).map_err(in_store)?;
            pending = 0;
        }
    }
    if pending > 0 {
        tree.apply_batch(batch).map_err(in_store)?;
    }
    Ok(())
}
