//! The bytes the workbench writes, replayed on a virtual terminal: after every frame —
//! scrolled lists, panes that change beside them, popups, resizes, Chinese text — the
//! virtual screen must equal the frame ratatui drew. The virtual terminal interprets what
//! the scrolling backend and ratatui's crossterm backend emit: CUP, SGR, text (wide
//! characters take two cells), DECSTBM, SU/SD, erase, and the private modes it ignores.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use jixiao::tui::scroll::{self, SYNC_BEGIN, SYNC_END, ScrollBackend};
use jixiao::tui::wire::CompactWriter;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::{Terminal, TerminalOptions, Viewport};
use unicode_width::UnicodeWidthChar;

#[derive(Clone, Default)]
struct Rec(Rc<RefCell<Vec<u8>>>);

impl Write for Rec {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A colour as the terminal knows it: default, a palette index, or RGB.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
enum Col {
    #[default]
    Default,
    Idx(u8),
    Rgb(u8, u8, u8),
}

fn canon(c: Color) -> Col {
    use Color::*;
    match c {
        Reset => Col::Default,
        Black => Col::Idx(0),
        Red => Col::Idx(1),
        Green => Col::Idx(2),
        Yellow => Col::Idx(3),
        Blue => Col::Idx(4),
        Magenta => Col::Idx(5),
        Cyan => Col::Idx(6),
        Gray => Col::Idx(7),
        DarkGray => Col::Idx(8),
        LightRed => Col::Idx(9),
        LightGreen => Col::Idx(10),
        LightYellow => Col::Idx(11),
        LightBlue => Col::Idx(12),
        LightMagenta => Col::Idx(13),
        LightCyan => Col::Idx(14),
        White => Col::Idx(15),
        Indexed(i) => Col::Idx(i),
        Rgb(r, g, b) => Col::Rgb(r, g, b),
    }
}

#[derive(Clone, PartialEq, Debug)]
struct VCell {
    /// "" for the right half of a wide character.
    sym: String,
    fg: Col,
    bg: Col,
    m: Modifier,
}

struct Vt {
    w: usize,
    h: usize,
    cells: Vec<VCell>,
    x: usize,
    y: usize,
    fg: Col,
    bg: Col,
    m: Modifier,
    top: usize,
    bottom: usize,
}

impl Vt {
    fn new(w: usize, h: usize) -> Self {
        let mut vt =
            Vt { w, h, cells: vec![], x: 0, y: 0, fg: Col::Default, bg: Col::Default, m: Modifier::empty(), top: 0, bottom: h - 1 };
        vt.cells = vec![vt.blank(); w * h];
        vt
    }

    /// An erased cell takes the current background (BCE, as xterm does).
    fn blank(&self) -> VCell {
        VCell { sym: " ".into(), fg: Col::Default, bg: self.bg, m: Modifier::empty() }
    }

    fn resize(&mut self, w: usize, h: usize) {
        *self = Vt::new(w, h);
    }

    fn row_blank(&mut self, r: usize) {
        let b = self.blank();
        self.cells[r * self.w..(r + 1) * self.w].fill(b);
    }

    fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8(bytes.to_vec()).expect("the terminal is sent UTF-8");
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                match chars.next() {
                    Some('[') => {
                        let mut params = String::new();
                        let fin = loop {
                            match chars.next() {
                                Some(p) if ('\x40'..='\x7e').contains(&p) => break p,
                                Some(p) => params.push(p),
                                None => panic!("escape cut short: {params}"),
                            }
                        };
                        self.csi(&params, fin);
                    }
                    other => panic!("unexpected escape ESC {other:?}"),
                }
                continue;
            }
            assert!(!c.is_control(), "control character {c:?} written");
            self.print(c);
        }
    }

    fn nums(params: &str) -> Vec<usize> {
        params.split(';').map(|p| p.parse().unwrap_or(0)).collect()
    }

    fn csi(&mut self, params: &str, fin: char) {
        if params.starts_with('?') {
            assert!(matches!(fin, 'h' | 'l'), "private mode ESC[{params}{fin}");
            return;
        }
        let n = Self::nums(params);
        let first = |d: usize| if n[0] == 0 { d } else { n[0] };
        match fin {
            'H' => {
                self.y = first(1) - 1;
                self.x = n.get(1).copied().filter(|c| *c > 0).unwrap_or(1) - 1;
                assert!(self.x < self.w && self.y < self.h, "cursor moved off screen: {params}");
            }
            'm' => self.sgr(&n),
            'J' => match n[0] {
                2 => (0..self.h).for_each(|r| self.row_blank(r)),
                0 => {
                    (self.y + 1..self.h).for_each(|r| self.row_blank(r));
                    let b = self.blank();
                    self.cells[self.y * self.w + self.x..(self.y + 1) * self.w].fill(b);
                }
                other => panic!("erase {other}"),
            },
            'K' => {
                let b = self.blank();
                let row = self.y * self.w;
                match n[0] {
                    0 => self.cells[row + self.x..row + self.w].fill(b),
                    2 => self.cells[row..row + self.w].fill(b),
                    other => panic!("erase line {other}"),
                }
            }
            'r' => {
                if params.is_empty() {
                    (self.top, self.bottom) = (0, self.h - 1);
                } else {
                    (self.top, self.bottom) = (n[0] - 1, n[1] - 1);
                    assert!(self.top < self.bottom && self.bottom < self.h, "bad region {params}");
                }
                (self.x, self.y) = (0, 0);
            }
            'S' | 'T' => {
                let k = first(1);
                let (t, b, w) = (self.top, self.bottom, self.w);
                for _ in 0..k {
                    if fin == 'S' {
                        self.cells.copy_within_rows(t + 1..b + 1, t, w);
                        self.row_blank(b);
                    } else {
                        self.cells.copy_within_rows_rev(t..b, t + 1, w);
                        self.row_blank(t);
                    }
                }
            }
            other => panic!("unexpected CSI {params}{other}"),
        }
    }

    fn sgr(&mut self, n: &[usize]) {
        let mut i = 0;
        while i < n.len() {
            let color = |i: &mut usize| -> Col {
                match n[*i + 1] {
                    5 => {
                        *i += 2;
                        Col::Idx(n[*i] as u8)
                    }
                    2 => {
                        *i += 4;
                        Col::Rgb(n[*i - 2] as u8, n[*i - 1] as u8, n[*i] as u8)
                    }
                    other => panic!("colour form {other}"),
                }
            };
            match n[i] {
                0 => (self.fg, self.bg, self.m) = (Col::Default, Col::Default, Modifier::empty()),
                1 => self.m |= Modifier::BOLD,
                2 => self.m |= Modifier::DIM,
                3 => self.m |= Modifier::ITALIC,
                4 => self.m |= Modifier::UNDERLINED,
                5 => self.m |= Modifier::SLOW_BLINK,
                6 => self.m |= Modifier::RAPID_BLINK,
                7 => self.m |= Modifier::REVERSED,
                8 => self.m |= Modifier::HIDDEN,
                9 => self.m |= Modifier::CROSSED_OUT,
                22 => self.m -= Modifier::BOLD | Modifier::DIM,
                23 => self.m -= Modifier::ITALIC,
                24 => self.m -= Modifier::UNDERLINED,
                25 => self.m -= Modifier::SLOW_BLINK | Modifier::RAPID_BLINK,
                27 => self.m -= Modifier::REVERSED,
                28 => self.m -= Modifier::HIDDEN,
                29 => self.m -= Modifier::CROSSED_OUT,
                38 => self.fg = color(&mut i),
                48 => self.bg = color(&mut i),
                58 => {
                    color(&mut i);
                }
                39 => self.fg = Col::Default,
                49 => self.bg = Col::Default,
                59 => {}
                other => panic!("SGR {other}"),
            }
            i += 1;
        }
    }

    fn print(&mut self, c: char) {
        let cw = c.width().unwrap_or(0);
        assert!(cw > 0, "zero-width {c:?} printed alone");
        assert!(self.x + cw <= self.w, "{c:?} printed past the right edge at {},{}", self.x, self.y);
        let row = self.y * self.w;
        // Overwriting half of a wide character erases its other half.
        for x in self.x..self.x + cw {
            if self.cells[row + x].sym.is_empty() && x > 0 {
                self.cells[row + x - 1].sym = " ".into();
            }
            let wide = self.cells[row + x].sym.chars().next().and_then(|c| c.width()).unwrap_or(1) == 2;
            if wide && x + 1 < self.w {
                self.cells[row + x + 1].sym = " ".into();
            }
        }
        let cell = VCell { sym: c.to_string(), fg: self.fg, bg: self.bg, m: self.m };
        self.cells[row + self.x] = cell.clone();
        if cw == 2 {
            self.cells[row + self.x + 1] = VCell { sym: String::new(), ..cell };
        }
        self.x += cw;
        if self.x == self.w {
            // No wrap here: ratatui never writes past the edge, the next write moves first.
            self.x = self.w - 1;
        }
    }

    /// Where the screen differs from the frame (None when equal).
    fn differs(&self, frame: &Buffer) -> Option<String> {
        assert_eq!((frame.area.width as usize, frame.area.height as usize), (self.w, self.h));
        for y in 0..self.h {
            let mut skip = 0;
            for x in 0..self.w {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let want = &frame[(x as u16, y as u16)];
                skip = want.symbol().chars().next().and_then(|c| c.width()).unwrap_or(1).saturating_sub(1);
                let got = &self.cells[y * self.w + x];
                let mut expect = VCell { sym: want.symbol().to_string(), fg: canon(want.fg), bg: canon(want.bg), m: want.modifier };
                // The foreground of a plain space is invisible (and terminals differ in what
                // they keep when half of a wide glyph is overwritten).
                if expect.sym == " " && got.sym == " " && expect.m.is_empty() && got.m.is_empty() {
                    expect.fg = got.fg;
                }
                if *got != expect {
                    return Some(format!("at {x},{y}: screen {got:?}, frame {expect:?}"));
                }
            }
        }
        None
    }
}

trait Rows {
    fn copy_within_rows(&mut self, src: std::ops::Range<usize>, to: usize, w: usize);
    fn copy_within_rows_rev(&mut self, src: std::ops::Range<usize>, to: usize, w: usize);
}

impl Rows for Vec<VCell> {
    fn copy_within_rows(&mut self, src: std::ops::Range<usize>, to: usize, w: usize) {
        for (i, r) in src.enumerate() {
            for x in 0..w {
                self[(to + i) * w + x] = self[r * w + x].clone();
            }
        }
    }
    fn copy_within_rows_rev(&mut self, src: std::ops::Range<usize>, to: usize, w: usize) {
        let start = src.start;
        for r in src.rev() {
            for x in 0..w {
                self[(to + r - start) * w + x] = self[r * w + x].clone();
            }
        }
    }
}

/// xorshift: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const NAMES: &[&str] = &[
    "城区道路维护专项",
    "教育经费 2025",
    "农村饮水安全工程",
    "体育场馆运营补助",
    "Hospital IT",
    "养老服务中心",
    "河道治理（二期）",
    "智慧城市平台",
];

/// A workbench-like screen: a title, a column header, a scrolled list with its selection,
/// a detail pane beside it (sometimes), a status bar, sometimes a popup.
struct Screen {
    items: Vec<String>,
    sel: usize,
    offset: usize,
    pane: bool,
    popup: bool,
}

impl Screen {
    fn render(&mut self, f: &mut ratatui::Frame) {
        let area = f.area();
        let list_h = area.height.saturating_sub(3) as usize;
        if self.sel < self.offset {
            self.offset = self.sel;
        } else if self.sel >= self.offset + list_h {
            self.offset = self.sel + 1 - list_h;
        }
        let list_w = if self.pane { area.width * 2 / 3 } else { area.width };
        f.render_widget(
            Paragraph::new("预算绩效评价 · 项目").style(Style::default().bg(Color::Blue).fg(Color::White)),
            Rect { height: 1, ..area },
        );
        f.render_widget(
            Paragraph::new("编号  名称").style(Style::default().add_modifier(Modifier::BOLD)),
            Rect { y: 1, height: 1, ..area },
        );
        for (i, item) in self.items.iter().enumerate().skip(self.offset).take(list_h) {
            let y = 2 + (i - self.offset) as u16;
            let style = if i == self.sel {
                Style::default().add_modifier(Modifier::REVERSED)
            } else if i % 3 == 0 {
                Style::default().fg(Color::Red)
            } else {
                Style::default()
            };
            f.render_widget(Paragraph::new(format!("{i:05} {item}")).style(style), Rect { x: 0, y, width: list_w, height: 1 });
        }
        if self.pane {
            let pane = Rect { x: list_w, y: 2, width: area.width - list_w, height: list_h as u16 };
            let text = format!("详情：{}\n选中第 {} 行", self.items[self.sel], self.sel);
            f.render_widget(
                Paragraph::new(text).block(Block::default().borders(Borders::LEFT)).style(Style::default().fg(Color::Rgb(200, 180, 20))),
                pane,
            );
        }
        f.render_widget(
            Paragraph::new(" j 下移  k 上移  ? 帮助").style(Style::default().bg(Color::DarkGray)),
            Rect { y: area.height - 1, height: 1, ..area },
        );
        if self.popup {
            let r = Rect { x: area.width / 4 + 1, y: area.height / 3, width: area.width / 2, height: 5 };
            // As the app's popups do: a wide glyph cut by the left edge is cleared whole.
            f.render_widget(Clear, jixiao::tui::app::widen(r, area));
            f.render_widget(Paragraph::new("确认删除？ y 是 / n 否").block(Block::bordered().title("提示")), r);
        }
    }
}

fn term(w: u16, h: u16) -> (Terminal<ScrollBackend<CompactWriter<Rec>>>, Rec) {
    let rec = Rec::default();
    let backend = ScrollBackend::with_size(CompactWriter::new(rec.clone()), Size { width: w, height: h });
    (Terminal::with_options(backend, TerminalOptions { viewport: Viewport::Fullscreen }).unwrap(), rec)
}

/// Draws one frame; returns its bytes, checked for the synchronized-output markers, and the
/// frame drawn.
fn frame(t: &mut Terminal<ScrollBackend<CompactWriter<Rec>>>, rec: &Rec, screen: &mut Screen) -> (Vec<u8>, Buffer) {
    let mut drawn = None;
    scroll::draw(t, |f| {
        screen.render(f);
        drawn = Some(f.buffer_mut().clone());
    })
    .unwrap();
    let bytes = std::mem::take(&mut *rec.0.borrow_mut());
    assert!(
        bytes.starts_with(SYNC_BEGIN),
        "frame does not start with ESC[?2026h: {:?}",
        String::from_utf8_lossy(&bytes[..20.min(bytes.len())])
    );
    assert!(bytes.ends_with(SYNC_END), "frame does not end with ESC[?2026l");
    assert_eq!(bytes.windows(SYNC_BEGIN.len()).filter(|w| *w == SYNC_BEGIN).count(), 1, "one frame, one start marker");
    (bytes, drawn.unwrap())
}

fn screen(n: usize) -> Screen {
    let items = (0..n).map(|i| NAMES[i % NAMES.len()].to_string()).collect();
    Screen { items, sel: 0, offset: 0, pane: false, popup: false }
}

#[test]
fn random_frames_on_a_virtual_terminal_equal_what_was_drawn() {
    let (mut w, mut h) = (80u16, 24u16);
    let (mut t, rec) = term(w, h);
    t.backend_mut().scrolling = std::env::var_os("NO_SCROLL").is_none();
    let mut vt = Vt::new(w as usize, h as usize);
    let mut s = screen(300);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for step in 0..800 {
        match rng.below(20) {
            0..=7 => s.sel = (s.sel + 1).min(s.items.len() - 1),
            8..=11 => s.sel = s.sel.saturating_sub(1),
            12 => s.sel = (s.sel + rng.below(12)).min(s.items.len() - 1),
            13 => s.sel = s.sel.saturating_sub(rng.below(12)),
            14 => s.pane = !s.pane,
            15 => s.popup = !s.popup,
            16 => {
                let i = rng.below(s.items.len());
                s.items[i] = format!("{}·改{step}", NAMES[rng.below(NAMES.len())]);
            }
            17 if step % 7 == 0 => {
                (w, h) = (60 + rng.below(60) as u16, 20 + rng.below(20) as u16);
                t.backend_mut().set_size(Size { width: w, height: h });
                vt.resize(w as usize, h as usize);
            }
            _ => s.sel = rng.below(s.items.len()),
        }
        let (bytes, drawn) = frame(&mut t, &rec, &mut s);
        vt.feed(&bytes);
        if let Some(d) = vt.differs(&drawn) {
            panic!("step {step}: {d}\nbytes: {:?}", String::from_utf8_lossy(&bytes));
        }
    }
    // The test means something only if scrolls were taken, many of them.
    assert!(t.backend().scrolls > 60, "only {} scrolls", t.backend().scrolls);
}

/// Bytes of ten one-row moves that scroll a 120×40 list with a detail pane beside it.
fn scrolled_moves(scrolling: bool) -> (Vec<usize>, u64) {
    let (mut t, rec) = term(120, 40);
    t.backend_mut().scrolling = scrolling;
    let mut vt = Vt::new(120, 40);
    let mut s = screen(1000);
    s.pane = true;
    let (first, _) = frame(&mut t, &rec, &mut s);
    vt.feed(&first);
    s.sel = 36; // the last visible row: the next move down scrolls
    let (bytes, _) = frame(&mut t, &rec, &mut s);
    vt.feed(&bytes);
    let mut sizes = vec![];
    for _ in 0..10 {
        s.sel += 1;
        let (bytes, drawn) = frame(&mut t, &rec, &mut s);
        vt.feed(&bytes);
        assert_eq!(vt.differs(&drawn), None);
        sizes.push(bytes.len());
    }
    (sizes, t.backend().scrolls)
}

#[test]
fn a_one_row_scroll_of_a_full_list_writes_the_new_row_not_the_list() {
    let (sizes, scrolls) = scrolled_moves(true);
    assert!(scrolls >= 10, "{scrolls} scrolls");
    // A scroll is the new row, the two rows whose highlight moved and the detail pane, which
    // scrolled with the list and is rewritten where it differs.
    assert!(sizes.iter().all(|n| *n < 900), "bytes per scrolled move: {sizes:?}");
    let (plain, _) = scrolled_moves(false);
    let (a, b) = (sizes.iter().sum::<usize>(), plain.iter().sum::<usize>());
    assert!(a * 3 < b, "scrolling must still win with the pane beside the list: {a} B against {b} B repainted");
}

#[test]
fn a_cleared_terminal_is_redrawn_whole_and_followed_again() {
    let (mut t, rec) = term(60, 20);
    let mut vt = Vt::new(60, 20);
    let mut s = screen(100);
    for step in 0..40 {
        if step == 20 {
            // What a resize does (Terminal::clear would ask the terminal for the cursor).
            t.resize(Rect::new(0, 0, 60, 20)).unwrap();
        }
        s.sel += 1;
        let (bytes, drawn) = frame(&mut t, &rec, &mut s);
        vt.feed(&bytes);
        assert_eq!(vt.differs(&drawn), None, "step {step}");
    }
}
