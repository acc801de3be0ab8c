//! Search across projects (`jixiao search`, the workbench's search screen): every project's
//! searchable texts kept as one string with a small table of where each record's text starts
//! (`ProjectTexts`), so a search is a scan of memory, not a read of every record; and the hits
//! it answers with (project, record, a snippet around the match).

use crate::domain::selfcheck::Target;
use crate::domain::{Evidence, Finding, IndicatorTree, RectItem, Response};
use serde::{Deserialize, Serialize};

/// The kinds of text a search looks in (`--in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchIn {
    /// A scored leaf's 评分依据.
    Basis,
    /// A finding's text (问题).
    Findings,
    /// A rectification item's requirement (整改要求).
    Items,
    /// An item's history entries: responses, returns, closing opinions.
    Responses,
    /// Evidence names of scores, findings, items and responses.
    Evidence,
}

impl SearchIn {
    pub const ALL: [SearchIn; 5] = [SearchIn::Basis, SearchIn::Findings, SearchIn::Items, SearchIn::Responses, SearchIn::Evidence];

    /// The word `--in` takes.
    pub fn name(self) -> &'static str {
        match self {
            SearchIn::Basis => "basis",
            SearchIn::Findings => "findings",
            SearchIn::Items => "items",
            SearchIn::Responses => "responses",
            SearchIn::Evidence => "evidence",
        }
    }

    pub fn from_name(name: &str) -> Option<SearchIn> {
        SearchIn::ALL.into_iter().find(|k| k.name() == name.trim())
    }
}

/// What a search asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub text: String,
    /// Only this project (its code).
    pub project: Option<String>,
    /// Only these kinds; empty: all.
    pub kinds: Vec<SearchIn>,
    /// At most this many hits are returned (the count says how many there are).
    pub limit: usize,
}

/// The longest text searched for, in characters.
pub const MAX_TEXT: usize = 200;

impl SearchRequest {
    /// The text to look for, trimmed; a message saying what to write when it cannot be searched.
    pub fn needle(&self) -> Result<String, String> {
        let t = self.text.trim();
        if t.is_empty() {
            return Err("搜索内容为空：写要找的文字，如 jixiao search 资金闲置".into());
        }
        if t.chars().any(crate::text::is_control) {
            return Err("搜索内容含控制字符（换行、制表符等）：写在一行之内".into());
        }
        if t.chars().count() > MAX_TEXT {
            return Err(format!("搜索内容超过 {MAX_TEXT} 个字：写其中一段"));
        }
        Ok(t.to_string())
    }
}

/// One place the text occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub code: String,
    pub kind: SearchIn,
    /// The record, as people name it: 指标 决策/项目立项/立项依据充分性, 问题 #3, 事项 #12 …
    pub place: String,
    /// Where the workbench goes to show it.
    pub target: Target,
    /// The text around the match, on one line.
    pub snippet: String,
    /// The match inside `snippet`, as byte offsets.
    pub mark: (usize, usize),
}

/// The answer: the first `limit` hits in project order, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchResult {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// Which record a stretch of a project's text comes from. Small and `Copy`: 700,000 of them
/// are kept for a 10,000-project store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Basis {
        node: u32,
    },
    Finding {
        id: u64,
        seq: u32,
    },
    Item {
        id: u64,
    },
    Response {
        item: u64,
        seq: u32,
        kind: crate::domain::rect::EntryKind,
    },
    /// An evidence name; `of` is the record it belongs to.
    Evidence {
        of: Owner,
    },
}

/// The record an evidence name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Leaf(u32),
    Finding(u64, u32),
    Item(u64),
    Response(u64, u32),
}

impl Source {
    pub fn kind(&self) -> SearchIn {
        match self {
            Source::Basis { .. } => SearchIn::Basis,
            Source::Finding { .. } => SearchIn::Findings,
            Source::Item { .. } => SearchIn::Items,
            Source::Response { .. } => SearchIn::Responses,
            Source::Evidence { .. } => SearchIn::Evidence,
        }
    }

    pub fn target(&self) -> Target {
        match *self {
            Source::Basis { node } | Source::Evidence { of: Owner::Leaf(node) } => Target::Indicator(node),
            Source::Finding { id, .. } | Source::Evidence { of: Owner::Finding(id, _) } => Target::Finding(id),
            Source::Item { id } | Source::Evidence { of: Owner::Item(id) } => Target::Item(id),
            Source::Response { item, .. } | Source::Evidence { of: Owner::Response(item, _) } => Target::Item(item),
        }
    }

    /// The record's name, its kind first so a cut keeps it; `path` gives an indicator's path
    /// (when the tree is at hand).
    pub fn place(&self, path: &dyn Fn(u32) -> String) -> String {
        let owner = |o: &Owner| match *o {
            Owner::Leaf(node) => format!("指标 {}", path(node)),
            Owner::Finding(_, seq) => format!("问题 #{seq}"),
            Owner::Item(id) => format!("事项 #{id}"),
            Owner::Response(item, seq) => format!("事项 #{item} 记录 {seq}"),
        };
        match self {
            Source::Basis { node } => format!("评分依据 · {}", path(*node)),
            Source::Finding { seq, .. } => format!("问题 #{seq}"),
            Source::Item { id } => format!("事项 #{id} 整改要求"),
            Source::Response { item, seq, kind } => format!("事项 #{item} 记录 {seq}（{}）", kind.label()),
            Source::Evidence { of } => format!("佐证 · {}", owner(of)),
        }
    }
}

/// Between two records' texts: a character no stored text holds (control characters are
/// refused at save), so no match runs from one record into the next.
const SEP: char = '\u{1f}';

/// One project's searchable texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectTexts {
    pub id: u64,
    pub code: String,
    /// Every text, each followed by `SEP`.
    pub text: String,
    /// Where each text starts in `text`, in order, and whose it is.
    pub starts: Vec<(u32, Source)>,
}

impl ProjectTexts {
    /// Empty, to be filled record by record in the order `build` uses.
    pub fn new(id: u64, code: &str) -> Self {
        ProjectTexts { id, code: code.to_string(), text: String::new(), starts: vec![] }
    }

    /// From the project's records as stored: the tree's bases, then findings, items and items'
    /// history entries, each in id (and sequence) order, so a pass over each tree in key order
    /// (`store/search.rs`) builds the same texts record by record.
    pub fn build(
        id: u64,
        code: &str,
        tree: Option<&IndicatorTree>,
        findings: &[Finding],
        items: &[RectItem],
        history: &[Response],
    ) -> Self {
        let mut t = ProjectTexts::new(id, code);
        if let Some(tree) = tree {
            t.add_tree(tree);
        }
        findings.iter().for_each(|f| t.add_finding(f));
        items.iter().for_each(|it| t.add_item(it));
        history.iter().for_each(|r| t.add_response(r));
        t.finish();
        t
    }

    pub fn add_tree(&mut self, tree: &IndicatorTree) {
        for n in &tree.nodes {
            let Some(s) = &n.score else { continue };
            self.push(Source::Basis { node: n.id }, &s.basis);
            self.evidence(&s.evidence, Owner::Leaf(n.id));
        }
    }

    /// A finding; withdrawn ones are left out.
    pub fn add_finding(&mut self, f: &Finding) {
        if f.state != crate::domain::FindingState::Withdrawn {
            self.push(Source::Finding { id: f.id, seq: f.seq }, &f.body.text);
            self.evidence(&f.body.evidence, Owner::Finding(f.id, f.seq));
        }
    }

    pub fn add_item(&mut self, it: &RectItem) {
        self.push(Source::Item { id: it.id }, &it.requirement);
        self.evidence(&it.evidence, Owner::Item(it.id));
    }

    pub fn add_response(&mut self, r: &Response) {
        use crate::domain::rect::EntryKind;
        // An edit's entry keeps the fields before it as JSON (for restoring), not words
        // anyone wrote; a removal's evidence is no longer the item's.
        if r.kind == EntryKind::Edited {
            return;
        }
        self.push(Source::Response { item: r.item, seq: r.seq, kind: r.kind }, &r.text);
        if r.kind != EntryKind::EvidenceRemoved {
            self.evidence(&r.evidence, Owner::Response(r.item, r.seq));
        }
    }

    /// Gives back what growing left over (kept for every project, it adds up).
    pub fn finish(&mut self) {
        self.text.shrink_to_fit();
        self.starts.shrink_to_fit();
    }

    fn evidence(&mut self, list: &[Evidence], of: Owner) {
        for e in list {
            self.push(Source::Evidence { of }, e.name());
        }
    }

    fn push(&mut self, source: Source, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.starts.push((self.text.len() as u32, source));
        self.text.extend(text.chars().map(|c| if c == SEP { ' ' } else { c }));
        self.text.push(SEP);
    }

    /// Each record whose text holds `needle` (lowercased ASCII), once, with the match's
    /// byte range in `text`, in order.
    pub fn matches<'a>(&'a self, needle: &'a str, kinds: &'a [SearchIn]) -> impl Iterator<Item = (Source, usize, usize)> + 'a {
        let mut from = 0;
        std::iter::from_fn(move || {
            loop {
                let at = find(&self.text[from..], needle)? + from;
                let i = self.starts.partition_point(|(s, _)| *s as usize <= at).checked_sub(1)?;
                let source = self.starts[i].1;
                // The next search starts at the next record: one hit per record.
                from = self.starts.get(i + 1).map_or(self.text.len(), |(s, _)| *s as usize);
                if kinds.is_empty() || kinds.contains(&source.kind()) {
                    return Some((source, at, at + needle.len()));
                }
            }
        })
    }

    /// The record's text around a match at `start..end`: `before` characters before it, the
    /// rest of a short line after, line breaks as spaces; and the match's range in it.
    pub fn snippet(&self, start: usize, end: usize, before: usize, width: usize) -> (String, (usize, usize)) {
        let i = self.starts.partition_point(|(s, _)| *s as usize <= start).saturating_sub(1);
        let rec_start = self.starts.get(i).map_or(0, |(s, _)| *s as usize);
        let rec_end = self.text[rec_start..].find(SEP).map_or(self.text.len(), |e| rec_start + e);
        let head: Vec<(usize, char)> = self.text[rec_start..start].char_indices().collect();
        let cut = head.len().saturating_sub(before);
        let from = head.get(cut).map_or(start, |(b, _)| rec_start + b);
        let mut out = String::new();
        if from > rec_start {
            out.push('…');
        }
        let flat = |s: &str| s.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect::<String>();
        out.push_str(&flat(&self.text[from..start]));
        let mark_start = out.len();
        out.push_str(&flat(&self.text[start..end]));
        let mark = (mark_start, out.len());
        let used = crate::text::width(&out);
        let rest = flat(&self.text[end..rec_end]);
        let room = width.saturating_sub(used);
        if crate::text::width(&rest) > room {
            out.push_str(&crate::text::truncate(&rest, room));
        } else {
            out.push_str(&rest);
        }
        (out, mark)
    }
}

/// The first byte offset where `needle` (already lowercased ASCII) occurs in `hay`, Latin
/// letters compared without case. Chinese is matched as a substring.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if !needle.bytes().any(|b| b.is_ascii_alphabetic()) {
        return hay.find(needle);
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let first = n[0];
    let other = first.to_ascii_uppercase();
    let last = h.len().checked_sub(n.len())?;
    (0..=last).find(|&i| (h[i] == first || h[i] == other) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The needle as `find` takes it.
pub fn fold(needle: &str) -> String {
    needle.to_ascii_lowercase()
}

/// The zh table: 项目 | 位置 | 摘录, fitted to `width` cells; then how many there are.
pub fn table(result: &SearchResult, width: usize) -> String {
    use crate::text::{pad_right, truncate, width as w};
    let code_w = result.hits.iter().map(|h| w(&h.code)).max().unwrap_or(4).max(4);
    // The snippet keeps at least 34 cells; the place takes what is left, up to its longest.
    let place_w = result.hits.iter().map(|h| w(&h.place)).max().unwrap_or(4).clamp(4, width.saturating_sub(code_w + 4 + 34).max(24));
    let snip_w = width.saturating_sub(code_w + place_w + 4).max(16);
    let mut out = format!("{}  {}  摘录\n", pad_right("项目", code_w), pad_right("位置", place_w));
    for h in &result.hits {
        let line = format!(
            "{}  {}  {}",
            pad_right(&h.code, code_w),
            pad_right(&truncate(&h.place, place_w), place_w),
            truncate(&h.snippet, snip_w)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if result.total > result.hits.len() {
        out.push_str(&format!("共 {} 处，显示前 {} 处（--limit 可调，--project/--in 可缩小范围）\n", result.total, result.hits.len()));
    } else {
        out.push_str(&format!("共 {} 处\n", result.total));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_without_case_and_chinese_as_substring() {
        assert_eq!(find("预算执行率 PPP 项目", &fold("ppp")), Some(16));
        assert_eq!(find("预算执行率 PpP 项目", &fold("PPP")), Some(16));
        assert_eq!(find("资金闲置沉淀", "闲置"), Some(6));
        assert_eq!(find("资金", "资金闲置"), None);
    }
}
