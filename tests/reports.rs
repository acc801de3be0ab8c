//! The evaluation report (评价报告): outlines as data files, sections written through commands,
//! the report rendered from the records (Markdown, the score table as XLSX), issued at 定稿 with
//! its number and kept as issued, reopened for a revision, carried by export and import.

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Fetch, Local};
use jixiao::command::Command;
use jixiao::domain::money::fmt2;
use jixiao::domain::outline::Outline;
use jixiao::domain::report::ReportState;
use jixiao::domain::{Error, Phase};
use jixiao::export::report::{self, Chosen};
use jixiao::store::Store;
use jixiao::templates::Templates;
use serde_json::json;
use std::path::Path;
use std::process::Command as Process;

const CODE: &str = "ZD21-06";
const GOALS: &str = "总体目标：按期完成第七次全国人口普查登记、复查和数据上报工作。";
const OVERVIEW: &str = "2020年度人口普查工作经费由市财政全额保障，用于普查员劳务、培训和宣传。";
const CAUSES: &str = "问题的主要原因是普查临时机构财务人员不足，报销审核把关不严。";

fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
}

fn open(dir: &Path) -> Local {
    Local::new(Store::open(dir, Templates::for_data_dir(dir).unwrap()).unwrap()).with_clock(clock())
}

fn run(local: &Local, v: serde_json::Value) -> jixiao::command::Outcome {
    let c: Command = serde_json::from_value(v.clone()).unwrap();
    local.execute(&c).unwrap_or_else(|e| panic!("{v}\n→ {e}"))
}

fn refused(local: &Local, v: serde_json::Value) -> Error {
    let c: Command = serde_json::from_value(v.clone()).unwrap();
    match local.execute(&c) {
        Ok(o) => panic!("{v} was accepted: {o:?}"),
        Err(e) => e,
    }
}

fn jixiao(dir: &Path, args: &[&str]) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(dir).args(args).env("LANG", "zh_CN.UTF-8").output().unwrap()
}

/// The demo store with a published finding and its item on ZD21-06, the 2026 prefix set and
/// three sections written.
fn written_demo() -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().unwrap();
    jixiao::demo::create(dir.path(), 0, |_, _| {}).unwrap();
    let local = open(dir.path());
    let f = run(
        &local,
        json!({"cmd":"record_finding","project":CODE,"text":"普查员劳务费发放表 14 人缺少领取人签字","category":"财务管理欠规范","severity":"较重","amount":"3.6","indicators":["资金使用合规性"],"publish":true}),
    );
    run(&local, json!({"cmd":"create_item","finding":f.id,"requirement":"补齐劳务费领取签字并建立发放复核制度","due":"2026-12-31"}));
    run(&local, json!({"cmd":"set_report_prefix","year":2026,"prefix":"上会湘报字"}));
    run(&local, json!({"cmd":"write_report_section","project":CODE,"section":"goals","text":GOALS}));
    run(&local, json!({"cmd":"write_report_section","project":CODE,"section":"overview","text":OVERVIEW}));
    run(&local, json!({"cmd":"write_report_section","project":CODE,"section":"problems","text":CAUSES}));
    (dir, local)
}

fn markdown(local: &Local, revision: Option<u32>) -> String {
    report::choose(local, CODE, revision).unwrap().0.markdown().unwrap()
}

/// The table rows (cells trimmed) of the first pipe table after `heading`.
fn table_after(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split(" | ").map(|c| c.trim().to_string()).collect())
        .collect()
}

#[test]
fn a_draft_renders_in_outline_order_with_the_written_text_and_the_whole_score_table() {
    let (_dir, local) = written_demo();
    let md = markdown(&local, None);
    let (outline, problems) = local.outline(CODE).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    // Every outline heading, in order.
    let mut at = 0;
    let mut positions = Vec::new();
    for s in outline.sections.iter().filter(|s| !s.heading.is_empty()) {
        let hashes = "#".repeat(s.level as usize + 1);
        let line = format!("\n{hashes} {}\n", s.heading);
        let pos = md[at..].find(&line).unwrap_or_else(|| panic!("“{}”missing or out of order:\n{md}", s.heading)) + at;
        positions.push((s.key.clone(), pos));
        at = pos + 1;
    }
    // The written text sits under its own heading, before the next one.
    for (key, text) in [("goals", GOALS), ("overview", OVERVIEW), ("problems", CAUSES)] {
        let i = positions.iter().position(|(k, _)| k == key).unwrap();
        let pos = md.find(text).unwrap_or_else(|| panic!("{key}'s text missing"));
        assert!(pos > positions[i].1 && positions.get(i + 1).is_none_or(|n| pos < n.1), "{key}'s text is not under its heading");
    }
    // The finding is numbered and its item's requirement is its suggestion.
    assert!(md.contains("1. 普查员劳务费发放表 14 人缺少领取人签字（问题类别：财务管理欠规范；涉及金额3.60万元）"), "{md}");
    assert!(md.contains("1. 补齐劳务费领取签字并建立发放复核制度。"), "{md}");
    // Every leaf with its points and score; the total equals the tree's to the cent.
    let tree = local.tree(CODE).unwrap();
    let rows = table_after(&md, "## 附件：评分表");
    for leaf in tree.leaves() {
        let row = rows.iter().find(|r| r[2] == leaf.name).unwrap_or_else(|| panic!("no row for {}", leaf.name));
        assert_eq!(row[3], fmt2(leaf.points));
        assert_eq!(row[4], leaf.score.as_ref().map(|s| fmt2(s.value)).unwrap_or_else(|| "—".into()), "{}", leaf.name);
    }
    let total = rows.last().unwrap();
    assert_eq!(total[0], "合计");
    assert_eq!(total[4], fmt2(tree.total_score()));
    assert_eq!(rows.iter().filter(|r| r[1] == "小计").count(), tree.children(None).count());
    assert!(md.contains("评分未完成"), "partly scored: {md}");
    assert!(md.contains("**报告编号**：（定稿时编号）"));
}

#[test]
fn final_issues_a_number_refuses_edits_and_a_reopening_makes_revision_two() {
    let (dir, local) = written_demo();
    run(&local, json!({"cmd":"set_phase","project":CODE,"phase":"定稿","override_reason":"测试：自检未通过，先行定稿"}));
    let r = local.report(CODE).unwrap().unwrap();
    assert_eq!(r.state, ReportState::Issued);
    assert_eq!(r.number.as_ref().unwrap().text, "上会湘报字(2026)第0001号");
    let first = markdown(&local, None);
    assert!(first.contains("**报告编号**：上会湘报字(2026)第0001号"), "{first}");
    assert!(first.contains("**报告日期**：2026年11月22日"));

    let e = refused(&local, json!({"cmd":"write_report_section","project":CODE,"section":"goals","text":"改一句"}));
    assert!(matches!(e, Error::IllegalTransition { .. }) && e.to_string().contains("reopen_report"), "{e}");
    let back = refused(&local, json!({"cmd":"set_phase","project":CODE,"phase":"报告"}));
    assert!(back.to_string().contains("reopen_report"), "{back}");
    let no_reason = refused(&local, json!({"cmd":"reopen_report","project":CODE,"reason":"  "}));
    assert!(matches!(no_reason, Error::Invalid { ref field, .. } if field == "reason"), "{no_reason}");

    run(&local, json!({"cmd":"reopen_report","project":CODE,"reason":"反馈意见交流会后修改绩效目标表述"}));
    assert_eq!(local.project(CODE).unwrap().phase, Phase::Report);
    run(&local, json!({"cmd":"write_report_section","project":CODE,"section":"goals","text":"总体目标：修订后的表述。"}));
    run(&local, json!({"cmd":"set_phase","project":CODE,"phase":"定稿","override_reason":"测试：自检未通过，先行定稿"}));
    let r = local.report(CODE).unwrap().unwrap();
    assert_eq!(r.revisions.len(), 2);
    assert_eq!(r.revisions[1].reason.as_deref(), Some("反馈意见交流会后修改绩效目标表述"));
    assert_eq!(r.number.as_ref().unwrap().text, "上会湘报字(2026)第0001号", "a revision keeps its number");
    let second = markdown(&local, None);
    assert!(second.contains("修订版（第2版）") && second.contains("修订后的表述"), "{second}");
    assert_eq!(markdown(&local, Some(1)), first, "revision 1 reprints byte for byte");
    let bad = report::choose(&local, CODE, Some(3)).err().unwrap();
    assert!(bad.to_string().contains("第 1 版") && bad.to_string().contains("第 2 版"), "{bad}");

    // Export and import into an empty store keep the reports and the issued revisions.
    let bundle = local.store().export(None).unwrap();
    assert_eq!(bundle.report_issues.iter().filter(|i| i.project == r.project).count(), 2);
    drop(local);
    let other = tempfile::tempdir().unwrap();
    let copy = open(other.path());
    copy.execute(&Command::Import { bundle: Box::new(bundle), merge: false }).unwrap();
    assert_eq!(copy.report(CODE).unwrap().unwrap().revisions, r.revisions);
    assert_eq!(markdown(&copy, Some(1)), first);
    assert_eq!(markdown(&copy, Some(2)), second);
    assert!(copy.store().check().is_clean(), "{:?}", copy.store().check().problems);
    // The counter came along: the next report of 2026 under the prefix is 第0002号.
    run(&copy, json!({"cmd":"set_phase","project":"ZD21-08","phase":"定稿","override_reason":"测试：自检未通过，先行定稿"}));
    assert_eq!(copy.report("ZD21-08").unwrap().unwrap().number.unwrap().text, "上会湘报字(2026)第0002号");
    drop(copy);

    // The CLI prints the latest revision by default, and revision 1 byte for byte through the
    // server (no --local; run second, as the server it starts holds the store).
    let latest = jixiao(dir.path(), &["--local", "report", CODE]);
    assert_eq!(String::from_utf8(latest.stdout).unwrap(), second);
    assert!(String::from_utf8_lossy(&latest.stderr).contains("第 2 版"));
    let out = jixiao(dir.path(), &["report", CODE, "--revision", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), first);
}

#[test]
fn section_texts_are_bounded_and_keys_come_from_the_outline() {
    let (_dir, local) = written_demo();
    let big = "评".repeat(1024 * 1024 / 3 + 1);
    let e = refused(&local, json!({"cmd":"write_report_section","project":CODE,"section":"goals","text":big}));
    assert!(matches!(e, Error::Invalid { ref field, .. } if field == "text") && e.to_string().contains("64 KiB"), "{e}");
    let e = refused(&local, json!({"cmd":"write_report_section","project":CODE,"section":"goals","text":"目标\u{1b}[31m"}));
    assert!(e.to_string().contains("控制字符"), "{e}");
    let e = refused(&local, json!({"cmd":"write_report_section","project":CODE,"section":"目标","text":"x"}));
    assert!(e.to_string().contains("goals") && e.to_string().contains("overview"), "lists the keys: {e}");
    let e = refused(&local, json!({"cmd":"write_report_section","project":CODE,"section":"score-table","text":"x"}));
    assert!(e.to_string().contains("由程序根据记录生成"), "{e}");
    let e = refused(&local, json!({"cmd":"write_report_section","project":CODE,"section":"goals","text":"x","expected_version":1}));
    assert!(matches!(e, Error::Conflict { .. }), "{e}");
}

#[test]
fn a_broken_outline_file_is_named_with_its_line() {
    let text = "name = \"project\"\ntitle = \"绩效评价报告\"\n\n[[section]]\nkey = \"cover\"\nfill = \"data\"\ngenerator = \"cover\"\n\n[[section]]\nkey = \"goals\"\nheading = \"一、目标\"\nfill = \"data\"\n";
    let e = Outline::parse(text, "outlines/project.toml").unwrap_err();
    assert!(e.starts_with("outlines/project.toml:9:") && e.contains("generator"), "{e}");
    let e = Outline::parse("name = \"x\"\ntitle = \"报告\"\n[[section]]\nkey = \"a\"\nheading = \"一、\"\nfill = \"written\"\n", "x.toml")
        .unwrap_err();
    assert!(e.starts_with("x.toml:6:"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("outlines")).unwrap();
    std::fs::write(dir.path().join("outlines/project.toml"), text).unwrap();
    let t = Templates::for_data_dir(dir.path()).unwrap();
    let problems = t.outlines().problems();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("outlines/project.toml:9:"), "{problems:?}");
    // The shipped outline stays in use.
    assert_eq!(t.outlines().for_kind(jixiao::domain::ProjectKind::Project).unwrap().sections.len(), 17);
}

#[test]
fn the_shipped_outlines_parse_and_every_kind_has_one() {
    let t = Templates::builtin().unwrap();
    for kind in jixiao::domain::ProjectKind::ALL {
        let o = t.outlines().for_kind(kind).unwrap();
        assert_eq!(o.sections[0].key, "cover");
        assert!(o.sections.iter().any(|s| s.generator == Some(jixiao::domain::outline::Generator::ScoreTable)), "{}", o.name);
    }
}

#[test]
fn the_score_table_as_xlsx_merges_names_and_holds_the_total() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let (dir, local) = written_demo();
    let tree = local.tree(CODE).unwrap();
    let rows = match report::choose(&local, CODE, None).unwrap().0 {
        c @ Chosen::Draft(_) => c.score_rows(),
        Chosen::Issued(_) => panic!("a draft"),
    };
    drop(local);
    let file = dir.path().join("评分表.xlsx");
    let out = jixiao(dir.path(), &["--local", "report", CODE, "--table-only", "--format", "xlsx", "-o", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let merged: Vec<_> = book.merge_cells_by_sheet_name("评分表").unwrap().into_iter().map(|d| (d.start, d.end)).collect();
    let range = book.worksheet_range("评分表").unwrap();
    // 决策 covers its 6 leaves and its subtotal; 项目立项 its 2 leaves.
    let first = 2u32;
    assert!(merged.contains(&((first, 0), (first + 6, 0))), "{merged:?}");
    assert!(merged.contains(&((first, 1), (first + 1, 1))), "{merged:?}");
    assert_eq!(range.get_value((first, 0)), Some(&Data::String("决策".into())));
    let last = first + rows.len() as u32 - 1;
    assert_eq!(range.get_value((last, 0)), Some(&Data::String("合计".into())));
    assert!(merged.contains(&((last, 0), (last, 2))), "{merged:?}");
    let total: f64 = fmt2(tree.total_score()).parse().unwrap();
    assert_eq!(range.get_value((last, 4)), Some(&Data::Float(total)));
    assert_eq!(range.get_value((last, 3)), Some(&Data::Float(100.0)));
    assert_eq!(range.get_value((1, 6)), Some(&Data::String("扣分原因".into())));
}

#[test]
fn an_unknown_code_is_named_with_the_codes_there_are() {
    let dir = tempfile::tempdir().unwrap();
    jixiao::demo::create(dir.path(), 0, |_, _| {}).unwrap();
    let out = jixiao(dir.path(), &["--local", "report", "ZD99"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ZD99") && err.contains("ZD21-06"), "{err}");
}
