//! `jixiao import FILE --as cases`: a bureau's case list (重点绩效评价项目表, the seed's annex
//! table) read from .xlsx/.xls/.csv, one project per row, created all at once by one
//! `Command::Batch`. Every problem is collected first, each naming its sheet, row and
//! column; with any problem nothing is sent. `--dry-run` shows what would be created.

use super::args::ImportArgs;
use crate::backend::{Backend, Fetch};
use crate::command::Command;
use crate::domain::money::{check_amount, fmt2, sum};
use crate::domain::project::ProjectKind;
use crate::domain::{Error, Result};
use crate::sheet::{self, FieldSpec, Problem, Row, Table, year_in};
use crate::text::{pad_left, pad_right, width};
use chrono::Datelike;
use rust_decimal::Decimal;
use std::path::Path;

/// The columns of a case list, by the names bureaus give them.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec { key: "seq", names: &["序号", "编号"], required: false },
    FieldSpec { key: "type", names: &["项目类型", "评价类型", "类型"], required: false },
    FieldSpec { key: "name", names: &["项目名称", "名称"], required: true },
    FieldSpec {
        key: "unit",
        names: &["主管或实施单位", "主管单位", "实施单位", "项目单位", "单位名称", "被评价单位", "主管部门", "预算单位"],
        required: true,
    },
    FieldSpec {
        key: "amount", names: &["金额", "资金", "预算金额", "资金规模", "金额（万元）", "项目金额"], required: true
    },
    FieldSpec { key: "notes", names: &["备注", "说明"], required: false },
];

/// One project to be created, with the row it came from.
#[derive(Debug, Clone)]
pub struct Case {
    pub step: String,
    pub code: String,
    pub kind: ProjectKind,
    pub name: String,
    pub unit: String,
    pub amount: Decimal,
    pub fund_notes: Vec<String>,
}

/// What a case list reads as: the projects, the problems, the year they are for.
#[derive(Debug)]
pub struct Plan {
    pub cases: Vec<Case>,
    pub problems: Vec<Problem>,
    pub year: i32,
    pub prefix: String,
}

pub fn run(data: &Path, file: &Path, args: &ImportArgs) -> Result<i32> {
    let wb = sheet::open(file)?;
    for note in &wb.notes {
        super::out::err_line(&format!("注意：{} {note}", wb.file));
    }
    let table = sheet::locate(&wb, args.sheet.as_deref(), FIELDS)?;
    let this_year = chrono::Local::now().year();
    let year = match args.year {
        Some(y) => y,
        None => year_in(&table.preamble()).unwrap_or(this_year),
    };
    if !(2001..=2101).contains(&year) {
        return Err(Error::invalid("jixiao import", "--year", format!("“{year}”不是合理的评价年度：应在 2001–2101 之间")));
    }
    let prefix = args.prefix.clone().unwrap_or_else(|| format!("ZD{:02}-", year % 100));
    let backend = crate::connect::open_backend(data)?;
    let existing: Vec<String> = backend.project_list()?.into_iter().map(|p| p.code).collect();
    let plan = read_cases(&table, year, &prefix, &existing);
    if plan.cases.is_empty() && plan.problems.is_empty() {
        return Err(Error::invalid(
            format!("文件 {} 工作表“{}”", wb.file, table.grid.name),
            "项目",
            format!("表头（第{}行）下面没有项目行", table.grid.row_number(table.header_row)),
        ));
    }
    let total = sum(plan.cases.iter().map(|c| &c.amount));
    if args.dry_run {
        super::out::stdout(&render(&plan))?;
        super::out::line(&format!(
            "共 {} 个项目，合计 {} 万元（评价年度 {}，资金年度 {}）；试运行，没有导入",
            plan.cases.len(),
            fmt2(total),
            plan.year,
            plan.year - 1
        ))?;
        report_problems(&plan.problems, true, "项目")?;
        return Ok(if plan.problems.is_empty() { 0 } else { 1 });
    }
    if !plan.problems.is_empty() {
        report_problems(&plan.problems, false, "项目")?;
        return Ok(1);
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| wb.file.clone());
    let n = plan.cases.len();
    let (first, last) = match (plan.cases.first(), plan.cases.last()) {
        (Some(f), Some(l)) => (f.code.clone(), l.code.clone()),
        _ => (String::new(), String::new()),
    };
    backend.execute(&batch(&format!("导入 {name}"), &plan.cases, plan.year))?;
    super::out::line(&format!("已导入 {n} 个项目，合计 {} 万元（编号 {first} 至 {last}）", fmt2(total)))?;
    Ok(0)
}

/// The one command that creates every case, all or nothing; each step names its row.
/// `year` is the evaluation year: the projects' fiscal year is the one before.
pub fn batch(label: &str, cases: &[Case], year: i32) -> Command {
    let fiscal_year = year - 1;
    let (commands, steps) = cases
        .iter()
        .cloned()
        .map(|c| {
            let cmd = Command::CreateProject {
                code: c.code,
                name: c.name,
                kind: c.kind,
                fiscal_year,
                unit: c.unit,
                amount: c.amount,
                fund_notes: c.fund_notes,
                lead: None,
                members: Vec::new(),
                third_party: None,
                template: None,
            };
            (cmd, c.step)
        })
        .unzip();
    Command::Batch { label: label.to_string(), commands, steps }
}

/// Problems after the table (dry run) or alone, then what happened.
/// Every spreadsheet import's problem list (after the dry run's table, or alone), then that
/// nothing (no `what`) was imported.
pub(super) fn report_problems(problems: &[Problem], dry_run: bool, what: &str) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for p in problems {
        text.push_str(&format!("{p}\n"));
    }
    text.push_str(&format!("有 {} 处问题：改正后重新导入；没有导入任何{what}\n", problems.len()));
    if dry_run {
        super::out::stdout(&text)
    } else {
        super::out::err_line(text.trim_end());
        Ok(())
    }
}

/// The evaluation kind a 项目类型 names.
pub fn kind_of(text: &str) -> ProjectKind {
    if text.contains("部门整体") {
        ProjectKind::Department
    } else if text.contains("事前") {
        ProjectKind::ExAnte
    } else if ["自评", "抽查", "复核"].iter().any(|w| text.contains(w)) {
        ProjectKind::SelfEvalCheck
    } else if text.contains("监控") {
        ProjectKind::Monitoring
    } else {
        ProjectKind::Project
    }
}

/// The first code number free after the highest `prefix`NN already in the store.
fn next_number(existing: &[String], prefix: &str) -> u64 {
    existing
        .iter()
        .filter_map(|c| c.strip_prefix(prefix))
        .filter(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|rest| rest.parse::<u64>().ok())
        .max()
        .map_or(1, |n| n.saturating_add(1))
}

/// A total row (合计/总计/小计 in its 序号, 类型 or 名称 cell): not a project.
fn total_label(row: &Row) -> Option<String> {
    ["seq", "type", "name"]
        .iter()
        .filter_map(|k| row.text(k))
        .find(|t| ["合计", "总计", "小计"].iter().any(|w| t.ends_with(w) || t.starts_with(w)))
}

/// Reads every row; problems are collected, never stopping at the first.
pub fn read_cases(table: &Table, year: i32, prefix: &str, existing: &[String]) -> Plan {
    let mut cases: Vec<Case> = Vec::new();
    let mut problems = Vec::new();
    let mut current_type: Option<String> = None;
    let mut since_total = Decimal::ZERO;
    let mut number = next_number(existing, prefix);
    for row in table.rows() {
        if let Some(label) = total_label(&row) {
            match row.amount_wan("amount", table) {
                Ok(Some(stated)) => {
                    let all = sum(cases.iter().map(|c| &c.amount));
                    // A total is checked only when every row above it was read.
                    if stated != all && stated != since_total && problems.is_empty() {
                        problems.push(
                            row.problem(
                                "amount",
                                format!("“{label}”{} 万元，与上面各行之和 {} 万元不符：核对金额", fmt2(stated), fmt2(all)),
                            ),
                        );
                    }
                }
                Ok(None) => {}
                Err(p) => problems.push(p),
            }
            since_total = Decimal::ZERO;
            continue;
        }
        if let Some(t) = row.text("type") {
            current_type = Some(t);
        }
        let kind = kind_of(current_type.as_deref().unwrap_or(""));
        let name = row.text("name");
        if name.is_none() {
            problems.push(row.problem("name", "项目名称为空：填上名称，或删去这一行"));
        }
        let unit = row.text("unit");
        if unit.is_none() {
            problems.push(row.problem("unit", "主管或实施单位为空：填上单位"));
        }
        let amount = match row.amount_wan("amount", table) {
            Ok(Some(v)) => match check_amount(v) {
                Ok(()) => Some(v),
                Err(m) => {
                    problems.push(row.problem("amount", m));
                    None
                }
            },
            Ok(None) => {
                problems.push(row.problem("amount", "金额为空：填上金额（万元）"));
                None
            }
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let (Some(name), Some(unit), Some(amount)) = (name, unit, amount) else { continue };
        let fund_notes = row
            .text("notes")
            .map(|n| n.split(['、', ',', '，', '；', ';', ' ', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default();
        let case = Case { step: row.step(), code: format!("{prefix}{number:02}"), kind, name, unit, amount, fund_notes };
        // Text the store would refuse (control characters, 64 KiB) is named by its cell here.
        if let Err(Error::Invalid { field, message, .. }) = batch("", std::slice::from_ref(&case), year).check_bounds() {
            let key = if field.contains("unit") {
                "unit"
            } else if field.contains("fund_notes") {
                "notes"
            } else {
                "name"
            };
            problems.push(row.problem(key, message));
            continue;
        }
        since_total += amount;
        cases.push(case);
        number = number.saturating_add(1);
    }
    Plan { cases, problems, year, prefix: prefix.to_string() }
}

/// The dry run's table: code, kind, name, unit, amount.
fn render(plan: &Plan) -> String {
    let code_w = plan.cases.iter().map(|c| width(&c.code)).max().unwrap_or(4).max(4);
    let mut out = format!(
        "{}  {}  {}  {}  {}\n",
        pad_right("编号", code_w),
        pad_right("类型", 12),
        pad_right("项目名称", 40),
        pad_right("主管或实施单位", 24),
        pad_left("金额（万元）", 14)
    );
    for c in &plan.cases {
        out.push_str(&format!(
            "{}  {}  {}  {}  {}\n",
            pad_right(&c.code, code_w),
            pad_right(c.kind.label(), 12),
            pad_right(&c.name, 40),
            pad_right(&c.unit, 24),
            pad_left(&fmt2(c.amount), 14)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_kinds_and_numbers() {
        assert_eq!(year_in(&["2021 年部门整体支出和专项支出重点绩效评价项目表".into()]), Some(2021));
        assert_eq!(year_in(&["单位：万元".into(), "（２０２２年）".into()]), Some(2022));
        assert_eq!(year_in(&["编号 120215".into()]), None);
        assert_eq!(kind_of("部门整体支出评价"), ProjectKind::Department);
        assert_eq!(kind_of("重点项目支出评价"), ProjectKind::Project);
        assert_eq!(kind_of("事前绩效评估"), ProjectKind::ExAnte);
        assert_eq!(kind_of("自评复核"), ProjectKind::SelfEvalCheck);
        assert_eq!(kind_of("绩效运行监控"), ProjectKind::Monitoring);
        let codes = ["ZD21-07".to_string(), "ZD21-x".into(), "ZD22-30".into()];
        assert_eq!(next_number(&codes, "ZD21-"), 8);
        assert_eq!(next_number(&codes, "ZD23-"), 1);
    }
}
