//! A finding's 评价依据 and short title (issue 17, part 5): stored (schema 4: findings in
//! value frame 3), migrated from a store written before them, taken by the commands, and
//! printed by the notice: the title as the problem's heading, the 评价依据 as written, and per
//! finding only the points of the deductions that stem from it. A notice issued before keeps
//! its layout.

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Fetch, Local};
use jixiao::command::Command;
use jixiao::domain::Error;
use jixiao::export::notice::{self, A4_WIDTH};
use jixiao::store::{Ctx, Store, codec};
use jixiao::templates::Templates;
use serde_json::{Value, json};
use std::path::Path;

const ACTOR: &str = "zhangsan";
const BASIS_A: &str = "《中华人民共和国会计法》第十四条：会计凭证必须真实、完整，原始凭证应有经办人签名";
const BASIS_B: &str = "《预算法》第五十七条：各级政府财政部门应当及时、足额地拨付预算资金";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

fn ctx() -> Ctx {
    Ctx { actor: ACTOR.into(), now: Utc.with_ymd_and_hms(2026, 12, 4, 1, 0, 0).unwrap(), today: today() }
}

fn open(dir: &Path) -> Local {
    open_as(dir, ACTOR)
}

fn open_as(dir: &Path, actor: &str) -> Local {
    let store = Store::open_as(dir, Templates::builtin().unwrap(), ctx).unwrap();
    Local::new(store).with_clock(Clock::Fixed(ctx().now, today())).with_actor(actor)
}

fn run(local: &Local, v: Value) -> jixiao::command::Outcome {
    let c: Command = serde_json::from_value(v.clone()).unwrap();
    local.execute(&c).unwrap_or_else(|e| panic!("{v}\n→ {e}"))
}

fn refused(local: &Local, v: Value) -> Error {
    let c: Command = serde_json::from_value(v.clone()).unwrap();
    local.execute(&c).err().unwrap_or_else(|| panic!("{v} was accepted"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Lines without spaces (the text rendering wraps and indents).
fn squeeze(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("").replace([' ', '\u{3000}'], "")
}

/// fixtures/stores/dates-v2 (schema 2, values framed as version 2): one published finding,
/// one item issued in 财绩整〔2026〕1号. Opened, it is migrated: the finding reads back with
/// an empty 评价依据 and title, the issued copy still prints exactly as issued (its sha256
/// holds) in the layout of then, and `check` is clean.
#[test]
fn 旧库的问题读回空的评价依据和标题_下发副本照旧() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/stores/dates-v2"), dir.path());
    use std::os::unix::fs::PermissionsExt;
    for p in [dir.path().to_path_buf(), dir.path().join("store")] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    // The fixture was written as root, its project's lead.
    let local = open_as(dir.path(), "root");
    let findings = local.findings("ZD21-06").unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.body.text, "普查员劳务费发放表部分缺少领取人签字");
    assert_eq!((f.body.basis.as_str(), f.body.title.as_str()), ("", ""));
    assert_eq!(f.body.heading(), "财务管理欠规范", "no title: the category heads it, as before");

    let copy = notice::load_issued(&local, "财绩整〔2026〕1号").unwrap().expect("issued copy");
    assert_eq!(copy.layout, 1);
    let text = copy.verified_text().unwrap();
    let flat = squeeze(&text);
    assert!(flat.contains("一、财务管理欠规范"), "{text}");
    assert!(flat.contains("评价依据：问题类别为“财务管理欠规范”，严重程度：一般。"), "layout 1 as issued: {text}");
    assert!(!flat.contains("涉及指标") && !flat.contains("问题类别："), "{text}");
    assert!(local.store().check().is_clean(), "{:?}", local.store().check().problems);

    // A correction with 评价依据 and a title: today's rendering uses them, the issued copy not.
    let version = f.meta.version;
    run(
        &local,
        json!({"cmd":"revise_finding","finding":f.id,"expected_version":version,"text":f.body.text,"category":"财务管理欠规范","severity":"一般",
               "note":"补充评价依据","basis":BASIS_A,"title":"劳务费发放表缺少签字"}),
    );
    let f = &local.findings("ZD21-06").unwrap()[0];
    assert_eq!((f.body.basis.as_str(), f.body.title.as_str()), (BASIS_A, "劳务费发放表缺少签字"));
    assert_eq!((f.history[0].body.basis.as_str(), f.history[0].body.title.as_str()), ("", ""), "the revision before keeps its own");
    let copy = notice::load_issued(&local, "财绩整〔2026〕1号").unwrap().unwrap();
    assert_eq!(copy.verified_text().unwrap(), text, "an issued notice is kept exactly as issued");
    let today_doc = notice::load(&local, "财绩整〔2026〕1号", None).unwrap();
    let changed: Vec<String> = notice::changes(&copy.doc, &today_doc).iter().map(|c| c.line()).collect();
    assert!(changed.contains(&"问题一：标题 原 （未写） → 现 「劳务费发放表缺少签字」".to_string()), "{changed:?}");
    assert!(changed.iter().any(|l| l.starts_with("问题一：评价依据 原 （未写） → 现 「《中华人民共和国会计法》")), "{changed:?}");
    let current = squeeze(&notice::to_text(&today_doc, A4_WIDTH));
    assert!(current.contains("一、劳务费发放表缺少签字") && current.contains(&format!("评价依据：{BASIS_A}")), "{current}");
    drop(local);

    // Schema 4, the finding and the issued copy framed as version 3; a second open migrates nothing.
    let db = jixiao::store::heal::open_sled(&dir.path().join("store"), 64 << 20).unwrap();
    assert_eq!(db.open_tree("meta").unwrap().get(b"schema").unwrap().as_deref(), Some(&[4u8][..]));
    for tree in ["findings", "issued"] {
        for kv in db.open_tree(tree).unwrap().iter() {
            let (_, v) = kv.unwrap();
            assert_eq!(v[0], codec::SCHEMA, "{tree}");
            assert!(codec::checksum_holds(&v), "{tree}");
        }
    }
    drop(db);
    let local = open(dir.path());
    let migrations = local.store().audit_log().unwrap().into_iter().filter(|a| a.command.contains("\"migrate\"")).count();
    assert_eq!(migrations, 2, "2 → 3 and 3 → 4, once each");
}

/// A project whose leaf 资金使用合规性 (4 points) carries two findings' deductions: 1 point
/// stems from finding 1, 2 points from finding 2. Both findings have an item in one notice.
fn two_findings_on_one_leaf(local: &Local) -> String {
    run(
        local,
        json!({"cmd":"create_project","code":"ZD21-06","name":"2020年度人口普查工作经费","kind":"项目支出","fiscal_year":2020,"unit":"统计局","amount":"100"}),
    );
    run(
        local,
        json!({"cmd":"record_finding","project":"ZD21-06","text":"普查员劳务费发放表14人缺少领取人签字","category":"财务管理欠规范","severity":"较重",
               "indicators":["资金使用合规性"],"publish":true,"basis":BASIS_A,"title":"劳务费发放表缺少签字"}),
    );
    run(
        local,
        json!({"cmd":"record_finding","project":"ZD21-06","text":"第二批普查经费拨付滞后三个月","category":"资金拨付时间较晚","severity":"一般",
               "indicators":["资金使用合规性"],"publish":true,"basis":BASIS_B}),
    );
    run(
        local,
        json!({"cmd":"score","project":"ZD21-06","indicator":"资金使用合规性","basis":"抽查凭证",
               "input":{"deduction":{"deductions":[{"points":"1","reason":"签字不全","finding":1},{"points":"2","reason":"拨付滞后","finding":2}]}}}),
    );
    let a = run(local, json!({"cmd":"create_item","finding":1,"requirement":"补齐签字","due":"2027-03-31"})).id;
    let b = run(local, json!({"cmd":"create_item","finding":2,"requirement":"及时拨付","due":"2027-03-31"})).id;
    run(
        local,
        json!({"cmd":"issue_notice","override_reason":"测试：自检未通过，先行下发","project":"ZD21-06","items":[a,b],"issue_date":"2026-12-01","contact":"市财政局绩效评价股 0736-7201234"}),
    )
    .key
    .unwrap()
}

/// The text between a problem's heading and the next one.
fn problem(text: &str, heading: &str, next: &str) -> String {
    let from = text.find(heading).unwrap_or_else(|| panic!("{heading} in {text}"));
    let rest = &text[from..];
    let to = rest.find(next).unwrap_or(rest.len());
    rest[..to].to_string()
}

#[test]
fn 通知书按问题标题列题_写出评价依据_只计本问题的扣分() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    let number = two_findings_on_one_leaf(&local);
    let copy = notice::load_issued(&local, &number).unwrap().unwrap();
    assert_eq!(copy.layout, notice::TEXT_LAYOUT);
    let text = squeeze(&copy.verified_text().unwrap());
    // Finding 1: its own title, its own 评价依据, its own 1 point of the leaf's 3.
    let first = problem(&text, "一、劳务费发放表缺少签字", "二、");
    assert!(first.contains(&format!("评价依据：{BASIS_A}")), "{first}");
    assert!(first.contains("涉及指标：「资金使用合规性」（扣1.00分）"), "{first}");
    assert!(first.contains("问题类别：财务管理欠规范；严重程度：较重"), "{first}");
    // Finding 2 has no title: its category heads it; 2 points are its own.
    let second = problem(&text, "二、资金拨付时间较晚", "报送要求");
    assert!(second.contains(&format!("评价依据：{BASIS_B}")), "{second}");
    assert!(second.contains("「资金使用合规性」（扣2.00分）"), "{second}");
    assert!(!text.contains("扣3.00分"), "never the leaf's whole loss: {text}");
    // Markdown: the title is the heading.
    let md = notice::to_markdown(&notice::load(&local, &number, None).unwrap());
    assert!(md.contains("## 一、劳务费发放表缺少签字"), "{md}");
}

/// Generated Chinese text uses full-width punctuation: no ASCII , : ; ( ) " outside what the
/// user typed (these fixtures type none) and the Markdown syntax.
#[test]
fn 通知书的标点是全角() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    let number = two_findings_on_one_leaf(&local);
    let text = notice::load_issued(&local, &number).unwrap().unwrap().verified_text().unwrap();
    // The contact's phone number is the user's (0736-7201234); everything else is generated.
    for (n, line) in text.lines().enumerate() {
        let bad: Vec<char> = line.chars().filter(|c| ",:;()\"".contains(*c)).collect();
        assert!(bad.is_empty(), "line {}: {line:?} has ASCII {bad:?}", n + 1);
    }
    assert!(text.contains("（扣1.00分）") && text.contains("问题类别：") && text.contains("；严重程度："), "{text}");
}

#[test]
fn 标题和评价依据随命令保存_更正时不写则保留() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    two_findings_on_one_leaf(&local);
    let f = local.findings("ZD21-06").unwrap().into_iter().find(|f| f.id == 1).unwrap();
    assert_eq!((f.body.basis.as_str(), f.body.title.as_str()), (BASIS_A, "劳务费发放表缺少签字"));
    // A correction that leaves both out keeps them; one that gives them replaces them.
    run(
        &local,
        json!({"cmd":"revise_finding","finding":1,"text":"普查员劳务费发放表16人缺少领取人签字","category":"财务管理欠规范","severity":"较重","indicators":["资金使用合规性"],"note":"人数更正"}),
    );
    let f = local.findings("ZD21-06").unwrap().into_iter().find(|f| f.id == 1).unwrap();
    assert_eq!((f.body.basis.as_str(), f.body.title.as_str()), (BASIS_A, "劳务费发放表缺少签字"));
    assert_eq!(f.history.len(), 1);
    assert_eq!(f.history[0].body.title, "劳务费发放表缺少签字", "the revision keeps the fields too");
    // A title is one line of at most 40 characters; the error names the field and the fix.
    let e = refused(
        &local,
        json!({"cmd":"record_finding","project":"ZD21-06","text":"抽查凭证缺失","category":"档案资料不完整","severity":"一般","title":"凭证缺失\n第二行"}),
    );
    let msg = e.to_string();
    assert!(msg.contains("title") && msg.contains("只能写一行"), "{msg}");
    let long = "很".repeat(41);
    let e = refused(
        &local,
        json!({"cmd":"record_finding","project":"ZD21-06","text":"抽查凭证缺失","category":"档案资料不完整","severity":"一般","title":long}),
    );
    assert!(e.to_string().contains("41 个字，最多 40 个"), "{e}");
}
