//! The picker (issue 17, part 1): values taken from a list by typing text or pinyin initials
//! instead of cycling with ←→ or typing exact names. Driven key by key from the project list,
//! read back through the backend.

mod tui_common;

use jixiao::backend::Fetch;
use jixiao::domain::Finding;
use jixiao::tui::app::{App, Cx};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_common::*;

const CODE: &str = "ZD21-17";
const FINDING: &str = "退捕渔民过渡期补助312.5万元未按户核发，部分资金滞留乡镇";

fn findings(env: &Env) -> Vec<Finding> {
    env.local.findings(CODE).unwrap()
}

/// ZD21-17's findings tab, the new-finding form open on its first field.
fn new_finding_form(app: &mut App, cx: &Cx) {
    open_project(app, cx, "禁捕");
    keys(app, cx, "3");
    keys(app, cx, "n");
    assert_eq!(top_context(app), "form");
}

fn line_with<'a>(shown: &'a str, needle: &str) -> &'a str {
    shown.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle}\n{shown}"))
}

#[test]
fn category_picked_by_pinyin_initials() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    new_finding_form(&mut app, &cx);
    press(&mut app, &cx, KeyCode::Tab);
    // Typing on the category field opens the picker with what was typed.
    keys(&mut app, &cx, "zjsy");
    assert_eq!(top_context(&app), "picker");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("资金使用不规范(挤占挪用)") && shown.contains("1/24"), "{shown}");
    assert!(!shown.contains("资金闲置/沉淀"), "only the match is listed\n{shown}");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(line_with(&shown, "问题类别").contains("资金使用不规范(挤占挪用)"), "{shown}");
    // Saved and read back.
    press(&mut app, &cx, KeyCode::BackTab);
    keys(&mut app, &cx, FINDING);
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "findings");
    assert_eq!(findings(&env)[0].body.category, "资金使用不规范(挤占挪用)");
}

#[test]
fn substring_ranks_after_prefix_and_no_match_says_so() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    new_finding_form(&mut app, &cx);
    press(&mut app, &cx, KeyCode::Tab);
    enter(&mut app, &cx); // Enter on the field opens the picker with every category
    assert_eq!(top_context(&app), "picker");
    assert!(screen(&app, &cx, 120, 40).contains("24/24"));
    keys(&mut app, &cx, "资金");
    let shown = screen(&app, &cx, 120, 40);
    // 资金… (prefix) first, then …资金… (substring): 专项资金 is not in the seed, 预算执行… is not a match.
    let first = shown.find("资金拨付时间较晚").expect("a prefix match");
    let later = shown.find("项目支出弥补公用支出");
    assert!(later.is_none(), "not a match\n{shown}");
    assert!(first < shown.find("资金使用不规范(挤占挪用)").unwrap(), "list order within a rank\n{shown}");
    // Nothing found: the list says 无匹配, Enter refuses and the picker stays.
    keys(&mut app, &cx, "qqq");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("无匹配") && shown.contains("0/24"), "{shown}");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "picker");
    // Esc closes it; the field is still empty and saving says to choose.
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "form");
    press(&mut app, &cx, KeyCode::BackTab);
    keys(&mut app, &cx, FINDING);
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("请选择问题类别"), "{}", screen(&app, &cx, 120, 40));
    assert!(findings(&env).is_empty());
}

#[test]
fn two_indicators_marked_are_linked_and_shown_with_path_and_points_lost() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    new_finding_form(&mut app, &cx);
    keys(&mut app, &cx, FINDING);
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "zjsy\n");
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "yszxl");
    assert_eq!(top_context(&app), "picker");
    let shown = screen(&app, &cx, 120, 40);
    // The path and the points lost (or 未评分) under the name.
    let detail = line_with(&shown, "过程/资金管理/预算执行率");
    assert!(line_with(&shown, "Tab").contains("Space"), "{shown}");
    assert!(detail.contains("失分") || detail.contains("未评分"), "{detail}");
    keys(&mut app, &cx, " ");
    assert!(screen(&app, &cx, 120, 40).contains("已标 1 项"), "{}", screen(&app, &cx, 120, 40));
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "资金使用合规 ");
    assert!(screen(&app, &cx, 120, 40).contains("已标 2 项"));
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(line_with(&shown, "对应指标").contains("预算执行率"), "{shown}");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "findings");
    let f = &findings(&env)[0];
    let tree = env.tree(CODE);
    let names: Vec<&str> = f.body.indicators.iter().map(|id| tree.node(*id).unwrap().name.as_str()).collect();
    assert_eq!(names, ["预算执行率", "资金使用合规性"]);

    // Editing it opens the picker with both marked; unmarking one keeps the other.
    keys(&mut app, &cx, "e");
    for _ in 0..4 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    enter(&mut app, &cx);
    assert!(screen(&app, &cx, 120, 40).contains("已标 2 项"));
    keys(&mut app, &cx, "yszxl ");
    enter(&mut app, &cx);
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "findings");
    let f = &findings(&env)[0];
    let names: Vec<&str> = f.body.indicators.iter().map(|id| tree.node(*id).unwrap().name.as_str()).collect();
    assert_eq!(names, ["资金使用合规性"]);
}

/// A clerk's keys for the category and two indicators of one finding, counted as the
/// terminal sends them, from the text field (typed first, not counted) to the save.
#[test]
fn keys_to_record_one_finding() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    new_finding_form(&mut app, &cx);
    keys(&mut app, &cx, FINDING);
    let script: &[(&str, KeyCode, KeyModifiers)] = &[
        ("to 问题类别", KeyCode::Tab, KeyModifiers::NONE),
        ("z", KeyCode::Char('z'), KeyModifiers::NONE), // opens the picker with z
        ("j", KeyCode::Char('j'), KeyModifiers::NONE),
        ("s", KeyCode::Char('s'), KeyModifiers::NONE),
        ("y", KeyCode::Char('y'), KeyModifiers::NONE),
        ("take 资金使用不规范, on to 严重程度", KeyCode::Tab, KeyModifiers::NONE),
        ("to 涉及金额", KeyCode::Tab, KeyModifiers::NONE),
        ("to 对应指标", KeyCode::Tab, KeyModifiers::NONE),
        ("y", KeyCode::Char('y'), KeyModifiers::NONE),
        ("s", KeyCode::Char('s'), KeyModifiers::NONE),
        ("z", KeyCode::Char('z'), KeyModifiers::NONE),
        ("mark 预算执行率", KeyCode::Char(' '), KeyModifiers::NONE),
        ("clear the query", KeyCode::Char('u'), KeyModifiers::CONTROL),
        ("z", KeyCode::Char('z'), KeyModifiers::NONE),
        ("j", KeyCode::Char('j'), KeyModifiers::NONE),
        ("s", KeyCode::Char('s'), KeyModifiers::NONE),
        ("y", KeyCode::Char('y'), KeyModifiers::NONE),
        ("h", KeyCode::Char('h'), KeyModifiers::NONE),
        ("mark 资金使用合规性", KeyCode::Char(' '), KeyModifiers::NONE),
        ("take both", KeyCode::Enter, KeyModifiers::NONE),
        ("save", KeyCode::Char('s'), KeyModifiers::CONTROL),
    ];
    for (what, code, mods) in script {
        app.on_key(KeyEvent::new(*code, *mods), &cx);
        assert!(!app.stack.is_empty(), "{what}");
    }
    assert_eq!(top_context(&app), "findings", "{}", screen(&app, &cx, 120, 40));
    let f = &findings(&env)[0];
    assert_eq!(f.body.category, "资金使用不规范(挤占挪用)");
    assert_eq!(f.body.indicators.len(), 2);
    println!("keys for the category, two indicators and the save: {}", script.len());
    assert_eq!(script.len(), 21);
}

/// The tab's template and the evaluated unit come from pickers; a unit not yet in any
/// project is typed and taken as new.
#[test]
fn new_project_takes_unit_and_template_from_pickers() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "form");
    keys(&mut app, &cx, "ZD26-01");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "统计执法专项经费");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "tjj"); // 统计局 by its initials
    assert_eq!(top_context(&app), "picker");
    assert!(screen(&app, &cx, 120, 40).contains("统计局"));
    enter(&mut app, &cx);
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab); // 类型, 年度, 金额
    }
    keys(&mut app, &cx, "36");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "zp"); // 项目支出绩效自评… by the initials of its title
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("项目支出绩效自评指标体系") && !shown.contains("project-2020"), "templates shown by title\n{shown}");
    enter(&mut app, &cx);
    let shown = screen(&app, &cx, 120, 40);
    assert!(line_with(&shown, "指标模板").contains("项目支出绩效自评指标体系（单位自评及抽查复核）"), "{shown}");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "project_list", "{}", screen(&app, &cx, 120, 40));
    let p = env.local.store().project_by_code("ZD26-01").unwrap();
    assert_eq!(p.unit, "统计局");
    assert!(!env.tree("ZD26-01").nodes.is_empty(), "the self-eval template's tree");
    assert_eq!(p.template, "self-eval", "the template's name is what is saved");

    // A unit no project has yet: the picker offers to add what was typed.
    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "ZD26-02");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "应急物资储备");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "应急管理局");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("无匹配：按 Enter 新增“应急管理局”"), "{shown}");
    enter(&mut app, &cx);
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "12");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "project_list", "{}", screen(&app, &cx, 120, 40));
    assert_eq!(env.local.store().project_by_code("ZD26-02").unwrap().unit, "应急管理局");
}

/// The team's members: several marked in one picker, saved and read back.
#[test]
fn team_members_marked_in_one_picker() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "t");
    assert_eq!(top_context(&app), "form");
    press(&mut app, &cx, KeyCode::Tab);
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "picker");
    let before = env.local.store().project_by_code("ZD21-06").unwrap().team.members;
    keys(&mut app, &cx, "liuy ");
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "lina ");
    enter(&mut app, &cx);
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "project_view", "{}", screen(&app, &cx, 120, 40));
    let members = env.local.store().project_by_code("ZD21-06").unwrap().team.members;
    for who in ["liuyang", "lina"] {
        assert_eq!(members.contains(&who.to_string()), !before.contains(&who.to_string()), "{who}: {before:?} → {members:?}");
    }
}

/// The ledger's state filter: one picked by its initials instead of stepping through nine.
#[test]
fn ledger_state_filter_from_a_picker() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "L");
    keys(&mut app, &cx, "s");
    assert_eq!(top_context(&app), "picker");
    keys(&mut app, &cx, "zgz\n"); // 整改中
    assert_eq!(top_context(&app), "ledger");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.lines().nth(1).unwrap().contains("整改中"), "{shown}");
    assert!(!shown.contains("已销号 "), "{shown}");
    // 全部状态 clears it.
    keys(&mut app, &cx, "s");
    keys(&mut app, &cx, "qb\n");
    let shown = screen(&app, &cx, 120, 40);
    assert!(!shown.lines().nth(1).unwrap().contains("整改中"), "{shown}");
}

/// What was picked is kept in the form's draft and comes back with it.
#[test]
fn picked_values_survive_in_the_draft() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    new_finding_form(&mut app, &cx);
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "zjsy");
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab); // takes the category, then on to 对应指标
    }
    keys(&mut app, &cx, "yszxl ");
    ctrl(&mut app, &cx, 'u');
    keys(&mut app, &cx, "zjsyhg \n");
    assert_eq!(top_context(&app), "form");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "confirm", "a changed form asks before closing");
    keys(&mut app, &cx, "k");
    assert_eq!(top_context(&app), "findings");
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "confirm", "the draft is offered");
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(line_with(&shown, "问题类别").contains("资金使用不规范(挤占挪用)"), "{shown}");
    assert!(line_with(&shown, "对应指标").contains("预算执行率、资金使用合规性"), "{shown}");
}

/// A rectification item's unit: the project's by default, another taken from the picker.
#[test]
fn item_unit_from_the_picker() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "ZD21-11");
    keys(&mut app, &cx, "3");
    let before = env.local.items("ZD21-11").unwrap().len();
    keys(&mut app, &cx, "i");
    assert_eq!(top_context(&app), "form", "{}", screen(&app, &cx, 120, 40));
    keys(&mut app, &cx, "补齐配套资金拨付凭证");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "tjj"); // 统计局
    press(&mut app, &cx, KeyCode::Tab); // takes it, on to 联系人
    keys(&mut app, &cx, "王会计");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "findings", "{}", screen(&app, &cx, 120, 40));
    let items = env.local.items("ZD21-11").unwrap();
    assert_eq!(items.len(), before + 1);
    let it = items.iter().find(|i| i.requirement == "补齐配套资金拨付凭证").unwrap();
    assert_eq!((it.unit.as_str(), it.contact.as_str()), ("统计局", "王会计"));
}

/// The indicator picker at both sizes: names, each with its path and points lost, two
/// marked; and the category picker narrowed to nothing. Read the diff before accepting.
#[test]
fn picker_snapshots() {
    for (w, h) in [(120u16, 40u16), (80, 24)] {
        let env = Env::new();
        let cx = env.cx();
        let mut app = new_app(&cx);
        open_project(&mut app, &cx, "ZD21-11");
        keys(&mut app, &cx, "3n");
        for _ in 0..4 {
            press(&mut app, &cx, KeyCode::Tab);
        }
        keys(&mut app, &cx, "zj");
        keys(&mut app, &cx, " ");
        keys(&mut app, &cx, " ");
        insta::assert_snapshot!(format!("indicator_picker_{w}x{h}"), render(&app, &cx, w, h));
        esc(&mut app, &cx);
        for _ in 0..3 {
            press(&mut app, &cx, KeyCode::BackTab);
        }
        keys(&mut app, &cx, "无此类别");
        insta::assert_snapshot!(format!("category_picker_no_match_{w}x{h}"), render(&app, &cx, w, h));
    }
}
