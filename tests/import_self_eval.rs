//! `jixiao import FILE --as self-eval|indicators --project CODE`: a real-looking 10-row
//! 项目支出绩效自评表 (money block, 年度总体目标, merged 一级/二级 cells, a 其中 row, printed
//! targets such as "≥4754人", "≤5300元/户", "及时"), as .xlsx, .csv and .xls, through the binary.

use jixiao::backend::{Fetch, Local};
use jixiao::domain::tree::IndicatorRef;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;

/// 一级, 二级, 三级, 指标性质, 年度指标值, 度量单位, 实际完成值, 分值, 得分, 偏差原因.
/// The rows' points and self-scores sum to 110 under a printed 总分 of 100; 保障人数 has full
/// marks against a missed target.
pub const ROWS: [[&str; 10]; 10] = [
    ["产出", "数量指标", "保障人数", "≥", "≥4754人", "人", "4512人", "15", "15", "部分对象收入提高，按规定退出保障"],
    ["产出", "数量指标", "其中：农村低保", "", "≥3200人", "人", "3050人", "", "", ""],
    ["产出", "数量指标", "资金发放户数", "≥", "≥2300户", "户", "2310户", "10", "10", ""],
    ["产出", "质量指标", "资金发放准确率", "=", "100%", "%", "100%", "15", "15", ""],
    ["产出", "时效指标", "资金发放及时性", "定性", "及时", "", "及时", "10", "10", ""],
    ["产出", "成本指标", "户均补助标准", "≤", "≤5300元/户", "元/户", "5280元/户", "10", "10", ""],
    ["效益", "社会效益指标", "困难群众基本生活保障率", "≥", "≥95%", "%", "96.5%", "15", "15", ""],
    ["效益", "可持续影响指标", "长效机制健全性", "定性", "健全", "", "健全", "10", "10", ""],
    ["满意度", "服务对象满意度指标", "受益对象满意度", "≥", "≥85%", "%", "86.19%", "10", "10", ""],
    ["满意度", "服务对象满意度指标", "政策知晓率", "≥", "≥80%", "%", "83%", "5", "5", ""],
];
const HEADER: [&str; 10] =
    ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"];
const GOAL: (&str, &str) = ("按月足额发放低保金，保障困难群众基本生活。", "全年按月发放，覆盖4512人，资金执行率100%。");

fn cell(ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, v: &str) {
    if v.is_empty() {
        return;
    }
    // Points and scores are numbers, as Excel holds them; printed values stay text.
    match (c, Decimal::from_str(v)) {
        (7 | 8, Ok(_)) => ws.write_number(r, c, v.parse::<f64>().unwrap()).map(|_| ()),
        _ => ws.write_string(r, c, v).map(|_| ()),
    }
    .unwrap();
}

/// The form as the platform prints it: title, year, name, units, money block (万元), goals,
/// the indicator table with 一级/二级 merged down, the 总分 row.
pub fn form_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let f = Format::new();
    let ws = wb.add_worksheet();
    ws.set_name("自评表").unwrap();
    ws.merge_range(0, 0, 0, 9, "项目支出绩效自评表", &f).unwrap();
    ws.merge_range(1, 0, 1, 9, "（2020年度）", &f).unwrap();
    ws.write_string(2, 0, "项目名称").unwrap();
    ws.merge_range(2, 1, 2, 9, "城乡居民最低生活保障资金", &f).unwrap();
    ws.write_string(3, 0, "主管部门").unwrap();
    ws.merge_range(3, 1, 3, 4, "县民政局", &f).unwrap();
    ws.write_string(3, 5, "实施单位").unwrap();
    ws.merge_range(3, 6, 3, 9, "县社会救助服务中心", &f).unwrap();
    ws.merge_range(4, 0, 8, 0, "项目资金（万元）", &f).unwrap();
    for (c, h) in ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"].iter().enumerate() {
        ws.write_string(4, 2 + c as u16, *h).unwrap();
    }
    let money = [
        ("年度资金总额", 5000.0, 5300.0, 5300.0),
        ("其中：财政拨款", 5000.0, 5300.0, 5300.0),
        ("上年结转", 0.0, 0.0, 0.0),
        ("其他资金", 0.0, 0.0, 0.0),
    ];
    for (i, (label, a, b, c)) in money.iter().enumerate() {
        let r = 5 + i as u32;
        ws.write_string(r, 1, *label).unwrap();
        ws.write_number(r, 2, *a).unwrap();
        ws.write_number(r, 3, *b).unwrap();
        ws.write_number(r, 4, *c).unwrap();
    }
    ws.write_number(5, 5, 10).unwrap();
    ws.write_string(5, 6, "100%").unwrap();
    ws.write_number(5, 7, 10).unwrap();
    ws.merge_range(9, 0, 10, 0, "年度总体目标", &f).unwrap();
    ws.merge_range(9, 1, 9, 4, "预期目标", &f).unwrap();
    ws.merge_range(9, 5, 9, 9, "实际完成情况", &f).unwrap();
    ws.merge_range(10, 1, 10, 4, GOAL.0, &f).unwrap();
    ws.merge_range(10, 5, 10, 9, GOAL.1, &f).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(11, c as u16, *h).unwrap();
    }
    let first = 12u32;
    // 一级 and 二级 merged down over their rows, as printed: each run of equal labels.
    for col in [0usize, 1] {
        let key = |r: &[&'static str; 10]| -> (&'static str, &'static str) { if col == 0 { (r[0], "") } else { (r[0], r[1]) } };
        let mut start = 0usize;
        let ends: Vec<usize> = (1..ROWS.len()).filter(|i| key(&ROWS[*i]) != key(&ROWS[i - 1])).chain([ROWS.len()]).collect();
        for end in ends {
            let (a, b) = (first + start as u32, first + end as u32 - 1);
            let label = ROWS[start][col];
            if a == b {
                ws.write_string(a, col as u16, label).unwrap();
            } else {
                ws.merge_range(a, col as u16, b, col as u16, label, &f).unwrap();
            }
            start = end;
        }
    }
    for (i, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate().skip(2) {
            cell(ws, first + i as u32, c as u16, v);
        }
    }
    let total = first + ROWS.len() as u32;
    ws.merge_range(total, 0, total, 6, "总分", &f).unwrap();
    ws.write_number(total, 7, 100).unwrap();
    ws.write_number(total, 8, 100).unwrap();
    ws.write_string(total + 2, 0, "填报人：李梅　　联系电话：0731-88886666").unwrap();
    wb.save_to_buffer().unwrap()
}

/// The same form as a CSV saved from Excel: no merges, so 一级/二级 only on a group's first row.
pub fn form_csv() -> String {
    let mut out = String::from(
        "项目支出绩效自评表\n（2020年度）\n项目名称,城乡居民最低生活保障资金\n主管部门,县民政局,,,,实施单位,县社会救助服务中心\n",
    );
    out.push_str("项目资金（万元）,,年初预算数,全年预算数,全年执行数,分值,执行率,得分\n");
    out.push_str(",年度资金总额,5000,5300,5300,10,100%,10\n,其中：财政拨款,5000,5300,5300\n,上年结转,0,0,0\n,其他资金,0,0,0\n");
    out.push_str(&format!("年度总体目标,预期目标,,,,实际完成情况\n,{},,,,{}\n", GOAL.0, GOAL.1));
    out.push_str(&HEADER.join(","));
    out.push('\n');
    let mut last = ["", ""];
    for row in ROWS {
        let mut cells: Vec<String> = row.iter().map(|s| s.to_string()).collect();
        if row[0] == last[0] {
            cells[0].clear();
            if row[1] == last[1] {
                cells[1].clear();
            }
        }
        last = [row[0], row[1]];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.push_str("总分,,,,,,,100,100,\n");
    out
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_jixiao")
}

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--local")
        .arg("--data")
        .arg(data)
        .args(args)
        .env("JIXIAO_LANG", "zh")
        .env_remove("JIXIAO_DATA")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// What every format must give: the tree, the rows as printed, the money block, the total.
fn assert_imported(data: &Path) {
    let local = Local::open(data).unwrap();
    let p = local.project("CC21-01").unwrap();
    assert_eq!(p.name, "城乡居民最低生活保障资金");
    assert_eq!(p.unit, "县民政局");
    assert_eq!(p.fiscal_year, 2020);
    assert_eq!(p.amount, d("5300"));
    assert_eq!(p.kind, jixiao::domain::ProjectKind::SelfEvalCheck);
    let t = local.tree("CC21-01").unwrap();
    let leaf = |path: &str| t.find(&IndicatorRef::Name(path.into())).unwrap().id;
    assert_eq!(t.leaf_points_sum(), d("110"), "10 for 预算执行率 from the money block and the 10 rows' 100");
    assert_eq!(t.nodes.iter().filter(|n| t.is_leaf(n.id)).count(), 10, "nine indicator rows and 预算执行率; 其中 is no indicator");
    let form = local.form("CC21-01").unwrap();
    let row = &form.row(leaf("产出/数量指标/保障人数")).unwrap().input;
    assert_eq!((row.target.as_str(), row.actual.as_str(), row.unit.as_str()), ("≥4754人", "4512人", "人"));
    assert_eq!(row.self_score, Some(d("15")));
    assert_eq!(row.deviation, "部分对象收入提高，按规定退出保障");
    assert_eq!(row.breakdown.len(), 1);
    assert_eq!((row.breakdown[0].name.as_str(), row.breakdown[0].actual.as_str()), ("其中：农村低保", "3050人"));
    let cost = &form.row(leaf("户均补助标准")).unwrap().input;
    assert_eq!(cost.nature, Some(jixiao::domain::printed::Nature::Le));
    assert_eq!(cost.target, "≤5300元/户");
    // The re-checker's method follows the printed target: ≥ and ≤ and = by formula, text qualitatively.
    use jixiao::domain::tree::{Direction, Method};
    let method = |path: &str| t.find(&IndicatorRef::Name(path.into())).unwrap().method;
    assert_eq!(method("保障人数"), Method::Formula { direction: Direction::Positive });
    assert_eq!(method("户均补助标准"), Method::Formula { direction: Direction::Negative });
    assert_eq!(method("资金发放准确率"), Method::Formula { direction: Direction::Exact });
    assert_eq!(method("资金发放及时性"), Method::Qualitative);
    let timely = &form.row(leaf("资金发放及时性")).unwrap().input;
    assert_eq!((timely.target.as_str(), timely.nature), ("及时", Some(jixiao::domain::printed::Nature::Text)));
    let money = &form.row(leaf("预算执行率")).unwrap().input;
    assert_eq!((money.target.as_str(), money.actual.as_str(), money.self_score), ("5300", "5300", Some(d("10"))));
    assert_eq!(form.head.printed_total, Some(d("100")));
    assert_eq!(form.self_total(), Some(d("110")));
    assert_eq!(form.head.money.len(), 4);
    assert_eq!(form.head.money[1].label, "财政拨款");
    assert_eq!(form.money_score(), Some(d("10")));
    assert_eq!(form.head.goal_expected, GOAL.0);
    assert_eq!(form.head.goal_actual, GOAL.1);
}

#[test]
fn a_self_evaluation_form_in_xlsx_becomes_a_recheck_project() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "低保资金自评表.xlsx", &form_xlsx());
    let f = file.to_str().unwrap();
    let dry = run(&data, &["import", f, "--as", "self-eval", "--project", "CC21-01", "--dry-run"]);
    let out = text(&dry);
    assert!(dry.status.success(), "{out}");
    assert!(out.contains("将新建自评抽查项目 CC21-01：城乡居民最低生活保障资金（县民政局）"), "{out}");
    assert!(out.contains("其中：农村低保") && out.contains("≥4754人"), "{out}");
    assert!(out.contains("共 10 条末级指标，分值合计 110.00；自评得分合计 110.00；表上总分 100.00"), "{out}");
    assert!(Local::open(&data).unwrap().project("CC21-01").is_err(), "a dry run writes nothing");
    let real = run(&data, &["import", f, "--as", "self-eval", "--project", "CC21-01"]);
    assert!(real.status.success(), "{}", text(&real));
    assert!(text(&real).contains("已新建 CC21-01：末级指标 10 条，分值合计 110.00"), "{}", text(&real));
    assert_imported(&data);
}

#[test]
fn the_same_form_as_csv_and_xls_imports_the_same() {
    for (name, bytes) in [
        ("低保资金自评表.csv", form_csv().into_bytes()),
        ("低保资金自评表-gbk.csv", encoding_rs::GB18030.encode(&form_csv()).0.into_owned()),
        ("低保资金自评表.xls", std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sheets/self-eval-2020.xls")).unwrap()),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let file = write(dir.path(), name, &bytes);
        let out = run(&data, &["import", file.to_str().unwrap(), "--as", "self-eval", "--project", "CC21-01"]);
        assert!(out.status.success(), "{name}: {}", text(&out));
        assert_imported(&data);
    }
}

#[test]
fn a_bad_cell_names_its_row_and_column_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = form_csv().replace("资金发放户数,≥,≥2300户,户,2310户,10,10", "资金发放户数,≥,≥2300户,户,2310户,十,10");
    let file = write(dir.path(), "自评表.csv", csv.as_bytes());
    let out = run(&data, &["import", file.to_str().unwrap(), "--as", "self-eval", "--project", "CC21-01"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("工作表“自评表”第15行 H列“分值”：“十”不是数"), "{}", text(&out));
    assert!(Local::open(&data).unwrap().project("CC21-01").is_err(), "all or nothing");
}

#[test]
fn indicators_replace_a_tree_and_a_scored_one_needs_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "指标表.xlsx", &form_xlsx());
    let f = file.to_str().unwrap();
    let out = run(&data, &["import", f, "--as", "indicators", "--project", "CC21-01"]);
    assert!(!out.status.success() && text(&out).contains("没有项目“CC21-01”"), "{}", text(&out));
    let created = run(&data, &["import", f, "--as", "self-eval", "--project", "CC21-01"]);
    assert!(created.status.success(), "{}", text(&created));
    let local = Local::open(&data).unwrap();
    let cmd: jixiao::command::Command = serde_json::from_value(serde_json::json!({"cmd":"score","project":"CC21-01","indicator":"政策知晓率","input":{"printed":{"target":"≥80%","actual":"83%"}}})).unwrap();
    jixiao::backend::Backend::execute(&local, &cmd).unwrap();
    drop(local);
    let again = run(&data, &["import", f, "--as", "indicators", "--project", "CC21-01"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("已有 1 条指标打了分"), "{}", text(&again));
    let replaced = run(&data, &["import", f, "--as", "indicators", "--project", "CC21-01", "--replace", "单位重新报送自评表"]);
    assert!(replaced.status.success(), "{}", text(&replaced));
    assert!(text(&replaced).contains("已更新 CC21-01"), "{}", text(&replaced));
}

/// Writes the form to $JIXIAO_WRITE_FORM_XLSX, for LibreOffice to convert into the committed
/// fixtures/sheets/self-eval-2020.xls (`soffice --headless --convert-to xls`).
#[test]
fn write_the_form_for_the_xls_fixture() {
    if let Ok(path) = std::env::var("JIXIAO_WRITE_FORM_XLSX") {
        std::fs::write(path, form_xlsx()).unwrap();
    }
}

#[test]
fn check_names_the_forms_anomalies_after_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "低保资金自评表.xlsx", &form_xlsx());
    let out = run(&data, &["import", file.to_str().unwrap(), "--as", "self-eval", "--project", "CC21-01"]);
    assert!(out.status.success(), "{}", text(&out));
    let check = run(&data, &["check", "--project", "CC21-01"]);
    let said = text(&check);
    assert_eq!(check.status.code(), Some(1), "{said}");
    assert!(said.contains("自评表总分 100，各行自评得分合计 110"), "{said}");
    assert!(said.contains("保障人数") && said.contains("≥4754人") && said.contains("4512人") && said.contains("自评却得满分 15"), "{said}");
}

/// The tree and every form row as comparable values: paths, points, the rows as printed.
fn shape(data: &Path, code: &str) -> Vec<(String, String, Option<jixiao::domain::form::RowInput>)> {
    let local = Local::open(data).unwrap();
    let (t, form) = (local.tree(code).unwrap(), local.form(code).unwrap());
    t.nodes.iter().map(|n| (t.path(n.id), n.points.normalize().to_string(), form.row(n.id).map(|r| r.input.clone()))).collect()
}

#[test]
fn a_form_exported_as_xlsx_imports_back_to_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let file = write(dir.path(), "低保资金自评表.xlsx", &form_xlsx());
    assert!(run(&one, &["import", file.to_str().unwrap(), "--as", "self-eval", "--project", "CC21-01"]).status.success());
    let out = dir.path().join("导出的自评表.xlsx");
    let export = run(&one, &["export", "--project", "CC21-01", "--format", "xlsx", "--as", "self-eval", "-o", out.to_str().unwrap()]);
    assert!(export.status.success(), "{}", text(&export));
    let back = run(&two, &["import", out.to_str().unwrap(), "--as", "self-eval", "--project", "CC21-01"]);
    assert!(back.status.success(), "{}", text(&back));
    assert_eq!(shape(&one, "CC21-01"), shape(&two, "CC21-01"));
    let (a, b) = (Local::open(&one).unwrap().form("CC21-01").unwrap(), Local::open(&two).unwrap().form("CC21-01").unwrap());
    assert_eq!(a.head.money, b.head.money);
    assert_eq!((a.head.printed_total, &a.head.goal_expected), (b.head.printed_total, &b.head.goal_expected));
    let (p, q) = (Local::open(&one).unwrap().project("CC21-01").unwrap(), Local::open(&two).unwrap().project("CC21-01").unwrap());
    assert_eq!((p.name, p.fiscal_year, p.amount), (q.name, q.fiscal_year, q.amount));
}

#[test]
fn a_score_table_exported_as_xlsx_rebuilds_the_same_tree() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "低保资金自评表.xlsx", &form_xlsx());
    assert!(run(&data, &["import", file.to_str().unwrap(), "--as", "self-eval", "--project", "CC21-01"]).status.success());
    let before: Vec<(String, String)> = shape(&data, "CC21-01").into_iter().map(|(p, pts, _)| (p, pts)).collect();
    let out = dir.path().join("评分表.xlsx");
    let export = run(&data, &["export", "--project", "CC21-01", "--format", "xlsx", "--as", "score-table", "-o", out.to_str().unwrap()]);
    assert!(export.status.success(), "{}", text(&export));
    let back = run(&data, &["import", out.to_str().unwrap(), "--as", "indicators", "--project", "CC21-01"]);
    assert!(back.status.success(), "{}", text(&back));
    let after: Vec<(String, String)> = shape(&data, "CC21-01").into_iter().map(|(p, pts, _)| (p, pts)).collect();
    assert_eq!(before, after);
}

#[test]
fn export_options_that_do_not_fit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = run(&data, &["export", "--project", "CC21-01", "--format", "xlsx", "-o", "x.xlsx"]);
    assert!(text(&out).contains("--as self-eval"), "{}", text(&out));
    let out = run(&data, &["export", "--format", "xlsx", "--as", "self-eval", "-o", "x.xlsx"]);
    assert!(text(&out).contains("--project"), "{}", text(&out));
    let out = run(&data, &["export", "--project", "CC21-01", "--format", "xlsx", "--as", "self-eval"]);
    assert!(text(&out).contains("-o"), "{}", text(&out));
}
