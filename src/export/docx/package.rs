//! The zip package: content types, relationships, the document, styles, settings, footers
//! and the properties. Entries carry the zip format's fixed 1980 date, so the same document
//! gives the same bytes.

use super::document::{self, FOOTER_EVEN, FOOTER_ODD};
use super::styles::Resolved;
use super::{Document, xml};
use crate::domain::{Error, Result};
use std::io::Write;

const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const MAIN: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

pub fn zip(doc: &Document, body: &str, styles: &Resolved) -> Result<Vec<u8>> {
    let mut parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", content_types(doc.footer_page_numbers)),
        ("_rels/.rels", root_rels()),
        ("word/document.xml", body.to_string()),
        ("word/_rels/document.xml.rels", document_rels(doc.footer_page_numbers)),
        ("word/styles.xml", styles.xml.clone()),
        ("word/settings.xml", settings(doc.footer_page_numbers)),
        ("docProps/core.xml", core(&doc.title)),
        ("docProps/app.xml", app()),
    ];
    if doc.footer_page_numbers {
        parts.push(("word/footer1.xml", document::footer(styles, true)));
        parts.push(("word/footer2.xml", document::footer(styles, false)));
    }
    // Only a bug could fail here: the zip is written to memory.
    let failed = |e: &dyn std::fmt::Display| Error::io(".docx", format!("打包失败 (docx package): {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).map_err(|e| failed(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

fn content_types(footers: bool) -> String {
    let footer = |n: u8| format!(r#"<Override PartName="/word/footer{n}.xml" ContentType="{MAIN}.footer+xml"/>"#);
    let footers = if footers { footer(1) + &footer(2) } else { String::new() };
    format!(
        r#"{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="{MAIN}.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="{MAIN}.styles+xml"/><Override PartName="/word/settings.xml" ContentType="{MAIN}.settings+xml"/>{footers}<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
    )
}

fn root_rels() -> String {
    format!(
        r#"{DECL}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

fn document_rels(footers: bool) -> String {
    let footers = if footers {
        format!(
            r#"<Relationship Id="{FOOTER_ODD}" Type="{REL}/footer" Target="footer1.xml"/><Relationship Id="{FOOTER_EVEN}" Type="{REL}/footer" Target="footer2.xml"/>"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{DECL}<Relationships xmlns="{PKG_REL}"><Relationship Id="rIdStyles" Type="{REL}/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="{REL}/settings" Target="settings.xml"/>{footers}</Relationships>"#
    )
}

/// Odd and even footers differ (the page number changes sides); punctuation is not
/// compressed, so a line holds its 28 characters.
fn settings(footers: bool) -> String {
    let even_odd = if footers { "<w:evenAndOddHeaders/>" } else { "" };
    format!(
        r#"{DECL}<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{even_odd}<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#
    )
}

fn core(title: &str) -> String {
    format!(
        r#"{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>jixiao</dc:creator></cp:coreProperties>"#,
        xml::escape(title)
    )
}

fn app() -> String {
    format!(
        r#"{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>jixiao</Application></Properties>"#
    )
}
