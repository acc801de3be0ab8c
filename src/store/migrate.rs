//! Schema migrations. Version 1 is the first stored layout and the current one, so no
//! record needs upgrading yet. When SCHEMA becomes 2: copy the changed structs here as
//! `v1::Project` etc. (frozen), decode the payload with them, convert to the current
//! type, and add a store-wide rewrite in `migrate_store` so old bytes do not linger.

use crate::domain::{Error, Result};
use serde::de::DeserializeOwned;

/// Decodes a payload written by an older schema into the current type.
pub fn upgrade<T: DeserializeOwned>(version: u8, _payload: &[u8], what: &str) -> Result<T> {
    Err(Error::corrupt(what, format!("未知的数据格式版本 {version} (unknown schema version)")))
}

/// Brings a whole store from `from` to the current schema; a no-op while SCHEMA is 1.
pub fn migrate_store(from: u8, _db: &sled::Db) -> Result<()> {
    match from {
        super::codec::SCHEMA => Ok(()),
        v => Err(Error::corrupt("store", format!("未知的数据格式版本 {v} (unknown schema version)"))),
    }
}
