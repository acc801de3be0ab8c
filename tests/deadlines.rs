//! The deadline model, its index, the dashboard and `jixiao due`: what each shows is counted
//! by hand from the records of the seeded demo (fixed clock, 2026-11-22) and compared.

mod tui_common;

use chrono::{Duration, NaiveDate};
use jixiao::backend::{Backend, Fetch};
use jixiao::command::Command;
use jixiao::domain::deadline::{self, DeadlineFilter, DeadlineKind, DueStatus};
use jixiao::domain::{ItemState, NoticeState};
use jixiao::read::summary::ProjectRow;
use std::collections::BTreeSet;
use std::process::Command as Process;
use tui_common::*;

/// (kind, id, date) of every open deadline up to `today + 30`, counted from the records alone.
fn by_hand(env: &Env) -> BTreeSet<(DeadlineKind, u64, NaiveDate)> {
    let b = &env.local;
    let until = today() + Duration::days(30);
    let mut out = BTreeSet::new();
    let items = b.all_items().unwrap();
    let owed = |s: ItemState| !s.is_finished() && s != ItemState::Draft;
    for it in &items {
        if owed(it.state) && it.due <= until {
            out.insert((DeadlineKind::Item, it.id, it.due));
        }
    }
    for p in b.projects().unwrap() {
        for n in b.notices(&p.code).unwrap() {
            let date = items.iter().filter(|i| n.items.contains(&i.id) && owed(i.state)).map(|i| i.due).max();
            if let Some(date) = date.filter(|d| *d <= until && n.state == NoticeState::Issued) {
                out.insert((DeadlineKind::Notice, n.id, date));
            }
        }
        for m in b.milestones(Some(&p.code)).unwrap() {
            if m.done_on.is_none() && m.due <= until {
                out.insert((DeadlineKind::Milestone, m.id, m.due));
            }
        }
    }
    for m in b.milestones(None).unwrap() {
        if m.done_on.is_none() && m.due <= until {
            out.insert((DeadlineKind::Milestone, m.id, m.due));
        }
    }
    out
}

fn key(d: &jixiao::domain::Deadline) -> (DeadlineKind, u64, NaiveDate) {
    (d.kind, d.id, d.date)
}

#[test]
fn dashboard_and_due_agree_with_a_count_by_hand() {
    let env = Env::new();
    let hand = by_hand(&env);
    let overdue_by_hand = hand.iter().filter(|(_, _, d)| *d < today()).count();
    // The seed's fixed picture on its own day: 9 overdue, 33 more within 30 days.
    assert_eq!((overdue_by_hand, hand.len() - overdue_by_hand), (9, 33), "{hand:?}");

    let filter = DeadlineFilter { within: Some(30), ..Default::default() };
    let d = env.local.dashboard(&filter, today(), None).unwrap();
    let shown: BTreeSet<_> = d.rows().map(key).collect();
    assert_eq!(shown, hand);
    assert_eq!(d.overdue.len(), overdue_by_hand);
    assert!(d.overdue.iter().all(|r| r.status(today()) == DueStatus::Overdue));
    assert_eq!(d.tally.count(DueStatus::Overdue), overdue_by_hand);
    // Overdue first, by date.
    let dates: Vec<NaiveDate> = d.rows().map(|r| r.date).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");

    // `jixiao due` on the same store, as of the same day.
    let Env { dir, local, .. } = env;
    drop(local);
    let out = Process::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(dir.path())
        .args(["due", "--as-of", "2026-11-22", "--within", "30", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let from_due: BTreeSet<_> = rows
        .iter()
        .map(|r| {
            let kind: DeadlineKind = serde_json::from_value(r["kind"].clone()).unwrap();
            let date = NaiveDate::parse_from_str(r["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            (kind, r["id"].as_u64().unwrap(), date)
        })
        .collect();
    assert_eq!(from_due, hand);
    let late = rows.iter().filter(|r| r["days_left"].as_i64().unwrap() < 0).count();
    assert_eq!(late, overdue_by_hand);
    // Items name their item; bureau-wide milestones have no project.
    for r in &rows {
        assert_eq!(r["item"].is_null(), r["kind"] != "item", "{r}");
        assert_eq!(r["project"].is_null(), r["owners"].as_array().unwrap().is_empty(), "{r}");
    }
}

#[test]
fn the_dashboard_counts_the_years_grades_items_and_categories_from_the_records() {
    let env = Env::new();
    let d = env.local.dashboard(&DeadlineFilter::default(), today(), None).unwrap();
    assert_eq!(d.year, 2020, "the demo's fiscal year");
    let projects: Vec<_> = env.local.projects().unwrap().into_iter().filter(|p| p.fiscal_year == 2020).collect();
    assert_eq!(d.year_projects, projects.len());
    assert_eq!(d.grades.values().sum::<usize>(), projects.len());
    assert_eq!(d.evaluated, projects.iter().map(|p| p.amount).sum());
    assert_eq!(d.evaluated.to_string(), "23773.25");
    let items = env.local.all_items().unwrap();
    assert_eq!(d.item_states.values().sum::<usize>(), items.len());
    let closed = items.iter().filter(|i| i.state == ItemState::Closed).count();
    let owed = items.iter().filter(|i| !matches!(i.state, ItemState::Draft | ItemState::Cancelled)).count();
    let want = (rust_decimal::Decimal::from(closed * 100) / rust_decimal::Decimal::from(owed)).round_dp(1);
    assert_eq!(d.closure_percent(), Some(want));
    // Categories: findings not withdrawn, counted per category.
    let mut findings = vec![];
    for p in &projects {
        findings.extend(env.local.findings(&p.code).unwrap());
    }
    let live: Vec<_> = findings.iter().filter(|f| f.state != jixiao::domain::FindingState::Withdrawn).collect();
    let top = &d.top_categories[0];
    assert_eq!(top.1, live.iter().filter(|f| f.body.category == top.0).count());
    assert!(d.top_categories.windows(2).all(|w| w[0].1 >= w[1].1));

    // Coverage needs a budget total; 20% is the target.
    assert_eq!(d.coverage_percent(), None);
    env.local.execute(&Command::SetBudgetTotal { year: 2020, amount: Some("100000".parse().unwrap()) }).unwrap();
    let d = env.local.dashboard(&DeadlineFilter::default(), today(), None).unwrap();
    assert_eq!(d.coverage_percent().map(|p| p.to_string()), Some("23.77".into()));
    assert_eq!(d.coverage_met(), Some(true));
    let bad = env.local.execute(&Command::SetBudgetTotal { year: 2020, amount: Some("-5".parse().unwrap()) }).unwrap_err();
    assert!(bad.to_string().contains("-5"), "{bad}");
    assert_eq!(env.local.budget_total(2020).unwrap().map(|a| a.to_string()), Some("100000.00".into()));
}

#[test]
fn a_notices_report_date_follows_its_open_items_and_leaves_when_all_are_done() {
    let env = Env::new();
    let b = &env.local;
    let far = today() + Duration::days(3650);
    let notice_rows =
        |id: u64| b.deadlines(far).unwrap().into_iter().filter(|d| d.kind == DeadlineKind::Notice && d.id == id).collect::<Vec<_>>();
    // A notice of the demo with two or more open items.
    let items = b.all_items().unwrap();
    let n = b
        .projects()
        .unwrap()
        .into_iter()
        .flat_map(|p| b.notices(&p.code).unwrap())
        .find(|n| items.iter().filter(|i| n.items.contains(&i.id) && !i.state.is_finished()).count() >= 2)
        .expect("a notice with two open items");
    let open: Vec<_> = items.iter().filter(|i| n.items.contains(&i.id) && !i.state.is_finished()).collect();
    let latest = open.iter().map(|i| i.due).max().unwrap();
    assert_eq!(notice_rows(n.id).iter().map(|d| d.date).collect::<Vec<_>>(), vec![latest]);
    assert_eq!(notice_rows(n.id)[0].detail, n.number);

    // Cancelling the item that is due last moves the notice to the next one's date.
    let last = open.iter().max_by_key(|i| (i.due, i.id)).unwrap();
    b.execute(&Command::CancelItem { item: last.id, reason: "并入其他事项整改".into(), date: None, expected_version: None }).unwrap();
    let rest = open.iter().filter(|i| i.id != last.id).map(|i| i.due).max().unwrap();
    assert_eq!(notice_rows(n.id).iter().map(|d| d.date).collect::<Vec<_>>(), vec![rest]);
    // None open: the notice owes nothing more.
    for i in open.iter().filter(|i| i.id != last.id) {
        b.execute(&Command::CancelItem { item: i.id, reason: "并入其他事项整改".into(), date: None, expected_version: None }).unwrap();
    }
    assert!(notice_rows(n.id).is_empty());
    assert!(b.store().check().is_clean(), "{:?}", b.store().check().problems);
}

#[test]
fn a_new_team_reaches_every_deadline_of_the_project_and_drafts_have_none() {
    let env = Env::new();
    let b = &env.local;
    let far = today() + Duration::days(3650);
    let code = "ZD21-11";
    let before: Vec<_> = b.deadlines(far).unwrap().into_iter().filter(|d| d.code == code).collect();
    assert!(before.len() >= 3, "{before:?}");
    assert!(before.iter().all(|d| !d.is_owned_by("wangwu")));
    b.execute(&Command::SetTeam {
        project: code.into(),
        expected_version: None,
        lead: ACTOR.into(),
        members: vec!["wangwu".into()],
        observers: vec![],
    })
    .unwrap();
    let after: Vec<_> = b.deadlines(far).unwrap().into_iter().filter(|d| d.code == code).collect();
    assert_eq!(after.len(), before.len());
    assert!(after.iter().all(|d| d.is_owned_by("wangwu") && d.owners[0] == ACTOR), "{after:?}");
    let mine = DeadlineFilter { owner: Some("wangwu".into()), ..Default::default() };
    let selected = deadline::select(b.deadlines(far).unwrap(), &mine, today());
    assert_eq!(selected.len(), after.len(), "wangwu is on no other team");

    // Drafts are not owed yet: no deadline until issued.
    let drafts: Vec<_> = b.all_items().unwrap().into_iter().filter(|i| i.state == ItemState::Draft).collect();
    assert!(!drafts.is_empty());
    let ids: BTreeSet<u64> = b.deadlines(far).unwrap().iter().filter(|d| d.kind == DeadlineKind::Item).map(|d| d.id).collect();
    assert!(drafts.iter().all(|i| !ids.contains(&i.id)));
    assert!(b.store().check().is_clean(), "{:?}", b.store().check().problems);
}

#[test]
fn derived_trees_of_an_older_layout_are_rebuilt_on_open() {
    let env = Env::new();
    let far = today() + Duration::days(3650);
    let want = env.local.deadlines(far).unwrap();
    let Env { dir, local, .. } = env;
    drop(local);
    {
        // What a jixiao before the versioned layout left: no version mark, other bytes.
        let db = jixiao::store::heal::open_sled(&dir.path().join("store"), 64 << 20).unwrap();
        db.open_tree("meta").unwrap().remove("derived_version").unwrap();
        let t = db.open_tree("deadlines").unwrap();
        let first = t.iter().next().unwrap().unwrap().0;
        t.insert(first, &[1u8, 9, 9][..]).unwrap();
        db.open_tree("summaries").unwrap().clear().unwrap();
        db.flush().unwrap();
    }
    let store = jixiao::store::Store::open(dir.path(), jixiao::templates::Templates::builtin().unwrap()).unwrap();
    assert_eq!(store.deadlines(far).unwrap(), want);
    assert!(store.check().is_clean(), "{:?}", store.check().problems);
}

#[test]
fn kept_read_models_are_shared_between_reads_and_renewed_by_any_command() {
    let env = Env::new();
    let s = env.local.store();
    let rows = s.project_rows().unwrap();
    assert!(std::sync::Arc::ptr_eq(&rows, &s.project_rows().unwrap()), "a second read is the kept list");
    assert!(std::sync::Arc::ptr_eq(&s.summary_list().unwrap(), &s.summary_list().unwrap()));
    // Each row is its record and summary as stored.
    let projects = env.local.projects().unwrap();
    assert_eq!(rows.len(), projects.len());
    for (row, p) in rows.iter().zip(&projects) {
        assert_eq!(**row, ProjectRow::new(p, &s.summary(p.id).unwrap()), "{}", p.code);
    }
    let row = rows.iter().find(|r| r.code == "ZD21-11").unwrap();
    let open = env.local.items("ZD21-11").unwrap().into_iter().filter(|i| !i.state.is_finished() && i.state != ItemState::Draft).count();
    assert_eq!(row.open_due.len(), open);
    assert!(row.open_due.windows(2).all(|w| w[0] <= w[1]), "earliest first");

    env.local
        .execute(&command(serde_json::json!({"cmd": "update_project", "project": "ZD21-11", "name": "城乡居民医保资助项目（复评）"})))
        .unwrap();
    let after = s.project_rows().unwrap();
    assert!(!std::sync::Arc::ptr_eq(&rows, &after));
    assert_eq!(after.iter().find(|r| r.code == "ZD21-11").unwrap().name, "城乡居民医保资助项目（复评）");
    let via_query = env.local.project_list().unwrap();
    assert_eq!(via_query, after.iter().map(|r| (**r).clone()).collect::<Vec<_>>());
}

#[test]
fn lists_kept_between_commands_stay_what_the_store_says_through_the_whole_demo() {
    // Replays every command of the seeded demo on a fresh store whose kept lists (project
    // rows, summaries, deadlines) are read before each command, so each one is renewed by
    // the command instead of scanned again; check compares them with the trees.
    let env = Env::new();
    let log = env.local.store().audit_log().unwrap();
    assert!(log.len() > 200, "{}", log.len());
    let dir = tempfile::tempdir().unwrap();
    let fresh = jixiao::store::Store::open(dir.path(), jixiao::templates::Templates::builtin().unwrap()).unwrap();
    for (n, a) in log.iter().enumerate() {
        fresh.project_rows().unwrap();
        fresh.summary_list().unwrap();
        fresh.all_deadlines().unwrap();
        let cmd: Command = serde_json::from_str(&a.command).unwrap();
        let ctx = jixiao::store::Ctx { actor: a.actor.clone(), now: a.at, today: today() };
        fresh.execute(&cmd, &ctx).unwrap_or_else(|e| panic!("command {n} {}: {e}", a.command));
        if n % 10 == 0 || n + 1 == log.len() {
            let problems = fresh.check().problems;
            assert!(problems.is_empty(), "after command {n} {}: {problems:?}", a.command);
        }
    }
    // The kept lists were renewed, never dropped and scanned again, and are what a scan gives.
    assert_eq!(fresh.kept_list_scans(), 3, "one scan per list, at the first read");
    assert_eq!(fresh.project_rows().unwrap(), env.local.store().project_rows().unwrap());
    assert_eq!(fresh.all_deadlines().unwrap(), env.local.store().all_deadlines().unwrap());
}
