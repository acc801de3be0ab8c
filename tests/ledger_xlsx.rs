//! The rectification ledger (整改台账) as an XLSX to file: read back with calamine over the
//! demo store on a fixed clock (title rows, headers, dates and numbers, the 合计 row, the amount
//! once per finding, 事项ID only with --with-ids), and its print setup from the sheet's XML.

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use jixiao::backend::{Backend, Clock, Local};
use jixiao::command::Command;
use jixiao::domain::Severity;
use jixiao::domain::tree::IndicatorRef;
use jixiao::export::ledger::{self, LedgerFilter, LedgerRow, XlsxOptions};
use jixiao::export::ledger_xlsx::{AMOUNT_HEADER, HEADER_ROW, xlsx_headers};
use jixiao::store::Store;
use jixiao::templates::Templates;
use rust_decimal::Decimal;
use std::io::{Cursor, Read};

const FORMULA_TEXT: &str = "=HYPERLINK(\"http://x\"),点击查看";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

struct Env {
    _dir: tempfile::TempDir,
    local: Local,
    /// The finding (12.50 万元) added on top of the demo, and its first item.
    finding: u64,
    item: u64,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Templates::builtin().unwrap()).unwrap();
    let clock = Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), today());
    let local = Local::new(store).with_clock(clock).with_actor("zhangsan");
    let seed = jixiao::demo::seed::parse(jixiao::demo::seed::CASES_TOML).unwrap();
    jixiao::demo::build::seed(local.store(), &local.ctx(), &seed).unwrap();
    let pid = local.store().project_by_code("ZD21-01").unwrap().id;
    let leaf = local.store().tree_of(pid).unwrap().leaves().next().unwrap().id;
    let record = Command::RecordFinding {
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
    };
    let finding = local.execute(&record).unwrap().id;
    let item = add_item(&local, finding, "+86 电话回访，核实整改");
    Env { _dir: dir, local, finding, item }
}

fn add_item(local: &Local, finding: u64, requirement: &str) -> u64 {
    let item = Command::CreateItem {
        finding,
        requirement: requirement.into(),
        unit: None,
        contact: "王五".into(),
        due: Some(today() + Duration::days(10)),
    };
    local.execute(&item).unwrap().id
}

impl Env {
    fn ledger(&self, filter: &LedgerFilter) -> Vec<LedgerRow> {
        ledger::build(&self.local, filter, today()).unwrap()
    }
    fn all(&self) -> Vec<LedgerRow> {
        self.ledger(&LedgerFilter::default())
    }
}

fn options(with_ids: bool, filer: Option<&str>) -> XlsxOptions {
    XlsxOptions { as_of: today(), filer: filer.map(String::from), with_ids }
}

/// The sheet's cells by absolute (row, column).
struct Sheet(calamine::Range<Data>);

impl Sheet {
    fn read(bytes: &[u8]) -> Sheet {
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
        assert_eq!(book.sheet_names(), vec!["整改台账".to_string()]);
        Sheet(book.worksheet_range("整改台账").unwrap())
    }
    fn get(&self, r: usize, c: usize) -> Data {
        self.0.get_value((r as u32, c as u32)).cloned().unwrap_or(Data::Empty)
    }
    fn text(&self, r: usize, c: usize) -> String {
        self.get(r, c).to_string()
    }
    fn row_texts(&self, r: usize) -> Vec<String> {
        (0..self.0.end().map_or(0, |e| e.1 as usize + 1)).map(|c| self.text(r, c)).collect()
    }
}

fn col(name: &str) -> usize {
    xlsx_headers(true).iter().position(|h| *h == name).unwrap()
}

const H: usize = HEADER_ROW as usize;

#[test]
fn title_rows_then_headers_then_items_with_dates_numbers_and_text() {
    let env = env();
    let rows = env.all();
    let sheet = Sheet::read(&ledger::to_xlsx(&rows, &options(false, Some("某某会计师事务所"))).unwrap());
    assert_eq!(sheet.text(0, 0), "整改台账");
    let info = sheet.row_texts(1).concat();
    assert!(info.contains("填报单位：某某会计师事务所"), "{info}");
    assert!(info.contains("截至日期：2026年11月22日"), "{info}");
    assert!(info.contains("单位：万元"), "{info}");
    let headers = xlsx_headers(false);
    assert_eq!(sheet.row_texts(H)[..headers.len()].to_vec(), headers.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    assert!(!headers.contains(&"事项ID"), "no 事项ID unless asked for");
    assert_eq!(sheet.0.end().unwrap().1 as usize + 1, headers.len(), "nothing right of the last header");
    let amount = headers.iter().position(|h| *h == AMOUNT_HEADER).unwrap();
    assert_eq!(headers[amount - 1], "严重程度", "the amount sits with the finding's columns");
    for (i, r) in rows.iter().enumerate() {
        let cell = |name: &str| sheet.get(H + 1 + i, col(name));
        match cell("当前期限") {
            Data::DateTime(d) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                assert_eq!(NaiveDate::from_ymd_opt(y.into(), m.into(), day.into()), Some(r.due));
            }
            other => panic!("当前期限 should be a date, got {other:?}"),
        }
        assert_eq!(cell("下达日期") == Data::Empty, r.issue_date.is_none());
        assert_eq!(cell("序号"), Data::Float(r.no as f64));
        assert_eq!(cell("佐证资料数"), Data::Float(r.evidence_count as f64));
        assert!(matches!(cell("状态"), Data::String(_)));
    }
    let row = H + 1 + rows.iter().position(|r| r.item_id == env.item).unwrap();
    assert_eq!(sheet.get(row, col(AMOUNT_HEADER)), Data::Float(12.5));
    assert_eq!(sheet.get(row, col("问题描述")), Data::String(FORMULA_TEXT.into()), "text stays text");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(ledger::to_xlsx(&rows, &options(false, None)).unwrap())).unwrap();
    let formulas = book.worksheet_formula("整改台账").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell is a formula");
}

#[test]
fn filer_is_the_shared_firm_else_blank() {
    let env = env();
    let rows = env.all();
    let firms: std::collections::HashSet<_> = rows.iter().map(|r| r.firm.clone()).collect();
    let info = |rows: &[LedgerRow]| Sheet::read(&ledger::to_xlsx(rows, &options(false, None)).unwrap()).text(1, 0);
    if firms.len() > 1 {
        assert_eq!(info(&rows), "填报单位：", "rows of several firms leave it to fill by hand");
    }
    let mut mixed = rows.clone();
    mixed[0].firm = Some("另一家事务所".into());
    assert_eq!(info(&mixed), "填报单位：", "rows of several firms leave it to fill by hand");
    mixed[0].firm = None;
    assert_eq!(info(&mixed), "填报单位：", "a row without a firm leaves it to fill by hand");
    let with_firm: Vec<LedgerRow> = rows.iter().filter(|r| r.firm.is_some()).cloned().collect();
    let firm = with_firm.first().and_then(|r| r.firm.clone()).expect("the demo has a third-party project");
    let one: Vec<LedgerRow> = with_firm.into_iter().filter(|r| r.firm.as_deref() == Some(firm.as_str())).collect();
    assert_eq!(info(&one), format!("填报单位：{firm}"));
}

#[test]
fn a_finding_with_two_items_counts_its_amount_once_and_the_totals_add_up() {
    let env = env();
    let second = add_item(&env.local, env.finding, "补齐档案");
    let rows = env.all();
    let sheet = Sheet::read(&ledger::to_xlsx(&rows, &options(false, None)).unwrap());
    let at = |item: u64| H + 1 + rows.iter().position(|r| r.item_id == item).unwrap();
    assert_eq!(rows[at(second) - H - 1].amount, Some(Decimal::new(1250, 2)), "both items carry the finding's amount");
    assert!(at(env.item) < at(second));
    assert_eq!(sheet.get(at(env.item), col(AMOUNT_HEADER)), Data::Float(12.5));
    assert_eq!(sheet.get(at(second), col(AMOUNT_HEADER)), Data::Empty, "counted once, on the finding's first item");
    let total = H + 1 + rows.len();
    let findings: std::collections::HashSet<u64> = rows.iter().map(|r| r.finding_id).collect();
    assert_eq!(sheet.text(total, 0), format!("合计：{} 项整改事项，涉及 {} 个问题", rows.len(), findings.len()));
    let mut seen = std::collections::HashSet::new();
    let expected: Decimal = rows.iter().filter(|r| seen.insert(r.finding_id)).filter_map(|r| r.amount).sum();
    let column: f64 = (H + 1..total)
        .filter_map(|r| match sheet.get(r, col(AMOUNT_HEADER)) {
            Data::Float(f) => Some(f),
            _ => None,
        })
        .sum();
    let Data::Float(sum) = sheet.get(total, col(AMOUNT_HEADER)) else { panic!("the 合计 amount is a number") };
    assert!((sum - column).abs() < 1e-9 && (sum - expected.to_string().parse::<f64>().unwrap()).abs() < 1e-9, "{sum} {column} {expected}");
    let states = sheet.text(total, col(AMOUNT_HEADER) + 1);
    assert!(states.starts_with("按状态：") && states.contains("逾期"), "{states}");
    let empty = Sheet::read(&ledger::to_xlsx(&[], &options(false, None)).unwrap());
    assert_eq!(empty.text(H + 1, 0), "合计：0 项整改事项，涉及 0 个问题");
    assert_eq!(empty.get(H + 1, col(AMOUNT_HEADER)), Data::Float(0.0));
}

#[test]
fn with_ids_adds_the_item_id_column_at_the_end() {
    let env = env();
    let rows = env.all();
    let sheet = Sheet::read(&ledger::to_xlsx(&rows, &options(true, None)).unwrap());
    let headers = sheet.row_texts(H);
    assert_eq!(headers.last().map(String::as_str), Some("事项ID"));
    assert_eq!(headers.len(), xlsx_headers(false).len() + 1);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(sheet.get(H + 1 + i, headers.len() - 1), Data::Float(r.item_id as f64));
    }
}

fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn prints_a4_landscape_one_page_wide_with_the_header_row_repeated_and_wrapped_text() {
    let env = env();
    let bytes = ledger::to_xlsx(&env.all(), &options(false, None)).unwrap();
    let sheet = zip_text(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pageSetup paperSize=\"9\"") || sheet.contains("paperSize=\"9\""), "A4");
    assert!(sheet.contains("orientation=\"landscape\""), "landscape");
    assert!(sheet.contains("fitToHeight=\"0\"") && sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"), "one page wide");
    let book = zip_text(&bytes, "xl/workbook.xml");
    assert!(book.contains("_xlnm.Print_Titles") && book.contains("整改台账!$3:$3"), "the header row repeats: {book}");
    let styles = zip_text(&bytes, "xl/styles.xml");
    assert!(styles.contains("wrapText=\"1\""), "long texts wrap");
}
