//! Store benchmarks on a generated store: one flushed command, a project's reads, the
//! deadline index scan and `check`. Size with JIXIAO_BENCH_SCALE (default 1000 projects).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::backend::Backend;
use jixiao::command::Command;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let scale = common::scale(1000);
    let (_dir, local) = common::generated(scale);
    let mut n = 0u64;
    c.bench_function("execute update_project (flushed)", |b| {
        b.iter(|| {
            n += 1;
            let code = format!("SC-{:06}", n % scale + 1);
            let cmd = Command::UpdateProject {
                project: code,
                expected_version: None,
                name: Some(format!("基准项目{n}")),
                unit: None,
                kind: None,
                fiscal_year: None,
                amount: None,
                fund_notes: None,
                third_party: None,
            };
            black_box(local.execute(&cmd).expect("ok"))
        })
    });
    let s = local.store();
    c.bench_function("read one project: tree, findings, items", |b| {
        b.iter(|| {
            let p = s.project_by_code("SC-000500").expect("project");
            black_box((s.tree_of(p.id).expect("tree"), s.findings_of(p.id).expect("f"), s.items_of(p.id).expect("i")))
        })
    });
    let today = local.today();
    c.bench_function("deadline index: overdue and next 30 days", |b| {
        b.iter(|| black_box(s.deadlines(today + chrono::Duration::days(30)).expect("deadlines").len()))
    });
    let mut g = c.benchmark_group("whole store");
    g.sample_size(10);
    g.bench_function("check", |b| b.iter(|| black_box(s.check().is_clean())));
    g.bench_function("list projects", |b| b.iter(|| black_box(s.projects().expect("projects").len())));
    g.finish();
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);
