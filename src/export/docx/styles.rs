//! word/styles.xml: ours (公文 fonts and sizes, DOMAIN.md §10), or a reference .docx's
//! (`--reference-doc`, as pandoc takes one) with ours appended for any style it lacks.
//!
//! Chinese fonts go in the east-Asian slot (`w:eastAsia`), a Latin font in the ascii slot:
//! title 2号 (22 pt) 方正小标宋简体, body 3号 (16 pt) 仿宋_GB2312, 一、 headings 黑体,
//! （一） headings 楷体_GB2312. Lines are exactly 579 twips, the 22-line grid's pitch; body
//! characters are condensed by 0.25 pt so that 28 fill the 156 mm line.

use super::{Grid, PageSetup, Style, xml};
use crate::domain::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest reference document read: a styles template is kilobytes, a big one with
/// pictures a few MiB; anything larger is refused before a byte of it is read.
pub const MAX_REFERENCE_BYTES: u64 = 50 * 1024 * 1024;

/// The most any one part of it may unpack to (a zip bomb stops here).
const MAX_PART_BYTES: u64 = 16 * 1024 * 1024;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman" w:hint="eastAsia"/><w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>"#;

/// Our definition of one style; `basedOn`/`next` name `Normal`/`BodyText` and are rewritten
/// to the reference's ids when appended to its styles.
fn definition(s: Style) -> String {
    let fonts = |east: &str| {
        format!(r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{east}" w:cs="Times New Roman"/>"#)
    };
    let exact = |line: u32| format!(r#"<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>"#);
    let indent2 = r#"<w:ind w:firstLineChars="200" w:firstLine="632"/>"#;
    let based = r#"<w:basedOn w:val="Normal"/>"#;
    let (kind, extra, ppr, rpr) = match s {
        Style::Normal => ("paragraph", String::new(), format!(r#"<w:jc w:val="both"/>{}"#, exact(579)), fonts("仿宋_GB2312") + r#"<w:spacing w:val="-5"/><w:sz w:val="32"/><w:szCs w:val="32"/>"#),
        Style::BodyText => ("paragraph", based.to_string(), indent2.to_string(), String::new()),
        Style::Title => (
            "paragraph",
            format!(r#"{based}<w:next w:val="BodyText"/>"#),
            // Off the line grid: a 2号 line would take two grid lines.
            r#"<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="579" w:line="640" w:lineRule="exact"/><w:jc w:val="center"/>"#.to_string(),
            fonts("方正小标宋简体") + r#"<w:sz w:val="44"/><w:szCs w:val="44"/>"#,
        ),
        Style::Subtitle => ("paragraph", based.to_string(), r#"<w:jc w:val="center"/>"#.to_string(), fonts("楷体_GB2312")),
        Style::Heading1 | Style::Heading2 | Style::Heading3 => {
            let (level, east, bold) = match s {
                Style::Heading1 => (0, "黑体", "0"),
                Style::Heading2 => (1, "楷体_GB2312", "0"),
                _ => (2, "仿宋_GB2312", "1"),
            };
            (
                "paragraph",
                format!(r#"{based}<w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/>"#),
                format!(r#"<w:keepNext/>{indent2}<w:outlineLvl w:val="{level}"/>"#),
                format!(r#"{}<w:b w:val="{bold}"/><w:bCs w:val="{bold}"/>"#, fonts(east)),
            )
        }
        Style::DocNumber => (
            "paragraph",
            based.to_string(),
            // The red rule under the number, 4 mm below it, the title two lines lower.
            r#"<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="11" w:color="FF0000"/></w:pBdr><w:spacing w:before="0" w:after="1158" w:line="579" w:lineRule="exact"/><w:jc w:val="center"/>"#.to_string(),
            String::new(),
        ),
        Style::Recipient => ("paragraph", format!(r#"{based}<w:next w:val="BodyText"/>"#), r#"<w:jc w:val="left"/>"#.to_string(), String::new()),
        // 成文日期右空四字 (GB/T 9704).
        Style::Signature => ("paragraph", based.to_string(), r#"<w:ind w:rightChars="400" w:right="1264"/><w:jc w:val="right"/>"#.to_string(), String::new()),
        Style::TableText => (
            "paragraph",
            based.to_string(),
            r#"<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="280" w:lineRule="auto"/><w:jc w:val="left"/>"#.to_string(),
            // 五号 (10.5 pt): a 评分表's seven columns hold their names and figures on one line.
            r#"<w:spacing w:val="0"/><w:sz w:val="21"/><w:szCs w:val="21"/>"#.to_string(),
        ),
        Style::Footer => (
            "paragraph",
            based.to_string(),
            r#"<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>"#.to_string(),
            r#"<w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/><w:szCs w:val="28"/>"#.to_string(),
        ),
    };
    let default = if s == Style::Normal { r#" w:default="1""# } else { "" };
    format!(
        r#"<w:style w:type="{kind}"{default} w:styleId="{}"><w:name w:val="{}"/>{extra}<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"#,
        s.id(),
        s.name()
    )
}

/// Our whole styles.xml.
pub fn ours_xml() -> String {
    let mut out = String::from(HEAD);
    Style::ALL.iter().for_each(|s| out.push_str(&definition(*s)));
    out.push_str("</w:styles>");
    out
}

/// The styles.xml written and the id each of our styles has in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub xml: String,
    ids: Vec<(Style, String)>,
    /// Styles the reference lacked, appended from ours.
    pub added: Vec<Style>,
}

impl Resolved {
    pub fn ours() -> Self {
        Resolved { xml: ours_xml(), ids: Style::ALL.iter().map(|s| (*s, s.id().to_string())).collect(), added: Vec::new() }
    }

    /// The id written for a style.
    pub fn id(&self, s: Style) -> &str {
        self.ids.iter().find(|(k, _)| *k == s).map_or(s.id(), |(_, id)| id.as_str())
    }

    /// A reference's styles: each of ours found by id, else by name (case aside); the
    /// missing ones appended from ours.
    fn from_reference(xml: &str) -> Self {
        let found: Vec<(String, String)> = xml::tags(xml, "w:style")
            .filter_map(|(tag, end)| {
                let id = xml::attr(tag, "w:styleId")?;
                let inner = &xml[end..xml[end..].find("</w:style>").map_or(end, |e| end + e)];
                let name = xml::tags(inner, "w:name").next().and_then(|(t, _)| xml::attr(t, "w:val")).unwrap_or_default();
                Some((id, name))
            })
            .collect();
        let mut ids = Vec::new();
        let mut added = Vec::new();
        for s in Style::ALL {
            let by_id = found.iter().find(|(id, _)| id == s.id());
            let by_name = || found.iter().find(|(_, name)| name.eq_ignore_ascii_case(s.name()));
            match by_id.or_else(by_name) {
                Some((id, _)) => ids.push((s, id.clone())),
                None => {
                    ids.push((s, s.id().to_string()));
                    added.push(s);
                }
            }
        }
        let mut resolved = Resolved { xml: String::new(), ids, added };
        let appended: String = resolved
            .added
            .iter()
            .map(|s| {
                definition(*s)
                    .replace(r#"w:basedOn w:val="Normal""#, &format!(r#"w:basedOn w:val="{}""#, xml::escape(resolved.id(Style::Normal))))
                    .replace(r#"w:next w:val="BodyText""#, &format!(r#"w:next w:val="{}""#, xml::escape(resolved.id(Style::BodyText))))
            })
            .collect();
        let close = xml.rfind("</w:styles>").unwrap_or(xml.len());
        resolved.xml = format!("{}{appended}{}", &xml[..close], &xml[close..]);
        resolved
    }
}

/// A reference .docx read: its styles (ours appended where missing) and its page setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub path: PathBuf,
    pub styles: Resolved,
    /// The last section's page size, margins and grid, when its document.xml has them.
    pub page: Option<PageSetup>,
}

impl Reference {
    /// Reads `word/styles.xml` and the page setup of `path`. Refused, naming the file: a
    /// file over `MAX_REFERENCE_BYTES` (before reading it), not a zip, a zip without
    /// word/styles.xml, styles that are not a styles part.
    pub fn read(path: &Path) -> Result<Reference> {
        let shown = path.display().to_string();
        let bad = |message: String| Error::invalid(format!("参考文档 {shown}"), "--reference-doc", message);
        let meta = std::fs::metadata(path).map_err(|e| crate::fsutil::io_error(&shown, e))?;
        if !meta.is_file() {
            return Err(bad("不是普通文件：--reference-doc 要给一个 .docx 文件".into()));
        }
        if meta.len() > MAX_REFERENCE_BYTES {
            return Err(bad(format!(
                "{} MiB，超过参考文档上限 {} MiB (reference doc too large)：样式模板只需样式，另存一份不含图片的 .docx",
                meta.len() >> 20,
                MAX_REFERENCE_BYTES >> 20
            )));
        }
        let file = std::fs::File::open(path).map_err(|e| crate::fsutil::io_error(&shown, e))?;
        let mut zip = zip::ZipArchive::new(file)
            .map_err(|e| bad(format!("不是 .docx 文件 (not a zip: {e})：用 Word 或 WPS 把样式模板另存为 .docx（不是 .doc 或 .wps）")))?;
        let styles = match part(&mut zip, "word/styles.xml") {
            Ok(Some(text)) => text,
            Ok(None) => {
                return Err(bad(
                    "其中没有 word/styles.xml (no styles part)：不是 Word 文档，或已损坏；用 Word 或 WPS 另存为 .docx 再试".into()
                ));
            }
            Err(why) => return Err(bad(format!("word/styles.xml {why}"))),
        };
        if !styles.contains("<w:styles") {
            return Err(bad("word/styles.xml 里没有 w:styles (not a styles part)：用 Word 或 WPS 另存为 .docx 再试".into()));
        }
        // The page setup is a bonus: a document part we cannot read leaves ours.
        let page = part(&mut zip, "word/document.xml").ok().flatten().and_then(|d| page_setup(&d));
        Ok(Reference { path: path.to_path_buf(), styles: Resolved::from_reference(&styles), page })
    }

    /// The styles written with this reference.
    pub fn styles(&self) -> Resolved {
        self.styles.clone()
    }
}

/// A part's text: `None` when absent; an error text when too big or not UTF-8.
fn part<R: std::io::Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> std::result::Result<Option<String>, String> {
    let entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("读不出 ({e})")),
    };
    let mut bytes = Vec::new();
    entry.take(MAX_PART_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("读不出 ({e})"))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(format!("解压后超过 {} MiB (part too large)", MAX_PART_BYTES >> 20));
    }
    String::from_utf8(bytes).map(Some).map_err(|_| "不是 UTF-8 文本 (not UTF-8)".to_string())
}

/// The body's last `w:sectPr`: page size, margins and grid.
fn page_setup(document: &str) -> Option<PageSetup> {
    let sect = &document[document.rfind("<w:sectPr")?..];
    let num = |tag: &str, name: &str| -> Option<u32> {
        let (t, _) = xml::tags(sect, tag).next()?;
        let v: i64 = xml::attr(t, name)?.trim().parse().ok()?;
        u32::try_from(v.unsigned_abs()).ok()
    };
    let ours = PageSetup::a4_gongwen();
    let grid = xml::tags(sect, "w:docGrid").next().and_then(|(t, _)| {
        let line_pitch = xml::attr(t, "w:linePitch")?.parse().ok()?;
        let with_chars = matches!(xml::attr(t, "w:type").as_deref(), Some("linesAndChars" | "snapToChars"));
        let chars = with_chars.then(|| xml::attr(t, "w:charSpace").and_then(|v| v.parse().ok()).unwrap_or(0));
        Some(Grid { line_pitch, chars })
    });
    Some(PageSetup {
        width: num("w:pgSz", "w:w")?,
        height: num("w:pgSz", "w:h")?,
        top: num("w:pgMar", "w:top").unwrap_or(ours.top),
        right: num("w:pgMar", "w:right").unwrap_or(ours.right),
        bottom: num("w:pgMar", "w:bottom").unwrap_or(ours.bottom),
        left: num("w:pgMar", "w:left").unwrap_or(ours.left),
        header: num("w:pgMar", "w:header").unwrap_or(ours.header),
        footer: num("w:pgMar", "w:footer").unwrap_or(ours.footer),
        grid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_made_reference_is_matched_by_name_and_completed() {
        let xml = r#"<?xml version="1.0"?><w:styles xmlns:w="x"><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:rPr><w:rFonts w:eastAsia="方正黑体_GBK"/></w:rPr></w:style></w:styles>"#;
        let r = Resolved::from_reference(xml);
        assert_eq!(r.id(Style::Heading1), "1");
        assert_eq!(r.id(Style::Normal), "a");
        assert!(r.added.contains(&Style::Title) && !r.added.contains(&Style::Heading1));
        assert!(r.xml.starts_with(&xml[..xml.len() - "</w:styles>".len()]) && r.xml.ends_with("</w:styles>"));
        assert!(r.xml.contains(r#"w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="a"/>"#), "{}", r.xml);
    }

    #[test]
    fn a_section_gives_the_page() {
        let doc = r#"<w:body><w:p/><w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/><w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/></w:sectPr></w:body>"#;
        let p = page_setup(doc).unwrap();
        assert_eq!((p.width, p.top, p.left, p.footer, p.grid), (11906, 2098, 1588, 992, Some(Grid { line_pitch: 579, chars: Some(-849) })));
        assert_eq!(page_setup("<w:body/>"), None);
    }
}
