//! Exports rendered from read models: the rectification ledger (整改台账: table, CSV, JSON, XLSX),
//! the rectification notice (整改通知书: Markdown, plain text for A4, .docx, PDF), and the
//! evaluation report (评价报告: Markdown; its score table as XLSX), and the self-evaluation
//! form (绩效自评表) as XLSX.

pub mod docx;
pub mod form_xlsx;
pub mod ledger;
pub mod ledger_render;
pub mod ledger_xlsx;
pub mod notice;
pub mod notice_docx;
pub mod pdf;
pub mod report;
pub mod report_docx;
pub mod report_xlsx;
