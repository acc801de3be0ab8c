//! `jixiao import FILE --as cases`: the seed's annex table (2021年部门整体支出和专项支出重点
//! 评价项目表) as .xlsx, .csv (UTF-8 with BOM, GBK) and .xls, through the real binary.

use jixiao::domain::ProjectKind;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;

/// The seed's 20 rows: 序号, 项目名称, 主管或实施单位, 金额, 备注; the first five are 部门整体支出评价.
const SEED: [(u32, &str, &str, &str, &str); 20] = [
    (1, "2020年部门整体支出", "融媒体中心", "1283.08", ""),
    (2, "2020年部门整体支出", "森林公安局", "128.51", ""),
    (3, "2020年部门整体支出", "工信局", "2405.78", ""),
    (4, "2020年部门整体支出", "金鱼岭街道办事处", "2682.83", ""),
    (5, "2020年部门整体支出", "妇幼保健院", "2186.4", ""),
    (1, "2020年度人口普查工作经费", "统计局", "100", ""),
    (2, "食品安全检测经费", "市场监督管理局", "70", "购买服务"),
    (3, "政务服务平台人脸识别项目建设", "行政审批服务局", "146.24", "政府采购"),
    (4, "8类退役军人群体2020年所需解困资金", "退役军人事务局", "330", ""),
    (5, "失业保险基金", "人社局", "500", "社保基金"),
    (6, "老旧小区配套资金", "住保中心", "7037", ""),
    (7, "2020年中央自然灾害防治体系建设补助资金", "应急局", "275", ""),
    (8, "征收经费", "自然资源局", "800", ""),
    (9, "农村房地一体登记", "自然资源局", "350", ""),
    (10, "“135”工程升级版奖补资金", "发改局", "500", ""),
    (11, "道路交通救助基金", "交警大队", "99.73", ""),
    (12, "禁捕退捕资金", "畜牧水产事务中心", "2683.68", "重大政策"),
    (13, "2020年农业保险财政补助资金", "农业保险领导小组办公室", "1595", ""),
    (14, "屋场建设补助", "农业农村局", "500", "一般债、直达"),
    (15, "施工图审查服务费用", "住建局", "100", "购买服务"),
];
const TITLE: &str = "2021 年部门整体支出和专项支出重点绩效评价项目表";
const HEADER: [&str; 6] = ["序号", "项目类型", "项目名称", "主管或实施单位", "金额", "备注"];

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The annex table as Excel has it: title, unit line, header, 项目类型 merged over each
/// group, the 20 rows, the total row merged over A–D.
fn seed_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let f = Format::new();
    let ws = wb.add_worksheet();
    ws.set_name("附件").unwrap();
    ws.merge_range(0, 0, 0, 5, TITLE, &f).unwrap();
    ws.write_string(1, 5, "单位：万元").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.merge_range(3, 1, 7, 1, "部门整体支出评价", &f).unwrap();
    ws.merge_range(8, 1, 22, 1, "重点项目支出评价", &f).unwrap();
    for (i, (seq, name, unit, amount, note)) in SEED.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, *seq).unwrap();
        ws.write_string(r, 2, *name).unwrap();
        ws.write_string(r, 3, *unit).unwrap();
        ws.write_number(r, 4, amount.parse::<f64>().unwrap()).unwrap();
        if !note.is_empty() {
            ws.write_string(r, 5, *note).unwrap();
        }
    }
    ws.merge_range(23, 0, 23, 3, "重点评价项目金额合计", &f).unwrap();
    ws.write_number(23, 4, 23773.25).unwrap();
    wb.save_to_buffer().unwrap()
}

/// The same table as CSV, the way the seed's Word table has it: 项目类型 only on the first row
/// of each group.
fn seed_csv() -> String {
    let mut s = format!("{TITLE},,,,,\n,,,,,单位：万元\n{}\n", HEADER.join(","));
    for (i, (seq, name, unit, amount, note)) in SEED.iter().enumerate() {
        let kind = match i {
            0 => "部门整体支出评价",
            5 => "重点项目支出评价",
            _ => "",
        };
        s.push_str(&format!("{seq},{kind},\"{name}\",{unit},{amount},{note}\n"));
    }
    s.push_str("重点评价项目金额合计,,,,23773.25,\n");
    s
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.env_remove("LANG").env_remove("JIXIAO_DATA");
    c
}

fn import(data: &Path, file: &Path, extra: &[&str]) -> Output {
    bin().arg("--local").arg("--data").arg(data).arg("import").arg(file).args(["--as", "cases"]).args(extra).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A project as the store holds it, read back through `jixiao export` (a second process
/// opening the store right after another closed it could meet sled's lock still held).
#[derive(Debug, Clone, PartialEq)]
struct P {
    code: String,
    kind: ProjectKind,
    name: String,
    unit: String,
    amount: Decimal,
    fiscal_year: i32,
    fund_notes: Vec<String>,
}

fn projects(data: &Path) -> Vec<P> {
    if !data.exists() {
        return Vec::new();
    }
    let out = bin().arg("--local").arg("--data").arg(data).arg("export").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut rows: Vec<P> = bundle["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| P {
            code: p["code"].as_str().unwrap().into(),
            kind: serde_json::from_value(p["kind"].clone()).unwrap(),
            name: p["name"].as_str().unwrap().into(),
            unit: p["unit"].as_str().unwrap().into(),
            amount: dec(p["amount"].as_str().unwrap()),
            fiscal_year: p["fiscal_year"].as_i64().unwrap() as i32,
            fund_notes: serde_json::from_value(p["fund_notes"].clone()).unwrap(),
        })
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    rows
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// (code, kind, name, unit, amount, fiscal year) of every project.
fn facts(rows: &[P]) -> Vec<(String, ProjectKind, String, String, Decimal, i32)> {
    rows.iter().map(|p| (p.code.clone(), p.kind, p.name.clone(), p.unit.clone(), p.amount.normalize(), p.fiscal_year)).collect()
}

fn check_seed_store(data: &Path) -> Vec<P> {
    let rows = projects(data);
    assert_eq!(rows.len(), 20);
    let total: Decimal = rows.iter().map(|p| p.amount).sum();
    assert_eq!(total, dec("23773.25"));
    let codes: Vec<String> = rows.iter().map(|p| p.code.clone()).collect();
    let expected: Vec<String> = (1..=20).map(|n| format!("ZD21-{n:02}")).collect();
    assert_eq!(codes, expected);
    assert_eq!(rows.iter().filter(|p| p.kind == ProjectKind::Department).count(), 5);
    assert_eq!(rows.iter().filter(|p| p.kind == ProjectKind::Project).count(), 15);
    for (p, (_, name, unit, amount, _)) in rows.iter().zip(SEED.iter()) {
        assert_eq!((p.name.as_str(), p.unit.as_str(), p.amount.normalize()), (*name, *unit, dec(amount)));
        assert_eq!(p.fiscal_year, 2020, "the spending of the year before the evaluation");
    }
    assert_eq!(rows[0].kind, ProjectKind::Department);
    assert_eq!(rows[5].kind, ProjectKind::Project);
    rows
}

#[test]
fn the_seed_annex_as_xlsx_dry_run_then_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "2021年重点评价项目表.xlsx", &seed_xlsx());

    let out = import(&data, &file, &["--dry-run"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}{}", stdout, text(&out.stderr));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ZD21-")).count(), 20, "{stdout}");
    assert!(stdout.contains("共 20 个项目，合计 23773.25 万元"), "{stdout}");
    assert!(stdout.contains("ZD21-01") && stdout.contains("部门整体支出") && stdout.contains("融媒体中心"), "{stdout}");
    assert!(projects(&data).is_empty(), "a dry run sends nothing");

    let out = import(&data, &file, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已导入 20 个项目，合计 23773.25 万元"), "{}", text(&out.stdout));
    check_seed_store(&data);
    let rows = projects(&data);
    assert_eq!(rows[18].fund_notes, vec!["一般债".to_string(), "直达".to_string()]);
    assert_eq!(rows[6].fund_notes, vec!["购买服务".to_string()]);

    // a second list continues the numbering
    let out = import(&data, &file, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = projects(&data);
    assert_eq!(rows.len(), 40);
    assert_eq!(rows.last().unwrap().code, "ZD21-40");
}

#[test]
fn csv_in_utf8_with_bom_and_in_gbk_and_the_xls_fixture_import_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("ref");
    let xlsx = write(dir.path(), "cases.xlsx", &seed_xlsx());
    assert!(import(&reference, &xlsx, &[]).status.success());
    let want = facts(&projects(&reference));

    let csv = seed_csv();
    let bom = write(dir.path(), "bom.csv", &[b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat());
    let gbk = write(dir.path(), "gbk.csv", &encoding_rs::GB18030.encode(&csv).0);
    let xls = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sheets/cases-2021.xls");
    for (i, file) in [bom, gbk, xls].iter().enumerate() {
        let data = dir.path().join(format!("d{i}"));
        let out = import(&data, file, &[]);
        assert!(out.status.success(), "{}: {}", file.display(), text(&out.stderr));
        assert_eq!(facts(&check_seed_store(&data)), want, "{}", file.display());
    }
}

#[test]
fn amounts_in_yuan_become_wan_yuan() {
    let dir = tempfile::tempdir().unwrap();
    let header = write(
        dir.path(),
        "a.csv",
        "项目名称,主管单位,金额（元）\n征收经费,自然资源局,\"8,000,000\"\n道路交通救助基金,交警大队,997300\n".as_bytes(),
    );
    let line = write(
        dir.path(),
        "b.csv",
        "金额单位：元\n项目名称,主管单位,金额\n征收经费,自然资源局,8000000\n道路交通救助基金,交警大队,997300\n".as_bytes(),
    );
    for (i, file) in [header, line].iter().enumerate() {
        let data = dir.path().join(format!("d{i}"));
        let out = import(&data, file, &["--year", "2021"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let amounts: Vec<Decimal> = projects(&data).iter().map(|p| p.amount.normalize()).collect();
        assert_eq!(amounts, vec![dec("800"), dec("99.73")]);
    }
}

#[test]
fn synonyms_in_another_order_below_a_title() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "津市市财政局").unwrap();
    ws.write_string(2, 1, "（2022年度）").unwrap();
    for (c, h) in ["被评价单位", "资金\n（万元）", "名称", "评价类型", "序号"].iter().enumerate() {
        ws.write_string(4, c as u16, *h).unwrap();
    }
    ws.write_string(5, 0, "住建局").unwrap();
    ws.write_string(5, 1, "１,１００.５").unwrap();
    ws.write_string(5, 2, "施工图审查服务费用").unwrap();
    ws.write_string(5, 3, "事前绩效评估").unwrap();
    ws.write_string(6, 0, "统计局").unwrap();
    ws.write_number(6, 1, 100).unwrap();
    ws.write_string(6, 2, "人口普查").unwrap();
    ws.write_string(6, 3, "自评抽查").unwrap();
    // empty trailing rows: cells written empty, and a blank formatted row
    ws.write_string(7, 0, "").unwrap();
    ws.write_blank(9, 2, &Format::new().set_bold()).unwrap();
    let file = write(dir.path(), "list.xlsx", &wb.save_to_buffer().unwrap());
    let data = dir.path().join("d");
    let out = import(&data, &file, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = projects(&data);
    assert_eq!(
        facts(&rows),
        vec![
            ("ZD22-01".into(), ProjectKind::ExAnte, "施工图审查服务费用".into(), "住建局".into(), dec("1100.5"), 2021),
            ("ZD22-02".into(), ProjectKind::SelfEvalCheck, "人口普查".into(), "统计局".into(), dec("100"), 2021),
        ]
    );
}

#[test]
fn header_problems_say_what_was_expected_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let none = write(dir.path(), "none.csv", "甲,乙,丙\n1,2,3\n".as_bytes());
    let out = import(&data, &none, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("找不到表头") && err.contains("“项目名称”“主管或实施单位”“金额”") && err.contains("“甲”“乙”“丙”"), "{err}");

    let dup = write(dir.path(), "dup.csv", "项目名称,主管单位,金额,资金\n甲,乙,1,2\n".as_bytes());
    let out = import(&data, &dup, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("C列和D列都是“金额”：删去一列"), "{err}");
}

#[test]
fn a_bad_amount_refuses_the_whole_file_naming_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let good = write(dir.path(), "good.csv", "项目名称,主管单位,金额\n征收经费,自然资源局,800\n".as_bytes());
    assert!(import(&data, &good, &["--year", "2021"]).status.success());
    let before = facts(&projects(&data));

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("附件").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (seq, name, unit, amount, _)) in SEED.iter().take(12).enumerate() {
        let r = 1 + i as u32;
        ws.write_number(r, 0, *seq).unwrap();
        ws.write_string(r, 2, *name).unwrap();
        ws.write_string(r, 3, *unit).unwrap();
        ws.write_string(r, 4, if i == 10 { "十" } else { amount }).unwrap();
    }
    ws.write_string(13, 2, "").unwrap();
    ws.write_string(13, 3, "人社局").unwrap();
    ws.write_string(13, 4, "-5").unwrap();
    let file = write(dir.path(), "bad.xlsx", &wb.save_to_buffer().unwrap());
    let out = import(&data, &file, &["--year", "2021"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("工作表“附件”第12行 E列“金额”：“十”不是数"), "{err}");
    assert!(err.contains("工作表“附件”第14行 C列“项目名称”：项目名称为空"), "{err}");
    assert!(err.contains("工作表“附件”第14行 E列“金额”：“-5”"), "{err}");
    assert_eq!(facts(&projects(&data)), before, "all or nothing");

    let out = import(&data, &file, &["--year", "2021", "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("“十”不是数"), "{}", text(&out.stdout));
}

#[test]
fn text_the_store_refuses_and_a_wrong_total_are_named_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let ctl = write(
        dir.path(),
        "ctl.csv",
        "项目名称,主管单位,金额\n征收经费,自然资源局,800\n禁捕\u{1}退捕资金,畜牧水产事务中心,2683.68\n".as_bytes(),
    );
    let out = import(&data, &ctl, &["--year", "2021"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("工作表“ctl”第3行 A列“项目名称”：含控制字符"), "{err}");

    let total = write(
        dir.path(),
        "total.csv",
        "项目名称,主管单位,金额\n征收经费,自然资源局,800\n农村房地一体登记,自然资源局,350\n合计,,1100\n".as_bytes(),
    );
    let out = import(&data, &total, &["--year", "2021"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("工作表“total”第4行 C列“金额”：“合计”1100.00 万元，与上面各行之和 1150.00 万元不符"), "{err}");
    assert!(projects(&data).is_empty());
}

#[test]
fn a_hidden_first_sheet_is_skipped_and_named_sheets_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let hidden = wb.add_worksheet();
    hidden.set_name("旧表").unwrap();
    hidden.write_string(0, 0, "项目名称").unwrap();
    hidden.write_string(0, 1, "主管单位").unwrap();
    hidden.write_string(0, 2, "金额").unwrap();
    hidden.write_string(1, 0, "旧项目").unwrap();
    hidden.write_string(1, 1, "旧单位").unwrap();
    hidden.write_number(1, 2, 1).unwrap();
    hidden.set_hidden(true);
    let ws = wb.add_worksheet();
    ws.set_name("新表").unwrap();
    ws.set_active(true);
    ws.write_string(0, 0, "项目名称").unwrap();
    ws.write_string(0, 1, "主管单位").unwrap();
    ws.write_string(0, 2, "金额").unwrap();
    ws.write_string(1, 0, "新项目").unwrap();
    ws.write_string(1, 1, "新单位").unwrap();
    ws.write_number(1, 2, 2).unwrap();
    let file = write(dir.path(), "two.xlsx", &wb.save_to_buffer().unwrap());
    let data = dir.path().join("d");
    assert!(import(&data, &file, &["--year", "2021"]).status.success());
    assert_eq!(projects(&data).iter().map(|p| p.name.clone()).collect::<Vec<_>>(), vec!["新项目"]);
    let data = dir.path().join("e");
    assert!(import(&data, &file, &["--year", "2021", "--sheet", "旧表"]).status.success());
    assert_eq!(projects(&data)[0].name, "旧项目");
    let out = import(&data, &file, &["--year", "2021", "--sheet", "表3"]);
    assert!(text(&out.stderr).contains("没有名为“表3”的工作表；有：“旧表”“新表”"), "{}", text(&out.stderr));
}

#[test]
fn a_truncated_xlsx_is_refused_and_a_csv_named_xlsx_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let bytes = seed_xlsx();
    let broken = write(dir.path(), "坏.xlsx", &bytes[..bytes.len() / 2]);
    let out = import(&data, &broken, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("坏.xlsx") && err.contains("损坏"), "{err}");

    let csv = write(dir.path(), "其实是.xlsx", seed_csv().as_bytes());
    let out = import(&data, &csv, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("文件扩展名是 .xlsx，内容是 CSV：按 CSV 读取"), "{}", text(&out.stderr));
    check_seed_store(&data);
}

#[test]
fn options_that_do_not_fit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "x.csv", seed_csv().as_bytes());
    let out = bin().arg("--data").arg(dir.path()).args(["import", "--dry-run"]).arg(&file).output().unwrap();
    assert!(text(&out.stderr).contains("--as"), "{}", text(&out.stderr));
    let out =
        bin().arg("--data").arg(dir.path()).args(["import", "--as", "indicators", "--project", "ZD21-01"]).arg(&file).output().unwrap();
    // A case list read as an indicator table: the headers it lacks are named.
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("应有“一级指标”“分值”列"), "{}", text(&out.stderr));
    let out = bin().arg("--data").arg(dir.path()).args(["import", "--as", "cases", "--replace", "重报"]).arg(&file).output().unwrap();
    assert!(text(&out.stderr).contains("--replace"), "{}", text(&out.stderr));
}

/// Writes the seed table to $JIXIAO_WRITE_SEED_XLSX, for LibreOffice to convert into
/// fixtures/sheets/cases-2021.xls (run once with --ignored).
#[test]
#[ignore]
fn write_seed_xlsx() {
    if let Ok(path) = std::env::var("JIXIAO_WRITE_SEED_XLSX") {
        std::fs::write(path, seed_xlsx()).unwrap();
    }
}
