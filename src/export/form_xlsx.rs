//! The self-evaluation form (绩效自评表, DOMAIN.md §11) as XLSX, laid out as the platform
//! prints it: title and year, 项目名称, 主管部门/实施单位, the money block (万元) with its
//! 执行率 and 得分, 年度总体目标 预期 ‖ 实际, then the indicator table with 一级/二级 merged
//! down, each leaf's printed values, its 其中 rows, and the 总分 row. Numbers are numbers,
//! printed targets stay text. `sheet::form` reads this layout back (the round trip).

use crate::domain::form::{Form, MONEY_ROWS};
use crate::domain::tree::IndicatorTree;
use crate::domain::{Error, Project, Result};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

pub const SHEET: &str = "自评表";
pub const HEADER: [&str; 10] =
    ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"];
/// Added on a re-check (自评抽查) project with scores: the re-checker's.
pub const RECHECK: &str = "复核得分";
const WIDTHS: [f64; 11] = [10.0, 14.0, 24.0, 8.0, 14.0, 9.0, 14.0, 8.0, 8.0, 36.0, 10.0];
/// The 一级 leaf the money block scores; not repeated in the table when the block is printed.
const MONEY_LEAF: &str = "预算执行率";

fn xlsx_err(e: XlsxError) -> Error {
    Error::corrupt("自评表 XLSX", e)
}

/// One printed line of the indicator table.
struct Line {
    l1: String,
    l2: String,
    l3: String,
    nature: String,
    target: String,
    unit: String,
    actual: String,
    points: Option<Decimal>,
    self_score: Option<Decimal>,
    recheck: Option<Decimal>,
    deviation: String,
}

pub fn to_xlsx(project: &Project, tree: &IndicatorTree, form: &Form) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write(sheet, project, tree, form).map_err(xlsx_err)?;
    book.save_to_buffer().map_err(xlsx_err)
}

fn lines(tree: &IndicatorTree, form: &Form, skip_money_leaf: bool) -> Vec<Line> {
    let mut out = Vec::new();
    for leaf in tree.leaves() {
        let names = path_names(tree, leaf.id);
        if skip_money_leaf && names.len() == 1 && names[0] == MONEY_LEAF {
            continue;
        }
        let level = |i: usize| names.get(i).cloned().unwrap_or_default();
        let l3 = if names.len() > 3 { names[2..].join("/") } else { level(2) };
        let row = form.row(leaf.id).map(|r| r.input.clone()).unwrap_or_default();
        out.push(Line {
            l1: level(0),
            l2: level(1),
            l3,
            nature: row.nature.map(|n| n.label().to_string()).unwrap_or_default(),
            target: row.target.clone(),
            unit: row.unit.clone(),
            actual: row.actual.clone(),
            points: Some(leaf.points),
            self_score: row.self_score,
            recheck: leaf.score.as_ref().map(|s| s.value),
            deviation: row.deviation.clone(),
        });
        for b in &row.breakdown {
            out.push(Line {
                l1: level(0),
                l2: level(1),
                l3: b.name.clone(),
                nature: String::new(),
                target: b.target.clone(),
                unit: b.unit.clone(),
                actual: b.actual.clone(),
                points: None,
                self_score: None,
                recheck: None,
                deviation: String::new(),
            });
        }
    }
    out
}

fn path_names(tree: &IndicatorTree, id: u32) -> Vec<String> {
    let mut names = Vec::new();
    let mut cur = tree.node(id);
    while let Some(n) = cur {
        names.push(n.name.clone());
        cur = n.parent.and_then(|p| tree.node(p));
        if names.len() > tree.nodes.len() {
            break;
        }
    }
    names.reverse();
    names
}

fn write(ws: &mut Worksheet, project: &Project, tree: &IndicatorTree, form: &Form) -> std::result::Result<(), XlsxError> {
    let recheck = tree.leaves().any(|l| l.score.is_some());
    let cols: u16 = if recheck { 11 } else { 10 };
    ws.set_name(SHEET)?;
    // Printed as bureaus print it: A4 landscape, one page wide, the table header repeated.
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(11, 11)?;
    ws.set_row_height(0, 30)?;
    for (c, w) in (0u16..cols).zip(WIDTHS) {
        ws.set_column_width(c, w)?;
    }
    let border = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
    let center = border.clone().set_align(FormatAlign::Center);
    let bold = center.clone().set_bold();
    let number = border.clone().set_num_format("0.00");
    let percent = border.clone().set_num_format("0.00%");
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let last = cols - 1;
    ws.merge_range(0, 0, 0, last, "项目支出绩效自评表", &title)?;
    ws.merge_range(1, 0, 1, last, &format!("（{}年度）", project.fiscal_year), &Format::new().set_align(FormatAlign::Center))?;
    ws.write_string_with_format(2, 0, "项目名称", &bold)?;
    ws.merge_range(2, 1, 2, last, &project.name, &border)?;
    ws.write_string_with_format(3, 0, "主管部门", &bold)?;
    ws.merge_range(3, 1, 3, 4, &project.unit, &border)?;
    ws.write_string_with_format(3, 5, "实施单位", &bold)?;
    ws.merge_range(3, 6, 3, last, &project.unit, &border)?;
    // The money block: the four rows in printed order, whatever the form holds.
    ws.merge_range(4, 0, 8, 0, "项目资金（万元）", &bold)?;
    ws.write_blank(4, 1, &border)?;
    for (c, h) in (2u16..).zip(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]) {
        ws.write_string_with_format(4, c, h, &bold)?;
    }
    let money_leaf = tree.leaves().find(|l| l.parent.is_none() && l.name == MONEY_LEAF);
    for (i, label) in MONEY_ROWS.iter().enumerate() {
        let r = 5 + i as u32;
        let shown = if i == 1 { format!("其中：{label}") } else { label.to_string() };
        ws.write_string_with_format(r, 1, &shown, &border)?;
        let m = form.head.money.iter().find(|m| m.label == *label);
        for (c, v) in [(2u16, m.and_then(|m| m.year_start)), (3, m.and_then(|m| m.full_year)), (4, m.and_then(|m| m.executed))] {
            num(ws, r, c, v, &number)?;
        }
        if i == 0 {
            num(ws, r, 5, Some(form.money_points()), &number)?;
            match form.execution_rate() {
                Some(rate) => ws.write_number_with_format(r, 6, rate.to_f64().unwrap_or(0.0), &percent)?,
                None => ws.write_blank(r, 6, &percent)?,
            };
            let own = money_leaf.and_then(|l| form.row(l.id)).and_then(|r| r.input.self_score);
            num(ws, r, 7, own, &number)?;
        } else {
            for c in 5..8 {
                ws.write_blank(r, c, &border)?;
            }
        }
    }
    ws.merge_range(9, 0, 10, 0, "年度总体目标", &bold)?;
    ws.merge_range(9, 1, 9, 4, "预期目标", &bold)?;
    ws.merge_range(9, 5, 9, last, "实际完成情况", &bold)?;
    ws.merge_range(10, 1, 10, 4, &form.head.goal_expected, &border)?;
    ws.merge_range(10, 5, 10, last, &form.head.goal_actual, &border)?;
    ws.set_row_height(10, 48)?;
    let header_row = 11u32;
    for (c, h) in (0u16..).zip(HEADER) {
        ws.write_string_with_format(header_row, c, h, &bold)?;
    }
    if recheck {
        ws.write_string_with_format(header_row, 10, RECHECK, &bold)?;
    }
    let printed = lines(tree, form, !form.head.money.is_empty());
    let first = header_row + 1;
    for (i, l) in printed.iter().enumerate() {
        let r = first + i as u32;
        for (c, v) in [(2u16, &l.l3), (3, &l.nature), (4, &l.target), (5, &l.unit), (6, &l.actual), (9, &l.deviation)] {
            ws.write_string_with_format(r, c, v.as_str(), &border)?;
        }
        num(ws, r, 7, l.points, &number)?;
        num(ws, r, 8, l.self_score, &number)?;
        if recheck {
            num(ws, r, 10, l.recheck, &number)?;
        }
    }
    merge_runs(ws, first, &printed, 0, |l| (l.l1.clone(), String::new()), &center)?;
    merge_runs(ws, first, &printed, 1, |l| (l.l1.clone(), l.l2.clone()), &center)?;
    let total = first + printed.len() as u32;
    ws.merge_range(total, 0, total, 6, "总分", &bold)?;
    num(ws, total, 7, Some(tree.leaf_points_sum()), &number)?;
    num(ws, total, 8, form.head.printed_total.or_else(|| form.self_total()), &number)?;
    ws.write_blank(total, 9, &border)?;
    if recheck {
        num(ws, total, 10, Some(tree.total_score()), &number)?;
    }
    ws.set_freeze_panes(first, 0)?;
    Ok(())
}

fn num(ws: &mut Worksheet, r: u32, c: u16, v: Option<Decimal>, f: &Format) -> std::result::Result<(), XlsxError> {
    match v {
        Some(v) => ws.write_number_with_format(r, c, v.to_f64().unwrap_or(0.0), f).map(|_| ()),
        None => ws.write_blank(r, c, f).map(|_| ()),
    }
}

/// 一级 (col 0) or 二级 (col 1) cells merged over each run of lines with the same key.
fn merge_runs(
    ws: &mut Worksheet,
    first: u32,
    lines: &[Line],
    col: u16,
    key: impl Fn(&Line) -> (String, String),
    f: &Format,
) -> std::result::Result<(), XlsxError> {
    let mut start = 0;
    for end in 1..=lines.len() {
        if end < lines.len() && key(&lines[end]) == key(&lines[start]) {
            continue;
        }
        let text = if col == 0 { &lines[start].l1 } else { &lines[start].l2 };
        let (a, b) = (first + start as u32, first + end as u32 - 1);
        if a == b || text.is_empty() {
            for r in a..=b {
                ws.write_string_with_format(r, col, text.as_str(), f)?;
            }
        } else {
            ws.merge_range(a, col, b, col, text, f)?;
        }
        start = end;
    }
    Ok(())
}
