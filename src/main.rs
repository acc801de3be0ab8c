use clap::Parser;
use jixiao::cli::{self, args::Cli};
use jixiao::{config, i18n};
use std::io::Write;

fn main() {
    let args = Cli::parse();
    // The config file first: it may set the language. Its problems go to stderr now (the
    // workbench shows them again once its screen is up) and the defaults continue.
    let (cfg, cfg_errors) = config::load();
    let mut stderr = std::io::stderr();
    for e in cfg_errors.iter().filter(|_| !cli::check::is_scan_child()) {
        let _ = writeln!(stderr, "jixiao: {}", jixiao::text::sanitize(&e.to_string()));
    }
    let env_lang = std::env::var("JIXIAO_LANG").ok();
    let lang = match i18n::resolve(args.lang.as_deref(), env_lang.as_deref(), cfg.lang) {
        Ok((l, warning)) => {
            if let Some(w) = warning {
                let _ = writeln!(stderr, "jixiao: {}", jixiao::text::sanitize(&w));
            }
            l
        }
        Err(msg) => {
            let _ = writeln!(stderr, "jixiao: {msg}");
            std::process::exit(2);
        }
    };
    i18n::set(lang);
    match cli::run(args, &cfg, &cfg_errors) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // stderr may be a terminal that has just hung up: never panic writing to it.
            let _ = writeln!(stderr, "jixiao: {}", jixiao::text::sanitize(&e.render(lang)));
            std::process::exit(1);
        }
    }
}
