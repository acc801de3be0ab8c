//! The self-check popup (自检, `s` in the project view): every rule with its failing rows,
//! Enter on a row opening the tab where it is fixed, Esc closing; a snapshot at 80×24.
//!
//! Run `INSTA_UPDATE=always cargo test --test tui_selfcheck` to rewrite the snapshot after an
//! intended change, and read the diff.

mod tui_common;

use jixiao::backend::Fetch;
use jixiao::domain::selfcheck::Target;
use jixiao::tui::app::{App, Cx};
use ratatui::style::Color;
use tui_common::*;

/// ZD21-06 has leaves not yet scored.
const CODE: &str = "ZD21-06";

/// The popup's index of the first row of rule `id` (rows count across rules, in order).
fn first_row_of(env: &Env, id: &str) -> (usize, String, Target) {
    let pc = env.local.self_check(CODE).unwrap();
    let mut n = 0;
    for line in &pc.check.lines {
        if line.id == id {
            let row = line.rows.first().unwrap_or_else(|| panic!("{id} passes on {CODE}"));
            return (n, row.at.clone(), row.target.clone());
        }
        n += line.rows.len();
    }
    panic!("no rule {id}")
}

fn open_check(app: &mut App, cx: &Cx) {
    open_project(app, cx, CODE);
    keys(app, cx, "s");
}

#[test]
fn the_popup_lists_every_rule_and_the_unscored_leaves() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_check(&mut app, &cx);
    assert_eq!(top_context(&app), "popup");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("自检：ZD21-06"), "{shown}");
    assert!(shown.contains("✗ 每个末级指标都已评分"), "{shown}");
    let (_, at, target) = first_row_of(&env, "tree.scored");
    assert!(matches!(target, Target::Indicator(_)), "an indicator row: {target:?}");
    assert!(shown.contains(&format!("    {at}：未评分")), "the row under its rule: {shown}");
}

#[test]
fn enter_on_an_indicator_row_opens_scoring_on_that_leaf_and_esc_closes() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_check(&mut app, &cx);
    let (n, at, target) = first_row_of(&env, "tree.scored");
    let Target::Indicator(id) = target else { panic!("{target:?}") };
    down(&mut app, &cx, n);
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "scoring", "Enter lands on the 评分 tab");
    assert_eq!(app.stack.len(), 2, "the project view replaced, not stacked: {}", app.stack.len());
    // The leaf's row is the highlighted one, and the detail pane names its path.
    let leaf = env.tree(CODE).nodes.iter().find(|n| n.id == id).unwrap().name.clone();
    let backend = render(&app, &cx, 120, 40);
    let buf = backend.buffer();
    let highlighted: Vec<u16> = (0..buf.area.height).filter(|&y| buf[(0, y)].bg == Color::Blue).collect();
    assert_eq!(highlighted.len(), 1, "one selected row");
    let shown = screen(&app, &cx, 120, 40);
    let line = shown.lines().nth(highlighted[0] as usize).unwrap();
    assert!(line.contains(&leaf), "the selected row is “{leaf}”: {line}");
    assert!(shown.contains(&at), "the detail pane names {at}");
    // Esc closes the popup where it was opened, and goes back from the view.
    keys(&mut app, &cx, "s");
    assert_eq!(top_context(&app), "popup");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "scoring");
}

#[test]
fn enter_on_a_report_section_row_opens_the_report_tab_on_it() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_check(&mut app, &cx);
    let pc = env.local.self_check(CODE).unwrap();
    let rows: Vec<_> = pc.check.lines.iter().flat_map(|l| l.rows.iter()).collect();
    let n = rows.iter().position(|r| matches!(r.target, Target::Section(_))).expect("a section not written on ZD21-06");
    let heading = rows[n].at.clone();
    down(&mut app, &cx, n);
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "report");
    // The preview shows the selected section's heading.
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.matches(heading.as_str()).count() >= 2, "{heading} in the list and the preview: {shown}");
}

#[test]
fn snapshot_80x24() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_check(&mut app, &cx);
    insta::assert_snapshot!("selfcheck_80x24", render(&app, &cx, 80, 24));
}
