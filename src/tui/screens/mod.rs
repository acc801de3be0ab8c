//! Screens and popups.

pub mod dashboard;
pub mod documents;
pub mod editor;
pub mod evidence;
pub mod findings;
pub mod form;
pub mod form_row;
pub mod ledger;
pub mod paper_history;
pub mod paste_rows;
pub mod popups;
pub mod project_list;
pub mod project_view;
pub mod rectification;
pub mod report;
pub mod report_text;
pub mod score_editor;
pub mod scoring;
pub mod search;
pub mod selfcheck;
pub mod tree_find;
pub mod undo;
pub mod unsaved;
