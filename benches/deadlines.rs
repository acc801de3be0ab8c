//! Deadline benchmarks on a generated store (JIXIAO_BENCH_SCALE projects, default 10000, as
//! in the target of ≥ 100,000 items): what the store does for `jixiao due --within 30`
//! (selection from the kept deadline list, the table), and the dashboard's build and first
//! draw.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::backend::{Backend, Fetch, Query};
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
    // A command that adds a deadline renews the kept list (it is not scanned again).
    let code = local.project_list().expect("projects")[0].code.clone();
    let mut n = 0u64;
    // What the server does for `jixiao due --within 30`: select from the kept list, render.
    let due = Query::Due {
        request: jixiao::read::due::DueRequest { filter: filter.clone(), today, json: false, width: 80, english: false, count: false },
    };
    let answer = |q: &Query| match local.query(q).expect("due") {
        jixiao::backend::Reply::Due { text, .. } => text.len(),
        _ => 0,
    };
    g.bench_function("due --within 30: answer after a command that adds a deadline", |b| {
        b.iter_batched(
            || {
                n += 1;
                let cmd = jixiao::command::Command::AddMilestone {
                    project: Some(code.clone()),
                    title: format!("补充佐证材料 第{n}次"),
                    kind: jixiao::domain::MilestoneKind::Other,
                    due: today + chrono::Duration::days(10),
                };
                local.execute(&cmd).expect("command");
            },
            |_| black_box(answer(&due)),
            criterion::BatchSize::SmallInput,
        )
    });
    g.bench_function("due --within 30: answer between commands", |b| b.iter(|| black_box(answer(&due))));
    g.bench_function("due --within 30: the 80-column table", |b| {
        b.iter(|| black_box(jixiao::read::due::to_table(&rows, today, 80, Lang::Zh).len()))
    });
    g.finish();

    let keymap = Keymap::builtin();
    let drafts = Drafts::disabled();
    let cx = Cx { backend: &local, lang: Lang::Zh, today, keymap: &keymap, drafts: &drafts, data: None, ambiguous: Default::default() };
    let mut g = c.benchmark_group("dashboard");
    g.sample_size(10);
    g.bench_function("build (deadlines, project list, the year's figures)", |b| {
        b.iter(|| black_box(local.dashboard(&filter, today, None).expect("dashboard").overdue.len()))
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
