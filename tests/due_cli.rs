//! `jixiao due` as a user and a cron job run it, on a demo store the binary builds (its dates
//! are relative to the day it is built, so every as-of date here is today's).

use std::path::Path;
use std::process::{Command, Output};
use unicode_width::UnicodeWidthStr;

fn due(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(data).arg("due").args(args).env("COLUMNS", "80").output().unwrap()
}

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(dir.path()).args(["demo", "--seed-only"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn json(out: &Output) -> Vec<serde_json::Value> {
    assert!(out.status.success() || out.status.code() == Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_table_fits_80_cells_overdue_first_and_counts_what_it_shows() {
    let dir = demo();
    let out = due(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("日期") && lines[0].contains("剩余") && lines[0].contains("事项"), "{}", lines[0]);
    for l in &lines {
        assert!(UnicodeWidthStr::width(*l) <= 80, "wider than 80 cells: {l}");
    }
    let body = &lines[1..lines.len() - 1];
    // Rows are in date order, so every overdue row comes before the first upcoming one.
    let dates: Vec<&str> = body.iter().map(|l| &l[..10]).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let first_upcoming = body.iter().position(|l| !l.contains("逾期")).unwrap();
    assert!(body[first_upcoming..].iter().all(|l| !l.contains("逾期")));
    assert!(first_upcoming > 0, "the demo has overdue items");
    assert!(body.iter().any(|l| l.contains("融媒体中心") && l.contains("ZD21-01")));
    let last = lines.last().unwrap();
    assert!(last.starts_with(&format!("共 {} 项：逾期 {first_upcoming}，", body.len())), "{last}");

    // In English too.
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao")).arg("--data").arg(dir.path()).args(["--lang", "en", "due"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("date") && text.contains("d late") && text.contains("overdue"), "{text}");
}

#[test]
fn json_rows_carry_the_documented_fields_and_filters_narrow_them() {
    let dir = demo();
    let all = json(&due(dir.path(), &["--format", "json", "--within", "365"]));
    assert!(!all.is_empty());
    for r in &all {
        for field in ["date", "kind", "project", "item", "unit", "days_left"] {
            assert!(r.get(field).is_some(), "{field} missing in {r}");
        }
    }
    let within7 = json(&due(dir.path(), &["--format", "json", "--within", "7"]));
    assert!(within7.len() < all.len());
    assert!(within7.iter().all(|r| r["days_left"].as_i64().unwrap() <= 7));
    // Overdue rows stay whatever the window.
    let late = |rows: &[serde_json::Value]| rows.iter().filter(|r| r["days_left"].as_i64().unwrap() < 0).count();
    assert_eq!(late(&within7), late(&all));

    let unit = json(&due(dir.path(), &["--format", "json", "--within", "365", "--unit", "农业农村局"]));
    assert!(!unit.is_empty() && unit.iter().all(|r| r["unit"].as_str().unwrap().contains("农业农村局")), "{unit:?}");

    // --mine: the demo was built by this user, the lead of every project; bureau-wide dates drop out.
    let mine = json(&due(dir.path(), &["--format", "json", "--within", "365", "--mine"]));
    let bureau = all.iter().filter(|r| r["project"].is_null()).count();
    assert!(bureau > 0);
    assert_eq!(mine.len(), all.len() - bureau);
    let me = jixiao::identity::current_user();
    assert!(mine.iter().all(|r| r["owners"].as_array().unwrap().iter().any(|o| o == me.as_str())));
}

#[test]
fn fail_if_overdue_exits_1_only_when_something_shown_is_overdue() {
    let dir = demo();
    let out = due(dir.path(), &["--fail-if-overdue"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("逾期"));
    // A unit with nothing overdue, and an empty store: exit 0.
    let rows = json(&due(dir.path(), &["--format", "json", "--within", "365"]));
    let clean = rows
        .iter()
        .map(|r| r["unit"].as_str().unwrap().to_string())
        .find(|u| !u.is_empty() && rows.iter().filter(|r| r["unit"] == u.as_str()).all(|r| r["days_left"].as_i64().unwrap() >= 0))
        .expect("a unit with nothing overdue");
    assert_eq!(due(dir.path(), &["--fail-if-overdue", "--unit", &clean]).status.code(), Some(0), "{clean}");
    let empty = tempfile::tempdir().unwrap();
    let out = due(empty.path(), &["--fail-if-overdue"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("共 0 项"));
}

#[test]
fn a_bad_date_project_or_unit_is_named_and_says_what_to_write() {
    let dir = demo();
    let out = due(dir.path(), &["--as-of", "2026-13-01"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2026-13-01") && err.contains("YYYY-MM-DD"), "{err}");
    let out = due(dir.path(), &["--unit", "  "]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--unit"));
    // A mistyped project or unit is named, not answered with an empty list (which a cron job
    // with --fail-if-overdue would take for "nothing overdue").
    let out = due(dir.path(), &["--project", "ZD21-99", "--fail-if-overdue"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("找不到项目“ZD21-99”"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = due(dir.path(), &["--unit", "农业农材局"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--unit") && err.contains("农业农材局"), "{err}");
    assert_eq!(due(dir.path(), &["--unit", "农业"]).status.code(), Some(0), "a part of a unit's name is enough");
    // The as-of date moves every count: a year on, everything open is overdue.
    let later = chrono::Local::now().date_naive() + chrono::Duration::days(400);
    let rows = json(&due(dir.path(), &["--format", "json", "--as-of", &later.to_string()]));
    assert!(!rows.is_empty() && rows.iter().all(|r| r["days_left"].as_i64().unwrap() < 0));
}

/// `jixiao due` as a shell prompt runs it: `--local`, Chinese, no data dir from the caller.
fn prompt(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--local", "--data"])
        .arg(data)
        .arg("due")
        .args(args)
        .env_remove("JIXIAO_DATA")
        .env("JIXIAO_LANG", "zh")
        .output()
        .unwrap()
}

#[test]
fn quiet_says_it_by_the_exit_status_alone() {
    let dir = demo();
    let out = prompt(dir.path(), &["--quiet"]);
    assert_eq!(out.status.code(), Some(1), "the demo has overdue items: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    let out = prompt(dir.path(), &["-q", "--project", "ZD21-06"]);
    assert_eq!(out.status.code(), Some(0), "ZD21-06 has nothing overdue: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    // An error is 2, not 0 ("nothing overdue") nor 1 ("overdue"); stdout stays empty and the
    // reason goes to stderr.
    let out = prompt(dir.path(), &["--quiet", "--project", "ZD21-99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ZD21-99"), "{out:?}");
    let out = prompt(dir.path(), &["--quiet", "--as-of", "2026-02-30"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // --quiet prints nothing, so it does not take a format or --count.
    assert_eq!(prompt(dir.path(), &["--quiet", "--count"]).status.code(), Some(2));
    assert_eq!(prompt(dir.path(), &["--quiet", "--format", "json"]).status.code(), Some(2));
}

#[test]
fn count_is_one_line_of_overdue_today_and_within_days() {
    let dir = demo();
    let rows = json(&prompt(dir.path(), &["--format", "json", "--within", "7"]));
    let n = |f: &dyn Fn(i64) -> bool| rows.iter().filter(|r| f(r["days_left"].as_i64().unwrap())).count();
    let (over, today, soon) = (n(&|d| d < 0), n(&|d| d == 0), n(&|d| (1..=7).contains(&d)));
    assert!(over > 0 && soon > 0, "the demo has overdue and upcoming dates");
    let out = prompt(dir.path(), &["--count"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, format!("逾期 {over}｜今天 {today}｜7天内 {soon}\n"));
    // No ambiguous-width glyph in a prompt: every character is ASCII or East Asian wide.
    assert!(!text.contains('·'));
    // --within sets the window; --fail-if-overdue still sets the status.
    let out = prompt(dir.path(), &["--count", "--within", "365", "--fail-if-overdue"]);
    assert_eq!(out.status.code(), Some(1));
    let all = json(&prompt(dir.path(), &["--format", "json", "--within", "365"]));
    let later = all.iter().filter(|r| r["days_left"].as_i64().unwrap() > 0).count();
    assert!(String::from_utf8_lossy(&out.stdout).ends_with(&format!("｜365天内 {later}\n")), "{out:?}");
    // In English, ASCII only.
    let out = prompt(dir.path(), &["--lang", "en", "--count"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, format!("{over} overdue | {today} today | {soon} within 7 days\n"));
    // An empty store counts zeros.
    let empty = tempfile::tempdir().unwrap();
    let out = prompt(empty.path(), &["--count"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "逾期 0｜今天 0｜7天内 0\n", "{out:?}");
}
