//! The rectification notice as a 公文 .docx (`jixiao notice N --format docx`), styled by a
//! reference .docx, refused reference files, and the PDF printed by LibreOffice.

use jixiao::backend::{Fetch, Local};
use jixiao::export::notice::{self, Block, NoticeDoc};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command as Process;

/// The demo store in a fresh directory, and the first notice's document.
fn demo() -> (tempfile::TempDir, NoticeDoc) {
    let dir = tempfile::tempdir().unwrap();
    jixiao::demo::create(dir.path(), 0, |_, _| {}).unwrap();
    let local = Local::open(dir.path()).unwrap();
    let number = local.projects().unwrap().iter().flat_map(|p| local.notices(&p.code).unwrap()).next().unwrap().number;
    let doc = notice::load(&local, &number, None).unwrap();
    (dir, doc) // the store is closed when `local` drops, before the CLI opens it
}

fn jixiao(dir: &Path, args: &[&str]) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(dir).arg("--local").args(args).env("LANG", "zh_CN.UTF-8").output().unwrap()
}

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Every part of a .docx, by name.
fn parts(bytes: &[u8]) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        out.insert(f.name().unwrap().to_string(), text);
    }
    out
}

/// The text of each paragraph of document.xml, with its style id.
fn paragraphs(document: &str) -> Vec<(String, String)> {
    document
        .split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = p.split("</w:p>").next().unwrap();
            let style = p.split("<w:pStyle w:val=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
            let text: String = p.split("<w:t xml:space=\"preserve\">").skip(1).filter_map(|t| t.split("</w:t>").next()).collect();
            (style, text)
        })
        .collect()
}

fn docx_of(dir: &Path, doc: &NoticeDoc, extra: &[&str]) -> HashMap<String, String> {
    let file = dir.join("通知书.docx");
    let mut args = vec!["notice", doc.notice.number.as_str(), "-o", file.to_str().unwrap()];
    args.extend(extra);
    ok(&jixiao(dir, &args));
    parts(&std::fs::read(&file).unwrap())
}

#[test]
fn the_docx_notice_has_every_part_in_order_on_a_gongwen_page() {
    let (dir, doc) = demo();
    let parts = docx_of(dir.path(), &doc, &[]);
    let paras = paragraphs(&parts["word/document.xml"]);
    let texts: Vec<&str> = paras.iter().map(|(_, t)| t.as_str()).collect();
    let style_of = |text: &str| paras.iter().find(|(_, t)| t == text).map(|(s, _)| s.as_str());

    assert_eq!(style_of(&doc.notice.number), Some("DocNumber"));
    let title = notice::blocks(&doc).into_iter().find_map(|b| if let Block::Title(t) = b { Some(t) } else { None }).unwrap();
    assert!(title.contains(&doc.project.name));
    assert_eq!(style_of(&title), Some("Title"));
    assert_eq!(style_of(&format!("{}：", doc.notice.unit)), Some("Recipient"));
    // Every problem heading, in the notice's order, as Heading1.
    let headings: Vec<String> =
        notice::blocks(&doc).into_iter().filter_map(|b| if let Block::Heading(h) = b { Some(h) } else { None }).collect();
    assert!(!headings.is_empty() && headings[0].starts_with("一、"));
    let found: Vec<String> = paras.iter().filter(|(s, _)| s == "Heading1").map(|(_, t)| t.clone()).collect();
    assert_eq!(found, headings);
    // The issuer and the date, right-aligned, last.
    let date = notice::chinese_date(doc.notice.issue_date);
    assert_eq!(&texts[texts.len() - 2..], &[doc.issuer.as_str(), date.as_str()]);
    assert_eq!(style_of(&date), Some("Signature"));
    assert!(texts.iter().any(|t| t.starts_with("问题事实：")), "{texts:?}");

    // A4, margins top 37 mm, left 28 mm, right 26 mm, bottom 35 mm; 22 lines of 579 twips.
    let doc_xml = &parts["word/document.xml"];
    assert!(doc_xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#), "{doc_xml}");
    assert!(doc_xml.contains(r#"<w:pgMar w:top="2098" w:right="1475" w:bottom="1984" w:left="1587""#), "{doc_xml}");
    assert!(doc_xml.contains(r#"w:linePitch="579""#));
    // Chinese fonts in the east-Asian slot, sizes per §10.
    let styles = &parts["word/styles.xml"];
    for font in ["仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"] {
        assert!(styles.contains(&format!("w:eastAsia=\"{font}\"")), "{font}");
    }
    assert!(styles.contains(r#"<w:outlineLvl w:val="0"/>"#));
    assert!(parts["word/footer1.xml"].contains(" PAGE ") && parts["word/footer1.xml"].contains("— "));
    assert!(parts["[Content_Types].xml"].contains("/word/footer2.xml"));
}

#[test]
fn docx_goes_to_a_pipe_and_the_extension_picks_it() {
    let (dir, doc) = demo();
    let out = jixiao(dir.path(), &["notice", &doc.notice.number, "--format", "docx"]);
    ok(&out);
    assert!(out.stdout.starts_with(b"PK"), "a zip on the pipe");
    assert!(parts(&out.stdout)["word/document.xml"].contains(&doc.notice.unit));
    let out = jixiao(dir.path(), &["notice", &doc.notice.number, "-o", dir.path().join("x.doc").to_str().unwrap()]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(".docx"));
}

/// A .docx holding the given parts.
fn write_docx(path: &Path, files: &[(&str, &str)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

const REF_STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:rPr><w:rFonts w:eastAsia="方正仿宋_GBK"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:rPr><w:rFonts w:eastAsia="方正黑体_GBK"/></w:rPr></w:style></w:styles>"#;

#[test]
fn a_reference_doc_lends_its_styles_and_page() {
    let (dir, doc) = demo();
    let reference = dir.path().join("局样式.docx");
    let section = r#"<w:document xmlns:w="x"><w:body><w:p/><w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2041" w:right="1531" w:bottom="1984" w:left="1531" w:header="851" w:footer="1304" w:gutter="0"/><w:docGrid w:type="linesAndChars" w:linePitch="590" w:charSpace="-842"/></w:sectPr></w:body></w:document>"#;
    write_docx(&reference, &[("word/styles.xml", REF_STYLES), ("word/document.xml", section)]);
    let file = dir.path().join("通知书.docx");
    let out =
        jixiao(dir.path(), &["notice", &doc.notice.number, "-o", file.to_str().unwrap(), "--reference-doc", reference.to_str().unwrap()]);
    ok(&out);
    // The styles it lacks are ours, and the user is told which.
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Title") && !said.contains("heading 1"), "{said}");

    let parts = parts(&std::fs::read(&file).unwrap());
    let styles = &parts["word/styles.xml"];
    let kept = &REF_STYLES[..REF_STYLES.len() - "</w:styles>".len()];
    assert!(styles.starts_with(kept), "the reference's styles come first, unchanged");
    assert!(styles.contains(r#"w:styleId="Title""#), "a missing style is ours");
    // Headings name the reference's heading 1 (id 1, 方正黑体_GBK); the page is the reference's.
    let paras = paragraphs(&parts["word/document.xml"]);
    assert!(paras.iter().any(|(s, t)| s == "1" && t.starts_with("一、")), "{paras:?}");
    let doc_xml = &parts["word/document.xml"];
    assert!(doc_xml.contains(r#"<w:pgMar w:top="2041" w:right="1531""#), "{doc_xml}");
    assert!(doc_xml.contains(r#"w:type="linesAndChars" w:linePitch="590" w:charSpace="-842""#));
}

#[test]
fn bad_reference_docs_are_refused_naming_the_file_and_nothing_is_written() {
    let (dir, doc) = demo();
    let out_file = dir.path().join("通知书.docx");
    std::fs::write(&out_file, "旧内容").unwrap();
    let not_zip = dir.path().join("样式.docx");
    std::fs::write(&not_zip, "这不是 zip").unwrap();
    let no_styles = dir.path().join("无样式.docx");
    write_docx(&no_styles, &[("word/document.xml", "<w:document/>")]);
    let huge = dir.path().join("巨大.docx");
    std::fs::File::create(&huge).unwrap().set_len(200 * 1024 * 1024).unwrap(); // sparse
    for (file, says) in [(&not_zip, "不是 .docx"), (&no_styles, "word/styles.xml"), (&huge, "超过参考文档上限")] {
        let args = ["notice", &doc.notice.number, "-o", out_file.to_str().unwrap(), "--reference-doc", file.to_str().unwrap()];
        let out = jixiao(dir.path(), &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file:?} was accepted");
        assert!(err.contains(file.to_str().unwrap()) && err.contains(says), "{err}");
        assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "旧内容", "the -o file is left alone");
    }
    let out = jixiao(dir.path(), &["notice", &doc.notice.number, "--reference-doc", not_zip.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("只用于 --format docx"), "md/txt take no reference");
}

#[test]
fn control_characters_never_reach_the_document() {
    let (_dir, mut doc) = demo();
    // Entry refuses them now; a store written earlier may still hold them.
    let f = doc.findings.iter_mut().find(|f| doc.items.iter().any(|i| i.finding == f.id)).unwrap();
    f.body.text = "资金\u{1b}]52;c;ZXZpbA==\u{7}拨付\u{1b}[31m滞后 <b>&".into();
    let bytes = jixiao::export::notice_docx::to_document(&doc).to_docx(None).unwrap();
    let xml = &parts(&bytes)["word/document.xml"];
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "a control character reached document.xml");
    assert!(xml.contains(r"资金\u{1b}]52;c;ZXZpbA==\u{7}拨付\u{1b}[31m滞后 &lt;b&gt;&amp;"), "shown, escaped");
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Process::new(name).args(args).output().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_notice_prints_to_pdf_through_libreoffice() {
    if jixiao::export::pdf::soffice().is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI must install LibreOffice (.ci/run)");
        eprintln!("skipped: no soffice ({})", jixiao::export::pdf::INSTALL_HINT);
        return;
    }
    let (dir, doc) = demo();
    let pdf = dir.path().join("通知书.pdf");
    ok(&jixiao(dir.path(), &["notice", &doc.notice.number, "-o", pdf.to_str().unwrap()]));
    let path = pdf.to_str().unwrap();
    let text: String = tool("pdftotext", &[path, "-"]).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(&doc.notice.number) && text.contains(&doc.project.name), "{text}");
    let pages: usize = tool("pdfinfo", &[path]).lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap();
    assert!((1..=10).contains(&pages), "{pages} pages");
}
