//! Snapshot tests of the findings and rectification screens, their popups, the ledger and
//! the result-use form at 120×40 and 80×24, on the seeded demo store with the fixed clock
//! (2026-11-22 09:00 UTC).
//!
//! Run `INSTA_UPDATE=always cargo test --test tui_rect_snapshots` to rewrite the snapshots
//! after an intended change, and read the diff.

mod tui_common;

use jixiao::tui::app::{App, Cx};
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

/// Builds a fresh demo store and app for each size, runs `setup`, and snapshots the screen
/// as `{name}_{w}x{h}`.
fn snap(name: &str, setup: impl Fn(&Env, &mut App, &Cx)) {
    for (w, h) in SIZES {
        let env = Env::new();
        let cx = env.cx();
        let mut app = new_app(&cx);
        setup(&env, &mut app, &cx);
        let backend = render(&app, &cx, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), backend);
    }
}

/// The 整改 tab of a project, the cursor on the item with this id.
fn on_item(env: &Env, app: &mut App, cx: &Cx, code: &str, id: u64) {
    open_project(app, cx, code);
    keys(app, cx, "4");
    let mut list = env.local.store().items_of(env.pid(code)).unwrap();
    list.sort_by_key(|i| i.id);
    let at = list.iter().position(|i| i.id == id).unwrap_or_else(|| panic!("no item #{id} in {code}"));
    press(app, cx, KeyCode::Home);
    down(app, cx, at);
}

/// The id of the first item of `code` in `state`.
fn item_in(env: &Env, code: &str, state: jixiao::domain::ItemState) -> u64 {
    let mut list = env.local.store().items_of(env.pid(code)).unwrap();
    list.sort_by_key(|i| i.id);
    list.iter().find(|i| i.state == state).unwrap_or_else(|| panic!("no {} item in {code}", state.label())).id
}

// ─── findings ───────────────────────────────────────────────────────────────────

/// ZD21-11 has four published findings; the second (an amount and two evidence items) is selected.
#[test]
fn findings_tab_selected() {
    snap("findings_selected", |_, app, cx| {
        open_project(app, cx, "老旧小区");
        keys(app, cx, "3");
        keys(app, cx, "j");
    });
}

#[test]
fn new_finding_form() {
    snap("new_finding_form", |_, app, cx| {
        open_project(app, cx, "老旧小区");
        keys(app, cx, "3");
        keys(app, cx, "n");
    });
}

/// A correction of a published finding: the form asks for the reason.
#[test]
fn correct_finding_form() {
    snap("correct_finding_form", |_, app, cx| {
        open_project(app, cx, "老旧小区");
        keys(app, cx, "3");
        keys(app, cx, "e");
    });
}

// ─── rectification ──────────────────────────────────────────────────────────────

/// ZD21-11: three overdue items (30, 5 and 30 days), one in progress.
#[test]
fn rectification_tab_overdue() {
    snap("rect_tab_ZD21-11", |_, app, cx| {
        open_project(app, cx, "老旧小区");
        keys(app, cx, "4");
    });
}

/// The moves of an issued item (ZD21-11, 已下达, overdue).
#[test]
fn item_action_menu() {
    snap("item_menu", |env, app, cx| {
        let id = item_in(env, "ZD21-11", jixiao::domain::ItemState::Issued);
        on_item(env, app, cx, "ZD21-11", id);
        keys(app, cx, "m");
    });
}

/// ZD21-12 has two draft items for 应急局.
#[test]
fn notice_form() {
    snap("notice_form", |env, app, cx| {
        let id = item_in(env, "ZD21-12", jixiao::domain::ItemState::Draft);
        on_item(env, app, cx, "ZD21-12", id);
        keys(app, cx, "N");
    });
}

/// ZD21-07's submitted item: 销号 with an opinion, then the confirmation.
#[test]
fn close_confirm() {
    snap("close_confirm", |env, app, cx| {
        let id = item_in(env, "ZD21-07", jixiao::domain::ItemState::Submitted);
        on_item(env, app, cx, "ZD21-07", id);
        keys(app, cx, "m");
        down(app, cx, 1); // 退回, 销号, 撤销
        enter(app, cx);
        keys(app, cx, "补充协议已签订，同意销号");
        ctrl(app, cx, 's');
    });
}

/// The response form of a returned item (ZD21-11), with the evidence hint.
#[test]
fn response_form() {
    snap("response_form", |env, app, cx| {
        let id = item_in(env, "ZD21-11", jixiao::domain::ItemState::Returned);
        on_item(env, app, cx, "ZD21-11", id);
        keys(app, cx, "m");
        down(app, cx, 1); // 开始整改, 提交整改报告 …
        enter(app, cx);
    });
}

// ─── ledger ─────────────────────────────────────────────────────────────────────

#[test]
fn ledger() {
    snap("ledger", |_, app, cx| {
        keys(app, cx, "L");
    });
}

#[test]
fn ledger_overdue_only() {
    snap("ledger_overdue", |_, app, cx| {
        keys(app, cx, "L");
        keys(app, cx, "o");
    });
}

// ─── result use ─────────────────────────────────────────────────────────────────

/// ZD21-07 has a result use (调增 15 万元) in the demo.
#[test]
fn result_use_form() {
    snap("result_use_form", |_, app, cx| {
        open_project(app, cx, "食品安全");
        keys(app, cx, "u");
    });
}
