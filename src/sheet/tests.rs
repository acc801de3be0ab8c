//! The reader on files as they arrive: .xlsx written here with rust_xlsxwriter, CSV in UTF-8
//! and GBK, the committed .xls fixture (the same workbook saved by LibreOffice).

use super::table::normalize as normalize_header;
use super::*;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook as XWorkbook};
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The workbook behind fixtures/sheets/sample.xls: a hidden first sheet, then “附件” with a
/// title, a unit line, a header, 项目类型 merged over rows 4–6, a number stored as text, a
/// date, and an int-valued float.
pub(super) fn sample_xlsx() -> Vec<u8> {
    let mut wb = XWorkbook::new();
    let plain = XFormat::new();
    let date = XFormat::new().set_num_format("yyyy-mm-dd");
    let hidden = wb.add_worksheet();
    hidden.set_name("说明").unwrap();
    hidden.write_string(0, 0, "项目名称").unwrap();
    hidden.write_string(0, 1, "金额").unwrap();
    hidden.set_hidden(true);
    let ws = wb.add_worksheet();
    ws.set_name("附件").unwrap();
    ws.set_active(true);
    ws.merge_range(0, 0, 0, 4, "2021年重点评价项目表", &plain).unwrap();
    ws.write_string(1, 4, "单位：万元").unwrap();
    for (c, h) in ["序号", "项目类型", "项目名称", "金额", "日期"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.merge_range(3, 1, 5, 1, "部门整体支出评价", &plain).unwrap();
    ws.write_number(3, 0, 1).unwrap();
    ws.write_string(3, 2, "2020年部门整体支出").unwrap();
    ws.write_number(3, 3, 1283.08).unwrap();
    ws.write_datetime_with_format(3, 4, ExcelDateTime::from_ymd(2021, 3, 15).unwrap(), &date).unwrap();
    ws.write_number(4, 0, 2).unwrap();
    ws.write_string(4, 2, "森林公安局").unwrap();
    ws.write_string(4, 3, "2,405.78").unwrap();
    ws.write_number(5, 0, 3).unwrap();
    ws.write_string(5, 2, "人口普查").unwrap();
    ws.write_number(5, 3, 100.0).unwrap();
    ws.write_number(5, 4, 44270).unwrap();
    wb.save_to_buffer().unwrap()
}

fn read(name: &str, bytes: Vec<u8>) -> Result<Workbook> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    open(&path)
}

const FIELDS: &[FieldSpec] = &[
    FieldSpec { key: "seq", names: &["序号"], required: false },
    FieldSpec { key: "kind", names: &["项目类型", "评价类型", "类型"], required: false },
    FieldSpec { key: "name", names: &["项目名称", "名称"], required: true },
    FieldSpec { key: "amount", names: &["金额", "资金"], required: true },
];

fn check_sample(wb: &Workbook) {
    assert_eq!(wb.sheets.len(), 2);
    assert!(wb.sheets[0].hidden && !wb.sheets[1].hidden);
    let g = &wb.sheets[1];
    // the merged 项目类型 reads the same on each row; only the top-left is its own
    for r in 3..=5 {
        assert_eq!(g.cell(r, 1), &Cell::Text("部门整体支出评价".into()), "row {r}");
    }
    assert!(!g.is_filled(3, 1) && g.is_filled(4, 1) && g.is_filled(5, 1));
    assert!(g.is_filled(0, 3) && !g.is_filled(0, 0));
    assert_eq!(g.cell(3, 3), &Cell::Number(dec("1283.08")));
    assert_eq!(g.cell(5, 3).text(), "100");
    assert_eq!(g.cell(3, 4), &Cell::Date(chrono::NaiveDate::from_ymd_opt(2021, 3, 15).unwrap()));
    // a serial number in a cell without a date format stays a number
    assert_eq!(g.cell(5, 4), &Cell::Number(dec("44270")));
    assert_eq!(g.cell(99, 99), &Cell::Empty);

    let t = locate(wb, None, FIELDS).unwrap();
    assert_eq!(t.grid.name, "附件", "the hidden first sheet is skipped");
    assert_eq!(t.header_row, 2);
    assert_eq!(t.unit, Some(MoneyUnit::WanYuan));
    let rows = t.rows();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].number(), 4);
    assert_eq!(rows[0].step(), "工作表“附件”第4行");
    assert_eq!(rows[1].text("kind").as_deref(), Some("部门整体支出评价"));
    assert!(rows[1].filled("kind") && !rows[0].filled("kind"));
    assert_eq!(rows[1].decimal("amount").unwrap(), Some(dec("2405.78")), "a number stored as text");
    assert_eq!(rows[0].amount_wan("amount", &t).unwrap(), Some(dec("1283.08")));
    // named, the hidden sheet is read
    let h = locate(wb, Some("说明"), FIELDS).unwrap();
    assert_eq!(h.grid.name, "说明");
    assert!(h.rows().is_empty());
}

#[test]
fn xlsx_merges_numbers_dates_hidden_sheets() {
    let wb = read("sample.xlsx", sample_xlsx()).unwrap();
    assert_eq!(wb.format, Format::Xlsx);
    assert!(wb.notes.is_empty());
    check_sample(&wb);
}

#[test]
fn the_xls_fixture_reads_as_the_xlsx_does() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sheets/sample.xls");
    let wb = open(&path).unwrap();
    assert_eq!(wb.format, Format::Xls);
    check_sample(&wb);
    let x = read("sample.xlsx", sample_xlsx()).unwrap();
    for (a, b) in wb.sheets.iter().zip(&x.sheets) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.rows, b.rows, "sheet {}", a.name);
    }
}

#[test]
fn csv_utf8_bom_gbk_tab_quotes() {
    let text =
        "2021年重点评价项目表\n单位：元\n序号,项目名称,金额\n1,\"食品安全\n检测经费\",\"700,000\"\n\n2,人口普查,１００００００\n,,\n";
    for bytes in [
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        text.as_bytes().to_vec(),
        encoding_rs::GB18030.encode(text).0.into_owned(),
        encoding_rs::GB18030.encode(&text.replace(',', "\t").replace("\"700\t000\"", "700000")).0.into_owned(),
    ] {
        let wb = read("名单.csv", bytes).unwrap();
        assert_eq!(wb.format, Format::Csv);
        assert_eq!(wb.sheets[0].name, "名单");
        let t = locate(&wb, None, FIELDS).unwrap();
        assert_eq!(t.unit, Some(MoneyUnit::Yuan));
        let rows = t.rows();
        assert_eq!(rows.len(), 2, "empty rows skipped, trailing ones dropped");
        assert_eq!(rows[0].text("name").as_deref(), Some("食品安全\n检测经费"));
        assert_eq!(rows[0].amount_wan("amount", &t).unwrap(), Some(dec("70")));
        assert_eq!(rows[1].number(), 7, "the line the record begins on");
        assert_eq!(rows[1].amount_wan("amount", &t).unwrap(), Some(dec("100")), "full-width digits");
    }
    let gbk = read("名单.csv", encoding_rs::GB18030.encode(text).0.into_owned()).unwrap();
    assert!(gbk.notes.iter().any(|n| n.contains("GBK")), "{:?}", gbk.notes);
}

#[test]
fn header_units_synonyms_two_row_headers() {
    let text = "名称,备注,资金（元）\n甲,,12345\n";
    let wb = read("a.csv", text.as_bytes().to_vec()).unwrap();
    let t = locate(&wb, None, FIELDS).unwrap();
    assert_eq!(t.column_units.get("amount"), Some(&MoneyUnit::Yuan));
    assert_eq!(t.columns.get("amount"), Some(&2));
    assert_eq!(t.rows()[0].amount_wan("amount", &t).unwrap(), Some(dec("1.23")));

    // a header merged over two rows: 项目名称 down both rows, 金额 over two columns
    let mut x = XWorkbook::new();
    let f = XFormat::new();
    let ws = x.add_worksheet();
    ws.merge_range(0, 0, 1, 0, "项目 名称", &f).unwrap();
    ws.merge_range(0, 1, 0, 2, "资金", &f).unwrap();
    ws.write_string(1, 1, "金额（万元）").unwrap();
    ws.write_string(1, 2, "来源").unwrap();
    ws.write_string(2, 0, "甲").unwrap();
    ws.write_number(2, 1, 5).unwrap();
    let wb = read("b.xlsx", x.save_to_buffer().unwrap()).unwrap();
    let t = locate(&wb, None, FIELDS).unwrap();
    assert_eq!(t.header_row, 1);
    assert_eq!((t.columns["name"], t.columns["amount"]), (0, 1));
    assert_eq!(t.rows().len(), 1);
}

#[test]
fn header_errors_name_what_was_expected_and_found() {
    let wb = read("c.csv", "甲,乙,丙\n1,2,3\n".as_bytes().to_vec()).unwrap();
    let e = locate(&wb, None, FIELDS).unwrap_err().to_string();
    assert!(e.contains("“项目名称”“金额”") && e.contains("“甲”“乙”“丙”") && e.contains("c"), "{e}");

    let wb = read("d.csv", "名称,项目名称,金额\n".as_bytes().to_vec()).unwrap();
    let e = locate(&wb, None, FIELDS).unwrap_err().to_string();
    assert!(e.contains("A列和B列都是“项目名称”：删去一列"), "{e}");

    let wb = read("e.csv", "序号,项目名称,备注\n".as_bytes().to_vec()).unwrap();
    let e = locate(&wb, None, FIELDS).unwrap_err().to_string();
    assert!(e.contains("缺少“金额”列"), "{e}");

    let e = locate(&wb, Some("表9"), FIELDS).unwrap_err().to_string();
    assert!(e.contains("“表9”") && e.contains("“e”"), "{e}");
}

#[test]
fn bad_numbers_are_problems_naming_the_cell() {
    let wb = read("f.csv", "项目名称,金额\n甲,十\n乙,\n".as_bytes().to_vec()).unwrap();
    let t = locate(&wb, None, FIELDS).unwrap();
    let rows = t.rows();
    let p = rows[0].decimal("amount").unwrap_err();
    assert_eq!(p.to_string(), "工作表“f”第2行 B列“金额”：“十”不是数：写如 146.24 的数");
    assert_eq!(rows[1].decimal("amount").unwrap(), None);
    assert_eq!(rows[1].text("seq"), None, "an absent column");
}

#[test]
fn content_not_extension_decides() {
    let wb = read("g.xlsx", "项目名称,金额\n甲,1\n".as_bytes().to_vec()).unwrap();
    assert_eq!(wb.format, Format::Csv);
    assert_eq!(wb.notes, vec!["文件扩展名是 .xlsx，内容是 CSV：按 CSV 读取".to_string()]);
    let wb = read("h.xls", sample_xlsx()).unwrap();
    assert_eq!(wb.format, Format::Xlsx);
    assert!(wb.notes[0].contains(".xls，内容是 .xlsx"));
}

#[test]
fn broken_empty_large_and_locked_files_are_refused() {
    let mut bytes = sample_xlsx();
    bytes.truncate(bytes.len() / 2);
    let e = read("broken.xlsx", bytes).unwrap_err().to_string();
    assert!(e.contains("broken.xlsx") && e.contains("损坏"), "{e}");

    let e = read("empty.csv", Vec::new()).unwrap_err().to_string();
    assert!(e.contains("文件是空的"), "{e}");

    let mut ole = OLE_MAGIC.to_vec();
    ole.extend(vec![0u8; 512]);
    ole.extend("EncryptionInfo".encode_utf16().flat_map(|u| u.to_le_bytes()));
    let e = read("locked.xlsx", ole).unwrap_err().to_string();
    assert!(e.contains("文件有密码保护：在 Excel/WPS 中取消密码后另存为 .xlsx 再导入"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xlsx");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_SHEET_BYTES + 1).unwrap();
    let e = open(&path).unwrap_err().to_string();
    assert!(e.contains("64.0 MiB") && e.contains("上限 64 MiB"), "{e}");
}

#[test]
fn column_names() {
    assert_eq!(column_name(0), "A");
    assert_eq!(column_name(25), "Z");
    assert_eq!(column_name(26), "AA");
    assert_eq!(column_name(701), "ZZ");
    assert_eq!(column_name(702), "AAA");
}

#[test]
fn normalized_headers() {
    assert_eq!(normalize_header(" 金 额\n（万元）"), ("金额".into(), Some(MoneyUnit::WanYuan)));
    assert_eq!(normalize_header("金额(元)："), ("金额".into(), Some(MoneyUnit::Yuan)));
    assert_eq!(normalize_header("*项目名称:"), ("项目名称".into(), None));
}

/// Writes fixtures/sheets/sample.xlsx for LibreOffice to convert (run with --ignored once).
#[test]
#[ignore]
fn write_sample_for_conversion() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target-sample.xlsx");
    std::fs::write(path, sample_xlsx()).unwrap();
}
