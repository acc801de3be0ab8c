//! Search across projects where the server answers it (in-process, as `jixiao serve` runs
//! `Local::query`): the first search (the kept texts filled by one pass over the records),
//! then searches for a common and a rare word, and one after a command (the kept texts of the
//! project it wrote renewed). On a copy of JIXIAO_BENCH_STORE (e.g. the 10k demo), else on
//! JIXIAO_BENCH_SCALE generated projects (default 1000).
//!
//!     JIXIAO_BENCH_STORE=/tmp/s10k cargo bench --bench search

mod common;

use jixiao::backend::{Backend, Fetch, Local};
use jixiao::read::search::{SearchRequest, SearchResult};
use std::time::Instant;

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

fn ask(local: &Local, text: &str) -> (SearchResult, f64) {
    let t = Instant::now();
    let r = local.search(&SearchRequest { text: text.into(), project: None, kinds: vec![], limit: 200 }).expect("search");
    (r, t.elapsed().as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let temp = tempfile::tempdir().expect("temp dir");
    // A data dir is opened only while it is the owner's alone.
    std::fs::set_permissions(temp.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).expect("chmod 0700");
    let (_generated, local) = match std::env::var_os("JIXIAO_BENCH_STORE") {
        Some(from) => {
            let ok = std::process::Command::new("cp").arg("-r").arg(std::path::Path::new(&from).join("store")).arg(temp.path()).status();
            assert!(ok.is_ok_and(|s| s.success()), "copying the store");
            (None, Local::open(temp.path()).expect("open the copy"))
        }
        None => {
            let (dir, local) = common::generated(common::scale(1_000));
            (Some(dir), local)
        }
    };
    let projects = local.project_list().expect("projects").len();
    let before = rss_mb();
    let (r, first) = ask(&local, "资金");
    println!("{projects} projects: first search (fills the kept texts) {first:.0} ms; RSS {before:.0} → {:.0} MB", rss_mb());
    println!("  「资金」: {} hits", r.total);
    for word in ["资金", "凭证", "PPP", "人口普查", "无此内容"] {
        let mut times = vec![];
        let mut total = 0;
        for _ in 0..15 {
            let (r, ms) = ask(&local, word);
            total = r.total;
            times.push(ms);
        }
        println!(
            "  「{word}」: {total} hits; median {:.1} ms, max {:.1} ms (15 runs)",
            median(times.clone()),
            times.iter().cloned().fold(0.0, f64::max)
        );
    }
    // A command on one project, then a search: its texts are read again, the rest kept.
    let code = local.project_list().expect("projects")[0].code.clone();
    let mut after = vec![];
    for i in 0..10 {
        let cmd = serde_json::json!({"cmd":"record_finding","project":code,"text":format!("基准测试问题{i}"),"category":"档案资料不完整","severity":"一般","indicators":[]});
        local.execute(&serde_json::from_value(cmd).expect("command")).expect("record_finding");
        after.push(ask(&local, "资金").1);
    }
    println!("  after a command: 「资金」 median {:.1} ms (10 runs); scans {}", median(after), local.store().kept_list_scans());
}
