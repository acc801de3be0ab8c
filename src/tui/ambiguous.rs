//! East Asian "ambiguous" characters (box lines, `…`, `·`, curly quotes, ①, arrows): a
//! CJK terminal set to draw them wide gives each two cells while ratatui counts one, so the
//! row overflows and borders shift. With `ambiguous_width = "wide"` every cell of a drawn
//! frame holding one is given a narrow plain substitute, user text included: whatever a
//! screen draws, no row can then run over.

use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

/// Whether a terminal's ambiguous-width setting changes how wide `s` is drawn.
pub fn is_ambiguous(s: &str) -> bool {
    UnicodeWidthStr::width(s) != UnicodeWidthStr::width_cjk(s)
}

/// The narrow, unambiguous character drawn instead of an ambiguous `c`.
pub fn substitute(c: char) -> char {
    match c {
        // Box drawing: lines and their corners, tees and crosses.
        '─' | '━' | '┄' | '┅' | '┈' | '┉' | '═' | '╌' | '╍' | '╴' | '╶' | '╸' | '╺' | '╼' | '╾' => '-',
        '│' | '┃' | '┆' | '┇' | '┊' | '┋' | '║' | '╎' | '╏' | '╵' | '╷' | '╹' | '╻' | '╽' | '╿' => '|',
        '\u{2500}'..='\u{257f}' => '+',
        // Block elements (bar charts) and shades.
        '\u{2580}'..='\u{259f}' => '#',
        '…' => '~',
        '·' | '•' | '‧' | '∙' => '.',
        '“' | '”' | '„' | '″' => '"',
        '‘' | '’' | '′' | '´' => '\'',
        '×' => 'x',
        '÷' => '/',
        '—' | '–' | '―' | '‐' | '¯' => '-',
        '←' | '◀' | '◁' | '≤' | '«' => '<',
        '→' | '▶' | '▷' | '≥' | '»' => '>',
        '↑' | '▲' | '△' => '^',
        '↓' | '▼' | '▽' => 'v',
        '↔' => '-',
        '●' | '○' | '◎' | '◆' | '◇' | '■' | '□' | '★' | '☆' | '※' | '⊙' => '*',
        '±' => '+',
        '°' | 'º' => 'o',
        '√' => 'v',
        '≠' => '#',
        '≈' | '∽' => '~',
        // Circled and parenthesised numbers: the digit (①–⑨, ⑴–⑼, ⒈–⒐); two-digit ones as `#`.
        '①'..='⑨' => digit(c, '①'),
        '⑴'..='⑼' => digit(c, '⑴'),
        '⒈'..='⒐' => digit(c, '⒈'),
        '⑩'..='⒇' | '⒑'..='⒛' => '#',
        _ => '?',
    }
}

fn digit(c: char, one: char) -> char {
    char::from_digit(c as u32 - one as u32 + 1, 10).unwrap_or('?')
}

/// The cut mark `…` (ambiguous: the most frequent one on screen, at the end of every cut
/// name) drawn as `⋯` (U+22EF, one cell in every terminal) under the default setting, so a
/// CJK terminal not told to draw ambiguous characters narrow still keeps the rows in line.
pub const CUT_MARK: char = '⋯';

/// The default (`narrow`) setting's pass: only the cut mark is changed.
pub fn narrow_marks(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol() == "…" {
            cell.set_char(CUT_MARK);
        }
    }
}

/// Replaces, in place, every cell whose symbol is ambiguous by its narrow substitute.
pub fn narrow_buffer(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() || !is_ambiguous(symbol) {
            continue;
        }
        // A symbol is one grapheme: its first char carries it (combining marks are zero wide).
        let c = symbol.chars().next().map(substitute).unwrap_or('?');
        cell.set_char(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Block, Borders, Paragraph, Widget};

    #[test]
    fn every_substitute_is_one_plain_ascii_cell() {
        // Every ambiguous char of the BMP: the substitute is printable ASCII, never ambiguous.
        let mut seen = 0;
        for c in (0u32..0x10000).filter_map(char::from_u32) {
            let s = c.to_string();
            if !is_ambiguous(&s) {
                continue;
            }
            seen += 1;
            let r = substitute(c);
            assert!(r.is_ascii_graphic(), "U+{:04X} → {r:?}", c as u32);
        }
        assert!(seen > 500, "the table covers what unicode-width calls ambiguous ({seen})");
    }

    #[test]
    fn the_chrome_glyphs_have_readable_substitutes() {
        let pairs = [
            ('─', '-'),
            ('│', '|'),
            ('┌', '+'),
            ('┘', '+'),
            ('╭', '+'),
            ('…', '~'),
            ('·', '.'),
            ('“', '"'),
            ('”', '"'),
            ('‘', '\''),
            ('’', '\''),
            ('×', 'x'),
            ('①', '1'),
            ('⑨', '9'),
            ('●', '*'),
            ('↑', '^'),
            ('↓', 'v'),
            ('→', '>'),
            ('—', '-'),
            ('█', '#'),
            ('≥', '>'),
        ];
        for (c, want) in pairs {
            assert!(is_ambiguous(&c.to_string()), "{c} is ambiguous");
            assert_eq!(substitute(c), want, "{c}");
        }
        // Chinese, fullwidth punctuation and ASCII are not ambiguous: they are left alone.
        for s in ["评", "，", "（", "「", "a", " "] {
            assert!(!is_ambiguous(s), "{s}");
        }
    }

    #[test]
    fn a_drawn_frame_keeps_no_ambiguous_cell_and_its_borders_line_up() {
        let area = Rect::new(0, 0, 24, 3);
        let mut buf = Buffer::empty(area);
        Paragraph::new("“整改”… ①·×").block(Block::default().borders(Borders::ALL)).render(area, &mut buf);
        narrow_buffer(&mut buf);
        let rows: Vec<String> = (0..3).map(|y| (0..24).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>()).collect();
        assert_eq!(rows[0], "+----------------------+");
        // (A wide character's second cell reads as a space here.)
        assert!(rows[1].starts_with("|\"整 改 \"~ 1.x "), "{}", rows[1]);
        assert!(rows[1].ends_with('|'), "{}", rows[1]);
        assert_eq!(rows[2], "+----------------------+");
        assert!(buf.content.iter().all(|c| !is_ambiguous(c.symbol())));
    }

    #[test]
    fn the_default_pass_changes_only_the_cut_mark() {
        assert!(!is_ambiguous(&CUT_MARK.to_string()), "⋯ is one cell in every terminal");
        let area = Rect::new(0, 0, 14, 1);
        let mut buf = Buffer::empty(area);
        Paragraph::new("人口普查…“a”─").render(area, &mut buf);
        narrow_marks(&mut buf);
        let row: String = (0..14).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(row.trim_end(), "人 口 普 查 ⋯“a”─");
    }
}
