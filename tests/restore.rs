//! 撤销做过的事：恢复问题的旧版本、恢复事项修改前的内容、删除佐证资料（issue 13 第 5 部分）。
//! 每一项都是新的、有审计记录的命令；理由必填；状态不对时拒绝并说出状态。

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Clock, Local};
use jixiao::command::{Command, Outcome};
use jixiao::domain::{EntryKind, Error, Evidence, ProjectKind, Result};
use jixiao::store::Store;
use jixiao::templates::Templates;
use serde_json::{Value, json};

fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2021, 6, 1, 1, 30, 0).unwrap(), NaiveDate::from_ymd_opt(2021, 6, 1).unwrap())
}

struct Env {
    _dir: tempfile::TempDir,
    local: Local,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Templates::builtin().unwrap()).unwrap();
        let local = Local::new(store).with_clock(clock()).with_actor("zhangsan");
        let env = Env { _dir: dir, local };
        env.ok(Command::CreateProject {
            code: "ZD21-06".into(),
            name: "2020年度人口普查经费".into(),
            kind: ProjectKind::Project,
            fiscal_year: 2020,
            unit: "市统计局".into(),
            amount: "120".parse().unwrap(),
            fund_notes: vec![],
            lead: None,
            members: vec!["wangfang".into()],
            third_party: None,
            template: None,
        });
        env
    }

    fn run(&self, v: Value) -> Result<Outcome> {
        let cmd: Command = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"));
        self.local.store().execute(&cmd, &self.local.ctx())
    }

    fn ok(&self, cmd: Command) -> Outcome {
        self.local.store().execute(&cmd, &self.local.ctx()).unwrap()
    }

    fn json(&self, v: Value) -> Outcome {
        self.run(v.clone()).unwrap_or_else(|e| panic!("{v} refused: {e:?}"))
    }

    fn last_audit(&self) -> Value {
        let log = self.local.store().audit_log().unwrap();
        serde_json::from_str(&log.last().unwrap().command).unwrap()
    }

    fn audit_len(&self) -> usize {
        self.local.store().audit_log().unwrap().len()
    }
}

fn invalid_field(r: Result<Outcome>) -> (String, String) {
    match r {
        Err(Error::Invalid { field, message, .. }) => (field, message),
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

fn illegal_state(r: Result<Outcome>) -> String {
    match r {
        Err(Error::IllegalTransition { state, .. }) => state,
        other => panic!("expected IllegalTransition, got {other:?}"),
    }
}

/// 一个已发布、更正过一次的问题：第 1 版“12 人”，现在（第 2 版）“14 人”。
fn corrected_finding(env: &Env) -> u64 {
    let id = env
        .json(json!({"cmd":"record_finding","project":"ZD21-06","text":"劳务费发放表 12 人缺少签字","category":"财务管理欠规范","severity":"一般","amount":"3.2","evidence":[{"document":{"name":"劳务费发放表"}}],"publish":true}))
        .id;
    env.json(json!({"cmd":"revise_finding","finding":id,"text":"劳务费发放表 14 人缺少签字","category":"财务管理欠规范","severity":"较重","amount":"3.6","note":"复核后更正人数"}));
    id
}

#[test]
fn 恢复问题的旧版本是一个新版本_有审计记录和理由() {
    let env = Env::new();
    let id = corrected_finding(&env);
    let before = env.audit_len();
    env.json(json!({"cmd":"restore_finding","finding":id,"revision":1,"reason":"核实后仍为 12 人"}));
    assert_eq!(env.audit_len(), before + 1);
    assert_eq!(env.last_audit()["cmd"], "restore_finding");
    assert_eq!(env.last_audit()["reason"], "核实后仍为 12 人");
    let f = env.local.store().findings_of(env.local.store().project_by_code("ZD21-06").unwrap().id).unwrap().remove(0);
    assert_eq!(f.body.text, "劳务费发放表 12 人缺少签字");
    assert_eq!(f.body.evidence, vec![Evidence::doc("劳务费发放表")], "旧版本的佐证也回来了");
    assert_eq!(f.history.len(), 2, "被替换的第 2 版留在历史中，恢复本身也能撤销");
    assert_eq!(f.history[1].body.text, "劳务费发放表 14 人缺少签字");
    assert!(f.history[1].note.contains("恢复第 1 版") && f.history[1].note.contains("核实后仍为 12 人"), "{}", f.history[1].note);
}

#[test]
fn 恢复问题需要理由_版本号不存在时说明可选的范围() {
    let env = Env::new();
    let id = corrected_finding(&env);
    let before = env.audit_len();
    let (field, _) = invalid_field(env.run(json!({"cmd":"restore_finding","finding":id,"revision":1,"reason":"  "})));
    assert_eq!(field, "reason");
    let (field, msg) = invalid_field(env.run(json!({"cmd":"restore_finding","finding":id,"revision":5,"reason":"试试"})));
    assert_eq!(field, "revision");
    assert!(msg.contains("第 5 版") && msg.contains("当前是第 2 版") && msg.contains("1 到 1"), "{msg}");
    assert_eq!(env.audit_len(), before, "拒绝的命令不留痕迹");
}

#[test]
fn 草稿和已撤回的问题不能恢复旧版本_错误说出状态() {
    let env = Env::new();
    let draft =
        env.json(json!({"cmd":"record_finding","project":"ZD21-06","text":"草稿问题","category":"档案资料不完整","severity":"一般"})).id;
    assert_eq!(illegal_state(env.run(json!({"cmd":"restore_finding","finding":draft,"revision":1,"reason":"r"}))), "草稿");
    let id = corrected_finding(&env);
    env.json(json!({"cmd":"withdraw_finding","finding":id,"reason":"问题不成立"}));
    assert_eq!(illegal_state(env.run(json!({"cmd":"restore_finding","finding":id,"revision":1,"reason":"r"}))), "已撤回");
}

/// 一个草稿事项，改过一次期限和责任人：第 1 条办理记录是“修改”，存着修改前的内容。
fn edited_item(env: &Env) -> u64 {
    let f = corrected_finding(env);
    let id = env.json(json!({"cmd":"create_item","finding":f,"requirement":"补齐签字","contact":"李会计","due":"2021-07-15"})).id;
    env.json(json!({"cmd":"update_item","item":id,"due":"2021-07-31","contact":"李会计 0736-7221234"}));
    id
}

#[test]
fn 事项的修改留下修改记录_恢复修改前的内容也是一次修改() {
    let env = Env::new();
    let id = edited_item(&env);
    let history = env.local.store().responses_of(id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].kind, EntryKind::Edited);
    let before = env.audit_len();
    env.json(json!({"cmd":"restore_item","item":id,"entry":1,"reason":"期限按原定执行"}));
    assert_eq!(env.audit_len(), before + 1);
    assert_eq!(env.last_audit()["cmd"], "restore_item");
    let it = env.local.store().item(id).unwrap();
    assert_eq!((it.due.to_string().as_str(), it.contact.as_str()), ("2021-07-15", "李会计"));
    let history = env.local.store().responses_of(id).unwrap();
    assert_eq!(history.len(), 2, "恢复本身也是一条修改记录，可以再撤销");
    assert!(history[1].text.contains("2021-07-31") && history[1].text.contains("期限按原定执行"), "{}", history[1].text);
    // 撤销这次恢复。
    env.json(json!({"cmd":"restore_item","item":id,"entry":2,"reason":"还是按延后的期限"}));
    assert_eq!(env.local.store().item(id).unwrap().due.to_string(), "2021-07-31");
}

#[test]
fn 恢复事项需要理由_记录必须是修改记录_已下达的只能恢复责任人_已销号的拒绝() {
    let env = Env::new();
    let id = edited_item(&env);
    assert_eq!(invalid_field(env.run(json!({"cmd":"restore_item","item":id,"entry":1,"reason":""}))).0, "reason");
    let (field, msg) = invalid_field(env.run(json!({"cmd":"restore_item","item":id,"entry":9,"reason":"r"})));
    assert_eq!(field, "entry");
    assert!(msg.contains("第 9 条"), "{msg}");
    env.json(
        json!({"cmd":"issue_notice","project":"ZD21-06","items":[id],"contact":"市财政局","override_reason":"底稿未评完，问题先行下发"}),
    );
    // 下达的那一条不是修改记录。
    let (_, msg) = invalid_field(env.run(json!({"cmd":"restore_item","item":id,"entry":2,"reason":"r"})));
    assert!(msg.contains("不是修改记录"), "{msg}");
    // 第 1 条会把期限改回去：已下达的事项只能改责任人。
    assert_eq!(illegal_state(env.run(json!({"cmd":"restore_item","item":id,"entry":1,"reason":"r"}))), "已下达");
    env.json(json!({"cmd":"cancel_item","item":id,"reason":"不再需要"}));
    assert_eq!(illegal_state(env.run(json!({"cmd":"restore_item","item":id,"entry":1,"reason":"r"}))), "已撤销");
}

#[test]
fn 删除问题的佐证需要理由_已发布的问题在历史中留着它() {
    let env = Env::new();
    let id = corrected_finding(&env);
    env.json(json!({"cmd":"restore_finding","finding":id,"revision":1,"reason":"恢复原文和佐证"}));
    assert_eq!(invalid_field(env.run(json!({"cmd":"remove_evidence","finding":id,"evidence":"劳务费发放表","reason":" "}))).0, "reason");
    let (field, msg) = invalid_field(env.run(json!({"cmd":"remove_evidence","finding":id,"evidence":"不存在的文件","reason":"r"})));
    assert_eq!(field, "evidence");
    assert!(msg.contains("不存在的文件") && msg.contains("劳务费发放表"), "列出它有的佐证：{msg}");
    env.json(json!({"cmd":"remove_evidence","finding":id,"evidence":"劳务费发放表","reason":"传错了文件"}));
    assert_eq!(env.last_audit()["cmd"], "remove_evidence");
    let f = env.local.store().findings_of(env.local.store().project_by_code("ZD21-06").unwrap().id).unwrap().remove(0);
    assert!(f.body.evidence.is_empty());
    let last = f.history.last().unwrap();
    assert_eq!(last.body.evidence, vec![Evidence::doc("劳务费发放表")], "删掉的佐证留在历史版本中");
    assert!(last.note.contains("传错了文件"));
    // 既不是问题也不是事项：说清楚要写什么。
    let (field, _) = invalid_field(env.run(json!({"cmd":"remove_evidence","evidence":"x","reason":"r"})));
    assert_eq!(field, "finding/item/indicator");
}

#[test]
fn 删除事项的佐证留在办理记录中_已销号的拒绝() {
    let env = Env::new();
    let f = corrected_finding(&env);
    let id = env.json(json!({"cmd":"create_item","finding":f,"requirement":"补齐签字","due":"2021-07-15"})).id;
    env.json(
        json!({"cmd":"issue_notice","project":"ZD21-06","items":[id],"contact":"市财政局","override_reason":"底稿未评完，问题先行下发"}),
    );
    env.json(
        json!({"cmd":"submit_response","item":id,"text":"已补签","evidence":[{"document":{"name":"补签表"}},{"document":{"name":"旧表"}}]}),
    );
    env.json(json!({"cmd":"remove_evidence","item":id,"evidence":"旧表","reason":"与本事项无关"}));
    let it = env.local.store().item(id).unwrap();
    assert_eq!(it.evidence, vec![Evidence::doc("补签表")]);
    let last = env.local.store().responses_of(id).unwrap().pop().unwrap();
    assert_eq!(last.kind, EntryKind::EvidenceRemoved);
    assert_eq!(last.evidence, vec![Evidence::doc("旧表")], "删掉的佐证留在这条记录中");
    assert!(last.text.contains("与本事项无关"));
    env.json(json!({"cmd":"close_item","item":id,"opinion":"整改到位"}));
    assert_eq!(illegal_state(env.run(json!({"cmd":"remove_evidence","item":id,"evidence":"补签表","reason":"r"}))), "已销号");
}

/// 以另一位项目组成员的身份执行（wangfang 是成员，zhangsan 是负责人）。
fn run_as(env: &Env, actor: &str, v: Value) -> Result<Outcome> {
    let cmd: Command = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"));
    let mut ctx = env.local.ctx();
    ctx.actor = actor.to_string();
    env.local.store().execute(&cmd, &ctx)
}

fn leaf(env: &Env) -> jixiao::domain::tree::Node {
    use jixiao::backend::Fetch;
    env.local.tree("ZD21-06").unwrap().find(&jixiao::domain::IndicatorRef::Name("立项依据充分性".into())).unwrap().clone()
}

#[test]
fn 删除评分底稿的佐证需要理由_一级复核失效_历史留着旧版_文件仍在() {
    use jixiao::backend::{Backend, Fetch};
    use jixiao::domain::review::{ReviewEvent, ReviewState};
    let env = Env::new();
    let remove = |evidence: &str, reason: &str| json!({"cmd":"remove_evidence","project":"ZD21-06","indicator":"立项依据充分性","evidence":evidence,"reason":reason});
    env.json(json!({"cmd":"set_team","project":"ZD21-06","lead":"zhangsan","members":["wangfang","lisi"]}));
    env.json(json!({"cmd":"set_quality_reviewer","project":"ZD21-06","user":"lisi"}));
    // 还没评分：没有底稿的佐证。
    assert_eq!(invalid_field(env.run(remove("人口普查工作方案", "r"))).0, "evidence");
    let file = env._dir.path().join("经费批复.txt");
    std::fs::write(&file, "省普查办经费批复").unwrap();
    let attached = env.local.attach(&file).unwrap();
    let Evidence::File { sha256, .. } = attached.clone() else { unreachable!() };
    env.json(json!({"cmd":"score","project":"ZD21-06","indicator":"立项依据充分性","input":{"direct":{"value":"3"}},
        "basis":"依据充分","evidence":[{"document":{"name":"人口普查工作方案"}}, attached]}));
    assert_eq!(invalid_field(env.run(remove("人口普查工作方案", " "))).0, "reason");
    let (field, msg) = invalid_field(env.run(remove("不存在的文件", "r")));
    assert_eq!(field, "evidence");
    assert!(msg.contains("不存在的文件") && msg.contains("人口普查工作方案") && msg.contains("经费批复.txt"), "列出底稿的佐证：{msg}");

    // 成员一级复核后，负责人删除一项佐证：底稿改了，一级复核失效并记下是谁改的。
    run_as(&env, "wangfang", json!({"cmd":"review_score","project":"ZD21-06","indicator":"立项依据充分性"})).unwrap();
    let before = env.audit_len();
    env.json(remove(&sha256, "批复已随工作方案归档，不再单列"));
    assert_eq!(env.audit_len(), before + 1);
    let audit = env.last_audit();
    assert_eq!(audit["cmd"], "remove_evidence");
    assert_eq!(audit["indicator"], "立项依据充分性");
    assert_eq!(audit["reason"], "批复已随工作方案归档，不再单列");
    let node = leaf(&env);
    let s = node.score.clone().unwrap();
    assert_eq!(s.evidence, vec![Evidence::doc("人口普查工作方案")]);
    assert_eq!((s.value.to_string().as_str(), s.basis.as_str()), ("3", "依据充分"), "得分和依据不变");
    let reviews = env.local.reviews("ZD21-06").unwrap();
    assert_eq!(reviews.state(node.id, node.score.as_ref()), ReviewState::Unreviewed);
    let events = reviews.chain(node.id).unwrap().events.clone();
    assert!(
        matches!(events.last(), Some(ReviewEvent::Changed { by, what, .. }) if by == "zhangsan" && what.contains("经费批复.txt") && what.contains("不再单列")),
        "{events:?}"
    );
    // 历史（h）：第 2 版没有它，第 1 版还有；文件仍在数据目录里。
    let pid = env.local.store().project_by_code("ZD21-06").unwrap().id;
    let versions = jixiao::read::audit::paper_versions(&env.local.store().indicator_history(pid, node.id).unwrap());
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].evidence.len(), 2);
    assert_eq!(versions[1].evidence, vec![Evidence::doc("人口普查工作方案")]);
    assert!(jixiao::attachments::dir(env._dir.path()).join(&sha256).is_file(), "文件留在 attachments/");
    // 恢复第 1 版把它带回来。
    env.json(json!({"cmd":"restore_score","project":"ZD21-06","indicator":"立项依据充分性","version":1}));
    assert_eq!(leaf(&env).score.unwrap().evidence.len(), 2);

    // 已二级复核的底稿和评分一样拒绝，说明先取消复核。
    run_as(&env, "wangfang", json!({"cmd":"review_score","project":"ZD21-06","indicator":"立项依据充分性"})).unwrap();
    run_as(&env, "lisi", json!({"cmd":"review_score","project":"ZD21-06","indicator":"立项依据充分性"})).unwrap();
    let refused = env.run(remove("人口普查工作方案", "r")).unwrap_err();
    assert!(matches!(&refused, Error::IllegalTransition { state, .. } if state == "已复核"), "{refused:?}");
    assert!(refused.render(jixiao::i18n::Lang::Zh).contains("先取消复核"));
    assert_eq!(leaf(&env).score.unwrap().evidence.len(), 2);
    // 问题、事项和指标都写了或都没写：说清楚要写什么。
    let (field, _) = invalid_field(
        env.run(json!({"cmd":"remove_evidence","finding":1,"project":"ZD21-06","indicator":"立项依据充分性","evidence":"x","reason":"r"})),
    );
    assert_eq!(field, "finding/item/indicator");
}
