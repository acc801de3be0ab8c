//! 键盘上不丢东西：退出、Esc、草稿提示和打不开的弹窗（issue 13 第 6 部分）。

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use tui_common::*;

const CODE: &str = "ZD21-06";
const FINDING_DRAFT: &str = "finding-new-ZD21-06";

/// 打开人口普查项目的问题标签页，按 n 新建问题，填一半（只写了问题描述）。
fn half_filled_finding(app: &mut jixiao::tui::app::App, cx: &jixiao::tui::app::Cx) {
    open_project(app, cx, "人口普查");
    keys(app, cx, "3");
    keys(app, cx, "n");
    assert_eq!(top_context(app), "form");
    keys(app, cx, "劳务费发放表缺少签字");
}

#[test]
fn 退出时表单填了一半会先问_存草稿退出后重开表单提供草稿() {
    let env = Env::new();
    let cx = env.cx();
    {
        let mut app = new_app(&cx);
        half_filled_finding(&mut app, &cx);
        ctrl(&mut app, &cx, 'c');
        assert!(!app.quit, "有未保存的修改时 Ctrl-c 先问");
        assert_eq!(top_context(&app), "confirm");
        let shown = screen(&app, &cx, 120, 40);
        assert!(shown.contains("还有没保存的修改"), "{shown}");
        assert!(shown.contains("k 存为草稿并退出"), "{shown}");
        keys(&mut app, &cx, "k");
        assert!(app.quit, "k 存草稿并退出");
    } // 程序退出
    let draft = env.drafts.load(FINDING_DRAFT).expect("草稿以表单和项目命名");
    assert!(draft.contains("劳务费发放表缺少签字"), "{draft}");

    // 重启：同一个数据目录、同一个草稿目录，新的 App。
    let before = env.audit_len();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "3");
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "confirm", "先提示发现草稿");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("发现未保存的草稿"), "{shown}");
    assert!(shown.contains("问题描述：劳务费发放表缺少签字"), "预览的是草稿的内容\n{shown}");
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("劳务费发放表缺少签字"), "恢复了输入的内容");
    assert_eq!(env.audit_len(), before, "恢复草稿不写数据库");
}

#[test]
fn 退出提问时再按_ctrl_c_存草稿退出_不会困住用户() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    half_filled_finding(&mut app, &cx);
    ctrl(&mut app, &cx, 'c');
    assert_eq!(top_context(&app), "confirm");
    ctrl(&mut app, &cx, 'c');
    assert!(app.quit, "第二次 Ctrl-c 直接退出");
    assert!(env.drafts.load(FINDING_DRAFT).is_some_and(|d| d.contains("劳务费发放表缺少签字")), "草稿保留");
}

#[test]
fn 退出提问时选_y_放弃修改并删掉草稿_选_n_留下() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    half_filled_finding(&mut app, &cx);
    app.pause(&cx); // 停顿时草稿已写入
    assert!(env.drafts.load(FINDING_DRAFT).is_some());
    ctrl(&mut app, &cx, 'c');
    keys(&mut app, &cx, "n");
    assert!(!app.quit);
    assert_eq!(top_context(&app), "form", "n 回到表单，输入还在");
    assert!(screen(&app, &cx, 120, 40).contains("劳务费发放表缺少签字"));
    ctrl(&mut app, &cx, 'c');
    keys(&mut app, &cx, "y");
    assert!(app.quit);
    app.save_drafts(&cx); // 退出路上再存一次草稿也不会把它写回来
    assert_eq!(env.drafts.load(FINDING_DRAFT), None, "放弃的修改不留草稿");
}

#[test]
fn 没有修改时退出不问() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "3");
    keys(&mut app, &cx, "n");
    ctrl(&mut app, &cx, 'c');
    assert!(app.quit, "表单没有改动：直接退出");
}

#[test]
fn 表单有修改时_esc_先问_没有修改时直接关闭() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "3");
    keys(&mut app, &cx, "n");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "findings", "没改过的表单 Esc 直接关闭");

    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "劳务费");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "confirm", "改过的表单 Esc 先问");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("放弃未保存的修改？") && shown.contains("k 关闭并保留草稿"), "{shown}");
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "form", "n 回到表单");
    esc(&mut app, &cx);
    keys(&mut app, &cx, "k");
    assert_eq!(top_context(&app), "findings", "k 关闭表单");
    assert!(env.drafts.load(FINDING_DRAFT).is_some_and(|d| d.contains("劳务费")), "并保留草稿");

    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "y"); // 恢复草稿
    esc(&mut app, &cx);
    keys(&mut app, &cx, "y"); // 放弃
    assert_eq!(top_context(&app), "findings");
    assert_eq!(env.drafts.load(FINDING_DRAFT), None, "y 放弃修改也删掉草稿");
}

#[test]
fn 草稿提示按_esc_或_q_保留草稿_按_d_丢弃() {
    let env = Env::new();
    let cx = env.cx();
    env.drafts.save(FINDING_DRAFT, r#"["上次没写完的问题","（请选择）","一般","","","",""]"#);
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "3");
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "confirm");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("上次没写完的问题"), "预览草稿的内容\n{shown}");
    assert!(shown.contains("D 丢弃草稿"), "丢弃草稿有自己的键\n{shown}");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "findings", "Esc 关闭提示");
    assert!(env.drafts.load(FINDING_DRAFT).is_some(), "Esc 保留草稿");

    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "q");
    assert_eq!(top_context(&app), "findings", "q 也关闭提示");
    assert!(env.drafts.load(FINDING_DRAFT).is_some(), "q 也保留草稿");

    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "D");
    assert_eq!(top_context(&app), "form", "D 丢弃草稿，打开空白表单");
    assert!(!screen(&app, &cx, 120, 40).contains("上次没写完的问题"));
    assert_eq!(env.drafts.load(FINDING_DRAFT), None);
}

#[test]
fn 依据草稿的提示预览草稿新写的部分而不是已保存的开头() {
    let env = Env::new();
    let cx = env.cx();
    let tree = env.tree(CODE);
    let node = tree.nodes.iter().find(|n| n.name == "立项依据充分性").unwrap();
    let saved = node.score.as_ref().unwrap().basis.clone();
    env.drafts.save(&format!("basis-{CODE}-{}", node.id), &format!("{saved}补充：已核对立项批复原件。"));
    let mut app = new_app(&cx);
    open_scoring(&mut app, &cx, "人口普查");
    goto_row(&mut app, &cx, env.row_of(CODE, "立项依据充分性"));
    keys(&mut app, &cx, "b");
    assert_eq!(top_context(&app), "confirm");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("补充：已核对立项批复原件。"), "预览恢复后会多出的内容\n{shown}");
}

#[test]
fn 弹窗打不开时紧接着输入的键不会落到下面的屏幕上() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    second_reviewed(&env); // 二审过的底稿：之后不能再评分
    open_scoring(&mut app, &cx, "人口普查");
    goto_row(&mut app, &cx, env.row_of(CODE, "资金到位率"));
    let before = env.audit_len();
    // 以为评分框会打开，接着输入 95 和 Ctrl-s。
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "scoring", "复核过的得分不打开评分框");
    keys(&mut app, &cx, "95");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "r");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring", "5 没有切到报告标签页，Tab 也没有切换");
    assert!(screen(&app, &cx, 120, 40).contains("已复核：先按 R"), "拒绝的提示还在");
    assert_eq!(env.audit_len(), before, "什么也没写");
    // 停顿之后（用户看到了提示），按键照常。
    app.pause(&cx);
    keys(&mut app, &cx, "5");
    assert_eq!(top_context(&app), "report");
}

/// 人口普查项目评分标签页，光标在未评分的末级指标“立项程序规范性”（扣分法）上，打开评分框，
/// 填一行扣分：1 分，写上理由。
fn half_filled_score(env: &Env, app: &mut jixiao::tui::app::App, cx: &jixiao::tui::app::Cx) {
    open_scoring(app, cx, "人口普查");
    goto_row(app, cx, env.row_of(CODE, "立项程序规范性"));
    keys(app, cx, "e");
    assert_eq!(top_context(app), "form");
    keys(app, cx, "1");
    press(app, cx, KeyCode::Tab);
    keys(app, cx, "未经集体决策即立项");
}

#[test]
fn 评分框有修改时_esc_先问_k_保留草稿_重开时提供草稿_保存后草稿删除() {
    let env = Env::new();
    let cx = env.cx();
    let key = format!("score-{CODE}-{}", env.node_id(CODE, "立项程序规范性"));
    let mut app = new_app(&cx);
    half_filled_score(&env, &mut app, &cx);
    app.pause(&cx); // 停顿时草稿已写入
    assert!(env.drafts.load(&key).is_some_and(|d| d.contains("未经集体决策即立项")), "边输入边存草稿");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "confirm", "改过的评分框 Esc 先问");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("放弃未保存的修改？") && shown.contains("k 关闭并保留草稿"), "{shown}");
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "form", "n 回到评分框");
    assert!(screen(&app, &cx, 120, 40).contains("未经集体决策即立项"), "输入还在");
    esc(&mut app, &cx);
    keys(&mut app, &cx, "k");
    assert_eq!(top_context(&app), "scoring", "k 关闭评分框");
    assert!(env.drafts.load(&key).is_some_and(|d| d.contains("未经集体决策即立项")), "并保留草稿");

    let before = env.audit_len();
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "confirm", "同一指标的评分框先提示发现草稿");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("发现未保存的草稿"), "{shown}");
    assert!(shown.contains("未经集体决策即立项"), "预览的是草稿的内容\n{shown}");
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("未经集体决策即立项") && shown.contains("计算得分：2.00"), "恢复了输入的内容\n{shown}");
    assert_eq!(env.audit_len(), before, "恢复草稿不写数据库");

    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring", "保存后关闭");
    let tree = env.tree(CODE);
    let node = tree.nodes.iter().find(|n| n.name == "立项程序规范性").unwrap();
    assert!(node.score.as_ref().is_some_and(|s| s.value == "2".parse().unwrap()), "{:?}", node.score);
    app.save_drafts(&cx);
    assert_eq!(env.drafts.load(&key), None, "保存之后草稿删除");
    keys(&mut app, &cx, "e");
    assert_eq!(top_context(&app), "form", "再打开不提示草稿");
}

#[test]
fn 评分框有修改时退出先问_k_存草稿退出_没有修改时_esc_直接关闭() {
    let env = Env::new();
    let cx = env.cx();
    let key = format!("score-{CODE}-{}", env.node_id(CODE, "立项程序规范性"));
    {
        let mut app = new_app(&cx);
        open_scoring(&mut app, &cx, "人口普查");
        goto_row(&mut app, &cx, env.row_of(CODE, "立项程序规范性"));
        keys(&mut app, &cx, "e");
        esc(&mut app, &cx);
        assert_eq!(top_context(&app), "scoring", "没改过的评分框 Esc 直接关闭");
        keys(&mut app, &cx, "e");
        ctrl(&mut app, &cx, 'c');
        assert!(app.quit, "评分框没有改动：直接退出");
    }
    assert_eq!(env.drafts.load(&key), None);
    {
        let mut app = new_app(&cx);
        half_filled_score(&env, &mut app, &cx);
        ctrl(&mut app, &cx, 'c');
        assert!(!app.quit, "评分框有未保存的修改时 Ctrl-c 先问");
        assert_eq!(top_context(&app), "confirm");
        let shown = screen(&app, &cx, 120, 40);
        assert!(shown.contains("还有没保存的修改"), "{shown}");
        keys(&mut app, &cx, "n");
        assert_eq!(top_context(&app), "form", "n 回到评分框");
        ctrl(&mut app, &cx, 'c');
        keys(&mut app, &cx, "k");
        assert!(app.quit, "k 存草稿并退出");
    }
    assert!(env.drafts.load(&key).is_some_and(|d| d.contains("未经集体决策即立项")), "草稿以项目和指标命名");
}
