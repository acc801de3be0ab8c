//! Key-sequence flow tests of the TUI on the seeded demo store: each scoring method, bad
//! input, the basis editor and its drafts, review, tree edits, project forms, archive and
//! keymaps. Assertions look at the store (and the audit log), not only at the screen.

mod tui_common;

use jixiao::domain::tree::{Direction, QualBand};
use jixiao::domain::{Evidence, Phase, ScoreInput};
use jixiao::tui::app::{App, Cx};
use jixiao::tui::keymap::Keymap;
use jixiao::tui::screens::popups::ErrorPopup;
use ratatui::backend::Backend as _;
use ratatui::crossterm::event::KeyCode;
use rust_decimal::Decimal;
use tui_common::*;

const CODE: &str = "ZD21-06";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The scoring header line (总分 …) as drawn at 120×40.
/// The scoring header: the total line and, when the weights are off, the warning under it.
fn header(app: &App, cx: &Cx) -> String {
    let shown = screen(app, cx, 120, 40);
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines.iter().position(|l| l.contains("总分")).unwrap_or(0);
    lines[at..(at + 2).min(lines.len())].join("\n")
}

/// Scoring tab of ZD21-06 with the cursor on `leaf`.
fn at_leaf(env: &Env, app: &mut App, cx: &Cx, leaf: &str) {
    open_scoring(app, cx, "人口普查");
    goto_row(app, cx, env.row_of(CODE, leaf));
}

fn score_of(env: &Env, leaf: &str) -> Option<jixiao::domain::tree::Score> {
    env.tree(CODE).nodes.into_iter().find(|n| n.name == leaf).and_then(|n| n.score)
}

fn toast(app: &App) -> Option<(String, bool)> {
    app.toast.as_ref().map(|t| (t.text.clone(), t.error))
}

// ─── the four scoring methods ───────────────────────────────────────────────────

#[test]
fn direct_score_saves_the_value_and_updates_the_total() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    assert!(header(&app, &cx).contains("总分 7.00 / 100.00"), "{}", header(&app, &cx));
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "form");
    press(&mut app, &cx, KeyCode::BackTab); // to the method
    press(&mut app, &cx, KeyCode::Left); // deduction → direct
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2.5");
    assert!(screen(&app, &cx, 120, 40).contains("计算得分：2.50"));
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring", "the editor closes on save");
    let s = score_of(&env, "立项程序规范性").expect("scored");
    assert_eq!(s.value, dec("2.50"));
    assert_eq!(s.input, ScoreInput::Direct { value: dec("2.5") });
    assert_eq!(s.scorer, ACTOR);
    assert_eq!(s.at, clock().now().0, "the scorer's time comes from the backend clock");
    assert!(header(&app, &cx).contains("总分 9.50 / 100.00"), "{}", header(&app, &cx));
    assert!(header(&app, &cx).contains("进度 3/17"));
    assert_eq!(toast(&app), Some(("已保存".into(), false)));
}

#[test]
fn deduction_with_two_rows_saves_points_minus_deductions() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "1");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "未经集体决策即立项");
    ctrl(&mut app, &cx, 'n');
    keys(&mut app, &cx, "0.5");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "缺少可行性研究报告");
    assert!(screen(&app, &cx, 120, 40).contains("计算得分：1.50"));
    ctrl(&mut app, &cx, 's');
    let s = score_of(&env, "立项程序规范性").expect("scored");
    assert_eq!(s.value, dec("1.50"));
    let ScoreInput::Deduction { deductions } = &s.input else { panic!("{:?}", s.input) };
    let got: Vec<(Decimal, &str)> = deductions.iter().map(|d| (d.points, d.reason.as_str())).collect();
    assert_eq!(got, vec![(dec("1"), "未经集体决策即立项"), (dec("0.5"), "缺少可行性研究报告")]);
    assert!(header(&app, &cx).contains("总分 8.50 / 100.00"), "{}", header(&app, &cx));
}

#[test]
fn formula_shows_and_saves_the_computed_score() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "100");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "85");
    assert!(screen(&app, &cx, 80, 24).contains("计算得分：3.40"));
    ctrl(&mut app, &cx, 's');
    let s = score_of(&env, "预算执行率").expect("scored");
    assert_eq!(s.value, dec("3.40"));
    assert_eq!(s.input, ScoreInput::Formula { target: dec("100"), actual: dec("85"), direction: Direction::Positive });
    assert!(header(&app, &cx).contains("总分 10.40 / 100.00"), "{}", header(&app, &cx));
}

#[test]
fn formula_negative_direction() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "80");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "100");
    press(&mut app, &cx, KeyCode::Tab);
    press(&mut app, &cx, KeyCode::Right); // positive → negative
    assert!(screen(&app, &cx, 120, 40).contains("反向（越低越好）"));
    ctrl(&mut app, &cx, 's');
    let s = score_of(&env, "预算执行率").expect("scored");
    assert_eq!(s.value, dec("3.20"), "4 × 80 ÷ 100");
    assert!(matches!(s.input, ScoreInput::Formula { direction: Direction::Negative, .. }));
}

#[test]
fn qualitative_shows_the_band_range_and_saves_in_band() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "实施效益");
    keys(&mut app, &cx, "e");
    assert!(screen(&app, &cx, 120, 40).contains("达成 [16.00, 20.00]"));
    press(&mut app, &cx, KeyCode::Right); // 达成 → 部分达成
    assert!(screen(&app, &cx, 120, 40).contains("部分达成 [10.00, 16.00)"));
    press(&mut app, &cx, KeyCode::Left); // back to 达成
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "17");
    ctrl(&mut app, &cx, 's');
    let s = score_of(&env, "实施效益").expect("scored");
    assert_eq!(s.value, dec("17.00"));
    assert_eq!(s.input, ScoreInput::Qualitative { band: QualBand::Met, value: dec("17") });
    assert!(header(&app, &cx).contains("总分 24.00 / 100.00"), "{}", header(&app, &cx));
}

#[test]
fn qualitative_value_outside_the_band_is_refused() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "实施效益");
    let before = env.audit_len();
    keys(&mut app, &cx, "e");
    press(&mut app, &cx, KeyCode::Right); // 部分达成 [10, 16)
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "17");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form", "the editor stays open");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("[10.00, 16.00)"), "{shown}");
    assert_eq!(env.audit_len(), before);
    assert!(score_of(&env, "实施效益").is_none());
}

// ─── bad input ──────────────────────────────────────────────────────────────────

#[test]
fn direct_score_above_the_points_is_refused_and_nothing_is_written() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    let (before, tree) = (env.audit_len(), env.tree(CODE));
    keys(&mut app, &cx, "e");
    press(&mut app, &cx, KeyCode::BackTab);
    press(&mut app, &cx, KeyCode::Left);
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "5");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form", "the editor stays open");
    assert_eq!(app.stack.len(), 3, "no error popup: the refusal is in the editor");
    for (w, h) in [(120, 40), (80, 24)] {
        let shown = screen(&app, &cx, w, h);
        assert!(shown.contains("应在 0 到 3 分之间"), "{w}×{h}: the allowed range is shown\n{shown}");
        assert!(shown.contains("✗"), "{shown}");
    }
    assert_eq!(env.audit_len(), before, "nothing reaches the audit log");
    assert_eq!(env.tree(CODE), tree, "the store is unchanged");
    // Fixing the value saves.
    press(&mut app, &cx, KeyCode::Backspace);
    keys(&mut app, &cx, "3");
    ctrl(&mut app, &cx, 's');
    assert_eq!(score_of(&env, "立项程序规范性").map(|s| s.value), Some(dec("3")));
}

#[test]
fn letters_in_a_number_are_refused_naming_the_input() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "预算执行率");
    let before = env.audit_len();
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "9x");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "85");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("目标值：“9x”不是数"), "the field and the input are named\n{shown}");
    assert_eq!(env.audit_len(), before);
    assert!(score_of(&env, "预算执行率").is_none());
}

#[test]
fn letters_in_a_direct_score_are_refused() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    let before = env.audit_len();
    keys(&mut app, &cx, "e");
    press(&mut app, &cx, KeyCode::BackTab);
    press(&mut app, &cx, KeyCode::Left);
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2分");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("得分：“2分”不是数"));
    assert_eq!(env.audit_len(), before);
}

#[test]
fn a_deduction_without_a_reason_is_refused() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    let before = env.audit_len();
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "1");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("每项扣分都要写扣分理由"), "{shown}");
    assert_eq!(env.audit_len(), before);
    assert!(score_of(&env, "立项程序规范性").is_none());
}

#[test]
fn a_zero_deduction_is_refused() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    let before = env.audit_len();
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "0");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "无");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("扣分 0 应大于"));
    assert_eq!(env.audit_len(), before);
}

#[test]
fn scoring_a_parent_is_refused_with_a_toast() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "项目立项");
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "scoring");
    assert_eq!(toast(&app), Some(("只能给末级指标打分".into(), true)));
}

// ─── the basis editor and drafts ────────────────────────────────────────────────

/// Scores 预算执行率 (so it has an empty basis) and leaves the cursor on it.
fn scored_without_basis(env: &Env, app: &mut App, cx: &Cx) {
    at_leaf(env, app, cx, "预算执行率");
    keys(app, cx, "e");
    keys(app, cx, "100");
    press(app, cx, KeyCode::Tab);
    keys(app, cx, "85");
    ctrl(app, cx, 's');
    assert_eq!(score_of(env, "预算执行率").map(|s| s.basis), Some(String::new()));
}

#[test]
fn basis_typed_over_two_lines_is_saved() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    scored_without_basis(&env, &mut app, &cx);
    keys(&mut app, &cx, "b");
    assert_eq!(top_context(&app), "editor");
    keys(&mut app, &cx, "到位资金100万元，支出85万元。\n预算执行率85%，按公式得3.40分。");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    let s = score_of(&env, "预算执行率").unwrap();
    assert_eq!(s.basis, "到位资金100万元，支出85万元。\n预算执行率85%，按公式得3.40分。");
    assert_eq!(s.value, dec("3.40"), "the score is kept");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("预算执行率85%，按公式得3.40分。"), "the detail pane shows the basis\n{shown}");
}

#[test]
fn pasted_basis_keeps_its_lines() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    scored_without_basis(&env, &mut app, &cx);
    keys(&mut app, &cx, "b");
    app.on_paste("第一段：账面支出85万元。\r\n第二段：与银行对账单一致。", &cx);
    ctrl(&mut app, &cx, 's');
    assert_eq!(score_of(&env, "预算执行率").unwrap().basis, "第一段：账面支出85万元。\n第二段：与银行对账单一致。");
}

#[test]
fn esc_asks_before_discarding_and_n_goes_back_to_the_text() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    let (before, basis) = (env.audit_len(), score_of(&env, "立项依据充分性").unwrap().basis);
    keys(&mut app, &cx, "b");
    keys(&mut app, &cx, "补充：");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "confirm");
    assert!(screen(&app, &cx, 120, 40).contains("放弃未保存的修改？"));
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "editor", "n returns to the editor");
    assert!(screen(&app, &cx, 120, 40).contains("补充："), "the typed text is intact");
    assert!(screen(&app, &cx, 120, 40).contains("依据《全国人口普查条例》"), "with the saved text");
    esc(&mut app, &cx);
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "scoring", "y closes the editor too");
    assert_eq!(env.audit_len(), before);
    assert_eq!(score_of(&env, "立项依据充分性").unwrap().basis, basis);
}

#[test]
fn esc_without_changes_closes_at_once() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    keys(&mut app, &cx, "b");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "scoring");
}

#[test]
fn a_draft_survives_the_app_and_is_offered_on_reopening() {
    let env = Env::new();
    let cx = env.cx();
    let key = format!("basis-{CODE}-{}", env.node_id(CODE, "立项依据充分性"));
    let saved = score_of(&env, "立项依据充分性").unwrap().basis;
    {
        let mut app = new_app(&cx);
        at_leaf(&env, &mut app, &cx, "立项依据充分性");
        keys(&mut app, &cx, "b");
        keys(&mut app, &cx, "草稿：");
        app.save_drafts(&cx);
    } // the connection drops: the app is gone without saving
    assert_eq!(env.drafts.load(&key), Some(format!("{saved}草稿：")));
    let before = env.audit_len();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    keys(&mut app, &cx, "b");
    assert_eq!(top_context(&app), "confirm", "the draft is offered first");
    assert!(screen(&app, &cx, 120, 40).contains("发现未保存的草稿"));
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "editor");
    assert!(screen(&app, &cx, 120, 40).contains("属统计部门职责。草稿："));
    assert_eq!(env.audit_len(), before, "restoring a draft writes nothing");
    ctrl(&mut app, &cx, 's');
    assert_eq!(score_of(&env, "立项依据充分性").unwrap().basis, format!("{saved}草稿："));
}

#[test]
fn discarding_a_draft_with_d_uses_the_saved_text_and_drops_the_draft() {
    let env = Env::new();
    let cx = env.cx();
    let key = format!("basis-{CODE}-{}", env.node_id(CODE, "立项依据充分性"));
    env.drafts.save(&key, "旧草稿");
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    keys(&mut app, &cx, "b");
    keys(&mut app, &cx, "D");
    assert_eq!(top_context(&app), "editor");
    assert!(!screen(&app, &cx, 120, 40).contains("旧草稿"));
    assert_eq!(env.drafts.load(&key), None);
}

/// BUG: a draft stays on disk after its text was saved. Opening the editor later, after
/// someone else changed the basis, offers the old (already saved) text as an unsaved draft.
#[test]
fn saving_the_basis_removes_its_draft() {
    let env = Env::new();
    let cx = env.cx();
    let key = format!("basis-{CODE}-{}", env.node_id(CODE, "立项依据充分性"));
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    keys(&mut app, &cx, "b");
    keys(&mut app, &cx, "补充：");
    app.save_drafts(&cx); // an idle pause while typing
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    app.save_drafts(&cx);
    assert_eq!(env.drafts.load(&key), None, "the draft of a saved text should be gone");
}

/// BUG: `b` (and `a`) on an unscored leaf answers “尚无评分依据：按 b 填写” – press b, which the
/// user just did. It should say to score the leaf first (e).
#[test]
fn basis_on_an_unscored_leaf_says_what_to_do() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "b");
    assert_eq!(top_context(&app), "scoring");
    let (text, error) = toast(&app).expect("a toast");
    assert!(error);
    assert!(!text.contains("按 b"), "pressing b again cannot help: {text}");
}

// ─── evidence ───────────────────────────────────────────────────────────────────

#[test]
fn evidence_by_document_name_is_added() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    keys(&mut app, &cx, "a");
    keys(&mut app, &cx, "第七次人口普查经费预算批复");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    let ev = score_of(&env, "立项依据充分性").unwrap().evidence;
    assert_eq!(ev.last(), Some(&Evidence::doc("第七次人口普查经费预算批复")));
    assert_eq!(ev.len(), 3);
}

#[test]
fn evidence_path_that_does_not_exist_is_refused() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    let before = env.audit_len();
    keys(&mut app, &cx, "a");
    keys(&mut app, &cx, "/no/such/预算批复.pdf");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("不存在"));
    assert_eq!(env.audit_len(), before);
}

/// BUG: a file's `added_at` is read from the wall clock (`chrono::Utc::now()` in
/// scoring.rs `evidence_form`), not from the backend's clock like every other time.
#[test]
fn evidence_file_time_comes_from_the_backend_clock() {
    let env = Env::new();
    let cx = env.cx();
    let file = env.dir.path().join("批复.txt");
    std::fs::write(&file, "财政局关于人口普查经费的批复").unwrap();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    keys(&mut app, &cx, "a");
    keys(&mut app, &cx, &file.display().to_string());
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    let ev = score_of(&env, "立项依据充分性").unwrap().evidence;
    let Some(Evidence::File { name, added_at, .. }) = ev.last() else { panic!("{ev:?}") };
    assert_eq!(name, "批复.txt");
    assert_eq!(*added_at, clock().now().0);
}

// ─── review ─────────────────────────────────────────────────────────────────────

/// Runs a command on the env's store as another team member.
fn as_user(env: &Env, actor: &str, v: serde_json::Value) {
    let mut ctx = env.local.ctx();
    ctx.actor = actor.to_string();
    env.local.store().execute(&command(v.clone()), &ctx).unwrap_or_else(|e| panic!("{actor}: {v}: {e}"));
}

fn row_text(app: &App, cx: &Cx, leaf: &str) -> String {
    // The tree's row (the detail's path line also names the leaf).
    screen(app, cx, 120, 40).lines().find(|l| l.trim_start().starts_with(leaf)).unwrap_or_default().to_string()
}

#[test]
fn 负责人不能复核自己的评分_成员一审后负责人二审_改分前要取消复核() {
    let env = Env::new();
    let cx = env.cx();
    // wangfang scores 资金到位率 again, lisi (added to the team) gives the first review.
    as_user(&env, ACTOR, serde_json::json!({"cmd":"set_team","project":CODE,"lead":ACTOR,"members":["wangfang","lisi"]}));
    as_user(
        &env,
        "wangfang",
        serde_json::json!({"cmd":"score","project":CODE,"indicator":"资金到位率","input":{"direct":{"value":"4"}},"basis":"到位 80%"}),
    );
    as_user(&env, "lisi", serde_json::json!({"cmd":"review_score","project":CODE,"indicator":"资金到位率"}));
    let mut app = new_app(&cx);
    // zhangsan scored 立项依据充分性: reviewing it himself is refused, naming the rule.
    at_leaf(&env, &mut app, &cx, "立项依据充分性");
    let before = env.audit_len();
    keys(&mut app, &cx, "r");
    assert_eq!(top_context(&app), "popup", "an error popup");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("保存失败") && shown.contains("评分人不能复核自己") && shown.contains("请项目组其他成员复核"), "{shown}");
    assert_eq!(env.audit_len(), before);
    esc(&mut app, &cx);
    goto_row(&mut app, &cx, env.row_of(CODE, "资金到位率"));
    assert!(row_text(&app, &cx, "资金到位率").contains("一审"), "{}", row_text(&app, &cx, "资金到位率"));
    keys(&mut app, &cx, "r");
    assert_eq!(toast(&app), Some(("二级复核“资金到位率”".into(), false)));
    let r = score_of(&env, "资金到位率").unwrap().reviewed.expect("second-reviewed in the store");
    assert_eq!(r.by, ACTOR);
    assert!(row_text(&app, &cx, "资金到位率").contains("二审"));
    assert!(header(&app, &cx).contains("已二审 1/"), "{}", header(&app, &cx));

    // A second-reviewed score does not open for editing: the toast says to un-review first.
    let (before, tree) = (env.audit_len(), env.tree(CODE));
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "scoring", "no editor on a reviewed score");
    assert!(toast(&app).is_some_and(|(t, error)| error && t.contains("已复核") && t.contains("R")), "{:?}", toast(&app));
    app.pause(&cx); // the user reads the refusal before the next key
    keys(&mut app, &cx, "b");
    assert_eq!(top_context(&app), "scoring", "nor the basis editor");
    assert_eq!(env.audit_len(), before);
    assert_eq!(env.tree(CODE), tree);
    app.pause(&cx);

    // Un-review with a reason.
    keys(&mut app, &cx, "R");
    assert_eq!(top_context(&app), "form");
    ctrl(&mut app, &cx, 's'); // no reason
    assert_eq!(top_context(&app), "form", "a reason is required");
    assert!(score_of(&env, "资金到位率").unwrap().reviewed.is_some());
    keys(&mut app, &cx, "到位凭证需补充");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    assert!(score_of(&env, "资金到位率").unwrap().reviewed.is_none());
    assert!(row_text(&app, &cx, "资金到位率").contains("未复核"));
}

#[test]
fn 成员一审_再按复核是二审_成员不能做() {
    let env = Env::acting_as("wangfang"); // a member of ZD21-06; zhangsan is the lead and scored
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "资金到位率");
    keys(&mut app, &cx, "r");
    assert_eq!(toast(&app), Some(("一级复核“资金到位率”".into(), false)));
    assert!(score_of(&env, "资金到位率").unwrap().reviewed.is_none(), "the first level is not the score's mark");
    assert!(row_text(&app, &cx, "资金到位率").contains("一审"));
    let before = env.audit_len();
    keys(&mut app, &cx, "r");
    assert_eq!(top_context(&app), "popup", "an error popup");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("保存失败") && shown.contains("负责人"), "{shown}");
    assert_eq!(env.audit_len(), before);
    esc(&mut app, &cx);
}

#[test]
fn 退回写意见_表头计数_评分人看到并答复() {
    let env = Env::acting_as("wangfang");
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "资金到位率");
    keys(&mut app, &cx, "t");
    assert_eq!(top_context(&app), "form");
    ctrl(&mut app, &cx, 's'); // a note is required
    assert_eq!(top_context(&app), "form");
    keys(&mut app, &cx, "缺少拨款凭证");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    assert!(row_text(&app, &cx, "资金到位率").contains("退回"));
    assert!(header(&app, &cx).contains("退回 1"), "{}", header(&app, &cx));

    // The scorer (zhangsan) sees the note in the leaf's detail and answers it.
    let lead = Env {
        dir: env.dir,
        local: env.local.shared(ACTOR),
        keymap: env.keymap,
        drafts: env.drafts,
        lang: env.lang,
        ambiguous: env.ambiguous,
    };
    let cx = lead.cx();
    let mut app = new_app(&cx);
    at_leaf(&lead, &mut app, &cx, "资金到位率");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("复核记录") && shown.contains("wangfang 一级复核退回："), "{shown}");
    keys(&mut app, &cx, "w");
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("退回意见"), "the form shows the note");
    keys(&mut app, &cx, "已补充拨款凭证");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    assert!(row_text(&app, &cx, "资金到位率").contains("未复核"));
    assert!(screen(&app, &cx, 120, 40).contains("zhangsan 答复："));
    // Nothing to answer now.
    keys(&mut app, &cx, "w");
    assert!(toast(&app).is_some_and(|(t, error)| error && t.contains("没有待答复的退回")), "{:?}", toast(&app));
}

#[test]
fn 历史里回车恢复较早的版本_先确认() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    as_user(
        &env,
        ACTOR,
        serde_json::json!({"cmd":"score","project":CODE,"indicator":"资金到位率","input":{"direct":{"value":"1"}},"basis":"误录"}),
    );
    let first = score_of(&env, "资金到位率").unwrap();
    at_leaf(&env, &mut app, &cx, "资金到位率");
    keys(&mut app, &cx, "h");
    assert_eq!(top_context(&app), "popup");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("[1]") && shown.contains("[2]") && shown.contains("Enter 恢复所选版本"), "{shown}");
    enter(&mut app, &cx); // the first line: version 1
    assert_eq!(top_context(&app), "confirm");
    assert!(screen(&app, &cx, 120, 40).contains("第 1 版"));
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "scoring");
    assert_eq!(toast(&app), Some(("已恢复“资金到位率”第 1 版".into(), false)));
    let _ = first;
    let back = score_of(&env, "资金到位率").unwrap();
    let v1 =
        jixiao::read::audit::paper_versions(&env.local.store().indicator_history(env.pid(CODE), env.node_id(CODE, "资金到位率")).unwrap());
    assert_eq!(v1.len(), 3, "the restore is a version of its own");
    assert_eq!(back.basis, v1[0].basis);
    assert_eq!(back.input, v1[0].input);
}

#[test]
fn adding_an_indicator_unbalances_the_weights_and_removing_it_balances_them() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "项目立项"); // the parent of two leaves
    assert!(!header(&app, &cx).contains("分值不平"));
    keys(&mut app, &cx, "i");
    keys(&mut app, &cx, "立项资料完整性");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring");
    let tree = env.tree(CODE);
    let parent = env.node_id(CODE, "项目立项");
    let added = tree.nodes.iter().find(|n| n.name == "立项资料完整性").expect("added");
    assert_eq!((added.parent, added.points), (Some(parent), dec("2")));
    let h = header(&app, &cx);
    assert!(h.contains("分值不平：末级合计 102.00，应为 100.00"), "{h}");
    assert!(h.contains("进度 2/18"), "{h}");

    goto_row(&mut app, &cx, env.row_of(CODE, "立项资料完整性"));
    keys(&mut app, &cx, "D");
    assert_eq!(top_context(&app), "confirm");
    keys(&mut app, &cx, "y");
    assert!(env.tree(CODE).nodes.iter().all(|n| n.name != "立项资料完整性"));
    assert!(!header(&app, &cx).contains("分值不平"), "{}", header(&app, &cx));
}

#[test]
fn points_and_rename_forms_change_the_indicator() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    keys(&mut app, &cx, "P");
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "2.5");
    ctrl(&mut app, &cx, 's');
    assert_eq!(env.tree(CODE).nodes.iter().find(|n| n.name == "立项程序规范性").map(|n| n.points), Some(dec("2.5")));
    assert!(header(&app, &cx).contains("分值不平"));
    keys(&mut app, &cx, "c");
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "立项程序合规性");
    ctrl(&mut app, &cx, 's');
    assert!(env.tree(CODE).nodes.iter().any(|n| n.name == "立项程序合规性"));
}

#[test]
fn clear_score_asks_then_clears() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "资金到位率");
    keys(&mut app, &cx, "x");
    keys(&mut app, &cx, "n");
    assert!(score_of(&env, "资金到位率").is_some());
    keys(&mut app, &cx, "x");
    keys(&mut app, &cx, "y");
    assert!(score_of(&env, "资金到位率").is_none());
    assert!(header(&app, &cx).contains("总分 3.00 / 100.00"), "{}", header(&app, &cx));
}

#[test]
fn history_lists_each_change_with_the_fixed_time() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "资金到位率");
    keys(&mut app, &cx, "e");
    press(&mut app, &cx, KeyCode::Tab);
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "90");
    ctrl(&mut app, &cx, 's');
    keys(&mut app, &cx, "h");
    assert_eq!(top_context(&app), "popup");
    let shown = screen(&app, &cx, 120, 40);
    assert_eq!(shown.matches("2026-11-22 09:00 zhangsan").count(), 2, "{shown}");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "scoring");
}

// ─── project forms and archive ──────────────────────────────────────────────────

#[test]
fn new_project_from_the_form() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "ZD26-01");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2026年城乡居民医保补助资金");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "医疗保障局");
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "1,234.5");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "project_list");
    let p = env.local.store().project_by_code("ZD26-01").expect("created");
    assert_eq!(p.name, "2026年城乡居民医保补助资金");
    assert_eq!(p.unit, "医疗保障局");
    assert_eq!(p.amount, dec("1234.50"));
    assert_eq!(jixiao::domain::money::fmt2(p.amount), "1234.50");
    assert_eq!(p.fiscal_year, 2025, "last year by default");
    assert_eq!(p.team.lead, ACTOR);
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("共 21 个项目"), "{shown}");
    assert!(shown.contains("ZD26-01"));
}

#[test]
fn a_bad_amount_keeps_the_form_and_creates_nothing() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    let (before, projects) = (env.audit_len(), env.local.store().projects().unwrap().len());
    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "ZD26-01");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2026年城乡居民医保补助资金");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "医疗保障局");
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "12.345");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines.iter().position(|l| l.contains("金额（万元）")).expect("the amount field");
    assert!(lines[at + 1].contains("✗") && lines[at + 1].contains("12.345"), "the error is under the amount field\n{shown}");
    assert_eq!(env.audit_len(), before);
    assert_eq!(env.local.store().projects().unwrap().len(), projects);
    assert!(env.local.store().project_by_code("ZD26-01").is_err());
}

#[test]
fn an_empty_name_is_refused_under_the_name() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "ZD26-01");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines.iter().position(|l| l.contains("│项目名称")).expect("the name field");
    assert!(lines[at + 1].contains("不能为空"), "{shown}");
}

#[test]
fn a_duplicate_code_shows_an_error_popup_and_keeps_the_form() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, CODE);
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "重复");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "统计局");
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "1");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "popup");
    assert!(screen(&app, &cx, 120, 40).contains("已存在"));
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "form");
}

#[test]
fn edit_form_saves_the_project() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "/人口普查\n");
    keys(&mut app, &cx, "e");
    press(&mut app, &cx, KeyCode::Tab); // unit
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "市统计局");
    ctrl(&mut app, &cx, 's');
    assert_eq!(env.local.store().project_by_code(CODE).unwrap().unit, "市统计局");
}

#[test]
fn a_form_opened_from_the_list_starts_from_the_record_as_stored_now() {
    // The list holds rows only; wangfang's change after it was drawn (not refreshed yet) is
    // in the form, and saving over it is no conflict.
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "/人口普查\n");
    let cmd = command(serde_json::json!({"cmd": "update_project", "project": CODE, "unit": "统计局普查中心"}));
    let mut ctx = env.local.ctx();
    ctx.actor = "wangfang".into();
    env.local.store().execute(&cmd, &ctx).unwrap();
    keys(&mut app, &cx, "e");
    assert!(screen(&app, &cx, 120, 40).contains("统计局普查中心"), "the form shows wangfang's unit");
    keys(&mut app, &cx, "（复核）");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "project_list", "saved, no conflict popup");
    let p = env.local.store().project_by_code(CODE).unwrap();
    assert_eq!((p.name.as_str(), p.unit.as_str()), ("2020年度人口普查工作经费（复核）", "统计局普查中心"));
}

#[test]
fn archive_makes_the_project_read_only() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "/人口普查\n");
    keys(&mut app, &cx, "A");
    assert_eq!(top_context(&app), "confirm");
    keys(&mut app, &cx, "y");
    assert_eq!(env.local.store().project_by_code(CODE).unwrap().phase, Phase::Archived);
    let before = env.audit_len();
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "project_list", "no form opens");
    assert_eq!(toast(&app), Some(("项目已归档，只读（按 O 重新打开）".into(), true)));
    app.pause(&cx); // read before the next key
    // The scoring tab is read-only too.
    enter(&mut app, &cx);
    keys(&mut app, &cx, "2");
    goto_row(&mut app, &cx, env.row_of(CODE, "资金到位率"));
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "scoring");
    assert_eq!(toast(&app).map(|t| t.1), Some(true));
    assert_eq!(env.audit_len(), before);
    // Reopen with a reason.
    app.pause(&cx);
    esc(&mut app, &cx);
    keys(&mut app, &cx, "O");
    keys(&mut app, &cx, "需补充评分");
    ctrl(&mut app, &cx, 's');
    assert_ne!(env.local.store().project_by_code(CODE).unwrap().phase, Phase::Archived);
}

/// Opens the edit form on ZD21-06; wangfang (a member) changes its phase meanwhile; the
/// name is typed on, not yet saved.
fn edit_overtaken_by_wangfang(env: &Env, app: &mut jixiao::tui::app::App, cx: &jixiao::tui::app::Cx) {
    keys(app, cx, "/人口普查\n");
    keys(app, cx, "e");
    let cmd =
        jixiao::command::Command::SetPhase { project: CODE.into(), expected_version: None, phase: Phase::Report, override_reason: None };
    let mut ctx = env.local.ctx();
    ctx.actor = "wangfang".into();
    env.local.store().execute(&cmd, &ctx).unwrap();
    keys(app, cx, "（改）");
}

#[test]
fn a_stale_edit_is_refused_with_a_popup_and_the_form_kept() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    edit_overtaken_by_wangfang(&env, &mut app, &cx);
    let before = env.audit_len();
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "conflict");
    assert!(screen(&app, &cx, 120, 40).contains("已被 wangfang"));
    assert_eq!(env.audit_len(), before);
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("2020年度人口普查工作经费（改）"));
}

#[test]
fn r_on_a_conflict_drops_the_edit_and_shows_the_record_as_it_is_now() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    edit_overtaken_by_wangfang(&env, &mut app, &cx);
    ctrl(&mut app, &cx, 's');
    let s = screen(&app, &cx, 120, 40);
    assert!(s.contains("已被 wangfang") && s.contains("r 重新载入"), "{s}");
    let before = env.audit_len();
    keys(&mut app, &cx, "r");
    assert_eq!(top_context(&app), "project_list");
    assert_eq!(env.audit_len(), before, "nothing was overwritten");
    let s = screen(&app, &cx, 120, 40);
    assert!(s.contains("报告") && !s.contains("（改）"), "the list shows wangfang's phase, not the dropped edit:\n{s}");
}

/// In the project view `e` edits the project and `t` the team.
#[test]
fn e_in_the_project_view_edits_the_project() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("编辑项目 ZD21-06"), "{shown}");
    esc(&mut app, &cx);
    keys(&mut app, &cx, "t");
    assert!(screen(&app, &cx, 120, 40).contains("项目组：ZD21-06"));
}

// ─── keymaps ────────────────────────────────────────────────────────────────────

#[test]
fn a_bad_keymap_file_reports_file_and_line_and_the_defaults_work() {
    let (keymap, errors) = Keymap::load(Some(("keymap.toml", "[project_list]\nx = \"no_such_action\"\n")));
    assert!(!errors.is_empty());
    assert!(errors[0].to_string().starts_with("keymap.toml:2:"), "{}", errors[0]);
    assert!(errors[0].to_string().contains("no_such_action"));
    assert_eq!(keymap, Keymap::builtin(), "nothing of the bad file is applied");
    let env = Env::new().with_keymap(keymap);
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "x"); // the bad key does nothing
    assert_eq!(top_context(&app), "project_list");
    keys(&mut app, &cx, "j"); // the default still moves
    enter(&mut app, &cx);
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.lines().next().unwrap().contains("ZD21-02"), "j moved to the second row\n{shown}");
}

#[test]
fn a_keymap_syntax_error_names_its_line() {
    let (keymap, errors) = Keymap::load(Some(("keymap.toml", "[global]\nq = \"back\"\nk = \n")));
    assert_eq!(keymap, Keymap::builtin());
    assert!(errors[0].to_string().starts_with("keymap.toml:3:"), "{}", errors[0]);
}

#[test]
fn vim_keymap_g_g_returns_to_the_first_row() {
    let (keymap, errors) = Keymap::load(Some(("vim.toml", include_str!("../keymaps/vim.toml"))));
    assert!(errors.is_empty(), "{errors:?}");
    let env = Env::new().with_keymap(keymap);
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "G");
    keys(&mut app, &cx, "g");
    assert_eq!(app.pending.len(), 1, "g waits for the next key");
    let status = screen(&app, &cx, 120, 40).lines().last().unwrap().to_string();
    assert!(status.contains("g ..."), "the pending key is shown: {status}");
    keys(&mut app, &cx, "g");
    assert!(app.pending.is_empty());
    enter(&mut app, &cx);
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.lines().next().unwrap().contains("ZD21-01"), "{shown}");
}

#[test]
fn vim_keymap_g_then_another_key_is_not_top() {
    let (keymap, _) = Keymap::load(Some(("vim.toml", include_str!("../keymaps/vim.toml"))));
    let env = Env::new().with_keymap(keymap);
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "G");
    keys(&mut app, &cx, "gj"); // not a sequence: dropped, nothing moves to the top
    assert!(app.pending.is_empty());
    enter(&mut app, &cx);
    assert!(screen(&app, &cx, 120, 40).lines().next().unwrap().contains("ZD21-20"));
}

#[test]
fn g_alone_goes_to_the_top_with_the_default_keymap() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "G");
    keys(&mut app, &cx, "g");
    enter(&mut app, &cx);
    assert!(screen(&app, &cx, 120, 40).lines().next().unwrap().contains("ZD21-01"));
}

#[test]
fn quit_keys() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "/人口"); // typing q in the filter is text, not quit
    keys(&mut app, &cx, "q");
    assert!(!app.quit);
    esc(&mut app, &cx);
    keys(&mut app, &cx, "q");
    assert!(app.quit);
}

// ─── what the screen shows (defects found reading the snapshots) ────────────────

/// Cells of row `y` from `x0` to `x1` (exclusive), as the terminal would show them.
fn row_cells(backend: &ratatui::backend::TestBackend, y: u16) -> Vec<String> {
    let buf = backend.buffer();
    (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect()
}

/// BUG (ratatui 0.30 word wrap, issue ratatui/ratatui#2679): a wrapped line of Chinese text
/// that is one cell too wide is drawn over the popup's right border. The score editor's error
/// line for “9x” does this at both sizes.
#[test]
fn score_editor_error_stays_inside_its_border() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "9x");
    ctrl(&mut app, &cx, 's');
    for (w, h) in [(120, 40), (80, 24)] {
        let backend = render(&app, &cx, w, h);
        let buf = backend.buffer().clone();
        // The editor's top-right corner gives its right border column.
        let (right, top) =
            (0..h).find_map(|y| (0..w).rev().find(|x| buf[(*x, y)].symbol() == "╮").map(|x| (x, y))).expect("the editor's border");
        let bottom = (top..h).find(|y| buf[(right, *y)].symbol() == "╯").expect("the bottom corner");
        for y in top + 1..bottom {
            let cells = row_cells(&backend, y);
            assert_eq!(cells[right as usize], "│", "{w}×{h}: row {y} covers the border: {}", cells.concat());
        }
    }
}

/// BUG: the terminal cursor (where an input method composes) is one row too low in the
/// deduction editor for every field after the first: score_editor.rs `render` adds 1 to the
/// row for the blank line other methods have at the top, but deduction editors have none
/// (they have the “扣分项” header line instead, counted already).
#[test]
fn cursor_sits_on_the_focused_field_in_the_deduction_editor() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "1");
    press(&mut app, &cx, KeyCode::Tab); // to 扣分理由 1
    keys(&mut app, &cx, "理由");
    let mut backend = render(&app, &cx, 120, 40);
    let cursor = backend.get_cursor_position().unwrap();
    let shown = screen(&app, &cx, 120, 40);
    let row = shown.lines().position(|l| l.contains("扣分理由 1")).unwrap() as u16;
    assert_eq!(cursor.y, row, "the cursor should be on the 扣分理由 1 line\n{shown}");
}

#[test]
fn cursor_sits_on_the_focused_field_in_the_direct_editor_and_forms() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "e");
    press(&mut app, &cx, KeyCode::Tab); // 实际值
    let mut backend = render(&app, &cx, 120, 40);
    let row = screen(&app, &cx, 120, 40).lines().position(|l| l.contains("实际值")).unwrap() as u16;
    assert_eq!(backend.get_cursor_position().unwrap().y, row);
    esc(&mut app, &cx);
    esc(&mut app, &cx);
    esc(&mut app, &cx);
    keys(&mut app, &cx, "n");
    press(&mut app, &cx, KeyCode::Tab);
    let mut backend = render(&app, &cx, 80, 24);
    let row = screen(&app, &cx, 80, 24).lines().position(|l| l.contains("│项目名称")).unwrap() as u16;
    assert_eq!(backend.get_cursor_position().unwrap().y, row);
}

/// At 80 columns the open items and the next deadline stay whole (kind and year give way);
/// the deadline reads in Chinese (逾期 30 天, not 10-23 -30d).
#[test]
fn list_at_80_columns_shows_open_items_and_the_next_deadline() {
    let env = Env::new();
    let cx = env.cx();
    let app = new_app(&cx);
    let shown = screen(&app, &cx, 80, 24);
    let row = shown.lines().find(|l| l.starts_with("ZD21-11")).unwrap();
    assert!(row.contains("4(3!)") && row.contains("逾期 30 天"), "{row}");
}

/// BUG: at 80×24 the detail pane under the tree is 7 rows; the guide fills it and the
/// score's basis and evidence of the selected leaf are never visible (no scrolling).
#[test]
fn scoring_detail_at_80x24_shows_the_basis() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "资金到位率");
    let shown = screen(&app, &cx, 80, 24);
    assert!(shown.contains("预算100万元全部到位。"), "{shown}");
}

/// BUG: popups.rs `paragraph_popup` puts the whole message in one `Line`, so the line
/// breaks of a multi-line message (the keymap errors, one per line) are lost.
#[test]
fn error_popup_keeps_line_breaks() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    app.stack.push(Box::new(ErrorPopup::new("按键文件有误，已使用默认按键：\nkeymap.toml:2: 第一处\nkeymap.toml:5: 第二处".into())));
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.lines().any(|l| l.trim_start_matches(|c| c != '│').trim_start_matches('│').starts_with("keymap.toml:5:")), "{shown}");
}

/// BUG: the form that adds (or renames) an indicator labels its name field “项目名称”
/// (Msg::FieldName, the project's name) instead of the indicator's name.
#[test]
fn add_indicator_form_names_the_indicator() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "项目立项");
    keys(&mut app, &cx, "i");
    let shown = screen(&app, &cx, 120, 40);
    assert!(!shown.contains("│项目名称"), "{shown}");
}

/// BUG: at 80 columns the weights warning in the scoring header is cut (“…应为” without
/// the total it should be): the two-line header is not wrapped.
#[test]
fn weights_warning_is_whole_at_80_columns() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at_leaf(&env, &mut app, &cx, "立项程序规范性");
    keys(&mut app, &cx, "P");
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "4");
    ctrl(&mut app, &cx, 's');
    let shown = screen(&app, &cx, 80, 24);
    assert!(shown.contains("应为 100.00"), "{shown}");
}
