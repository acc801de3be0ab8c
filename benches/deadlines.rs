//! Deadline benchmarks on a generated store (JIXIAO_BENCH_SCALE projects, default 10000, as
//! in the target of ≥ 100,000 items): what `jixiao due --within 30` does after opening the
//! store (index scan, selection, the table), and the dashboard's build and first draw.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::backend::{Backend, Fetch};
use jixiao::domain::deadline::{self, DeadlineFilter};
use jixiao::i18n::Lang;
use jixiao::tui::app::{App, Cx};
use jixiao::tui::draft::Drafts;
use jixiao::tui::keymap::Keymap;
use jixiao::tui::screens::dashboard::DashboardScreen;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let scale = common::scale(10_000);
    let (_dir, local) = common::generated(scale);
    let today = local.today();
    let filter = DeadlineFilter { within: Some(30), ..Default::default() };
    let rows = deadline::select(local.deadlines(filter.until(today)).expect("deadlines"), &filter, today);
    eprintln!("{scale} projects: due --within 30 shows {} rows", rows.len());

    let mut g = c.benchmark_group("due");
    g.sample_size(20);
    // After a command the decoded list is gone: the index is scanned again.
    let mut n = 0u64;
    g.bench_function("due --within 30: index scan and selection (after a command)", |b| {
        b.iter_batched(
            || {
                n += 1;
                let cmd = jixiao::command::Command::SetBudgetTotal { year: 2020, amount: Some(rust_decimal::Decimal::from(90_000 + n)) };
                local.execute(&cmd).expect("command");
            },
            |_| black_box(deadline::select(local.deadlines(filter.until(today)).expect("deadlines"), &filter, today).len()),
            criterion::BatchSize::SmallInput,
        )
    });
    g.bench_function("due --within 30: selection from the kept list (a server between commands)", |b| {
        b.iter(|| black_box(deadline::select(local.deadlines(filter.until(today)).expect("deadlines"), &filter, today).len()))
    });
    g.bench_function("due --within 30: the 80-column table", |b| {
        b.iter(|| black_box(jixiao::export::deadlines::to_table(&rows, today, 80, Lang::Zh).len()))
    });
    g.finish();

    let keymap = Keymap::builtin();
    let drafts = Drafts::disabled();
    let cx = Cx { backend: &local, lang: Lang::Zh, today, keymap: &keymap, drafts: &drafts, data: None };
    let mut g = c.benchmark_group("dashboard");
    g.sample_size(10);
    g.bench_function("build (deadlines, project list, the year's figures)", |b| {
        b.iter(|| black_box(jixiao::dashboard::build(&local, &filter, today, None).expect("dashboard").overdue.len()))
    });
    g.bench_function("first frame: build and draw 120x40", |b| {
        b.iter(|| {
            let app = App::new(Box::new(DashboardScreen::new(&cx)));
            let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
            term.draw(|f| app.draw(f, &cx)).expect("draw");
            black_box(term.backend().buffer().area)
        })
    });
    g.finish();
}

criterion_group!(deadline_benches, benches);
criterion_main!(deadline_benches);
