//! The store's sha256 audit chain as the dossier reads it. TEMPORARY stand-in until branch
//! `chain` (src/store/chain.rs, `Query::AuditChain`) is merged: same names, computed here
//! over the whole audit log in id order.

use crate::backend::{Backend, Query, Reply};
use crate::domain::{Error, Result};
use crate::read::AuditRecord;

/// One record's place in the chain: the hash before it and its own (lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: u64,
    pub prev: String,
    pub hash: String,
}

/// The record as compact JSON with sorted keys (serde_json's map is a BTreeMap).
pub fn canonical(record: &AuditRecord) -> String {
    serde_json::to_value(record).map(|v| v.to_string()).unwrap_or_default()
}

/// sha256(prev + "\n" + canonical) as hex.
pub fn link_hash(prev: &str, canonical: &str) -> String {
    crate::read::issued::sha256_hex(format!("{prev}\n{canonical}").as_bytes())
}

/// The records touching the project `code`, each with its link.
pub fn audit_chain(backend: &dyn Backend, _code: Option<&str>) -> Result<Vec<(AuditRecord, Link)>> {
    let mut prev = "0".repeat(64);
    let mut out = Vec::new();
    let mut log = match backend.query(&Query::Audit)? {
        Reply::Audit(log) => log,
        _ => return Err(Error::corrupt("审计日志", "回复类型不符")),
    };
    log.sort_by_key(|a| a.id);
    for a in log {
        let hash = link_hash(&prev, &canonical(&a));
        let link = Link { id: a.id, prev: std::mem::replace(&mut prev, hash.clone()), hash };
        out.push((a, link));
    }
    Ok(out)
}
