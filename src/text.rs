//! Text measured in terminal cells, never in chars: Chinese characters are two cells wide.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` cells, ending with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Truncates and pads on the right to exactly `cells` cells.
pub fn pad_right(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let w = width(&t);
    format!("{t}{}", " ".repeat(cells.saturating_sub(w)))
}

/// Truncates and pads on the left (right-aligned) to exactly `cells` cells.
pub fn pad_left(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let w = width(&t);
    format!("{}{t}", " ".repeat(cells.saturating_sub(w)))
}

/// Breaks text into lines of at most `max` cells, at line breaks and wherever the width
/// runs out (Chinese has no spaces to break at; ratatui's word wrap can also overrun a
/// border by one cell with wide characters, so we wrap ourselves). A date, a number, a code
/// or a Latin word (`2027-01-01`, `1283.08`, `ZD21-01`) is never broken across lines
/// unless it alone is wider than a line.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut out = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for token in tokens(para) {
            let tw = width(token);
            if used + tw > max && used > 0 && tw <= max {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            for c in token.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > max {
                    out.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += w;
            }
        }
        out.push(line);
    }
    out
}

/// A character of a run kept on one line: Latin letters, digits and what joins them in
/// dates, amounts and codes.
fn joins(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '-' | ':' | '/' | '%' | '_' | '+' | '#')
}

/// The text as runs of joined characters and single other characters.
fn tokens(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let end =
            if joins(first) { rest.char_indices().find(|(_, c)| !joins(*c)).map_or(rest.len(), |(i, _)| i) } else { first.len_utf8() };
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

/// A character a terminal may act on rather than print: C0 controls other than newline and
/// tab, DEL, and C1 controls (ESC starts a title change, OSC 52 writes the clipboard).
pub fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Text made safe to print to a terminal: every control character (`is_control`) shown as
/// `\u{1b}`, so what a record holds is visible and never executed.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.chars().map(|c| if is_control(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_measured_and_cut_by_cells() {
        assert_eq!(width("人口普查"), 8);
        assert_eq!(truncate("2020年度人口普查工作经费", 10), "2020年度…");
        assert_eq!(width(&truncate("2020年度人口普查工作经费", 9)), 9);
        // A wide char that does not fit is left out, not split.
        assert_eq!(truncate("人口普查", 4), "人…");
        assert_eq!(pad_left("70.00", 8), "   70.00");
        assert_eq!(width(&pad_right("统计局", 10)), 10);
    }

    #[test]
    fn wraps_by_cells_and_at_line_breaks() {
        assert_eq!(wrap("预算执行率偏低", 6), vec!["预算执", "行率偏", "低"]);
        assert_eq!(wrap("a人\nb", 2), vec!["a", "人", "b"]);
        assert!(wrap("资金滞留未及时拨付，影响项目进度", 9).iter().all(|l| width(l) <= 9));
    }

    #[test]
    fn dates_numbers_and_codes_are_not_broken_across_lines() {
        assert_eq!(wrap("整改期限2027-01-01前完成", 12), vec!["整改期限", "2027-01-01前", "完成"]);
        assert_eq!(wrap("金额1283.08万元", 10), vec!["金额", "1283.08万", "元"]);
        assert_eq!(wrap("项目ZD21-01已归档", 8), vec!["项目", "ZD21-01", "已归档"]);
        // Longer than a line: cut where the width runs out, as before.
        assert_eq!(wrap("12345678901", 4), vec!["1234", "5678", "901"]);
        for (text, w) in [("预算执行率95.5%，目标值≥90%，2026-12-05核实", 7), ("a b c 2027-01-01", 5)] {
            let lines = wrap(text, w);
            assert!(lines.iter().all(|l| width(l) <= w), "{lines:?}");
            assert_eq!(lines.concat(), text);
        }
    }
}
