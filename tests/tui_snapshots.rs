//! Snapshot tests of every TUI screen and popup at 120×40 and 80×24, on the seeded demo
//! store (Chinese fixtures) with a fixed clock (2026-11-22 09:00 UTC).
//!
//! Run `INSTA_UPDATE=always cargo test --test tui_snapshots` to rewrite the snapshots after
//! an intended change, and read the diff.

mod tui_common;

use jixiao::backend::Backend;
use jixiao::command::Command;
use jixiao::i18n::Lang;
use jixiao::tui::app::{App, Cx};
use jixiao::tui::screens::popups::ErrorPopup;
use jixiao::tui::strings::Msg;
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

/// Builds a fresh demo store and app for each size, runs `setup`, and snapshots the screen
/// as `{name}_{w}x{h}`.
fn snap(name: &str, setup: impl Fn(&Env, &mut App, &Cx)) {
    for (w, h) in SIZES {
        snap_at(name, w, h, Lang::Zh, &setup);
    }
}

fn snap_at(name: &str, w: u16, h: u16, lang: Lang, setup: &impl Fn(&Env, &mut App, &Cx)) {
    let env = Env::new().with_lang(lang);
    let cx = env.cx();
    let mut app = new_app(&cx);
    setup(&env, &mut app, &cx);
    let backend = render(&app, &cx, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), backend);
}

/// Scoring tab of ZD21-06 with the cursor on `leaf`.
fn on_leaf(env: &Env, app: &mut App, cx: &Cx, leaf: &str) {
    open_scoring(app, cx, "人口普查");
    goto_row(app, cx, env.row_of("ZD21-06", leaf));
}

// ─── project list ───────────────────────────────────────────────────────────────

#[test]
fn list() {
    snap("list", |_, _, _| {});
}

#[test]
fn list_english() {
    snap_at("list_en", 120, 40, Lang::En, &|_: &Env, _: &mut App, _: &Cx| {});
}

#[test]
fn list_filtered() {
    snap("list_filtered", |_, app, cx| {
        keys(app, cx, "/人口普查");
    });
}

#[test]
fn list_filter_no_match() {
    snap("list_filter_no_match", |_, app, cx| {
        keys(app, cx, "/公积金");
    });
}

#[test]
fn list_sorted_by_amount_reversed() {
    snap("list_sorted_amount_desc", |_, app, cx| {
        keys(app, cx, "sssss"); // code → name → unit → kind → year → amount
        keys(app, cx, "S");
    });
}

#[test]
fn new_project_form() {
    snap("new_project_form", |_, app, cx| {
        keys(app, cx, "n");
    });
}

#[test]
fn new_project_form_errors() {
    snap("new_project_form_errors", |_, app, cx| {
        keys(app, cx, "n");
        keys(app, cx, "ZD26-01");
        press(app, cx, KeyCode::Tab); // name left empty
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "医疗保障局");
        for _ in 0..3 {
            press(app, cx, KeyCode::Tab); // kind, year, amount
        }
        keys(app, cx, "12.345");
        ctrl(app, cx, 's');
    });
}

#[test]
fn edit_form() {
    snap("edit_form", |_, app, cx| {
        keys(app, cx, "/人口普查\n");
        keys(app, cx, "e");
    });
}

#[test]
fn team_form() {
    snap("team_form", |_, app, cx| {
        keys(app, cx, "/人口普查\n");
        keys(app, cx, "t");
    });
}

#[test]
fn phase_form() {
    snap("phase_form", |_, app, cx| {
        keys(app, cx, "/人口普查\n");
        keys(app, cx, "p");
    });
}

#[test]
fn archive_confirm() {
    snap("archive_confirm", |_, app, cx| {
        keys(app, cx, "/人口普查\n");
        keys(app, cx, "A");
    });
}

#[test]
fn reopen_form() {
    // ZD21-02 is archived in the demo.
    snap("reopen_form", |_, app, cx| {
        keys(app, cx, "/森林公安\n");
        keys(app, cx, "O");
    });
}

#[test]
fn archived_then_edit_toast() {
    snap("toast_read_only", |_, app, cx| {
        keys(app, cx, "/人口普查\n");
        keys(app, cx, "Ay");
        keys(app, cx, "e");
    });
}

#[test]
fn saved_toast() {
    snap("toast_saved", |_, app, cx| {
        keys(app, cx, "/人口普查\n");
        keys(app, cx, "e");
        ctrl(app, cx, 's');
    });
}

#[test]
fn stale_edit_error_popup() {
    snap("error_popup_stale_edit", |env, app, cx| {
        keys(app, cx, "/人口普查\n");
        keys(app, cx, "e");
        // Someone else changes the project while the form is open.
        let cmd = Command::SetPhase {
            project: "ZD21-06".into(),
            expected_version: None,
            phase: jixiao::domain::Phase::Report,
            override_reason: None,
        };
        let mut ctx = env.local.ctx();
        ctx.actor = "wangfang".into(); // a member of ZD21-06
        env.local.store().execute(&cmd, &ctx).unwrap();
        ctrl(app, cx, 's');
    });
}

#[test]
fn keymap_error_popup() {
    // What `tui::run` shows at start-up when the keymap file is bad.
    snap("error_popup_keymap", |_, app, cx| {
        let (_, errors) = jixiao::tui::keymap::Keymap::load(Some(("keymap.toml", "[project_list]\nx = \"no_such_action\"\n")));
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        let msg = format!("{}\n{}", Msg::KeymapErrors.get(cx.lang), lines.join("\n"));
        app.stack.push(Box::new(ErrorPopup::new(msg)));
    });
}

#[test]
fn help_on_list() {
    snap("help_list", |_, app, cx| {
        keys(app, cx, "?");
    });
}

#[test]
fn too_small() {
    let env = Env::new();
    let cx = env.cx();
    let app = new_app(&cx);
    insta::assert_snapshot!("too_small_59x20", render(&app, &cx, 59, 20));
}

// ─── project view ───────────────────────────────────────────────────────────────

#[test]
fn overview_with_overdue_items() {
    snap("overview_ZD21-11", |_, app, cx| {
        open_project(app, cx, "老旧小区");
    });
}

#[test]
fn overview_with_milestones() {
    // ZD21-06: one milestone done three days ago, one due in twelve days.
    snap("overview_ZD21-06", |_, app, cx| {
        open_project(app, cx, "人口普查");
    });
}

#[test]
fn findings_placeholder() {
    snap("findings_tab", |_, app, cx| {
        open_project(app, cx, "人口普查");
        keys(app, cx, "3");
    });
}

#[test]
fn rectification_placeholder() {
    snap("rectification_tab", |_, app, cx| {
        open_project(app, cx, "人口普查");
        keys(app, cx, "4");
    });
}

#[test]
fn help_on_overview() {
    snap("help_overview", |_, app, cx| {
        open_project(app, cx, "人口普查");
        keys(app, cx, "?");
    });
}

// ─── scoring ────────────────────────────────────────────────────────────────────

#[test]
fn scoring_tab() {
    snap("scoring_ZD21-06", |_, app, cx| {
        open_scoring(app, cx, "人口普查");
    });
}

#[test]
fn scoring_tab_on_scored_leaf() {
    snap("scoring_ZD21-06_scored_leaf", |env, app, cx| {
        on_leaf(env, app, cx, "资金到位率");
    });
}

#[test]
fn scoring_tab_fully_scored() {
    // ZD21-11 is fully scored, with reviewed leaves and deductions in the detail pane.
    snap("scoring_ZD21-11_deductions", |env, app, cx| {
        open_scoring(app, cx, "老旧小区");
        goto_row(app, cx, env.row_of("ZD21-11", "制度执行有效性"));
    });
}

#[test]
fn scoring_tab_archived() {
    snap("scoring_archived_ZD21-02", |_, app, cx| {
        open_scoring(app, cx, "森林公安");
        keys(app, cx, "jj");
    });
}

#[test]
fn help_on_scoring() {
    snap("help_scoring", |_, app, cx| {
        open_scoring(app, cx, "人口普查");
        keys(app, cx, "?");
    });
}

#[test]
fn scoring_english() {
    snap_at("scoring_en", 120, 40, Lang::En, &|env: &Env, app: &mut App, cx: &Cx| {
        open_scoring(app, cx, "人口普查");
        goto_row(app, cx, env.row_of("ZD21-06", "资金到位率"));
    });
}

#[test]
fn score_editor_english() {
    snap_at("score_editor_qualitative_en", 120, 40, Lang::En, &|env: &Env, app: &mut App, cx: &Cx| {
        on_leaf(env, app, cx, "实施效益");
        keys(app, cx, "e");
    });
}

#[test]
fn help_in_a_form() {
    snap("help_form", |env, app, cx| {
        on_leaf(env, app, cx, "立项程序规范性");
        keys(app, cx, "e");
        press(app, cx, KeyCode::F(1));
    });
}

#[test]
fn leaf_only_toast() {
    snap("toast_leaf_only", |_, app, cx| {
        open_scoring(app, cx, "人口普查");
        keys(app, cx, "e"); // on 决策, a level-1 indicator
    });
}

/// No template leaf is scored directly, so the editor's method is switched to direct.
#[test]
fn score_editor_direct() {
    snap("score_editor_direct", |env, app, cx| {
        on_leaf(env, app, cx, "立项程序规范性");
        keys(app, cx, "e");
        press(app, cx, KeyCode::BackTab); // to the method
        press(app, cx, KeyCode::Left); // deduction → direct
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "2.5");
    });
}

#[test]
fn score_editor_deduction() {
    snap("score_editor_deduction", |env, app, cx| {
        on_leaf(env, app, cx, "立项程序规范性");
        keys(app, cx, "e");
        keys(app, cx, "1");
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "未经集体决策即立项");
        ctrl(app, cx, 'n');
        keys(app, cx, "0.5");
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "缺少可行性研究报告");
    });
}

#[test]
fn score_editor_formula() {
    snap("score_editor_formula", |env, app, cx| {
        on_leaf(env, app, cx, "预算执行率");
        keys(app, cx, "e");
        keys(app, cx, "100");
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "85");
    });
}

#[test]
fn score_editor_qualitative() {
    snap("score_editor_qualitative", |env, app, cx| {
        on_leaf(env, app, cx, "实施效益");
        keys(app, cx, "e");
        press(app, cx, KeyCode::Tab); // band → value
        keys(app, cx, "17");
    });
}

#[test]
fn score_editor_qualitative_band_partly() {
    snap("score_editor_qualitative_partly", |env, app, cx| {
        on_leaf(env, app, cx, "实施效益");
        keys(app, cx, "e");
        press(app, cx, KeyCode::Right); // 达成 → 部分达成
    });
}

#[test]
fn score_editor_out_of_range() {
    snap("score_editor_out_of_range", |env, app, cx| {
        on_leaf(env, app, cx, "立项程序规范性");
        keys(app, cx, "e");
        press(app, cx, KeyCode::BackTab);
        press(app, cx, KeyCode::Left);
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "5");
        ctrl(app, cx, 's');
    });
}

#[test]
fn score_editor_letters() {
    snap("score_editor_not_a_number", |env, app, cx| {
        on_leaf(env, app, cx, "预算执行率");
        keys(app, cx, "e");
        keys(app, cx, "9x");
        ctrl(app, cx, 's');
    });
}

#[test]
fn basis_editor() {
    snap("basis_editor", |env, app, cx| {
        on_leaf(env, app, cx, "立项依据充分性");
        keys(app, cx, "b");
        press(app, cx, KeyCode::End);
        keys(app, cx, "\n普查办提供了经费预算批复和资金拨付凭证，经核对一致。");
    });
}

#[test]
fn discard_confirm() {
    snap("discard_confirm", |env, app, cx| {
        on_leaf(env, app, cx, "立项依据充分性");
        keys(app, cx, "b");
        keys(app, cx, "补充说明");
        esc(app, cx);
    });
}

#[test]
fn draft_offer() {
    snap("draft_offer", |env, app, cx| {
        let id = env.node_id("ZD21-06", "立项依据充分性");
        env.drafts.save(&format!("basis-ZD21-06-{id}"), "依据《全国人口普查条例》立项。\n草稿第二行：经费测算表已核对。");
        on_leaf(env, app, cx, "立项依据充分性");
        keys(app, cx, "b");
    });
}

#[test]
fn evidence_form() {
    snap("evidence_form", |env, app, cx| {
        on_leaf(env, app, cx, "立项依据充分性");
        keys(app, cx, "a");
        keys(app, cx, "第七次人口普查经费预算批复");
    });
}

#[test]
fn history_popup() {
    snap("history_popup", |env, app, cx| {
        on_leaf(env, app, cx, "资金到位率");
        // Score it a second time through the editor: target 100, actual 90.
        keys(app, cx, "e");
        ctrl(app, cx, 'u');
        keys(app, cx, "100");
        press(app, cx, KeyCode::Tab);
        ctrl(app, cx, 'u');
        keys(app, cx, "90");
        ctrl(app, cx, 's');
        keys(app, cx, "h");
    });
}

#[test]
fn clear_confirm() {
    snap("clear_confirm", |env, app, cx| {
        on_leaf(env, app, cx, "资金到位率");
        keys(app, cx, "x");
    });
}

#[test]
fn unreview_form() {
    snap("unreview_form", |env, app, cx| {
        first_reviewed(env);
        on_leaf(env, app, cx, "资金到位率");
        keys(app, cx, "r");
        keys(app, cx, "R");
    });
}

#[test]
fn reviewed_toast() {
    snap("toast_reviewed", |env, app, cx| {
        first_reviewed(env);
        on_leaf(env, app, cx, "资金到位率");
        keys(app, cx, "r");
    });
}

#[test]
fn add_indicator_form() {
    snap("add_indicator_form", |env, app, cx| {
        on_leaf(env, app, cx, "项目立项");
        keys(app, cx, "i");
        keys(app, cx, "立项资料完整性");
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "2");
    });
}

#[test]
fn weights_warning() {
    snap("scoring_weights_off", |env, app, cx| {
        on_leaf(env, app, cx, "项目立项");
        keys(app, cx, "i");
        keys(app, cx, "立项资料完整性");
        press(app, cx, KeyCode::Tab);
        keys(app, cx, "2");
        ctrl(app, cx, 's');
    });
}

#[test]
fn remove_confirm() {
    snap("remove_confirm", |env, app, cx| {
        on_leaf(env, app, cx, "立项程序规范性");
        keys(app, cx, "D");
    });
}

#[test]
fn rename_form() {
    snap("rename_form", |env, app, cx| {
        on_leaf(env, app, cx, "立项程序规范性");
        keys(app, cx, "c");
    });
}

#[test]
fn points_form() {
    snap("points_form", |env, app, cx| {
        on_leaf(env, app, cx, "立项程序规范性");
        keys(app, cx, "P");
    });
}

#[test]
fn reviewed_score_refused_popup() {
    snap("error_popup_reviewed", |env, app, cx| {
        second_reviewed(env);
        on_leaf(env, app, cx, "资金到位率");
        keys(app, cx, "e");
    });
}

/// Sanity: the backend used by every snapshot acts as the lead on the fixed day.
#[test]
fn harness_is_fixed() {
    let env = Env::new();
    assert_eq!(env.local.actor(), ACTOR);
    assert_eq!(env.local.today(), today());
}
