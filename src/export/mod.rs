//! Exports: the JSON bundle (and, with later issues, CSV, XLSX and Markdown).

pub mod bundle;
