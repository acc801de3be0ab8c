//! Confirmations that say what is at stake (issue 17, part 7), as the screen shows them:
//! removing an indicator (scored or not, the findings linked to it), archiving (the open and
//! overdue items left), closing an item without evidence (said, not offered as a plain 销号),
//! and a deduction list larger than the leaf (扣完为止, before saving).

mod tui_common;

use jixiao::backend::{Backend, Fetch};
use ratatui::crossterm::event::KeyCode;
use serde_json::json;
use tui_common::*;

const CODE: &str = "ZD21-06";

fn run(env: &Env, v: serde_json::Value) -> u64 {
    env.local.execute(&command(v.clone())).unwrap_or_else(|e| panic!("{v}\n→ {e}")).id
}

/// 人口普查: a finding titled 劳务费发放表缺少签字 linked to 资金使用合规性, which is scored
/// with a deduction stemming from it.
fn linked_finding(env: &Env) -> u64 {
    let finding = run(
        env,
        json!({"cmd":"record_finding","project":CODE,"text":"普查员劳务费发放表部分缺少领取人签字","category":"财务管理欠规范","severity":"一般",
               "indicators":["资金使用合规性"],"title":"劳务费发放表缺少签字"}),
    );
    run(
        env,
        json!({"cmd":"score","project":CODE,"indicator":"资金使用合规性","basis":"抽查凭证",
               "input":{"deduction":{"deductions":[{"points":"1","reason":"签字不全","finding":finding}]}}}),
    );
    finding
}

#[test]
fn 删除指标前说明已评分和关联的问题() {
    let env = Env::new();
    linked_finding(&env);
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_scoring(&mut app, &cx, "人口普查");
    goto_row(&mut app, &cx, env.row_of(CODE, "资金使用合规性"));
    keys(&mut app, &cx, "D");
    assert_eq!(top_context(&app), "confirm");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("删除指标“资金使用合规性”及其下级？"), "{shown}");
    assert!(shown.contains("已评分的指标 1 项：“资金使用合规性”"), "{shown}");
    let seq = env.local.findings(CODE).unwrap()[0].seq;
    assert!(shown.contains(&format!("关联的问题 1 个：#{seq}“劳务费发放表缺少签字”")), "{shown}");
    esc(&mut app, &cx);

    // A leaf nothing scored or linked: said so too.
    goto_row(&mut app, &cx, env.row_of(CODE, "资金到位率"));
    let scored = env.tree(CODE).nodes.into_iter().find(|n| n.name == "资金到位率").unwrap().score.is_some();
    keys(&mut app, &cx, "D");
    let shown = screen(&app, &cx, 120, 40);
    if !scored {
        assert!(shown.contains("其下没有已评分的指标。"), "{shown}");
    }
    assert!(shown.contains("没有问题关联此指标。"), "{shown}");
}

#[test]
fn 归档前列出未结和逾期的整改事项() {
    let env = Env::new();
    let items = env.local.items("ZD21-01").unwrap();
    let open = items.iter().filter(|i| !i.state.is_finished()).count();
    let overdue: Vec<_> = items.iter().filter_map(|i| i.days_overdue(today()).map(|d| (i.id, d))).collect();
    assert!(open > 0 && !overdue.is_empty(), "the demo's ZD21-01 has open and overdue items");
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "ZD21-01");
    keys(&mut app, &cx, "A");
    assert_eq!(top_context(&app), "confirm");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("归档项目 ZD21-01"), "{shown}");
    assert!(shown.contains(&format!("仍未结的整改事项 {open} 项：")), "{shown}");
    assert!(shown.contains(&format!("其中逾期 {} 项：", overdue.len())), "{shown}");
    let (id, days) = overdue[0];
    assert!(shown.contains(&format!("#{id} ")) && shown.contains(&format!("（逾期 {days} 天）")), "{shown}");
    esc(&mut app, &cx);
    assert!(!env.local.project("ZD21-01").unwrap().is_archived(), "Esc archives nothing");
}

#[test]
fn 没有佐证的事项不能销号_菜单和弹窗说明原因() {
    let env = Env::new();
    let finding = linked_finding(&env);
    let item = run(&env, json!({"cmd":"create_item","finding":finding,"requirement":"补齐劳务费发放表签字","due":"2026-12-31"}));
    run(&env, json!({"cmd":"issue_notice","project":CODE,"items":[item],"issue_date":"2026-11-20","override_reason":"测试：先行下发"}));
    run(&env, json!({"cmd":"submit_response","item":item,"text":"已组织补签"}));
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "4");
    keys(&mut app, &cx, "m");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("销号（无佐证资料，不能销号）"), "{shown}");
    // 退回, then 销号.
    press(&mut app, &cx, KeyCode::Down);
    enter(&mut app, &cx);
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains(&format!("整改事项 #{item} 没有任何佐证资料，不能销号")), "{shown}");
    assert_ne!(top_context(&app), "form", "no opinion is asked for");
    assert_eq!(env.local.items(CODE).unwrap()[0].state.label(), "已提交");
}

#[test]
fn 扣分超过分值时评分编辑器在保存前显示扣完为止() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_scoring(&mut app, &cx, "人口普查");
    goto_row(&mut app, &cx, env.row_of(CODE, "立项程序规范性"));
    keys(&mut app, &cx, "e");
    keys(&mut app, &cx, "2");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "未经集体决策即立项");
    ctrl(&mut app, &cx, 'n');
    keys(&mut app, &cx, "2");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "缺少可行性研究报告");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("计算得分：0.00"), "{shown}");
    assert!(shown.contains("扣分合计 4.00 分超过本项分值 3.00 分，扣完为止"), "{shown}");
    assert!(env.tree(CODE).nodes.iter().find(|n| n.name == "立项程序规范性").unwrap().score.is_none(), "nothing saved yet");
}
