//! Issue 12, "issued notices are frozen": a notice is kept as issued inside `issue_notice`,
//! `jixiao notice NUMBER` reprints exactly that (its sha256 the one recorded) whatever changes
//! later, `--current` renders today's records and what changed, the copy survives export and
//! import byte for byte, a damaged copy is named by `check` and refused by `notice`, and the
//! ledger names the notice each item was issued under.

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Fetch, Local};
use jixiao::command::Command;
use jixiao::export::ledger_xlsx::{HEADER_ROW, xlsx_headers};
use jixiao::export::notice::{self, A4_WIDTH, IssuedNotice, changes};
use jixiao::read::issued::sha256_hex;
use jixiao::store::Store;
use jixiao::store::codec;
use jixiao::templates::Templates;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command as Process, Output, Stdio};

const NUMBER: &str = "财绩整〔2026〕1号";
const CONTACT: &str = "市财政局绩效评价股 0736-7201234";

fn bin(data: &Path, args: &[&str]) -> Output {
    Process::new(env!("CARGO_BIN_EXE_jixiao"))
        .env_remove("LANG")
        .env_remove("JIXIAO_DATA")
        .env_remove("COLUMNS")
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// `jixiao exec` with these commands as JSON lines; every one must succeed.
fn exec(data: &Path, flags: &[&str], lines: &[Value]) {
    let mut child = Process::new(env!("CARGO_BIN_EXE_jixiao"))
        .env_remove("LANG")
        .env_remove("JIXIAO_DATA")
        .arg("--data")
        .arg(data)
        .args(flags)
        .arg("exec")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    assert!(out.status.success(), "exec: {}{}", text(&out.stdout), text(&out.stderr));
}

/// A project (ZD21-06), one published finding, two items issued in 财绩整〔2026〕1号 on
/// 2026-11-22 (due 2026-12-20 and 2027-03-31), and a third item left a draft.
fn setup() -> Vec<Value> {
    vec![
        json!({"cmd":"create_project","code":"ZD21-06","name":"2020年度人口普查工作经费","kind":"项目支出","fiscal_year":2020,"unit":"统计局","amount":"100"}),
        json!({"cmd":"record_finding","project":"ZD21-06","text":"普查员劳务费发放表 14 人缺少领取人签字","category":"财务管理欠规范","severity":"较重","amount":"3.6","indicators":["资金使用合规性"],"publish":true}),
        json!({"cmd":"create_item","finding":1,"requirement":"补齐劳务费发放表签字，报送整改报告","due":"2026-12-20"}),
        json!({"cmd":"create_item","finding":1,"requirement":"修订劳务费发放管理办法","due":"2027-03-31"}),
        json!({"cmd":"create_item","finding":1,"requirement":"对普查员开展财务制度培训","due":"2027-04-30"}),
        json!({"cmd":"issue_notice","override_reason":"测试：自检未通过，先行下发","project":"ZD21-06","items":[1,2],"issue_date":"2026-11-22","contact":CONTACT}),
    ]
}

/// What happens after issue: an approved extension on item 1, item 2 started, the finding revised.
fn later() -> Vec<Value> {
    vec![
        json!({"cmd":"request_extension","item":1,"reason":"发放表需逐村补签","due":"2027-01-15","date":"2026-11-25"}),
        json!({"cmd":"approve_extension","item":1,"date":"2026-11-26"}),
        json!({"cmd":"start_item","item":2,"date":"2026-12-02"}),
        json!({"cmd":"revise_finding","finding":1,"text":"普查员劳务费发放表 12 人缺少领取人签字","category":"财务管理欠规范","severity":"较重","amount":"3.6","indicators":["资金使用合规性"],"note":"复核发放表后更正人数"}),
    ]
}

fn bundle(data: &Path) -> Value {
    serde_json::from_slice(&ok(bin(data, &["export"])).stdout).unwrap()
}

#[test]
fn a_notice_reprints_as_issued_after_an_extension_and_current_lists_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    // Through the server started on demand: the issued copy travels the socket.
    exec(&data, &[], &setup());
    let issued_txt = ok(bin(&data, &["notice", NUMBER])).stdout;
    let issued_md = ok(bin(&data, &["notice", NUMBER, "--format", "md"])).stdout;
    assert!(text(&issued_txt).contains("2026年12月20日前"), "{}", text(&issued_txt));

    exec(&data, &[], &later());
    let out = ok(bin(&data, &["notice", NUMBER]));
    assert_eq!(text(&out.stdout), text(&issued_txt), "the notice reprints byte for byte as issued");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    assert_eq!(ok(bin(&data, &["notice", NUMBER, "--format", "md"])).stdout, issued_md);
    let b = bundle(&data);
    assert_eq!(b["issued"].as_array().unwrap().len(), 1);
    assert_eq!(b["issued"][0]["text_sha256"], sha256_hex(&issued_txt), "the recorded sha256 is the printed text's");

    // Today's state: the new due date with the original, then the change list.
    let current = text(&ok(bin(&data, &["notice", NUMBER, "--current"])).stdout);
    assert!(current.contains("2027年1月15日前（原定期限2026年12月20日，经批准延期）"), "{current}");
    assert!(current.contains("普查员劳务费发放表 12 人缺少领取人签字"), "{current}");
    let list = &current[current.find("下发后的变化").expect("a change list")..];
    assert!(
        list.contains("整改事项（1）「补齐劳务费发放表签字，报送整…」：整改期限 原 2026-12-20 → 现 2027-01-15（延期已批准）"),
        "{list}"
    );
    assert!(list.contains("整改事项（2）「修订劳务费发放管理办法」：状态 原 已下达 → 现 整改中"), "{list}");
    assert!(list.contains("问题一：问题事实 原 「普查员劳务费发放表 14 人缺少领取人签字」 → 现 「普查员劳务费发放表 12 人缺少领取人签字」（已修订：复核发放表后更正人数）"), "{list}");
    let current_md = text(&ok(bin(&data, &["notice", NUMBER, "--current", "--format", "md"])).stdout);
    assert!(current_md.contains("\n---\n\n下发后的变化"), "{current_md}");

    // Export → import into a fresh store: the copy comes along byte for byte.
    let file = dir.path().join("备份.json");
    ok(bin(&data, &["export", "-o", file.to_str().unwrap()]));
    let fresh = dir.path().join("b");
    ok(bin(&fresh, &["import", file.to_str().unwrap()]));
    assert_eq!(ok(bin(&fresh, &["notice", NUMBER])).stdout, issued_txt);
    assert_eq!(bundle(&fresh)["issued"], b["issued"]);
    let report = text(&ok(bin(&fresh, &["check"])).stdout);
    assert!(report.contains("通知书留存副本"), "{report}");

    // The ledger names the notice: in the table at 120 columns, the CSV and the XLSX.
    let csv = text(&ok(bin(&data, &["ledger", "--format", "csv"])).stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].contains(",逾期天数,最近审核,通知书,评价报告,涉及金额（万元）,事项ID"), "{}", lines[0]);
    assert_eq!(lines.iter().filter(|l| l.contains(NUMBER)).count(), 2, "{csv}");
    let draft = lines.iter().find(|l| l.contains("对普查员开展财务制度培训")).unwrap();
    assert!(draft.contains("草稿") && !draft.contains("财绩整"), "a draft has no notice: {draft}");
    let table = ok(Process::new(env!("CARGO_BIN_EXE_jixiao"))
        .env_remove("LANG")
        .env("COLUMNS", "120")
        .arg("--data")
        .arg(&data)
        .args(["ledger", "--format", "table"])
        .output()
        .unwrap());
    let table = text(&table.stdout);
    assert!(table.lines().next().unwrap().contains("通知书"), "{table}");
    assert!(table.contains(NUMBER), "{table}");
    let xlsx = dir.path().join("台账.xlsx");
    ok(bin(&data, &["ledger", "-o", xlsx.to_str().unwrap()]));
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = book.worksheet_range("整改台账").unwrap();
    // The XLSX has two title rows above its headers and a 合计 row below the items.
    let col = xlsx_headers(false).iter().position(|h| *h == "通知书").unwrap();
    let header = HEADER_ROW as usize;
    assert_eq!(range.get((header, col)), Some(&Data::String("通知书".into())));
    let numbers: Vec<Data> = (header + 1..range.height() - 1).map(|r| range.get((r, col)).cloned().unwrap_or(Data::Empty)).collect();
    assert_eq!(numbers, vec![Data::String(NUMBER.into()), Data::String(NUMBER.into()), Data::Empty]);
}

// --- in-process stores, damaged on purpose ------------------------------------------------

fn open(data: &Path) -> Local {
    let store = Store::open(data, Templates::builtin().unwrap()).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    Local::new(store).with_clock(Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), today)).with_actor("zhangsan")
}

fn run(local: &Local, lines: &[Value]) {
    for l in lines {
        let c: Command = serde_json::from_value(l.clone()).unwrap();
        local.execute(&c).unwrap_or_else(|e| panic!("{l}\n→ {e}"));
    }
}

/// The stored copy's key and bytes, straight from sled.
fn stored(data: &Path) -> (Vec<u8>, Vec<u8>) {
    let db = jixiao::store::heal::open_sled(&data.join("store"), 64 << 20).unwrap();
    let (k, v) = db.open_tree("issued").unwrap().iter().next().expect("an issued copy").unwrap();
    (k.to_vec(), v.to_vec())
}

fn put(data: &Path, key: &[u8], value: Option<&[u8]>) {
    let db = jixiao::store::heal::open_sled(&data.join("store"), 64 << 20).unwrap();
    let tree = db.open_tree("issued").unwrap();
    match value {
        Some(v) => tree.insert(key, v).unwrap(),
        None => tree.remove(key).unwrap(),
    };
    db.flush().unwrap();
}

#[test]
fn a_damaged_copy_is_named_by_check_and_refused_by_notice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    run(&open(data), &setup());
    let good_txt = ok(bin(data, &["--local", "notice", NUMBER])).stdout;
    let (key, good) = stored(data);

    // A flipped byte: the checksum names the record.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0xff;
    put(data, &key, Some(&bad));
    let out = bin(data, &["--local", "check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let report = text(&out.stdout);
    assert!(report.contains("通知书留存副本 key 0000000000000001: 已损坏"), "{report}");
    let out = bin(data, &["--local", "notice", NUMBER]);
    assert!(!out.status.success() && out.stdout.is_empty());
    assert!(text(&out.stderr).contains("数据损坏"), "{}", text(&out.stderr));

    // Rewritten with a checksum that holds (the text changed behind jixiao's back): the sha256
    // of the re-rendered text is what gives it away.
    let mut copy: IssuedNotice = codec::decode(&good, "副本").unwrap();
    copy.doc.items[0].due = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
    put(data, &key, Some(&codec::encode(&copy)));
    let out = bin(data, &["--local", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("通知书留存副本 key 0000000000000001: 已损坏") && report.contains("sha256"), "{report}");
    let out = bin(data, &["--local", "notice", NUMBER]);
    assert!(!out.status.success() && out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains(NUMBER) && err.contains("sha256") && err.contains("jixiao check") && err.contains("--current"), "{err}");

    // Restored: clean again and printing as before.
    put(data, &key, Some(&good));
    assert_eq!(bin(data, &["--local", "check"]).status.code(), Some(0));
    assert_eq!(ok(bin(data, &["--local", "notice", NUMBER])).stdout, good_txt);

    // A notice issued before jixiao kept copies: today's state, and a line on stderr.
    put(data, &key, None);
    let out = ok(bin(data, &["--local", "notice", NUMBER]));
    assert!(text(&out.stderr).contains("没有留存副本"), "{}", text(&out.stderr));
    assert_eq!(out.stdout, good_txt, "nothing changed since, so today's state prints the same");
    let out = ok(bin(data, &["--local", "notice", NUMBER, "--current"]));
    assert!(text(&out.stderr).contains("无法列出下发后的变化"), "{}", text(&out.stderr));
    assert_eq!(bin(data, &["--local", "check"]).status.code(), Some(0), "a notice without a copy is not a problem");
}

#[test]
fn a_cancelled_notice_prints_as_issued_under_the_void_mark_and_keeps_its_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut lines = setup();
    lines[5]["issuer"] = json!("某某县财政局");
    let local = open(data);
    run(&local, &lines);
    let copy = local.issued_notice(NUMBER).unwrap().expect("a copy");
    assert_eq!(copy.doc.issuer, "某某县财政局");
    assert_eq!(copy.layout, jixiao::read::issued::TEXT_LAYOUT);
    let issued = copy.verified_text().unwrap();
    assert!(issued.contains("某某县财政局"), "{issued}");
    // By id too, and an unknown number is NotFound.
    assert_eq!(local.issued_notice("1").unwrap(), Some(copy.clone()));
    assert!(local.issued_notice("财绩整〔2030〕9号").is_err());
    run(&local, &[json!({"cmd":"cancel_notice","notice":NUMBER,"reason":"文号登记错误，重新发文"})]);
    assert_eq!(local.issued_notice(NUMBER).unwrap(), Some(copy), "cancelling never rewrites the copy");
    drop(local);

    let out = ok(bin(data, &["--local", "notice", NUMBER]));
    let shown = text(&out.stdout);
    assert!(shown.trim_start().starts_with("【已作废】"), "{shown}");
    assert!(shown.contains("作废原因：文号登记错误，重新发文"), "{shown}");
    assert!(shown.ends_with(&format!("\n\n{issued}")), "the issued text follows the mark unchanged: {shown}");
    assert!(text(&out.stderr).contains("下发后已作废"), "{}", text(&out.stderr));
    let md = text(&ok(bin(data, &["--local", "notice", NUMBER, "--format", "md"])).stdout);
    assert!(md.starts_with("> **【已作废】**"), "{md}");

    // The issued copy's issuer is fixed; another one is for --current.
    let out = bin(data, &["--local", "notice", NUMBER, "--issuer", "市财政局"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--current"), "{}", text(&out.stderr));
    let current = text(&ok(bin(data, &["--local", "notice", NUMBER, "--current", "--issuer", "市财政局"])).stdout);
    assert!(current.contains("市财政局") && current.contains("通知书：状态 原 已下发 → 现 已作废（作废原因：文号登记错误，重新发文）"));
    assert!(current.contains("整改事项（1）「补齐劳务费发放表签字，报送整…」：状态 原 已下达 → 现 草稿"), "{current}");
}

/// `changes` is a pure function of two documents: no store needed once they are gathered.
#[test]
fn changes_compare_the_issued_document_with_todays() {
    let dir = tempfile::tempdir().unwrap();
    let local = open(dir.path());
    run(&local, &setup());
    let issued = local.issued_notice(NUMBER).unwrap().unwrap().doc;
    assert_eq!(changes(&issued, &notice::load(&local, NUMBER, None).unwrap()), vec![], "nothing changed yet");
    assert_eq!(sha256_hex(notice::to_text(&issued, A4_WIDTH).as_bytes()), local.issued_notice(NUMBER).unwrap().unwrap().text_sha256);

    let mut today = issued.clone();
    today.items[1].state = jixiao::domain::ItemState::Closed;
    today.items[1].closed_on = NaiveDate::from_ymd_opt(2027, 1, 8);
    today.items[0].due = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    today.findings[0].body.severity = jixiao::domain::Severity::Minor;
    let lines: Vec<String> = changes(&issued, &today).iter().map(|c| c.line()).collect();
    assert_eq!(
        lines,
        vec![
            "问题一：严重程度 原 较重 → 现 一般".to_string(),
            "整改事项（1）「补齐劳务费发放表签字，报送整…」：整改期限 原 2026-12-20 → 现 2027-02-01（期限已调整）".to_string(),
            "整改事项（2）「修订劳务费发放管理办法」：状态 原 已下达 → 现 已销号（2027-01-08 销号）".to_string(),
        ]
    );
    // Ids renumbered by an import: items are matched by their place in the notice.
    let mut renumbered = today.clone();
    for (k, it) in renumbered.items.iter_mut().enumerate() {
        it.id = 100 + k as u64;
    }
    renumbered.notice.items = vec![100, 101];
    assert_eq!(changes(&issued, &renumbered), changes(&issued, &today));
    let text = notice::changes_text(NUMBER, &changes(&issued, &today));
    assert!(text.starts_with(&format!("下发后的变化（对照 {NUMBER} 下发时留存的原文）：\n1. 问题一")), "{text}");
    assert_eq!(notice::changes_text(NUMBER, &[]).lines().last(), Some("没有变化。"));
}

/// Every (key, value) of the `issued` tree, raw.
fn issued_tree(data: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let db = jixiao::store::heal::open_sled(&data.join("store"), 64 << 20).unwrap();
    db.open_tree("issued").unwrap().iter().map(|kv| kv.unwrap()).map(|(k, v)| (k.to_vec(), v.to_vec())).collect()
}

#[test]
fn export_and_import_keep_the_copy_byte_for_byte_even_when_ids_are_renumbered() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    let local = open(&a);
    run(&local, &setup());
    let bundle = local.store().export(None).unwrap();
    assert_eq!(bundle.issued.len(), 1);
    drop(local);
    let import = Command::Import { bundle: Box::new(bundle.clone()), merge: false };

    // Into an empty store: same ids, same bytes.
    open(&b).execute(&import).unwrap();
    assert_eq!(issued_tree(&b), issued_tree(&a));

    // Into a store whose ids are taken: the notice gets a new id, its copy follows it unchanged.
    let other = open(&c);
    run(
        &other,
        &[
            json!({"cmd":"create_project","code":"ZD21-01","name":"融媒体中心运行经费","kind":"项目支出","fiscal_year":2020,"unit":"县融媒体中心","amount":"50"}),
            json!({"cmd":"record_finding","project":"ZD21-01","text":"设备采购未履行政府采购程序","category":"采购或合同不合规","severity":"重大","indicators":["资金使用合规性"],"publish":true}),
            json!({"cmd":"create_item","finding":1,"requirement":"补办采购手续","due":"2026-12-31"}),
            json!({"cmd":"issue_notice","override_reason":"测试：自检未通过，先行下发","project":"ZD21-01","items":[1],"issue_date":"2026-11-20","contact":CONTACT,"prefix":"衡财绩"}),
        ],
    );
    other.execute(&import).unwrap();
    let today = other.notice(NUMBER).unwrap();
    assert_ne!(today.id, bundle.notices[0].id, "the id was taken, so the notice was renumbered");
    let copy = other.issued_notice(NUMBER).unwrap().expect("the copy came along");
    assert_eq!(copy, bundle.issued[0]);
    assert!(changes(&copy.doc, &notice::load(&other, NUMBER, None).unwrap()).is_empty(), "matched by place, not by the old ids");
    drop(other);
    let (_, a_value) = &issued_tree(&a)[0];
    assert!(issued_tree(&c).iter().any(|(_, v)| v == a_value), "the stored bytes are the same");
    assert_eq!(bin(&c, &["--local", "check"]).status.code(), Some(0), "{}", text(&bin(&c, &["--local", "check"]).stdout));

    // A copy altered in the file rejects the import, naming it.
    let mut tampered = bundle.clone();
    tampered.issued[0].doc.items[0].requirement = "无需整改".into();
    let d = dir.path().join("d");
    let err = open(&d).execute(&Command::Import { bundle: Box::new(tampered), merge: false }).unwrap_err().to_string();
    assert!(err.contains(NUMBER) && err.contains("sha256"), "{err}");
}
