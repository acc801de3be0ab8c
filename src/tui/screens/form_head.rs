//! The self-evaluation form's project-wide parts (`F` on the scoring tab, `set_form_head`): the
//! money block (one line per row: 年初预算数 全年预算数 全年执行数), its points, the 年度总体目标
//! pair, the printed 总分 and the spot-check thresholds. The store checks the values; a refusal
//! is shown on the field it names, the text kept.

use super::form::{Field, Form};
use crate::command::Command;
use crate::domain::form::{Head, MONEY_ROWS, MoneyRow};
use crate::domain::money::{fmt2, parse_amount};
use crate::tui::app::Cx;
use crate::tui::strings::{Msg, fill};
use rust_decimal::Decimal;

/// Fields after the four money rows.
const POINTS: usize = 4;
const EXPECTED: usize = 5;
const ACTUAL: usize = 6;
const TOTAL: usize = 7;
const ROW_LIMIT: usize = 8;
const TOTAL_LIMIT: usize = 9;

/// A money row as typed: three amounts separated by spaces, `-` for one not printed.
fn money_text(row: Option<&MoneyRow>) -> String {
    let Some(r) = row else { return String::new() };
    let cell = |v: Option<Decimal>| v.map(fmt2).unwrap_or_else(|| "-".into());
    format!("{} {} {}", cell(r.year_start), cell(r.full_year), cell(r.executed))
}

fn parse_money(label: &str, text: &str, cx: &Cx) -> Result<Option<MoneyRow>, String> {
    let cells: Vec<&str> = text.split_whitespace().collect();
    if cells.is_empty() {
        return Ok(None);
    }
    if cells.len() != 3 {
        return Err(fill(cx.t(Msg::FhMoneyCells), &[text.trim(), &cells.len().to_string()]));
    }
    let amount = |c: &str| -> Result<Option<Decimal>, String> {
        if matches!(c, "-" | "—" | "－") { Ok(None) } else { parse_amount(c).map(Some).map_err(|e| format!("“{c}”：{e}")) }
    };
    Ok(Some(MoneyRow {
        label: label.to_string(),
        year_start: amount(cells[0])?,
        full_year: amount(cells[1])?,
        executed: amount(cells[2])?,
    }))
}

fn optional(text: &str) -> Result<Option<Decimal>, String> {
    match text.trim() {
        "" => Ok(None),
        t => parse_amount(t).map(Some),
    }
}

fn check_money(v: &str, cx: &Cx) -> Result<(), String> {
    parse_money("", v, cx).map(|_| ())
}

fn check_optional(v: &str, _cx: &Cx) -> Result<(), String> {
    optional(v).map(|_| ())
}

/// The editor of project `code`'s form head, `form` the stored form (none yet: empty).
pub fn editor(code: &str, form: Option<&crate::domain::form::Form>, cx: &Cx) -> Form {
    let head = form.map(|f| f.head.clone()).unwrap_or_default();
    let shown = |v: Option<Decimal>| v.map(fmt2).unwrap_or_default();
    let mut fields: Vec<Field> = MONEY_ROWS
        .iter()
        .map(|label| {
            let row = head.money.iter().find(|r| r.label == *label);
            Field::text(label, &money_text(row)).checked(check_money).hint(cx.t(Msg::FhMoneyHint).to_string())
        })
        .collect();
    fields.push(Field::text(cx.t(Msg::FhPoints), &shown(head.money_points)).checked(check_optional).hint(cx.t(Msg::FhPointsHint).into()));
    fields.push(Field::lines(cx.t(Msg::FhExpected), &head.goal_expected));
    fields.push(Field::lines(cx.t(Msg::FhActual), &head.goal_actual));
    fields.push(Field::text(cx.t(Msg::FhTotal), &shown(head.printed_total)).checked(check_optional));
    fields.push(Field::text(cx.t(Msg::FhRowLimit), &shown(head.row_threshold)).checked(check_optional).hint(cx.t(Msg::FhRowHint).into()));
    fields.push(
        Field::text(cx.t(Msg::FhTotalLimit), &shown(head.total_threshold)).checked(check_optional).hint(cx.t(Msg::FhTotalHint).into()),
    );
    let project = code.to_string();
    let version = form.map(|f| f.meta.version).unwrap_or(0);
    let submit = Box::new(move |v: &[String], cx: &Cx| {
        let mut money = Vec::new();
        for (i, label) in MONEY_ROWS.iter().enumerate() {
            if let Some(row) = parse_money(label, &v[i], cx).map_err(|e| (i, e))? {
                money.push(row);
            }
        }
        let number = |i: usize| optional(&v[i]).map_err(|e| (i, e));
        let head = Head {
            money,
            money_points: number(POINTS)?,
            goal_expected: v[EXPECTED].trim().to_string(),
            goal_actual: v[ACTUAL].trim().to_string(),
            printed_total: number(TOTAL)?,
            row_threshold: number(ROW_LIMIT)?,
            total_threshold: number(TOTAL_LIMIT)?,
        };
        Ok(Command::SetFormHead { project: project.clone(), head, expected_version: Some(version) })
    });
    Form::new(fill(cx.t(Msg::FhTitle), &[code]), fields, submit, Some(cx.t(Msg::Saved).into()))
        .draft(format!("form-head-{code}"))
        .errors_in_form(&[
            ("money", 0),
            ("money_points", POINTS),
            ("goal_expected", EXPECTED),
            ("goal_actual", ACTUAL),
            ("printed_total", TOTAL),
            ("row_threshold", ROW_LIMIT),
            ("total_threshold", TOTAL_LIMIT),
        ])
}
