//! Every stored value is `[schema version][bincode payload][CRC32C]`: the checksum covers
//! the version byte and the payload and is stored as 4 bytes little-endian. sled does not
//! catch every flipped byte, and a flip inside a string or a number would otherwise read
//! as different data; with the checksum any value that is not what was written is
//! `corrupt`, naming the record. Version 1 (the first layout, no checksum) still decodes;
//! `migrate.rs` rewrites a version-1 store when it is opened.
//!
//! bincode has no field names, so a changed struct breaks old records: when a stored struct
//! changes, freeze the old one in `migrate.rs`, bump `SCHEMA`, and add its upgrade there.
//! Every version from 2 on ends in the CRC32C of what precedes it, so a value claiming a
//! newer version is told apart from a damaged one. The committed fixtures
//! `fixtures/codec/v1-*.bin`, `v2-*.bin` and `v3-*.bin` prove that all versions still decode.
//! Version 3 (findings with 评价依据 and a title) has version 2's frame.

use crate::domain::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The schema this binary writes.
pub const SCHEMA: u8 = 3;

/// Bytes of the trailing checksum.
pub const CHECKSUM_LEN: usize = 4;

/// The most a decode may claim for strings and lists in one value. A damaged length prefix
/// (in a version-1 value, or one whose damage the checksum missed) would otherwise make
/// bincode allocate what the prefix says (up to 2^64 bytes: an abort, not an error). The
/// largest values jixiao writes are an import's audit record (a code and a touch per project
/// imported: ~170 KB for 10,000 projects) and an indicator tree with its bases (tens of KB),
/// so 64 MiB leaves a margin of hundreds, and one wrongly sized allocation of 64 MiB is
/// harmless even in `check`'s 4 GiB child.
pub const DECODE_LIMIT: usize = 64 * 1024 * 1024;

fn encode_config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// The same byte layout as `encode_config`; the limit only bounds what decoding may claim.
fn decode_config()
-> bincode::config::Configuration<bincode::config::LittleEndian, bincode::config::Varint, bincode::config::Limit<DECODE_LIMIT>> {
    bincode::config::standard().with_limit::<DECODE_LIMIT>()
}

/// CRC32C of the bytes a checksum covers.
pub fn checksum(bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
    crc32c::crc32c(bytes).to_le_bytes()
}

/// True when `bytes` ends in the CRC32C of what precedes it (the frame of version 2 and on).
pub fn checksum_holds(bytes: &[u8]) -> bool {
    match bytes.len().checked_sub(CHECKSUM_LEN) {
        Some(body) => bytes[body..] == checksum(&bytes[..body]),
        None => false,
    }
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![SCHEMA];
    // Encoding our own plain structs into a Vec cannot fail (no I/O, no unsupported types,
    // no limit on encoding); an empty payload would still be caught by decode and `check`.
    if let Ok(payload) = bincode::serde::encode_to_vec(value, encode_config()) {
        out.extend_from_slice(&payload);
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum);
    out
}

/// Decodes a stored value; `what` names the record for the error message. The checksum is
/// verified before any byte of the payload is decoded.
pub fn decode<T: DeserializeOwned + 'static>(bytes: &[u8], what: &str) -> Result<T> {
    let Some(&version) = bytes.first() else {
        return Err(Error::corrupt(what, "空记录 (empty value)"));
    };
    if version >= 2 && !checksum_holds(bytes) {
        return Err(Error::corrupt(what, "校验和不符：存储的字节已被改动 (checksum mismatch)"));
    }
    if version > SCHEMA {
        return Err(Error::SchemaTooNew { found: version, supported: SCHEMA });
    }
    if version < SCHEMA {
        // Version 1 has no checksum; from 2 on it was verified above.
        let end = if version >= 2 { bytes.len() - CHECKSUM_LEN } else { bytes.len() };
        return super::migrate::upgrade(version, &bytes[1..end], what);
    }
    decode_payload(&bytes[1..bytes.len() - CHECKSUM_LEN], what)
}

/// Decodes a bincode payload that must be used up exactly, within `DECODE_LIMIT`.
pub(crate) fn decode_payload<T: DeserializeOwned>(payload: &[u8], what: &str) -> Result<T> {
    let (value, used) = bincode::serde::decode_from_slice(payload, decode_config()).map_err(|e| Error::corrupt(what, e))?;
    if used != payload.len() {
        return Err(Error::corrupt(what, format!("{} 字节多余 (trailing bytes)", payload.len() - used)));
    }
    Ok(value)
}
