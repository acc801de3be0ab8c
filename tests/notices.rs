//! Rectification notices: numbering (per prefix and year, never reused, configurable per year)
//! and the printable notice (`jixiao notice`, export::notice).

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Local, Query, Reply};
use jixiao::command::Command;
use jixiao::domain::money::fmt2;
use jixiao::domain::{Error, Notice, NoticeState};
use jixiao::export::notice::{self, A4_WIDTH, NoticeDoc, max_line_width, wrap};
use jixiao::store::Store;
use jixiao::templates::Templates;
use serde_json::json;
use std::process::Command as Process;

const ACTOR: &str = "zhangsan";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), today())
}

fn open(dir: &std::path::Path) -> Local {
    let store = Store::open(dir, Templates::builtin().unwrap()).unwrap();
    Local::new(store).with_clock(clock()).with_actor(ACTOR)
}

fn cmd(v: serde_json::Value) -> Command {
    serde_json::from_value(v).unwrap()
}

fn run(local: &Local, v: serde_json::Value) -> jixiao::command::Outcome {
    let c = cmd(v.clone());
    local.execute(&c).unwrap_or_else(|e| panic!("{v}\n→ {e}"))
}

fn refused(local: &Local, v: serde_json::Value) -> Error {
    match local.execute(&cmd(v.clone())) {
        Ok(o) => panic!("{v} was accepted: {o:?}"),
        Err(e) => e,
    }
}

/// A store with one project (ZD21-06) and one published finding; returns it.
fn small_store() -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    run(
        &local,
        json!({"cmd":"create_project","code":"ZD21-06","name":"2020年度人口普查工作经费","kind":"项目支出","fiscal_year":2020,"unit":"统计局","amount":"100"}),
    );
    run(
        &local,
        json!({"cmd":"record_finding","project":"ZD21-06","text":"普查员劳务费发放表 14 人缺少领取人签字","category":"财务管理欠规范","severity":"较重","amount":"3.6","indicators":["资金使用合规性"],"publish":true}),
    );
    (dir, local)
}

/// A new draft item due on `due`; returns its id.
fn draft(local: &Local, due: &str) -> u64 {
    run(local, json!({"cmd":"create_item","finding":1,"requirement":"补齐劳务费发放表签字，报送整改报告","due":due})).id
}

/// Issues one new draft item on `date` (prefix as given) and returns the notice number.
fn issue(local: &Local, date: &str, prefix: Option<&str>) -> String {
    let item = draft(local, "2027-12-31");
    let mut c = json!({"cmd":"issue_notice","override_reason":"测试：自检未通过，先行下发","project":"ZD21-06","items":[item],"issue_date":date,"contact":"市财政局绩效评价股 0736-7201234"});
    if let Some(p) = prefix {
        c["prefix"] = json!(p);
    }
    run(local, c).key.unwrap()
}

#[test]
fn numbers_restart_each_year() {
    let (_dir, local) = small_store();
    assert_eq!(issue(&local, "2026-12-30", None), "财绩整〔2026〕1号");
    assert_eq!(issue(&local, "2026-12-31", None), "财绩整〔2026〕2号");
    assert_eq!(issue(&local, "2027-01-02", None), "财绩整〔2027〕1号");
    assert_eq!(issue(&local, "2027-01-03", None), "财绩整〔2027〕2号");
    // Back-dated into 2026: that year's sequence goes on.
    assert_eq!(issue(&local, "2026-12-31", None), "财绩整〔2026〕3号");
}

#[test]
fn a_cancelled_number_is_never_reused() {
    let (_dir, local) = small_store();
    assert_eq!(issue(&local, "2026-11-01", None), "财绩整〔2026〕1号");
    let second = issue(&local, "2026-11-02", None);
    assert_eq!(second, "财绩整〔2026〕2号");
    run(&local, json!({"cmd":"cancel_notice","notice":second,"reason":"文号登记错误，重新发文"}));
    assert_eq!(issue(&local, "2026-11-03", None), "财绩整〔2026〕3号");
    // The items of the cancelled notice go out again under a new number, never 2号.
    let reissued = run(&local, json!({"cmd":"issue_notice","override_reason":"测试：自检未通过，先行下发","project":"ZD21-06","items":[2],"issue_date":"2026-11-04"})).key.unwrap();
    assert_eq!(reissued, "财绩整〔2026〕4号");
    let notices = notices_of(&local, "ZD21-06");
    let cancelled: Vec<&Notice> = notices.iter().filter(|n| n.state == NoticeState::Cancelled).collect();
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].number, "财绩整〔2026〕2号");
    assert_eq!(notices.iter().filter(|n| n.number == "财绩整〔2026〕2号").count(), 1);
}

#[test]
fn a_configured_prefix_applies_to_its_year_only() {
    let (_dir, local) = small_store();
    let o = run(&local, json!({"cmd":"set_notice_prefix","year":2027,"prefix":"衡财绩"}));
    assert_eq!(o.key.as_deref(), Some("衡财绩〔2027〕"));
    assert_eq!(issue(&local, "2026-12-31", None), "财绩整〔2026〕1号");
    assert_eq!(issue(&local, "2027-01-02", None), "衡财绩〔2027〕1号");
    assert_eq!(issue(&local, "2027-01-03", None), "衡财绩〔2027〕2号");
    // An explicit prefix still wins, with its own sequence.
    assert_eq!(issue(&local, "2027-01-04", Some("财绩督")), "财绩督〔2027〕1号");
    // Changing the year's prefix starts that prefix's own sequence; going back continues the old one.
    run(&local, json!({"cmd":"set_notice_prefix","year":2027,"prefix":"财绩整"}));
    assert_eq!(issue(&local, "2027-02-01", None), "财绩整〔2027〕1号");
    run(&local, json!({"cmd":"set_notice_prefix","year":2027,"prefix":"衡财绩"}));
    assert_eq!(issue(&local, "2027-02-02", None), "衡财绩〔2027〕3号");
    // The change is audited with the command's own text.
    let Reply::Audit(log) = local.query(&Query::Audit).unwrap() else { panic!("audit") };
    assert!(log.iter().any(|a| a.command.contains("set_notice_prefix") && a.command.contains("衡财绩") && a.actor == ACTOR));
}

#[test]
fn bad_prefixes_are_refused_with_the_reason() {
    let (_dir, local) = small_store();
    let cases = [
        ("", "1 到 16"),
        ("   ", "1 到 16"),
        ("一二三四五六七八九十一二三四五六七", "1 到 16"),
        ("财 绩整", "空白"),
        ("财\t绩整", "空白"),
        ("财绩整〔", "〔〕"),
        ("财〕绩", "〔〕"),
    ];
    for (prefix, why) in cases {
        let e = refused(&local, json!({"cmd":"set_notice_prefix","year":2026,"prefix":prefix}));
        let Error::Invalid { field, message, .. } = &e else { panic!("{prefix:?}: {e:?}") };
        assert_eq!(field, "prefix", "{prefix:?}");
        assert!(message.contains(why), "{prefix:?}: {message}");
    }
    // Sixteen characters are fine.
    run(&local, json!({"cmd":"set_notice_prefix","year":2026,"prefix":"一二三四五六七八九十一二三四五六"}));
    let e = refused(&local, json!({"cmd":"set_notice_prefix","year":20260,"prefix":"财绩整"}));
    assert!(matches!(&e, Error::Invalid { field, .. } if field == "year"), "{e:?}");
    // The same rule holds for a prefix given to issue_notice; nothing is issued.
    let item = draft(&local, "2026-12-31");
    let e = refused(
        &local,
        json!({"cmd":"issue_notice","override_reason":"测试：自检未通过，先行下发","project":"ZD21-06","items":[item],"issue_date":"2026-12-01","prefix":"财〔绩"}),
    );
    assert!(matches!(&e, Error::Invalid { field, .. } if field == "prefix"), "{e:?}");
    assert!(notices_of(&local, "ZD21-06").is_empty());
    assert_eq!(issue(&local, "2026-12-01", None), "一二三四五六七八九十一二三四五六〔2026〕1号");
}

fn notices_of(local: &Local, code: &str) -> Vec<Notice> {
    match local.query(&Query::Notices { project: code.into() }).unwrap() {
        Reply::Notices(ns) => ns,
        other => panic!("{other:?}"),
    }
}

// --- the printed notice --------------------------------------------------------------------

/// The demo store on the fixed clock, in `dir`.
fn demo_in(dir: &std::path::Path) -> Local {
    let local = open(dir);
    let seed = jixiao::demo::seed::parse(jixiao::demo::seed::CASES_TOML).unwrap();
    jixiao::demo::build::seed(local.store(), &local.ctx(), &seed).unwrap();
    local
}

fn all_notices(local: &Local) -> Vec<Notice> {
    let Reply::Projects(ps) = local.query(&Query::Projects).unwrap() else { panic!("projects") };
    ps.iter().flat_map(|p| notices_of(local, &p.code)).collect()
}

/// The demo notice with an extended item and an amount: its items have more than one due date.
fn extended_demo_notice(local: &Local) -> NoticeDoc {
    for n in all_notices(local) {
        let doc = notice::load(local, &n.number, None).unwrap();
        let extended = doc.items.iter().any(|i| i.due != i.original_due);
        let amount = doc.findings.iter().any(|f| doc.items.iter().any(|i| i.finding == f.id) && f.body.amount.is_some());
        if extended && amount && doc.tree.is_fully_scored() {
            return doc;
        }
    }
    panic!("the demo has no notice with an extended item and an amount");
}

/// Text without any whitespace, so that wrapped lines can be searched.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Every part DOMAIN.md §5 lists, as text the rendering must contain.
fn expected_parts(doc: &NoticeDoc) -> Vec<String> {
    let n = &doc.notice;
    let mut parts = vec![
        n.number.clone(),
        format!("关于《{}》绩效评价发现问题的整改通知", doc.project.name),
        format!("{}：", n.unit),
        cn(n.issue_date),
        format!("{}分", fmt2(doc.tree.total_score())),
        format!("评价等级为“{}”", doc.tree.result_label().unwrap()),
        "一、".into(),
        "整改报告".into(),
        "佐证资料".into(),
        n.contact.clone(),
        "逾期未整改或整改不到位的，将视情况调减或取消下年度预算安排".into(),
        "市财政局".into(),
    ];
    let latest = doc.items.iter().map(|i| i.due).max().unwrap();
    parts.push(format!("于{}前", cn(latest)));
    for (k, item) in doc.items.iter().enumerate() {
        let f = doc.findings.iter().find(|f| f.id == item.finding).unwrap();
        parts.push(f.body.text.clone());
        parts.push(f.body.category.clone());
        for node in &f.body.indicators {
            parts.push(doc.tree.node(*node).unwrap().name.clone());
        }
        if let Some(a) = f.body.amount {
            parts.push(format!("{}万元", fmt2(a)));
        }
        parts.push(item.requirement.clone());
        parts.push(format!("{}前", cn(item.due)));
        if item.due != item.original_due {
            parts.push(format!("原定期限{}", cn(item.original_due)));
        }
        parts.push(format!("{}、", notice::chinese_number(k + 1)));
    }
    parts
}

fn assert_has_parts(rendered: &str, doc: &NoticeDoc) {
    let flat = squeeze(rendered);
    for part in expected_parts(doc) {
        assert!(flat.contains(&squeeze(&part)), "missing 「{part}」 in\n{rendered}");
    }
}

#[test]
fn the_markdown_notice_has_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let local = demo_in(dir.path());
    let doc = extended_demo_notice(&local);
    let md = notice::to_markdown(&doc);
    assert_has_parts(&md, &doc);
    assert!(md.contains(&format!("# 关于《{}》", doc.project.name)), "{md}");
    assert!(md.contains("## 一、"), "{md}");
    assert!(md.contains("- **问题事实**："), "{md}");
    assert!(md.contains("原定期限"), "{md}");
    assert!(!md.contains("已作废"), "{md}");
}

#[test]
fn the_text_notice_has_every_part_and_fits_a4() {
    let dir = tempfile::tempdir().unwrap();
    let local = demo_in(dir.path());
    let doc = extended_demo_notice(&local);
    let txt = notice::to_text(&doc, A4_WIDTH);
    assert_has_parts(&txt, &doc);
    assert!(!txt.contains("**") && !txt.contains("# "), "{txt}");
    // Every demo notice, as printed, stays within the A4 line.
    for n in all_notices(&local) {
        let doc = notice::load(&local, &n.number, None).unwrap();
        let txt = notice::to_text(&doc, A4_WIDTH);
        assert!(max_line_width(&txt) <= A4_WIDTH, "{} is too wide:\n{txt}", n.number);
        assert_has_parts(&txt, &doc);
    }
}

#[test]
fn wrapping_counts_display_cells_and_keeps_punctuation_in_place() {
    let text = format!("{}，{}", "整".repeat(35), "资金7037.00万元（含0736-7201234号文件）。".repeat(6));
    for width in [20, 36, 72] {
        let lines = wrap(&text, width);
        for l in &lines {
            assert!(max_line_width(l) <= width, "{width}: {l}");
            assert!(!l.starts_with(['，', '。', '）']), "{width}: a line starts with closing punctuation: {l}");
            assert!(!l.ends_with('（'), "{width}: a line ends with opening punctuation: {l}");
        }
        assert_eq!(squeeze(&lines.concat()), squeeze(&text));
    }
    // An ASCII run longer than the line is still cut to fit.
    let long = "x".repeat(100);
    assert!(wrap(&long, 30).iter().all(|l| l.len() <= 30));
}

#[test]
fn a_cancelled_notice_is_marked_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let local = demo_in(dir.path());
    // The demo notice whose items have not moved yet can be cancelled.
    let n = all_notices(&local)
        .into_iter()
        .find(|n| {
            let doc = notice::load(&local, &n.number, None).unwrap();
            doc.items.iter().all(|i| i.state == jixiao::domain::ItemState::Issued)
        })
        .unwrap();
    run(&local, json!({"cmd":"cancel_notice","notice":n.number,"reason":"文号登记错误，重新发文"}));
    let doc = notice::load(&local, &n.number, None).unwrap();
    let md = notice::to_markdown(&doc);
    let txt = notice::to_text(&doc, A4_WIDTH);
    for text in [&md, &txt] {
        assert!(text.contains("【已作废】"), "{text}");
        assert!(squeeze(text).contains("作废原因：文号登记错误，重新发文"), "{text}");
    }
    assert!(md.starts_with("> **【已作废】"), "{md}");
    assert!(txt.trim_start().starts_with("【已作废】"), "{txt}");
    assert!(max_line_width(&txt) <= A4_WIDTH, "{txt}");
}

#[test]
fn an_unscored_project_says_so_and_the_renderer_needs_no_store() {
    let (_dir, local) = small_store();
    let number = issue(&local, "2026-12-01", None);
    let mut doc = notice::load(&local, &number, Some("某某市财政局")).unwrap();
    let txt = notice::to_text(&doc, A4_WIDTH);
    assert!(txt.contains("评分未完成"), "{txt}");
    assert!(!txt.contains("评价等级为"), "{txt}");
    assert!(txt.contains("某某市财政局"), "{txt}");
    assert!(squeeze(&txt).contains("3.60万元"), "{txt}");
    // The rendering is a function of the data: edit the data, not the store.
    doc.items[0].original_due = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
    doc.notice.contact = String::new();
    doc.issuer = notice::issuer_from_contact("某县财政局绩效股 123");
    let md = notice::to_markdown(&doc);
    assert!(md.contains("原定期限2027年6月30日"), "{md}");
    assert!(md.contains("联系人及电话**：\\_\\_"), "{md}");
    assert!(md.contains("某县财政局"), "{md}");
    assert_eq!(notice::issuer_from_contact("李会计 0736-1234"), notice::DEFAULT_ISSUER);
}

#[test]
fn an_ex_ante_notice_gives_the_conclusion() {
    let (_dir, local) = small_store();
    run(
        &local,
        json!({"cmd":"create_project","code":"SQ-01","name":"城区智慧停车项目","kind":"事前绩效评估","fiscal_year":2027,"unit":"城管局","amount":"600"}),
    );
    for (leaf, value) in
        [("立项必要性", "18"), ("投入经济性", "15"), ("绩效目标合理性", "16"), ("实施方案可行性", "14"), ("筹资合规性", "17.5")]
    {
        run(&local, json!({"cmd":"score","project":"SQ-01","indicator":leaf,"input":{"direct":{"value":value}},"basis":"评估"}));
    }
    run(
        &local,
        json!({"cmd":"record_finding","project":"SQ-01","text":"收费标准测算依据不足","category":"立项依据不足","severity":"一般","indicators":["投入经济性"],"publish":true}),
    );
    let item = run(&local, json!({"cmd":"create_item","finding":2,"requirement":"补充收费标准测算","due":"2026-12-31"})).id;
    let number = run(&local, json!({"cmd":"issue_notice","override_reason":"测试：自检未通过，先行下发","project":"SQ-01","items":[item],"issue_date":"2026-12-01"})).key.unwrap();
    let doc = notice::load(&local, &number, None).unwrap();
    let txt = squeeze(&notice::to_text(&doc, A4_WIDTH));
    assert!(txt.contains("事前绩效评估发现问题的整改通知"), "{txt}");
    assert!(txt.contains("80.50分") && txt.contains("评估结论为“调整完善后予以支持”"), "{txt}");
    // Scored directly (no deduction stems from the finding): the leaf is named, no points
    // charged to this finding (a notice charges a finding only its own deductions).
    assert!(txt.contains("涉及指标：「投入经济性」") && !txt.contains("扣5.00分"), "{txt}");
    assert!(txt.contains("（发文机关）"), "{txt}");
}

// --- the command line --------------------------------------------------------------------------

fn jixiao(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(dir).args(args).env("LANG", "zh_CN.UTF-8").output().unwrap()
}

#[test]
fn the_cli_prints_a_notice_and_refuses_an_unknown_number() {
    let dir = tempfile::tempdir().unwrap();
    let (number, unit) = {
        let local = demo_in(dir.path());
        let n = all_notices(&local).into_iter().next().unwrap();
        (n.number, n.unit)
    }; // the store is closed before the CLI opens it
    let out = jixiao(dir.path(), &["notice", &number]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let txt = String::from_utf8(out.stdout).unwrap();
    assert!(txt.contains(&number) && txt.contains(&format!("{unit}：")), "{txt}");
    assert!(max_line_width(&txt) <= A4_WIDTH, "{txt}");

    // [2026] for 〔2026〕 and a missing 号 are understood.
    let typed = number.replace('〔', "[").replace('〕', "]").trim_end_matches('号').to_string();
    let out = jixiao(dir.path(), &["notice", &typed, "--format", "md"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("## 一、"));

    let file = dir.path().join("通知书.md");
    let out = jixiao(dir.path(), &["notice", &number, "-o", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("**") && written.contains(&number), "{written}");

    let out = jixiao(dir.path(), &["notice", "财绩整〔2030〕99号"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("财绩整〔2030〕99号"), "{err}");
    assert!(err.contains(&number), "the error lists the numbers there are: {err}");
    assert!(err.contains("jixiao ledger"), "{err}");
}
