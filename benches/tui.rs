//! TUI benchmarks on a generated store: one list move (the key and the redraw into a
//! 120×40 buffer), and building the project list. Size with JIXIAO_BENCH_SCALE (default
//! 10000 projects, as in the target: a move redraws in under 5 ms).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::backend::Backend;
use jixiao::i18n::Lang;
use jixiao::tui::app::{App, Cx};
use jixiao::tui::draft::Drafts;
use jixiao::tui::keymap::Keymap;
use jixiao::tui::screens::project_list::ProjectList;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let (_dir, local) = common::generated(common::scale(10_000));
    let keymap = Keymap::builtin();
    let drafts = Drafts::disabled();
    let cx = Cx {
        backend: &local,
        lang: Lang::Zh,
        today: local.today(),
        keymap: &keymap,
        drafts: &drafts,
        data: None,
        ambiguous: Default::default(),
    };
    let mut app = App::new(Box::new(ProjectList::new(&cx)));
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    term.draw(|f| app.draw(f, &cx)).expect("draw");
    let mut down = true;
    c.bench_function("list: one-row move and redraw (120x40)", |b| {
        b.iter(|| {
            let code = if down { KeyCode::Char('j') } else { KeyCode::Char('k') };
            down = !down;
            app.on_key(KeyEvent::new(code, KeyModifiers::NONE), &cx);
            term.draw(|f| app.draw(f, &cx)).expect("draw");
            black_box(term.backend().buffer().area);
        })
    });
    let mut g = c.benchmark_group("startup");
    g.sample_size(10);
    g.bench_function("build the project list (query, sort)", |b| b.iter(|| black_box(ProjectList::new(&cx))));
    g.finish();
}

criterion_group!(tui_benches, benches);
criterion_main!(tui_benches);
