//! Commands per second through `jixiao serve` with 8 clients, and one command's latency
//! (p50, p99). Each command is flushed before it is acknowledged. Run with
//! `cargo bench --bench server` (JIXIAO_BENCH_CLIENTS, JIXIAO_BENCH_COMMANDS per client).
//! JIXIAO_BENCH_STORE=DIR serves a copy of an existing store instead (e.g. the 10k demo): its kept
//! lists are read first, and a reader asks for the project list and the dashboard while the
//! writers write, as open workbenches do after each change.

use jixiao::backend::{Backend, Fetch};
use jixiao::command::Command;
use jixiao::domain::MilestoneKind;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One client sending `n` flushed commands in a row; the latency of each.
fn run(sock: &std::path::Path, n: usize, tag: &str) -> Vec<Duration> {
    let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    let remote = jixiao::remote::Remote::connect(sock).expect("connect").expect("a server");
    (0..n)
        .map(|i| {
            let cmd =
                Command::AddMilestone { project: None, title: format!("压力测试 {tag} 第{i}条"), kind: MilestoneKind::Other, due };
            let t = Instant::now();
            remote.execute(&cmd).expect("command");
            t.elapsed()
        })
        .collect()
}

/// The project list and the dashboard, over and over until told to stop.
fn read_while(sock: &std::path::Path, reading: &std::sync::atomic::AtomicBool) -> Vec<Duration> {
    use jixiao::backend::Fetch;
    let remote = jixiao::remote::Remote::connect(sock).expect("connect").expect("a server");
    let today = remote.today();
    let mut times = vec![];
    while reading.load(std::sync::atomic::Ordering::SeqCst) {
        let t = Instant::now();
        remote.project_list().expect("project list");
        times.push(t.elapsed());
        let t = Instant::now();
        remote.dashboard(&Default::default(), today, None).expect("dashboard");
        times.push(t.elapsed());
    }
    times
}

fn main() {
    let clients = env("JIXIAO_BENCH_CLIENTS", 8);
    let per_client = env("JIXIAO_BENCH_COMMANDS", 500);
    // Private (0700): a data dir open to others is refused once a store is in it.
    let temp = tempfile::Builder::new().permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700)).tempdir().expect("temp dir");
    let store = std::env::var_os("JIXIAO_BENCH_STORE").map(std::path::PathBuf::from);
    if let Some(from) = &store {
        // A copy: the milestones the writers add stay out of the store given.
        let ok = std::process::Command::new("cp").arg("-r").arg(from.join("store")).arg(temp.path()).status().expect("cp");
        assert!(ok.success(), "copying {}", from.display());
    }
    let data = temp.path().to_path_buf();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(&data)
        .arg("serve")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("jixiao serve");
    let sock = data.join("run/server.sock");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::os::unix::net::UnixStream::connect(&sock).is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(10));
    }
    // One client alone: the latency of one command.
    if store.is_some() {
        // The kept lists are filled, so each command below renews them.
        let remote = jixiao::remote::Remote::connect(&sock).expect("connect").expect("a server");
        jixiao::backend::Fetch::project_list(&remote).expect("project list");
        remote.dashboard(&Default::default(), remote.today(), None).expect("dashboard");
    }
    let mut one = run(&sock, 200, "单客户端");
    one.sort();
    let pct = |v: &[Duration], p: f64| v[((v.len() as f64 * p) as usize).min(v.len() - 1)];
    println!("1 client, 200 commands: p50 {:.2} ms, p99 {:.2} ms", pct(&one, 0.5).as_secs_f64() * 1e3, pct(&one, 0.99).as_secs_f64() * 1e3);
    let reading = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(store.is_some()));
    let reader = store.is_some().then(|| {
        let (sock, reading) = (sock.clone(), reading.clone());
        std::thread::spawn(move || read_while(&sock, &reading))
    });
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let sock = sock.clone();
            std::thread::spawn(move || run(&sock, per_client, &format!("客户端{c}")))
        })
        .collect();
    let mut all: Vec<Duration> = handles.into_iter().flat_map(|h| h.join().expect("client")).collect();
    let secs = start.elapsed().as_secs_f64();
    all.sort();
    println!(
        "{clients} clients × {per_client} commands: {:.0} commands/s; latency p50 {:.2} ms, p99 {:.2} ms",
        all.len() as f64 / secs,
        pct(&all, 0.5).as_secs_f64() * 1e3,
        pct(&all, 0.99).as_secs_f64() * 1e3
    );
    reading.store(false, std::sync::atomic::Ordering::SeqCst);
    if let Some(r) = reader {
        let mut reads = r.join().expect("reader");
        reads.sort();
        println!(
            "meanwhile {} reads (project list, dashboard): p50 {:.1} ms, p99 {:.1} ms",
            reads.len(),
            pct(&reads, 0.5).as_secs_f64() * 1e3,
            pct(&reads, 0.99).as_secs_f64() * 1e3
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}
