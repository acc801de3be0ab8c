//! Every stored value is `[schema version][bincode payload]`. bincode has no field names,
//! so a changed struct breaks old records: when a stored struct changes, freeze the old one
//! in `migrate.rs`, bump `SCHEMA`, and add its upgrade there. The committed fixture
//! `fixtures/codec/v1-*.bin` proves that version 1 still decodes.

use crate::domain::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The schema this binary writes.
pub const SCHEMA: u8 = 1;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![SCHEMA];
    // Encoding our own plain structs into a Vec cannot fail (no I/O, no unsupported types);
    // an empty payload would still be caught by decode and by `jixiao check`.
    if let Ok(payload) = bincode::serde::encode_to_vec(value, config()) {
        out.extend_from_slice(&payload);
    }
    out
}

/// Decodes a stored value; `what` names the record for the error message.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    let Some((&version, payload)) = bytes.split_first() else {
        return Err(Error::corrupt(what, "空记录 (empty value)"));
    };
    if version > SCHEMA {
        return Err(Error::SchemaTooNew { found: version, supported: SCHEMA });
    }
    if version < SCHEMA {
        return super::migrate::upgrade(version, payload, what);
    }
    let (value, used) = bincode::serde::decode_from_slice(payload, config()).map_err(|e| Error::corrupt(what, e))?;
    if used != payload.len() {
        return Err(Error::corrupt(what, format!("{} 字节多余 (trailing bytes)", payload.len() - used)));
    }
    Ok(value)
}
