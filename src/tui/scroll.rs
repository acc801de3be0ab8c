//! The backend the workbench draws through. It keeps a model of what the terminal shows
//! (the last frame). When a band of rows of the new frame is the old band moved by a few
//! rows (a list scrolled), the terminal is asked to scroll that band (DECSTBM + SU/SD) and
//! only the cells that still differ are written: over a slow link a one-row scroll of the
//! project list costs a row, not the list (issue 15). ratatui hands a backend only the
//! cells that changed, and after a scroll that is every row of the list, so the whole frame
//! is handed over beside them by [`draw`] and diffed against the scrolled model here.
//!
//! Every frame is wrapped in synchronized-output markers (DEC mode 2026): the terminal shows
//! it whole, not painted row by row. Terminals that do not know the mode ignore it.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::{cursor, queue, terminal};
use ratatui::layout::{Position, Size};

pub const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
pub const SYNC_END: &[u8] = b"\x1b[?2026l";
/// What a scroll costs in bytes (set region, scroll, reset region): a scroll must save more.
const OVERHEAD: u32 = 24;

/// What the terminal shows, as far as this backend knows.
enum Shown {
    /// Something was written that the model did not follow: the next frame is written as
    /// ratatui asks (its diff is right by its own bookkeeping) and becomes the model.
    Unknown,
    /// Cleared whole.
    Blank,
    Frame(Buffer),
}

pub struct ScrollBackend<W: Write> {
    out: W,
    shown: Shown,
    /// The whole frame being drawn, put here by [`draw`]'s render callback.
    next: Rc<RefCell<Option<Buffer>>>,
    /// Whether the synchronized-output start marker has been written for this frame.
    in_frame: bool,
    /// A fixed size instead of asking the terminal (tests).
    fixed: Option<Size>,
    /// How many scrolls were sent (tests and measurements).
    pub scrolls: u64,
    /// Off: write what ratatui's diff asks, as a plain backend does (tests compare).
    pub scrolling: bool,
    /// How long handing the last frame to the terminal took (a slow link blocks it).
    pub last_write: std::time::Duration,
}

impl<W: Write> ScrollBackend<W> {
    pub fn new(out: W) -> Self {
        ScrollBackend {
            out,
            shown: Shown::Unknown,
            next: Rc::default(),
            in_frame: false,
            fixed: None,
            scrolls: 0,
            scrolling: true,
            last_write: std::time::Duration::ZERO,
        }
    }

    /// A backend that reports `size` instead of asking the terminal (tests).
    pub fn with_size(out: W, size: Size) -> Self {
        ScrollBackend { fixed: Some(size), ..Self::new(out) }
    }

    /// Changes the reported size (tests: a resize).
    pub fn set_size(&mut self, size: Size) {
        self.fixed = Some(size);
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn begin(&mut self) -> io::Result<()> {
        if !self.in_frame {
            self.in_frame = true;
            self.out.write_all(SYNC_BEGIN)?;
        }
        Ok(())
    }

    fn write_scroll(&mut self, s: &Scroll, top_row: u16) -> io::Result<()> {
        let (top, bottom) = (top_row + s.top + 1, top_row + s.bottom);
        let dir = if s.up { 'S' } else { 'T' };
        // The SGR state is the default here (ratatui ends every frame with a reset), so the
        // rows scrolled in are blank in the default colours, as the model assumes.
        write!(self.out, "\x1b[{top};{bottom}r\x1b[{}{dir}\x1b[r", s.n)?;
        self.scrolls += 1;
        Ok(())
    }
}

/// Draws a frame through a [`ScrollBackend`]: like `Terminal::draw`, with the whole frame
/// handed to the backend so it can find scrolled bands.
pub fn draw<W: Write>(term: &mut Terminal<ScrollBackend<W>>, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
    let slot = Rc::clone(&term.backend().next);
    term.draw(|f| {
        render(f);
        *slot.borrow_mut() = Some(f.buffer_mut().clone());
    })?;
    Ok(())
}

impl<W: Write> Backend for ScrollBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.begin()?;
        let Some(next) = self.next.borrow_mut().take() else {
            // Not a frame from `draw` (ratatui clearing cells itself): follow no model.
            self.shown = Shown::Unknown;
            return CrosstermBackend::new(&mut self.out).draw(content);
        };
        let old = match std::mem::replace(&mut self.shown, Shown::Unknown) {
            Shown::Frame(old) if old.area == next.area => Some(old),
            Shown::Blank => Some(Buffer::empty(next.area)),
            _ => None,
        };
        // Rows scroll across the whole terminal width, so only a frame that starts at the
        // left edge can be scrolled.
        let planned = old.filter(|_| self.scrolling && next.area.x == 0).and_then(|old| plan(&old, &next).map(|s| (old, s)));
        match planned {
            Some((mut old, scroll)) => {
                self.write_scroll(&scroll, next.area.y)?;
                scroll.apply(&mut old);
                let cells = old.diff(&next);
                CrosstermBackend::new(&mut self.out).draw(cells.into_iter())?;
            }
            None => CrosstermBackend::new(&mut self.out).draw(content)?,
        }
        self.shown = Shown::Frame(next);
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.shown = Shown::Unknown;
        CrosstermBackend::new(&mut self.out).append_lines(n)
    }

    // Cursor moves are queued, not flushed: the frame goes out in one write at `flush`. They
    // open no synchronized update of their own: ratatui's drop shows the cursor after the
    // last frame, and a start marker nobody ends would freeze the terminal's display.
    fn hide_cursor(&mut self) -> io::Result<()> {
        queue!(self.out, cursor::Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        queue!(self.out, cursor::Show)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        cursor::position().map(|(x, y)| Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        queue!(self.out, cursor::MoveTo(x, y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.begin()?;
        self.shown = if clear_type == ClearType::All { Shown::Blank } else { Shown::Unknown };
        let kind = match clear_type {
            ClearType::All => terminal::ClearType::All,
            ClearType::AfterCursor => terminal::ClearType::FromCursorDown,
            ClearType::BeforeCursor => terminal::ClearType::FromCursorUp,
            ClearType::CurrentLine => terminal::ClearType::CurrentLine,
            ClearType::UntilNewLine => terminal::ClearType::UntilNewLine,
        };
        queue!(self.out, terminal::Clear(kind))
    }

    fn size(&self) -> io::Result<Size> {
        match self.fixed {
            Some(size) => Ok(size),
            None => terminal::size().map(|(width, height)| Size { width, height }),
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let s = terminal::window_size()?;
        Ok(WindowSize { columns_rows: Size { width: s.columns, height: s.rows }, pixels: Size { width: s.width, height: s.height } })
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.in_frame {
            self.in_frame = false;
            self.out.write_all(SYNC_END)?;
        }
        let start = std::time::Instant::now();
        let done = self.out.flush();
        self.last_write = start.elapsed();
        done
    }
}

/// A band of rows `top..bottom` (relative to the frame) scrolled by `n` rows; `up` moves
/// the content up (SU), as when the selection goes down past the last visible row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    pub top: u16,
    pub bottom: u16,
    pub n: u16,
    pub up: bool,
}

impl Scroll {
    /// Does to the model what the terminal does: rows move, the rows scrolled in are blank.
    pub fn apply(&self, buf: &mut Buffer) {
        let w = buf.area.width as usize;
        let (top, bottom, n) = (self.top as usize, self.bottom as usize, self.n as usize);
        if self.up {
            for r in top..bottom - n {
                buf.content.copy_within_cells((r + n) * w, r * w, w);
            }
            buf.content[(bottom - n) * w..bottom * w].fill(Cell::EMPTY);
        } else {
            for r in (top + n..bottom).rev() {
                buf.content.copy_within_cells((r - n) * w, r * w, w);
            }
            buf.content[top * w..(top + n) * w].fill(Cell::EMPTY);
        }
    }
}

/// `copy_within` for cells, which are `Clone` but not `Copy`.
trait CopyCells {
    fn copy_within_cells(&mut self, from: usize, to: usize, len: usize);
}

impl CopyCells for Vec<Cell> {
    fn copy_within_cells(&mut self, from: usize, to: usize, len: usize) {
        for i in 0..len {
            self[to + i] = self[from + i].clone();
        }
    }
}

/// Bytes (roughly) to turn row `old` into row `new`: the text of the cells that differ.
fn cost(new: &[Cell], old: &[Cell]) -> u32 {
    new.iter().zip(old).filter(|(a, b)| a != b).map(|(a, _)| a.symbol().len().max(1) as u32).sum()
}

fn blank_cost(new: &[Cell]) -> u32 {
    new.iter().filter(|c| **c != Cell::EMPTY).map(|c| c.symbol().len().max(1) as u32).sum()
}

/// Column stretches per row whose hashes are compared before any row is costed: a shift is
/// looked at only when some stretch of some row is found moved by it.
const SEGMENTS: usize = 8;

/// Per row, a hash of each stretch of columns (None for a blank stretch, which proves nothing).
fn segments(rows: &[&[Cell]]) -> Vec<[Option<u64>; SEGMENTS]> {
    use std::hash::{Hash, Hasher};
    rows.iter()
        .map(|row| {
            let mut out = [None; SEGMENTS];
            let len = row.len().div_ceil(SEGMENTS).max(1);
            for (k, part) in row.chunks(len).enumerate() {
                if part.iter().all(|c| *c == Cell::EMPTY) {
                    continue;
                }
                let mut h = std::collections::hash_map::DefaultHasher::new();
                for c in part {
                    (c.symbol(), c.fg, c.bg, c.modifier).hash(&mut h);
                }
                out[k] = Some(h.finish());
            }
            out
        })
        .collect()
}

fn worth_a_look(new: &[[Option<u64>; SEGMENTS]], old: &[[Option<u64>; SEGMENTS]], n: usize, up: bool) -> bool {
    (0..new.len()).any(|r| {
        let src = if up { r + n } else { r.wrapping_sub(n) };
        src < old.len() && (0..SEGMENTS).any(|k| new[r][k].is_some() && new[r][k] == old[src][k] && new[r][k] != old[r][k])
    })
}

/// The scroll that saves the most bytes going from `old` to `new`, if one saves more than it
/// costs. Every band and every shift up to half the band is tried: at 40 rows that is a few
/// thousand sums over precomputed row costs.
pub fn plan(old: &Buffer, new: &Buffer) -> Option<Scroll> {
    if old.area != new.area || new.area.width == 0 {
        return None;
    }
    let (w, h) = (new.area.width as usize, new.area.height as usize);
    let new_rows: Vec<&[Cell]> = new.content.chunks(w).collect();
    let old_rows: Vec<&[Cell]> = old.content.chunks(w).collect();
    let stay: Vec<i64> = (0..h).map(|r| cost(new_rows[r], old_rows[r]) as i64).collect();
    if stay.iter().sum::<i64>() <= OVERHEAD as i64 {
        return None;
    }
    // What a row gains by being blanked (the rows scrolled in) instead of kept.
    let blank: Vec<i64> = (0..h).map(|r| stay[r] - blank_cost(new_rows[r]) as i64).collect();
    let prefix = |v: &[i64]| -> Vec<i64> {
        let mut p = vec![0; v.len() + 1];
        for (i, x) in v.iter().enumerate() {
            p[i + 1] = p[i] + x;
        }
        p
    };
    let pb = prefix(&blank);
    let (new_segs, old_segs) = (segments(&new_rows), segments(&old_rows));
    let mut best: Option<(i64, Scroll)> = None;
    for n in 1..=h / 2 {
        for up in [true, false] {
            if !worth_a_look(&new_segs, &old_segs, n, up) {
                continue;
            }
            // What row r gains by showing old row r+n (up) or r-n (down) instead of old row r
            // (0 where there is no such row: no band counts it).
            let moved: Vec<i64> = (0..h)
                .map(|r| {
                    let src = if up { r + n } else { r.wrapping_sub(n) };
                    if src < h { stay[r] - cost(new_rows[r], old_rows[src]) as i64 } else { 0 }
                })
                .collect();
            if !moved.iter().any(|g| *g > 0) {
                continue;
            }
            let pm = prefix(&moved);
            for bottom in 2 * n..=h {
                for top in 0..=bottom - 2 * n {
                    let gain = if up {
                        pm[bottom - n] - pm[top] + pb[bottom] - pb[bottom - n]
                    } else {
                        pb[top + n] - pb[top] + pm[bottom] - pm[top + n]
                    };
                    if gain > OVERHEAD as i64 && best.as_ref().is_none_or(|(g, _)| gain > *g) {
                        let s = Scroll { top: top as u16, bottom: bottom as u16, n: n as u16, up };
                        best = Some((gain, s));
                    }
                }
            }
        }
    }
    best.map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn frame(rows: &[&str]) -> Buffer {
        let w = 12;
        let mut b = Buffer::empty(Rect::new(0, 0, w, rows.len() as u16));
        for (y, r) in rows.iter().enumerate() {
            b.set_string(0, y as u16, r, ratatui::style::Style::default());
        }
        b
    }

    #[test]
    fn a_list_moved_up_one_row_is_a_scroll_of_its_band() {
        let old = frame(&["编号 名称", "城区道路", "教育经费", "农村饮水", "体育场馆", "养老服务", "状态栏"]);
        let new = frame(&["编号 名称", "教育经费", "农村饮水", "体育场馆", "养老服务", "河道治理", "状态栏"]);
        assert_eq!(plan(&old, &new), Some(Scroll { top: 1, bottom: 6, n: 1, up: true }));
        let mut shifted = old.clone();
        plan(&old, &new).into_iter().for_each(|s| s.apply(&mut shifted));
        // Only the row scrolled in is left to write.
        let rows: std::collections::BTreeSet<u16> = shifted.diff(&new).iter().map(|(_, y, _)| *y).collect();
        assert_eq!(rows.into_iter().collect::<Vec<_>>(), vec![5]);
    }

    #[test]
    fn a_list_moved_down_is_scrolled_down_and_a_small_change_is_not_scrolled() {
        let old = frame(&["编号", "教育经费", "农村饮水", "体育场馆", "养老服务", "河道治理", "状态栏"]);
        let new = frame(&["编号", "城区道路", "教育经费", "农村饮水", "体育场馆", "养老服务", "状态栏"]);
        assert_eq!(plan(&old, &new), Some(Scroll { top: 1, bottom: 6, n: 1, up: false }));
        let mut small = old.clone();
        small.set_string(0, 2, "农", ratatui::style::Style::default().fg(ratatui::style::Color::Red));
        assert_eq!(plan(&old, &small), None);
    }
}
