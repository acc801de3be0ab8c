//! Non-interactive commands, one file each, and the dispatch from parsed arguments.

pub mod admin;
pub mod archive;
pub mod args;
pub mod backup;
pub mod check;
pub mod check_project;
pub mod datadir;
pub mod demo;
pub mod doctor;
pub mod document;
pub mod due;
pub mod exec;
pub mod export;
pub mod help;
pub mod help_zh;
pub mod import;
pub mod import_cases;
pub mod import_form;
pub mod ledger;
pub mod notice;
pub mod out;
pub mod report;
pub mod restore;
pub mod search;
pub mod template;

use crate::config::{Config, ConfigError};
use crate::domain::Result;
use args::{Cli, Cmd};

/// `jixiao import`: a JSON bundle, or a spreadsheet by `--as`; options that do not fit
/// the kind are refused rather than ignored.
fn import_dispatch(data: &std::path::Path, a: &args::ImportArgs) -> Result<i32> {
    use args::SheetKind;
    let refuse = |opt: &str, why: &str| Err(crate::domain::Error::invalid("jixiao import", opt, why.to_string()));
    let Some(kind) = a.kind else {
        for (set, opt) in [
            (a.project.is_some(), "--project"),
            (a.sheet.is_some(), "--sheet"),
            (a.dry_run, "--dry-run"),
            (a.year.is_some(), "--year"),
            (a.prefix.is_some(), "--prefix"),
            (a.replace.is_some(), "--replace"),
        ] {
            if set {
                return refuse(opt, "只用于导入表格：加 --as cases|indicators|self-eval");
            }
        }
        if restore::is_zip(&a.file) {
            if a.merge {
                return refuse("--merge", "备份（.zip）只恢复到空的数据目录，不合并：用 --data 指向一个新目录");
            }
            return restore::run(data, &a.file);
        }
        return import::run(data, &a.file, a.merge);
    };
    if a.merge {
        return refuse("--merge", "只用于导入 JSON 备份；表格导入全部成功或全部不导入");
    }
    match kind {
        SheetKind::Cases => {
            if a.project.is_some() {
                return refuse("--project", "--as cases 每行新建一个项目，不用 --project");
            }
            if a.replace.is_some() {
                return refuse("--replace", "只用于 --as indicators 或 --as self-eval");
            }
            import_cases::run(data, &a.file, a)
        }
        SheetKind::Indicators | SheetKind::SelfEval => {
            if a.prefix.is_some() {
                return refuse("--prefix", "只用于 --as cases");
            }
            import_form::run(data, &a.file, kind, a)
        }
    }
}

/// Before the workbench starts: a terminal whose locale cannot show it is refused (the exit
/// code returned), one whose locale names no charset is warned on stderr (left on the screen
/// after the workbench ends) and goes on.
fn terminal_gate() -> Option<i32> {
    use std::io::Write;
    let env = |k: &str| std::env::var(k).ok();
    // Best effort: the exit code says it either way.
    if let Some(message) = crate::locale::refusal(env) {
        let _ = std::io::stderr().write_all(&crate::locale::in_terminal_charset(&message, env));
        return Some(2);
    }
    if let Some(message) = crate::locale::warning(env) {
        let _ = writeln!(std::io::stderr(), "jixiao: {message}");
    }
    None
}

/// Runs one invocation with the config file's settings (and its problems, which the
/// workbench shows); the exit code is 0 on success.
pub fn run(cli: Cli, cfg: &Config, cfg_errors: &[ConfigError]) -> Result<i32> {
    let data = datadir::resolve(cli.data.clone(), cfg.data.clone());
    crate::connect::set_local_only(cli.local);
    // `--keymap FILE`, else the config's `keymap`, else keymap.toml beside the config.
    let keymap = cli.keymap.clone().or_else(|| cfg.keymap.clone());
    let start =
        crate::tui::Start { keymap: keymap.as_deref(), mouse: cfg.mouse(), ambiguous: cfg.ambiguous_width(), config_errors: cfg_errors };
    match cli.command {
        None => {
            if let Some(code) = terminal_gate() {
                return Ok(code);
            }
            let backend = crate::connect::open_for_workbench(&data)?;
            crate::tui::run(backend.as_ref(), &data, &start, crate::i18n::current())
        }
        // A demo goes in --data or a fresh directory, never in the configured data dir.
        Some(Cmd::Demo { seed_only, scale }) => {
            if !seed_only && let Some(code) = terminal_gate() {
                return Ok(code);
            }
            demo::run(cli.data, seed_only, scale, &start)
        }
        Some(Cmd::Template { action }) => template::run(&data, action),
        Some(Cmd::Export { project, format: args::ExportFormat::Json, kind: None, output }) => {
            export::run(&data, project.as_deref(), output.as_deref())
        }
        Some(Cmd::Export { project, format, kind, output }) => export::sheet(&data, project.as_deref(), format, kind, output.as_deref()),
        Some(Cmd::Backup { output }) => backup::run(&data, &output),
        Some(Cmd::Import(args)) => import_dispatch(&data, &args),
        Some(Cmd::Ledger(args)) => ledger::run(&data, &args),
        Some(Cmd::Due(args)) => due::run(&data, &args),
        Some(Cmd::Search(args)) => search::run(&data, &args),
        Some(Cmd::Notice(args)) => notice::run(&data, &args),
        Some(Cmd::Report(args)) => report::run(&data, &args),
        Some(Cmd::Exec) => exec::run(&data),
        Some(Cmd::Check { project: Some(code), format }) => check_project::run(&data, &code, format),
        Some(Cmd::Check { project: None, format }) => {
            if format == args::DueFormat::Json {
                return Err(crate::domain::Error::invalid("jixiao check", "--format", "json 只用于单个项目的自检：加 --project CODE"));
            }
            check::run(&data)
        }
        Some(Cmd::Archive { code, output }) => archive::run(&data, &code, &output),
        Some(Cmd::Verify { path }) => archive::verify(&path),
        Some(Cmd::Doctor { fix }) => doctor::run(&data, fix),
        Some(Cmd::Admin { action }) => admin::run(&data, action),
        Some(Cmd::Serve { idle_exit, idle_timeout, frame_timeout, max_connections_per_user, max_connections }) => {
            let secs = std::time::Duration::from_secs;
            let d = crate::connect::Limits::default();
            let limits = crate::connect::Limits {
                idle_timeout: idle_timeout.map(secs).unwrap_or(d.idle_timeout),
                frame_timeout: frame_timeout.map(secs).unwrap_or(d.frame_timeout),
                per_user: max_connections_per_user.unwrap_or(d.per_user),
                total: max_connections.unwrap_or(d.total),
            };
            crate::connect::serve(&data, idle_exit.map(secs), limits)
        }
    }
}
