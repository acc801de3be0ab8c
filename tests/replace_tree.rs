//! `replace_tree`: a project's indicators replaced at once, as the indicator-table import sends.

use jixiao::backend::{Backend, Fetch, Local};
use jixiao::command::Command;

fn exec(local: &Local, json: serde_json::Value) -> jixiao::domain::Result<jixiao::command::Outcome> {
    let cmd: Command = serde_json::from_value(json).unwrap();
    local.execute(&cmd)
}

fn store() -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().unwrap();
    let local = Local::open(dir.path()).unwrap();
    exec(
        &local,
        serde_json::json!({"cmd":"create_project","code":"CC21-02","name":"农村饮水安全巩固提升工程","kind":"自评抽查",
            "fiscal_year":2020,"unit":"水利局","amount":"1200"}),
    )
    .unwrap();
    (dir, local)
}

fn rows() -> serde_json::Value {
    serde_json::json!([
        {"path":["产出"],"points":"0"},
        {"path":["产出","数量指标"],"points":"0"},
        {"path":["产出","数量指标","新建水厂数"],"points":"30"},
        {"path":["产出","数量指标","改造管网长度"],"points":"30"},
        {"path":["满意度"],"points":"0"},
        {"path":["满意度","受益群众满意度"],"points":"40"}
    ])
}

#[test]
fn a_tree_is_replaced_with_parents_summed() {
    let (_dir, local) = store();
    exec(&local, serde_json::json!({"cmd":"replace_tree","project":"CC21-02","indicators":rows()})).unwrap();
    let t = local.tree("CC21-02").unwrap();
    let names: Vec<String> = t.nodes.iter().map(|n| t.path(n.id)).collect();
    assert_eq!(
        names,
        ["产出", "产出/数量指标", "产出/数量指标/新建水厂数", "产出/数量指标/改造管网长度", "满意度", "满意度/受益群众满意度"]
    );
    let produce = t.find(&jixiao::domain::tree::IndicatorRef::Name("产出".into())).unwrap();
    assert_eq!(produce.points.to_string(), "60");
    assert!(t.problems().is_empty(), "{:?}", t.problems());
}

#[test]
fn a_scored_tree_needs_a_reason_and_the_form_goes_with_its_rows() {
    let (_dir, local) = store();
    exec(&local, serde_json::json!({"cmd":"replace_tree","project":"CC21-02","indicators":rows()})).unwrap();
    exec(&local, serde_json::json!({"cmd":"score","project":"CC21-02","indicator":"新建水厂数","input":{"direct":{"value":"28"}}}))
        .unwrap();
    exec(&local, serde_json::json!({"cmd":"set_form_row","project":"CC21-02","indicator":"新建水厂数","target":"≥3座","actual":"3座"}))
        .unwrap();
    let err = exec(&local, serde_json::json!({"cmd":"replace_tree","project":"CC21-02","indicators":rows()})).unwrap_err();
    assert!(err.to_string().contains("已有 1 条指标打了分"), "{err}");
    assert!(local.tree("CC21-02").unwrap().nodes.iter().any(|n| n.score.is_some()), "the refused replacement keeps the score");
    exec(&local, serde_json::json!({"cmd":"replace_tree","project":"CC21-02","indicators":rows(),"reason":"按单位重新报送的自评表重建"}))
        .unwrap();
    assert!(local.tree("CC21-02").unwrap().nodes.iter().all(|n| n.score.is_none()));
    assert!(local.form("CC21-02").unwrap().rows.is_empty());
}

#[test]
fn bad_rows_name_their_line() {
    let (_dir, local) = store();
    let err = exec(
        &local,
        serde_json::json!({"cmd":"replace_tree","project":"CC21-02","indicators":[{"path":["产出","数量指标"],"points":"10"}]}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("第 1 行") && err.to_string().contains("上级“产出”还没有出现"), "{err}");
    let err = exec(
        &local,
        serde_json::json!({"cmd":"replace_tree","project":"CC21-02","indicators":[{"path":["产出"],"points":"10"},{"path":["产出"],"points":"10"}]}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("第 2 行"), "{err}");
}
