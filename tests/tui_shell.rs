//! Nothing only in the shell (issue 17, part 4): the steps of an engagement that once needed
//! `jixiao exec`, done by keys on the seeded demo store at the fixed clock (2026-11-22): a
//! year's notice prefix and a notice issued under it, a year's report prefix, milestones added,
//! dated and marked done, a notice previewed as it prints, scrolled, written to a file and
//! cancelled, the quality reviewer. Every assertion reads the store back.

mod tui_common;

use jixiao::backend::{Backend, Fetch};
use jixiao::domain::NoticeState;
use jixiao::export::notice::{self, Rendering};
use jixiao::tui::app::{App, Cx};
use ratatui::crossterm::event::KeyCode;
use tui_common::*;

/// 禁捕退捕资金: no findings in the demo.
const CODE: &str = "ZD21-17";
const FINDING: &str = "退捕渔民过渡期补助312.5万元未按户核发，部分资金滞留乡镇";
const REQ: &str = "对滞留乡镇的过渡期补助逐户核发到位，并报送发放明细";
const CONTACT: &str = "市财政局绩效评价股 0736-7201234";

/// A published finding of ZD21-17 with one draft item due 2027-01-31; the item's id.
fn draft_item(env: &Env) -> u64 {
    let run = |v: serde_json::Value| env.local.execute(&command(v)).unwrap();
    let f = run(
        serde_json::json!({"cmd":"record_finding","project":CODE,"text":FINDING,"category":"资金闲置/沉淀","severity":"较重","publish":true}),
    );
    let it =
        run(serde_json::json!({"cmd":"create_item","finding":f.id,"requirement":REQ,"contact":"王建国 0731-88886666","due":"2027-01-31"}));
    it.id
}

/// `draft_item`, issued on 2026-11-20 through the backend; the notice's number.
fn issued_notice(env: &Env) -> String {
    let item = draft_item(env);
    let cmd = serde_json::json!({"cmd":"issue_notice","project":CODE,"items":[item],"issue_date":"2026-11-20","contact":CONTACT,"override_reason":"测试：底稿复核与下发并行"});
    env.local.execute(&command(cmd)).unwrap().key.expect("the notice's number")
}

fn toast(app: &App) -> Option<String> {
    app.toast.as_ref().map(|t| t.text.clone())
}

/// Clears the focused field and types `text` into it.
fn retype(app: &mut App, cx: &Cx, text: &str) {
    ctrl(app, cx, 'u');
    keys(app, cx, text);
}

// ─── the notice prefix ──────────────────────────────────────────────────────────

#[test]
fn a_prefix_set_for_2027_numbers_the_notice_issued_in_2027() {
    let env = Env::new();
    let item = draft_item(&env);
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "4");
    assert_eq!(top_context(&app), "rectification");

    // P: the year (today's to start with) and the prefix.
    keys(&mut app, &cx, "P");
    assert_eq!(top_context(&app), "form");
    let form = screen(&app, &cx, 120, 40);
    assert!(form.contains("发文字号前缀") && form.contains("2026"), "{form}");
    retype(&mut app, &cx, "2027");
    press(&mut app, &cx, KeyCode::Tab);
    // A prefix with a space is refused by the store: shown on the field, the text kept.
    keys(&mut app, &cx, "衡 财绩");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form", "a refused prefix keeps the form open, no popup over it");
    let refused = screen(&app, &cx, 120, 40);
    assert!(refused.contains("✗ “衡 财绩”含空格"), "{refused}");
    assert!(refused.contains("衡 财绩"), "the typed text is kept\n{refused}");
    retype(&mut app, &cx, "衡财绩");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "rectification", "{}", screen(&app, &cx, 120, 40));
    assert_eq!(toast(&app).as_deref(), Some("已设置前缀：衡财绩〔2027〕"));

    // The draft item issued on 2027-01-04 takes the year's prefix.
    press(&mut app, &cx, KeyCode::Home);
    keys(&mut app, &cx, "N");
    retype(&mut app, &cx, "2027-01-04");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, CONTACT);
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "测试：底稿复核与下发并行");
    ctrl(&mut app, &cx, 's');
    assert!(screen(&app, &cx, 120, 40).contains("衡财绩〔2027〕1号"), "the .docx offer names the number");
    esc(&mut app, &cx);
    let notices = env.local.notices(CODE).unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].number, "衡财绩〔2027〕1号");
    assert_eq!(notices[0].items, vec![item]);
    assert_eq!(env.local.notice("衡财绩〔2027〕1号").unwrap().issue_date.to_string(), "2027-01-04");
}

#[test]
fn a_report_prefix_is_set_from_the_report_tab() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "5");
    keys(&mut app, &cx, "P");
    assert!(screen(&app, &cx, 120, 40).contains("报告文号前缀"));
    press(&mut app, &cx, KeyCode::Tab);
    // Brackets are the program's: refused on the field.
    keys(&mut app, &cx, "上会湘报字(");
    ctrl(&mut app, &cx, 's');
    assert!(screen(&app, &cx, 120, 40).contains("含括号"), "{}", screen(&app, &cx, 120, 40));
    press(&mut app, &cx, KeyCode::Backspace);
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "report");
    let bundle = env.local.store().export(None).unwrap();
    let set: Vec<(i32, &str)> = bundle.report_prefixes.iter().map(|p| (p.year, p.prefix.as_str())).collect();
    assert_eq!(set, [(2026, "上会湘报字")]);
}

// ─── milestones ─────────────────────────────────────────────────────────────────

#[test]
fn a_milestone_is_added_with_a_date_moved_and_marked_done() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    let before = env.local.milestones(Some(CODE)).unwrap().len();
    keys(&mut app, &cx, "M");
    assert_eq!(top_context(&app), "milestones");

    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "现场核查完成");
    press(&mut app, &cx, KeyCode::Tab); // the kind: 阶段
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2026-13-40");
    ctrl(&mut app, &cx, 's');
    assert!(screen(&app, &cx, 120, 40).contains("“2026-13-40”不是日期"), "{}", screen(&app, &cx, 120, 40));
    // A date the store does not take (before 1949) is its refusal, on the field.
    retype(&mut app, &cx, "1900-01-01");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    let refused = screen(&app, &cx, 120, 40);
    assert!(refused.contains("✗") && refused.contains("1949"), "{refused}");
    assert!(refused.contains("现场核查完成"), "the title is kept\n{refused}");
    retype(&mut app, &cx, "2026-12-10");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "milestones");
    let list = env.local.milestones(Some(CODE)).unwrap();
    assert_eq!(list.len(), before + 1);
    let m = list.iter().find(|m| m.title == "现场核查完成").expect("the new milestone");
    assert_eq!((m.due.to_string(), m.kind.label(), m.done_on), ("2026-12-10".to_string(), "阶段", None));
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains("现场核查完成") && shown.contains("2026-12-10"), "{shown}");

    // Select it (the list is by date), move its date, then mark it done today.
    let sorted = {
        let mut l = list.clone();
        l.sort_by_key(|m| (m.due, m.id));
        l
    };
    let at = sorted.iter().position(|x| x.id == m.id).unwrap();
    press(&mut app, &cx, KeyCode::Home);
    down(&mut app, &cx, at);
    keys(&mut app, &cx, "e");
    press(&mut app, &cx, KeyCode::Tab);
    retype(&mut app, &cx, "2026-12-12");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "milestones");
    let id = m.id;
    let moved = env.local.milestones(Some(CODE)).unwrap().into_iter().find(|x| x.id == id).unwrap();
    assert_eq!(moved.due.to_string(), "2026-12-12");
    assert_eq!(moved.done_on, None);

    keys(&mut app, &cx, "x");
    let done = env.local.milestones(Some(CODE)).unwrap().into_iter().find(|x| x.id == id).unwrap();
    assert_eq!(done.done_on, Some(today()));
    assert!(screen(&app, &cx, 120, 40).contains("2026-11-22 完成"), "{}", screen(&app, &cx, 120, 40));
    // The overview lists it as done.
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "project_view");
    let overview = screen(&app, &cx, 120, 40);
    assert!(overview.lines().any(|l| l.contains("现场核查完成") && l.contains("已完成")), "{overview}");
}

#[test]
fn a_bureau_wide_milestone_from_the_dashboard_and_its_removal() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    keys(&mut app, &cx, "d");
    keys(&mut app, &cx, "M");
    assert_eq!(top_context(&app), "milestones");
    let before = env.local.milestones(None).unwrap();
    keys(&mut app, &cx, "n");
    keys(&mut app, &cx, "第二轮绩效运行监控佐证材料报送");
    press(&mut app, &cx, KeyCode::Tab);
    press(&mut app, &cx, KeyCode::Right);
    press(&mut app, &cx, KeyCode::Right);
    press(&mut app, &cx, KeyCode::Right); // 阶段 → 评价 → 自评 → 监控
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2026-12-15");
    ctrl(&mut app, &cx, 's');
    let after = env.local.milestones(None).unwrap();
    assert_eq!(after.len(), before.len() + 1);
    let m = after.iter().find(|m| m.title == "第二轮绩效运行监控佐证材料报送" && !before.contains(m)).expect("added");
    assert_eq!((m.kind.label(), m.project), ("监控", None));

    let mut sorted = after.clone();
    sorted.sort_by_key(|m| (m.due, m.id));
    let at = sorted.iter().position(|x| x.id == m.id).unwrap();
    press(&mut app, &cx, KeyCode::Home);
    down(&mut app, &cx, at);
    keys(&mut app, &cx, "D");
    assert_eq!(top_context(&app), "confirm");
    assert!(screen(&app, &cx, 120, 40).contains("删除里程碑"));
    keys(&mut app, &cx, "y");
    assert_eq!(env.local.milestones(None).unwrap(), before);
}

// ─── the notice as it prints ────────────────────────────────────────────────────

#[test]
fn the_notice_preview_scrolls_and_writes_the_printed_text_to_a_file() {
    let env = Env::new();
    let number = issued_notice(&env);
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "4");
    press(&mut app, &cx, KeyCode::Home);
    keys(&mut app, &cx, "v");
    assert_eq!(top_context(&app), "notice_view");

    // What `jixiao notice NUMBER` prints: the copy kept at issue.
    let copy = notice::load_issued(&env.local, &number).unwrap().expect("kept at issue");
    let printed = notice::render_issued(&copy, &env.local.notice(&number).unwrap(), Rendering::Txt, None).unwrap();
    let printed = String::from_utf8(printed).unwrap();
    let top = screen(&app, &cx, 80, 24);
    assert!(top.contains(&format!("通知书 {number}（按打印样式）")), "{top}");
    assert!(top.contains("下发原文"), "{top}");
    let first_line = printed.lines().find(|l| !l.trim().is_empty()).unwrap();
    assert!(top.contains(first_line.trim()), "{top}");
    let last_line = printed.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(!top.contains(last_line.trim()), "a long notice does not fit one screen\n{top}");

    // Scrolling: a page down moves the text; G shows the end; g the top again.
    press(&mut app, &cx, KeyCode::PageDown);
    let paged = screen(&app, &cx, 80, 24);
    assert_ne!(paged, top);
    assert!(!paged.contains("第 1–"), "{paged}");
    keys(&mut app, &cx, "G");
    let end = screen(&app, &cx, 80, 24);
    assert!(end.contains(last_line.trim()), "{end}");
    keys(&mut app, &cx, "g");
    assert_eq!(screen(&app, &cx, 80, 24), top);

    // w: a path next to the store to start with; a .pdf is refused on the field.
    keys(&mut app, &cx, "w");
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains(&format!("{number}.txt")));
    let out = env.dir.path().join("整改通知书.pdf");
    retype(&mut app, &cx, out.to_str().unwrap());
    ctrl(&mut app, &cx, 's');
    assert!(screen(&app, &cx, 120, 40).contains("只写 .txt、.md 或 .docx"), "{}", screen(&app, &cx, 120, 40));
    let out = env.dir.path().join("整改通知书.txt");
    retype(&mut app, &cx, out.to_str().unwrap());
    ctrl(&mut app, &cx, 's');
    let written = screen(&app, &cx, 160, 40);
    assert!(written.contains(&format!("已写出通知书 {number}")) && written.contains("整改通知书.txt"), "{written}");
    let file = std::fs::read_to_string(&out).unwrap();
    assert_eq!(file, printed, "the file is what jixiao notice prints");
    assert_eq!(jixiao::read::issued::sha256_hex(file.as_bytes()), copy.text_sha256, "the sha256 recorded at issue");
    esc(&mut app, &cx);
    assert_eq!(top_context(&app), "notice_view");
}

#[test]
fn a_notice_is_cancelled_from_its_preview_with_a_reason() {
    let env = Env::new();
    let number = issued_notice(&env);
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "4");
    press(&mut app, &cx, KeyCode::Home);
    keys(&mut app, &cx, "v");
    keys(&mut app, &cx, "X");
    assert_eq!(top_context(&app), "form");
    keys(&mut app, &cx, "文号登记错误，重新发文");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "confirm");
    assert!(screen(&app, &cx, 120, 40).contains("文号不再使用"));
    keys(&mut app, &cx, "y");
    assert_eq!(top_context(&app), "notice_view");
    let n = env.local.notice(&number).unwrap();
    assert_eq!(n.state, NoticeState::Cancelled);
    assert_eq!(n.cancel_reason.as_deref(), Some("文号登记错误，重新发文"));
    let shown = screen(&app, &cx, 80, 24);
    assert!(shown.contains("【已作废】") && shown.contains("文号登记错误，重新发文"), "{shown}");
    // Its item is a draft again.
    let items = env.local.items(CODE).unwrap();
    assert!(items.iter().all(|i| i.state == jixiao::domain::ItemState::Draft), "{items:?}");
    // v on the item, a draft again, lists the project's notices: the cancelled one opens.
    esc(&mut app, &cx);
    keys(&mut app, &cx, "v");
    assert_eq!(top_context(&app), "popup");
    let list = screen(&app, &cx, 120, 40);
    assert!(list.contains("预览待下发的通知书"), "the draft's preview comes first\n{list}");
    assert!(list.lines().any(|l| l.contains(&number) && l.contains("已作废")), "{list}");
    down(&mut app, &cx, 1);
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "notice_view");
    assert!(screen(&app, &cx, 80, 24).contains("【已作废】"));
}

#[test]
fn a_notice_is_previewed_before_it_is_issued() {
    let env = Env::new();
    draft_item(&env);
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "4");
    keys(&mut app, &cx, "v");
    assert_eq!(top_context(&app), "popup");
    assert!(screen(&app, &cx, 120, 40).contains("预览待下发的通知书：畜牧水产事务中心"), "{}", screen(&app, &cx, 120, 40));
    enter(&mut app, &cx);
    assert_eq!(top_context(&app), "notice_view");
    let shown = screen(&app, &cx, 120, 40);
    for want in ["（下发时编号）", "草稿预览", REQ, "2027年1月31日前", "2026年11月22日"] {
        assert!(shown.contains(want), "{want}\n{shown}");
    }
    // Not issued: nothing to cancel, and nothing was written to the store.
    keys(&mut app, &cx, "X");
    assert!(toast(&app).is_some_and(|t| t.contains("还没有下发")), "{:?}", toast(&app));
    assert!(env.local.notices(CODE).unwrap().is_empty());
    // It can be written out to read with the unit before issuing.
    esc(&mut app, &cx);
    keys(&mut app, &cx, "w");
    let out = env.dir.path().join("待下发.md");
    retype(&mut app, &cx, out.to_str().unwrap());
    ctrl(&mut app, &cx, 's');
    assert!(screen(&app, &cx, 160, 40).contains("待下发.md"), "{}", screen(&app, &cx, 160, 40));
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains(REQ) && md.contains("（下发时编号）"), "{md}");
    assert!(env.local.notices(CODE).unwrap().is_empty());
}

// ─── the quality reviewer ───────────────────────────────────────────────────────

#[test]
fn the_quality_reviewer_is_named_from_the_overview() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "Q");
    assert_eq!(top_context(&app), "form");
    // Someone off the team is refused, in the form.
    keys(&mut app, &cx, "zhaoliu");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    let refused = screen(&app, &cx, 120, 40);
    assert!(refused.contains("✗") && refused.contains("zhaoliu"), "{refused}");
    retype(&mut app, &cx, "lina");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "project_view");
    assert_eq!(env.local.reviews(CODE).unwrap().quality_reviewer.as_deref(), Some("lina"));
}

// ─── the self-evaluation form's head ────────────────────────────────────────────

#[test]
fn the_form_head_is_written_from_the_scoring_tab() {
    let env = Env::new();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_scoring(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "H");
    assert_eq!(top_context(&app), "form");
    assert!(screen(&app, &cx, 120, 40).contains("自评表表头"));
    keys(&mut app, &cx, "2683.68 2683.68 2500");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2683.68 2500"); // two values: refused on the field
    ctrl(&mut app, &cx, 's');
    assert!(screen(&app, &cx, 120, 40).contains("“2683.68 2500”有 2 项"), "{}", screen(&app, &cx, 120, 40));
    retype(&mut app, &cx, "2683.68 - 2500");
    for _ in 0..3 {
        press(&mut app, &cx, KeyCode::Tab);
    }
    keys(&mut app, &cx, "10");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "退捕渔民过渡期补助按户发放到位");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "已发放 2500 万元，部分滞留乡镇");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "92.5");
    press(&mut app, &cx, KeyCode::Tab);
    keys(&mut app, &cx, "2000"); // more points than any threshold may be: the store refuses it
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "form");
    let refused = screen(&app, &cx, 120, 40);
    assert!(refused.contains("✗") && refused.contains("2000"), "{refused}");
    retype(&mut app, &cx, "1.5");
    ctrl(&mut app, &cx, 's');
    assert_eq!(top_context(&app), "scoring", "{}", screen(&app, &cx, 120, 40));
    let head = env.local.form(CODE).unwrap().head;
    // Each row as its label and three cells, `-` for one not printed.
    let cell = |v: Option<rust_decimal::Decimal>| v.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    let money: Vec<String> =
        head.money.iter().map(|r| format!("{} {} {} {}", r.label, cell(r.year_start), cell(r.full_year), cell(r.executed))).collect();
    assert_eq!(money, ["年度资金总额 2683.68 2683.68 2500", "财政拨款 2683.68 - 2500"]);
    assert_eq!(head.goal_expected, "退捕渔民过渡期补助按户发放到位");
    assert_eq!(head.goal_actual, "已发放 2500 万元，部分滞留乡镇");
    assert_eq!(head.printed_total.map(|d| d.to_string()).as_deref(), Some("92.5"));
    assert_eq!(head.row_threshold.map(|d| d.to_string()).as_deref(), Some("1.5"));
    assert_eq!(head.money_points.map(|d| d.to_string()).as_deref(), Some("10"));
}

// ─── snapshots ──────────────────────────────────────────────────────────────────

#[test]
fn snapshots_of_the_milestones_and_the_notice_preview() {
    let env = Env::new();
    issued_notice(&env);
    // One overdue, one done, one ahead.
    for (title, due) in [("现场核查完成", "2026-11-15"), ("评价报告初稿", "2026-11-20"), ("反馈意见交流会", "2026-12-10")]
    {
        env.local
            .execute(&command(serde_json::json!({"cmd":"add_milestone","project":CODE,"title":title,"kind":"阶段","due":due})))
            .unwrap();
    }
    let done = env.local.milestones(Some(CODE)).unwrap().into_iter().find(|m| m.title == "评价报告初稿").unwrap();
    let set =
        serde_json::json!({"cmd":"set_milestone","milestone":done.id,"title":"评价报告初稿","due":"2026-11-20","done_on":"2026-11-19"});
    env.local.execute(&command(set)).unwrap();
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "M");
    for (w, h) in [(120, 40), (80, 24)] {
        insta::assert_snapshot!(format!("milestones_{w}x{h}"), render(&app, &cx, w, h));
    }
    esc(&mut app, &cx);
    keys(&mut app, &cx, "4");
    press(&mut app, &cx, KeyCode::Home);
    keys(&mut app, &cx, "v");
    for (w, h) in [(120, 40), (80, 24)] {
        insta::assert_snapshot!(format!("notice_view_{w}x{h}"), render(&app, &cx, w, h));
    }
}

#[test]
fn the_new_screens_speak_english_in_the_en_catalog() {
    let env = Env::new().with_lang(jixiao::i18n::Lang::En);
    let number = issued_notice(&env);
    let cx = env.cx();
    let mut app = new_app(&cx);
    open_project(&mut app, &cx, "禁捕");
    keys(&mut app, &cx, "M");
    assert!(screen(&app, &cx, 120, 40).contains("Milestones: ZD21-17"), "{}", screen(&app, &cx, 120, 40));
    esc(&mut app, &cx);
    keys(&mut app, &cx, "4");
    keys(&mut app, &cx, "P");
    let form = screen(&app, &cx, 120, 40);
    assert!(form.contains("Notice number prefix") && form.contains("Year") && form.contains("Prefix"), "{form}");
    esc(&mut app, &cx);
    press(&mut app, &cx, KeyCode::Home);
    keys(&mut app, &cx, "v");
    let shown = screen(&app, &cx, 120, 40);
    assert!(shown.contains(&format!("Notice {number} (as it prints)")) && shown.contains("as issued"), "{shown}");
}
