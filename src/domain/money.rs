//! Money (万元), points and measures: Decimals, never floats, with ranges that fit the work.
//! Every number a user gives — typed in the TUI, in `jixiao exec` JSON, in an imported
//! bundle — goes through `parse_plain`, so "1e3", "+2", ".5" and "2." are refused everywhere
//! and "２,６８３.６８" (full-width digits, thousands separators) is taken everywhere.

use rust_decimal::Decimal;
use std::str::FromStr;

/// The largest amount in 万元: 10^10 万元 is 100 trillion yuan, several times any national
/// budget, and sums of 10^5 such amounts still fit a Decimal many times over.
pub const MAX_AMOUNT: i64 = 10_000_000_000;
/// The most points an indicator (or a tree) may carry: templates use 100; 1000 leaves room
/// for a 1000-point scale without letting a typo of 10^20 through.
pub const MAX_POINTS: i64 = 1000;
/// The largest formula target or actual value (people, yuan, percent, days …).
pub const MAX_MEASURE: i64 = 1_000_000_000_000;
/// Decimal places of a formula target or actual (printed targets such as 11.376 or 86.19%).
pub const MEASURE_PLACES: u32 = 6;

/// Reads a plain decimal: digits, at most one point with digits on both sides, an optional
/// leading minus; full-width digits and point, and thousands separators (, ，) are taken.
/// No exponent, no leading "+", no bare "." at either end.
pub fn parse_plain(text: &str) -> Result<Decimal, String> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '，' && !c.is_whitespace()).map(fullwidth_to_ascii).collect();
    if cleaned.is_empty() {
        return Err("不能为空：输入一个数，如 146.24".into());
    }
    let digits = cleaned.strip_prefix('-').unwrap_or(&cleaned);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(format!("“{text}”不是数：写如 146.24 的普通十进制数"));
    }
    // Anything Decimal holds is read (stores written before the ranges); the ranges are
    // the validators' to say.
    Decimal::from_str(&cleaned).map_err(|_| format!("“{text}”不是数，或超出可表示的范围"))
}

/// Parses a non-negative decimal with at most two places, as typed by a user
/// ("100", "146.24", "2,683.68" with thousands separators, "１００" full-width digits).
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let value = parse_plain(text)?;
    check_places(value, text)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("“{text}”是负数：金额和分值不能为负"));
    }
    Ok(value.normalize().round_dp(2))
}

/// A formula target or actual value as typed: non-negative, up to six places.
pub fn parse_measure(text: &str) -> Result<Decimal, String> {
    let value = parse_plain(text)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("“{text}”是负数：目标值和实际值不能为负"));
    }
    check_measure(value)?;
    Ok(value.normalize())
}

/// Refuses more than two decimal places.
pub fn check_places(value: Decimal, shown: &str) -> Result<(), String> {
    if value.normalize().scale() > 2 {
        return Err(format!("“{shown}”超过两位小数：最多两位小数"));
    }
    Ok(())
}

/// An amount in 万元: two places, not negative, at most `MAX_AMOUNT`.
pub fn check_amount(value: Decimal) -> Result<(), String> {
    check_places(value, &value.to_string())?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("“{value}”为负数：金额（万元）不能为负"));
    }
    if value > Decimal::from(MAX_AMOUNT) {
        return Err(format!("“{value}”超出范围：金额最多 {MAX_AMOUNT} 万元"));
    }
    Ok(())
}

/// Points (an indicator's weight, a deduction, a score): two places, at most `MAX_POINTS`.
pub fn check_points(value: Decimal) -> Result<(), String> {
    check_places(value, &value.to_string())?;
    if value.abs() > Decimal::from(MAX_POINTS) {
        return Err(format!("“{value}”超出范围：分值最多 {MAX_POINTS} 分"));
    }
    Ok(())
}

/// A formula target or actual: at most `MEASURE_PLACES` places and `MAX_MEASURE`.
pub fn check_measure(value: Decimal) -> Result<(), String> {
    if value.normalize().scale() > MEASURE_PLACES {
        return Err(format!("“{value}”超过 {MEASURE_PLACES} 位小数"));
    }
    if value.abs() > Decimal::from(MAX_MEASURE) {
        return Err(format!("“{value}”超出范围：目标值和实际值最多 {MAX_MEASURE}"));
    }
    Ok(())
}

/// A sum that never panics: a store written before the ranges may hold values whose sum
/// overflows; it shows as the largest Decimal and `check` names the value.
pub fn sum<'a>(values: impl IntoIterator<Item = &'a Decimal>) -> Decimal {
    values.into_iter().fold(Decimal::ZERO, |acc, v| acc.saturating_add(*v))
}

fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' | '。' => '.',
        '－' => '-',
        _ => c,
    }
}

/// Formats with exactly two decimals, as every table of 万元 shows them.
pub fn fmt2(value: Decimal) -> String {
    format!("{:.2}", value.round_dp(2))
}

/// Rounds a computed score to two places, half away from zero.
pub fn round2(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Serde for Decimal fields that people write (commands, bundles): a string read by
/// `parse_plain`, written as `Decimal` writes it. Stored values were written the same way,
/// so bincode reads them back unchanged.
pub mod plain {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        super::parse_plain(&text).map_err(serde::de::Error::custom)
    }

    /// The same for `Option<Decimal>` (absent or null is None).
    pub mod option {
        use rust_decimal::Decimal;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => s.serialize_some(&v.to_string()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            let text = Option::<std::borrow::Cow<str>>::deserialize(d)?;
            text.map(|t| super::super::parse_plain(&t).map_err(serde::de::Error::custom)).transpose()
        }
    }
}
