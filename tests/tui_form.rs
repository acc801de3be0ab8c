//! The self-evaluation form on the scoring tab, driven by keys: the form-row editor (f),
//! printed targets in the score editor, the three-way direction, rows pasted from a
//! spreadsheet, and the 自评抽查 tree's 自评 | 复核 | 差 columns (snapshots at 120×40, 80×24).

mod tui_common;

use jixiao::backend::Fetch as _;
use jixiao::domain::ScoreInput;
use jixiao::domain::printed::Nature;
use jixiao::domain::tree::Direction;
use jixiao::i18n::Lang;
use jixiao::tui::app::{App, Cx};
use ratatui::crossterm::event::KeyCode;
use rust_decimal::Decimal;
use tui_common::*;

const CODE: &str = "CC21-01";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn exec(env: &Env, v: serde_json::Value) {
    let mut ctx = env.local.ctx();
    ctx.actor = ACTOR.to_string();
    env.local.store().execute(&command(v), &ctx).unwrap();
}

/// The demo store plus a 自评抽查 project with two leaves of its own under 数量指标.
fn env() -> Env {
    env_in(Lang::Zh)
}

fn env_in(lang: Lang) -> Env {
    let env = Env::new().with_lang(lang);
    exec(
        &env,
        serde_json::json!({"cmd":"create_project","code":CODE,"name":"城乡居民最低生活保障资金","kind":"自评抽查",
            "fiscal_year":2020,"unit":"民政局","amount":"5300"}),
    );
    for (name, points) in [("保障人数", "10"), ("农村低保对象覆盖率", "5")] {
        exec(&env, serde_json::json!({"cmd":"add_indicator","project":CODE,"parent":"数量指标","name":name,"points":points}));
    }
    env
}

fn at(env: &Env, app: &mut App, cx: &Cx, leaf: &str) {
    open_scoring(app, cx, "最低生活保障");
    goto_row(app, cx, env.row_of(CODE, leaf));
}

fn node(env: &Env, name: &str) -> jixiao::domain::tree::Node {
    env.tree(CODE).nodes.into_iter().find(|n| n.name == name).unwrap_or_else(|| panic!("no {name}"))
}

fn tab(app: &mut App, cx: &Cx) {
    press(app, cx, KeyCode::Tab);
}

/// Fills the form-row editor from its first field (指标性质) on.
fn fill_row(app: &mut App, cx: &Cx, self_score: &str) {
    press(app, cx, KeyCode::Right); // （空） → ≥
    tab(app, cx);
    keys(app, cx, "≥4754人");
    tab(app, cx);
    keys(app, cx, "4512人");
    tab(app, cx);
    keys(app, cx, "人");
    tab(app, cx);
    keys(app, cx, "部分对象迁出，按规定退出保障。\n已督促乡镇复核。");
    tab(app, cx); // from the deviation's last line to the next field
    keys(app, cx, self_score);
    tab(app, cx);
    keys(app, cx, "其中：农村低保｜≥3200人｜3050人\n其中：城市低保｜≥1554人｜1462人");
}

#[test]
fn 自评表行_从编辑框写入_从库中读回_详情显示未达标() {
    let env = env();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "保障人数");
    keys(&mut app, &cx, "f");
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 80, 24);
    assert!(shown.contains("年度指标值") && shown.contains("偏差原因分析及改进措施"), "{shown}");
    fill_row(&mut app, &cx, "9.5");
    assert!(screen(&app, &cx, 120, 40).contains("名称｜目标值｜实际值"), "the 其中 field says its format\n{}", screen(&app, &cx, 120, 40));
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring", "saved and closed");
    let form = env.local.form(CODE).unwrap();
    let row = form.row(node(&env, "保障人数").id).expect("the row is stored");
    assert_eq!(row.rev, 1);
    assert_eq!(row.input.nature, Some(Nature::Ge));
    assert_eq!((row.input.target.as_str(), row.input.actual.as_str(), row.input.unit.as_str()), ("≥4754人", "4512人", "人"));
    assert_eq!(row.input.deviation, "部分对象迁出，按规定退出保障。\n已督促乡镇复核。");
    assert_eq!(row.input.self_score, Some(dec("9.5")));
    assert_eq!(row.input.breakdown.len(), 2);
    assert_eq!(row.input.breakdown[1].name, "其中：城市低保");
    assert_eq!(row.input.breakdown[1].actual, "1462人");
    for (w, h) in [(120, 40), (80, 24)] {
        let shown = screen(&app, &cx, w, h);
        assert!(shown.contains("≥4754人 -> 4512人"), "{w}×{h}\n{shown}");
        assert!(shown.contains("未达标"), "{w}×{h}: the missed target is marked\n{shown}");
        assert!(shown.contains("自评") && shown.contains("复核") && shown.contains("差"), "{shown}");
    }
    assert!(screen(&app, &cx, 120, 40).contains("其中：农村低保 ≥3200人 -> 3050人"));
    // Reopened, the editor starts from the row and sends its rev.
    keys(&mut app, &cx, "f");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("其中：城市低保｜≥1554人｜1462人") && shown.contains("9.50"), "{shown}");
    tab(&mut app, &cx);
    tab(&mut app, &cx);
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "4760人");
    ctrl(&mut app, &cx, 's');
    let row = env.local.form(CODE).unwrap().row(node(&env, "保障人数").id).cloned().unwrap();
    assert_eq!((row.rev, row.input.actual.as_str()), (2, "4760人"));
}

#[test]
fn 自评得分超过分值_指明字段_输入的内容都在() {
    let env = env();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "保障人数");
    let before = env.audit_len();
    keys(&mut app, &cx, "f");
    fill_row(&mut app, &cx, "12");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form", "the editor stays open");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("自评得分 12.00 不在 0 到 10.00 分之间"), "{shown}");
    for typed in ["≥4754人", "4512人", "已督促乡镇复核。", "其中：城市低保｜≥1554人｜1462人"] {
        assert!(shown.contains(typed), "“{typed}” is kept\n{shown}");
    }
    assert_eq!(env.audit_len(), before, "nothing is sent");
    // Fixed, it saves.
    for _ in 0..2 {
        press(&mut app, &cx, KeyCode::Backspace);
    }
    keys(&mut app, &cx, "9");
    ctrl(&mut app, &cx, 's');
    let row = env.local.form(CODE).unwrap().row(node(&env, "保障人数").id).cloned().unwrap();
    assert_eq!(row.input.self_score, Some(dec("9")));
}

#[test]
fn 评分框_目标值按自评表写法_保存为_printed_9点07() {
    let env = env();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "及时");
    tab(&mut app, &cx);
    keys(&mut app, &cx, "86.19%");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("目标值“及时”没有可读的数"), "the parser's message\n{shown}");
    press(&mut app, &cx, KeyCode::BackTab);
    for _ in 0..2 {
        press(&mut app, &cx, KeyCode::Backspace);
    }
    keys(&mut app, &cx, "≥95%");
    assert!(screen(&app, &cx, 80, 24).contains("计算得分：9.07"), "{}", screen(&app, &cx, 80, 24));
    ctrl(&mut app, &cx, 's');
    let s = node(&env, "预算执行率").score.expect("scored");
    assert_eq!(s.value, dec("9.07"), "10 × 86.19 ÷ 95");
    assert_eq!(s.input, ScoreInput::Printed { nature: Some(Nature::Ge), target: "≥95%".into(), actual: "86.19%".into() });
}

#[test]
fn 评分框_空的目标值从自评表行带入() {
    let env = env();
    exec(&env, serde_json::json!({"cmd":"set_form_row","project":CODE,"indicator":"预算执行率","target":"≥95%","actual":"86.19%"}));
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "e");
    assert!(screen(&app, &cx, 120, 40).contains("计算得分：9.07"));
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "scoring", "a prefill is not an edit: Esc closes at once");
    keys(&mut app, &cx, "e");
    ctrl(&mut app, &cx, 's');
    let s = node(&env, "预算执行率").score.expect("scored");
    assert!(matches!(s.input, ScoreInput::Printed { .. }), "{:?}", s.input);
    assert_eq!(s.value, dec("9.07"));
}

#[test]
fn 等于方向_重新打开仍是等于_保存为_exact() {
    let env = env();
    exec(
        &env,
        serde_json::json!({"cmd":"score","project":CODE,"indicator":"预算执行率",
            "input":{"formula":{"target":"100","actual":"100","direction":"exact"}}}),
    );
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "预算执行率");
    keys(&mut app, &cx, "e");
    assert!(screen(&app, &cx, 120, 40).contains("等于（越接近目标越好）"), "{}", screen(&app, &cx, 120, 40));
    tab(&mut app, &cx);
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Backspace);
    }
    keys(&mut app, &cx, "98");
    ctrl(&mut app, &cx, 's');
    let s = node(&env, "预算执行率").score.expect("scored");
    assert_eq!(s.input, ScoreInput::Formula { target: dec("100"), actual: dec("98"), direction: Direction::Exact });
    assert_eq!(s.value, dec("9.80"), "10 × (1 − 2 ÷ 100)");
    // The direction cycles 正向 → 反向 → 等于.
    keys(&mut app, &cx, "e");
    tab(&mut app, &cx);
    tab(&mut app, &cx);
    press(&mut app, &cx, KeyCode::Right);
    assert!(screen(&app, &cx, 120, 40).contains("正向（越高越好）"));
    press(&mut app, &cx, KeyCode::Right);
    assert!(screen(&app, &cx, 120, 40).contains("反向（越低越好）"));
}

const PASTE: &str = "城乡低保救助人次\t3\t≥1200人次\t1302人次\r\n资金发放及时率\t2\t100%\t98%\r\n特困人员供养人数\t1.5\r\n";

#[test]
fn 粘贴三行_一次批量_三个指标及其自评表行() {
    let env = env();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "数量指标");
    let before = env.audit_len();
    app.on_paste(PASTE, &cx);
    assert_eq!(top_context(&app), "confirm");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("粘贴 3 行指标，添加在“产出/数量指标”下"), "{shown}");
    assert!(shown.contains("第1行 城乡低保救助人次　3.00 分　≥1200人次 -> 1302人次"), "{shown}");
    assert_eq!(env.audit_len(), before, "nothing is sent before Enter");
    enter(&mut app, &cx);
    assert_eq!(env.audit_len(), before + 1, "one audit record for the paste");
    let tree = env.tree(CODE);
    let parent = node(&env, "数量指标").id;
    for (name, points) in [("城乡低保救助人次", "3"), ("资金发放及时率", "2"), ("特困人员供养人数", "1.5")] {
        let n = tree.nodes.iter().find(|n| n.name == name).unwrap_or_else(|| panic!("{name} added"));
        assert_eq!((n.parent, n.points), (Some(parent), dec(points)), "{name}");
    }
    let form = env.local.form(CODE).unwrap();
    let row = form.row(node(&env, "资金发放及时率").id).expect("a form row");
    assert_eq!((row.input.target.as_str(), row.input.actual.as_str()), ("100%", "98%"));
    assert!(form.row(node(&env, "特困人员供养人数").id).is_none(), "no printed values, no row");
    let audit = env.local.store().audit_log().unwrap();
    let last = serde_json::to_string(audit.last().unwrap()).unwrap();
    assert!(last.contains("粘贴指标"), "{last}");
}

#[test]
fn 粘贴有坏行_逐行指出_什么都不发送() {
    let env = env();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "数量指标");
    let (before, tree) = (env.audit_len(), env.tree(CODE));
    app.on_paste("城乡低保救助人次\t3\n资金发放及时率\t2\n特困人员供养人数\t十\n保障人数\t1\n", &cx);
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("第3行 分值“十”不是数"), "{shown}");
    assert!(shown.contains("第4行“保障人数”已在“产出/数量指标”下"), "{shown}");
    enter(&mut app, &cx);
    esc(&mut app, &cx);
    assert_eq!(env.audit_len(), before, "nothing is sent");
    assert_eq!(env.tree(CODE), tree);
    // Esc on a good paste sends nothing either.
    app.on_paste(PASTE, &cx);
    esc(&mut app, &cx);
    assert_eq!(env.audit_len(), before);
}

// ─── snapshots ──────────────────────────────────────────────────────────────────

fn spot_check(env: &Env, app: &mut App, cx: &Cx) {
    exec(
        env,
        serde_json::json!({"cmd":"set_form_row","project":CODE,"indicator":"保障人数","nature":"≥","target":"≥4754人",
            "actual":"4512人","deviation":"部分对象迁出，按规定退出保障。","self_score":"10",
            "breakdown":[{"name":"其中：农村低保","target":"≥3200人","actual":"3050人"}]}),
    );
    exec(
        env,
        serde_json::json!({"cmd":"set_form_row","project":CODE,"indicator":"农村低保对象覆盖率","target":"≥95%","actual":"96.2%","self_score":"5"}),
    );
    exec(
        env,
        serde_json::json!({"cmd":"score","project":CODE,"indicator":"保障人数",
            "input":{"printed":{"nature":"≥","target":"≥4754人","actual":"4512人"}}}),
    );
    exec(env, serde_json::json!({"cmd":"score","project":CODE,"indicator":"农村低保对象覆盖率","input":{"direct":{"value":"5"}}}));
    at(env, app, cx, "保障人数");
}

#[test]
fn snapshots_of_the_spot_check_tab() {
    for (w, h) in [(120, 40), (80, 24)] {
        let env = env();
        let cx = env.cx();
        let mut app = new_app(&cx);
        spot_check(&env, &mut app, &cx);
        insta::assert_snapshot!(format!("spot_check_scoring_{w}x{h}"), render(&app, &cx, w, h));
        keys(&mut app, &cx, "f");
        insta::assert_snapshot!(format!("form_row_editor_{w}x{h}"), render(&app, &cx, w, h));
    }
}

#[test]
fn paste_confirmation_snapshot() {
    let env = env();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "数量指标");
    app.on_paste(PASTE, &cx);
    insta::assert_snapshot!("paste_confirm_80x24", render(&app, &cx, 80, 24));
}

#[test]
fn 差_只算已复核的末级指标() {
    let env = env();
    for v in [
        serde_json::json!({"cmd":"set_form_row","project":CODE,"indicator":"保障人数","target":"≥4754人","actual":"4512人","self_score":"10"}),
        serde_json::json!({"cmd":"set_form_row","project":CODE,"indicator":"农村低保对象覆盖率","self_score":"5"}),
        serde_json::json!({"cmd":"score","project":CODE,"indicator":"保障人数","input":{"direct":{"value":"9.5"}}}),
    ] {
        exec(&env, v);
    }
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "保障人数");
    let shown = screen(&app, &cx, 80, 24);
    let row = |name: &str| shown.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_default().to_string();
    assert!(row("数量指标").ends_with("15.00  15.00   9.50  -0.50"), "self 15, re-check 9.5, only the checked leaf differs\n{shown}");
    assert!(row("农村低保对象覆盖率").contains("5.00      -"), "{shown}");
}

#[test]
fn 自评表行_esc先问_保留草稿_再打开时提供() {
    let env = env();
    let cx = env.cx();
    let mut app = new_app(&cx);
    at(&env, &mut app, &cx, "保障人数");
    keys(&mut app, &cx, "f");
    tab(&mut app, &cx);
    keys(&mut app, &cx, "≥4754人");
    tab(&mut app, &cx);
    tab(&mut app, &cx);
    tab(&mut app, &cx);
    keys(&mut app, &cx, "第一行\n第二行");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "confirm", "Esc with changes asks first");
    keys(&mut app, &cx, "k");
    assert_eq!(top_context(&app), "scoring");
    keys(&mut app, &cx, "f");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("≥4754人") && shown.contains("第二行"), "the draft is offered\n{shown}");
    keys(&mut app, &cx, "y");
    ctrl(&mut app, &cx, 's');
    let row = env.local.form(CODE).unwrap().row(node(&env, "保障人数").id).cloned().expect("saved from the draft");
    assert_eq!((row.input.target.as_str(), row.input.deviation.as_str()), ("≥4754人", "第一行\n第二行"));
}
