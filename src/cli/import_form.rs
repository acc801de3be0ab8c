//! `jixiao import FILE --as indicators|self-eval --project CODE`: a project's indicator table
//! or self-evaluation form read from a spreadsheet (`sheet::form`) and sent as ONE
//! `Command::Batch`: the project created when a self-evaluation form names a new one
//! (a 自评抽查 project), the tree replaced (`replace_tree`; a scored tree only with
//! `--replace REASON`), the form's rows and head written. All or nothing; every problem is
//! collected first by sheet, row and column; `--dry-run` shows what would be written.

use super::args::{ImportArgs, SheetKind};
use crate::backend::{Backend, Fetch};
use crate::command::Command;
use crate::domain::form::RowInput;
use crate::domain::money::fmt2;
use crate::domain::project::ProjectKind;
use crate::domain::tree::{Direction, IndicatorRef, Method};
use crate::domain::tree_replace::NewIndicator;
use crate::domain::{Error, Result};
use crate::sheet::form::{FormLine, FormPlan};
use crate::sheet::{self, Problem};
use crate::text::{pad_left, pad_right, truncate};
use chrono::Datelike;
use rust_decimal::Decimal;
use std::path::Path;

/// The 一级 indicator the money block scores (DOMAIN.md §11).
const MONEY_LEAF: &str = "预算执行率";

pub fn run(data: &Path, file: &Path, kind: SheetKind, args: &ImportArgs) -> Result<i32> {
    let Some(code) = args.project.as_deref() else {
        return Err(Error::invalid("jixiao import", "--project", format!("--as {} 要用 --project CODE 指明项目", kind.arg())));
    };
    let wb = sheet::open(file)?;
    for note in &wb.notes {
        super::out::err_line(&format!("注意：{} {note}", wb.file));
    }
    let table = sheet::locate(&wb, args.sheet.as_deref(), sheet::form::FIELDS)?;
    let mut plan = sheet::form::read(&table);
    if kind == SheetKind::SelfEval {
        add_money_leaf(&mut plan);
    }
    if plan.indicators.is_empty() && plan.problems.is_empty() {
        return Err(Error::invalid(
            format!("文件 {} 工作表“{}”", wb.file, table.grid.name),
            "指标",
            format!("表头（第{}行）下面没有指标行", table.grid.row_number(table.header_row)),
        ));
    }
    let backend = crate::connect::open_backend(data)?;
    let exists = match backend.project(code) {
        Ok(_) => true,
        Err(Error::NotFound { .. }) => false,
        Err(e) => return Err(e),
    };
    if !exists && kind == SheetKind::Indicators {
        return Err(Error::invalid(
            "jixiao import",
            "--project",
            format!("没有项目“{code}”：指标表导入到已有项目；先新建项目，或用 --as self-eval 从自评表新建"),
        ));
    }
    let mut problems = plan.problems.clone();
    let create = match (exists, new_project(code, &plan, args)) {
        (true, _) => None,
        (false, Ok(cmd)) => Some(cmd),
        (false, Err(missing)) => {
            problems.extend(missing);
            None
        }
    };
    if args.dry_run {
        super::out::stdout(&render(&plan, code, create.is_some()))?;
        super::import_cases::report_problems(&problems, true, "内容")?;
        return Ok(if problems.is_empty() { 0 } else { 1 });
    }
    if !problems.is_empty() {
        super::import_cases::report_problems(&problems, false, "内容")?;
        return Ok(1);
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| wb.file.clone());
    let leaves = plan.lines.len();
    let points = plan.points();
    let with_form = kind == SheetKind::SelfEval;
    backend.execute(&batch(&format!("导入 {name}"), code, create, plan, args.replace.clone(), with_form))?;
    let made = if exists { "已更新" } else { "已新建" };
    super::out::line(&format!("{made} {code}：末级指标 {leaves} 条，分值合计 {}", fmt2(points)))?;
    Ok(0)
}

/// The money block scores 预算执行率 (10 points): a form that prints the block and no such
/// indicator row gets it first, its target and actual the 全年预算数 and 全年执行数.
fn add_money_leaf(plan: &mut FormPlan) {
    let Some(total) = plan.head.money.first().cloned() else { return };
    if plan.indicators.iter().any(|i| i.path.last().is_some_and(|n| n == MONEY_LEAF)) {
        return;
    }
    let points = plan.head.money_points.unwrap_or(Decimal::from(crate::domain::form::MONEY_POINTS));
    let text = |v: Option<Decimal>| v.map(|v| v.normalize().to_string()).unwrap_or_default();
    let row = RowInput {
        nature: Some(crate::domain::printed::Nature::Ge),
        target: text(total.full_year),
        actual: text(total.executed),
        unit: "万元".into(),
        self_score: plan.money_self_score.filter(|s| *s <= points),
        ..RowInput::default()
    };
    plan.indicators.insert(
        0,
        NewIndicator {
            path: vec![MONEY_LEAF.into()],
            points,
            method: Some(Method::Formula { direction: Direction::Positive }),
            guide: "预算执行率＝全年执行数÷全年预算数×100%，得分＝分值×预算执行率，最高不超过分值。".into(),
        },
    );
    plan.lines.insert(0, FormLine { step: "资金表".into(), path: vec![MONEY_LEAF.into()], row });
}

/// A self-evaluation form for a project not in the store creates it as 自评抽查, named
/// by the form's 项目名称 and 主管部门/实施单位, its amount the 全年预算数.
fn new_project(code: &str, plan: &FormPlan, args: &ImportArgs) -> std::result::Result<Command, Vec<Problem>> {
    let mut missing = Vec::new();
    let at = |what: &str| Problem { sheet: "表头以上".into(), row: 0, column: None, message: what.into() };
    if plan.name.is_none() {
        missing.push(at("没有找到“项目名称”：在表头上方写“项目名称”和名称，或先新建项目再导入"));
    }
    if plan.unit.is_none() {
        missing.push(at("没有找到“主管部门”或“实施单位”：在表头上方写上，或先新建项目再导入"));
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let year = args.year.or(plan.year).unwrap_or_else(|| chrono::Local::now().year() - 1);
    let amount = plan.head.money.first().and_then(|m| m.full_year).unwrap_or(Decimal::ZERO);
    Ok(Command::CreateProject {
        code: code.to_string(),
        name: plan.name.clone().unwrap_or_default(),
        kind: ProjectKind::SelfEvalCheck,
        fiscal_year: year,
        unit: plan.unit.clone().unwrap_or_default(),
        amount,
        fund_notes: Vec::new(),
        lead: None,
        members: Vec::new(),
        third_party: None,
        template: Some("self-eval".into()),
    })
}

/// The one command: create (maybe), replace the tree, write the rows and the head.
fn batch(label: &str, code: &str, create: Option<Command>, plan: FormPlan, reason: Option<String>, with_head: bool) -> Command {
    let mut commands = Vec::new();
    let mut steps = Vec::new();
    if let Some(c) = create {
        commands.push(c);
        steps.push(format!("新建项目 {code}"));
    }
    commands.push(Command::ReplaceTree { project: code.into(), indicators: plan.indicators, reason, expected_version: None });
    steps.push("指标体系".into());
    for line in plan.lines.into_iter().filter(|l| l.row != RowInput::default()) {
        commands.push(Command::SetFormRow {
            project: code.into(),
            indicator: IndicatorRef::Name(line.path.join("/")),
            row: line.row,
            expected_rev: None,
        });
        steps.push(line.step);
    }
    if with_head && plan.head != Default::default() {
        commands.push(Command::SetFormHead { project: code.into(), head: plan.head, expected_version: None });
        steps.push("资金表和总分".into());
    }
    Command::Batch { label: label.to_string(), commands, steps }
}

/// The dry run: the tree as it would be, each leaf with what the form prints.
fn render(plan: &FormPlan, code: &str, create: bool) -> String {
    let mut out = String::new();
    if create {
        out.push_str(&format!(
            "将新建自评抽查项目 {code}：{}（{}）\n",
            plan.name.as_deref().unwrap_or("?"),
            plan.unit.as_deref().unwrap_or("?")
        ));
    }
    out.push_str(&format!(
        "{}  {}  {}  {}  {}  {}\n",
        pad_right("指标", 36),
        pad_left("分值", 6),
        pad_right("性质", 4),
        pad_right("年度指标值", 14),
        pad_right("实际完成值", 14),
        pad_left("自评", 6)
    ));
    for i in &plan.indicators {
        let indent = "  ".repeat(i.path.len().saturating_sub(1));
        let name = truncate(&format!("{indent}{}", i.path.last().map(String::as_str).unwrap_or("")), 36);
        let line = plan.lines.iter().find(|l| l.path == i.path);
        let points = if line.is_some() || !i.points.is_zero() { fmt2(i.points) } else { String::new() };
        let r = line.map(|l| &l.row);
        let cell = |t: Option<&String>, w: usize| pad_right(&truncate(t.map(String::as_str).unwrap_or(""), w), w);
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            pad_right(&name, 36),
            pad_left(&points, 6),
            pad_right(r.and_then(|r| r.nature).map(|n| n.label()).unwrap_or(""), 4),
            cell(r.map(|r| &r.target), 14),
            cell(r.map(|r| &r.actual), 14),
            pad_left(&r.and_then(|r| r.self_score).map(fmt2).unwrap_or_default(), 6)
        ));
        for b in r.map(|r| r.breakdown.as_slice()).unwrap_or(&[]) {
            let name = truncate(&format!("{indent}  {}", b.name), 36);
            out.push_str(&format!(
                "{}  {}  {}  {}  {}\n",
                pad_right(&name, 36),
                pad_left("", 6),
                pad_right("", 4),
                cell(Some(&b.target), 14),
                cell(Some(&b.actual), 14)
            ));
        }
    }
    let self_total = crate::domain::money::sum(plan.lines.iter().filter_map(|l| l.row.self_score.as_ref()));
    out.push_str(&format!("共 {} 条末级指标，分值合计 {}；自评得分合计 {}", plan.lines.len(), fmt2(plan.points()), fmt2(self_total)));
    if let Some(t) = plan.head.printed_total {
        out.push_str(&format!("；表上总分 {}", fmt2(t)));
    }
    out.push_str("；试运行，没有导入\n");
    out
}
