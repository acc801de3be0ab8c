//! The self-evaluation form beside the tree: rows as printed, the head, scores from printed
//! values, and what tree edits may and may not do to it.

use jixiao::backend::{Backend, Fetch, Local};
use jixiao::command::Command;
use rust_decimal::Decimal;
use std::str::FromStr;

fn exec(local: &Local, json: serde_json::Value) -> jixiao::domain::Result<jixiao::command::Outcome> {
    let cmd: Command = serde_json::from_value(json).unwrap();
    local.execute(&cmd)
}

fn store() -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().unwrap();
    let local = Local::open(dir.path()).unwrap();
    exec(
        &local,
        serde_json::json!({"cmd":"create_project","code":"CC21-01","name":"城乡居民最低生活保障资金","kind":"自评抽查",
            "fiscal_year":2020,"unit":"民政局","amount":"5300"}),
    )
    .unwrap();
    exec(&local, serde_json::json!({"cmd":"add_indicator","project":"CC21-01","parent":"数量指标","name":"保障人数","points":"15"}))
        .unwrap();
    (dir, local)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn a_row_is_kept_as_printed_and_scores_from_its_numbers() {
    let (_dir, local) = store();
    let out = exec(
        &local,
        serde_json::json!({"cmd":"set_form_row","project":"CC21-01","indicator":"保障人数","nature":"≥","target":"≥4754人",
            "actual":"4,512人","deviation":"部分对象迁出，按规定退出保障。","self_score":"15",
            "breakdown":[{"name":"其中：农村低保","target":"≥3200人","actual":"3050人"}]}),
    )
    .unwrap();
    assert_eq!(out.version, 1, "the row's first rev");
    let form = local.form("CC21-01").unwrap();
    let tree = local.tree("CC21-01").unwrap();
    let node = tree.find(&jixiao::domain::tree::IndicatorRef::Name("保障人数".into())).unwrap().id;
    let row = form.row(node).unwrap();
    assert_eq!(row.input.target, "≥4754人");
    assert_eq!(row.input.actual, "4,512人");
    assert_eq!(row.input.breakdown[0].name, "其中：农村低保");
    assert_eq!(row.input.missed(), Some(true));
    // 15 × 4512 ÷ 4754 = 14.2364… → 14.24
    let scored = exec(
        &local,
        serde_json::json!({"cmd":"score","project":"CC21-01","indicator":"保障人数",
            "input":{"printed":{"nature":"≥","target":"≥4754人","actual":"4,512人"}}}),
    )
    .unwrap();
    assert_eq!(scored.score, Some(d("14.24")));
    // A stale rev is a conflict; the row is unchanged.
    let err = exec(
        &local,
        serde_json::json!({"cmd":"set_form_row","project":"CC21-01","indicator":"保障人数","target":"≥5000人","expected_rev":0}),
    )
    .unwrap_err();
    assert_eq!(err.kind(), "conflict", "{err}");
    assert_eq!(local.form("CC21-01").unwrap().row(node).unwrap().input.target, "≥4754人");
}

#[test]
fn bad_rows_are_refused_naming_the_field() {
    let (_dir, local) = store();
    let err =
        exec(&local, serde_json::json!({"cmd":"set_form_row","project":"CC21-01","indicator":"保障人数","self_score":"16"})).unwrap_err();
    assert!(err.to_string().contains("自评得分 16 不在 0 到 15 分之间"), "{err}");
    let err = exec(&local, serde_json::json!({"cmd":"set_form_row","project":"CC21-01","indicator":"产出","target":"≥1"})).unwrap_err();
    assert!(err.to_string().contains("末级指标"), "{err}");
    let err = exec(
        &local,
        serde_json::json!({"cmd":"set_form_row","project":"CC21-01","indicator":"保障人数","breakdown":[{"name":" ","target":"1"}]}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("其中行要有名称"), "{err}");
    let err = exec(&local, serde_json::json!({"cmd":"set_form_head","project":"CC21-01","money":[{"label":"专项资金","full_year":"1"}]}))
        .unwrap_err();
    assert!(err.to_string().contains("“专项资金”不是资金表的行"), "{err}");
    assert!(local.form("CC21-01").unwrap().is_empty(), "nothing refused is kept");
}

#[test]
fn the_head_computes_the_execution_rate_and_its_score() {
    let (_dir, local) = store();
    exec(
        &local,
        serde_json::json!({"cmd":"set_form_head","project":"CC21-01","printed_total":"100",
            "money":[{"label":"年度资金总额","year_start":"5000","full_year":"5300","executed":"4982.5"},
                     {"label":"财政拨款","year_start":"5000","full_year":"5300","executed":"4982.5"}],
            "goal_expected":"保障困难群众基本生活","goal_actual":"按月足额发放"}),
    )
    .unwrap();
    let form = local.form("CC21-01").unwrap();
    assert_eq!(form.head.printed_total, Some(d("100")));
    // 4982.5 ÷ 5300 = 0.9401 → 10 × 0.9401 = 9.40
    assert_eq!(form.money_score(), Some(d("9.40")));
    let err = exec(&local, serde_json::json!({"cmd":"set_form_head","project":"CC21-01","expected_version":7})).unwrap_err();
    assert_eq!(err.kind(), "conflict", "{err}");
}

#[test]
fn tree_edits_keep_the_form_true() {
    let (_dir, local) = store();
    exec(&local, serde_json::json!({"cmd":"set_form_row","project":"CC21-01","indicator":"保障人数","target":"≥4754人","self_score":"12"}))
        .unwrap();
    let err =
        exec(&local, serde_json::json!({"cmd":"add_indicator","project":"CC21-01","parent":"保障人数","name":"农村低保人数","points":"5"}))
            .unwrap_err();
    assert!(err.to_string().contains("其中"), "{err}");
    let err = exec(&local, serde_json::json!({"cmd":"set_points","project":"CC21-01","indicator":"保障人数","points":"10"})).unwrap_err();
    assert!(err.to_string().contains("自评得分 12 高于新分值 10"), "{err}");
    exec(&local, serde_json::json!({"cmd":"remove_indicator","project":"CC21-01","indicator":"保障人数"})).unwrap();
    assert!(local.form("CC21-01").unwrap().rows.is_empty(), "the row goes with its indicator");
}

#[test]
fn export_and_import_carry_the_form() {
    let (_dir, local) = store();
    exec(&local, serde_json::json!({"cmd":"set_form_row","project":"CC21-01","indicator":"保障人数","target":"≥4754人","actual":"4512人","self_score":"15"})).unwrap();
    exec(&local, serde_json::json!({"cmd":"set_form_head","project":"CC21-01","printed_total":"100"})).unwrap();
    let jixiao::query::Reply::Bundle(bundle) = local.query(&jixiao::query::Query::Export { project: Some("CC21-01".into()) }).unwrap()
    else {
        panic!("not a bundle")
    };
    assert_eq!(bundle.forms.len(), 1);
    let other = tempfile::tempdir().unwrap();
    let there = Local::open(other.path()).unwrap();
    there.execute(&Command::Import { bundle: bundle.clone(), merge: false }).unwrap();
    assert_eq!(there.form("CC21-01").unwrap().rows, local.form("CC21-01").unwrap().rows);
    assert_eq!(there.form("CC21-01").unwrap().head.printed_total, Some(d("100")));
    let jixiao::query::Reply::Check { problems, counts, .. } = there.query(&jixiao::query::Query::Check).unwrap() else {
        panic!("not a check")
    };
    assert!(problems.is_empty(), "{problems:?}");
    assert!(counts.iter().any(|(k, n)| k == "自评表" && *n == 1), "{counts:?}");
}
