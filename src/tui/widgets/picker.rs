//! Matching for the picker: what a typed query finds in a list of Chinese names. A name is
//! found by a prefix of it, by any part of it, or by the first letters of its pinyin
//! (`zjsy` finds 资金使用不规范), in that order of rank. Pure: no terminal, no state.

use pinyin::ToPinyin;

/// How well a query matched a text; lower ranks sort first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The text starts with the query.
    Prefix,
    /// The query is somewhere in the text.
    Substring,
    /// The query is in the text's pinyin initials (资金使用 → zjsy).
    Initials,
}

/// The first letter of each character's pinyin; letters and digits kept (lower-cased),
/// anything else (punctuation, spaces, characters without a reading) left out, so `zjsy`
/// finds 资金使用（不规范） as well as 资金使用不规范.
pub fn initials(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// How `query` matches `text`, or None. Case is ignored for Latin letters; an empty query
/// matches everything as a prefix.
pub fn rank(query: &str, text: &str) -> Option<Rank> {
    let q = query.trim().to_lowercase();
    let t = text.to_lowercase();
    if t.starts_with(&q) {
        return Some(Rank::Prefix);
    }
    if t.contains(&q) {
        return Some(Rank::Substring);
    }
    // Initials are letters: a query of Chinese characters or with spaces is matched only
    // as text above.
    let letters: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if !letters.is_empty() && letters.chars().all(|c| c.is_ascii_alphanumeric()) && initials(text).contains(&letters) {
        return Some(Rank::Initials);
    }
    None
}

/// The best rank of `query` over several texts of one entry (an indicator's name and path).
pub fn best_rank<'a>(query: &str, texts: impl IntoIterator<Item = &'a str>) -> Option<Rank> {
    texts.into_iter().filter_map(|t| rank(query, t)).min()
}

/// The indices of the entries `query` finds, best rank first and, within a rank, in the
/// list's own order (a category list and an indicator tree have a meaningful order).
pub fn filter<T: AsRef<str>>(query: &str, entries: &[Vec<T>]) -> Vec<usize> {
    let mut hits: Vec<(Rank, usize)> =
        entries.iter().enumerate().filter_map(|(i, texts)| best_rank(query, texts.iter().map(AsRef::as_ref)).map(|r| (r, i))).collect();
    hits.sort();
    hits.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(list: &[&str]) -> Vec<Vec<String>> {
        list.iter().map(|s| vec![s.to_string()]).collect()
    }

    #[test]
    fn initials_of_chinese_latin_and_punctuation() {
        assert_eq!(initials("资金使用不规范"), "zjsybgf");
        assert_eq!(initials("预算执行率（%）"), "yszxl");
        assert_eq!(initials("PPP项目2号"), "pppxm2h");
    }

    #[test]
    fn ranks_prefix_substring_initials() {
        assert_eq!(rank("资金", "资金使用不规范"), Some(Rank::Prefix));
        assert_eq!(rank("使用", "资金使用不规范"), Some(Rank::Substring));
        assert_eq!(rank("zjsy", "资金使用不规范"), Some(Rank::Initials));
        assert_eq!(rank("ZJSY", "资金使用不规范"), Some(Rank::Initials));
        assert_eq!(rank("sybg", "资金使用不规范"), Some(Rank::Initials));
        assert_eq!(rank("xyz", "资金使用不规范"), None);
        assert_eq!(rank("资产", "资金使用不规范"), None);
        assert_eq!(rank("", "资金使用不规范"), Some(Rank::Prefix));
    }

    #[test]
    fn filter_orders_by_rank_then_list_order() {
        let list = one(&["预算编制不科学", "资金使用不规范", "专项资金被挤占挪用", "资金拨付不及时", "绩效目标不明确"]);
        // 资金: two prefixes (in list order), then the one that only contains it.
        assert_eq!(filter("资金", &list), vec![1, 3, 2]);
        assert_eq!(filter("zjsy", &list), vec![1]);
        // bgf: initials of 不规范 only.
        assert_eq!(filter("bgf", &list), vec![1]);
        assert!(filter("无此类别", &list).is_empty());
        assert_eq!(filter("", &list).len(), 5);
    }

    #[test]
    fn best_rank_over_name_and_path() {
        let entry = ["资金使用合规性", "过程/资金管理/资金使用合规性"];
        assert_eq!(best_rank("资金管理", entry), Some(Rank::Substring));
        assert_eq!(best_rank("zjsy", entry), Some(Rank::Initials));
        assert_eq!(best_rank("资金使用", entry), Some(Rank::Prefix));
    }
}
