//! 数字要对得上（issue 13 第 7 部分）：问题涉及金额不超过项目金额；扣分合计超过分值时照收
//! （扣完为止）但写明；导出包和 `export --project` 带上每个项目算出的总分和等级（导入时不信它）。

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Clock, Local};
use jixiao::command::{Command, Outcome};
use jixiao::domain::money::fmt2;
use jixiao::domain::{Error, Result};
use jixiao::read::bundle::Bundle;
use jixiao::read::report::score_rows;
use jixiao::store::Store;
use jixiao::templates::Templates;
use serde_json::{Value, json};
use std::path::Path;

mod tui_common;

fn cmd(v: Value) -> Command {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"))
}

fn open(dir: &Path) -> Local {
    let store = Store::open(dir, Templates::builtin().unwrap()).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    Local::new(store).with_clock(Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap(), today)).with_actor("zhangsan")
}

fn run(local: &Local, c: Value) -> Result<Outcome> {
    jixiao::backend::Backend::execute(local, &cmd(c))
}

fn ok(local: &Local, c: Value) -> Outcome {
    run(local, c.clone()).unwrap_or_else(|e| panic!("{c}: {e}"))
}

fn project(local: &Local, code: &str, kind: &str, amount: &str) {
    ok(
        local,
        json!({"cmd":"create_project","code":code,"name":"乡村道路养护资金","kind":kind,"fiscal_year":2025,"unit":"交通运输局","amount":amount}),
    );
}

fn finding(code: &str, amount: &str) -> Value {
    json!({"cmd":"record_finding","project":code,"text":"养护资金部分用于弥补公用支出","category":"项目支出弥补公用支出","severity":"较重","amount":amount,"indicators":[]})
}

#[test]
fn 问题涉及金额超过项目金额被拒绝并说出两个数() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    project(&local, "ZD25-01", "项目支出", "275");
    let e = run(&local, finding("ZD25-01", "386.5")).unwrap_err();
    match &e {
        Error::Invalid { field, message, .. } => {
            assert_eq!(field, "amount");
            assert!(message.contains("问题涉及金额 386.50 万元超过项目金额 275.00 万元"), "{message}");
        }
        other => panic!("应为金额无效，实为 {other:?}"),
    }
    assert!(local.store().findings_of(local.store().project_by_code("ZD25-01").unwrap().id).unwrap().is_empty());
    // 相等可以；改正时同样检查。
    let f = ok(&local, finding("ZD25-01", "275")).id;
    let revise = |amount: &str| json!({"cmd":"revise_finding","finding":f,"text":"养护资金部分用于弥补公用支出","category":"项目支出弥补公用支出","severity":"较重","amount":amount,"indicators":[]});
    let e = run(&local, revise("275.01")).unwrap_err();
    assert!(e.to_string().contains("275.01 万元超过项目金额 275.00 万元"), "{e}");
    ok(&local, revise("120"));
}

#[test]
fn 扣分合计超过分值时照收但写明扣完为止() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    project(&local, "ZD25-01", "项目支出", "275");
    let tree = local.store().tree_of(local.store().project_by_code("ZD25-01").unwrap().id).unwrap();
    let leaf = tree.leaves().next().unwrap().clone();
    let over = leaf.points + rust_decimal::Decimal::ONE;
    let input = json!({"deduction":{"deductions":[
        {"points": fmt2(leaf.points), "reason":"立项论证材料缺失"},
        {"points":"1", "reason":"未经集体决策"}]}});
    ok(&local, json!({"cmd":"score","project":"ZD25-01","indicator":leaf.id,"input":input,"basis":"见扣分项"}));
    let tree = local.store().tree_of(tree.project).unwrap();
    let scored = tree.node(leaf.id).unwrap();
    let score = scored.score.as_ref().unwrap();
    assert_eq!(score.value, rust_decimal::Decimal::ZERO);
    assert_eq!(score.input.over_deducted(leaf.points), Some(over));
    // 评分表（报告附件、`jixiao report --table-only`）的扣分原因写明。
    let row = score_rows(&tree).into_iter().find(|r| r.level3 == leaf.name || r.level2 == leaf.name).unwrap();
    let note = format!("扣分合计 {} 分超过本项分值 {} 分，扣完为止", fmt2(over), fmt2(leaf.points));
    assert!(row.reason.contains(&note), "{}", row.reason);
    // 没超过的不写。
    let other = tree.leaves().nth(1).unwrap().clone();
    let input = json!({"deduction":{"deductions":[{"points":"0.5","reason":"论证不充分"}]}});
    ok(&local, json!({"cmd":"score","project":"ZD25-01","indicator":other.id,"input":input,"basis":"见扣分项"}));
    let tree = local.store().tree_of(tree.project).unwrap();
    assert!(score_rows(&tree).iter().all(|r| r.level3 != other.name || !r.reason.contains("扣完为止")));
}

/// Two projects: a scored project-2020 one (a grade) and an ex-ante one (a conclusion).
fn scored_store(local: &Local) {
    project(local, "ZD25-01", "项目支出", "275");
    project(local, "SQ25-01", "事前绩效评估", "80");
    for code in ["ZD25-01", "SQ25-01"] {
        let tree = local.store().tree_of(local.store().project_by_code(code).unwrap().id).unwrap();
        for leaf in tree.leaves().take(3) {
            let value = fmt2(leaf.points - rust_decimal::Decimal::new(5, 1).min(leaf.points));
            ok(local, json!({"cmd":"score","project":code,"indicator":leaf.id,"input":{"direct":{"value":value}},"basis":"依据充分"}));
        }
    }
}

#[test]
fn 导出包带有算出的总分和等级且导入时不信它() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    scored_store(&local);
    let bundle = local.store().export(None).unwrap();
    assert_eq!(bundle.results.len(), 2);
    for r in &bundle.results {
        let p = local.store().project_by_code(&r.project).unwrap();
        let tree = local.store().tree_of(p.id).unwrap();
        assert_eq!(r.total, fmt2(tree.total_score()));
        assert_eq!(r.points, fmt2(tree.total));
        let label = tree.result_label().map(str::to_string);
        let (scored, leaves) = tree.progress();
        assert_eq!((r.scored as usize, r.leaves as usize), (scored, leaves));
        if r.project == "SQ25-01" {
            assert_eq!((r.grade.clone(), r.conclusion.clone()), (None, label));
        } else {
            assert_eq!((r.grade.clone(), r.conclusion.clone()), (label, None));
        }
    }
    assert!(bundle.results.iter().all(|r| r.total != "0.00"));
    // Each result carries the project's self-check as `check --project` computes it.
    for r in &bundle.results {
        let sc = r.self_check.clone().unwrap_or_else(|| panic!("{} has no self-check", r.project));
        let check = local.store().self_check(&r.project).unwrap().check;
        let failing: Vec<String> = check.failures().map(|l| l.id.clone()).collect();
        assert_eq!((sc.passed, &sc.failures), (failing.is_empty(), &failing), "{}", r.project);
        assert!(sc.failures.contains(&"tree.scored".to_string()), "three leaves scored of many: {sc:?}");
    }

    // 改过的总分和等级：导入照收其余记录，重新导出时按指标树算回来。
    let mut text: Value = serde_json::to_value(&bundle).unwrap();
    text["results"][0]["total"] = json!("100.00");
    text["results"][0]["grade"] = json!("优");
    let tampered: Bundle = serde_json::from_value(text).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let other = open(dir2.path());
    jixiao::backend::Backend::execute(&other, &Command::Import { bundle: Box::new(tampered), merge: false }).unwrap();
    let again = other.store().export(None).unwrap();
    assert_eq!(again.results, bundle.results);
    // 没有 results 的旧导出包照样导入。
    let mut old: Value = serde_json::to_value(&bundle).unwrap();
    old.as_object_mut().unwrap().remove("results");
    let old: Bundle = serde_json::from_value(old).unwrap();
    let dir3 = tempfile::tempdir().unwrap();
    let third = open(dir3.path());
    jixiao::backend::Backend::execute(&third, &Command::Import { bundle: Box::new(old), merge: false }).unwrap();
    assert_eq!(third.store().export(None).unwrap().results, bundle.results);
}

#[test]
fn export_project_命令行输出带有该项目的总分和等级() {
    let dir = tempfile::tempdir().unwrap();
    let expected = {
        let local = open(dir.path());
        scored_store(&local);
        local.store().export(Some("ZD25-01")).unwrap().results
    };
    assert_eq!(expected.len(), 1);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--local", "--data"])
        .arg(dir.path())
        .args(["export", "--project", "ZD25-01", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["project"], "ZD25-01");
    assert_eq!(results[0]["total"], expected[0].total.as_str());
    assert_eq!(results[0]["grade"].as_str(), expected[0].grade.as_deref());
    assert!(results[0]["grade"].is_string(), "{}", results[0]);
    assert_eq!(results[0]["self_check"]["passed"], false, "{}", results[0]);
    assert!(results[0]["self_check"]["failures"].as_array().unwrap().iter().any(|f| f == "tree.scored"), "{}", results[0]);
}

/// The score detail in the workbench (评分 tab) says when a deduction list claims more than
/// the leaf's points.
#[test]
fn 评分详情写明扣完为止() {
    let env = tui_common::Env::new();
    let cx = env.cx();
    let tree = env.tree("ZD21-06");
    let leaf = tree
        .leaves()
        .find(|n| n.method == jixiao::domain::tree::Method::Deduction && n.score.as_ref().is_none_or(|s| s.reviewed.is_none()))
        .expect("an unreviewed deduction leaf")
        .clone();
    let input = json!({"deduction":{"deductions":[
        {"points": fmt2(leaf.points), "reason":"普查员劳务费发放表缺签字"},
        {"points":"2", "reason":"报销凭证附件不全"}]}});
    let c = json!({"cmd":"score","project":"ZD21-06","indicator":leaf.id,"input":input,"basis":"见扣分项"});
    jixiao::backend::Backend::execute(&env.local, &cmd(c)).unwrap();
    let mut app = tui_common::new_app(&cx);
    tui_common::open_scoring(&mut app, &cx, "人口普查");
    tui_common::goto_row(&mut app, &cx, env.row_of("ZD21-06", &leaf.name));
    let shown = tui_common::screen(&app, &cx, 120, 40);
    // The detail pane (right of the last │ on each line) read as one text: the note may wrap.
    let pane: String = shown.lines().filter_map(|l| l.rsplit_once('│').map(|(_, r)| r.trim_end().to_string())).collect();
    let note =
        format!("扣分合计 {} 分超过本项分值 {} 分，扣完为止（得 0 分）", fmt2(leaf.points + rust_decimal::Decimal::TWO), fmt2(leaf.points));
    assert!(pane.contains(&note), "{note}\n{shown}");
}
