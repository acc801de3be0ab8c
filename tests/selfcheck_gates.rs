//! The self-check as a gate: 定稿 and a notice are refused with the failures named; the lead's
//! override with a reason goes through and is kept (in `check --project` and the audit log);
//! a member's override is refused; skipping phases needs the override too.

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Fetch, Local};
use jixiao::command::Command;
use jixiao::domain::Error;
use jixiao::domain::selfcheck::Gate;
use jixiao::query::{Query, Reply};
use jixiao::store::Store;
use jixiao::templates::Templates;
use serde_json::{Value, json};
use std::path::Path;

const CODE: &str = "ZP21-01";

/// A self-evaluation template whose leaves sum to 110: 产出 carries 60.
const TEMPLATE_110: &str = r#"
name = "self-eval-110"
title = "项目支出绩效自评指标体系（产出 60 分）"
kind = "自评抽查"
total = 110

[[indicator]]
level = 1
name = "预算执行率"
fixed = true
points = 10
method = "formula"

[[indicator]]
level = 1
name = "产出"
points = 60

[[indicator]]
level = 2
name = "数量指标"
points = 30

[[indicator]]
level = 2
name = "质量指标"
points = 30

[[indicator]]
level = 1
name = "效益"
fixed = true
points = 30

[[indicator]]
level = 2
name = "社会效益"
points = 30

[[indicator]]
level = 1
name = "满意度"
fixed = true
points = 10

[[indicator]]
level = 2
name = "服务对象满意度"
points = 10
"#;

fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
}

fn open(dir: &Path, who: &str) -> Local {
    Local::new(Store::open(dir, Templates::for_data_dir(dir).unwrap()).unwrap()).with_clock(clock()).with_actor(who)
}

fn run(local: &Local, v: Value) -> jixiao::command::Outcome {
    let c: Command = serde_json::from_value(v.clone()).unwrap();
    local.execute(&c).unwrap_or_else(|e| panic!("{v}\n→ {e}"))
}

fn refused(local: &Local, v: Value) -> Error {
    let c: Command = serde_json::from_value(v.clone()).unwrap();
    match local.execute(&c) {
        Ok(o) => panic!("{v} was accepted: {o:?}"),
        Err(e) => e,
    }
}

fn jixiao(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(dir)
        .arg("--local")
        .args(args)
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// A store with 张三 (lead, named admin with 王五) and 李四 (member); the 110-point project
/// fully scored by 李四, reviewed by 张三, one point lost on 服务对象满意度, the report
/// written, at 报告.
fn project_at_report(dir: &Path) -> (Local, Local) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/self-eval-110.toml"), TEMPLATE_110).unwrap();
    let lead = open(dir, "张三");
    run(&lead, json!({"cmd":"add_admin","user":"王五"}));
    run(
        &lead,
        json!({"cmd":"create_project","code":CODE,"name":"2021年农村公路养护补助资金","kind":"自评抽查","fiscal_year":2021,
               "unit":"交通运输局","amount":"300","lead":"张三","members":["李四","王五"],"third_party":"湖南某会计师事务所",
               "template":"self-eval-110"}),
    );
    let member = lead.shared("李四");
    for n in lead.tree(CODE).unwrap().leaves().map(|n| (n.id, n.points)).collect::<Vec<_>>() {
        let value =
            if n.1 == 10.into() && lead.tree(CODE).unwrap().path(n.0).ends_with("服务对象满意度") { "9" } else { &n.1.to_string() };
        run(
            &member,
            json!({"cmd":"score","project":CODE,"indicator":n.0,"input":{"direct":{"value":value}},
                   "basis":"问卷满意率 90%，扣 1 分","evidence":[{"document":{"name":"满意度调查汇总表"}}]}),
        );
        // 一级复核 by another member, 二级 by the lead (the scorer reviews neither).
        run(&lead.shared("王五"), json!({"cmd":"review_score","project":CODE,"indicator":n.0}));
        run(&lead, json!({"cmd":"review_score","project":CODE,"indicator":n.0}));
    }
    for phase in ["现场", "评分", "报告"] {
        run(&lead, json!({"cmd":"set_phase","project":CODE,"phase":phase}));
    }
    run(&lead, json!({"cmd":"set_report_title","project":CODE,"department":"市交通运输局"}));
    let (outline, _) = lead.outline(CODE).unwrap();
    for s in outline.sections.iter().filter(|s| s.is_writable()) {
        run(&lead, json!({"cmd":"write_report_section","project":CODE,"section":s.key,"text":format!("{}：已撰写。", s.heading)}));
    }
    (lead, member)
}

#[test]
fn leaves_summing_to_110_are_refused_at_final_and_at_a_notice_until_the_lead_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let (lead, member) = project_at_report(dir.path());

    // 定稿: refused, the sum named, and how to override.
    let e = refused(&lead, json!({"cmd":"set_phase","project":CODE,"phase":"定稿"})).to_string();
    assert!(e.contains("末级指标分值合计 110.00，应为 100.00 分"), "{e}");
    assert!(e.contains("override_reason") && e.contains("负责人（张三）"), "{e}");
    assert!(e.contains("总分 109.00 超出 0–100.00 分"), "{e}");
    // A member's override is refused, naming who may.
    let e = refused(&member, json!({"cmd":"set_phase","project":CODE,"phase":"定稿","override_reason":"赶时间"})).to_string();
    assert!(e.contains("李四") && e.contains("项目负责人（张三）或数据库管理员"), "{e}");
    // The lead's goes through and is kept.
    run(&lead, json!({"cmd":"set_phase","project":CODE,"phase":"定稿","override_reason":"评价组已与财政局确认按110分制评分"}));
    let pc = lead.self_check(CODE).unwrap();
    assert_eq!(pc.overrides.len(), 1);
    let o = &pc.overrides[0];
    assert_eq!((&o.gate, o.by.as_str(), o.role.as_str()), (&Gate::Final, "张三", "负责人"));
    assert!(o.checks.iter().any(|c| c.contains("tree.sum")), "{o:?}");

    // A notice: refused with the sum named, then overridden.
    let leaf = lead.tree(CODE).unwrap().leaves().find(|n| n.name == "服务对象满意度").unwrap().id;
    let f = run(
        &lead,
        json!({"cmd":"record_finding","project":CODE,"text":"满意度调查样本不足 30 份","category":"满意度调查样本不足",
               "severity":"一般","indicators":[leaf],"publish":true}),
    );
    let item = run(&lead, json!({"cmd":"create_item","finding":f.id,"requirement":"补充满意度调查样本","due":"2026-12-31"}));
    let notice = json!({"cmd":"issue_notice","project":CODE,"items":[item.id],"issue_date":"2026-11-22"});
    let e = refused(&lead, notice.clone()).to_string();
    assert!(e.contains("下发整改通知书") && e.contains("末级指标分值合计 110.00"), "{e}");
    let mut with_reason = notice.clone();
    with_reason["override_reason"] = json!("整改时限紧，先行下发");
    let issued = run(&lead, with_reason);
    let number = issued.key.clone().unwrap();
    drop((lead, member));

    // check --project shows both overrides and exits 1 (the failures remain).
    let (code, out) = jixiao(dir.path(), &["check", "--project", CODE]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("✗ 末级指标分值合计为 100 分"), "{out}");
    let out = out.replace("\n  ", "");
    assert!(out.contains("已带 2 项未通过检查定稿（出具报告）"), "{out}");
    assert!(
        out.contains(&format!("下发整改通知书（{number}）")) && out.contains("理由：整改时限紧，先行下发，负责人 张三，2026-11-22"),
        "{out}"
    );
    let (_, json_out) = jixiao(dir.path(), &["check", "--project", CODE, "--format", "json"]);
    let v: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(v["overrides"].as_array().unwrap().len(), 2);
    assert!(v["check"]["lines"].as_array().unwrap().iter().any(|l| l["id"] == "tree.sum" && l["passed"] == false));

    // The audit log keeps each command with its reason.
    let local = open(dir.path(), "张三");
    let Reply::Audit(log) = local.query(&Query::Audit).unwrap() else { panic!() };
    let texts: Vec<&str> = log.iter().map(|a| a.command.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("set_phase") && t.contains("评价组已与财政局确认按110分制评分")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("issue_notice") && t.contains("整改时限紧，先行下发")), "{texts:?}");
    // A command refused wrote nothing: no audit record of it.
    assert!(!texts.iter().any(|t| t.contains("赶时间")), "{texts:?}");

    // The whole-store check names the project in its summary line.
    drop(local);
    let (code, out) = jixiao(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("自检：1 个项目有未通过的检查（{CODE}")), "{out}");
}

#[test]
fn skipping_phases_is_refused_then_overridden_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let lead = open(dir.path(), "张三");
    run(
        &lead,
        json!({"cmd":"create_project","code":"ZD21-31","name":"2021年森林防火专项经费","kind":"项目支出","fiscal_year":2021,
               "unit":"林业局","amount":"80","members":["李四"]}),
    );
    let e = refused(&lead, json!({"cmd":"set_phase","project":"ZD21-31","phase":"评分"})).to_string();
    assert!(e.contains("跳过阶段 现场") && e.contains("跳过了 现场"), "{e}");
    // Past 定稿 the whole self-check runs too.
    let e = refused(&lead, json!({"cmd":"set_phase","project":"ZD21-31","phase":"整改跟踪"})).to_string();
    assert!(e.contains("跳过了 现场、评分、报告、定稿") && e.contains("未评分"), "{e}");
    let member = lead.shared("李四");
    // No admin named: only the lead may override (a named admin would too).
    let e = refused(&member, json!({"cmd":"set_phase","project":"ZD21-31","phase":"评分","override_reason":"现场已在上年完成"}));
    assert!(matches!(e, Error::Forbidden { .. }), "{e}");
    run(&lead, json!({"cmd":"set_phase","project":"ZD21-31","phase":"评分","override_reason":"现场核查已在上年完成"}));
    assert_eq!(lead.project("ZD21-31").unwrap().phase.label(), "评分");
    let o = lead.self_check("ZD21-31").unwrap().overrides;
    assert_eq!(o[0].gate, Gate::Skip { skipped: vec!["现场".into()] });
    // One step at a time needs nothing; going back needs nothing either.
    run(&lead, json!({"cmd":"set_phase","project":"ZD21-31","phase":"报告"}));
    run(&lead, json!({"cmd":"set_phase","project":"ZD21-31","phase":"现场"}));
    assert_eq!(lead.self_check("ZD21-31").unwrap().overrides.len(), 1);
    drop((lead, member));
    let (_, out) = jixiao(dir.path(), &["check", "--project", "ZD21-31"]);
    // The table wraps at 80 cells; an override's continuation lines are indented by two.
    let out = out.replace("\n  ", "");
    assert!(out.contains("已带 1 项未通过检查跳过阶段 现场：阶段逐步推进，不跳过（phase.skip），理由：现场核查已在上年完成"), "{out}");
}

#[test]
fn warnings_never_block_and_a_passing_project_needs_no_override() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/self-eval-110.toml"),
        TEMPLATE_110
            .replace("points = 60", "points = 50")
            .replace("name = \"质量指标\"\npoints = 30", "name = \"质量指标\"\npoints = 20")
            .replace("total = 110", "total = 100"),
    )
    .unwrap();
    let (lead, _member) = {
        // The same steps as the 110 project, on a 100-point template.
        let d = dir.path();
        let lead = open(d, "张三");
        run(
            &lead,
            json!({"cmd":"create_project","code":CODE,"name":"2021年农村公路养护补助资金","kind":"自评抽查","fiscal_year":2021,
                   "unit":"交通运输局","amount":"300","lead":"张三","members":["李四","王五"],"third_party":"湖南某会计师事务所",
                   "template":"self-eval-110"}),
        );
        let member = lead.shared("李四");
        let tree = lead.tree(CODE).unwrap();
        for n in tree.leaves() {
            // 数量指标 by deduction lists adding to more than its points: a warning only.
            let input = if n.name == "数量指标" {
                json!({"deduction":{"deductions":[{"points":"20","reason":"完成率低"},{"points":"20","reason":"台账缺失"}]}})
            } else {
                json!({"direct":{"value":n.points.to_string()}})
            };
            run(
                &member,
                json!({"cmd":"score","project":CODE,"indicator":n.id,"input":input,"basis":"核实",
                                 "evidence":[{"document":{"name":"年度台账"}}]}),
            );
            run(&lead.shared("王五"), json!({"cmd":"review_score","project":CODE,"indicator":n.id}));
            run(&lead, json!({"cmd":"review_score","project":CODE,"indicator":n.id}));
        }
        for phase in ["现场", "评分", "报告"] {
            run(&lead, json!({"cmd":"set_phase","project":CODE,"phase":phase}));
        }
        run(&lead, json!({"cmd":"set_report_title","project":CODE,"department":"市交通运输局"}));
        let (outline, _) = lead.outline(CODE).unwrap();
        for s in outline.sections.iter().filter(|s| s.is_writable()) {
            run(&lead, json!({"cmd":"write_report_section","project":CODE,"section":s.key,"text":"已撰写。"}));
        }
        (lead, member)
    };
    let pc = lead.self_check(CODE).unwrap();
    assert!(!pc.check.has_failures(), "{:#?}", pc.check.failures().collect::<Vec<_>>());
    assert_eq!(pc.check.warnings().count(), 1);
    run(&lead, json!({"cmd":"set_phase","project":CODE,"phase":"定稿"}));
    assert!(lead.self_check(CODE).unwrap().overrides.is_empty());
}
