//! The finding form's 标题 (one line) and 评价依据 (several lines): typed, saved through the
//! correction command and read back (issue 17, part 5).

mod tui_common;

use jixiao::backend::Fetch;
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

const CODE: &str = "ZD21-06";

#[test]
fn 问题表单填写标题和多行评价依据_保存后读回() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "人口普查");
    keys(&mut app, &cx, "3");
    keys(&mut app, &cx, "n");
    assert_eq!(top_context(&app), "form");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("标题") && shown.contains("评价依据"), "{shown}");
    keys(&mut app, &cx, "普查员劳务费发放表部分缺少领取人签字");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "zjsy\n"); // the category, through its picker
    // severity, amount, indicators, then the title.
    for _ in 0..4 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "劳务费发放表缺少签字");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "《会计法》第十四条");
    press(&mut app, &cx, KeyCode::Enter);
    keys(&mut app, &cx, "原始凭证应有经办人签名");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "findings", "saved\n{}", screen(&app, &cx, 120, 40));
    let f = env.local.findings(CODE).unwrap().pop().expect("recorded");
    assert_eq!(f.body.title, "劳务费发放表缺少签字");
    assert_eq!(f.body.basis, "《会计法》第十四条\n原始凭证应有经办人签名");
    // The findings tab's detail shows both.
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("标题：劳务费发放表缺少签字"), "{shown}");
    assert!(shown.contains("评价依据：《会计法》第十四条") && shown.contains("原始凭证应有经办人签名"), "{shown}");

    // Edited: the form shows both as saved; a changed title is saved, the basis kept.
    keys(&mut app, &cx, "e");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("劳务费发放表缺少签字") && shown.contains("原始凭证应有经办人签名"), "{shown}");
    for _ in 0..5 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "（补）");
    ctrl(&mut app, &cx, 's');
    let f = env.local.findings(CODE).unwrap().pop().unwrap();
    assert_eq!(f.body.title, "劳务费发放表缺少签字（补）");
    assert_eq!(f.body.basis, "《会计法》第十四条\n原始凭证应有经办人签名");
}
