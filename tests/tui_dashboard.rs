//! The deadline dashboard in the workbench: opened with `d` from any screen, snapshots at
//! 120×40 and 80×24, Enter on a row, the year, mine-only and the budget total.
//!
//! `INSTA_UPDATE=always cargo test --test tui_dashboard` rewrites the snapshots after an
//! intended change; read the diff.

mod tui_common;

use jixiao::backend::Fetch;
use jixiao::tui::screens::dashboard::DashboardScreen;
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

#[test]
fn snapshots_at_120x40_and_80x24() {
    for (w, h) in [(120, 40), (80, 24)] {
        let env = Env::new();
        let cx = env.cx();
        let mut app = new_app(&cx);
        keys(&mut app, &cx, "d");
        insta::assert_snapshot!(format!("dashboard_{w}x{h}"), render(&app, &cx, w, h));
    }
}

#[test]
fn d_opens_it_from_a_project_and_again_closes_it_but_not_over_a_popup() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "ZD21-01");
    assert_eq!(top_context(&app), "project_view");
    keys(&mut app, &cx, "d");
    assert_eq!(top_context(&app), "dashboard");
    let s = screen(&app, &cx, 120, 40);
    assert!(s.contains("期限看板 · 截至 2026-11-22 · 逾期 9"), "{s}");
    assert!(s.contains("逾期（9）") && s.contains("30 天内到期（33）"), "{s}");
    keys(&mut app, &cx, "d");
    assert_eq!(top_context(&app), "project_view");
    // Over the help popup `d` does nothing.
    keys(&mut app, &cx, "?");
    let before = app.stack.len();
    keys(&mut app, &cx, "d");
    assert_eq!(app.stack.len(), before);
}

#[test]
fn enter_on_an_overdue_item_opens_it_in_its_project() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "d");
    let first = {
        let dash = DashboardScreen::new(&cx);
        dash.data().unwrap().overdue[0].clone()
    };
    assert_eq!(first.kind, jixiao::domain::DeadlineKind::Item);
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "rectification");
    let s = screen(&app, &cx, 120, 40);
    assert!(s.contains(&first.code), "{s}");
    // The item is the selected row: its requirement is in the detail pane.
    let head: String = first.title.chars().take(8).collect();
    assert!(s.contains(&head), "{head} not on screen:\n{s}");
    press(&mut app, &cx, KeyCode::Esc);
    assert_eq!(top_context(&app), "dashboard");
}

#[test]
fn budget_total_sets_the_coverage_line_and_mine_narrows_the_panes() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "d");
    assert!(screen(&app, &cx, 120, 40).contains("覆盖率：未设预算总额"));
    keys(&mut app, &cx, "b");
    assert_eq!(top_context(&app), "form");
    keys(&mut app, &cx, "abc");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "form", "a bad amount keeps the form open");
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Backspace);
    }
    keys(&mut app, &cx, "200000");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "dashboard");
    assert_eq!(env.local.budget_total(2020).ok().flatten().map(|a| a.to_string()), Some("200000.00".into()));
    let s = screen(&app, &cx, 120, 40);
    assert!(s.contains("覆盖率 11.89%，未达 ≥ 20% 的目标"), "{s}");

    // Mine only: zhangsan leads every demo project, so only the bureau-wide dates drop out.
    let all = DashboardScreen::new(&cx).data().unwrap().upcoming.len();
    keys(&mut app, &cx, "m");
    let s = screen(&app, &cx, 120, 40);
    assert!(s.contains("只看 zhangsan 的项目"), "{s}");
    let bureau = DashboardScreen::new(&cx).data().unwrap().upcoming.iter().filter(|d| d.code.is_empty()).count();
    assert!(bureau > 0);
    assert!(s.contains(&format!("30 天内到期（{}）", all - bureau)), "{s}");
    assert_eq!(cx.backend.actor(), ACTOR);
}

#[test]
fn y_cycles_the_fiscal_years_and_english_reads_english() {
    let env = Env::new().with_lang(jixiao::i18n::Lang::En);
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "d");
    let s = screen(&app, &cx, 120, 40);
    assert!(s.contains("Deadlines · as of 2026-11-22 · 9 overdue") && s.contains("2020: 20 projects"), "{s}");
    // The demo has one fiscal year: y stays on it.
    keys(&mut app, &cx, "y");
    assert!(screen(&app, &cx, 120, 40).contains("2020: 20 projects"));
}
