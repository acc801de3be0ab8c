//! Moving through the scoring tree (`/` find, `]`/`[` unscored leaves, `}`/`{` papers still
//! to finish), the project list keeping its place, keys dropped after a key that opened
//! nothing, and the search screen (`F`): hits shown, Enter opens the record.

mod tui_common;

use jixiao::backend::Backend;
use jixiao::tui::app::{App, Cx};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use tui_common::*;

/// The text of the highlighted (selected) row of the list on screen.
fn selected_row(app: &App, cx: &Cx) -> String {
    let backend = render(app, cx, 120, 40);
    let buf = backend.buffer();
    let text = screen(app, cx, 120, 40);
    let lines: Vec<&str> = text.lines().collect();
    let y = (0..buf.area.height).find(|y| buf[(0, *y)].bg == Color::Blue).unwrap_or_else(|| panic!("no row selected\n{text}"));
    lines[y as usize].to_string()
}

fn toast(app: &App) -> Option<(String, bool)> {
    app.toast.as_ref().map(|t| (t.text.clone(), t.error))
}

/// Leaf names of a project in tree order, with whether each is scored.
fn leaves(env: &Env, code: &str) -> Vec<(String, bool)> {
    let t = env.tree(code);
    t.nodes.iter().filter(|n| t.is_leaf(n.id)).map(|n| (n.name.clone(), n.score.is_some())).collect()
}

#[test]
fn brackets_jump_to_the_next_and_previous_unscored_leaf() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_scoring(&mut app, &cx, "ZD21-09");
    let unscored: Vec<String> = leaves(&env, "ZD21-09").into_iter().filter(|(_, s)| !s).map(|(n, _)| n).collect();
    assert!(unscored.len() >= 3, "{unscored:?}");
    keys(&mut app, &cx, "]");
    assert!(selected_row(&app, &cx).contains(&unscored[0]), "{}", selected_row(&app, &cx));
    keys(&mut app, &cx, "]");
    assert!(selected_row(&app, &cx).contains(&unscored[1]), "{}", selected_row(&app, &cx));
    keys(&mut app, &cx, "[");
    assert!(selected_row(&app, &cx).contains(&unscored[0]));
    // Before the first, `[` wraps to the last.
    keys(&mut app, &cx, "[");
    assert!(selected_row(&app, &cx).contains(unscored.last().unwrap()), "{}", selected_row(&app, &cx));
    assert_eq!(top_context(&app), "scoring");
}

#[test]
fn braces_skip_leaves_with_evidence_and_a_second_review() {
    let env = Env::new();
    // 资金到位率: scored with a document by wangfang, reviewed by lisi, then by the lead.
    for (actor, v) in [
        ("zhangsan", serde_json::json!({"cmd":"set_team","project":"ZD21-06","lead":"zhangsan","members":["wangfang","lisi"]})),
        (
            "wangfang",
            serde_json::json!({"cmd":"score","project":"ZD21-06","indicator":"资金到位率","input":{"direct":{"value":"4"}},"basis":"到位率100%","evidence":[{"document":{"name":"资金到账凭证"}}]}),
        ),
        ("lisi", serde_json::json!({"cmd":"review_score","project":"ZD21-06","indicator":"资金到位率"})),
        ("zhangsan", serde_json::json!({"cmd":"review_score","project":"ZD21-06","indicator":"资金到位率"})),
    ] {
        let mut ctx = env.local.ctx();
        ctx.actor = actor.to_string();
        env.local.store().execute(&command(v), &ctx).unwrap();
    }
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_scoring(&mut app, &cx, "ZD21-06");
    let names: Vec<String> = leaves(&env, "ZD21-06").into_iter().map(|(n, _)| n).collect();
    let at = names.iter().position(|n| n == "资金到位率").unwrap();
    // From the leaf before it, `}` goes past it to the one after.
    goto_row(&mut app, &cx, env.row_of("ZD21-06", &names[at - 1]));
    keys(&mut app, &cx, "}");
    assert!(selected_row(&app, &cx).contains(&names[at + 1]), "{}", selected_row(&app, &cx));
    keys(&mut app, &cx, "{");
    assert!(selected_row(&app, &cx).contains(&names[at - 1]), "{}", selected_row(&app, &cx));
}

#[test]
fn slash_finds_by_name_enter_keeps_it_n_goes_on_and_esc_cancels() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_scoring(&mut app, &cx, "ZD21-09");
    keys(&mut app, &cx, "/执行率");
    assert_eq!(top_context(&app), "scoring", "the find box takes the keys");
    assert!(screen(&app, &cx, 120, 40).contains("查找指标：/执行率"), "{}", screen(&app, &cx, 120, 40));
    enter(&mut app, &cx);
    assert!(selected_row(&app, &cx).contains("预算执行率"), "{}", selected_row(&app, &cx));

    // Two matches of 率: n goes to the next, N back; a letter typed after Enter is a key again.
    keys(&mut app, &cx, "/率\n");
    let first = selected_row(&app, &cx);
    keys(&mut app, &cx, "n");
    let second = selected_row(&app, &cx);
    assert_ne!(first, second);
    assert!(second.contains('率'), "{second}");
    keys(&mut app, &cx, "N");
    assert_eq!(selected_row(&app, &cx), first);

    // Esc while typing goes back to where the find started; nothing found says so.
    goto_row(&mut app, &cx, 0);
    let top = selected_row(&app, &cx);
    keys(&mut app, &cx, "/满意度");
    assert_ne!(selected_row(&app, &cx), top);
    esc(&mut app, &cx);
    assert_eq!(selected_row(&app, &cx), top);
    assert_eq!(top_context(&app), "scoring", "Esc ended the find, not the project");
    keys(&mut app, &cx, "/没有这个指标\n");
    keys(&mut app, &cx, "n");
    assert!(toast(&app).is_some_and(|(t, e)| e && t.contains("没有名称含“没有这个指标”")), "{:?}", toast(&app));
    // Esc after a kept find ends the find first, then leaves.
    app.pause(&cx);
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "scoring");
    assert!(!screen(&app, &cx, 120, 40).contains("查找指标"));
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "project_list");
}

#[test]
fn the_project_list_keeps_its_place_after_a_project() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    down(&mut app, &cx, 15);
    let before = screen(&app, &cx, 120, 20);
    let row = selected_row(&app, &cx);
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "project_view");
    // A command in the project refreshes the list beneath it too.
    keys(&mut app, &cx, "2]");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "project_list");
    assert_eq!(selected_row(&app, &cx), row);
    assert_eq!(screen(&app, &cx, 120, 20), before, "same rows in sight");
}

#[test]
fn digits_after_a_key_that_opened_nothing_do_not_switch_tabs() {
    let env = Env::new();
    env.local
        .execute(&command(serde_json::json!({"cmd":"create_project","code":"ZD21-99","name":"2021年空白项目","kind":"项目支出","fiscal_year":2021,"unit":"统计局","amount":"10"})))
        .unwrap();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "ZD21-99");
    keys(&mut app, &cx, "3");
    assert_eq!(top_context(&app), "findings");
    // `e` with no finding to edit, then `4` typed for the form that did not open.
    keys(&mut app, &cx, "e4");
    assert_eq!(top_context(&app), "findings", "the 4 was dropped");
    assert!(toast(&app).is_some_and(|(t, e)| e && t.contains("没有可打开的内容")), "{:?}", toast(&app));
    // After a pause, digits switch tabs again.
    app.pause(&cx);
    keys(&mut app, &cx, "4");
    assert_eq!(top_context(&app), "rectification");
}

#[test]
fn the_search_screen_lists_hits_and_enter_opens_the_record() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "F");
    assert_eq!(top_context(&app), "search");
    keys(&mut app, &cx, "交回财政统筹\n");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("ZD21-11") && shown.contains("事项 #12 整改要求") && shown.contains("交回财政统筹"), "{shown}");
    assert!(shown.contains("共 1 处"), "{shown}");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "rectification");
    assert!(selected_row(&app, &cx).starts_with("#12 "), "item #12 selected: {}", selected_row(&app, &cx));
    // Back to the hits, then a finding and an indicator.
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "search");
    keys(&mut app, &cx, "/");
    for _ in 0..10 {
        press(&mut app, &cx, KeyCode::Backspace);
    }
    keys(&mut app, &cx, "弥补公用支出的情况\n");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "findings");
    assert!(selected_row(&app, &cx).starts_with("#1 ") && selected_row(&app, &cx).contains("弥补公"), "{}", selected_row(&app, &cx));
    esc(&mut app, &cx);
    keys(&mut app, &cx, "/");
    for _ in 0..10 {
        press(&mut app, &cx, KeyCode::Backspace);
    }
    keys(&mut app, &cx, "人口普查的通知\n");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "scoring");
    assert!(selected_row(&app, &cx).contains("立项依据充分性"), "{}", selected_row(&app, &cx));

    // Nothing found says so.
    esc(&mut app, &cx);
    keys(&mut app, &cx, "/");
    for _ in 0..10 {
        press(&mut app, &cx, KeyCode::Backspace);
    }
    keys(&mut app, &cx, "无此内容\n");
    assert!(screen(&app, &cx, 120, 40).contains("没有找到“无此内容”"));
}
