//! A rectification notice (整改通知书, DOMAIN.md §5) ready to print, as Markdown or as plain
//! text wrapped for A4.
//!
//! `to_markdown` and `to_text` are pure functions of a `NoticeDoc` (gathered through `Backend`
//! queries by `export::notice::load`, or kept as issued by the store: `read::issued`), so the
//! store can render a notice inside the command that issues it and tests need no store. Both
//! render the same blocks (see `blocks`), in this order:
//! - 【已作废】 and the reason, for a cancelled notice;
//! - the number (财绩整〔2026〕3号) and the title 关于《项目》绩效评价发现问题的整改通知;
//! - the recipient unit followed by ：, and an opening paragraph naming the project;
//! - 评价结果: the total with 2 decimals and the grade (or the ex-ante conclusion), or
//!   评分未完成 while leaves are unscored;
//! - the problems, numbered 一、二、三…: one per finding, in the order the notice lists its
//!   items, headed by the finding's title (`FindingBody::heading`); each with 问题事实 (the
//!   finding text), 评价依据 (the rule it breaks as the finding states it, else the linked
//!   indicators' 评分标准), 涉及指标 (with the points of the deductions that stem from this
//!   finding, not the leaf's whole loss), 问题类别 and severity, 涉及金额 (万元, 2 decimals)
//!   when there is one, and per item 整改要求 and 整改期限 (the current due date; after an
//!   approved extension 原定期限 too);
//! - 报送要求 (整改报告 and 佐证资料 before the latest due date), 联系人及电话, the consequence
//!   and 特此通知;
//! - the issuing authority and the issue date (2026年11月22日).
//!
//! Layout 1 (`TEXT_LAYOUT` before findings had titles) headed a problem by its category and
//! printed 评价依据 as the indicators with the leaf's whole loss, the category and severity; a
//! copy issued then is still printed that way (`NoticeDoc::layout`, `problem_blocks_v1`).

pub use super::print::{chinese_date, chinese_number, md_escape};
use crate::domain::money::fmt2;
use crate::domain::{Finding, IndicatorTree, ItemState, Node, Notice, NoticeState, Project, ProjectKind, RectItem, ResultKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display cells per line of the text rendering: about 36 Chinese characters, an A4 line.
pub const A4_WIDTH: usize = 72;

/// The authority line when the contact names no finance bureau.
pub const DEFAULT_ISSUER: &str = "（发文机关）";

/// The mark on a cancelled notice.
pub const VOID_MARK: &str = "【已作废】";

/// The consequence printed on every notice.
pub const CONSEQUENCE: &str = "逾期未整改或整改不到位的，将视情况调减或取消下年度预算安排。";

/// The layout `blocks` prints today; an issued copy keeps the one it was issued with
/// (`read::issued`), and a change to what a notice prints bumps it.
pub const TEXT_LAYOUT: u8 = 2;

/// Everything a notice prints. Kept as issued in the store (`read::issued::IssuedNotice`), so
/// every type in it is serde.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeDoc {
    pub notice: Notice,
    pub project: Project,
    /// The project's indicator tree: the total, the grade and the indicators' names.
    pub tree: IndicatorTree,
    /// At least the findings the notice's items answer.
    pub findings: Vec<Finding>,
    /// At least the notice's items.
    pub items: Vec<RectItem>,
    /// The issuing authority printed above the date, e.g. 市财政局.
    pub issuer: String,
    /// The layout to print (`None`: `TEXT_LAYOUT`); an issued copy sets its own when shown.
    /// Not stored: the copy keeps it beside the document.
    #[serde(skip)]
    pub layout: Option<u8>,
}

/// The finance bureau named at the start of the contact (`市财政局绩效评价股 0736-…` → 市财政局),
/// else `DEFAULT_ISSUER`.
pub fn issuer_from_contact(contact: &str) -> String {
    let first = contact.split_whitespace().next().unwrap_or("");
    ["财政局", "财政厅", "财政部"]
        .iter()
        .find_map(|bureau| first.find(bureau).map(|at| first[..at + bureau.len()].to_string()))
        .unwrap_or_else(|| DEFAULT_ISSUER.to_string())
}

// --- the document's blocks ---------------------------------------------------------------

/// One piece of the notice; both renderings walk the same list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// 【已作废】: the text says the notice no longer applies and why.
    Void(String),
    Number(String),
    Title(String),
    /// The recipient, ending in ：.
    Recipient(String),
    Para(String),
    /// A problem's heading: 一、类别.
    Heading(String),
    /// A labelled line of a problem: (label, text).
    Field(String, String),
    /// A labelled paragraph outside the problems: (label, text).
    Note(String, String),
    /// The issuing authority and the date, right-aligned.
    Sign(String),
}

/// The notice as blocks, in print order.
pub fn blocks(doc: &NoticeDoc) -> Vec<Block> {
    let mut out = Vec::new();
    if doc.notice.state == NoticeState::Cancelled {
        out.push(Block::Void(void_text(&doc.notice)));
    }
    out.push(Block::Number(doc.notice.number.clone()));
    out.push(Block::Title(title(doc)));
    out.push(Block::Recipient(format!("{}：", doc.notice.unit)));
    out.push(Block::Para(opening(doc)));
    out.push(Block::Note("评价结果".into(), result_text(&doc.project, &doc.tree)));
    let v1 = doc.layout.is_some_and(|l| l < 2);
    for (n, (finding, items)) in problems(doc).into_iter().enumerate() {
        if v1 {
            out.extend(problem_blocks_v1(doc, n + 1, finding, &items));
        } else {
            out.extend(problem_blocks(doc, n + 1, finding, &items));
        }
    }
    out.extend(closing_blocks(doc));
    out
}

fn void_text(n: &Notice) -> String {
    let reason = n.cancel_reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("未说明");
    format!("本通知书已作废，不再执行。作废原因：{reason}")
}

/// What the work was called, in full and short: (绩效评价, 评价) or (事前绩效评估, 评估).
fn evaluation_words(p: &Project) -> (&'static str, &'static str) {
    match p.kind {
        ProjectKind::ExAnte => ("事前绩效评估", "评估"),
        _ => ("绩效评价", "评价"),
    }
}

fn title(doc: &NoticeDoc) -> String {
    format!("关于《{}》{}发现问题的整改通知", doc.project.name, evaluation_words(&doc.project).0)
}

fn opening(doc: &NoticeDoc) -> String {
    let p = &doc.project;
    let who = match p.third_party.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(firm) => format!("我局委托{firm}"),
        None => "我局".to_string(),
    };
    let (word, short) = evaluation_words(p);
    format!(
        "根据预算绩效管理有关规定，{who}对《{}》（{}年度，资金{}万元）开展了{word}。现将{short}结果和发现的问题通知如下，请你单位认真组织整改，并按期报送整改情况。",
        p.name,
        p.fiscal_year,
        fmt2(p.amount),
    )
}

/// 综合评分 85.50 分，评价等级为"良" / 评估结论为… / 评分未完成.
pub fn result_text(project: &Project, tree: &IndicatorTree) -> String {
    let (scored, all) = tree.progress();
    let total = fmt2(tree.total_score());
    if !tree.is_fully_scored() {
        return format!("评分未完成（已评 {scored}/{all} 项末级指标，目前合计{total}分），评价等级待评分完成后确定。");
    }
    let label = tree.result_label().unwrap_or("未定");
    match tree.bands.kind {
        ResultKind::Conclusion => format!("该项目评估得分{total}分，评估结论为“{label}”。"),
        ResultKind::Grade => format!("该{}综合评分{total}分，评价等级为“{label}”。", subject(project)),
    }
}

fn subject(p: &Project) -> &'static str {
    match p.kind {
        ProjectKind::Department => "部门整体支出",
        _ => "项目",
    }
}

/// The notice's items grouped by the finding they answer, in the notice's order.
fn problems(doc: &NoticeDoc) -> Vec<(Option<&Finding>, Vec<&RectItem>)> {
    let mut out: Vec<(u64, Option<&Finding>, Vec<&RectItem>)> = Vec::new();
    for id in &doc.notice.items {
        let Some(item) = doc.items.iter().find(|i| i.id == *id) else { continue };
        match out.iter_mut().find(|(f, _, _)| *f == item.finding) {
            Some((_, _, items)) => items.push(item),
            None => out.push((item.finding, doc.findings.iter().find(|f| f.id == item.finding), vec![item])),
        }
    }
    out.into_iter().map(|(_, f, items)| (f, items)).collect()
}

fn problem_blocks(doc: &NoticeDoc, n: usize, finding: Option<&Finding>, items: &[&RectItem]) -> Vec<Block> {
    let field = |label: &str, text: String| Block::Field(label.to_string(), text);
    let heading = finding.map(|f| f.body.heading()).filter(|h| !h.is_empty()).unwrap_or_else(|| "其他问题".to_string());
    let mut out = vec![Block::Heading(format!("{}、{heading}", chinese_number(n)))];
    match finding {
        Some(f) => {
            out.push(field("问题事实", one_line(&f.body.text)));
            if let Some(basis) = rule_broken(&doc.tree, f) {
                out.push(field("评价依据", basis));
            }
            let charged = charged_indicators(&doc.tree, f);
            if !charged.is_empty() {
                out.push(field("涉及指标", charged.join("、")));
            }
            out.push(field("问题类别", format!("{}；严重程度：{}", f.body.category.trim(), f.body.severity.label())));
            if let Some(a) = f.body.amount.filter(|a| !a.is_zero()) {
                out.push(field("涉及金额", format!("{}万元", fmt2(a))));
            }
        }
        None => out.push(field("问题事实", "（问题记录缺失）".into())),
    }
    out.extend(item_blocks(items));
    out
}

/// 评价依据: as the finding states it, else the 评分标准 of the indicators it is linked to.
fn rule_broken(tree: &IndicatorTree, f: &Finding) -> Option<String> {
    let own = one_line(&f.body.basis);
    if !own.is_empty() {
        return Some(own);
    }
    let guides: Vec<String> = linked_leaves(tree, f)
        .into_iter()
        .map(|n| (n, one_line(&n.guide)))
        .filter(|(_, g)| !g.is_empty())
        .map(|(n, g)| format!("「{}」评分标准：{}", n.name, g.trim_end_matches(['。', '；'])))
        .collect();
    (!guides.is_empty()).then(|| format!("{}。", guides.join("；")))
}

/// The indicators the finding is linked to, then any other leaf with a deduction that stems
/// from it, in tree order.
fn linked_leaves<'t>(tree: &'t IndicatorTree, f: &Finding) -> Vec<&'t Node> {
    tree.nodes.iter().filter(|n| f.body.indicators.contains(&n.id) || !own_deductions(n, f.id).is_zero()).collect()
}

/// The points of the deductions on `node` that record `finding` as their source, capped at the
/// leaf's points (扣完为止).
fn own_deductions(node: &Node, finding: u64) -> rust_decimal::Decimal {
    let Some(crate::domain::tree::Score { input: crate::domain::scoring::ScoreInput::Deduction { deductions }, .. }) = &node.score else {
        return rust_decimal::Decimal::ZERO;
    };
    let own = crate::domain::money::sum(deductions.iter().filter(|d| d.finding == Some(finding)).map(|d| &d.points));
    own.min(node.points)
}

/// 「资金使用合规性」（扣1.00分）: each linked leaf with this finding's own deductions on it.
fn charged_indicators(tree: &IndicatorTree, f: &Finding) -> Vec<String> {
    linked_leaves(tree, f)
        .into_iter()
        .map(|n| match own_deductions(n, f.id) {
            own if own.is_zero() => format!("「{}」", n.name),
            own => format!("「{}」（扣{}分）", n.name, fmt2(own)),
        })
        .collect()
}

/// Layout 1, kept for copies issued with it: headed by the category, 评价依据 boilerplate.
fn problem_blocks_v1(doc: &NoticeDoc, n: usize, finding: Option<&Finding>, items: &[&RectItem]) -> Vec<Block> {
    let field = |label: &str, text: String| Block::Field(label.to_string(), text);
    let category = finding.map(|f| f.body.category.trim()).filter(|c| !c.is_empty()).unwrap_or("其他问题");
    let mut out = vec![Block::Heading(format!("{}、{category}", chinese_number(n)))];
    match finding {
        Some(f) => {
            out.push(field("问题事实", one_line(&f.body.text)));
            out.push(field("评价依据", basis(&doc.tree, f)));
            if let Some(a) = f.body.amount.filter(|a| !a.is_zero()) {
                out.push(field("涉及金额", format!("{}万元", fmt2(a))));
            }
        }
        None => out.push(field("问题事实", "（问题记录缺失）".into())),
    }
    out.extend(item_blocks(items));
    out
}

/// Each item's 整改要求 and 整改期限 (numbered when the problem has several).
fn item_blocks(items: &[&RectItem]) -> Vec<Block> {
    let field = |label: &str, text: String| Block::Field(label.to_string(), text);
    let mut out = Vec::new();
    let many = items.len() > 1;
    for (k, item) in items.iter().enumerate() {
        let suffix = if many { format!("（{}）", k + 1) } else { String::new() };
        out.push(field(&format!("整改要求{suffix}"), one_line(&item.requirement)));
        out.push(field(&format!("整改期限{suffix}"), deadline(item)));
        if let Some(reason) = item.cancel_reason.as_deref().filter(|_| item.state == ItemState::Cancelled) {
            out.push(field(&format!("说明{suffix}"), format!("该项整改事项已撤销：{}", one_line(reason))));
        }
    }
    out
}

/// Layout 1's 评价依据: the indicators the finding cost points on (with the leaf's whole
/// loss where scored), its category and severity.
fn basis(tree: &IndicatorTree, f: &Finding) -> String {
    let indicators: Vec<String> = f.body.indicators.iter().filter_map(|id| tree.node(*id)).map(|n| indicator_loss(tree, n)).collect();
    let category = format!("问题类别为“{}”，严重程度：{}。", f.body.category.trim(), f.body.severity.label());
    if indicators.is_empty() {
        return category;
    }
    format!("该问题涉及{}指标；{category}", indicators.join("、"))
}

fn indicator_loss(tree: &IndicatorTree, node: &Node) -> String {
    match tree.score_of(node.id) {
        Some(score) if score < node.points => format!("「{}」（扣{}分）", node.name, fmt2(node.points - score)),
        _ => format!("「{}」", node.name),
    }
}

fn deadline(item: &RectItem) -> String {
    let mut text = format!("{}前", chinese_date(item.due));
    if item.due != item.original_due {
        text.push_str(&format!("（原定期限{}，经批准延期）", chinese_date(item.original_due)));
    }
    text
}

/// The latest current due date of the items still to be done (all items when none is).
fn latest_due(doc: &NoticeDoc) -> Option<NaiveDate> {
    let live = doc.items.iter().filter(|i| i.state != ItemState::Cancelled).map(|i| i.due).max();
    live.or_else(|| doc.items.iter().map(|i| i.due).max())
}

fn closing_blocks(doc: &NoticeDoc) -> Vec<Block> {
    let by = latest_due(doc).map(|d| format!("于{}前", chinese_date(d))).unwrap_or_else(|| "按上述期限".to_string());
    let deliver =
        format!("请你单位{by}将整改报告及相关佐证资料报送我局。整改报告应逐项说明整改措施和整改结果，佐证资料应与整改事项逐项对应。");
    let contact = Some(one_line(&doc.notice.contact)).filter(|c| !c.is_empty()).unwrap_or_else(|| "________".to_string());
    vec![
        Block::Note("报送要求".into(), deliver),
        Block::Note("联系人及电话".into(), contact),
        Block::Para(CONSEQUENCE.to_string()),
        Block::Para("特此通知。".to_string()),
        Block::Sign(doc.issuer.clone()),
        Block::Sign(chinese_date(doc.notice.issue_date)),
    ]
}

/// Line breaks and runs of spaces inside a stored text become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// --- Markdown ----------------------------------------------------------------------------

/// The notice as Markdown: the title as `#`, each problem as `##` with its fields as a list.
pub fn to_markdown(doc: &NoticeDoc) -> String {
    let mut out = String::new();
    let mut prev: Option<&Block> = None;
    let all = blocks(doc);
    for b in &all {
        if let Some(p) = prev {
            out.push_str(md_separator(p, b));
        }
        out.push_str(&md_block(b));
        prev = Some(b);
    }
    out.push('\n');
    out
}

fn md_separator(prev: &Block, next: &Block) -> &'static str {
    match (prev, next) {
        (Block::Field(..), Block::Field(..)) => "\n",
        (Block::Sign(_), Block::Sign(_)) => "  \n",
        _ => "\n\n",
    }
}

fn md_block(b: &Block) -> String {
    match b {
        Block::Void(text) => format!("> **{VOID_MARK}** {}", md_escape(text)),
        Block::Number(n) => format!("**{}**", md_escape(n)),
        Block::Title(t) => format!("# {}", md_escape(t)),
        Block::Recipient(t) | Block::Para(t) | Block::Sign(t) => md_escape(t),
        Block::Heading(t) => format!("## {}", md_escape(t)),
        Block::Field(label, text) => format!("- **{}**：{}", md_escape(label), md_escape(text)),
        Block::Note(label, text) => format!("**{}**：{}", md_escape(label), md_escape(text)),
    }
}

// --- plain text --------------------------------------------------------------------------

/// Two ideographic spaces: the first-line indent of a paragraph.
const INDENT: &str = "\u{3000}\u{3000}";

/// The notice as plain text, no line wider than `width` display cells (`A4_WIDTH` for A4).
pub fn to_text(doc: &NoticeDoc, width: usize) -> String {
    let width = width.max(20);
    let mut lines: Vec<String> = Vec::new();
    let mut prev: Option<&Block> = None;
    let all = blocks(doc);
    for b in &all {
        if prev.is_some_and(|p| text_gap(p, b)) {
            lines.push(String::new());
        }
        lines.extend(text_block(b, width));
        prev = Some(b);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// A blank line before the title, the recipient, each problem, the closing notes and the signature.
fn text_gap(prev: &Block, next: &Block) -> bool {
    match next {
        Block::Number(_) | Block::Title(_) | Block::Recipient(_) | Block::Heading(_) => true,
        Block::Note(..) => !matches!(prev, Block::Note(..) | Block::Para(_)),
        Block::Sign(_) => !matches!(prev, Block::Sign(_)),
        _ => false,
    }
}

fn text_block(b: &Block, width: usize) -> Vec<String> {
    match b {
        Block::Void(t) => {
            let mut lines = centered(VOID_MARK, width);
            lines.extend(wrap(&format!("{INDENT}{t}"), width));
            lines
        }
        Block::Number(t) | Block::Title(t) => centered(t, width),
        Block::Recipient(t) => wrap(t, width),
        Block::Para(t) => wrap(&format!("{INDENT}{t}"), width),
        Block::Heading(t) => wrap(&format!("{INDENT}{t}"), width),
        Block::Field(label, t) | Block::Note(label, t) => wrap(&format!("{INDENT}{label}：{t}"), width),
        Block::Sign(t) => right_aligned(t, width),
    }
}

fn centered(text: &str, width: usize) -> Vec<String> {
    wrap(text, width)
        .into_iter()
        .map(|line| {
            let pad = width.saturating_sub(line.width()) / 2;
            format!("{}{line}", " ".repeat(pad))
        })
        .collect()
}

/// Right-aligned with a margin of two Chinese characters, as a signature block is printed.
fn right_aligned(text: &str, width: usize) -> Vec<String> {
    let margin = 4;
    wrap(text, width - margin)
        .into_iter()
        .map(|line| {
            let pad = (width - margin).saturating_sub(line.width());
            format!("{}{line}", " ".repeat(pad))
        })
        .collect()
}

/// Punctuation that must not begin a line (it stays with the character before it).
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』〕】”’…%,.;:!?)]".contains(c)
}

/// Punctuation that must not end a line (it moves down with the character after it).
fn no_line_end(c: char) -> bool {
    "（《「『〔【“‘([".contains(c)
}

/// Pieces that are never split: a run of ASCII letters, digits and symbols, or one other character.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_graphic() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        out.push(c.to_string());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Greedy wrapping by display cells, keeping closing punctuation off a line's start and
/// opening punctuation off a line's end. Spaces at a break are dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<Vec<String>> = vec![Vec::new()];
    for tok in tokens(text) {
        place(&mut lines, tok, width);
    }
    lines.into_iter().map(|l| l.concat().trim_end().to_string()).filter(|l| !l.is_empty()).collect()
}

fn cells(line: &[String]) -> usize {
    line.iter().map(|t| t.width()).sum()
}

fn place(lines: &mut Vec<Vec<String>>, tok: String, width: usize) {
    let w = tok.width();
    if w > width {
        return tok.chars().for_each(|c| place(lines, c.to_string(), width));
    }
    let Some(cur) = lines.last_mut() else { return };
    if cells(cur) + w <= width {
        return cur.push(tok);
    }
    if tok == " " {
        return lines.push(Vec::new());
    }
    let mut next = carried(cur, &tok, width - w);
    next.push(tok);
    lines.push(next);
}

/// What moves down from a full line with `tok`: the pieces before it while the next line
/// would start with closing punctuation (`）。` moves with the character before it), and any
/// opening punctuation left at the line's end.
fn carried(cur: &mut Vec<String>, tok: &str, room: usize) -> Vec<String> {
    let mut moved: Vec<String> = Vec::new();
    let starts_badly = |moved: &[String]| moved.last().map_or(tok, |t| t.as_str()).chars().next().is_some_and(no_line_start);
    while starts_badly(&moved) && cur.len() > 1 {
        moved.extend(cur.pop());
    }
    while cur.len() > 1 && cur.last().and_then(|t| t.chars().last()).is_some_and(no_line_end) {
        moved.extend(cur.pop());
    }
    moved.reverse();
    if cells(&moved) > room {
        // Too much to carry: put it back and break plainly.
        cur.append(&mut moved);
    }
    while moved.first().is_some_and(|t| t == " ") {
        moved.remove(0);
    }
    moved
}

/// The widest line of a text, in display cells.
pub fn max_line_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>()).max().unwrap_or(0)
}
