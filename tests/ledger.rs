//! The rectification ledger (整改台账): filters, totals and the CSV / JSON / table
//! renderings (the XLSX is tests/ledger_xlsx.rs) over the demo store on a fixed clock, and
//! `jixiao ledger` through the binary.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Local};
use jixiao::command::Command;
use jixiao::domain::tree::IndicatorRef;
use jixiao::domain::{ItemState, RectItem, Severity};
use jixiao::export::ledger::{self, HEADERS, LedgerFilter, LedgerRow};
use jixiao::store::Store;
use jixiao::templates::Templates;
use rust_decimal::Decimal;
use std::path::Path;
use std::process::Output;
use unicode_width::UnicodeWidthStr;

const ACTOR: &str = "zhangsan";
/// The formula-looking finding text added on top of the demo: a comma, quotes, a leading `=`.
const FORMULA_TEXT: &str = "=HYPERLINK(\"http://x\"),点击查看";
const PLUS_REQUIREMENT: &str = "+86 电话回访，核实整改";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

struct Env {
    dir: tempfile::TempDir,
    local: Local,
    /// The item answering the formula-looking finding.
    formula_item: u64,
}

/// The demo on 2026-11-22, plus one finding (with an amount) whose text looks like a formula.
fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Templates::builtin().unwrap()).unwrap();
    let clock = Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), today());
    let local = Local::new(store).with_clock(clock).with_actor(ACTOR);
    let seed = jixiao::demo::seed::parse(jixiao::demo::seed::CASES_TOML).unwrap();
    jixiao::demo::build::seed(local.store(), &local.ctx(), &seed).unwrap();
    let formula_item = add_formula_finding(&local);
    Env { dir, local, formula_item }
}

fn add_formula_finding(local: &Local) -> u64 {
    let pid = local.store().project_by_code("ZD21-01").unwrap().id;
    let leaf = local.store().tree_of(pid).unwrap().leaves().next().unwrap().id;
    let finding = local
        .execute(&Command::RecordFinding {
            project: "ZD21-01".into(),
            text: FORMULA_TEXT.into(),
            category: "档案资料不完整".into(),
            severity: Severity::Serious,
            amount: Some(Decimal::new(1250, 2)),
            indicators: vec![IndicatorRef::Id(leaf)],
            evidence: vec![],
            publish: true,
            basis: String::new(),
            title: String::new(),
        })
        .unwrap()
        .id;
    let item = Command::CreateItem {
        finding,
        requirement: PLUS_REQUIREMENT.into(),
        unit: None,
        contact: "王五".into(),
        due: Some(today() + Duration::days(10)),
    };
    local.execute(&item).unwrap().id
}

impl Env {
    fn items(&self) -> Vec<RectItem> {
        self.local.store().all_items().unwrap()
    }
    fn ledger(&self, filter: &LedgerFilter) -> Vec<LedgerRow> {
        ledger::build(&self.local, filter, today()).unwrap()
    }
    fn all(&self) -> Vec<LedgerRow> {
        self.ledger(&LedgerFilter::default())
    }
    fn row(&self, item: u64) -> LedgerRow {
        self.all().into_iter().find(|r| r.item_id == item).unwrap()
    }
}

fn ids(rows: &[LedgerRow]) -> Vec<u64> {
    let mut ids: Vec<u64> = rows.iter().map(|r| r.item_id).collect();
    ids.sort();
    ids
}

fn ids_where(env: &Env, keep: impl Fn(&RectItem) -> bool) -> Vec<u64> {
    let mut ids: Vec<u64> = env.items().iter().filter(|i| keep(i)).map(|i| i.id).collect();
    ids.sort();
    ids
}

// ------------------------------------------------------------------ model and filters

#[test]
fn every_item_once_sorted_by_project_finding_and_item() {
    let env = env();
    let rows = env.all();
    assert_eq!(ids(&rows), ids_where(&env, |_| true));
    assert!(rows.len() >= 8, "the demo has items: {}", rows.len());
    let keys: Vec<_> = rows.iter().map(|r| (r.project_code.clone(), r.finding_seq, r.item_id)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(rows.iter().map(|r| r.no).collect::<Vec<_>>(), (1..=rows.len()).collect::<Vec<_>>());
    for r in &rows {
        assert_eq!(r.finding_no, format!("{}-{}", r.project_code, r.finding_seq));
        assert_eq!(r.project, format!("{} {}", r.project_code, r.project_name));
    }
}

#[test]
fn overdue_filter_matches_the_store_on_the_as_of_date() {
    let env = env();
    let rows = env.ledger(&LedgerFilter { overdue: true, ..Default::default() });
    assert_eq!(ids(&rows), ids_where(&env, |i| i.is_overdue(today())));
    // By hand from fixtures/demo/cases.toml on 2026-11-22: ZD21-01-2 and -3 (15 days),
    // ZD21-11-1 and -4 (30), ZD21-11-3 (5), ZD21-19-2 (20).
    let mut by_hand: Vec<(String, i64)> = rows.iter().map(|r| (r.finding_no.clone(), r.days_overdue.unwrap())).collect();
    by_hand.sort();
    let expected = [("ZD21-01-2", 15), ("ZD21-01-3", 15), ("ZD21-11-1", 30), ("ZD21-11-3", 5), ("ZD21-11-4", 30), ("ZD21-19-2", 20)];
    assert_eq!(by_hand, expected.map(|(f, d)| (f.to_string(), d)).to_vec());
    for r in &rows {
        let days = r.days_overdue.unwrap();
        assert_eq!(days, (today() - r.due).num_days());
        assert!(days > 0 && !r.state.is_finished());
    }
    // Not overdue: the column is empty.
    assert!(env.all().iter().filter(|r| !ids(&rows).contains(&r.item_id)).all(|r| r.days_overdue.is_none()));
    // A later as-of date: more (or as many) overdue items, and more days each.
    let later = today() + Duration::days(40);
    let rows_later = ledger::build(&env.local, &LedgerFilter { overdue: true, ..Default::default() }, later).unwrap();
    assert_eq!(ids(&rows_later), ids_where(&env, |i| i.is_overdue(later)));
    assert!(rows_later.len() > rows.len());
}

#[test]
fn status_filter_and_totals_count_each_state() {
    let env = env();
    let mut expected = Vec::new();
    for s in ItemState::ALL {
        let rows = env.ledger(&LedgerFilter { status: Some(s), ..Default::default() });
        assert_eq!(ids(&rows), ids_where(&env, |i| i.state == s), "{}", s.label());
        assert!(rows.iter().all(|r| r.state == s));
        if !rows.is_empty() {
            expected.push((s, rows.len()));
        }
    }
    let totals = ledger::totals(&env.all());
    assert_eq!(totals, expected);
    // By hand: the demo's 22 items, plus the added draft.
    use ItemState::*;
    let by_hand = [(Draft, 5), (Issued, 4), (InProgress, 4), (Submitted, 2), (Returned, 2), (Closed, 4), (LongTerm, 1), (Cancelled, 1)];
    assert_eq!(totals, by_hand.to_vec());
    assert_eq!(totals.iter().map(|(_, n)| n).sum::<usize>(), env.items().len());
    for s in [ItemState::Closed, ItemState::InProgress, ItemState::Cancelled, ItemState::Draft] {
        assert!(totals.iter().any(|(t, _)| *t == s), "the demo has {}", s.label());
    }
}

#[test]
fn unit_filter_matches_whole_names_and_parts() {
    let env = env();
    let exact = env.ledger(&LedgerFilter { unit: Some("森林公安局".into()), ..Default::default() });
    assert_eq!(ids(&exact), ids_where(&env, |i| i.unit == "森林公安局"));
    assert_eq!(exact.iter().map(|r| r.finding_no.as_str()).collect::<Vec<_>>(), ["ZD21-02-1", "ZD21-02-2", "ZD21-02-3"]);
    let part = env.ledger(&LedgerFilter { unit: Some("公安".into()), ..Default::default() });
    assert_eq!(ids(&part), ids_where(&env, |i| i.unit.contains("公安")));
    assert!(part.len() >= exact.len());
    let none = env.ledger(&LedgerFilter { unit: Some("不存在的单位".into()), ..Default::default() });
    assert!(none.is_empty());
}

#[test]
fn project_filter_takes_one_projects_items_and_refuses_unknown_codes() {
    let env = env();
    let pid = env.local.store().project_by_code("ZD21-01").unwrap().id;
    let rows = env.ledger(&LedgerFilter { project: Some("ZD21-01".into()), ..Default::default() });
    assert_eq!(ids(&rows), ids_where(&env, |i| i.project == pid));
    assert!(rows.iter().all(|r| r.project_code == "ZD21-01"));
    assert_eq!(rows.len(), 4, "three demo items and the added one");
    let err = ledger::build(&env.local, &LedgerFilter { project: Some("NOPE-9".into()), ..Default::default() }, today()).unwrap_err();
    assert!(err.to_string().contains("NOPE-9"), "{err}");
}

#[test]
fn within_keeps_open_items_due_in_the_next_days() {
    let env = env();
    for days in [0, 10, 30, 365] {
        let rows = env.ledger(&LedgerFilter { due_within: Some(days), ..Default::default() });
        let end = today() + Duration::days(days);
        let open = |i: &RectItem| !i.state.is_finished() && i.state != ItemState::Draft;
        assert_eq!(ids(&rows), ids_where(&env, |i| open(i) && i.due >= today() && i.due <= end), "within {days}");
    }
    // By hand: open items due 2026-11-22..12-02 are ZD21-07-1, -07-2, -15-1, -19-3; by 12-22 also
    // ZD21-11-2, -15-2, -19-4 (the drafts due 12-22 and the added draft are not yet issued).
    let within = |days| env.ledger(&LedgerFilter { due_within: Some(days), ..Default::default() });
    let names = |rows: Vec<LedgerRow>| rows.into_iter().map(|r| r.finding_no).collect::<Vec<_>>();
    assert_eq!(names(within(10)), ["ZD21-07-1", "ZD21-07-2", "ZD21-15-1", "ZD21-19-3"]);
    assert_eq!(names(within(30)), ["ZD21-07-1", "ZD21-07-2", "ZD21-11-2", "ZD21-15-1", "ZD21-15-2", "ZD21-19-3", "ZD21-19-4"]);
}

#[test]
fn category_filter_is_exact_and_filters_combine() {
    let env = env();
    let store = env.local.store();
    let category_of = |i: &RectItem| store.finding(i.finding).unwrap().body.category;
    let rows = env.ledger(&LedgerFilter { category: Some("档案资料不完整".into()), ..Default::default() });
    assert_eq!(ids(&rows), ids_where(&env, |i| category_of(i) == "档案资料不完整"));
    assert!(rows.len() >= 2, "a demo item and the added one");
    assert!(env.ledger(&LedgerFilter { category: Some("档案".into()), ..Default::default() }).is_empty());
    let both = LedgerFilter { category: Some("档案资料不完整".into()), status: Some(ItemState::Draft), ..Default::default() };
    assert_eq!(ids(&env.ledger(&both)), vec![env.formula_item]);
    let unit_overdue = LedgerFilter { unit: Some("融媒体中心".into()), overdue: true, ..Default::default() };
    assert_eq!(ids(&env.ledger(&unit_overdue)), ids_where(&env, |i| i.unit == "融媒体中心" && i.is_overdue(today())));
}

#[test]
fn rows_carry_feedback_extension_evidence_and_indicators() {
    let env = env();
    let rows = env.all();
    let pending = rows.iter().find(|r| r.extension_pending).expect("the demo has a pending extension");
    assert!(pending.status_label().ends_with("（延期申请中）"), "{}", pending.status_label());
    let closed = rows.iter().find(|r| r.state == ItemState::Closed).unwrap();
    assert!(closed.evidence_count > 0 && closed.opinion.is_some() && closed.closed_on.is_some());
    assert_eq!(closed.status_label(), "已销号");
    // 最近反馈: the latest response/progress entry of the item, by date.
    for r in rows.iter().filter(|r| r.latest_feedback.is_some()) {
        let responses = env.local.store().responses_of(r.item_id).unwrap();
        let latest =
            responses.iter().filter(|x| matches!(x.kind, jixiao::domain::EntryKind::Response | jixiao::domain::EntryKind::Progress));
        let latest = latest.max_by_key(|x| (x.date, x.seq)).unwrap();
        assert_eq!(r.latest_feedback.as_ref().unwrap().text, latest.text);
    }
    assert!(rows.iter().any(|r| r.latest_feedback.is_some()));
    let added = env.row(env.formula_item);
    assert_eq!(added.description, FORMULA_TEXT);
    assert_eq!(added.indicators.len(), 1);
    assert!(!added.indicators_text().starts_with('#'));
    assert_eq!(added.amount, Some(Decimal::new(1250, 2)));
    assert_eq!((added.state, added.issue_date, added.days_overdue), (ItemState::Draft, None, None));
}

// ------------------------------------------------------------------ CSV and JSON

fn csv_text(rows: &[LedgerRow]) -> String {
    let bytes = ledger::to_csv(rows);
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

#[test]
fn csv_has_bom_chinese_headers_crlf_and_quoting() {
    let env = env();
    let rows = env.all();
    let text = csv_text(&rows);
    let header = format!("{}\r\n", HEADERS.join(","));
    assert!(text.starts_with(&header), "{}", &text[..200]);
    assert!(header.starts_with("序号,项目,问题编号,问题描述,问题类别,对应指标,严重程度,整改要求,责任单位,责任人,下达日期,原定期限,当前期限,状态,最近反馈,佐证资料数,审核意见,销号日期,逾期天数"));
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "only CRLF line ends (no demo text has a line break)");
    assert_eq!(text.matches("\r\n").count(), rows.len() + 1);
    // A leading = gets a quote; the comma and the quotes make the field quoted with "" inside.
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\"),点击查看\""), "{text}");
    assert!(text.contains("\"'+86 电话回访，核实整改\"") || text.contains(",'+86 电话回访，核实整改,"));
    let line = text.lines().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(line.contains(",12.50,"), "amount with two decimals: {line}");
    assert!(!text.contains(",=") && !text.contains(",+"), "no cell starts with = or +");
}

#[test]
fn csv_of_no_rows_is_the_header_line() {
    assert_eq!(csv_text(&[]), format!("{}\r\n", HEADERS.join(",")));
}

#[test]
fn json_has_one_object_per_item_with_snake_case_fields() {
    let env = env();
    let rows = env.all();
    let value: serde_json::Value = serde_json::from_str(&ledger::to_json(&rows).unwrap()).unwrap();
    let list = value.as_array().unwrap();
    assert_eq!(list.len(), rows.len());
    let fields = [
        "no",
        "project",
        "finding_no",
        "description",
        "category",
        "indicators",
        "severity",
        "requirement",
        "unit",
        "contact",
        "issue_date",
        "original_due",
        "due",
        "state",
        "status",
        "extension_pending",
        "latest_feedback",
        "evidence_count",
        "opinion",
        "closed_on",
        "days_overdue",
        "item_id",
        "project_id",
        "project_code",
        "finding_id",
        "finding_seq",
        "amount",
    ];
    for o in list {
        for f in fields {
            assert!(o.get(f).is_some(), "field {f} in {o}");
        }
        assert_eq!(o["due"].as_str().unwrap().len(), 10);
        NaiveDate::parse_from_str(o["original_due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    }
    let added = list.iter().find(|o| o["item_id"] == env.formula_item).unwrap();
    assert_eq!(added["amount"], "12.50");
    assert_eq!(added["description"], FORMULA_TEXT);
    assert_eq!(added["state"], "草稿");
    assert_eq!(added["severity"], "较重");
    assert_eq!(added["due"], (today() + Duration::days(10)).format("%Y-%m-%d").to_string());
    assert!(added["issue_date"].is_null() && added["days_overdue"].is_null());
    let pending = list.iter().find(|o| o["extension_pending"] == true).unwrap();
    assert!(pending["status"].as_str().unwrap().ends_with("（延期申请中）"));
    let overdue = list.iter().find(|o| o["days_overdue"].is_i64()).unwrap();
    assert!(overdue["days_overdue"].as_i64().unwrap() > 0);
    let fed = list.iter().find(|o| o["latest_feedback"].is_object()).unwrap();
    assert_eq!(fed["latest_feedback"]["date"].as_str().unwrap().len(), 10);
}

// ------------------------------------------------------------------ table

#[test]
fn table_fits_every_width_and_cuts_with_an_ellipsis() {
    let env = env();
    let rows = env.all();
    for width in [20, 40, 80, 120, 200, 400] {
        let table = ledger::to_table(&rows, width);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines.len() >= rows.len() + 3, "header, rule, rows, totals");
        assert!(lines[2].trim_start().starts_with('1'), "{width}: {}", lines[2]);
        for l in &lines {
            assert!(l.width() <= width, "{width}: {l:?} is {} wide", l.width());
        }
    }
    let narrow = ledger::to_table(&rows, 80);
    assert!(narrow.starts_with("序号"), "{narrow}");
    assert!(narrow.contains('…'), "long descriptions are cut");
    assert!(narrow.contains("状态") && narrow.contains("当前期限") && narrow.contains("逾期天数"));
    let totals: Vec<&str> = narrow.lines().skip(rows.len() + 2).collect();
    assert!(totals[0].starts_with(&format!("共 {} 项：", rows.len())), "{totals:?}");
    assert!(totals.last().unwrap().contains("逾期"), "{totals:?}");
    assert!(!totals.concat().contains('…'), "the totals wrap instead of being cut: {totals:?}");
    let wide = ledger::to_table(&rows, 400);
    assert!(wide.contains("整改要求") && wide.contains("对应指标"));
    assert!(ledger::to_table(&[], 80).contains("没有符合条件的整改事项"));
}

// ------------------------------------------------------------------ the binary

fn bin(data: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .env_remove("LANG")
        .env_remove("JIXIAO_DATA")
        .env_remove("COLUMNS")
        .arg("--data")
        .arg(data)
        .arg("ledger")
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// A seeded store the binary can open (the in-process store is closed, releasing its lock).
fn seeded_dir() -> tempfile::TempDir {
    let Env { dir, local, .. } = env();
    drop(local);
    dir
}

#[test]
fn cli_table_fits_80_columns_when_piped() {
    let dir = seeded_dir();
    let out = bin(dir.path(), &["--as-of", "2026-11-22", "--format", "table"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.lines().count() > 5);
    for l in table.lines() {
        assert!(l.width() <= 80, "{l:?} is {} wide", l.width());
    }
    let overdue = bin(dir.path(), &["--as-of", "2026-11-22", "--overdue", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&overdue.stdout).unwrap();
    assert!(list.as_array().unwrap().iter().all(|o| o["days_overdue"].as_i64().unwrap() > 0));
}

#[test]
fn cli_refuses_xlsx_without_an_output_file_and_writes_it_with_one() {
    let dir = seeded_dir();
    let out = bin(dir.path(), &["--format", "xlsx"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("-o FILE"), "{err}");
    let file = dir.path().join("台账.xlsx");
    let out = bin(dir.path(), &["--as-of", "2026-11-22", "-o", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..2], b"PK", "the extension picks xlsx");
    let out = bin(dir.path(), &["--as-of", "2026-11-22", "--filer", "某区财政局", "--with-ids", "-o", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let range = calamine::Reader::worksheet_range(&mut book, "整改台账").unwrap();
    assert_eq!(range.get((1, 0)).map(|d| d.to_string()), Some("填报单位：某区财政局".to_string()));
    assert!(range.get_value((2, range.width() as u32 - 1)).is_some_and(|d| *d == calamine::Data::String("事项ID".into())), "--with-ids");
}

#[test]
fn cli_names_a_bad_status_or_date_and_the_allowed_forms() {
    let dir = seeded_dir();
    let out = bin(dir.path(), &["--status", "进行中"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("进行中") && err.contains("整改中") && err.contains("已撤销"), "{err}");
    let out = bin(dir.path(), &["--as-of", "2026-13-01"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("2026-13-01") && err.contains("YYYY-MM-DD"), "{err}");
    let out = bin(dir.path(), &["--status", "已销号", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
}
