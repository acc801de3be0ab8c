//! The store through its public API: commands applied through `Local`, read back through
//! the store's reads and the export bundle. Dates come from a fixed clock.

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Local};
use jixiao::command::{Command, Outcome};
use jixiao::domain::tree::{Deduction, Direction, QualBand};
use jixiao::domain::{EntryKind, Error, Evidence, FindingState, IndicatorRef, ItemState, NoticeState, ProjectKind, Result, ScoreInput};
use jixiao::i18n::Lang;
use jixiao::read::bundle::Bundle;
use jixiao::store::Store;
use jixiao::templates::Templates;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::path::Path;

// ─── helpers ────────────────────────────────────────────────────────────────────

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// 2021-06-01, the day every test runs on (items are issued that day, so the document dates
/// typed on their histories, which may not be later than today, are that day too).
fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2021, 6, 1, 1, 30, 0).unwrap(), d(2021, 6, 1))
}

fn open(dir: &Path, actor: &str) -> Local {
    let store = Store::open(dir, Templates::builtin().unwrap()).unwrap();
    Local::new(store).with_clock(clock()).with_actor(actor)
}

/// Acts as another user on the same open store (the server maps peers the same way).
fn exec_as(local: &Local, actor: &str, cmd: &Command) -> Result<Outcome> {
    let mut ctx = local.ctx();
    ctx.actor = actor.to_string();
    local.store().execute(cmd, &ctx)
}

/// A command as a user writes it in `jixiao exec`.
fn cmd(v: Value) -> Command {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"))
}

fn create(code: &str, name: &str, unit: &str, amount: &str) -> Command {
    Command::CreateProject {
        code: code.into(),
        name: name.into(),
        kind: ProjectKind::Project,
        fiscal_year: 2020,
        unit: unit.into(),
        amount: dec(amount),
        fund_notes: vec!["政府采购".into()],
        lead: None,
        // lisi is a member too: members edit, only the lead (zhangsan) reviews and closes.
        members: vec!["wangfang".into(), "lisi".into()],
        third_party: Some("湖南恒信致远会计师事务所有限责任公司".into()),
        template: None,
    }
}

fn score(project: &str, leaf: &str, input: ScoreInput) -> Command {
    Command::Score {
        project: project.into(),
        indicator: IndicatorRef::Name(leaf.into()),
        input,
        basis: format!("{leaf}：查阅账簿和工作底稿后评定"),
        evidence: vec![Evidence::doc("评价工作底稿")],
        expected_rev: None,
    }
}

fn direct(v: &str) -> ScoreInput {
    ScoreInput::Direct { value: dec(v) }
}

fn deduct(list: &[(&str, &str)]) -> ScoreInput {
    ScoreInput::Deduction {
        deductions: list.iter().map(|(p, r)| Deduction { points: dec(p), reason: (*r).into(), finding: None }).collect(),
    }
}

fn formula(target: &str, actual: &str, direction: Direction) -> ScoreInput {
    ScoreInput::Formula { target: dec(target), actual: dec(actual), direction }
}

fn export_value(local: &Local) -> Value {
    serde_json::to_value(local.store().export(None).unwrap()).unwrap()
}

fn without_audit(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("audit");
    v
}

/// (audit log length, whole export as JSON): what "no trace" is measured against.
fn snapshot(local: &Local) -> (usize, Value) {
    (local.store().audit_log().unwrap().len(), export_value(local))
}

fn expect_invalid(r: Result<Outcome>) -> (String, String, String) {
    match r {
        Err(Error::Invalid { record, field, message }) => (record, field, message),
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

fn finding(project: &str, text: &str) -> Command {
    cmd(json!({
        "cmd": "record_finding", "project": project, "text": text, "category": "财务管理欠规范",
        "severity": "一般", "amount": "3.2", "indicators": ["资金使用合规性"], "publish": true
    }))
}

fn item(finding: u64, requirement: &str) -> Command {
    cmd(
        json!({"cmd": "create_item", "finding": finding, "requirement": requirement, "contact": "统计局办公室 李会计", "due": "2021-07-15"}),
    )
}

fn notice(project: &str, items: &[u64]) -> Command {
    cmd(
        json!({"cmd": "issue_notice", "override_reason": "测试：自检未通过，先行下发", "project": project, "items": items, "contact": "市财政局绩效评价股 0736-7201234"}),
    )
}

fn submit(item: u64, text: &str, evidence: &[&str]) -> Command {
    Command::SubmitResponse {
        item,
        date: Some(d(2021, 6, 1)),
        text: text.into(),
        evidence: evidence.iter().map(|e| Evidence::doc(e)).collect(),
        expected_version: None,
    }
}

fn close(item: u64) -> Command {
    cmd(json!({"cmd": "close_item", "item": item, "opinion": "佐证资料齐全，整改到位，同意销号", "date": "2021-06-01"}))
}

/// Two projects with scores, findings, items (one closed), a notice and milestones.
fn seed_two(local: &Local) {
    let ok = |c: Command| local.execute(&c).unwrap_or_else(|e| panic!("{c:?}: {e}"));
    ok(create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100"));
    ok(create("ZD21-07", "食品安全检测经费", "市场监督管理局", "70"));
    ok(score("ZD21-06", "立项依据充分性", direct("3")));
    ok(score("ZD21-06", "资金使用合规性", deduct(&[("1", "普查员劳务费发放表缺签字")])));
    ok(score("ZD21-07", "预算执行率", formula("70", "63", Direction::Positive)));
    let f1 = ok(finding("ZD21-06", "普查员劳务费发放表部分缺少领取人签字")).id;
    let f2 = ok(finding("ZD21-07", "检测样品登记台账不完整")).id;
    let i1 = ok(item(f1, "补齐劳务费发放表签字，报送整改报告")).id;
    let i2 = ok(item(f1, "建立劳务费发放复核制度")).id;
    let i3 = ok(item(f2, "完善检测样品登记台账")).id;
    ok(notice("ZD21-06", &[i1, i2]));
    ok(notice("ZD21-07", &[i3]));
    ok(cmd(json!({"cmd": "start_item", "item": i1, "date": "2021-06-01"})));
    ok(submit(i1, "已组织补签，附发放表复印件。", &["劳务费发放表（补签）"]));
    ok(close(i1));
    ok(cmd(json!({"cmd": "add_milestone", "project": "ZD21-06", "title": "现场核查完成", "kind": "阶段", "due": "2021-06-20"})));
    ok(cmd(json!({"cmd": "add_milestone", "title": "第二轮绩效运行监控佐证材料报送", "kind": "监控", "due": "2021-12-15"})));
}

// ─── projects and scoring ───────────────────────────────────────────────────────

#[test]
fn create_project_and_read_it_back_by_code() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    let o = local.execute(&create("ZD21-08", "政务服务平台人脸识别项目建设", "行政审批服务局", "146.24")).unwrap();
    assert_eq!((o.version, o.key.as_deref()), (1, Some("ZD21-08")));

    let p = local.store().project_by_code("ZD21-08").unwrap();
    assert_eq!(p.id, o.id);
    assert_eq!(p.name, "政务服务平台人脸识别项目建设");
    assert_eq!(p.unit, "行政审批服务局");
    assert_eq!(p.kind, ProjectKind::Project);
    assert_eq!(p.amount, dec("146.24"));
    assert_eq!(p.amount.to_string(), "146.24");
    assert_eq!(p.fund_notes, vec!["政府采购".to_string()]);
    assert_eq!(p.team.lead, "zhangsan", "the lead defaults to the user running the command");
    assert_eq!(p.template, "project-2020");
    assert_eq!(p.meta.created_by, "zhangsan");
    assert_eq!(p.meta.created_at, Utc.with_ymd_and_hms(2021, 6, 1, 1, 30, 0).unwrap());

    // The project-2020 tree comes with it: 17 leaves worth 100, nothing scored.
    let tree = local.store().tree_of(p.id).unwrap();
    assert_eq!(tree.progress(), (0, 17));
    assert_eq!(tree.leaf_points_sum(), dec("100"));
    assert_eq!(tree.total_score(), Decimal::ZERO);
    assert!(tree.problems().is_empty(), "{:?}", tree.problems());

    // The audit log says who did it.
    let audit = local.store().audit_log().unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "zhangsan");
    assert!(audit[0].command.contains("ZD21-08"), "{}", audit[0].command);

    // A second project with the same code is refused, naming the code.
    match local.execute(&create("ZD21-08", "另一个项目", "统计局", "1")) {
        Err(Error::AlreadyExists { key, .. }) => assert_eq!(key, "ZD21-08"),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
}

#[test]
fn scoring_by_all_four_methods_computes_leaves_parents_total_and_grade() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    let p = local.execute(&create("ZD21-08", "政务服务平台人脸识别项目建设", "行政审批服务局", "146.24")).unwrap().id;
    let run = |leaf: &str, input: ScoreInput| -> Decimal {
        let o = local.execute(&score("ZD21-08", leaf, input)).unwrap_or_else(|e| panic!("{leaf}: {e}"));
        o.score.unwrap_or_else(|| panic!("{leaf}: no score in outcome"))
    };

    // 决策 20
    assert_eq!(run("立项依据充分性", direct("2.5")), dec("2.5"));
    assert_eq!(run("立项程序规范性", deduct(&[])), dec("3"), "no deductions: full points");
    assert_eq!(run("绩效目标合理性", deduct(&[("1", "绩效目标与预算资金量不匹配")])), dec("3"));
    assert_eq!(run("绩效指标明确性", direct("2.8")), dec("2.8"));
    assert_eq!(run("预算编制科学性", direct("3")), dec("3"));
    assert_eq!(run("资金分配合理性", direct("3")), dec("3"));
    // 过程 20
    assert_eq!(run("资金到位率", formula("100", "120", Direction::Positive)), dec("4"), "capped at the points");
    assert_eq!(run("预算执行率", formula("146.24", "135.272", Direction::Positive)), dec("3.70"));
    assert_eq!(run("资金使用合规性", deduct(&[("1", "设备验收单缺使用单位签字"), ("0.5", "个别报销附件不全")])), dec("2.5"));
    assert_eq!(run("管理制度健全性", direct("4")), dec("4"));
    assert_eq!(run("制度执行有效性", direct("4")), dec("4"));
    // 产出 30
    assert_eq!(run("实际完成率", formula("200", "190", Direction::Positive)), dec("9.5"));
    assert_eq!(run("质量达标率", direct("8")), dec("8"));
    assert_eq!(run("完成及时性", direct("6")), dec("6"));
    assert_eq!(run("成本节约率", formula("50", "60", Direction::Negative)), dec("5"), "6 × 50 ÷ 60");
    // 效益 30
    let qual = |v: &str| ScoreInput::Qualitative { band: QualBand::Met, value: dec(v) };
    assert_eq!(run("实施效益", qual("16")), dec("16"));
    assert_eq!(run("满意度", formula("90", "85.5", Direction::Positive)), dec("9.5"));

    let tree = local.store().tree_of(p).unwrap();
    assert!(tree.is_fully_scored());
    let node = |name: &str| tree.find(&IndicatorRef::Name(name.into())).unwrap().id;
    assert_eq!(tree.score_of(node("决策")), Some(dec("17.3")));
    assert_eq!(tree.score_of(node("过程")), Some(dec("18.2")));
    assert_eq!(tree.score_of(node("产出")), Some(dec("28.5")));
    assert_eq!(tree.score_of(node("效益")), Some(dec("25.5")));
    assert_eq!(tree.score_of(node("资金管理")), Some(dec("10.2")));
    assert_eq!(tree.total_score(), dec("89.5"));
    assert_eq!(tree.result_label(), Some("良"), "89.5 is 良: bands are half-open");

    // The stored score keeps the input, the method and the scorer.
    let leaf = tree.find(&IndicatorRef::Name("资金使用合规性".into())).unwrap();
    let s = leaf.score.as_ref().unwrap();
    assert_eq!(s.scorer, "zhangsan");
    assert!(matches!(&s.input, ScoreInput::Deduction { deductions } if deductions.len() == 2));
    assert_eq!(leaf.method.label(), "扣分");
    let leaf = tree.find(&IndicatorRef::Name("立项依据充分性".into())).unwrap();
    assert_eq!(leaf.method.label(), "直接", "the method follows the input actually used");

    // One more point on 实施效益 moves the grade to 优.
    let o = local.execute(&score("ZD21-08", "实施效益", qual("17"))).unwrap();
    let tree = local.store().tree_of(p).unwrap();
    assert_eq!(o.version, tree.find(&IndicatorRef::Name("实施效益".into())).unwrap().rev, "the outcome reports the indicator's rev");
    assert_eq!(tree.total_score(), dec("90.5"));
    assert_eq!(tree.result_label(), Some("优"));

    // A qualitative value outside its band is refused with the band's range.
    let (record, field, message) =
        expect_invalid(local.execute(&score("ZD21-08", "实施效益", ScoreInput::Qualitative { band: QualBand::Met, value: dec("15") })));
    assert_eq!((record.as_str(), field.as_str()), ("指标“实施效益”", "value"));
    assert!(message.contains("15") && message.contains("达成") && message.contains("16"), "{message}");
    // A deduction without a reason is refused, naming which one.
    let (_, field, message) = expect_invalid(local.execute(&score("ZD21-08", "资金使用合规性", deduct(&[("1", "缺签字"), ("1", "  ")]))));
    assert_eq!(field, "deductions[2]");
    assert!(message.contains("扣分理由"), "{message}");
    // A parent cannot be scored.
    let (_, field, message) = expect_invalid(local.execute(&score("ZD21-08", "资金管理", direct("10"))));
    assert_eq!(field, "indicator");
    assert!(message.contains("末级"), "{message}");
    assert_eq!(local.store().tree_of(p).unwrap().total_score(), dec("90.5"), "refused scores change nothing");
}

// ─── atomicity ──────────────────────────────────────────────────────────────────

#[test]
fn a_score_above_the_points_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    seed_two(&local);
    let before = snapshot(&local);

    let (record, field, message) = expect_invalid(local.execute(&score("ZD21-06", "立项程序规范性", direct("3.5"))));
    assert_eq!(record, "指标“立项程序规范性”");
    assert_eq!(field, "value");
    assert!(message.contains("3.5") && message.contains("0 到 3"), "{message}");
    let e = local.execute(&score("ZD21-06", "立项程序规范性", direct("-1"))).unwrap_err();
    assert_eq!(e.kind(), "invalid");
    let (_, field, message) = expect_invalid(local.execute(&score("ZD21-06", "立项程序规范性", direct("2.555"))));
    assert_eq!(field, "value");
    assert!(message.contains("2.555") && message.contains("两位小数"), "{message}");

    assert_eq!(snapshot(&local), before);
}

#[test]
fn an_unknown_project_or_indicator_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    seed_two(&local);
    let before = snapshot(&local);

    match local.execute(&score("ZD99-99", "立项依据充分性", direct("1"))) {
        Err(Error::NotFound { what, key }) => assert_eq!((what.as_str(), key.as_str()), ("项目", "ZD99-99")),
        other => panic!("expected NotFound, got {other:?}"),
    }
    match local.execute(&score("ZD21-06", "立项依据很充分", direct("1"))) {
        Err(e @ Error::NotFound { .. }) => assert!(e.render(Lang::Zh).contains("立项依据很充分"), "{e}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    match local.execute(&cmd(json!({"cmd": "create_item", "finding": 999, "requirement": "补充资料"}))) {
        Err(Error::NotFound { key, .. }) => assert!(key.contains("999"), "{key}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(snapshot(&local), before);
}

#[test]
fn an_amount_with_three_decimals_is_refused_on_update_and_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    seed_two(&local);
    let before = snapshot(&local);

    let (record, field, message) =
        expect_invalid(local.execute(&cmd(json!({"cmd": "update_project", "project": "ZD21-06", "amount": "12.345"}))));
    assert_eq!((record.as_str(), field.as_str()), ("项目 ZD21-06", "amount"));
    assert!(message.contains("12.345") && message.contains("两位小数"), "{message}");
    assert_eq!(snapshot(&local), before);
    assert_eq!(local.store().project_by_code("ZD21-06").unwrap().amount, dec("100"));
}

#[test]
fn an_amount_with_three_decimals_is_refused_on_create_and_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    seed_two(&local);
    let before = snapshot(&local);

    // 万元 amounts have two places; 12.345 must be refused, not silently rounded.
    let r = local.execute(&create("ZD21-09", "食品安全检测经费", "市场监督管理局", "12.345"));
    let (record, field, message) = expect_invalid(r);
    assert_eq!((record.as_str(), field.as_str()), ("项目 ZD21-09", "amount"));
    assert!(message.contains("12.345"), "{message}");
    assert_eq!(snapshot(&local), before);
    assert!(local.store().project_by_code("ZD21-09").is_err());
}

#[test]
fn a_command_refused_after_partial_writes_rolls_everything_back_including_counters() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    local.execute(&create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100")).unwrap();
    let f = local.execute(&finding("ZD21-06", "普查员劳务费发放表部分缺少领取人签字")).unwrap().id;
    let a = local.execute(&item(f, "补齐劳务费发放表签字")).unwrap().id;
    let b = local
        .execute(&cmd(
            json!({"cmd": "create_item", "finding": f, "requirement": "追回多发劳务费", "unit": "某乡镇人民政府", "due": "2021-07-15"}),
        ))
        .unwrap()
        .id;
    let before = snapshot(&local);

    // Item a is written inside the transaction before item b (another unit) is refused.
    let (record, field, message) = expect_invalid(local.execute(&notice("ZD21-06", &[a, b])));
    assert_eq!(record, "通知书 财绩整〔2021〕1号");
    assert_eq!(field, "items");
    assert!(message.contains("某乡镇人民政府") && message.contains("统计局"), "{message}");
    assert_eq!(snapshot(&local), before);
    assert_eq!(local.store().item(a).unwrap().state, ItemState::Draft);
    assert!(local.store().responses_of(a).unwrap().is_empty());

    // The notice counter was not consumed either.
    let o = local.execute(&notice("ZD21-06", &[a])).unwrap();
    assert_eq!(o.key.as_deref(), Some("财绩整〔2021〕1号"));
}

// ─── conflicts ──────────────────────────────────────────────────────────────────

#[test]
fn a_stale_project_version_is_a_conflict_naming_who_changed_it() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    local.execute(&create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100")).unwrap();

    // lisi and zhangsan both start from version 1; lisi saves first.
    let lisi = cmd(json!({"cmd": "update_project", "project": "ZD21-06", "expected_version": 1, "amount": "100.50"}));
    assert_eq!(exec_as(&local, "lisi", &lisi).unwrap().version, 2);
    let mine = cmd(json!({"cmd": "update_project", "project": "ZD21-06", "expected_version": 1, "name": "2020年度人口普查经费"}));
    let before = snapshot(&local);
    let e = local.execute(&mine).unwrap_err();
    match &e {
        Error::Conflict { what, expected, actual, by, at } => {
            assert_eq!(what, "项目 ZD21-06");
            assert_eq!((*expected, *actual), (1, 2));
            assert_eq!(by, "lisi");
            assert!(at.starts_with("2021-06-01"), "{at}");
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    let msg = e.render(Lang::Zh);
    assert!(msg.contains("lisi") && msg.contains("版本 2") && msg.contains("版本 1"), "{msg}");
    assert_eq!(e.kind(), "conflict");
    assert_eq!(snapshot(&local), before, "the lost update did not happen");
    let p = local.store().project_by_code("ZD21-06").unwrap();
    assert_eq!((p.name.as_str(), p.amount), ("2020年度人口普查工作经费", dec("100.50")));
    assert_eq!(p.meta.updated_by, "lisi");

    // Reloaded at version 2, the edit goes through.
    let retry = cmd(json!({"cmd": "update_project", "project": "ZD21-06", "expected_version": 2, "name": "2020年度人口普查经费"}));
    assert_eq!(local.execute(&retry).unwrap().version, 3);
    assert_eq!(local.store().project_by_code("ZD21-06").unwrap().name, "2020年度人口普查经费");
}

#[test]
fn a_stale_indicator_rev_is_a_conflict_but_other_leaves_are_free() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    let pid = local.execute(&create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100")).unwrap().id;
    let rev0 = local.store().tree_of(pid).unwrap().find(&IndicatorRef::Name("预算执行率".into())).unwrap().rev;

    // lisi scores 预算执行率 from rev0.
    let mut c = score("ZD21-06", "预算执行率", formula("100", "92.5", Direction::Positive));
    if let Command::Score { expected_rev, .. } = &mut c {
        *expected_rev = Some(rev0);
    }
    let rev1 = exec_as(&local, "lisi", &c).unwrap().version;
    assert_eq!(rev1, rev0 + 1);

    // zhangsan, on another leaf, is not held up by lisi's change to the tree.
    let other_rev = local.store().tree_of(pid).unwrap().find(&IndicatorRef::Name("资金到位率".into())).unwrap().rev;
    let mut c2 = score("ZD21-06", "资金到位率", formula("100", "100", Direction::Positive));
    if let Command::Score { expected_rev, .. } = &mut c2 {
        *expected_rev = Some(other_rev);
    }
    local.execute(&c2).unwrap();

    // zhangsan, still on rev0 of 预算执行率, conflicts with lisi.
    let before = snapshot(&local);
    let mut c3 = score("ZD21-06", "预算执行率", direct("4"));
    if let Command::Score { expected_rev, .. } = &mut c3 {
        *expected_rev = Some(rev0);
    }
    match local.execute(&c3) {
        Err(Error::Conflict { what, expected, actual, by, .. }) => {
            assert_eq!(what, "指标“预算执行率”");
            assert_eq!((expected, actual), (rev0, rev1));
            assert_eq!(by, "lisi");
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(snapshot(&local), before);
    let tree = local.store().tree_of(pid).unwrap();
    let leaf = tree.find(&IndicatorRef::Name("预算执行率".into())).unwrap();
    assert_eq!(leaf.score.as_ref().unwrap().value, dec("3.70"));
    assert_eq!(leaf.score.as_ref().unwrap().scorer, "lisi");
}

// ─── items, notices, responses ──────────────────────────────────────────────────

#[test]
fn item_state_machine_notice_numbers_and_append_only_history() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    let s = local.store();
    let pid = local.execute(&create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100")).unwrap().id;
    let f = local.execute(&finding("ZD21-06", "普查员劳务费发放表部分缺少领取人签字")).unwrap().id;
    assert_eq!(s.finding(f).unwrap().state, FindingState::Published);
    let a = local.execute(&item(f, "补齐劳务费发放表签字，报送整改报告")).unwrap().id;
    let b = local.execute(&item(f, "建立劳务费发放复核制度")).unwrap().id;
    let c = local.execute(&item(f, "追回多发劳务费")).unwrap().id;
    let dd = local.execute(&item(f, "规范普查物资采购程序")).unwrap().id;
    let it = s.item(a).unwrap();
    assert_eq!((it.state, it.unit.as_str(), it.due), (ItemState::Draft, "统计局", d(2021, 7, 15)));

    // Notice numbers: 1号, 2号; cancelling 2号 does not free it: the next is 3号.
    assert_eq!(local.execute(&notice("ZD21-06", &[a])).unwrap().key.as_deref(), Some("财绩整〔2021〕1号"));
    assert_eq!(local.execute(&notice("ZD21-06", &[b])).unwrap().key.as_deref(), Some("财绩整〔2021〕2号"));
    local.execute(&cmd(json!({"cmd": "cancel_notice", "notice": "财绩整〔2021〕2号", "reason": "文号登记错误，重新发文"}))).unwrap();
    assert_eq!(local.execute(&notice("ZD21-06", &[c])).unwrap().key.as_deref(), Some("财绩整〔2021〕3号"));
    let n2 = s.notice_by_number("财绩整〔2021〕2号").unwrap();
    assert_eq!(n2.state, NoticeState::Cancelled);
    assert_eq!(n2.cancel_reason.as_deref(), Some("文号登记错误，重新发文"));
    // Re-issuing an issued item is refused and costs no number.
    match local.execute(&notice("ZD21-06", &[a])) {
        Err(Error::IllegalTransition { state, action, .. }) => assert_eq!((state.as_str(), action.as_str()), ("已下达", "下达")),
        other => panic!("expected IllegalTransition, got {other:?}"),
    }
    assert_eq!(local.execute(&notice("ZD21-06", &[dd])).unwrap().key.as_deref(), Some("财绩整〔2021〕4号"));
    let numbers: Vec<String> = s.notices_of(pid).unwrap().into_iter().map(|n| n.number).collect();
    assert_eq!(numbers, ["财绩整〔2021〕1号", "财绩整〔2021〕2号", "财绩整〔2021〕3号", "财绩整〔2021〕4号"]);
    let it = s.item(a).unwrap();
    assert_eq!((it.state, it.issue_date), (ItemState::Issued, Some(d(2021, 6, 1))));
    assert_eq!(it.notice, Some(s.notice_by_number("财绩整〔2021〕1号").unwrap().id));

    // Start, then a response without evidence: closing is refused.
    local.execute(&cmd(json!({"cmd": "start_item", "item": a, "date": "2021-06-01"}))).unwrap();
    local.execute(&submit(a, "已组织补签。", &[])).unwrap();
    assert_eq!(s.item(a).unwrap().state, ItemState::Submitted);
    let early = s.responses_of(a).unwrap();
    assert_eq!(early.len(), 3);
    let before = snapshot(&local);
    let e = local.execute(&close(a)).unwrap_err();
    assert_eq!(e.kind(), "invalid");
    match &e {
        Error::Invalid { record, field, message } => {
            assert_eq!((record.as_str(), field.as_str()), (format!("整改事项 #{a}").as_str(), "evidence"));
            assert!(message.contains("佐证资料"), "{message}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(snapshot(&local), before);

    // Return with reasons, respond again with a document, close.
    local
        .execute(&cmd(json!({"cmd": "return_item", "item": a, "reasons": "未附补签后的发放表，请补充佐证资料", "date": "2021-06-01"})))
        .unwrap();
    assert_eq!(s.item(a).unwrap().state, ItemState::Returned);
    let doc = Evidence::Document {
        name: "劳务费发放表（补签）".into(),
        number: Some("统办〔2021〕12号".into()),
        date: Some(d(2021, 6, 14)),
        pages: Some("1-6".into()),
    };
    local
        .execute(&Command::SubmitResponse {
            item: a,
            date: Some(d(2021, 6, 1)),
            text: "已补签并附发放表复印件。".into(),
            evidence: vec![doc.clone()],
            expected_version: None,
        })
        .unwrap();
    local.execute(&close(a)).unwrap();
    let it = s.item(a).unwrap();
    assert_eq!(it.state, ItemState::Closed);
    // 销号日期: the day the server recorded the close (the fixed clock's today).
    assert_eq!(it.closed_on, Some(d(2021, 6, 1)));
    assert_eq!(it.opinion.as_deref(), Some("佐证资料齐全，整改到位，同意销号"));
    assert_eq!(it.evidence, vec![doc.clone()]);

    // History: numbered 1..n, the earlier entries untouched.
    let all = s.responses_of(a).unwrap();
    let seqs: Vec<u32> = all.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    let kinds: Vec<EntryKind> = all.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [EntryKind::Issued, EntryKind::Started, EntryKind::Response, EntryKind::Returned, EntryKind::Response, EntryKind::Closed]
    );
    assert_eq!(&all[..3], &early[..]);
    assert_eq!(all[0].text, "财绩整〔2021〕1号");
    assert_eq!(all[2].text, "已组织补签。");
    assert_eq!(all[4].evidence, vec![doc]);
    assert_eq!(all[4].date, d(2021, 6, 1));
    assert!(all.iter().all(|r| r.by == "zhangsan" && r.item == a));

    // A closed item takes no more moves.
    let before = snapshot(&local);
    match local.execute(&cmd(json!({"cmd": "start_item", "item": a}))) {
        Err(e @ Error::IllegalTransition { .. }) => {
            let Error::IllegalTransition { what, state, action } = &e else { unreachable!() };
            assert_eq!((what.as_str(), state.as_str(), action.as_str()), (format!("整改事项 #{a}").as_str(), "已销号", "开始整改"));
            assert!(e.render(Lang::Zh).contains("已销号"));
            assert_eq!(e.kind(), "illegal_transition");
        }
        other => panic!("expected IllegalTransition, got {other:?}"),
    }
    let e = local.execute(&submit(a, "再补一份材料", &["补充说明"])).unwrap_err();
    assert!(matches!(&e, Error::IllegalTransition { state, .. } if state == "已销号"), "{e:?}");
    assert_eq!(snapshot(&local), before);
    assert!(s.check().is_clean(), "{:?}", s.check().problems);
}

#[test]
fn only_the_lead_closes_an_item() {
    let dir = tempfile::tempdir().unwrap();
    let a;
    {
        let local = open(dir.path(), "zhangsan");
        local.execute(&create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100")).unwrap();
        let f = local.execute(&finding("ZD21-06", "普查员劳务费发放表部分缺少领取人签字")).unwrap().id;
        a = local.execute(&item(f, "补齐劳务费发放表签字")).unwrap().id;
        local.execute(&notice("ZD21-06", &[a])).unwrap();
        local.execute(&submit(a, "已补签并附发放表复印件。", &["劳务费发放表（补签）"])).unwrap();
    } // the store is closed here; lisi opens it next.
    {
        let local = open(dir.path(), "lisi");
        let before = snapshot(&local);
        let e = local.execute(&close(a)).unwrap_err();
        match &e {
            Error::Forbidden { action, role, actor } => {
                assert_eq!(action, "销号");
                assert_eq!(actor, "lisi");
                assert!(role.contains("ZD21-06") && role.contains("项目负责人") && role.contains("zhangsan"), "{role}");
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        assert_eq!(e.kind(), "forbidden");
        let msg = e.render(Lang::Zh);
        assert!(msg.contains("lisi") && msg.contains("项目负责人"), "{msg}");
        assert_eq!(snapshot(&local), before);
        assert_eq!(local.store().item(a).unwrap().state, ItemState::Submitted);
    }
    {
        let local = open(dir.path(), "zhangsan");
        local.execute(&close(a)).unwrap();
        assert_eq!(local.store().item(a).unwrap().state, ItemState::Closed);
    }
}

#[test]
fn a_lead_named_at_creation_is_the_only_one_who_closes() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    let mut c = create("ZD21-07", "食品安全检测经费", "市场监督管理局", "70");
    if let Command::CreateProject { lead, members, .. } = &mut c {
        *lead = Some("wangwu".into());
        members.push("zhangsan".into());
    }
    local.execute(&c).unwrap();
    let f = local.execute(&finding("ZD21-07", "检测样品登记台账不完整")).unwrap().id;
    let a = local.execute(&item(f, "完善检测样品登记台账")).unwrap().id;
    // Issued with failing self-checks: the lead's override.
    local.shared("wangwu").execute(&notice("ZD21-07", &[a])).unwrap();
    local.execute(&submit(a, "台账已补全。", &["检测样品登记台账（2020）"])).unwrap();
    match local.execute(&close(a)) {
        Err(Error::Forbidden { role, actor, .. }) => {
            assert_eq!(actor, "zhangsan");
            assert!(role.contains("wangwu"), "{role}");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    exec_as(&local, "wangwu", &close(a)).unwrap();
    assert_eq!(local.store().item(a).unwrap().state, ItemState::Closed);
}

#[test]
fn only_team_members_change_a_project_and_an_observer_is_told_the_role() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    local.execute(&create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100")).unwrap();
    local
        .execute(&cmd(json!({"cmd": "set_team", "project": "ZD21-06", "lead": "zhangsan", "members": ["lisi"], "observers": ["zhaoliu"]})))
        .unwrap();
    let before = snapshot(&local);
    for (actor, observer) in [("zhaoliu", true), ("sunqi", false)] {
        let e = exec_as(&local, actor, &score("ZD21-06", "立项依据充分性", direct("3"))).unwrap_err();
        match &e {
            Error::Forbidden { action, role, actor: who } => {
                assert_eq!((action.as_str(), who.as_str()), ("score", actor));
                assert!(role.contains("ZD21-06 的项目组成员") && role.contains("zhangsan"), "{role}");
                assert_eq!(role.contains("观察员"), observer, "{role}");
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        let f = exec_as(&local, actor, &cmd(json!({"cmd": "update_project", "project": "ZD21-06", "name": "改名"}))).unwrap_err();
        assert_eq!(f.kind(), "forbidden");
    }
    assert_eq!(snapshot(&local), before, "nothing a refused command tried is kept");
    // A member scores; the observer still reads everything.
    exec_as(&local, "lisi", &score("ZD21-06", "立项依据充分性", direct("3"))).unwrap();
    assert!(local.store().project_by_code("ZD21-06").is_ok());
}

#[test]
fn store_wide_commands_are_the_admins_once_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    // No admin named: anyone creates a project.
    exec_as(&local, "lisi", &create("ZD21-06", "2020年度人口普查工作经费", "统计局", "100")).unwrap();
    let o = local.execute(&cmd(json!({"cmd": "add_admin", "user": "wangfang"}))).unwrap();
    assert_eq!(o.key.as_deref(), Some("zhangsan,wangfang"), "the first admin named makes the caller one too");
    assert_eq!(local.store().admins().unwrap(), vec!["zhangsan", "wangfang"]);
    let before = snapshot(&local);
    for c in [
        create("ZD21-07", "食品安全检测经费", "市场监督管理局", "70"),
        cmd(json!({"cmd": "set_categories", "categories": ["资金闲置/沉淀"]})),
        cmd(json!({"cmd": "set_budget_total", "year": 2020, "amount": "98000"})),
        cmd(json!({"cmd": "add_admin", "user": "lisi"})),
    ] {
        match exec_as(&local, "lisi", &c) {
            Err(Error::Forbidden { role, actor, .. }) => {
                assert_eq!(actor, "lisi");
                assert!(role.contains("数据库管理员") && role.contains("zhangsan、wangfang"), "{role}");
            }
            other => panic!("{c:?}: expected Forbidden, got {other:?}"),
        }
    }
    assert_eq!(snapshot(&local), before);
    exec_as(&local, "wangfang", &create("ZD21-07", "食品安全检测经费", "市场监督管理局", "70")).unwrap();
    // A team is set by its lead or a named admin, not by a member.
    // (ZD21-06 was created by lisi: lisi leads it.)
    let team = cmd(json!({"cmd": "set_team", "project": "ZD21-06", "lead": "lisi", "members": ["zhaoliu"]}));
    exec_as(&local, "lisi", &team).unwrap();
    exec_as(&local, "zhangsan", &team).unwrap();
    let e = exec_as(&local, "zhaoliu", &team).unwrap_err();
    assert!(matches!(&e, Error::Forbidden { role, .. } if role.contains("项目负责人（lisi）或数据库管理员")), "{e:?}");
    // The last admin stays.
    local.execute(&cmd(json!({"cmd": "remove_admin", "user": "wangfang"}))).unwrap();
    let e = local.execute(&cmd(json!({"cmd": "remove_admin", "user": "zhangsan"}))).unwrap_err();
    assert!(e.to_string().contains("最后一位管理员"), "{e}");
}

// ─── import / export ────────────────────────────────────────────────────────────

fn exported_two() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    seed_two(&local);
    export_value(&local)
}

fn import(local: &Local, v: &Value, merge: bool) -> Result<Outcome> {
    let bundle: Bundle = serde_json::from_value(v.clone()).unwrap();
    local.execute(&Command::Import { bundle: Box::new(bundle), merge })
}

fn assert_empty(local: &Local) {
    let s = local.store();
    assert!(s.projects().unwrap().is_empty());
    assert!(s.all_items().unwrap().is_empty());
    assert!(s.audit_log().unwrap().is_empty());
    assert!(s.project_by_code("ZD21-06").is_err());
    assert!(s.milestones_of(None).unwrap().is_empty());
}

#[test]
fn import_is_all_or_nothing_and_names_the_bad_record() {
    let good = exported_two();
    assert_eq!(good["projects"].as_array().unwrap().len(), 2);
    let item_id = good["items"][0]["id"].as_u64().unwrap();
    let finding_id = good["findings"][0]["id"].as_u64().unwrap();

    let mut empty_requirement = good.clone();
    empty_requirement["items"][0]["requirement"] = json!("");
    let mut three_decimals = good.clone();
    three_decimals["projects"][1]["amount"] = json!("1.234");
    let mut orphan_finding = good.clone();
    orphan_finding["findings"][0]["project"] = json!(999);

    let cases = [
        (empty_requirement, format!("整改事项 #{item_id}"), "requirement", "整改要求"),
        (three_decimals, "项目 ZD21-07".to_string(), "amount", "1.234"),
        (orphan_finding, format!("问题 #{finding_id}"), "project", "999"),
    ];
    for (bad, want_record, want_field, want_in_message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let local = open(dir.path(), "zhangsan");
        let empty = export_value(&local);
        let (record, field, message) = expect_invalid(import(&local, &bad, false));
        assert_eq!((record.as_str(), field.as_str()), (want_record.as_str(), want_field), "{message}");
        assert!(message.contains(want_in_message), "{message}");
        assert_empty(&local);
        assert_eq!(export_value(&local), empty);
        // The good bundle still goes in afterwards.
        import(&local, &good, false).unwrap();
        assert_eq!(local.store().projects().unwrap().len(), 2);
    }
}

#[test]
fn import_refused_while_writing_leaves_the_target_unchanged() {
    // The target already has notice 财绩整〔2021〕1号 under another project; the bundle's
    // projects are written inside the transaction before its clashing notice is found.
    let bundle = exported_two();
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    local.execute(&create("ZD21-15", "道路交通救助基金", "交警大队", "99.73")).unwrap();
    let f = local.execute(&finding("ZD21-15", "救助资金审批资料不完整")).unwrap().id;
    let i = local.execute(&item(f, "补齐救助资金审批资料")).unwrap().id;
    local.execute(&notice("ZD21-15", &[i])).unwrap();
    let before = snapshot(&local);

    match import(&local, &bundle, false) {
        Err(Error::AlreadyExists { what, key }) => {
            assert_eq!(what, "通知书编号");
            assert_eq!(key, "财绩整〔2021〕1号");
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(snapshot(&local), before);
    assert!(local.store().project_by_code("ZD21-06").is_err());
    assert_eq!(local.store().projects().unwrap().len(), 1);
}

#[test]
fn export_import_export_round_trips() {
    let dir_a = tempfile::tempdir().unwrap();
    let a = open(dir_a.path(), "zhangsan");
    seed_two(&a);
    // Settings travel too: the edited category list and a year's notice prefix.
    a.execute(&cmd(json!({"cmd": "set_categories", "categories": ["资金闲置/沉淀", "档案资料不完整", "普查数据质量问题"]}))).unwrap();
    a.execute(&cmd(json!({"cmd": "set_notice_prefix", "year": 2022, "prefix": "衡财绩"}))).unwrap();
    a.execute(&cmd(json!({"cmd": "set_budget_total", "year": 2020, "amount": "98000"}))).unwrap();
    let first = export_value(&a);
    assert_eq!(first["notice_prefixes"][0]["prefix"], "衡财绩");
    assert_eq!(first["budget_totals"][0], json!({"year": 2020, "amount": "98000.00"}));

    let dir_b = tempfile::tempdir().unwrap();
    let b = open(dir_b.path(), "lisi");
    let o = import(&b, &first, false).unwrap();
    assert!(o.key.as_deref().unwrap_or("").contains('2'), "{o:?}");
    let second = export_value(&b);
    assert_eq!(without_audit(second.clone()), without_audit(first.clone()));
    // The history came along, plus the import's own record by lisi.
    let audit = b.store().audit_log().unwrap();
    assert_eq!(audit.len(), first["audit"].as_array().unwrap().len() + 1);
    assert_eq!(audit.last().unwrap().actor, "lisi");
    assert!(audit.last().unwrap().command.contains("import"));
    assert!(b.store().check().is_clean(), "{:?}", b.store().check().problems);
    assert_eq!(b.store().categories().unwrap(), vec!["资金闲置/沉淀", "档案资料不完整", "普查数据质量问题"]);

    // Counters came along too: the next notice and the next finding continue the sequence.
    let f = b.execute(&finding("ZD21-06", "普查宣传品采购未比价")).unwrap().id;
    assert!(f > first["findings"].as_array().unwrap().iter().map(|x| x["id"].as_u64().unwrap()).max().unwrap());
    assert_eq!(b.store().finding(f).unwrap().seq, 2);
    let i = b.execute(&item(f, "补充比价记录")).unwrap().id;
    // Issued with failing self-checks: the lead's override.
    assert_eq!(b.shared("zhangsan").execute(&notice("ZD21-06", &[i])).unwrap().key.as_deref(), Some("财绩整〔2021〕3号"));
}

#[test]
fn importing_the_same_bundle_again_needs_merge_and_duplicates_nothing() {
    let bundle = exported_two();
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    import(&local, &bundle, false).unwrap();
    let before = snapshot(&local);

    match import(&local, &bundle, false) {
        Err(e @ Error::AlreadyExists { .. }) => {
            let Error::AlreadyExists { key, .. } = &e else { unreachable!() };
            assert!(key.contains("ZD21-06") && key.contains("ZD21-07"), "{key}");
            assert!(e.render(Lang::Zh).contains("--merge"), "{e}");
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(snapshot(&local), before);

    let o = import(&local, &bundle, true).unwrap();
    assert!(o.key.as_deref().unwrap_or("").contains("跳过 2"), "{o:?}");
    let after = export_value(&local);
    assert_eq!(without_audit(after.clone()), without_audit(before.1.clone()), "records are not duplicated");
    for kind in ["projects", "trees", "findings", "items", "responses", "notices", "milestones"] {
        assert_eq!(after[kind].as_array().unwrap().len(), bundle[kind].as_array().unwrap().len(), "{kind}");
    }
    // Only the merge's own audit record is new: the skipped projects' history is not copied twice.
    assert_eq!(local.store().audit_log().unwrap().len(), before.0 + 1, "the audit log gained duplicates of skipped projects' history");
    assert!(local.store().check().is_clean(), "{:?}", local.store().check().problems);
}

// ─── lock and check ─────────────────────────────────────────────────────────────

#[test]
fn a_second_open_of_the_same_store_is_locked_and_names_the_dir() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path(), Templates::builtin().unwrap()).unwrap();
    match Store::open(dir.path(), Templates::builtin().unwrap()) {
        Err(e @ Error::Locked { .. }) => {
            let Error::Locked { dir: shown, holder } = &e else { unreachable!() };
            assert_eq!(shown, &dir.path().display().to_string());
            assert!(holder.contains(&format!("pid {}", std::process::id())), "{holder}");
            let msg = e.render(Lang::Zh);
            assert!(msg.contains(&dir.path().display().to_string()) && msg.contains("另一个 jixiao"), "{msg}");
            let msg = e.render(Lang::En);
            assert!(msg.contains(&dir.path().display().to_string()) && msg.contains("another jixiao"), "{msg}");
            assert_eq!(e.kind(), "locked");
        }
        Err(other) => panic!("expected Error::Locked, got {other:?}"),
        Ok(_) => panic!("a second Store opened the same directory"),
    }
    drop(first);
    Store::open(dir.path(), Templates::builtin().unwrap()).expect("the lock is released when the store is dropped");
}

#[test]
fn reopened_store_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let first = {
        let local = open(dir.path(), "zhangsan");
        seed_two(&local);
        export_value(&local)
    };
    let local = open(dir.path(), "zhangsan");
    assert_eq!(export_value(&local), first);
}

#[test]
fn a_seeded_store_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    assert!(local.store().check().is_clean(), "empty: {:?}", local.store().check().problems);
    seed_two(&local);
    let report = local.store().check();
    assert!(report.is_clean(), "{:?}", report.problems);
    let counts: std::collections::HashMap<&str, usize> = report.counts.iter().copied().collect();
    assert_eq!(counts["项目"], 2);
    assert_eq!(counts["整改事项"], 3);
    assert_eq!(counts["通知书"], 2);
    assert_eq!(counts["里程碑"], 2);
}

#[test]
fn the_demo_seed_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    let seed = jixiao::demo::seed::parse(jixiao::demo::seed::CASES_TOML).expect("fixtures/demo/cases.toml parses");
    jixiao::demo::build::seed(local.store(), &local.ctx(), &seed).unwrap_or_else(|e| panic!("demo seed: {e}"));
    let report = local.store().check();
    assert!(report.is_clean(), "{:?}", report.problems);
    let projects = local.store().projects().unwrap();
    assert_eq!(projects.len(), 20);
    assert_eq!(projects.iter().map(|p| p.amount).sum::<Decimal>(), dec("23773.25"));
}

#[test]
fn cancelling_a_notice_returns_untouched_items_to_draft_and_refuses_once_work_began() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangsan");
    let ok = |c: Command| local.execute(&c).unwrap_or_else(|e| panic!("{c:?}: {e}"));
    ok(create("ZD21-17", "禁捕退捕资金", "畜牧水产事务中心", "2683.68"));
    let f = ok(finding("ZD21-17", "禁捕退捕补偿资金滞留乡镇财政所未及时发放")).id;
    let a = ok(item(f, "限期将滞留资金发放到退捕渔民")).id;
    let b = ok(item(f, "建立补偿资金发放台账")).id;
    let n1 = ok(notice("ZD21-17", &[a, b])).key.unwrap();
    assert_eq!(n1, "财绩整〔2021〕1号");
    ok(cmd(json!({"cmd": "cancel_notice", "notice": n1, "reason": "文号登记错误，重新发文"})));
    for id in [a, b] {
        let it = local.store().item(id).unwrap();
        assert_eq!((it.state, it.notice, it.issue_date), (ItemState::Draft, None, None));
        let history = local.store().responses_of(id).unwrap();
        assert_eq!(history.last().unwrap().kind, EntryKind::Note);
        assert!(history.last().unwrap().text.contains("文号登记错误"));
    }
    // The corrected notice takes the next number; 1号 is never used again.
    let n2 = ok(notice("ZD21-17", &[a, b])).key.unwrap();
    assert_eq!(n2, "财绩整〔2021〕2号");
    ok(cmd(json!({"cmd": "start_item", "item": a, "date": "2021-06-01"})));
    let e = local.execute(&cmd(json!({"cmd": "cancel_notice", "notice": n2, "reason": "重发"}))).unwrap_err();
    assert!(matches!(&e, Error::IllegalTransition { state, .. } if state == "整改中"), "{e:?}");
    // Refused as a whole: the other item and the notice are unchanged.
    assert_eq!(local.store().item(b).unwrap().state, ItemState::Issued);
    assert_eq!(local.store().notice_by_number(&n2).unwrap().state, NoticeState::Issued);
    assert!(local.store().check().is_clean());
}

#[test]
fn asking_whether_a_lock_is_held_neither_creates_nor_writes_it() {
    use jixiao::store::lock::DirLock;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.lock");
    assert!(!DirLock::is_held(dir.path(), "server.lock"));
    assert!(!path.exists(), "asking made no lock file");
    let held = DirLock::acquire_named(dir.path(), "server.lock").unwrap();
    let holder = std::fs::read_to_string(&path).unwrap();
    assert!(holder.starts_with(&format!("pid {}", std::process::id())), "{holder}");
    assert!(DirLock::is_held(dir.path(), "server.lock"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), holder, "the holder's line is kept");
    drop(held);
    assert!(!DirLock::is_held(dir.path(), "server.lock"));
    DirLock::acquire_named(dir.path(), "server.lock").expect("asking left no lock behind");
}

#[test]
fn a_command_sent_again_with_its_request_id_is_answered_not_applied_twice() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangwei");
    let m = cmd(json!({"cmd": "add_milestone", "title": "重试的里程碑", "kind": "其他", "due": "2021-12-31"}));
    let (first, replayed) = local.execute_request(&m, "5f0c2a9e41d3b7c8a6e2f1d09b3c4a57").unwrap();
    assert!(!replayed);
    let (again, replayed) = local.execute_request(&m, "5f0c2a9e41d3b7c8a6e2f1d09b3c4a57").unwrap();
    assert!(replayed, "the retry is answered from the first try");
    assert_eq!(again, first);
    let count = |l: &Local| l.store().milestones_of(None).unwrap().iter().filter(|x| x.title == "重试的里程碑").count();
    assert_eq!(count(&local), 1);
    assert_eq!(local.store().audit_log().unwrap().len(), 1);
    // The same id from another user is another request.
    let (_, replayed) = local.shared("lisi").with_clock(clock()).execute_request(&m, "5f0c2a9e41d3b7c8a6e2f1d09b3c4a57").unwrap();
    assert!(!replayed);
    assert_eq!(count(&local), 2);
    // A command that failed remembers nothing: sent again once it can succeed, it applies.
    let phase = cmd(json!({"cmd": "set_phase", "project": "ZD21-01", "phase": "评分", "override_reason": "测试：跳过现场"}));
    assert!(matches!(local.execute_request(&phase, "failed-first"), Err(Error::NotFound { .. })));
    // An id that is no id is refused.
    assert!(matches!(local.execute_request(&m, ""), Err(Error::Invalid { .. })));
    assert!(matches!(local.execute_request(&m, &"x".repeat(65)), Err(Error::Invalid { .. })));
    assert_eq!(local.store().remembered_requests(), 2);
    assert!(local.store().check().is_clean(), "{:?}", local.store().check().problems);
    // A store made before the requests tree existed opens, the tree created empty.
    drop(local);
    {
        // sled lets go of its file lock a moment after the last handle drops: open_sled waits.
        let db = jixiao::store::heal::open_sled(&dir.path().join("store"), 64 << 20).unwrap();
        assert!(db.drop_tree("requests").unwrap());
        db.flush().unwrap();
    }
    let local = open(dir.path(), "zhangwei");
    assert_eq!(local.store().remembered_requests(), 0);
    assert_eq!(count(&local), 2);
    assert!(local.store().check().is_clean());
}

#[test]
fn the_newest_ten_thousand_answers_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path(), "zhangwei");
    let c = cmd(json!({"cmd": "set_categories", "categories": ["绩效意识不强"]}));
    for i in 0..10_005u32 {
        local.execute_request(&c, &format!("r{i}")).unwrap();
    }
    assert_eq!(local.store().remembered_requests(), 10_000);
    assert!(local.execute_request(&c, "r10004").unwrap().1, "a recent one is answered");
    assert!(!local.execute_request(&c, "r4").unwrap().1, "the oldest were forgotten");
    assert_eq!(local.store().remembered_requests(), 10_000);
}
