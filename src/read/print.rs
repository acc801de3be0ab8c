//! What printed documents share (a notice, a report): dates and ordinals written in Chinese,
//! and Markdown escaping. Issued documents are kept with the sha256 of their rendering, so
//! these must not change what they print for a given input.

use chrono::{Datelike, NaiveDate};

/// `2026年11月22日`.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 一, 二 … 九十九 (larger numbers stay in digits).
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n.is_multiple_of(10) { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

/// Backslash-escapes the characters Markdown would read as markup.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_escapes_print_as_issued_documents_expect() {
        assert_eq!([1, 10, 12, 20, 35, 100].map(chinese_number), ["一", "十", "十二", "二十", "三十五", "100"]);
        assert_eq!(chinese_date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()), "2026年1月5日");
        assert_eq!(md_escape("扣分_说明|*重点*"), r"扣分\_说明\|\*重点\*");
    }
}
