//! Shared harness for the TUI tests: a seeded demo store on a fixed clock, an `App` driven
//! key by key, and a `TestBackend` to render into.

#![allow(dead_code)]

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::backend::{Clock, Local};
use jixiao::domain::IndicatorTree;
use jixiao::i18n::Lang;
use jixiao::store::Store;
use jixiao::templates::Templates;
use jixiao::tui::app::{App, Cx};
use jixiao::tui::draft::Drafts;
use jixiao::tui::keymap::Keymap;
use jixiao::tui::screens::project_list::ProjectList;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub const ACTOR: &str = "zhangsan";

/// A command as a user writes it for `jixiao exec` (unset fields stay unchanged).
pub fn command(v: serde_json::Value) -> jixiao::command::Command {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"))
}

/// 2026-11-22, the day every TUI test runs on.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), today())
}

/// A demo store in a temp dir, the keymap and the drafts the app sees.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub local: Local,
    pub keymap: Keymap,
    pub drafts: Drafts,
    pub lang: Lang,
    /// How the terminal under test draws ambiguous-width characters.
    pub ambiguous: jixiao::config::AmbiguousWidth,
}

impl Env {
    pub fn new() -> Env {
        Env::acting_as(ACTOR)
    }

    /// The demo seeded by zhangsan (the lead of every demo project), used by `actor`.
    pub fn acting_as(actor: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Templates::builtin().unwrap()).unwrap();
        let local = Local::new(store).with_clock(clock()).with_actor(actor);
        let seed = jixiao::demo::seed::parse(jixiao::demo::seed::CASES_TOML).unwrap();
        let mut ctx = local.ctx();
        ctx.actor = ACTOR.to_string();
        jixiao::demo::build::seed(local.store(), &ctx, &seed).unwrap();
        let drafts = Drafts::new(dir.path(), actor);
        Env { dir, local, keymap: Keymap::builtin(), drafts, lang: Lang::Zh, ambiguous: Default::default() }
    }

    pub fn with_keymap(mut self, keymap: Keymap) -> Env {
        self.keymap = keymap;
        self
    }

    pub fn with_ambiguous(mut self, ambiguous: jixiao::config::AmbiguousWidth) -> Env {
        self.ambiguous = ambiguous;
        self
    }

    pub fn with_lang(mut self, lang: Lang) -> Env {
        self.lang = lang;
        self
    }

    pub fn cx(&self) -> Cx<'_> {
        Cx {
            backend: &self.local,
            lang: self.lang,
            today: today(),
            keymap: &self.keymap,
            drafts: &self.drafts,
            data: Some(self.dir.path()),
            ambiguous: self.ambiguous,
        }
    }

    pub fn pid(&self, code: &str) -> u64 {
        self.local.store().project_by_code(code).unwrap().id
    }

    pub fn tree(&self, code: &str) -> IndicatorTree {
        self.local.store().tree_of(self.pid(code)).unwrap()
    }

    pub fn audit_len(&self) -> usize {
        self.local.store().audit_log().unwrap().len()
    }

    /// The index of a node in depth-first order (what the scoring tab's cursor counts).
    pub fn row_of(&self, code: &str, name: &str) -> usize {
        self.tree(code).nodes.iter().position(|n| n.name == name).unwrap_or_else(|| panic!("no indicator “{name}” in {code}"))
    }

    pub fn node_id(&self, code: &str, name: &str) -> u32 {
        self.tree(code).nodes.iter().find(|n| n.name == name).unwrap_or_else(|| panic!("no indicator “{name}” in {code}")).id
    }
}

pub fn new_app(cx: &Cx) -> App {
    App::new(Box::new(ProjectList::new(cx)))
}

pub fn press(app: &mut App, cx: &Cx, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE), cx);
}

pub fn ctrl(app: &mut App, cx: &Cx, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL), cx);
}

/// One key per character, as a terminal sends them ('\n' is Enter).
pub fn keys(app: &mut App, cx: &Cx, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) };
        let mods = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
        app.on_key(KeyEvent::new(code, mods), cx);
    }
}

pub fn enter(app: &mut App, cx: &Cx) {
    press(app, cx, KeyCode::Enter);
}

pub fn esc(app: &mut App, cx: &Cx) {
    press(app, cx, KeyCode::Esc);
}

pub fn down(app: &mut App, cx: &Cx, n: usize) {
    for _ in 0..n {
        press(app, cx, KeyCode::Down);
    }
}

/// Renders the app into a `w`×`h` test terminal.
pub fn render(app: &App, cx: &Cx, w: u16, h: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| app.draw(f, cx)).unwrap();
    terminal.backend().clone()
}

/// The screen as plain text, one line per row, trailing blanks trimmed.
pub fn screen(app: &App, cx: &Cx, w: u16, h: u16) -> String {
    let backend = render(app, cx, w, h);
    let buf = backend.buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            let sym = cell.symbol();
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// From the project list: filter to `needle`, open the (only) match, go to the scoring tab.
pub fn open_scoring(app: &mut App, cx: &Cx, needle: &str) {
    keys(app, cx, "/");
    keys(app, cx, needle);
    enter(app, cx); // keep the filter
    enter(app, cx); // open the project
    keys(app, cx, "2");
}

/// From the project list: filter and open the project (overview tab).
pub fn open_project(app: &mut App, cx: &Cx, needle: &str) {
    keys(app, cx, "/");
    keys(app, cx, needle);
    enter(app, cx);
    enter(app, cx);
}

/// Moves the scoring cursor from the top to row `row`.
pub fn goto_row(app: &mut App, cx: &Cx, row: usize) {
    press(app, cx, KeyCode::Home);
    down(app, cx, row);
}

/// Top layer names, for asserting which popup is open.
pub fn top_context(app: &App) -> &'static str {
    app.stack.last().map(|l| l.context()).unwrap_or("")
}

/// 资金到位率 scored by wangfang, first-reviewed by lisi, second by the lead (zhangsan).
pub fn second_reviewed(env: &Env) {
    first_reviewed(env);
    let mut ctx = env.local.ctx();
    ctx.actor = "zhangsan".to_string();
    env.local
        .store()
        .execute(&command(serde_json::json!({"cmd":"review_score","project":"ZD21-06","indicator":"资金到位率"})), &ctx)
        .unwrap();
}

/// 资金到位率 scored by wangfang and first-reviewed by lisi (added to the team).
pub fn first_reviewed(env: &Env) {
    for (actor, v) in [
        ("zhangsan", serde_json::json!({"cmd":"set_team","project":"ZD21-06","lead":"zhangsan","members":["wangfang","lisi"]})),
        ("wangfang", serde_json::json!({"cmd":"score","project":"ZD21-06","indicator":"资金到位率","input":{"direct":{"value":"4"}}})),
        ("lisi", serde_json::json!({"cmd":"review_score","project":"ZD21-06","indicator":"资金到位率"})),
    ] {
        let mut ctx = env.local.ctx();
        ctx.actor = actor.to_string();
        env.local.store().execute(&command(v), &ctx).unwrap();
    }
}
