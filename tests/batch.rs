//! `batch`: several commands, one transaction, all or nothing; the refusal names its step.

use jixiao::backend::{Backend, Local};
use jixiao::command::Command;
use jixiao::query::Query;

fn create(code: &str, unit: &str, amount: &str) -> Command {
    serde_json::from_value(serde_json::json!({
        "cmd": "create_project", "code": code, "name": "2020年部门整体支出", "kind": "部门整体支出",
        "fiscal_year": 2021, "unit": unit, "amount": amount
    }))
    .unwrap()
}

fn batch(commands: Vec<Command>, steps: Vec<String>) -> Command {
    Command::Batch { label: "重点评价项目表".into(), commands, steps }
}

#[test]
fn a_batch_applies_every_step_with_one_audit_record() {
    let dir = tempfile::tempdir().unwrap();
    let local = Local::open(dir.path()).unwrap();
    let out =
        local.execute(&batch(vec![create("ZD21-01", "融媒体中心", "1283.08"), create("ZD21-02", "森林公安局", "128.51")], vec![])).unwrap();
    assert_eq!(out.key.as_deref(), Some("重点评价项目表：2 条"));
    for code in ["ZD21-01", "ZD21-02"] {
        local.query(&Query::Project { code: code.into() }).unwrap();
    }
    let audit = local.query(&Query::Audit).unwrap();
    let records = serde_json::to_value(&audit).unwrap()["data"].as_array().unwrap().clone();
    assert_eq!(records.len(), 1, "one audit record for the whole batch: {records:?}");
    assert!(records[0]["command"].as_str().unwrap().starts_with("{\"cmd\":\"batch\""), "{records:?}");
    assert_eq!(records[0]["touched"].as_array().unwrap().len(), 4, "both projects and both trees");
}

#[test]
fn a_refused_step_leaves_the_store_unchanged_and_names_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let local = Local::open(dir.path()).unwrap();
    let steps = vec!["工作表“附件”第4行".to_string(), "工作表“附件”第5行".to_string(), "工作表“附件”第6行".to_string()];
    let cmds =
        vec![create("ZD21-01", "融媒体中心", "1283.08"), create("ZD21-02", "森林公安局", "128.51"), create("ZD21-01", "工信局", "2405.78")];
    let err = local.execute(&batch(cmds, steps)).unwrap_err().to_string();
    assert!(err.contains("工作表“附件”第6行") && err.contains("ZD21-01"), "{err}");
    assert!(local.query(&Query::Project { code: "ZD21-01".into() }).is_err(), "nothing of the batch may stay");
    assert!(local.query(&Query::Project { code: "ZD21-02".into() }).is_err());
}

#[test]
fn a_batch_refuses_nested_batches_and_mismatched_steps() {
    let dir = tempfile::tempdir().unwrap();
    let local = Local::open(dir.path()).unwrap();
    let nested = batch(vec![batch(vec![create("ZD21-01", "融媒体中心", "1")], vec![])], vec![]);
    let err = local.execute(&nested).unwrap_err().to_string();
    assert!(err.contains("不能放进批量命令"), "{err}");
    let err = local.execute(&batch(vec![create("ZD21-01", "融媒体中心", "1")], vec!["a".into(), "b".into()])).unwrap_err().to_string();
    assert!(err.contains("数量应相同"), "{err}");
    let err = local.execute(&batch(vec![], vec![])).unwrap_err().to_string();
    assert!(err.contains("没有要执行的命令"), "{err}");
}
