//! The evaluation report as a .docx (`jixiao report CODE --format docx`): the outline's
//! headings in order, the cover, the written text, the 评分表 with merged cells and the
//! tree's total to the cent; an issued revision gives the same document after later
//! changes; a reference .docx lends its styles; the PDF printed by LibreOffice.

use jixiao::backend::{Backend, Fetch, Local};
use jixiao::command::Command;
use jixiao::domain::money::fmt2;
use serde_json::json;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command as Process;

const CODE: &str = "ZD21-06";
const NAME: &str = "2020年度人口普查工作经费";
const PROCESS: &str = "评价组于2021年3月进场，抽查凭证40笔，走访4个区县普查办。";
const EXPERIENCE: &str = "一是组织保障有力；二是普查数据采集全程使用电子终端。";
const OVERVIEW: &str = "项目用于普查员劳务补助、培训、宣传和数据处理。";

fn run(local: &Local, v: serde_json::Value) {
    let c: Command = serde_json::from_value(v.clone()).unwrap();
    local.execute(&c).unwrap_or_else(|e| panic!("{v}\n→ {e}"));
}

/// The demo with three sections of ZD21-06 written; the store is closed on return.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    jixiao::demo::create(dir.path(), 0, |_, _| {}).unwrap();
    let local = Local::open(dir.path()).unwrap();
    for (key, text) in [("process", PROCESS), ("experience", EXPERIENCE), ("overview", OVERVIEW)] {
        run(&local, json!({"cmd":"write_report_section","project":CODE,"section":key,"text":text}));
    }
    dir
}

fn jixiao(dir: &Path, args: &[&str]) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(dir).arg("--local").args(args).env("LANG", "zh_CN.UTF-8").output().unwrap()
}

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn docx(dir: &Path, name: &str, extra: &[&str]) -> Vec<u8> {
    let file = dir.join(name);
    let mut args = vec!["report", CODE, "-o", file.to_str().unwrap()];
    args.extend(extra);
    ok(&jixiao(dir, &args));
    std::fs::read(&file).unwrap()
}

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

fn texts(xml: &str) -> String {
    xml.split("<w:t xml:space=\"preserve\">").skip(1).filter_map(|t| t.split("</w:t>").next()).collect()
}

/// Paragraphs outside tables: (style id, text).
fn paragraphs(document: &str) -> Vec<(String, String)> {
    let outside: String =
        document.split("<w:tbl>").enumerate().map(|(i, s)| if i == 0 { s } else { s.split("</w:tbl>").nth(1).unwrap_or("") }).collect();
    outside
        .split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = p.split("</w:p>").next().unwrap();
            let style = p.split("<w:pStyle w:val=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
            (style, texts(p))
        })
        .collect()
}

/// A table's rows, each cell as (text, vMerge: None / "restart" / "continue").
type Cells = Vec<(String, Option<&'static str>)>;

fn last_table(document: &str) -> Vec<Cells> {
    let table = document.rsplit("<w:tbl>").next().unwrap().split("</w:tbl>").next().unwrap();
    table
        .split("<w:tr>")
        .skip(1)
        .map(|row| {
            row.split("<w:tc>")
                .skip(1)
                .map(|cell| {
                    let merge = if cell.contains(r#"<w:vMerge w:val="restart"/>"#) {
                        Some("restart")
                    } else if cell.contains("<w:vMerge/>") {
                        Some("continue")
                    } else {
                        None
                    };
                    (texts(cell), merge)
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_report_docx_has_the_outline_the_cover_and_the_whole_score_table() {
    let dir = demo();
    let (tree, markdown) = {
        let local = Local::open(dir.path()).unwrap();
        let md = jixiao::export::report::choose(&local, CODE, None).unwrap().0.markdown().unwrap();
        (local.tree(CODE).unwrap(), md)
    };
    let parts = parts(&docx(dir.path(), "报告.docx", &[]));
    let document = &parts["word/document.xml"];
    let paras = paragraphs(document);

    // The outline's headings, in the Markdown's order, as Word headings (a TOC finds them).
    let md_headings: Vec<&str> = markdown.lines().filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### "))).collect();
    let doc_headings: Vec<&str> = paras.iter().filter(|(s, _)| s.starts_with("Heading")).map(|(_, t)| t.as_str()).collect();
    assert_eq!(doc_headings, md_headings);
    assert!(doc_headings.first().is_some_and(|h| h.starts_with("一、基本情况")), "{doc_headings:?}");
    assert!(
        parts["word/styles.xml"].contains(r#"w:styleId="Heading1""#) && parts["word/styles.xml"].contains("<w:outlineLvl w:val=\"0\"/>")
    );

    // The cover: the title, then its fields.
    assert!(paras.iter().any(|(s, t)| s == "Title" && t == &format!("{NAME}绩效评价报告")), "{paras:?}");
    for field in [format!("项目名称：{NAME}"), "项目单位：统计局".to_string(), "评价类型：项目支出".to_string()] {
        assert!(paras.iter().any(|(_, t)| *t == field), "{field} missing from the cover");
    }
    // The written sections, each under its heading.
    for (heading, text) in [("（三）评价工作过程", PROCESS), ("（一）主要经验及做法", EXPERIENCE), ("（一）项目概况", OVERVIEW)]
    {
        let at = paras.iter().position(|(_, t)| t == heading).unwrap_or_else(|| panic!("{heading}"));
        assert_eq!(paras[at + 1].1, text, "under {heading}");
    }

    // The 评分表: every leaf with its points and score; 一级 and 二级 merged down; the total.
    let rows = last_table(document);
    assert_eq!(
        rows[0].iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["一级指标", "二级指标", "三级指标", "分值", "得分", "得分率", "扣分原因"]
    );
    for leaf in tree.leaves() {
        let row = rows.iter().find(|r| r.get(2).is_some_and(|c| c.0 == leaf.name)).unwrap_or_else(|| panic!("{} has no row", leaf.name));
        assert_eq!(row[3].0, fmt2(leaf.points), "{}", leaf.name);
        assert_eq!(row[4].0, tree.score_of(leaf.id).map(fmt2).unwrap_or_else(|| "—".into()), "{}", leaf.name);
    }
    assert_eq!(rows[1][0], ("决策".to_string(), Some("restart")), "决策 covers its rows");
    assert_eq!(rows[2][0], (String::new(), Some("continue")));
    assert_eq!(rows[1][1], ("项目立项".to_string(), Some("restart")));
    assert!(rows.iter().any(|r| r.get(1).is_some_and(|c| c.0 == "小计")), "subtotals");
    let total = rows.last().unwrap();
    assert_eq!(total[0].0, "合计");
    assert!(document.contains(r#"<w:gridSpan w:val="3"/>"#), "合计 spans the three name columns");
    assert_eq!(total[1].0, fmt2(tree.leaf_points_sum()));
    assert_eq!(total[2].0, fmt2(tree.total_score()), "the total is the tree's, to the cent");
    // Every cell has its width, and the grid is explicit (LibreOffice and WPS need both).
    assert!(document.contains("<w:tblGrid>") && !document.contains("<w:tc><w:tcPr><w:vMerge"), "tcW comes first in every cell");
}

#[test]
fn an_issued_revision_prints_the_same_docx_after_later_changes() {
    let dir = demo();
    {
        let local = Local::open(dir.path()).unwrap();
        run(&local, json!({"cmd":"set_phase","project":CODE,"phase":"定稿","override_reason":"测试：自检未通过，先行定稿"}));
    }
    let issued = docx(dir.path(), "第1版.docx", &[]);
    let issued_text = texts(&parts(&issued)["word/document.xml"]);
    assert!(issued_text.contains("绩评报字(2026)第"), "the number is on the issued cover");
    {
        let local = Local::open(dir.path()).unwrap();
        run(&local, json!({"cmd":"reopen_report","project":CODE,"reason":"反馈意见交流会后补充评价过程"}));
        run(&local, json!({"cmd":"write_report_section","project":CODE,"section":"process","text":"补充：2021年4月召开反馈意见交流会。"}));
        run(&local, json!({"cmd":"set_phase","project":CODE,"phase":"定稿","override_reason":"测试：自检未通过，先行定稿"}));
    }
    assert_eq!(docx(dir.path(), "再打第1版.docx", &["--revision", "1"]), issued, "revision 1 is the same document, byte for byte");
    let second = texts(&parts(&docx(dir.path(), "第2版.docx", &[]))["word/document.xml"]);
    assert!(second.contains("补充：2021年4月召开反馈意见交流会。") && second.contains("修订版"), "{second}");
}

#[test]
fn the_score_table_alone_and_a_reference_docs_styles() {
    let dir = demo();
    let reference = dir.path().join("事务所样式.docx");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&reference).unwrap());
        zip.start_file("word/styles.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:rPr><w:rFonts w:eastAsia="方正黑体_GBK"/></w:rPr></w:style></w:styles>"#.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    let styled = parts(&docx(dir.path(), "报告.docx", &["--reference-doc", reference.to_str().unwrap()]));
    assert!(styled["word/styles.xml"].contains("方正黑体_GBK"));
    assert!(
        paragraphs(&styled["word/document.xml"]).iter().any(|(s, t)| s == "1" && t.starts_with("一、")),
        "headings take the reference's heading 1"
    );

    let table = parts(&docx(dir.path(), "评分表.docx", &["--table-only"]));
    let paras = paragraphs(&table["word/document.xml"]);
    assert!(paras.iter().all(|(s, _)| !s.starts_with("Heading")), "only the table: {paras:?}");
    assert_eq!(last_table(&table["word/document.xml"]).last().unwrap()[0].0, "合计");
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Process::new(name).args(args).output().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_report_prints_to_pdf_through_libreoffice() {
    if jixiao::export::pdf::soffice().is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI must install LibreOffice (.ci/run)");
        eprintln!("skipped: no soffice ({})", jixiao::export::pdf::INSTALL_HINT);
        return;
    }
    let dir = demo();
    let pdf = dir.path().join("报告.pdf");
    ok(&jixiao(dir.path(), &["report", CODE, "-o", pdf.to_str().unwrap()]));
    let path = pdf.to_str().unwrap();
    let text: String = tool("pdftotext", &[path, "-"]).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(&format!("{NAME}绩效评价报告")) && text.contains("附件：评分表") && text.contains("合计"), "{text}");
    let pages: usize = tool("pdfinfo", &[path]).lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap();
    assert!((4..=20).contains(&pages), "{pages} pages");
}
