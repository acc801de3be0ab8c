//! Money (万元) and points: Decimals with at most two places, never floats.

use rust_decimal::Decimal;
use std::str::FromStr;

/// Parses a non-negative decimal with at most two places, as typed by a user
/// ("100", "146.24", "2,683.68" with thousands separators, "１００" full-width digits).
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '，' && !c.is_whitespace()).map(fullwidth_to_ascii).collect();
    if cleaned.is_empty() {
        return Err("不能为空：输入一个数，最多两位小数，如 146.24".into());
    }
    let value = Decimal::from_str(&cleaned).map_err(|_| format!("「{text}」不是数：输入如 146.24 的数，最多两位小数"))?;
    check_places(value, text)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("「{text}」是负数：金额和分值不能为负"));
    }
    Ok(value.normalize().round_dp(2))
}

/// Refuses more than two decimal places.
pub fn check_places(value: Decimal, shown: &str) -> Result<(), String> {
    if value.normalize().scale() > 2 {
        return Err(format!("「{shown}」超过两位小数：最多两位小数"));
    }
    Ok(())
}

fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' | '。' => '.',
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
