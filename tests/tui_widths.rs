//! Widths as terminals draw them (issue 15, parts 2 and 5): with `ambiguous_width = "wide"`
//! no drawn cell holds an East Asian ambiguous character, so every row is exactly as wide
//! in a CJK terminal as ratatui thinks; and the lists keep what identifies a row (the code,
//! the name, the key figure) at 80×24 and 120×40, with dates and numbers never cut or broken.
//!
//! `INSTA_UPDATE=always cargo test --test tui_widths` rewrites the snapshots after an
//! intended change; read the diff.

mod tui_common;

use jixiao::backend::Fetch;
use jixiao::config::AmbiguousWidth;
use jixiao::domain::money::fmt2;
use jixiao::tui::ambiguous::is_ambiguous;
use ratatui::backend::TestBackend;
use tui_common::*;
use unicode_width::UnicodeWidthStr;

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

/// Each row of the drawn buffer as a terminal receives it (a wide character's second cell
/// is not sent).
fn rows(backend: &TestBackend) -> Vec<String> {
    let buf = backend.buffer();
    (0..buf.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buf.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                line.push_str(sym);
                skip = UnicodeWidthStr::width(sym).saturating_sub(1);
            }
            line
        })
        .collect()
}

/// Every row is `w` cells wide as a CJK terminal drawing ambiguous characters wide counts
/// them, and no cell holds one.
fn assert_fits_a_wide_terminal(backend: &TestBackend, w: u16, what: &str) {
    let buf = backend.buffer();
    let bad: Vec<String> = buf.content.iter().filter(|c| is_ambiguous(c.symbol())).map(|c| c.symbol().to_string()).collect();
    assert!(bad.is_empty(), "{what}: ambiguous cells {bad:?}");
    for (y, row) in rows(backend).iter().enumerate() {
        assert_eq!(UnicodeWidthStr::width_cjk(row.as_str()), w as usize, "{what}, row {y}: {row}");
    }
}

/// Opens `key` from the project list (`d` the dashboard, `L` the ledger, "" the list).
fn app_on(cx: &jixiao::tui::app::Cx, key: &str) -> jixiao::tui::app::App {
    let mut app = new_app(cx);
    keys(&mut app, cx, key);
    app
}

#[test]
fn wide_dashboard_and_project_list_have_no_ambiguous_cell_and_their_borders_line_up() {
    for (key, name) in [("d", "dashboard"), ("", "list")] {
        for (w, h) in SIZES {
            let env = Env::new().with_ambiguous(AmbiguousWidth::Wide);
            let cx = env.cx();
            let app = app_on(&cx, key);
            let backend = render(&app, &cx, w, h);
            assert_fits_a_wide_terminal(&backend, w, &format!("{name} {w}x{h}"));
            let shown = rows(&backend);
            if name == "dashboard" {
                // The panes' borders: corners and sides in the same columns on every row.
                let pane_rows: Vec<&String> = shown.iter().skip(1).take_while(|r| !r.starts_with("+-") || r.contains('|')).collect();
                assert!(shown[1].starts_with('+') && shown[1].ends_with('+'), "{}", shown[1]);
                for r in &pane_rows[1..pane_rows.len().saturating_sub(1)] {
                    assert!(r.starts_with('|') && r.ends_with('|'), "{r}");
                }
                assert!(shown.iter().any(|r| r.contains("ZD21-11") && r.contains("~")), "cut text ends with ~");
            } else {
                assert!(shown[2].chars().all(|c| c == '-'), "the rule under the filter: {}", shown[2]);
            }
            insta::assert_snapshot!(format!("wide_{name}_{w}x{h}"), shown.join("\n"));
        }
    }
}

#[test]
fn narrow_keeps_box_lines_and_wide_replaces_user_text_too() {
    // The default draws box lines (a narrow terminal shows them one cell wide).
    let env = Env::new();
    let cx = env.cx();
    let backend = render(&app_on(&cx, "d"), &cx, 120, 40);
    assert!(backend.buffer().content.iter().any(|c| c.symbol() == "│"), "narrow keeps the box lines");
    // User text with ambiguous characters (“135” in a project's name) is narrowed as well.
    let env = Env::new().with_ambiguous(AmbiguousWidth::Wide);
    let cx = env.cx();
    let shown = screen(&app_on(&cx, ""), &cx, 120, 40);
    assert!(shown.contains("\"135\"工程升级版奖补资金"), "{shown}");
    // The too-small notice is narrowed too (its × is ambiguous).
    let backend = render(&app_on(&cx, ""), &cx, 40, 10);
    assert_fits_a_wide_terminal(&backend, 40, "too small");
}

#[test]
fn every_screen_keeps_code_name_and_key_figure_at_80_and_120() {
    let env = Env::new();
    let cx = env.cx();
    let projects = env.local.project_list().unwrap();
    for (w, h) in SIZES {
        // The project list: code, the name's start, the amount, whole.
        let shown = screen(&app_on(&cx, ""), &cx, w, h);
        for p in projects.iter().take(h as usize - 7) {
            let row =
                shown.lines().find(|l| l.starts_with(&format!("{} ", p.code))).unwrap_or_else(|| panic!("{} at {w}: {shown}", p.code));
            let head: String = p.name.chars().take(6).collect();
            assert!(row.contains(&head), "{w}x{h}: the name of {} shows: {row}", p.code);
            assert!(row.contains(&fmt2(p.amount)), "{w}x{h}: the amount of {} shows whole: {row}", p.code);
        }
        // The project view's title line: the code and the name.
        let mut app = new_app(&cx);
        open_project(&mut app, &cx, "ZD21-11");
        let first = screen(&app, &cx, w, h).lines().next().unwrap_or_default().to_string();
        assert!(first.contains("ZD21-11 老旧小区配套资金"), "{first}");
        // The 整改 tab: item, due date, notice number whole.
        keys(&mut app, &cx, "4");
        let shown = screen(&app, &cx, w, h);
        for (id, due, notice) in [("#11", "2026-10-23", "财绩整〔2026〕4号"), ("#13", "2026-11-17", "财绩整〔2026〕5号")] {
            let row = shown.lines().find(|l| l.starts_with(&format!("{id} "))).unwrap_or_else(|| panic!("{id}: {shown}"));
            assert!(row.contains(due) && row.contains(notice), "{w}x{h}: {row}");
        }
        assert_no_split_figures(&shown, w);
        // The ledger: number, project code, due date whole on every row.
        let shown = screen(&app_on(&cx, "L"), &cx, w, h);
        let ledger_rows: Vec<&str> = shown.lines().filter(|l| l.contains(" ZD21-")).collect();
        assert!(ledger_rows.len() >= 10, "{shown}");
        for row in ledger_rows {
            assert!(row.split_whitespace().any(|t| t.len() == 10 && t.starts_with("202")), "{w}x{h}: a whole date: {row}");
        }
        // The dashboard: date, days left and project code on every row of both panes.
        let shown = screen(&app_on(&cx, "d"), &cx, w, h);
        let due_rows: Vec<&str> = shown.lines().filter(|l| l.contains("天 ZD21-")).collect();
        assert!(due_rows.len() >= 8, "{shown}");
        for row in due_rows {
            assert!(row.matches("ZD21-").count() >= 1 && row.contains('天'), "{row}");
        }
    }
}

/// No date or number is broken across two lines: a line ending in digits followed by a
/// line going on with digits (「2027-01-0」「1」).
fn assert_no_split_figures(shown: &str, w: u16) {
    let lines: Vec<&str> = shown.lines().collect();
    for pair in lines.windows(2) {
        let (a, b) = (pair[0].trim_end(), pair[1].trim_start());
        let ends = a.chars().last().is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '.');
        let goes_on = b.chars().next().is_some_and(|c| c.is_ascii_digit());
        // A full-width line that ends in a figure and a line starting with one: broken.
        assert!(!(ends && goes_on && jixiao::text::width(a) >= w as usize - 2), "split across lines:\n{a}\n{b}");
    }
}

#[test]
fn long_names_and_long_codes_keep_their_code_and_figures() {
    let env = Env::new();
    let mut ctx = env.local.ctx();
    ctx.actor = ACTOR.to_string();
    let long_name = "2021年度乡村振兴衔接推进资金（含易地扶贫搬迁后续扶持、农村人居环境整治提升、高标准农田建设）";
    for (code, amount) in [("SC-000001", "123456.78"), ("QX2021-XCZX-00017", "9.50")] {
        let cmd = command(serde_json::json!({"cmd":"create_project","code":code,"name":long_name,"kind":"项目支出",
            "fiscal_year":2021,"unit":"乡村振兴局（扶贫开发办公室）","amount":amount}));
        env.local.store().execute(&cmd, &ctx).unwrap();
    }
    let cx = env.cx();
    for (w, h) in SIZES {
        let mut app = new_app(&cx);
        keys(&mut app, &cx, "/");
        keys(&mut app, &cx, "乡村振兴");
        let shown = screen(&app, &cx, w, h);
        for (code, amount) in [("SC-000001", "123456.78"), ("QX2021-XCZX-00017", "9.50")] {
            let row = shown.lines().find(|l| l.starts_with(&format!("{code} "))).unwrap_or_else(|| panic!("{code} at {w}: {shown}"));
            assert!(row.contains(amount), "{w}x{h}: {row}");
            assert!(row.contains("2021年度乡村振兴"), "{w}x{h}: the name gets room: {row}");
            assert!(jixiao::text::width(row) <= w as usize, "{row}");
        }
        insta::assert_snapshot!(format!("long_names_{w}x{h}"), shown);
        // Its own view: the code whole, the name cut with a mark.
        enter(&mut app, &cx);
        enter(&mut app, &cx);
        let first = screen(&app, &cx, w, h).lines().next().unwrap_or_default().to_string();
        assert!(first.contains("QX2021-XCZX-00017 2021年度") || first.contains("SC-000001 2021年度"), "{first}");
        assert!(first.ends_with('⋯'), "{first}");
    }
}
