//! Exports rendered from read models: the rectification ledger (整改台账: table, CSV, JSON, XLSX)
//! and the rectification notice (整改通知书: Markdown, plain text for A4, .docx, PDF).

pub mod docx;
pub mod ledger;
pub mod ledger_render;
pub mod notice;
pub mod notice_docx;
pub mod pdf;
