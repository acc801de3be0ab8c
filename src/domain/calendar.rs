//! The dates the work can have: from 1949 (the first budget of the People's Republic) to
//! 2200 (long-term rectification and archives reach decades ahead, not centuries). Outside
//! them a date is a typo, and it would break notice numbers (`〔0〕`) and index keys.

use chrono::{Datelike, NaiveDate};

pub const MIN_YEAR: i32 = 1949;
pub const MAX_YEAR: i32 = 2200;
/// The longest look-ahead `due --within` and the dashboard take, in days (100 years).
pub const MAX_WITHIN_DAYS: i64 = 36_500;

/// Refuses a date outside `MIN_YEAR..=MAX_YEAR`, saying the range.
pub fn check_date(date: NaiveDate) -> Result<(), String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(format!("“{date}”不是有效日期：年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间"))
    }
}

/// `date + days`, never a panic: past the calendar's end it stops at the last day chrono has.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    chrono::Duration::try_days(days).and_then(|d| date.checked_add_signed(d)).unwrap_or(if days < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}
