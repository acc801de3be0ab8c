//! A table on an explicit grid: `w:tblGrid` with every column's width and a `w:tcW` on every
//! cell (LibreOffice and WPS misdraw a table that leaves them out), fixed layout, single
//! borders, merged cells (`w:gridSpan`, `w:vMerge`) and header rows repeated on each page.

use super::document::run;
use super::styles::Resolved;
use super::{Cell, Run, Style, Table, VMerge, xml};
use crate::domain::{Error, Result};

const BORDERS: &str = r#"<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>"#;

/// The table's XML; `n` (the block's place) names a table whose rows do not fill its grid.
pub fn xml(t: &Table, n: usize, styles: &Resolved) -> Result<String> {
    let bad = |field: String, message: String| Error::invalid(format!("文档第 {} 块（表格）", n + 1), field, message);
    if t.widths.is_empty() {
        return Err(bad("widths".into(), "表格没有列宽：每一列都要给出宽度（缇）".into()));
    }
    let total: u32 = t.widths.iter().sum();
    let mut out = format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>{BORDERS}<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>"#
    );
    t.widths.iter().for_each(|w| out.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#)));
    out.push_str("</w:tblGrid>");
    for (r, row) in t.rows.iter().enumerate() {
        let spans: usize = row.cells.iter().map(|c| usize::from(c.grid_span.max(1))).sum();
        if spans != t.widths.len() {
            return Err(bad(format!("第 {} 行", r + 1), format!("各单元格共占 {spans} 列，表格有 {} 列", t.widths.len())));
        }
        let header = if r < t.header_rows { "<w:tblHeader/>" } else { "" };
        out.push_str(&format!("<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>"));
        let mut col = 0;
        for c in &row.cells {
            let span = usize::from(c.grid_span.max(1));
            out.push_str(&cell(c, t.widths[col..col + span].iter().sum(), styles));
            col += span;
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    Ok(out)
}

fn cell(c: &Cell, width: u32, styles: &Resolved) -> String {
    let mut pr = format!(r#"<w:tcW w:w="{width}" w:type="dxa"/>"#);
    if c.grid_span > 1 {
        pr.push_str(&format!(r#"<w:gridSpan w:val="{}"/>"#, c.grid_span));
    }
    match c.v_merge {
        Some(VMerge::Start) => pr.push_str(r#"<w:vMerge w:val="restart"/>"#),
        Some(VMerge::Continue) => pr.push_str("<w:vMerge/>"),
        None => {}
    }
    pr.push_str(r#"<w:vAlign w:val="center"/>"#);
    let mut p = format!(r#"<w:p><w:pPr><w:pStyle w:val="{}"/>"#, xml::escape(styles.id(Style::TableText)));
    if let Some(jc) = c.align.val() {
        p.push_str(&format!(r#"<w:jc w:val="{jc}"/>"#));
    }
    p.push_str("</w:pPr>");
    // A continued merge shows the cell above; its own text would be hidden anyway.
    if c.v_merge != Some(VMerge::Continue) && !c.text.is_empty() {
        p.push_str(&run(&Run { text: c.text.clone(), bold: c.bold }));
    }
    p.push_str("</w:p>");
    format!("<w:tc><w:tcPr>{pr}</w:tcPr>{p}</w:tc>")
}

#[cfg(test)]
mod tests {
    use super::super::{Align, Row};
    use super::*;

    #[test]
    fn every_cell_has_its_width_and_merges() {
        let t = Table {
            widths: vec![1000, 2000, 3000],
            rows: vec![
                Row { cells: vec![Cell::new("一级").bold().span(2), Cell::new("得分").align(Align::Center)] },
                Row { cells: vec![Cell::new("决策").merge(VMerge::Start), Cell::new("立项"), Cell::new("3")] },
                Row { cells: vec![Cell::new("x").merge(VMerge::Continue), Cell::new("目标"), Cell::new("4")] },
            ],
            header_rows: 1,
        };
        let x = xml(&t, 0, &Resolved::ours()).unwrap();
        assert!(x.contains(r#"<w:gridCol w:w="1000"/><w:gridCol w:w="2000"/><w:gridCol w:w="3000"/>"#));
        assert!(x.contains(r#"<w:tcW w:w="3000" w:type="dxa"/><w:gridSpan w:val="2"/>"#));
        assert!(x.contains(r#"<w:vMerge w:val="restart"/>"#) && x.contains("<w:vMerge/>"));
        assert_eq!(x.matches("<w:tcW").count(), 8);
        assert_eq!(x.matches("<w:tblHeader/>").count(), 1);
        assert!(!x.contains(">x<"), "a continued cell's text is not written");

        let short = Table { widths: vec![1000, 2000], rows: vec![Row { cells: vec![Cell::new("a")] }], header_rows: 0 };
        let e = xml(&short, 4, &Resolved::ours()).unwrap_err().render(crate::i18n::Lang::Zh);
        assert!(e.contains("第 5 块") && e.contains("第 1 行"), "{e}");
    }
}
