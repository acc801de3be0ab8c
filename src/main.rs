use clap::FromArgMatches;
use jixiao::cli::{self, args::Cli};
use jixiao::{config, i18n};
use std::io::Write;

fn main() {
    // The config file first: it may set the language, which the help (--help) is written in.
    let (cfg, cfg_errors) = config::load();
    let env_lang = std::env::var("JIXIAO_LANG").ok();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let help_lang = cli::help::lang_of(&argv, env_lang.as_deref(), cfg.lang);
    let args = match cli::help::command(help_lang).try_get_matches_from(&argv).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(a) => a,
        Err(e) => {
            use clap::error::ErrorKind;
            let asked = matches!(
                e.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            if asked || help_lang == i18n::Lang::En {
                e.exit()
            }
            let _ = std::io::stderr().write_all(cli::help::zh_error(&e).as_bytes());
            std::process::exit(2);
        }
    };
    // The config's problems go to stderr now (the workbench shows them again once its screen
    // is up) and the defaults continue.
    let mut stderr = std::io::stderr();
    for e in cfg_errors.iter().filter(|_| !cli::check::is_scan_child()) {
        let _ = writeln!(stderr, "jixiao: {}", jixiao::text::sanitize(&e.to_string()));
    }
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
