//! jixiao (绩效): a terminal workbench for budget performance evaluation teams.

pub mod archive;
pub mod attachments;
pub mod backend;
pub mod cli;
pub mod command;
pub mod connect;
pub mod demo;
pub mod doctor;
pub mod domain;
pub mod export;
pub mod fsutil;
pub mod i18n;
pub mod identity;
pub mod layout;
pub mod outlines;
pub mod progress;
pub mod query;
pub mod read;
pub mod remote;
pub mod server;
pub mod sheet;
pub mod signals;
pub mod store;
pub mod templates;
pub mod text;
pub mod tui;
