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
/// border by one cell with wide characters, so we wrap ourselves).
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut out = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in para.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > max {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
        out.push(line);
    }
    out
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
}
