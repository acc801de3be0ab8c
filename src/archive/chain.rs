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

/// Any JSON value in the canonical form (keys sorted whatever the map's order, compact):
/// what `jixiao verify` hashes a record read back from `audit.jsonl` as.
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
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_sorted(v, out);
            }
            out.push('}');
        }
        Value::Array(list) => {
            out.push('[');
            for (i, v) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
