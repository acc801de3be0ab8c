//! Small forms for settings that once needed `jixiao exec`: a year's notice number prefix
//! (`P` on the 整改 tab), a year's report number prefix (`P` on the 报告 tab) and the project's
//! quality reviewer (`Q` on the overview). The store checks every value; a refusal is shown on
//! the field it names, the text kept.

use super::form::{Field, Form};
use crate::command::Command;
use crate::tui::app::Cx;
use crate::tui::strings::{Msg, fill};

/// The year field: four digits, today's year to start with.
fn year_field(cx: &Cx) -> Field {
    Field::text(cx.t(Msg::PfYear), &cx.today.format("%Y").to_string()).checked(check_year)
}

fn check_year(v: &str, cx: &Cx) -> Result<(), String> {
    parse_year(v, cx).map(|_| ())
}

fn parse_year(v: &str, cx: &Cx) -> Result<i32, String> {
    let t = v.trim();
    match t.parse::<i32>() {
        Ok(y) if t.len() == 4 => Ok(y),
        _ => Err(fill(cx.t(Msg::NotAYear), &[v])),
    }
}

/// `set_notice_prefix`: the prefix of one year's notice numbers (衡财绩 → 衡财绩〔2027〕1号).
pub fn notice_prefix_form(cx: &Cx) -> Form {
    prefix_form(cx, Msg::NpTitle, Msg::NpNote, |year, prefix| Command::SetNoticePrefix { year, prefix })
}

/// `set_report_prefix`: the prefix of the report numbers first issued in one year.
pub fn report_prefix_form(cx: &Cx) -> Form {
    prefix_form(cx, Msg::RpPrefixTitle, Msg::RpPrefixNote, |year, prefix| Command::SetReportPrefix { year, prefix })
}

fn prefix_form(cx: &Cx, title: Msg, note: Msg, make: fn(i32, String) -> Command) -> Form {
    let fields = vec![year_field(cx), Field::text(cx.t(Msg::PfPrefix), "").checked(super::project_list::required)];
    let submit = Box::new(move |v: &[String], cx: &Cx| {
        let year = parse_year(&v[0], cx).map_err(|e| (0, e))?;
        Ok(make(year, v[1].trim().to_string()))
    });
    // The outcome's key shows how the numbers will start (衡财绩〔2027〕).
    let then: crate::tui::app::Then = std::rc::Rc::new(|outcome, cx| match &outcome.key {
        Some(key) => crate::tui::app::Effect::Toast(fill(cx.t(Msg::PfSet), &[key])),
        None => crate::tui::app::Effect::None,
    });
    Form::new(cx.t(title).to_string(), fields, submit, Some(cx.t(Msg::Saved).into()))
        .then(then)
        .with_note(cx.t(note).to_string())
        .errors_in_form(&[("year", 0), ("prefix", 1)])
}

/// `set_quality_reviewer`: a team member who may give second reviews; empty removes the name.
pub fn quality_reviewer_form(code: &str, current: Option<&str>, cx: &Cx) -> Form {
    let fields = vec![Field::text(cx.t(Msg::QrField), current.unwrap_or(""))];
    let project = code.to_string();
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        let user = Some(v[0].trim().to_string()).filter(|u| !u.is_empty());
        Ok(Command::SetQualityReviewer { project: project.clone(), user })
    });
    Form::new(fill(cx.t(Msg::QrTitle), &[code]), fields, submit, Some(cx.t(Msg::Saved).into()))
        .with_note(cx.t(Msg::QrNote).to_string())
        .errors_in_form(&[("user", 0)])
}
