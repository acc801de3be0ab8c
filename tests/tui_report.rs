//! The report tab (报告): sections written through the text editor and read back through
//! `Fetch::report`, drafts kept on Esc and offered again, generated sections, the title and
//! cover form, an issued report refusing edits until reopened with a reason; snapshots at
//! 120×40 and 80×24.
//!
//! Run `INSTA_UPDATE=always cargo test --test tui_report` to rewrite the snapshots after an
//! intended change, and read the diff.

mod tui_common;

use jixiao::backend::Fetch;
use jixiao::domain::report::ReportState;
use jixiao::tui::app::{App, Cx};
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

const CODE: &str = "ZD21-06";
const ISSUED: &str = "ZD21-07";

/// The list row of an outline section.
fn row(env: &Env, code: &str, key: &str) -> usize {
    let (outline, _) = env.local.outline(code).unwrap();
    outline.sections.iter().position(|s| s.key == key).unwrap_or_else(|| panic!("no section {key} in {code}'s outline"))
}

fn goto(app: &mut App, cx: &Cx, row: usize) {
    press(app, cx, KeyCode::Home);
    down(app, cx, row);
}

/// From the project list: open the project and its report tab, the cursor on `key`.
fn at_section(env: &Env, app: &mut App, cx: &Cx, code: &str, key: &str) {
    open_project(app, cx, code);
    keys(app, cx, "5");
    goto(app, cx, row(env, code, key));
}

fn written(env: &Env, code: &str, key: &str) -> Option<String> {
    env.local.report(code).unwrap().and_then(|r| r.sections.get(key).cloned())
}

fn toast(app: &App) -> String {
    app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

#[test]
fn tab_5_and_the_tab_cycle_reach_the_report() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, CODE);
    for _ in 0..4 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    assert_eq!(top_context(&app), "report", "the fifth tab in the cycle");
    press(&mut app, &cx, KeyCode::Tab);
    assert_eq!(top_context(&app), "project_view", "and round to 概况");
    keys(&mut app, &cx, "5");
    assert_eq!(top_context(&app), "report");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("《2020年度人口普查工作经费绩效评价报告》"), "{shown}");
    assert!(shown.contains("未编号（定稿时编号）") && shown.contains("撰写中") && shown.contains("5 节待撰写"), "{shown}");
}

#[test]
fn three_sections_are_written_saved_and_read_back() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, CODE);
    keys(&mut app, &cx, "5");
    let texts = [
        ("overview", "2020年是第七次全国人口普查的登记年。\n市财政安排工作经费120万元，用于普查员培训和入户登记。"),
        ("process", "评价组于2021年5月进驻，查阅资料、实地核查并开展问卷调查。"),
        ("experience", "普查员培训覆盖全部普查小区。"),
    ];
    for (key, text) in texts {
        goto(&mut app, &cx, row(&env, CODE, key));
        enter(&mut app, &cx);
        assert_eq!(top_context(&app), "editor", "Enter on {key} opens the editor");
        keys(&mut app, &cx, text);
        ctrl(&mut app, &cx, 's');
        assert_eq!(top_context(&app), "report", "saving {key} closes the editor: {}", screen(&app, &cx, 120, 40));
        assert_eq!(written(&env, CODE, key).as_deref(), Some(text), "{key} read back through Fetch::report");
    }
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("已写 14 字"), "experience's length in the list\n{shown}");
    assert!(shown.contains("已写 31 字"), "process's length\n{shown}");
    assert!(shown.contains("3 节待撰写"), "two of five empty sections written\n{shown}");
    goto(&mut app, &cx, row(&env, CODE, "overview"));
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("已写 48 字+生成"), "a both section: written and generated\n{shown}");
    assert!(shown.contains("市财政安排工作经费120万元"), "the preview shows the text\n{shown}");
    assert!(shown.contains("项目编号 ZD21-06"), "then the generated facts\n{shown}");
}

#[test]
fn an_empty_section_shows_its_hint_and_the_editor_too() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, CODE, "goals");
    assert!(screen(&app, &cx, 120, 40).contains("提示：总体目标、阶段性目标"));
    enter(&mut app, &cx);
    assert!(screen(&app, &cx, 120, 40).contains("提示：总体目标、阶段性目标"), "the hint on the editor's border");
}

#[test]
fn a_draft_kept_on_esc_is_offered_on_reopening() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, CODE, "goals");
    let before = env.audit_len();
    enter(&mut app, &cx);
    keys(&mut app, &cx, "总体目标：按期完成普查登记");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "confirm");
    assert!(screen(&app, &cx, 120, 40).contains("k 关闭并保留草稿"));
    keys(&mut app, &cx, "k");
    assert_eq!(top_context(&app), "report", "k closes the editor");
    assert_eq!(env.drafts.load("report-ZD21-06-goals").as_deref(), Some("总体目标：按期完成普查登记"));
    assert_eq!((env.audit_len(), written(&env, CODE, "goals")), (before, None), "nothing saved");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "confirm", "the draft is offered first");
    let offer = screen(&app, &cx, 120, 40);
    assert!(offer.contains("发现未保存的草稿") && offer.contains("总体目标：按期完成普查登记"), "{offer}");
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "editor");
    keys(&mut app, &cx, "。");
    ctrl(&mut app, &cx, 's');
    assert_eq!(written(&env, CODE, "goals").as_deref(), Some("总体目标：按期完成普查登记。"));
    app.save_drafts(&cx);
    assert_eq!(env.drafts.load("report-ZD21-06-goals"), None, "the saved text's draft is gone");
}

#[test]
fn a_generated_section_says_which_records_feed_it() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, CODE, "score-table");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "report", "no editor for a data section");
    let said = toast(&app);
    assert!(said.contains("“附件：评分表”由记录生成") && said.contains("评分标签页"), "{said}");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("立项依据充分性"), "the score table's rows in the preview\n{shown}");
}

#[test]
fn the_title_form_sets_the_cover_fields() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, CODE, "cover");
    keys(&mut app, &cx, "t");
    assert_eq!(top_context(&app), "form");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "市财政局");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "市统计局");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "report");
    let r = env.local.report(CODE).unwrap().unwrap();
    assert_eq!((r.client.as_deref(), r.department.as_deref()), (Some("市财政局"), Some("市统计局")));
    assert!(r.title.as_deref().unwrap_or("").is_empty(), "an empty title keeps the default");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("委托单位：市财政局") && shown.contains("主管部门：市统计局"), "the cover preview\n{shown}");
}

#[test]
fn an_issued_report_refuses_edits_until_reopened_with_a_reason() {
    let env = Env::new();
    let cx = env.cx();
    assert_eq!(env.local.report(ISSUED).unwrap().map(|r| r.state), Some(ReportState::Issued), "the demo issued it at 定稿");
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, ISSUED, "process");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("已出具 第1版") && shown.contains("已出具的第1版原文"), "{shown}");
    let before = env.audit_len();
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "report", "no editor");
    assert!(toast(&app).contains("报告已出具") && toast(&app).contains("按 R 重新打开"), "{}", toast(&app));
    keys(&mut app, &cx, "t");
    assert!(toast(&app).contains("按 R 重新打开"), "nor the title: {}", toast(&app));
    assert_eq!(env.audit_len(), before);
    // Keys typed right after a refusal are dropped until a pause (the user reads it first).
    app.pause(&cx);
    keys(&mut app, &cx, "R");
    assert_eq!(top_context(&app), "form");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form", "a reason is required");
    keys(&mut app, &cx, "反馈意见交流会后修改问题表述");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "confirm", "asked before reopening");
    assert!(screen(&app, &cx, 120, 40).contains("出具第 2 版"));
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "report");
    let r = env.local.report(ISSUED).unwrap().unwrap();
    assert_eq!(r.state, ReportState::Draft);
    assert_eq!(r.reopenings.last().map(|o| o.reason.as_str()), Some("反馈意见交流会后修改问题表述"));
    assert!(screen(&app, &cx, 120, 40).contains("撰写中（第1版已出具，已重新打开）"));
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "editor", "writing again after reopening");
}

#[test]
fn w_writes_the_draft_and_an_issued_report_as_issued_to_a_docx() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, ISSUED, "overview");
    keys(&mut app, &cx, "w");
    assert_eq!(top_context(&app), "form");
    let offer = screen(&app, &cx, 120, 40);
    assert!(offer.contains(&format!("{ISSUED}评价报告.docx")), "next to the store by default: {offer}");
    let path = env.dir.path().join("食品安全检测经费评价报告.docx");
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, path.to_str().unwrap());
    ctrl(&mut app, &cx, 's');
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("已写出项目") && shown.contains("已出具"), "{shown}");
    // The file is the issued revision: the same bytes `jixiao report` builds from it.
    let issued = jixiao::export::report::load_issued(&env.local, ISSUED, 1).unwrap();
    let expected = jixiao::export::report_docx::to_document(&issued.blocks).to_docx(None).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), expected);
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "report");
    // A path that is not .docx is refused in the form, naming what to write.
    keys(&mut app, &cx, "w");
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "报告.pdf");
    ctrl(&mut app, &cx, 's');
    assert!(screen(&app, &cx, 120, 40).contains("只写 .docx"), "{}", screen(&app, &cx, 120, 40));
}

#[test]
fn reopening_a_report_not_issued_says_to_edit_directly() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, CODE, "process");
    keys(&mut app, &cx, "R");
    assert_eq!(top_context(&app), "report");
    assert!(toast(&app).contains("直接修改即可"), "{}", toast(&app));
}

/// No row passes the width, and no wide character is cut in half at a pane's edge.
#[test]
fn narrow_terminals_cut_no_character_in_half() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_section(&env, &mut app, &cx, CODE, "score-table");
    for (w, h) in [(80, 24), (120, 40), (100, 30), (60, 20)] {
        let backend = render(&app, &cx, w, h);
        let buf = backend.buffer();
        for y in 0..h {
            let mut x = 0;
            while x < w {
                let sym = buf[(x, y)].symbol();
                let sw = unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
                assert!(x + sw <= w, "row {y} at {w}×{h}: {sym:?} passes the edge");
                x += sw;
            }
        }
        let shown = screen(&app, &cx, w, h);
        assert!(shown.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= w as usize), "{shown}");
    }
}

// ─── snapshots ──────────────────────────────────────────────────────────────────

fn snap(name: &str, setup: impl Fn(&Env, &mut App, &Cx)) {
    for (w, h) in [(120, 40), (80, 24)] {
        let env = Env::new();
        let cx = env.cx();
        let mut app = new_app(&cx);
        setup(&env, &mut app, &cx);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app, &cx, w, h));
    }
}

#[test]
fn report_tab_snapshot() {
    snap("report_tab", |env, app, cx| {
        at_section(env, app, cx, CODE, "overview");
        enter(app, cx);
        keys(app, cx, "2020年是第七次全国人口普查的登记年，市财政安排工作经费120万元。");
        ctrl(app, cx, 's');
    });
}

#[test]
fn report_score_table_snapshot() {
    snap("report_score_table", |env, app, cx| at_section(env, app, cx, CODE, "score-table"));
}

#[test]
fn report_issued_snapshot() {
    snap("report_issued", |env, app, cx| at_section(env, app, cx, ISSUED, "analysis"));
}

#[test]
fn report_editor_snapshot() {
    snap("report_editor", |env, app, cx| {
        at_section(env, app, cx, CODE, "goals");
        enter(app, cx);
    });
}
