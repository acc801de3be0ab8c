//! Targets and actuals as a self-evaluation form (绩效自评表) prints them: "≥4754人", "86.19%",
//! "≤5300元/户", "11.376", "及时". `parse` reads what it can from such a value and keeps the text
//! as typed; `missed` and `formula_score` compare a target with an actual.
//!
//! How a printed value is read (after trimming; spaces anywhere are ignored):
//! - Full-width digits, point, minus, ％, ＞ ＜ ＝, ～ and the full-width comma are read as their
//!   ASCII forms. Thousands separators ("1,234.5", "1，234.5") are taken only in groups of three.
//! - A comparison in front of the number: ≥ ≧ ⩾ >= 不低于 不少于 不小于 大于等于 大于或等于 至少
//!   达到 → ≥; ≤ ≦ ⩽ <= 不高于 不超过 不多于 不大于 小于等于 小于或等于 至多 → ≤; = 等于 → =.
//!   Strict comparisons (> 大于 超过 多于 高于; < 小于 低于 少于) are read as ≥ / ≤: forms use them
//!   loosely, and a target met exactly is met. "达到95%" is ≥, not =: reaching 97% reaches 95%.
//! - After the number: 以上 及以上 或以上 → ≥; 以下 及以下 或以下 以内 之内 内 → ≤ (unless a
//!   comparison stood in front); 左右 is dropped. What remains is the unit ("人", "元/户", "万元",
//!   "次/年"); a unit starting with "%" is "%" ("100%完成" → 100 %).
//! - The number keeps its printed digits (Decimal from the text, never a float): "95.0%" → 95.0.
//!   A leading minus is kept ("-5%" → −5); `formula_score` refuses negative values.
//! - Qualitative (no number, no unit; a comparison in front is still kept): text with no number
//!   right after the comparison ("及时", "显著提升", "约95%", "全部完成", "无"), a second number in
//!   what follows (ranges "90%-100%" / "90%~100%", dates "2023年12月31日前"), dates by their
//!   words (a unit ending in 前 or holding 月底 月末 年底 年末: "12月底前"), and texts over
//!   `MAX_CHARS` characters. An empty text parses to an empty `Printed`.

use super::money::{check_measure, parse_plain};
use super::scoring::{Direction, formula};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Longer texts are kept as typed but not read.
pub const MAX_CHARS: usize = 200;

/// 指标性质 of a row: the comparison a target states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Nature {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "≥")]
    Ge,
    #[serde(rename = "≤")]
    Le,
    #[serde(rename = "定性")]
    Text,
}

impl Nature {
    pub fn label(self) -> &'static str {
        match self {
            Nature::Eq => "=",
            Nature::Ge => "≥",
            Nature::Le => "≤",
            Nature::Text => "定性",
        }
    }

    /// Reads a 指标性质 cell: the comparison signs (half- and full-width, "≧" "≦"), their words
    /// (大于等于, 不低于 …), 正向 → ≥, 反向 → ≤, 定性/定性指标 → 定性. "定量"/"定量指标" and anything
    /// else give None: 定量 says a number is compared but not how, so callers fall back to the
    /// target's own sign (see `missed`).
    pub fn parse(text: &str) -> Option<Nature> {
        let cell: String = normalize(text).chars().filter(|c| !c.is_whitespace()).collect();
        match cell.trim_end_matches("指标") {
            "正向" => return Some(Nature::Ge),
            "反向" => return Some(Nature::Le),
            "定性" => return Some(Nature::Text),
            _ => {}
        }
        match leading(&cell) {
            Some((nature, "")) => Some(nature),
            _ => None,
        }
    }

    /// The formula direction: ≥ higher is better, ≤ lower is better, = exact; 定性 has none.
    pub fn direction(self) -> Option<Direction> {
        match self {
            Nature::Ge => Some(Direction::Positive),
            Nature::Le => Some(Direction::Negative),
            Nature::Eq => Some(Direction::Exact),
            Nature::Text => None,
        }
    }
}

/// A value as printed ("≥4754人", "86.19%", "≤5300元/户", "11.376", "及时"), with what could be read from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printed {
    /// Exactly as typed (trimmed); what every screen and export shows.
    pub text: String,
    /// The comparison written in front of the number, if any ("≥", "不低于", "大于等于", ">", "以上" after the number …).
    pub nature: Option<Nature>,
    /// The number, kept at its printed precision (11.376 stays 11.376, "95.0%" stays 95.0); None for qualitative text.
    pub number: Option<Decimal>,
    /// What follows the number: "人", "%", "元/户", "万元", "个", "次/年" … (empty if none).
    pub unit: String,
}

/// Comparison words and signs in front of a number, longest first where one starts another.
const PREFIXES: &[(&str, Nature)] = &[
    ("大于或等于", Nature::Ge),
    ("小于或等于", Nature::Le),
    ("大于等于", Nature::Ge),
    ("小于等于", Nature::Le),
    ("不低于", Nature::Ge),
    ("不少于", Nature::Ge),
    ("不小于", Nature::Ge),
    ("不高于", Nature::Le),
    ("不超过", Nature::Le),
    ("不多于", Nature::Le),
    ("不大于", Nature::Le),
    ("至少", Nature::Ge),
    ("至多", Nature::Le),
    ("达到", Nature::Ge),
    ("大于", Nature::Ge),
    ("超过", Nature::Ge),
    ("多于", Nature::Ge),
    ("高于", Nature::Ge),
    ("小于", Nature::Le),
    ("低于", Nature::Le),
    ("少于", Nature::Le),
    ("等于", Nature::Eq),
    (">=", Nature::Ge),
    ("=>", Nature::Ge),
    ("<=", Nature::Le),
    ("=<", Nature::Le),
    ("≥", Nature::Ge),
    ("≧", Nature::Ge),
    ("⩾", Nature::Ge),
    (">", Nature::Ge),
    ("≤", Nature::Le),
    ("≦", Nature::Le),
    ("⩽", Nature::Le),
    ("<", Nature::Le),
    ("=", Nature::Eq),
];

/// Comparison words after a number (and the unit), longest first.
const SUFFIXES: &[(&str, Option<Nature>)] = &[
    ("及以上", Some(Nature::Ge)),
    ("或以上", Some(Nature::Ge)),
    ("及以下", Some(Nature::Le)),
    ("或以下", Some(Nature::Le)),
    ("以上", Some(Nature::Ge)),
    ("以下", Some(Nature::Le)),
    ("以内", Some(Nature::Le)),
    ("之内", Some(Nature::Le)),
    ("左右", None),
    ("内", Some(Nature::Le)),
];

fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            '％' => '%',
            '＞' => '>',
            '＜' => '<',
            '＝' => '=',
            '～' => '~',
            '，' => ',',
            _ => c,
        })
        .collect()
}

fn leading(s: &str) -> Option<(Nature, &str)> {
    PREFIXES.iter().find_map(|(word, nature)| s.strip_prefix(word).map(|rest| (*nature, rest)))
}

/// The number at the start of `s` ("-1,234.5…") and what follows it; None when `s` does not
/// start with a digit (or a minus and a digit).
fn number_at(s: &str) -> Option<(Decimal, &str)> {
    let b = s.as_bytes();
    let mut end = usize::from(b.first() == Some(&b'-'));
    let start_digits = end;
    while b.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    if end == start_digits {
        return None;
    }
    // Thousands groups: a comma followed by exactly three digits.
    while b.get(end) == Some(&b',') && b.get(end + 1..end + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit)) {
        if b.get(end + 4).is_some_and(u8::is_ascii_digit) {
            break;
        }
        end += 4;
    }
    if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    let value = parse_plain(&s[..end]).ok()?;
    Some((value, &s[end..]))
}

fn is_date(unit: &str) -> bool {
    unit.ends_with('前') || ["月底", "月末", "年底", "年末"].iter().any(|w| unit.contains(w))
}

/// Reads a printed target or actual; never fails (what cannot be read is qualitative).
pub fn parse(text: &str) -> Printed {
    let text = text.trim();
    let mut out = Printed { text: text.to_string(), nature: None, number: None, unit: String::new() };
    if text.is_empty() || text.chars().count() > MAX_CHARS {
        return out;
    }
    let squeezed: String = normalize(text).chars().filter(|c| !c.is_whitespace()).collect();
    let (front, rest) = match leading(&squeezed) {
        Some((nature, rest)) => (Some(nature), rest),
        None => (None, squeezed.as_str()),
    };
    out.nature = front;
    let Some((number, after)) = number_at(rest) else { return out };
    if after.chars().any(|c| c.is_ascii_digit()) || is_date(after) {
        return out;
    }
    let mut unit = after;
    if let Some((stripped, nature)) = SUFFIXES.iter().find_map(|(w, n)| unit.strip_suffix(w).map(|u| (u, *n))) {
        unit = stripped;
        out.nature = front.or(nature);
    }
    if unit.starts_with('%') {
        unit = "%";
    }
    out.number = Some(number);
    out.unit = unit.to_string();
    out
}

/// The row's comparison: its 指标性质, else the target's own sign, else =.
/// The comparison a row states: its 指标性质, else the target's own sign, else =.
pub fn effective(nature: Option<Nature>, target: &Printed) -> Nature {
    nature.or(target.nature).unwrap_or(Nature::Eq)
}

/// Whether `actual` misses `target` under `nature` (the row's 指标性质, falling back to the target's own sign, then Eq):
/// Some(true) missed, Some(false) met, None when it cannot be told (qualitative text, a side without a number, units that differ and cannot be reconciled).
pub fn missed(nature: Option<Nature>, target: &Printed, actual: &Printed) -> Option<bool> {
    let (t, a) = comparable(target, actual)?;
    match effective(nature, target) {
        Nature::Ge => Some(a < t),
        Nature::Le => Some(a > t),
        Nature::Eq => Some(a != t),
        Nature::Text => None,
    }
}

/// A unit's scale prefix (万, 亿) and the base unit it scales: "万元" → (10^4, "元").
fn scaled(unit: &str) -> (Decimal, &str) {
    if let Some(base) = unit.strip_prefix('亿') {
        (Decimal::from(100_000_000), base)
    } else if let Some(base) = unit.strip_prefix('万') {
        (Decimal::from(10_000), base)
    } else {
        (Decimal::ONE, unit)
    }
}

/// The target and actual numbers made comparable: same unit, or one side a bare fraction and the other a percent
/// (a rate cell stored as 0.95 beside a printed "95%": × 100), or 万 prefix differences ("1.2万人" vs "12000人"). None when not comparable.
///
/// A bare number beside a percent is a fraction when it is at most 1 in size (0.95 → 95%); a
/// larger bare number is taken as percent points with the sign left off ("96" beside "95%").
/// 万 and 亿 scale to the base unit ("1.2万人" → 12000 人); both are given in the base unit.
pub fn comparable(target: &Printed, actual: &Printed) -> Option<(Decimal, Decimal)> {
    let (t, a) = (target.number?, actual.number?);
    let (tu, au) = (target.unit.as_str(), actual.unit.as_str());
    if tu == au {
        return Some((t, a));
    }
    let hundred = Decimal::ONE_HUNDRED;
    let as_percent = |v: Decimal| if v.abs() <= Decimal::ONE { v.checked_mul(hundred) } else { Some(v) };
    match (tu, au) {
        ("%", "") => return Some((t, as_percent(a)?)),
        ("", "%") => return Some((as_percent(t)?, a)),
        _ => {}
    }
    let ((ts, tb), (as_, ab)) = (scaled(tu), scaled(au));
    if tb != ab || tb == "%" {
        return None;
    }
    Some((t.checked_mul(ts)?, a.checked_mul(as_)?))
}

/// The formula score of a row from its printed values: points × actual ÷ target for ≥ (Positive), points × target ÷ actual for ≤ (Negative),
/// for = (Exact) full points when equal, else points × (1 − |actual − target| ÷ target) floored at 0; always capped at points, rounded to 2 places (money::round2).
/// Err with a message that quotes the printed value when a side has no number, the target is 0, or the units are not comparable.
pub fn formula_score(points: Decimal, nature: Option<Nature>, target: &Printed, actual: &Printed) -> Result<Decimal, String> {
    let Some(direction) = effective(nature, target).direction() else {
        return Err(format!("定性指标（目标值“{}”）不能按公式计分", target.text));
    };
    if target.number.is_none() {
        return Err(format!("目标值“{}”没有可读的数，不能按公式计分", target.text));
    }
    if actual.number.is_none() {
        return Err(format!("实际值“{}”没有可读的数，不能按公式计分", actual.text));
    }
    let Some((t, a)) = comparable(target, actual) else {
        return Err(format!("目标值“{}”与实际值“{}”的单位不同，无法比较", target.text, actual.text));
    };
    if t <= Decimal::ZERO {
        return Err(format!("目标值“{}”应大于 0，才能按公式计分", target.text));
    }
    if a < Decimal::ZERO {
        return Err(format!("实际值“{}”不能为负", actual.text));
    }
    check_measure(t).map_err(|m| format!("目标值“{}”：{m}", target.text))?;
    check_measure(a).map_err(|m| format!("实际值“{}”：{m}", actual.text))?;
    formula(points, t, a, direction).ok_or_else(|| format!("目标值“{}”与实际值“{}”超出可计算的范围", target.text, actual.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Printed values from real forms: (text, nature, number as printed, unit).
    const TABLE: &[(&str, Option<Nature>, Option<&str>, &str)] = &[
        ("≥4754人", Some(Nature::Ge), Some("4754"), "人"),
        ("86.19%", None, Some("86.19"), "%"),
        ("≤5300元/户", Some(Nature::Le), Some("5300"), "元/户"),
        ("11.376", None, Some("11.376"), ""),
        ("及时", None, None, ""),
        ("显著提升", None, None, ""),
        ("有所提高", None, None, ""),
        ("按时", None, None, ""),
        ("全部完成", None, None, ""),
        ("无", None, None, ""),
        ("100%完成", None, Some("100"), "%"),
        ("0起", None, Some("0"), "起"),
        ("95.0%", None, Some("95.0"), "%"),
        ("≥95%", Some(Nature::Ge), Some("95"), "%"),
        ("≥ 95 %", Some(Nature::Ge), Some("95"), "%"),
        ("＞＝９０％", Some(Nature::Ge), Some("90"), "%"),
        ("≧98%", Some(Nature::Ge), Some("98"), "%"),
        (">=85%", Some(Nature::Ge), Some("85"), "%"),
        ("不低于90%", Some(Nature::Ge), Some("90"), "%"),
        ("不少于3次/年", Some(Nature::Ge), Some("3"), "次/年"),
        ("大于等于2000亩", Some(Nature::Ge), Some("2000"), "亩"),
        ("至少12场", Some(Nature::Ge), Some("12"), "场"),
        ("4754人以上", Some(Nature::Ge), Some("4754"), "人"),
        ("90%及以上", Some(Nature::Ge), Some("90"), "%"),
        (">0", Some(Nature::Ge), Some("0"), ""),
        ("大于80%", Some(Nature::Ge), Some("80"), "%"),
        ("超过500户", Some(Nature::Ge), Some("500"), "户"),
        ("≤5%", Some(Nature::Le), Some("5"), "%"),
        ("≦10天", Some(Nature::Le), Some("10"), "天"),
        ("<=3个工作日", Some(Nature::Le), Some("3"), "个工作日"),
        ("不高于预算", Some(Nature::Le), None, ""),
        ("不超过1500万元", Some(Nature::Le), Some("1500"), "万元"),
        ("不多于2次", Some(Nature::Le), Some("2"), "次"),
        ("小于等于0.5‰", Some(Nature::Le), Some("0.5"), "‰"),
        ("5个工作日以内", Some(Nature::Le), Some("5"), "个工作日"),
        ("3%以下", Some(Nature::Le), Some("3"), "%"),
        ("=100%", Some(Nature::Eq), Some("100"), "%"),
        ("＝12个", Some(Nature::Eq), Some("12"), "个"),
        ("等于1项", Some(Nature::Eq), Some("1"), "项"),
        ("达到95%", Some(Nature::Ge), Some("95"), "%"),
        ("1,234.5万元", None, Some("1234.5"), "万元"),
        ("1，234.5", None, Some("1234.5"), ""),
        ("２，６８３.６８万元", None, Some("2683.68"), "万元"),
        ("1.2万人次", None, Some("1.2"), "万人次"),
        ("-5%", None, Some("-5"), "%"),
        ("90%-100%", None, None, ""),
        ("90%~100%", None, None, ""),
        ("≥90%～100%", Some(Nature::Ge), None, ""),
        ("2023年12月31日前", None, None, ""),
        ("12月底前", None, None, ""),
        ("6月末", None, None, ""),
        ("0.95", None, Some("0.95"), ""),
        ("100%", None, Some("100"), "%"),
        ("98.5分", None, Some("98.5"), "分"),
        ("约95%", None, None, ""),
        ("95%左右", None, Some("95"), "%"),
        ("≥2,000人次", Some(Nature::Ge), Some("2000"), "人次"),
        ("1,23", None, None, ""),
        ("12个月", None, Some("12"), "个月"),
        ("", None, None, ""),
    ];

    #[test]
    fn printed_table() {
        assert!(TABLE.len() >= 40);
        for (text, nature, number, unit) in TABLE {
            let p = parse(text);
            assert_eq!(p.text, text.trim(), "{text}");
            assert_eq!(p.nature, *nature, "{text}");
            assert_eq!(p.number, number.map(d), "{text}");
            // Printed precision kept: "95.0" stays "95.0", not "95".
            assert_eq!(p.number.map(|n| n.to_string()), number.map(|n| d(n).to_string()), "{text}");
            assert_eq!(p.unit, *unit, "{text}");
        }
    }

    #[test]
    fn printed_precision_and_edges() {
        assert_eq!(parse("95.0%").number.unwrap().to_string(), "95.0");
        assert_eq!(parse("11.376").number.unwrap().to_string(), "11.376");
        assert_eq!(parse("  及时  ").text, "及时");
        let long = "绩效目标".repeat(60);
        let p = parse(&format!("≥{long}95%"));
        assert_eq!((p.nature, p.number, p.unit.as_str()), (None, None, ""));
        assert_eq!(parse(""), Printed { text: String::new(), nature: None, number: None, unit: String::new() });
    }

    #[test]
    fn printed_nature_cells() {
        for (cell, want) in [
            ("=", Some(Nature::Eq)),
            ("＝", Some(Nature::Eq)),
            ("≥", Some(Nature::Ge)),
            (">=", Some(Nature::Ge)),
            ("＞＝", Some(Nature::Ge)),
            ("≧", Some(Nature::Ge)),
            ("≤", Some(Nature::Le)),
            ("<=", Some(Nature::Le)),
            ("≦", Some(Nature::Le)),
            ("正向", Some(Nature::Ge)),
            ("反向指标", Some(Nature::Le)),
            ("定性", Some(Nature::Text)),
            ("定性指标", Some(Nature::Text)),
            ("定量", None),
            ("", None),
            ("≥95%", None),
        ] {
            assert_eq!(Nature::parse(cell), want, "{cell}");
        }
        for n in [Nature::Eq, Nature::Ge, Nature::Le, Nature::Text] {
            assert_eq!(Nature::parse(n.label()), Some(n));
            let json = serde_json::to_string(&n).unwrap();
            assert_eq!(json, format!("\"{}\"", n.label()));
        }
        assert_eq!(Nature::Eq.direction(), Some(Direction::Exact));
        assert_eq!(Nature::Text.direction(), None);
    }

    fn miss(nature: Option<Nature>, t: &str, a: &str) -> Option<bool> {
        missed(nature, &parse(t), &parse(a))
    }

    #[test]
    fn printed_missed() {
        assert_eq!(miss(None, "≥4754人", "4700人"), Some(true));
        assert_eq!(miss(None, "≥4754人", "4754人"), Some(false));
        assert_eq!(miss(Some(Nature::Ge), "95%", "86.19%"), Some(true));
        assert_eq!(miss(None, "≤5300元/户", "5600元/户"), Some(true));
        assert_eq!(miss(Some(Nature::Le), "5300元/户", "5200元/户"), Some(false));
        assert_eq!(miss(None, "=100%", "98%"), Some(true));
        assert_eq!(miss(None, "100%", "100.0%"), Some(false), "no sign: =");
        assert_eq!(miss(None, "12个", "13个"), Some(true), "no sign: =");
        // The row's 指标性质 wins over the target's sign.
        assert_eq!(miss(Some(Nature::Le), "≥10天", "8天"), Some(false));
        // Percent beside a bare fraction.
        assert_eq!(miss(Some(Nature::Ge), "≥95%", "0.96"), Some(false));
        assert_eq!(miss(Some(Nature::Ge), "0.95", "94%"), Some(true));
        assert_eq!(miss(Some(Nature::Ge), "≥95%", "96"), Some(false), "percent sign left off");
        // 万 scaling.
        assert_eq!(miss(None, "≥1.2万人", "11999人"), Some(true));
        assert_eq!(miss(None, "≥1.2万人", "12000人"), Some(false));
        assert_eq!(miss(None, "≤1500万元", "0.16亿元"), Some(true));
        // Cannot be told.
        assert_eq!(miss(Some(Nature::Text), "及时", "及时"), None);
        assert_eq!(miss(None, "显著提升", "有所提高"), None);
        assert_eq!(miss(None, "≥95%", "基本完成"), None);
        assert_eq!(miss(None, "≥100人", "100户"), None);
        assert_eq!(miss(Some(Nature::Text), "95%", "90%"), None);
    }

    fn score(points: &str, nature: Option<Nature>, t: &str, a: &str) -> Result<Decimal, String> {
        formula_score(d(points), nature, &parse(t), &parse(a))
    }

    #[test]
    fn printed_formula_score() {
        assert_eq!(score("10", None, "≥95%", "86.19%").unwrap(), d("9.07"));
        assert_eq!(score("5", None, "≤5300元/户", "5600元/户").unwrap(), d("4.73"));
        assert_eq!(score("5", None, "=100%", "98%").unwrap(), d("4.90"));
        assert_eq!(score("5", Some(Nature::Eq), "100%", "103%").unwrap(), d("4.85"));
        assert_eq!(score("5", Some(Nature::Eq), "10个", "25个").unwrap(), d("0"), "floored at 0");
        assert_eq!(score("5", Some(Nature::Eq), "12个", "12个").unwrap(), d("5"));
        assert_eq!(score("10", Some(Nature::Ge), "≥95%", "99%").unwrap(), d("10"), "capped at points");
        assert_eq!(score("4", Some(Nature::Le), "≤10天", "0天").unwrap(), d("4"));
        assert_eq!(score("10", Some(Nature::Ge), "95%", "0.9025").unwrap(), d("9.50"));
        assert_eq!(score("6", None, "≥1.2万人次", "9000人次").unwrap(), d("4.50"));
        assert_eq!(score("3", Some(Nature::Ge), "11.376", "10").unwrap(), d("2.64"));
    }

    #[test]
    fn printed_formula_score_refusals() {
        let e = score("5", None, "≥0人", "12人").unwrap_err();
        assert!(e.contains("“≥0人”"), "{e}");
        assert!(score("5", None, "0起", "0起").unwrap_err().contains("“0起”"));
        assert!(score("5", None, "及时", "及时").unwrap_err().contains("“及时”"));
        assert!(score("5", Some(Nature::Text), "95%", "90%").unwrap_err().contains("定性"));
        assert!(score("5", None, "≥95%", "基本完成").unwrap_err().contains("“基本完成”"));
        let e = score("5", None, "≥100人", "100户").unwrap_err();
        assert!(e.contains("“≥100人”") && e.contains("“100户”"), "{e}");
        assert!(score("5", None, "≥95%", "-5%").unwrap_err().contains("“-5%”"));
        assert!(score("5", None, "≥1.0000001", "1").unwrap_err().contains("“≥1.0000001”"));
    }

    /// One rule: the printed form and the typed formula input give the same score.
    #[test]
    fn printed_agrees_with_score_input() {
        use crate::domain::scoring::ScoreInput;
        for (nature, t, a) in
            [(Nature::Ge, "95", "86.19"), (Nature::Le, "5300", "5600"), (Nature::Eq, "100", "98"), (Nature::Eq, "8", "30")]
        {
            let input = ScoreInput::Formula { target: d(t), actual: d(a), direction: nature.direction().unwrap() };
            let typed = input.compute("满意度", d("7")).unwrap();
            let printed = formula_score(d("7"), Some(nature), &parse(t), &parse(a)).unwrap();
            assert_eq!(typed, printed, "{t} {a}");
        }
    }
}
