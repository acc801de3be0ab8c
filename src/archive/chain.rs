//! The store's sha256 audit chain as the dossier reads it (`store/chain.rs`): the canonical
//! form of a record read back from `audit.jsonl` as JSON (the same bytes
//! `store::chain::canonical` writes), the link hash and the genesis value; the links of a
//! project's records come from `Backend::audit_chain`.

pub use crate::read::audit::Link;
pub use crate::store::chain::{GENESIS, canonical, canonical_value, link_hash};
