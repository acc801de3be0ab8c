//! Issue 19: numbers, dates and texts in ranges that fit the work, refused with the field
//! named — and a store written before the ranges that holds such a value is reported by
//! `check` and still shown, never a panic.

mod tui_common;

use jixiao::backend::{Backend, Fetch};
use jixiao::domain::Error;
use jixiao::domain::limits::MAX_TEXT_BYTES;
use jixiao::domain::money::{parse_amount, parse_measure, parse_plain};
use rust_decimal::Decimal;
use serde_json::json;
use std::process::Command as Process;
use std::str::FromStr;
use tui_common::*;

const DECIMAL_MAX: &str = "79228162514264337593543950335";

fn refused(env: &Env, v: serde_json::Value) -> (String, String) {
    let before = env.audit_len();
    match env.local.execute(&command(v.clone())) {
        Err(Error::Invalid { field, message, .. }) => {
            assert_eq!(env.audit_len(), before, "a refused command wrote nothing");
            (field, message)
        }
        other => panic!("{v} should be refused as invalid, got {other:?}"),
    }
}

/// A command as JSON that does not even parse (the number's spelling is refused).
fn unparsable(v: serde_json::Value) -> String {
    match serde_json::from_value::<jixiao::command::Command>(v.clone()) {
        Err(e) => e.to_string(),
        Ok(c) => panic!("{v} parsed as {c:?}"),
    }
}

/// The demo store with records changed under its feet (as an older jixiao could have left
/// them), the store closed first.
fn demo_changed_by_hand(change: impl FnOnce(&sled::Db)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    jixiao::demo::create(dir.path(), 0, |_, _| {}).unwrap();
    let db = jixiao::store::heal::open_sled(&dir.path().join("store"), 64 << 20).unwrap();
    change(&db);
    db.flush().unwrap();
    dir
}

/// Rewrites each record of `tree` that `change` changed (it returns true).
fn rewrite<T: serde::Serialize + serde::de::DeserializeOwned + 'static>(
    db: &sled::Db,
    tree: &str,
    what: &str,
    mut change: impl FnMut(&[u8], &mut T) -> bool,
) {
    let tree = db.open_tree(tree).unwrap();
    for kv in tree.iter() {
        let (key, value) = kv.unwrap();
        let mut record: T = jixiao::store::codec::decode(&value, what).unwrap();
        if change(&key, &mut record) {
            tree.insert(&key, jixiao::store::codec::encode(&record)).unwrap();
        }
    }
}

/// A finding on ZD21-06 with `text`, as a user writes it for exec.
fn finding_on_06(text: impl Into<String>) -> serde_json::Value {
    json!({"cmd": "record_finding", "project": "ZD21-06", "text": text.into(), "category": "资金使用不规范",
           "severity": "一般", "amount": null, "indicators": [], "evidence": [], "publish": false})
}

fn new_project(amount: &str) -> serde_json::Value {
    json!({"cmd": "create_project", "code": "ZD21-90", "name": "农村饮水安全巩固提升", "kind": "项目支出",
           "fiscal_year": 2021, "unit": "市水利局", "amount": amount, "lead": ACTOR})
}

#[test]
fn numbers_are_plain_decimals_everywhere() {
    for bad in ["1e3", "+2", ".5", "2.", "1.2.3", "", "十"] {
        assert!(parse_plain(bad).is_err(), "{bad} should be refused");
        let msg = unparsable(new_project(bad));
        assert!(msg.contains(bad) || bad.is_empty(), "{bad}: {msg}");
    }
    assert_eq!(parse_plain("２,６８３.６８").unwrap(), Decimal::from_str("2683.68").unwrap());
    assert_eq!(parse_amount("1,234.5").unwrap(), Decimal::from_str("1234.5").unwrap());
    assert!(parse_amount("1.005").is_err(), "amounts have two places");
    // Measures (formula targets and actuals) keep their printed precision, up to six places.
    assert_eq!(parse_measure("11.376").unwrap(), Decimal::from_str("11.376").unwrap());
    assert!(parse_measure("1.0000001").is_err());
    // The same full-width spelling the TUI takes is taken from exec JSON too.
    let env = Env::new();
    env.local.execute(&command(new_project("２,６８３.６８"))).unwrap();
    assert_eq!(env.local.project("ZD21-90").unwrap().amount, Decimal::from_str("2683.68").unwrap());
}

#[test]
fn amounts_points_and_formula_values_have_ranges() {
    let env = Env::new();
    let (field, msg) = refused(&env, new_project(DECIMAL_MAX));
    assert_eq!(field, "amount");
    assert!(msg.contains("10000000000"), "{msg}");
    let (field, _) = refused(&env, new_project("10000000000.01"));
    assert_eq!(field, "amount");
    env.local.execute(&command(new_project("10000000000"))).unwrap();

    let pid = "ZD21-06";
    let tree_before = env.tree(pid);
    let (field, msg) = refused(
        &env,
        json!({"cmd": "add_indicator", "project": pid, "parent": null, "name": "群众满意度", "points": "1000.01", "method": "direct"}),
    );
    assert_eq!(field, "points");
    assert!(msg.contains("1000"), "{msg}");

    // A formula on the largest Decimal would overflow points × actual: refused, not a panic.
    let formula = |target: &str, actual: &str| {
        json!({"cmd": "score", "project": pid, "indicator": "立项依据充分性",
               "input": {"formula": {"target": target, "actual": actual, "direction": "positive"}},
               "basis": "按实际完成值计算", "evidence": []})
    };
    let (field, msg) = refused(&env, formula("1", DECIMAL_MAX));
    assert_eq!(field, "actual");
    assert!(msg.contains("超出范围"), "{msg}");
    let (field, _) = refused(&env, formula("0.000001", "1000000000000.1"));
    assert_eq!(field, "actual");
    let deduction = json!({"cmd": "score", "project": pid, "indicator": "立项依据充分性",
        "input": {"deduction": {"deductions": [{"points": DECIMAL_MAX, "reason": "依据不充分", "finding": null}]}},
        "basis": "扣分", "evidence": []});
    let (field, _) = refused(&env, deduction);
    assert_eq!(field, "deductions[1]");
    // The tree is as it was: none of these scored the leaf.
    assert_eq!(env.tree(pid), tree_before);
}

#[test]
fn dates_lie_between_1949_and_2200() {
    let env = Env::new();
    let (field, msg) =
        refused(&env, json!({"cmd": "add_milestone", "project": "ZD21-06", "title": "现场核查", "kind": "其他", "due": "0000-01-01"}));
    assert_eq!(field, "due");
    assert!(msg.contains("1949") && msg.contains("2200"), "{msg}");
    let (field, _) =
        refused(&env, json!({"cmd": "add_milestone", "project": null, "title": "年度自评", "kind": "其他", "due": "2201-04-30"}));
    assert_eq!(field, "due");
    // The dashboard and due list still work (the bad milestone never reached the index).
    assert!(env.local.dashboard(&Default::default(), today(), None).is_ok());
    assert!(env.local.store().check().problems.is_empty());
}

#[test]
fn a_text_field_holds_at_most_64_kib() {
    let env = Env::new();
    let long = "资金".repeat(MAX_TEXT_BYTES / 6 + 1);
    let finding = finding_on_06(long);
    let (field, msg) = refused(&env, finding);
    assert_eq!(field, "text");
    assert!(msg.contains("64 KiB"), "{msg}");
    let fits = "资金".repeat(MAX_TEXT_BYTES / 6 - 10);
    let finding = finding_on_06(fits);
    env.local.execute(&command(finding)).unwrap();
}

/// A store written before the ranges: a project amount of Decimal's maximum next to others.
/// Every face that sums amounts still draws, and `check` names the value.
#[test]
fn a_stored_value_out_of_range_is_reported_and_shown_not_a_panic() {
    // What an older jixiao let through: the first project's amount, and its summary's.
    let dir = demo_changed_by_hand(|db| {
        let mut first = None;
        rewrite(db, "projects", "项目", |key, p: &mut jixiao::domain::Project| {
            let hit = first.get_or_insert_with(|| key.to_vec()) == key;
            if hit {
                p.amount = Decimal::MAX;
            }
            hit
        });
        rewrite(db, "summaries", "汇总", |key, s: &mut jixiao::read::Summary| {
            let hit = first.as_deref() == Some(key);
            if hit {
                s.amount = Decimal::MAX;
            }
            hit
        });
    });
    let local = jixiao::backend::Local::open(dir.path()).unwrap().with_clock(clock());
    let rows = local.project_list().unwrap();
    assert!(rows.iter().any(|r| r.amount == Decimal::MAX));
    for year in [2020, 2021] {
        local.dashboard(&Default::default(), today(), Some(year)).unwrap();
    }
    let problems = local.store().check().problems;
    assert!(problems.iter().any(|m| m.contains("ZD21-01") && m.contains("金额") && m.contains("超出范围")), "{problems:?}");
    // The project list, whose footer sums every amount shown, draws.
    let (keymap, drafts) = (jixiao::tui::keymap::Keymap::builtin(), jixiao::tui::draft::Drafts::new(dir.path(), ACTOR));
    let cx = jixiao::tui::app::Cx {
        backend: &local,
        lang: jixiao::i18n::Lang::Zh,
        today: today(),
        keymap: &keymap,
        drafts: &drafts,
        data: Some(dir.path()),
        ambiguous: Default::default(),
    };
    let app = new_app(&cx);
    let text = screen(&app, &cx, 120, 40);
    assert!(text.contains("ZD21-01"), "{text}");
}

#[test]
fn due_bounds_its_look_ahead_and_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Process::new(env!("CARGO_BIN_EXE_jixiao"))
            .env_remove("LANG")
            .arg("--data")
            .arg(dir.path())
            .arg("--local")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["due", "--within", "100000000"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("100000000") && err.contains("36500"), "{err}");
    let out = run(&["due", "--as-of", "0000-01-01"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("--as-of") && err.contains("1949"), "{err}");
    let out = run(&["due", "--within", "36500"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Issue 18 §5: text is text. A unit name holding ESC ] 2 ; … BEL (a terminal title change)
/// is refused at entry naming the field and the character, from exec as from the TUI.
#[test]
fn control_characters_are_refused_at_entry() {
    let env = Env::new();
    let mut v = new_project("100");
    v["unit"] = json!("市水利局\u{1b}]2;已被篡改\u{7}");
    let (field, msg) = refused(&env, v);
    assert_eq!(field, "unit");
    assert!(msg.contains("\\u{1b}") && msg.contains("控制字符"), "{msg}");
    let finding = finding_on_06("资金\u{9b}31m拨付滞后");
    let (field, _) = refused(&env, finding);
    assert_eq!(field, "text");
    // Newlines and tabs are text.
    let finding = finding_on_06("资金拨付滞后：\n\t一季度未拨付");
    env.local.execute(&command(finding)).unwrap();
}

/// A store written before the rule: `jixiao due`, `ledger` and an error message print the
/// control characters visibly, never raw.
#[test]
fn the_cli_never_prints_a_control_character_raw() {
    let dir = demo_changed_by_hand(|db| {
        rewrite(db, "items", "整改事项", |_, it: &mut jixiao::domain::RectItem| {
            it.unit = format!("{}\u{1b}]2;已被篡改\u{7}", it.unit);
            it.requirement = format!("\u{1b}]52;c;5pS56aG5\u{7}{}", it.requirement);
            true
        });
    });
    let run = |args: &[&str]| {
        let out = Process::new(env!("CARGO_BIN_EXE_jixiao"))
            .env_remove("LANG")
            .arg("--data")
            .arg(dir.path())
            .arg("--local")
            .args(args)
            .output()
            .unwrap();
        (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    for args in [&["ledger"][..], &["ledger", "--format", "csv"], &["ledger", "--format", "json"], &["due", "--as-of", "2022-06-01"]] {
        let (out, err) = run(args);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !err.contains('\u{1b}'), "{args:?} printed a raw control character");
        if args.len() > 1 && args[1] == "--format" {
            // Not truncated: what the record holds is shown, escaped.
            assert!(out.contains("已被篡改") && (out.contains("\\u{1b}") || out.contains("\\u001b")), "{args:?}: {out}");
        }
    }
    let (_, err) = run(&["due", "--project", "XX\u{1b}]2;x\u{7}"]);
    assert!(!err.contains('\u{1b}') && err.contains("\\u{1b}"), "{err}");
}
