//! The terminal workbench. It talks only to a `Backend`; it never touches sled.

pub mod action;
pub mod keymap;
pub mod terminal;
