//! Exports rendered from read models: the rectification ledger (整改台账: table, CSV, JSON, XLSX)
//! and the rectification notice (整改通知书: Markdown, or plain text for A4).

pub mod ledger;
pub mod ledger_render;
pub mod notice;
