//! The store's sha256 audit chain as the dossier reads it (`store/chain.rs`): the links of a
//! project's records through `Query::AuditChain`, and the canonical form of a record read
//! back from `audit.jsonl` as JSON (the same bytes `store::chain::canonical` writes).

use crate::backend::{Backend, Fetch};
use crate::domain::Result;
use crate::read::AuditRecord;
pub use crate::read::audit::Link;
pub use crate::store::chain::{GENESIS, canonical, link_hash};

/// The records touching the project `code` (all of them for `None`), each with its link.
pub fn audit_chain(backend: &dyn Backend, code: Option<&str>) -> Result<Vec<(AuditRecord, Link)>> {
    backend.audit_chain(code)
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
