//! jixiao (绩效): a terminal workbench for budget performance evaluation teams.

pub mod domain;
pub mod i18n;
