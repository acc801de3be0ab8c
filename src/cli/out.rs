//! Everything the CLI prints passes through here: text from the store may hold control
//! characters written before they were refused at entry, and a terminal would act on them.

use crate::domain::{Error, Result};
use crate::text::sanitize;
use std::io::Write;

/// Writes to standard output, control characters shown, not sent; a reader that stops
/// early (`| head`) is not an error.
pub fn stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(sanitize(text).as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Error::io("stdout", e)),
    }
}

/// Bytes of a binary file (docx, pdf) to standard output as they are; the caller has made
/// sure it is not a terminal. A reader that stops early is not an error.
pub fn stdout_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Error::io("stdout", e)),
    }
}

/// One line to standard output.
pub fn line(text: &str) -> Result<()> {
    stdout(&format!("{text}\n"))
}

/// One line to standard error; a closed terminal is no reason to panic.
pub fn err_line(text: &str) {
    let _ = writeln!(std::io::stderr(), "{}", sanitize(text));
}
