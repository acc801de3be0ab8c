//! The mouse on the seeded demo store: a click selects the row under it, a double click opens
//! it, a click on a tab title switches tabs, the wheel moves like the arrow keys. Clicks land
//! where the screen was last drawn at 120×40, as in the terminal.

mod tui_common;

use std::time::{Duration, Instant};

use jixiao::tui::app::{App, Cx};
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tui_common::*;

/// Where `needle` is drawn at 120×40 (column in cells, row).
fn find(app: &App, cx: &Cx, needle: &str) -> (u16, u16) {
    let shown = screen(app, cx, 120, 40);
    for (row, line) in shown.lines().enumerate() {
        if let Some(at) = line.find(needle) {
            return (jixiao::text::width(&line[..at]) as u16, row as u16);
        }
    }
    panic!("「{needle}」 is not on the screen:\n{shown}");
}

fn mouse(kind: MouseEventKind, (column, row): (u16, u16)) -> MouseEvent {
    MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }
}

fn click_at(app: &mut App, cx: &Cx, at: (u16, u16), when: Instant) {
    app.on_mouse_at(mouse(MouseEventKind::Down(MouseButton::Left), at), when, cx);
}

/// Clicks on `needle` where it is drawn now.
fn click(app: &mut App, cx: &Cx, needle: &str) {
    let at = find(app, cx, needle);
    click_at(app, cx, at, Instant::now());
}

fn double_click(app: &mut App, cx: &Cx, needle: &str) {
    let at = find(app, cx, needle);
    // Well after any click before it.
    let t = Instant::now() + Duration::from_secs(60);
    click_at(app, cx, at, t);
    click_at(app, cx, at, t + Duration::from_millis(150));
}

/// The row of the selected project in the list (drawn white on blue).
fn selected_line(app: &App, cx: &Cx) -> String {
    let backend = render(app, cx, 120, 40);
    let buf = backend.buffer();
    let row = (0..buf.area.height).find(|y| buf[(0, *y)].bg == ratatui::style::Color::Blue).expect("a selected row");
    screen(app, cx, 120, 40).lines().nth(row as usize).unwrap_or("").to_string()
}

#[test]
fn a_click_selects_a_project_and_a_double_click_opens_it() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    assert!(!selected_line(&app, &cx).contains("人口普查"));
    click(&mut app, &cx, "人口普查");
    assert!(selected_line(&app, &cx).contains("人口普查"), "{}", selected_line(&app, &cx));
    assert_eq!(top_context(&app), "project_list", "one click only selects");

    // Two clicks on one cell, but seconds apart, are two single clicks.
    let at = find(&app, &cx, "人口普查");
    let t = Instant::now() + Duration::from_secs(5);
    click_at(&mut app, &cx, at, t);
    click_at(&mut app, &cx, at, t + Duration::from_secs(2));
    assert_eq!(top_context(&app), "project_list");

    let (t, at) = (t + Duration::from_secs(5), find(&app, &cx, "人口普查"));
    click_at(&mut app, &cx, at, t);
    click_at(&mut app, &cx, at, t + Duration::from_millis(300));
    assert_eq!(top_context(&app), "project_view");
    assert!(screen(&app, &cx, 120, 40).contains("ZD21-06"), "{}", screen(&app, &cx, 120, 40));
}

#[test]
fn a_click_below_the_last_row_or_on_the_header_selects_nothing() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    let before = selected_line(&app, &cx);
    click(&mut app, &cx, "编号");
    let (_, last) = find(&app, &cx, "合计");
    click_at(&mut app, &cx, (5, last), Instant::now());
    assert_eq!(selected_line(&app, &cx), before);
    assert_eq!(top_context(&app), "project_list");
}

#[test]
fn tabs_switch_on_a_click_and_a_double_click_on_an_indicator_opens_its_score() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    assert_eq!(top_context(&app), "project_view");
    click(&mut app, &cx, "问题");
    assert_eq!(top_context(&app), "findings");
    click(&mut app, &cx, "整改");
    assert_eq!(top_context(&app), "rectification");
    click(&mut app, &cx, "评分");
    assert_eq!(top_context(&app), "scoring");

    double_click(&mut app, &cx, "立项程序规范性");
    assert_eq!(top_context(&app), "form", "a double click on a leaf scores it, as e does");
    assert!(screen(&app, &cx, 120, 40).contains("立项程序规范性"));
}

#[test]
fn the_wheel_moves_the_selection_like_the_arrow_keys() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    let first = selected_line(&app, &cx);
    for _ in 0..3 {
        app.on_mouse(mouse(MouseEventKind::ScrollDown, (10, 10)), &cx);
    }
    let moved = selected_line(&app, &cx);
    assert_ne!(moved, first);
    for _ in 0..3 {
        app.on_mouse(mouse(MouseEventKind::ScrollUp, (10, 10)), &cx);
    }
    assert_eq!(selected_line(&app, &cx), first);
}

#[test]
fn a_double_click_on_an_overdue_deadline_opens_its_project() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "d");
    assert_eq!(top_context(&app), "dashboard");
    // The first deadline row of the first pane, under its column header.
    let (_, header) = find(&app, &cx, "日期");
    let at = (2, header + 1);
    let t = Instant::now();
    click_at(&mut app, &cx, at, t);
    click_at(&mut app, &cx, at, t + Duration::from_millis(100));
    assert_eq!(top_context(&app), "rectification", "{}", screen(&app, &cx, 120, 40));
}
