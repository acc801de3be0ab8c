//! word/document.xml: the blocks as paragraphs and tables, then the section (page size,
//! margins, the text grid, the footers).

use super::styles::Resolved;
use super::{Align, DocBlock, Document, Grid, PageSetup, Para, Run, Style, table, xml};
use crate::domain::Result;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#;

/// The relationship ids of the footers (package.rs writes them).
pub const FOOTER_ODD: &str = "rIdFooterOdd";
pub const FOOTER_EVEN: &str = "rIdFooterEven";

pub fn body(doc: &Document, page: &PageSetup, styles: &Resolved) -> Result<String> {
    let mut out = String::from(HEAD);
    for (n, block) in doc.blocks.iter().enumerate() {
        match block {
            DocBlock::Title(text) => out.push_str(&para(&Para::new(Style::Title, text.as_str()), styles)),
            DocBlock::Heading { level, text } => out.push_str(&para(&Para::new(Style::heading(*level), text.as_str()), styles)),
            DocBlock::Para(p) => out.push_str(&para(p, styles)),
            DocBlock::Blank => out.push_str(&para(&Para { style: Style::Normal, runs: Vec::new(), align: Align::Style }, styles)),
            DocBlock::PageBreak => out.push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
            DocBlock::Table(t) => {
                out.push_str(&table::xml(t, n, styles)?);
                // A table is followed by a paragraph (Word adds one, and needs one before the section).
                if n + 1 == doc.blocks.len() {
                    out.push_str("<w:p/>");
                }
            }
        }
    }
    out.push_str(&section(page, doc.footer_page_numbers));
    out.push_str("</w:body></w:document>");
    Ok(out)
}

/// One paragraph: its style (as the styles part names it), alignment and runs.
pub fn para(p: &Para, styles: &Resolved) -> String {
    let mut out = format!(r#"<w:p><w:pPr><w:pStyle w:val="{}"/>"#, xml::escape(styles.id(p.style)));
    if let Some(jc) = p.align.val() {
        out.push_str(&format!(r#"<w:jc w:val="{jc}"/>"#));
    }
    out.push_str("</w:pPr>");
    p.runs.iter().for_each(|r| out.push_str(&run(r)));
    out.push_str("</w:p>");
    out
}

pub fn run(r: &Run) -> String {
    let bold = if r.bold { "<w:rPr><w:b/><w:bCs/></w:rPr>" } else { "" };
    format!("<w:r>{bold}{}</w:r>", xml::text_runs(&r.text))
}

fn section(p: &PageSetup, page_numbers: bool) -> String {
    let footers = if page_numbers {
        format!(r#"<w:footerReference w:type="default" r:id="{FOOTER_ODD}"/><w:footerReference w:type="even" r:id="{FOOTER_EVEN}"/>"#)
    } else {
        String::new()
    };
    let grid = match p.grid {
        Some(Grid { line_pitch, chars: Some(space) }) => {
            format!(r#"<w:docGrid w:type="linesAndChars" w:linePitch="{line_pitch}" w:charSpace="{space}"/>"#)
        }
        Some(Grid { line_pitch, chars: None }) => format!(r#"<w:docGrid w:type="lines" w:linePitch="{line_pitch}"/>"#),
        None => r#"<w:docGrid w:linePitch="312"/>"#.to_string(),
    };
    format!(
        r#"<w:sectPr>{footers}<w:pgSz w:w="{}" w:h="{}"/><w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="{}" w:footer="{}" w:gutter="0"/><w:cols w:space="425"/>{grid}</w:sectPr>"#,
        p.width, p.height, p.top, p.right, p.bottom, p.left, p.header, p.footer
    )
}

/// A footer with `— PAGE —` (4号 宋体 in the Footer style), right-aligned on odd pages and
/// left on even ones, a character in from the edge of the text block (GB/T 9704).
pub fn footer(styles: &Resolved, odd: bool) -> String {
    let (jc, ind) = if odd { ("right", r#"<w:ind w:right="320"/>"#) } else { ("left", r#"<w:ind w:left="320"/>"#) };
    let t = |s: &str| format!(r#"<w:r><w:t xml:space="preserve">{s}</w:t></w:r>"#);
    let fld = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:p><w:pPr><w:pStyle w:val="{}"/>{ind}<w:jc w:val="{jc}"/></w:pPr>{}{}<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>{}{}{}{}</w:p></w:ftr>"#,
        xml::escape(styles.id(Style::Footer)),
        t("— "),
        fld("begin"),
        fld("separate"),
        t("1"),
        fld("end"),
        t(" —"),
    )
}
