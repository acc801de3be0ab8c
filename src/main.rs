use clap::Parser;
use jixiao::cli::{self, args::Cli};
use jixiao::i18n;
use std::io::Write;

fn main() {
    let args = Cli::parse();
    let lang = match i18n::resolve(args.lang.as_deref(), std::env::var("LANG").ok().as_deref()) {
        Ok(l) => l,
        Err(msg) => {
            eprintln!("jixiao: {msg}");
            std::process::exit(2);
        }
    };
    i18n::set(lang);
    match cli::run(args) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // stderr may be a terminal that has just hung up: never panic writing to it.
            let _ = writeln!(std::io::stderr(), "jixiao: {}", jixiao::text::sanitize(&e.render(lang)));
            std::process::exit(1);
        }
    }
}
