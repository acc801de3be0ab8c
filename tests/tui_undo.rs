//! 在工作台里撤销：问题的历次版本、事项修改前的内容、佐证的打开和删除（issue 13 第 5 部分）。

mod tui_common;

use jixiao::backend::Backend;
use serde_json::json;
use tui_common::*;

const CODE: &str = "ZD21-06";

fn run(env: &Env, v: serde_json::Value) -> jixiao::command::Outcome {
    env.local.execute(&command(v.clone())).unwrap_or_else(|e| panic!("{v}: {e:?}"))
}

/// 问题标签页选中一个更正过的问题（新记录的，排在最后）。
fn corrected_finding(env: &Env, app: &mut jixiao::tui::app::App, cx: &jixiao::tui::app::Cx) -> u64 {
    let id = run(env, json!({"cmd":"record_finding","project":CODE,"text":"劳务费 12 人未签字","category":"财务管理欠规范","severity":"一般","publish":true,"evidence":[{"document":{"name":"劳务费发放表"}}]})).id;
    run(
        env,
        json!({"cmd":"revise_finding","finding":id,"text":"劳务费 14 人未签字","category":"财务管理欠规范","severity":"一般","note":"更正人数"}),
    );
    open_project(app, cx, "人口普查");
    keys(app, cx, "3");
    keys(app, cx, "G");
    id
}

#[test]
fn 问题的历史列出旧版本_enter_填理由确认后恢复() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    let id = corrected_finding(&env, &mut app, &cx);
    keys(&mut app, &cx, "h");
    assert_eq!(top_context(&app), "popup");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("第 1 版") && shown.contains("劳务费 12 人未签字"), "{shown}");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "form", "先填理由");
    keys(&mut app, &cx, "核实后仍为 12 人");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "confirm", "再确认");
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "findings");
    let f = env.local.store().findings_of(env.pid(CODE)).unwrap().into_iter().find(|f| f.id == id).unwrap();
    assert_eq!(f.body.text, "劳务费 12 人未签字");
    assert_eq!(f.history.len(), 2);
}

#[test]
fn 事项的历史列出修改记录_恢复修改前的责任人() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    let f = corrected_finding(&env, &mut app, &cx);
    let id = run(&env, json!({"cmd":"create_item","finding":f,"requirement":"补签","contact":"李会计","due":"2026-12-31"})).id;
    run(&env, json!({"cmd":"update_item","item":id,"contact":"王出纳"}));
    app.stack.iter_mut().for_each(|l| l.refresh(&cx));
    keys(&mut app, &cx, "4");
    keys(&mut app, &cx, "G");
    assert!(screen(&app, &cx, 120, 40).contains("修改前"), "办理记录里读得懂的修改记录");
    keys(&mut app, &cx, "h");
    assert!(screen(&app, &cx, 120, 40).contains("李会计"));
    enter(&mut app, &cx);
    keys(&mut app, &cx, "联系人写错了");
    ctrl(&mut app, &cx, 's');
    keys(&mut app, &cx, "y");
    assert_eq!(env.local.store().item(id).unwrap().contact, "李会计");
}

#[test]
fn 打开纸质佐证说明没有副本_打开文件佐证显示副本路径() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    let id = corrected_finding(&env, &mut app, &cx);
    keys(&mut app, &cx, "o");
    assert!(app.toast.as_ref().is_some_and(|t| t.text.contains("没有佐证资料")), "更正时没带上佐证");
    app.pause(&cx);
    run(&env, json!({"cmd":"restore_finding","finding":id,"revision":1,"reason":"恢复原文和佐证"}));
    app.stack.iter_mut().for_each(|l| l.refresh(&cx));
    keys(&mut app, &cx, "o");
    assert_eq!(top_context(&app), "popup");
    enter(&mut app, &cx);
    assert!(screen(&app, &cx, 120, 40).contains("没有电子副本"));
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "findings");

    let file = env.dir.path().join("发放表.txt");
    std::fs::write(&file, "补签名单").unwrap();
    let evidence = env.local.attach(&file).unwrap();
    let sha = match &evidence {
        jixiao::domain::Evidence::File { sha256, .. } => sha256.clone(),
        _ => unreachable!(),
    };
    run(
        &env,
        json!({"cmd":"revise_finding","finding":id,"text":"劳务费 14 人未签字","category":"财务管理欠规范","severity":"一般","note":"附发放表","evidence":[evidence]}),
    );
    app.stack.iter_mut().for_each(|l| l.refresh(&cx));
    app.pause(&cx);
    // xdg-open 不可用时也只显示路径，不会卡住。
    keys(&mut app, &cx, "o");
    enter(&mut app, &cx);
    let shown = screen(&app, &cx, 160, 40);
    assert!(shown.contains(&sha[..16]), "显示数据目录里副本的路径\n{shown}");
}

#[test]
fn 删除佐证要理由_确认后删除() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    let id = corrected_finding(&env, &mut app, &cx);
    run(&env, json!({"cmd":"restore_finding","finding":id,"revision":1,"reason":"恢复"}));
    app.stack.iter_mut().for_each(|l| l.refresh(&cx));
    keys(&mut app, &cx, "X");
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "form");
    keys(&mut app, &cx, "传错了");
    ctrl(&mut app, &cx, 's');
    keys(&mut app, &cx, "y");
    let f = env.local.store().findings_of(env.pid(CODE)).unwrap().into_iter().find(|f| f.id == id).unwrap();
    assert!(f.body.evidence.is_empty());
}

#[test]
fn 评分标签页删除底稿的佐证_选择_填理由_确认后删除() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    run(
        &env,
        json!({"cmd":"score","project":CODE,"indicator":"资金到位率","input":{"direct":{"value":"4"}},"basis":"资金按时到位",
            "evidence":[{"document":{"name":"拨款凭证"}},{"document":{"name":"误附的会议纪要"}}]}),
    );
    open_scoring(&mut app, &cx, "人口普查");
    goto_row(&mut app, &cx, env.row_of(CODE, "资金到位率"));
    keys(&mut app, &cx, "X");
    assert_eq!(top_context(&app), "popup", "列出底稿的佐证");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("拨款凭证") && shown.contains("误附的会议纪要"), "{shown}");
    down(&mut app, &cx, 1);
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "form", "先填理由");
    keys(&mut app, &cx, "与本指标无关");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "confirm", "再确认");
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "scoring");
    let node = env.tree(CODE).nodes.into_iter().find(|n| n.name == "资金到位率").unwrap();
    let s = node.score.unwrap();
    assert_eq!(s.evidence, vec![jixiao::domain::Evidence::doc("拨款凭证")]);
    assert_eq!(s.basis, "资金按时到位");
    // 历史（h）里它是新的一版，写着删了什么、为什么。
    app.pause(&cx);
    keys(&mut app, &cx, "h");
    let shown = screen(&app, &cx, 160, 40);
    assert!(shown.contains("删除佐证 “误附的会议纪要” 理由 与本指标无关"), "{shown}");
    // 演示数据里已有第 1 版，刚才的评分是第 2 版。
    let versions = shown.lines().filter(|l| l.contains("[3]") && l.contains("删除佐证")).count();
    assert_eq!(versions, 1, "第 3 版是删除佐证后的底稿\n{shown}");
    esc(&mut app, &cx);
    // 没有佐证的底稿：说明没有可删的。
    run(&env, json!({"cmd":"remove_evidence","project":CODE,"indicator":"资金到位率","evidence":"拨款凭证","reason":"r"}));
    app.stack.iter_mut().for_each(|l| l.refresh(&cx));
    app.pause(&cx);
    keys(&mut app, &cx, "X");
    assert!(app.toast.as_ref().is_some_and(|t| t.text.contains("没有佐证资料")), "{:?}", app.toast.as_ref().map(|t| &t.text));
}
