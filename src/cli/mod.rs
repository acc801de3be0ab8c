//! Non-interactive commands, one file each.
