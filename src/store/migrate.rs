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
//! 3 → 4: findings gain 评价依据 and a short title (`FindingBody::basis`, `title`), so the
//! values' frame moves to version 3 (`codec::SCHEMA`). A version-2 finding, and a notice's
//! issued copy (`IssuedNotice`, which keeps the findings it printed), are decoded with the
//! frozen `v2` structs below and get both fields empty; every other version-2 value has the
//! same payload in version 3 and is re-framed byte for byte. `upgrade` reads version-2 values
//! the same way, so a value the rewrite left (unreadable, or a tree it does not know) reads as
//! before and `check` names it. The schema byte moves to 4 only at the end, as before.
//!
//! When a stored struct changes: copy the old one here as `v2::Project` etc. (frozen),
//! decode the older payload with it in `upgrade`, convert, and add the store-wide rewrite.

use super::codec;
use super::heal::in_store;
use super::{Ctx, Store, chain, tx};
use crate::domain::Finding;
use crate::domain::{Error, Result};
use crate::read::audit::AuditRecord;
use crate::read::issued::IssuedNotice;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::any::{Any, TypeId};

/// The store's version, kept as the meta tree's `schema` byte: 1 and 2 as the values' frame,
/// 3 from the audit chain on (see the module doc).
pub const STORE_SCHEMA: u8 = 4;

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

/// Decodes a value written by an older schema into the current type. Version 1 is version 2
/// without the checksum (same structs, same payload); version 2 differs from 3 only in the
/// findings (also kept inside an issued notice's copy), read with the frozen `v2` structs.
pub fn upgrade<T: DeserializeOwned + 'static>(version: u8, payload: &[u8], what: &str) -> Result<T> {
    if !matches!(version, 1 | 2) {
        return Err(Error::corrupt(what, format!("未知的数据格式版本 {version} (unknown schema version)")));
    }
    let wanted = TypeId::of::<T>();
    let upgraded: Box<dyn Any> = if wanted == TypeId::of::<Finding>() {
        Box::new(Finding::from(codec::decode_payload::<v2::Finding>(payload, what)?))
    } else if wanted == TypeId::of::<IssuedNotice>() {
        Box::new(IssuedNotice::from(codec::decode_payload::<v2::IssuedNotice>(payload, what)?))
    } else {
        return codec::decode_payload(payload, what);
    };
    // The type was just compared, so the downcast holds; an error rather than a panic all the same.
    upgraded.downcast::<T>().map(|b| *b).map_err(|_| Error::corrupt(what, "升级后的类型不符 (upgrade type mismatch)"))
}

/// The audit record's text for a migration (a JSON object like every command's); the one
/// to 3 says what it did.
pub fn audit_text(from: u8, to: u8) -> String {
    if to == 4 {
        return serde_json::json!({"cmd": "migrate", "from": from, "to": to, "what": "问题增加评价依据与标题 (findings gain basis and title)"}).to_string();
    }
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
        if from <= 2 {
            let head = self.chain_existing()?;
            self.record_migration(&ctx, 2, 3, Some(head))?;
        }
        for idx in ENCODED_TREES {
            let recode: Option<Recode> = match idx {
                tx::FINDINGS => Some(recode::<Finding>),
                tx::ISSUED => Some(recode::<IssuedNotice>),
                _ => None,
            };
            reframe_v2(self.tree(idx), |_| true, recode)?;
        }
        reframe_v2(self.audit_tree(), |_| true, None)?;
        reframe_v2(self.tree(tx::META), meta_is_encoded, None)?;
        self.record_migration(&ctx, 3, STORE_SCHEMA, None)
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
    rewrite_in_batches(tree, |k, v| {
        if v.first() != Some(&1) || !encoded(k) {
            return None;
        }
        let mut out = Vec::with_capacity(v.len() + codec::CHECKSUM_LEN);
        out.push(2);
        out.extend_from_slice(&v[1..]);
        let sum = codec::checksum(&out);
        out.extend_from_slice(&sum);
        Some(out)
    })
}

/// The one loop both re-frames share: every value `rewrite` gives a new form for is written
/// back, `BATCH` at a time, its key noted for a watching parent (`progress`).
fn rewrite_in_batches(tree: &sled::Tree, mut rewrite: impl FnMut(&[u8], &[u8]) -> Option<Vec<u8>>) -> Result<()> {
    let label = format!("迁移 {}", String::from_utf8_lossy(&tree.name()));
    let mut batch = sled::Batch::default();
    let mut pending = 0;
    for kv in tree.iter() {
        let (k, v) = kv.map_err(in_store)?;
        let Some(out) = rewrite(&k, &v) else { continue };
        crate::progress::at(&label, &k);
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

/// Decodes a version-2 value of a changed type (through `upgrade`) and encodes it as today's.
type Recode = fn(&[u8], &str) -> Result<Vec<u8>>;

fn recode<T: DeserializeOwned + Serialize + 'static>(value: &[u8], what: &str) -> Result<Vec<u8>> {
    Ok(codec::encode(&codec::decode::<T>(value, what)?))
}

/// Moves every version-2 value of `tree` whose key passes `encoded` to version 3, in batches:
/// through `recode` for a tree whose type changed, else byte for byte with a new checksum.
/// Values already of version 3 (a migration cut short) or unreadable are left for `check`.
fn reframe_v2(tree: &sled::Tree, encoded: impl Fn(&[u8]) -> bool, recode: Option<Recode>) -> Result<()> {
    let name = String::from_utf8_lossy(&tree.name()).to_string();
    rewrite_in_batches(tree, |k, v| {
        if v.first() != Some(&2) || !encoded(k) || !codec::checksum_holds(v) {
            return None;
        }
        match recode {
            Some(recode) => recode(v, &name).ok(),
            None => {
                let mut out = Vec::with_capacity(v.len());
                out.push(codec::SCHEMA);
                out.extend_from_slice(&v[1..v.len() - codec::CHECKSUM_LEN]);
                let sum = codec::checksum(&out);
                out.extend_from_slice(&sum);
                Some(out)
            }
        }
    })
}

/// The stored structs of codec version 2 that version 3 changed, frozen: never edit them.
pub mod v2 {
    use crate::domain::evidence::Evidence;
    use crate::domain::finding::{self, FindingState, Severity};
    use crate::domain::meta::Meta;
    use crate::domain::{IndicatorTree, Notice, Project, RectItem};
    use crate::read::{issued, notice};
    use chrono::{DateTime, Utc};
    use rust_decimal::Decimal;
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct FindingBody {
        pub text: String,
        pub category: String,
        pub severity: Severity,
        #[serde(default, with = "crate::domain::money::plain::option")]
        pub amount: Option<Decimal>,
        pub indicators: Vec<u32>,
        pub evidence: Vec<Evidence>,
    }

    #[derive(Deserialize)]
    pub struct Revision {
        pub body: FindingBody,
        pub by: String,
        pub at: DateTime<Utc>,
        pub note: String,
    }

    #[derive(Deserialize)]
    pub struct Finding {
        pub id: u64,
        pub project: u64,
        pub seq: u32,
        pub body: FindingBody,
        pub state: FindingState,
        pub history: Vec<Revision>,
        pub withdraw_reason: Option<String>,
        pub meta: Meta,
    }

    #[derive(Deserialize)]
    pub struct NoticeDoc {
        pub notice: Notice,
        pub project: Project,
        pub tree: IndicatorTree,
        pub findings: Vec<Finding>,
        pub items: Vec<RectItem>,
        pub issuer: String,
    }

    #[derive(Deserialize)]
    pub struct IssuedNotice {
        pub doc: NoticeDoc,
        pub text_sha256: String,
        pub layout: u8,
    }

    /// A finding of version 2 had neither 评价依据 nor a title: both empty.
    impl From<FindingBody> for finding::FindingBody {
        fn from(b: FindingBody) -> Self {
            finding::FindingBody {
                text: b.text,
                category: b.category,
                severity: b.severity,
                amount: b.amount,
                indicators: b.indicators,
                evidence: b.evidence,
                basis: String::new(),
                title: String::new(),
            }
        }
    }

    impl From<Finding> for finding::Finding {
        fn from(f: Finding) -> Self {
            let history =
                f.history.into_iter().map(|r| finding::Revision { body: r.body.into(), by: r.by, at: r.at, note: r.note }).collect();
            finding::Finding {
                id: f.id,
                project: f.project,
                seq: f.seq,
                body: f.body.into(),
                state: f.state,
                history,
                withdraw_reason: f.withdraw_reason,
                meta: f.meta,
            }
        }
    }

    /// The copy keeps its layout stamp, so it is still printed as it was issued.
    impl From<IssuedNotice> for issued::IssuedNotice {
        fn from(c: IssuedNotice) -> Self {
            let d = c.doc;
            let doc = notice::NoticeDoc {
                notice: d.notice,
                project: d.project,
                tree: d.tree,
                findings: d.findings.into_iter().map(Into::into).collect(),
                items: d.items,
                issuer: d.issuer,
                layout: None,
            };
            issued::IssuedNotice { doc, text_sha256: c.text_sha256, layout: c.layout }
        }
    }
}
