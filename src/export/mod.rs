//! Exports: the JSON bundle, the rectification ledger (整改台账: table, CSV, JSON, XLSX)
//! and, with later issues, Markdown.

pub mod bundle;
pub mod ledger;
pub mod ledger_render;
