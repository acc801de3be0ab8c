//! Where a long scan is, for a parent watching it: `jixiao check` runs its scan in a child
//! process under a time and memory limit, and a child stopped by a limit (or killed by a
//! bug in a library) cannot say where it was. So the child writes the record it is about
//! to read into a file the parent gave it, at offset 0, before each record; the parent
//! reads the file once the child is gone. One small positioned write per record: no buffer
//! that an abort would lose. Without a file (every other process) `at` does nothing.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::OnceLock;

static SINK: OnceLock<File> = OnceLock::new();

/// Sends every later `at` to the file at `path` (created by the watching parent).
pub fn report_to(path: &Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new().write(true).open(path)?;
    let _ = SINK.set(file);
    Ok(())
}

/// Notes that the record `key` of `what` is read next.
pub fn at(what: &str, key: &[u8]) {
    let Some(file) = SINK.get() else { return };
    let mut line = String::with_capacity(what.len() + 6 + 2 * key.len());
    line.push_str(what);
    if !key.is_empty() {
        line.push_str(" key ");
    }
    for b in key.iter().take(64) {
        line.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('?'));
        line.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('?'));
    }
    // The line ends in NUL: a shorter line leaves an older, longer one's tail behind it.
    line.push('\0');
    // A lost note only makes a stopped check's message vaguer: never fail the scan for it.
    let _ = file.write_all_at(line.as_bytes(), 0);
}

/// The last note written to `path`, if any.
pub fn last(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    let text = String::from_utf8_lossy(&bytes[..end]).trim().to_string();
    (!text.is_empty()).then_some(text)
}
