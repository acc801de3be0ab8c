//! 工作底稿的复核链（一级/二级复核）：自己不能复核自己的评分，成员一级、负责人二级，退回与答复
//! 按顺序留存，复核后修改即失效并记下是谁改的，从历史恢复较早的评分；旧库（复核链之前的
//! 单级复核）打开后读作二级复核。

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Clock, Fetch, Local};
use jixiao::command::{Command, Outcome};
use jixiao::domain::review::{ReviewEvent, ReviewState};
use jixiao::domain::{Error, Result};
use jixiao::store::Store;
use jixiao::templates::Templates;
use serde_json::{Value, json};
use std::path::Path;

const LEAD: &str = "zhangsan";
const MEMBER: &str = "lisi";
const OTHER: &str = "wangfang";
const LEAF: &str = "立项依据充分性";

fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2021, 6, 1, 1, 30, 0).unwrap(), NaiveDate::from_ymd_opt(2021, 6, 1).unwrap())
}

fn open(dir: &Path) -> Local {
    let store = Store::open(dir, Templates::builtin().unwrap()).unwrap();
    Local::new(store).with_clock(clock()).with_actor(LEAD)
}

fn run(local: &Local, actor: &str, v: Value) -> Result<Outcome> {
    let cmd: Command = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"));
    let mut ctx = local.ctx();
    ctx.actor = actor.to_string();
    local.store().execute(&cmd, &ctx)
}

fn ok(local: &Local, actor: &str, v: Value) -> Outcome {
    run(local, actor, v.clone()).unwrap_or_else(|e| panic!("{actor}: {v}: {e}"))
}

fn refused(local: &Local, actor: &str, v: Value) -> String {
    match run(local, actor, v.clone()) {
        Ok(_) => panic!("{actor}: {v} should be refused"),
        Err(e) => e.render(jixiao::i18n::Lang::Zh),
    }
}

/// A project led by zhangsan with members lisi and wangfang; `LEAF` scored by `scorer`.
fn project(scorer: &str) -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    ok(
        &local,
        LEAD,
        json!({"cmd":"create_project","code":"FX-01","name":"复核样例","kind":"项目支出","fiscal_year":2020,"unit":"某局","amount":"100","members":[MEMBER, OTHER]}),
    );
    score(&local, scorer, "3", "立项依据充分");
    (dir, local)
}

fn score(local: &Local, actor: &str, value: &str, basis: &str) -> Outcome {
    ok(local, actor, json!({"cmd":"score","project":"FX-01","indicator":LEAF,"input":{"direct":{"value":value}},"basis":basis}))
}

fn review(local: &Local, actor: &str) -> Result<Outcome> {
    run(local, actor, json!({"cmd":"review_score","project":"FX-01","indicator":LEAF}))
}

fn state(local: &Local) -> ReviewState {
    let tree = local.tree("FX-01").unwrap();
    let node = tree.find(&jixiao::domain::IndicatorRef::Name(LEAF.into())).unwrap();
    local.reviews("FX-01").unwrap().state(node.id, node.score.as_ref())
}

fn events(local: &Local) -> Vec<ReviewEvent> {
    let tree = local.tree("FX-01").unwrap();
    let node = tree.find(&jixiao::domain::IndicatorRef::Name(LEAF.into())).unwrap().id;
    local.reviews("FX-01").unwrap().chain(node).map(|c| c.events.clone()).unwrap_or_default()
}

#[test]
fn 评分人不能复核自己的评分_一级二级都拒绝() {
    // 成员评分，自己做一级复核：拒绝，说明规则。
    let (_dir, local) = project(MEMBER);
    let m = refused(&local, MEMBER, json!({"cmd":"review_score","project":"FX-01","indicator":LEAF,"level":1}));
    assert!(m.contains("评分人不能复核自己的评分"), "{m}");
    assert_eq!(state(&local), ReviewState::Unreviewed);

    // 负责人评分，成员一级复核后，负责人自己做二级复核：同样拒绝。
    let (_dir, local) = project(LEAD);
    review(&local, MEMBER).unwrap();
    assert_eq!(state(&local), ReviewState::First);
    let m = refused(&local, LEAD, json!({"cmd":"review_score","project":"FX-01","indicator":LEAF,"level":2}));
    assert!(m.contains("评分人不能复核自己的评分"), "{m}");
    // 退回自己的评分也不行。
    let m = refused(&local, LEAD, json!({"cmd":"return_score","project":"FX-01","indicator":LEAF,"note":"再看看"}));
    assert!(m.contains("评分人不能复核自己的评分"), "{m}");
    assert_eq!(state(&local), ReviewState::First);
}

#[test]
fn 成员一级复核后负责人二级复核_即为已二审() {
    let (_dir, local) = project(OTHER);
    // 二级复核不能跳过一级。
    let m = refused(&local, LEAD, json!({"cmd":"review_score","project":"FX-01","indicator":LEAF,"level":2}));
    assert!(m.contains("一级复核"), "{m}");
    review(&local, MEMBER).unwrap();
    assert_eq!(state(&local), ReviewState::First);
    // 成员不能做二级复核（负责人或质量复核人才行）。
    let m = match review(&local, OTHER) {
        Err(e) => e.render(jixiao::i18n::Lang::Zh),
        Ok(_) => panic!("评分人 wangfang 不能复核"),
    };
    assert!(m.contains("评分人不能复核自己的评分"), "{m}");
    let m = refused(&local, MEMBER, json!({"cmd":"review_score","project":"FX-01","indicator":LEAF}));
    assert!(m.contains("项目负责人或本项目的质量复核人") || m.contains("另一人"), "{m}");
    review(&local, LEAD).unwrap();
    assert_eq!(state(&local), ReviewState::Second);
    let s = local.tree("FX-01").unwrap().find(&jixiao::domain::IndicatorRef::Name(LEAF.into())).unwrap().score.clone().unwrap();
    assert_eq!(s.reviewed.map(|r| r.by), Some(LEAD.to_string()), "二级复核就是评分上原有的复核标记");
    // 已二审的底稿不能再改分，先取消复核（要说明理由）。
    let m = refused(&local, OTHER, json!({"cmd":"score","project":"FX-01","indicator":LEAF,"input":{"direct":{"value":"2"}}}));
    assert!(m.contains("已复核"), "{m}");
    ok(&local, LEAD, json!({"cmd":"unreview_score","project":"FX-01","indicator":LEAF,"reason":"补充了批复"}));
    assert_eq!(state(&local), ReviewState::Unreviewed);
}

#[test]
fn 质量复核人可以做二级复核_只有负责人能指定() {
    let (_dir, local) = project(LEAD);
    let m = refused(&local, MEMBER, json!({"cmd":"set_quality_reviewer","project":"FX-01","user":OTHER}));
    assert!(m.contains("项目负责人"), "{m}");
    let m = refused(&local, LEAD, json!({"cmd":"set_quality_reviewer","project":"FX-01","user":"zhaoliu"}));
    assert!(m.contains("不在项目组"), "{m}");
    ok(&local, LEAD, json!({"cmd":"set_quality_reviewer","project":"FX-01","user":OTHER}));
    assert_eq!(local.reviews("FX-01").unwrap().quality_reviewer.as_deref(), Some(OTHER));
    review(&local, MEMBER).unwrap();
    review(&local, OTHER).unwrap();
    assert_eq!(state(&local), ReviewState::Second);
}

#[test]
fn 退回_答复_改分_按顺序留存() {
    let (_dir, local) = project(OTHER);
    // 答复只在有退回时才有意义。
    let m = refused(&local, OTHER, json!({"cmd":"answer_review","project":"FX-01","indicator":LEAF,"answer":"无"}));
    assert!(m.contains("没有待答复的退回"), "{m}");
    let m = refused(&local, MEMBER, json!({"cmd":"return_score","project":"FX-01","indicator":LEAF,"note":" "}));
    assert!(m.contains("复核意见"), "{m}");
    ok(&local, MEMBER, json!({"cmd":"return_score","project":"FX-01","indicator":LEAF,"note":"缺少立项批复文件"}));
    assert_eq!(state(&local), ReviewState::Returned);
    // 退回未答复时不能复核。
    assert!(review(&local, LEAD).is_err());
    // 评分人改分，再答复；只有评分人答复。
    score(&local, OTHER, "2.5", "补充批复后：立项依据基本充分");
    let m = refused(&local, MEMBER, json!({"cmd":"answer_review","project":"FX-01","indicator":LEAF,"answer":"已补"}));
    assert!(m.contains("评分人"), "{m}");
    ok(&local, OTHER, json!({"cmd":"answer_review","project":"FX-01","indicator":LEAF,"answer":"已补充省发改委立项批复，扣 0.5 分"}));
    assert_eq!(state(&local), ReviewState::Unreviewed);
    // 一级通过后，负责人二级退回，评分人只答复不改分：一级复核仍然有效。
    review(&local, MEMBER).unwrap();
    ok(&local, LEAD, json!({"cmd":"return_score","project":"FX-01","indicator":LEAF,"note":"扣分理由写具体些"}));
    ok(&local, OTHER, json!({"cmd":"answer_review","project":"FX-01","indicator":LEAF,"answer":"理由已在评分依据中写明"}));
    assert_eq!(state(&local), ReviewState::First);
    review(&local, LEAD).unwrap();

    let thread: Vec<(String, String)> = events(&local).iter().map(|e| (e.by().to_string(), e.text())).collect();
    let want = [
        (MEMBER, "一级复核退回：缺少立项批复文件"),
        (OTHER, "复核后修改（重新评分），复核失效"),
        (OTHER, "答复：已补充省发改委立项批复，扣 0.5 分"),
        (MEMBER, "一级复核通过"),
        (LEAD, "二级复核退回：扣分理由写具体些"),
        (OTHER, "答复：理由已在评分依据中写明"),
        (LEAD, "二级复核通过"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(thread, want);
    // 导出包带着复核链，导入后原样还在。
    let bundle = local.store().export(None).unwrap();
    assert_eq!(bundle.reviews.len(), 1);
    let dir2 = tempfile::tempdir().unwrap();
    let other = open(dir2.path());
    other.store().execute(&Command::Import { bundle: Box::new(bundle), merge: false }, &other.ctx()).unwrap();
    assert_eq!(events(&other), events(&local));
    assert_eq!(state(&other), ReviewState::Second);
    assert!(other.store().check().problems.is_empty());
}

#[test]
fn 复核后修改即退回未复核_并记下修改人() {
    let (_dir, local) = project(OTHER);
    review(&local, MEMBER).unwrap();
    assert_eq!(state(&local), ReviewState::First);
    // 另一位成员（不是原评分人）改了分：一级复核失效，记下是 zhangsan 改的。
    score(&local, LEAD, "2", "改为 2 分");
    assert_eq!(state(&local), ReviewState::Unreviewed);
    match events(&local).last() {
        Some(ReviewEvent::Changed { by, what, .. }) => {
            assert_eq!(by, LEAD);
            assert_eq!(what, "重新评分");
        }
        other => panic!("{other:?}"),
    }
    // 清除得分同样记下。
    review(&local, MEMBER).unwrap();
    ok(&local, OTHER, json!({"cmd":"clear_score","project":"FX-01","indicator":LEAF}));
    assert_eq!(state(&local), ReviewState::Unscored);
    assert!(matches!(events(&local).last(), Some(ReviewEvent::Changed { by, what, .. }) if by == OTHER && what == "清除得分"));
}

#[test]
fn 从历史恢复较早的评分_留有审计记录() {
    let (_dir, local) = project(OTHER);
    score(&local, OTHER, "2", "第二版");
    ok(&local, OTHER, json!({"cmd":"clear_score","project":"FX-01","indicator":LEAF}));
    // 第 1 版：3 分，"立项依据充分"。
    let out = ok(&local, MEMBER, json!({"cmd":"restore_score","project":"FX-01","indicator":LEAF,"version":1}));
    assert_eq!(out.score, Some("3".parse().unwrap()));
    let tree = local.tree("FX-01").unwrap();
    let node = tree.find(&jixiao::domain::IndicatorRef::Name(LEAF.into())).unwrap();
    let s = node.score.clone().unwrap();
    assert_eq!((s.value.to_string().as_str(), s.basis.as_str(), s.scorer.as_str()), ("3", "立项依据充分", MEMBER));
    // 审计记录写明恢复的是哪一版、内容是什么。
    let history = local.indicator_history("FX-01", node.id).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.actor, MEMBER);
    let v: Value = serde_json::from_str(&last.command).unwrap();
    assert_eq!(v["cmd"], "restore_score");
    assert_eq!(v["restored"]["version"], 1);
    assert_eq!(v["restored"]["basis"], "立项依据充分");
    // 恢复产生新的一版（第 3 版），可以再被恢复。
    let versions = jixiao::read::audit::paper_versions(&history);
    assert_eq!(versions.len(), 3);
    // 没有的版本：拒绝并说明有几版。
    let m = refused(&local, MEMBER, json!({"cmd":"restore_score","project":"FX-01","indicator":LEAF,"version":9}));
    assert!(m.contains("没有第 9 版") && m.contains("共有 3 版"), "{m}");
    // 已二审的底稿和评分一样不能恢复。
    review(&local, OTHER).unwrap();
    review(&local, LEAD).unwrap();
    let m = refused(&local, OTHER, json!({"cmd":"restore_score","project":"FX-01","indicator":LEAF,"version":2}));
    assert!(m.contains("已复核"), "{m}");
    // 调用方自己填的 restored 被忽略：内容总是从历史读出。
    ok(&local, LEAD, json!({"cmd":"unreview_score","project":"FX-01","indicator":LEAF,"reason":"重新核对"}));
    let forged = json!({"cmd":"restore_score","project":"FX-01","indicator":LEAF,"version":2,
        "restored":{"version":2,"input":{"direct":{"value":"0"}},"basis":"伪造","evidence":[],"by":"x","at":"2021-01-01T00:00:00Z"}});
    assert_eq!(ok(&local, OTHER, forged).score, Some("2".parse().unwrap()));
}

/// Copies a committed store (`fixtures/stores/NAME/store`) into a fresh data dir.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/stores").join(name).join("store");
    let to = dir.path().join("store");
    std::fs::create_dir_all(to.join("blobs")).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    dir
}

#[test]
fn 旧库的复核读作二级复核() {
    // 主分支（12be89c）写的库：立项依据充分性有当时的单级复核，资金使用合规性只评了分。
    let dir = copy_fixture("v2-single-review");
    let local = open(dir.path());
    assert!(local.store().check().problems.is_empty(), "{:?}", local.store().check().problems);
    let tree = local.tree("FX-01").unwrap();
    let reviews = local.reviews("FX-01").unwrap();
    assert!(reviews.chains.is_empty(), "旧库没有复核链");
    let node = |n: &str| tree.find(&jixiao::domain::IndicatorRef::Name(n.into())).unwrap();
    let reviewed = node(LEAF);
    assert_eq!(reviews.state(reviewed.id, reviewed.score.as_ref()), ReviewState::Second);
    assert_eq!(reviewed.score.as_ref().unwrap().reviewed.as_ref().unwrap().by, "root");
    let scored = node("资金使用合规性");
    assert_eq!(reviews.state(scored.id, scored.score.as_ref()), ReviewState::Unreviewed);
    // 旧的二级复核照常受保护：改分被拒，取消复核后才能改。
    let lead = tree_lead(&local);
    let m = refused(&local, &lead, json!({"cmd":"score","project":"FX-01","indicator":LEAF,"input":{"direct":{"value":"1"}}}));
    assert!(m.contains("已复核"), "{m}");
    ok(&local, &lead, json!({"cmd":"unreview_score","project":"FX-01","indicator":LEAF,"reason":"迁移后复查"}));
    let tree = local.tree("FX-01").unwrap();
    let n = tree.find(&jixiao::domain::IndicatorRef::Name(LEAF.into())).unwrap();
    assert_eq!(local.reviews("FX-01").unwrap().state(n.id, n.score.as_ref()), ReviewState::Unreviewed);
}

fn tree_lead(local: &Local) -> String {
    local.project("FX-01").unwrap().team.lead
}

#[test]
fn 复核级别写错_说明怎么写() {
    let (_dir, local) = project(OTHER);
    match run(&local, MEMBER, json!({"cmd":"review_score","project":"FX-01","indicator":LEAF,"level":3})) {
        Err(Error::Invalid { field, message, .. }) => {
            assert_eq!(field, "level");
            assert!(message.contains("写 1（一级）或 2（二级）"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
