//! The evaluation report (评价报告) as a .docx: a cover page (title, the cover's fields), the
//! outline's headings in Word heading styles (so a table of contents finds them), written
//! and generated paragraphs, and the 评分表 as a Word table on an explicit grid with the 一级
//! and 二级 cells merged down, subtotals and the total. Built from the same `ReportBlock`s
//! as the Markdown, so an issued revision's stored blocks give the same document.

use super::docx::{Align, Cell, DocBlock, Document, Para, Row, Style, Table, VMerge};
use crate::domain::money::fmt2;
use crate::read::report::{RECHECK_HEADER, RecheckRow, ReportBlock, RowKind, ScoreRow};

/// The 评分表's first six columns in twips (一级, 二级, 三级, 分值, 得分, 得分率); 扣分原因
/// takes the rest of the text width.
const SCORE_WIDTHS: [u32; 6] = [900, 1050, 1650, 1000, 1000, 1250];
const SCORE_HEADER: [&str; 7] = ["一级指标", "二级指标", "三级指标", "分值", "得分", "得分率", "扣分原因"];

/// The 自评与复核得分对比's first eight columns in twips (序号, 指标, 分值, 年度指标值, 实际完成值,
/// 自评得分, 复核得分, 差异); 偏差原因及说明 takes the rest of the text width. Sized for A4
/// portrait in 五号 (a figure such as 100.00 on one line).
const RECHECK_WIDTHS: [u32; 8] = [600, 1650, 850, 900, 900, 850, 850, 750];

/// Blank lines above the title on the cover.
const COVER_TOP: usize = 6;

pub fn to_document(blocks: &[ReportBlock]) -> Document {
    let title = blocks.iter().find_map(|b| if let ReportBlock::Title(t) = b { Some(t.clone()) } else { None });
    let mut doc = Document::new(title.unwrap_or_default());
    // A report is not a 公文: the A4 margins stay, the 22-line grid would stretch its tables.
    doc.page.grid = None;
    let width = doc.page.text_width();
    let mut cover_done = false;
    for b in blocks {
        match b {
            ReportBlock::Title(t) => {
                doc.blocks.extend((0..COVER_TOP).map(|_| DocBlock::Blank));
                doc.blocks.push(DocBlock::Title(t.clone()));
                doc.blocks.extend([DocBlock::Blank, DocBlock::Blank]);
            }
            ReportBlock::Cover(fields) => {
                for f in fields {
                    doc.blocks.push(DocBlock::Para(Para::labelled(Style::Recipient, format!("{}：", f.label), &f.value)));
                }
                doc.blocks.push(DocBlock::PageBreak);
                cover_done = true;
            }
            ReportBlock::Heading { level, text } => {
                // After the cover, and before an attachment (附件：评分表), a new page.
                if !cover_done || (*level == 1 && text.starts_with("附件")) {
                    doc.blocks.push(DocBlock::PageBreak);
                    cover_done = true;
                }
                doc.blocks.push(DocBlock::Heading { level: (*level).clamp(1, 3), text: text.clone() });
            }
            ReportBlock::Para(text) => paragraphs(&mut doc, text),
            ReportBlock::Numbered(items) => {
                for i in items {
                    paragraphs(&mut doc, &format!("{} {}", i.number, i.text));
                }
            }
            ReportBlock::Table { header, rows } => doc.blocks.push(DocBlock::Table(plain_table(header, rows, width))),
            ReportBlock::ScoreTable(rows) => doc.blocks.push(DocBlock::Table(score_table(rows, width))),
            ReportBlock::RecheckTable(rows) => doc.blocks.push(DocBlock::Table(recheck_table(rows, width))),
        }
    }
    doc
}

/// One Word paragraph per line of the text; blank lines are dropped (paragraph spacing shows them).
fn paragraphs(doc: &mut Document, text: &str) {
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        doc.blocks.push(DocBlock::Para(Para::new(Style::BodyText, line)));
    }
}

fn header_row(names: &[String]) -> Row {
    Row { cells: names.iter().map(|h| Cell::new(h.clone()).bold().align(Align::Center)).collect() }
}

fn plain_table(header: &[String], rows: &[Vec<String>], width: u32) -> Table {
    let n = header.len().max(1) as u32;
    let mut widths = vec![width / n; n as usize];
    if let Some(last) = widths.last_mut() {
        *last += width - (width / n) * n;
    }
    let mut out = vec![header_row(header)];
    for r in rows {
        // A short row is padded so it fills the grid; a long one loses its extra cells.
        let cells = (0..header.len()).map(|i| Cell::new(r.get(i).cloned().unwrap_or_default())).collect();
        out.push(Row { cells });
    }
    Table { widths, rows: out, header_rows: 1 }
}

fn score_table(rows: &[ScoreRow], width: u32) -> Table {
    let fixed: u32 = SCORE_WIDTHS.iter().sum();
    let mut widths = SCORE_WIDTHS.to_vec();
    widths.push(width.saturating_sub(fixed).max(1200));
    let header: Vec<String> = SCORE_HEADER.iter().map(|h| h.to_string()).collect();
    let mut out = vec![header_row(&header)];
    for r in rows {
        out.push(score_row(r));
    }
    Table { widths, rows: out, header_rows: 1 }
}

/// A cell that covers `span` rows from here: `Start` of a merge when more than one, `Continue`
/// (merged into the one above) when none.
fn merged(text: &str, span: u32) -> Cell {
    match span {
        0 => Cell::new("").merge(VMerge::Continue),
        1 => Cell::new(text),
        _ => Cell::new(text).merge(VMerge::Start),
    }
}

fn score_row(r: &ScoreRow) -> Row {
    let number = |v: String| Cell::new(v).align(Align::Center);
    let score = r.score.map(fmt2).unwrap_or_else(|| "—".into());
    let rate = r.rate.map(|v| format!("{}%", fmt2(v))).unwrap_or_else(|| "—".into());
    let figures = [number(fmt2(r.points)), number(score), number(rate)];
    let cells = match r.kind {
        RowKind::Total => {
            let mut cells = vec![Cell::new(r.level1.clone()).bold().align(Align::Center).span(3)];
            cells.extend(figures.into_iter().map(Cell::bold));
            cells.push(Cell::new(r.reason.clone()));
            cells
        }
        RowKind::Subtotal => {
            let mut cells = vec![merged(&r.level1, r.level1_span), Cell::new(r.level2.clone()).bold().align(Align::Center).span(2)];
            cells.extend(figures.into_iter().map(Cell::bold));
            cells.push(Cell::new(r.reason.clone()));
            cells
        }
        RowKind::Leaf => {
            let mut cells = vec![merged(&r.level1, r.level1_span), merged(&r.level2, r.level2_span), Cell::new(r.level3.clone())];
            cells.extend(figures);
            cells.push(Cell::new(r.reason.clone()));
            cells
        }
    };
    Row { cells }
}

fn recheck_table(rows: &[RecheckRow], width: u32) -> Table {
    let fixed: u32 = RECHECK_WIDTHS.iter().sum();
    let mut widths = RECHECK_WIDTHS.to_vec();
    widths.push(width.saturating_sub(fixed).max(1000));
    let header: Vec<String> = RECHECK_HEADER.iter().map(|h| h.to_string()).collect();
    let mut out = vec![header_row(&header)];
    for r in rows {
        let cells = r.cells();
        let centred = |i: usize| Cell::new(cells.get(i).cloned().unwrap_or_default()).align(Align::Center);
        let row = if r.total {
            let mut row = vec![Cell::new(r.number.clone()).bold().align(Align::Center).span(2), centred(2).bold()];
            row.extend([Cell::new(""), Cell::new("")]);
            row.extend((5..8).map(|i| centred(i).bold()));
            row.push(Cell::new(r.note.clone()));
            row
        } else {
            let mut row = vec![centred(0), Cell::new(r.indicator.clone()), centred(2)];
            row.extend([Cell::new(r.target.clone()), Cell::new(r.actual.clone())]);
            row.extend((5..8).map(centred));
            row.push(Cell::new(r.note.clone()));
            row
        };
        out.push(Row { cells: row });
    }
    Table { widths, rows: out, header_rows: 1 }
}
