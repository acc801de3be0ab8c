//! The generated store every benchmark measures on.

use jixiao::backend::Local;
use jixiao::store::Store;
use jixiao::templates::Templates;

/// `JIXIAO_BENCH_SCALE` projects, else `default`.
pub fn scale(default: u64) -> u64 {
    std::env::var("JIXIAO_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// A store in a temporary directory with `scale` generated projects (`demo --scale`).
pub fn generated(scale: u64) -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().expect("temp dir");
    let templates = Templates::builtin().expect("templates");
    let local = Local::new(Store::open(dir.path(), templates.clone()).expect("store"));
    let ctx = local.ctx();
    jixiao::demo::scale::generate(local.store(), &ctx, &templates, scale, |_, _| {}).expect("generate");
    (dir, local)
}
