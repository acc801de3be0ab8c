//! A writer between ratatui and the terminal that drops cursor moves to where the cursor
//! already is. ratatui's crossterm backend moves the cursor before every cell that does not
//! follow the previous one by exactly one column, so every Chinese character (two cells
//! wide) costs a needless `ESC[row;colH`. Over a slow SSH link that doubles each frame.

use std::io::{self, Write};
use unicode_width::UnicodeWidthChar;

pub struct CompactWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
    /// Where the terminal cursor is after what was written so far (0-based col, row), if known.
    at: Option<(u32, u32)>,
}

impl<W: Write> CompactWriter<W> {
    pub fn new(inner: W) -> Self {
        CompactWriter { inner, buf: Vec::with_capacity(16 * 1024), at: None }
    }

    /// Rewrites `input` into `out`, tracking the cursor and dropping redundant moves.
    fn compact(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut i = 0;
        while i < input.len() {
            if input[i] == 0x1b {
                let end = escape_end(input, i);
                let seq = &input[i..end];
                match cursor_target(seq) {
                    Some(target) if self.at == Some(target) => {}
                    Some(target) => {
                        out.extend_from_slice(seq);
                        self.at = Some(target);
                    }
                    None => {
                        out.extend_from_slice(seq);
                        if !is_sgr(seq) {
                            // Any other control may move the cursor: stop trusting the position.
                            self.at = None;
                        }
                    }
                }
                i = end;
                continue;
            }
            let len = utf8_len(input[i]).min(input.len() - i);
            let piece = &input[i..i + len];
            out.extend_from_slice(piece);
            match std::str::from_utf8(piece).ok().and_then(|s| s.chars().next()) {
                Some(c) if !c.is_control() => {
                    if let Some((col, row)) = self.at {
                        self.at = Some((col + c.width().unwrap_or(0) as u32, row));
                    }
                }
                _ => self.at = None,
            }
            i += len;
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// The end (exclusive) of the escape sequence starting at `start`.
fn escape_end(b: &[u8], start: usize) -> usize {
    match b.get(start + 1) {
        Some(b'[') => {
            let mut j = start + 2;
            while j < b.len() && !(0x40..=0x7e).contains(&b[j]) {
                j += 1;
            }
            (j + 1).min(b.len())
        }
        Some(_) => (start + 2).min(b.len()),
        None => b.len(),
    }
}

/// `ESC[row;colH` → (col, row), 0-based.
fn cursor_target(seq: &[u8]) -> Option<(u32, u32)> {
    let body = seq.strip_prefix(b"\x1b[")?.strip_suffix(b"H")?;
    let text = std::str::from_utf8(body).ok()?;
    let (row, col) = text.split_once(';')?;
    Some((col.parse::<u32>().ok()?.checked_sub(1)?, row.parse::<u32>().ok()?.checked_sub(1)?))
}

fn is_sgr(seq: &[u8]) -> bool {
    seq.starts_with(b"\x1b[") && seq.ends_with(b"m")
}

impl<W: Write> Write for CompactWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let input = std::mem::take(&mut self.buf);
        // An escape sequence or a character cut at the end waits for the next flush.
        let cut = incomplete_tail(&input);
        let mut out = Vec::with_capacity(input.len());
        self.compact(&input[..cut], &mut out);
        self.buf.extend_from_slice(&input[cut..]);
        self.inner.write_all(&out)?;
        self.inner.flush()
    }
}

/// Where a trailing incomplete escape sequence or UTF-8 character starts (or the length).
fn incomplete_tail(b: &[u8]) -> usize {
    if let Some(esc) = b.iter().rposition(|x| *x == 0x1b) {
        let complete = match b.get(esc + 1) {
            None => false,
            Some(b'[') => b[esc + 2..].iter().any(|x| (0x40..=0x7e).contains(x)),
            Some(_) => true,
        };
        if !complete {
            return esc;
        }
    }
    for i in (b.len().saturating_sub(3)..b.len()).rev() {
        if b[i] & 0xc0 != 0x80 {
            return if i + utf8_len(b[i]) > b.len() { i } else { b.len() };
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8]) -> Vec<u8> {
        let mut w = CompactWriter::new(Vec::new());
        w.write_all(input).ok();
        w.flush().ok();
        w.inner
    }

    #[test]
    fn moves_after_wide_characters_are_dropped() {
        let input = "\x1b[1;22H编\x1b[1;24H号\x1b[1;26H \x1b[2;1Hx".as_bytes();
        assert_eq!(run(input), "\x1b[1;22H编号 \x1b[2;1Hx".as_bytes());
    }

    #[test]
    fn moves_elsewhere_and_after_other_controls_are_kept() {
        let input = "\x1b[1;1Hab\x1b[1;5Hc\x1b[?25l\x1b[1;6Hd\x1b[38;5;8md\x1b[1;8He".as_bytes();
        assert_eq!(run(input), "\x1b[1;1Hab\x1b[1;5Hc\x1b[?25l\x1b[1;6Hd\x1b[38;5;8mde".as_bytes());
    }

    #[test]
    fn a_sequence_split_across_flushes_is_kept_whole() {
        let mut w = CompactWriter::new(Vec::new());
        w.write_all(b"\x1b[1;1Ha\x1b[1;").ok();
        w.flush().ok();
        w.write_all("2H人".as_bytes()).ok();
        w.flush().ok();
        assert_eq!(w.inner, "\x1b[1;1Ha人".as_bytes());
    }
}
