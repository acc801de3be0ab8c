//! The report's blocks as plain text for the preview pane, measured in terminal cells
//! (`crate::text`: a Chinese character is 2 cells and is never cut in half): paragraphs
//! wrapped, numbered items with a hanging indent, tables and the 评分表 as aligned rows whose
//! last column wraps under itself.

use crate::domain::money::fmt2;
use crate::read::report::{ReportBlock, RowKind, ScoreRow};
use crate::text::{self, pad_left, pad_right, truncate, wrap};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

/// Narrowest a text column is squeezed to before the table is cut at the right edge.
const MIN_COLUMN: usize = 4;
/// What the last (wrapping) column of a table is given at least, when the others can yield.
const MIN_LAST: usize = 12;

/// Every block as lines at most `width` cells wide.
pub fn lines(blocks: &[ReportBlock], width: usize) -> Vec<Line<'static>> {
    let width = width.max(MIN_COLUMN * 2);
    let mut out = Vec::new();
    for b in blocks {
        out.extend(block(b, width));
    }
    out
}

/// Written text: one paragraph per line, wrapped.
pub fn paragraphs(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    text.lines().flat_map(|l| wrap(l, width.max(2))).map(|l| Line::styled(l, style)).collect()
}

fn block(b: &ReportBlock, width: usize) -> Vec<Line<'static>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    match b {
        ReportBlock::Title(t) => paragraphs(t, width, bold),
        ReportBlock::Heading { text, .. } => paragraphs(text, width, bold),
        ReportBlock::Para(t) => paragraphs(t, width, Style::default()),
        ReportBlock::Cover(fields) => {
            let label_w = fields.iter().map(|f| text::width(&f.label)).max().unwrap_or(0) + 2;
            let rows: Vec<(String, String)> =
                fields.iter().map(|f| (pad_right(&format!("{}：", f.label), label_w), f.value.clone())).collect();
            rows.iter().flat_map(|(label, value)| hanging(label, value, width, Style::default())).collect()
        }
        ReportBlock::Numbered(items) => {
            items.iter().flat_map(|i| hanging(&format!("{} ", i.number), &i.text, width, Style::default())).collect()
        }
        ReportBlock::Table { header, rows } => table(header, rows, &[], width),
        ReportBlock::ScoreTable(rows) => score_table(rows, width),
        ReportBlock::RecheckTable(rows) => {
            let header: Vec<String> = crate::read::report::RECHECK_HEADER.iter().map(|h| h.to_string()).collect();
            let body: Vec<Vec<String>> = rows.iter().map(|r| r.cells()).collect();
            table(&header, &body, &[2, 5, 6, 7], width)
        }
    }
}

/// `lead` then `text` wrapped, the following lines indented under the text.
fn hanging(lead: &str, text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let lead_w = text::width(lead);
    if lead_w + MIN_LAST > width {
        return paragraphs(&format!("{lead}{text}"), width, style);
    }
    let indent = " ".repeat(lead_w);
    wrap(text, width - lead_w)
        .into_iter()
        .enumerate()
        .map(|(i, l)| Line::styled(format!("{}{l}", if i == 0 { lead } else { &indent }), style))
        .collect()
}

/// The 评分表 as seven columns; a merged 一级/二级 cell is blank below its first row, as printed.
fn score_table(rows: &[ScoreRow], width: usize) -> Vec<Line<'static>> {
    let header: Vec<String> = ["一级指标", "二级指标", "三级指标", "分值", "得分", "得分率", "扣分原因"].map(String::from).to_vec();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let level3 = if r.kind == RowKind::Leaf { r.level3.clone() } else { String::new() };
            vec![
                if r.level1_span > 0 { r.level1.clone() } else { String::new() },
                if r.level2_span > 0 { r.level2.clone() } else { String::new() },
                level3,
                fmt2(r.points),
                r.score.map(fmt2).unwrap_or_else(|| "-".into()),
                r.rate.map(|v| format!("{}%", fmt2(v))).unwrap_or_else(|| "-".into()),
                r.reason.clone(),
            ]
        })
        .collect();
    table(&header, &body, &[3, 4, 5], width)
}

/// Column widths: each column as wide as its widest cell; when the row does not fit, the
/// widest text columns give way (never the numbers) until the last column has `MIN_LAST`.
fn widths(header: &[String], rows: &[Vec<String>], right: &[usize], width: usize) -> Vec<usize> {
    let n = header.len();
    let mut w: Vec<usize> = (0..n)
        .map(|i| std::iter::once(&header[i]).chain(rows.iter().filter_map(|r| r.get(i))).map(|c| text::width(c)).max().unwrap_or(0))
        .collect();
    let last = n - 1;
    let room = |w: &[usize]| width.saturating_sub(w[..last].iter().sum::<usize>() + last);
    let want_last = w[last].min(MIN_LAST);
    while room(&w) < want_last {
        let Some(i) = (0..last).filter(|i| !right.contains(i) && w[*i] > MIN_COLUMN).max_by_key(|i| (w[*i], *i)) else { break };
        w[i] -= 1;
    }
    w[last] = room(&w).clamp(1, w[last].max(1));
    w
}

/// Aligned rows: cells cut to their column (`…`), numbers right-aligned, the last column
/// wrapped under itself; a rule under the header.
fn table(header: &[String], rows: &[Vec<String>], right: &[usize], width: usize) -> Vec<Line<'static>> {
    if header.is_empty() {
        return vec![];
    }
    let w = widths(header, rows, right, width);
    let last = header.len() - 1;
    let indent = w[..last].iter().sum::<usize>() + last;
    let row_lines = |cells: &[String], style: Style| -> Vec<Line<'static>> {
        let mut lead = String::new();
        for (i, cw) in w[..last].iter().enumerate() {
            let cell = truncate(cells.get(i).map(String::as_str).unwrap_or(""), *cw);
            lead.push_str(&if right.contains(&i) { pad_left(&cell, *cw) } else { pad_right(&cell, *cw) });
            lead.push(' ');
        }
        let tail = cells.get(last).map(String::as_str).unwrap_or("").replace('\n', " ");
        wrap(&tail, w[last].max(2))
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let text = if i == 0 { format!("{lead}{t}") } else { format!("{}{t}", " ".repeat(indent)) };
                // Whatever still overruns (columns that could not give way) is cut at the edge.
                Line::styled(truncate(text.trim_end(), width), style)
            })
            .collect()
    };
    let mut out = row_lines(header, Style::default().add_modifier(Modifier::BOLD));
    let rule_w = (indent + w[last]).min(width);
    out.push(Line::styled("─".repeat(rule_w), Style::default().fg(Color::DarkGray)));
    for r in rows {
        out.extend(row_lines(r, Style::default()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn table_columns_align_in_cells() {
        let header = vec!["项目".to_string(), "内容".to_string()];
        let rows = vec![vec!["资金规模".to_string(), "120.00万元".to_string()], vec!["年度".to_string(), "2020年度".to_string()]];
        let got = text(&table(&header, &rows, &[], 40));
        assert_eq!(got[0], "项目     内容");
        assert_eq!(got[2], "资金规模 120.00万元");
        assert_eq!(got[3], "年度     2020年度");
    }

    #[test]
    fn a_narrow_table_never_passes_the_width() {
        let header: Vec<String> = ["一级指标", "二级指标", "三级指标", "分值", "扣分原因"].map(String::from).to_vec();
        let rows =
            vec![vec!["决策".into(), "项目立项".into(), "立项依据充分性".into(), "3.00".into(), "未见可行性研究报告，扣1分。".into()]];
        for w in [20, 33, 47, 80] {
            for l in text(&table(&header, &rows, &[3], w)) {
                assert!(text::width(&l) <= w, "{l:?} is wider than {w}");
            }
        }
    }
}
