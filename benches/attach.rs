//! Attaching a large evidence file: time and peak memory (VmHWM) of `attachments::attach`
//! on a 2 GiB file (sparse, so it costs no disk to make; the copy is written for real).
//! `JIXIAO_BENCH_ATTACH_MIB` sets the size. Run: `cargo bench --bench attach`.

use std::time::Instant;

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn main() {
    let mib: u64 = std::env::var("JIXIAO_BENCH_ATTACH_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(2048);
    let src = tempfile::tempdir().expect("temp dir");
    let data = tempfile::tempdir().expect("temp dir");
    let file = src.path().join("现场核查录像.mp4");
    std::fs::File::create(&file).and_then(|f| f.set_len(mib * 1024 * 1024)).expect("sparse file");
    let before = vm_hwm_kib();
    let start = Instant::now();
    let ev = jixiao::attachments::attach(data.path(), &file, chrono::Utc::now()).expect("attach");
    let took = start.elapsed();
    println!(
        "attach {mib} MiB: {:.2} s, VmHWM {} MiB before, {} MiB after ({ev:?})",
        took.as_secs_f64(),
        before / 1024,
        vm_hwm_kib() / 1024
    );
}
