//! Key layouts. Ids are big-endian u64 so byte order is numeric order.

use chrono::{Datelike, NaiveDate};

pub fn id(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

pub fn read_id(bytes: &[u8]) -> Option<u64> {
    bytes.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes)
}

/// Children index: kind byte, parent project id, child id.
pub fn child(kind: u8, project: u64, child: u64) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[0] = kind;
    k[1..9].copy_from_slice(&project.to_be_bytes());
    k[9..].copy_from_slice(&child.to_be_bytes());
    k
}

pub fn child_prefix(kind: u8, project: u64) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = kind;
    k[1..9].copy_from_slice(&project.to_be_bytes());
    k
}

pub const CHILD_FINDING: u8 = b'f';
pub const CHILD_ITEM: u8 = b'i';
pub const CHILD_NOTICE: u8 = b'n';
pub const CHILD_MILESTONE: u8 = b'm';

/// Responses: item id, then sequence within the item.
pub fn response(item: u64, seq: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&item.to_be_bytes());
    k[8..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// Review chains: the project id, then the node id.
pub fn review(project: u64, node: u32) -> [u8; 12] {
    response(project, node)
}

/// Deadline index: the date (days from the common era, big-endian), a kind byte, the id.
pub fn deadline(date: NaiveDate, kind: u8, id: u64) -> [u8; 13] {
    let mut k = [0u8; 13];
    k[..4].copy_from_slice(&(date.num_days_from_ce() as u32).to_be_bytes());
    k[4] = kind;
    k[5..].copy_from_slice(&id.to_be_bytes());
    k
}

/// The date at the head of a deadline key.
pub fn deadline_date(key: &[u8]) -> Option<NaiveDate> {
    let days = u32::from_be_bytes(key.get(..4)?.try_into().ok()?);
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).ok()?)
}

pub fn deadline_date_prefix(date: NaiveDate) -> [u8; 4] {
    (date.num_days_from_ce() as u32).to_be_bytes()
}

pub const DEADLINE_ITEM: u8 = b'i';
pub const DEADLINE_MILESTONE: u8 = b'm';
pub const DEADLINE_NOTICE: u8 = b'n';
