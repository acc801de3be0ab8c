//! The self-evaluation form under spot check (自评抽查/复核): `jixiao check --project` names a
//! printed 总分 that is not the rows' sum, full self-marks against a missed target, a missed
//! row without its deviation reason and a self-score far from the 复核得分, each with its
//! figures; each fix makes its rule pass; a project without a form is unaffected. The re-check
//! report prints the 自评与复核得分对比 table in Markdown, .docx and .xlsx.

use jixiao::backend::{Backend, Local};
use jixiao::command::Command;
use serde_json::{Value, json};
use std::io::Read;
use std::path::Path;

const CODE: &str = "CC20-03";

fn run(dir: &Path, cmds: &[Value]) {
    let local = Local::open(dir).unwrap();
    for v in cmds {
        let c: Command = serde_json::from_value(v.clone()).unwrap();
        local.execute(&c).unwrap_or_else(|e| panic!("{v}\n→ {e}"));
    }
}

fn jixiao(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(dir)
        .arg("--local")
        .args(args)
        .env("COLUMNS", "200")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// The check as JSON: (exit code, rule id → (passed, [what])).
fn check(dir: &Path, code: &str) -> (i32, Vec<(String, bool, Vec<String>)>) {
    let (rc, out) = jixiao(dir, &["check", "--project", code, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let lines = v["check"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let rows =
                l["rows"].as_array().unwrap().iter().map(|r| format!("{}：{}", r["at"].as_str().unwrap(), r["what"].as_str().unwrap()));
            (l["id"].as_str().unwrap().to_string(), l["passed"].as_bool().unwrap(), rows.collect())
        })
        .collect();
    (rc, lines)
}

fn rule<'a>(lines: &'a [(String, bool, Vec<String>)], id: &str) -> &'a (String, bool, Vec<String>) {
    lines.iter().find(|l| l.0 == id).unwrap_or_else(|| panic!("no rule {id} in {lines:?}"))
}

/// A 自评抽查 project of 115 points (数量指标 split into 保障人数 15 and 覆盖率 15), scored by
/// the re-checker (106.24), with the unit's form: self-scores summing to 110 under a printed
/// 总分 of 100; 保障人数 at full marks though 4,512 人 misses ≥4754人; 质量指标 misses ≥95%
/// with no reason; 时效指标 self-scored 10 against a 复核得分 of 7.
fn spot_check(dir: &Path) {
    let mut cmds = vec![
        json!({"cmd":"create_project","code":CODE,"name":"城乡居民最低生活保障资金","kind":"自评抽查","fiscal_year":2020,
               "unit":"民政局","amount":"5300","third_party":"湖南某会计师事务所"}),
        json!({"cmd":"add_indicator","project":CODE,"parent":"数量指标","name":"保障人数","points":"15"}),
        json!({"cmd":"add_indicator","project":CODE,"parent":"数量指标","name":"覆盖率","points":"15"}),
    ];
    let rechecked = [
        ("预算执行率", "10"),
        ("保障人数", "14.24"),
        ("覆盖率", "15"),
        ("质量指标", "10"),
        ("时效指标", "7"),
        ("成本指标", "10"),
        ("经济效益", "8"),
        ("社会效益", "10"),
        ("生态效益", "6"),
        ("可持续影响", "6"),
        ("服务对象满意度", "10"),
    ];
    for (leaf, value) in rechecked {
        cmds.push(json!({"cmd":"score","project":CODE,"indicator":leaf,"input":{"direct":{"value":value}},"basis":"复核核实"}));
        let own = match leaf {
            "质量指标" => "10",
            "时效指标" => "10",
            _ => value,
        };
        let own = if leaf == "保障人数" { "15" } else { own };
        cmds.push(json!({"cmd":"set_form_row","project":CODE,"indicator":leaf,"self_score":own}));
    }
    cmds.push(json!({"cmd":"set_form_row","project":CODE,"indicator":"保障人数","nature":"≥","target":"≥4754人","actual":"4,512人",
                     "deviation":"部分对象迁出，按规定退出保障。","self_score":"15"}));
    cmds.push(json!({"cmd":"set_form_row","project":CODE,"indicator":"质量指标","nature":"≥","target":"≥95%","actual":"90%",
                     "self_score":"10"}));
    cmds.push(json!({"cmd":"set_form_head","project":CODE,"printed_total":"100"}));
    run(dir, &cmds);
}

#[test]
fn check_names_each_form_anomaly_with_its_figures_and_each_fix_passes_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    spot_check(dir.path());
    let (rc, lines) = check(dir.path(), CODE);
    assert_eq!(rc, 1, "{lines:?}");
    let total = rule(&lines, "form.total");
    assert!(!total.1);
    assert_eq!(total.2, vec!["自评表总分：自评表总分 100，各行自评得分合计 110".to_string()]);
    let full = rule(&lines, "form.full-marks");
    assert_eq!(full.2.len(), 1, "{full:?}");
    assert!(full.2[0].contains("产出/数量指标/保障人数"), "{full:?}");
    assert!(full.2[0].contains("年度指标值“≥4754人”，实际完成值“4,512人”"), "{full:?}");
    assert!(full.2[0].contains("自评却得满分 15"), "{full:?}");
    let dev = rule(&lines, "form.deviation");
    assert_eq!(dev.2.len(), 1, "{dev:?}");
    assert!(dev.2[0].contains("产出/质量指标") && dev.2[0].contains("“≥95%”") && dev.2[0].contains("“90%”"), "{dev:?}");
    assert!(dev.2[0].contains("没有写偏差原因分析及改进措施"), "{dev:?}");
    let diff = rule(&lines, "form.difference");
    assert!(!diff.1);
    assert_eq!(diff.2, vec!["产出/时效指标：自评得分 10，复核得分 7，相差 3 分（超过 1 分）".to_string()], "0.76 on 保障人数 is within 1");

    // The table lists the rules with their titles.
    let (_, table) = jixiao(dir.path(), &["check", "--project", CODE]);
    for title in [
        "自评表总分等于各行自评得分合计",
        "自评表中未达成目标的指标不得满分",
        "自评表中未达成目标的指标写明偏差原因",
        "自评得分与复核得分的差异",
    ] {
        assert!(table.contains(title), "{title} not in\n{table}");
    }

    // Fix them one by one.
    run(
        dir.path(),
        &[json!({"cmd":"set_form_row","project":CODE,"indicator":"保障人数","nature":"≥","target":"≥4754人","actual":"4,512人",
                              "deviation":"部分对象迁出，按规定退出保障。","self_score":"14"})],
    );
    let (_, lines) = check(dir.path(), CODE);
    assert!(rule(&lines, "form.full-marks").1, "{lines:?}");
    assert_eq!(rule(&lines, "form.total").2, vec!["自评表总分：自评表总分 100，各行自评得分合计 109".to_string()]);

    run(
        dir.path(),
        &[json!({"cmd":"set_form_row","project":CODE,"indicator":"质量指标","nature":"≥","target":"≥95%","actual":"90%",
                              "deviation":"两批次抽检不合格，已责令整改并复检。","self_score":"10"})],
    );
    let (_, lines) = check(dir.path(), CODE);
    assert!(rule(&lines, "form.deviation").1, "{lines:?}");

    run(dir.path(), &[json!({"cmd":"set_form_row","project":CODE,"indicator":"时效指标","self_score":"7.5"})]);
    let (_, lines) = check(dir.path(), CODE);
    assert!(rule(&lines, "form.difference").1, "0.5 is within the 1-point threshold: {lines:?}");

    run(dir.path(), &[json!({"cmd":"set_form_head","project":CODE,"printed_total":"106.5"})]);
    let (_, lines) = check(dir.path(), CODE);
    assert!(rule(&lines, "form.total").1, "{lines:?}");
    assert!(lines.iter().filter(|l| l.0.starts_with("form.")).all(|l| l.1), "{lines:?}");
}

#[test]
fn the_total_difference_is_named_beyond_its_threshold() {
    let dir = tempfile::tempdir().unwrap();
    spot_check(dir.path());
    run(dir.path(), &[json!({"cmd":"set_form_head","project":CODE,"printed_total":"110","row_threshold":"5","total_threshold":"3"})]);
    let (_, lines) = check(dir.path(), CODE);
    let diff = rule(&lines, "form.difference");
    assert_eq!(diff.2, vec!["总分：自评总分 110，复核总分 106.24，相差 3.76 分（超过 3 分）".to_string()], "{diff:?}");
}

#[test]
fn a_project_without_a_form_is_unaffected() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        &[json!({"cmd":"create_project","code":"CC20-04","name":"农村危房改造补助资金","kind":"自评抽查","fiscal_year":2020,
                 "unit":"住房和城乡建设局","amount":"800"})],
    );
    let (_, lines) = check(dir.path(), "CC20-04");
    assert!(lines.iter().all(|l| !l.0.starts_with("form.")), "{lines:?}");
}

fn table_after(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md.find(heading).unwrap_or_else(|| panic!("no {heading} in\n{md}"));
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

#[test]
fn the_recheck_report_prints_the_comparison_table_in_md_docx_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    spot_check(dir.path());
    let (rc, md) = jixiao(dir.path(), &["report", CODE, "--format", "md"]);
    assert_eq!(rc, 0, "{md}");
    assert!(md.contains("（一）自评与复核得分对比"), "{md}");
    assert!(md.contains("单位自评得分110.00分，复核得分106.24分，复核得分比自评得分低3.76分。其中1项指标的得分差异超过1分。下表“差异”为复核得分减自评得分。"), "{md}");
    let rows = table_after(&md, "（一）自评与复核得分对比");
    assert_eq!(rows[0][..8], ["序号", "指标", "分值", "年度指标值", "实际完成值", "自评得分", "复核得分", "差异"]);
    assert_eq!(rows.len(), 2 + 11 + 1, "header, rule, 11 leaves, 合计: {rows:?}");
    let find = |name: &str| rows.iter().find(|r| r[1].ends_with(name)).unwrap_or_else(|| panic!("{name}: {rows:?}"));
    assert_eq!(find("保障人数")[2..9], ["15.00", "≥4754人", "4,512人", "15.00", "14.24", "-0.76", "部分对象迁出，按规定退出保障。"]);
    assert_eq!(find("时效指标")[5..8], ["10.00", "7.00", "-3.00"]);
    assert_eq!(find("质量指标")[8], "未达成目标，未写偏差原因");
    let total = rows.last().unwrap();
    assert_eq!(total[..8], ["合计", "", "115.00", "", "", "110.00", "106.24", "-3.76"]);
    assert_eq!(total[8], "自评表打印总分 100");
    assert!(md.contains("注：单位自评表打印的总分为100.00分，与各行自评得分合计110.00分不一致。"), "{md}");

    // Word: the same table, in the TableText style, its columns within A4 portrait's text width.
    let file = dir.path().join("复核报告.docx");
    let (rc, out) = jixiao(dir.path(), &["report", CODE, "-o", file.to_str().unwrap()]);
    assert_eq!(rc, 0, "{out}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&file).unwrap())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let at = xml.find("偏差原因及说明").expect("the comparison table in the docx");
    let table = &xml[xml[..at].rfind("<w:tbl>").unwrap()..];
    let table = &table[..table.find("</w:tbl>").unwrap()];
    for text in ["保障人数", "≥4754人", "4,512人", "14.24", "-0.76", "-3.00", "合计", "106.24", "-3.76", "自评表打印总分 100"]
    {
        assert!(table.contains(text), "{text} not in the docx table");
    }
    assert!(table.contains("TableText"), "cells in the TableText style");
    let widths: u32 = table.split("<w:gridCol w:w=\"").skip(1).map(|s| s.split('"').next().unwrap().parse::<u32>().unwrap()).sum();
    assert!(widths <= 8850, "the grid ({widths} twips) fits A4 portrait's 156 mm text block");

    // Excel: the score table with the comparison on a second sheet.
    let file = dir.path().join("评分表.xlsx");
    let (rc, out) = jixiao(dir.path(), &["report", CODE, "--table-only", "-o", file.to_str().unwrap()]);
    assert_eq!(rc, 0, "{out}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&file).unwrap())).unwrap();
    let mut book = String::new();
    zip.by_name("xl/workbook.xml").unwrap().read_to_string(&mut book).unwrap();
    assert!(book.contains("自评复核对比"), "{book}");
}

#[test]
fn a_recheck_report_without_a_form_says_so() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        &[json!({"cmd":"create_project","code":"CC20-04","name":"农村危房改造补助资金","kind":"自评抽查","fiscal_year":2020,
                 "unit":"住房和城乡建设局","amount":"800"})],
    );
    let (rc, md) = jixiao(dir.path(), &["report", "CC20-04", "--format", "md"]);
    assert_eq!(rc, 0, "{md}");
    assert!(md.contains("尚未录入单位的绩效自评表，无法对比自评得分与复核得分。"), "{md}");
}

#[test]
fn the_bundle_results_and_the_final_gate_carry_the_form_rules() {
    let dir = tempfile::tempdir().unwrap();
    spot_check(dir.path());
    let (rc, out) = jixiao(dir.path(), &["export", "--project", CODE, "--format", "json"]);
    assert_eq!(rc, 0, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let sc = &json["results"][0]["self_check"];
    let has = |list: &str, id: &str| sc[list].as_array().unwrap().iter().any(|f| f == id);
    for id in ["form.total", "form.full-marks", "form.deviation"] {
        assert!(has("failures", id), "{id}: {sc}");
    }
    assert!(has("warnings", "form.difference"), "{sc}");

    // 定稿 is refused with the form's failures named like any other.
    let local = Local::open(dir.path()).unwrap();
    let c: Command = serde_json::from_value(json!({"cmd":"set_phase","project":CODE,"phase":"定稿"})).unwrap();
    let e = local.execute(&c).expect_err("定稿 with failures").to_string();
    assert!(e.contains("（form.total）") && e.contains("自评表总分 100，各行自评得分合计 110"), "{e}");
    assert!(e.contains("（form.full-marks）") && e.contains("（form.deviation）"), "{e}");
    assert!(!e.contains("form.difference"), "a warning does not block: {e}");
}
