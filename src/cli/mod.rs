//! Non-interactive commands, one file each, and the dispatch from parsed arguments.

pub mod admin;
pub mod args;
pub mod check;
pub mod connect;
pub mod datadir;
pub mod demo;
pub mod due;
pub mod exec;
pub mod export;
pub mod import;
pub mod ledger;
pub mod notice;
pub mod template;

use crate::backend::Local;
use crate::domain::{Error, Result};
use crate::store::Store;
use crate::templates::Templates;
use args::{Cli, Cmd};
use std::path::Path;

/// Templates: the built-in ones plus `DATA/templates/*.toml`.
pub fn templates_for(data: &Path) -> Result<Templates> {
    let mut t = Templates::builtin()?;
    t.load_dir(&data.join("templates"))?;
    Ok(t)
}

pub fn open_local(data: &Path) -> Result<Local> {
    Ok(Local::new(Store::open(data, templates_for(data)?)?))
}

/// Runs one invocation; the exit code is 0 on success.
pub fn run(cli: Cli) -> Result<i32> {
    let data = datadir::resolve(cli.data.clone());
    connect::set_local_only(cli.local);
    match cli.command {
        None => {
            let backend = connect::open_for_workbench(&data)?;
            crate::tui::run(backend.as_ref(), &data, cli.keymap.as_deref(), crate::i18n::current())
        }
        Some(Cmd::Demo { seed_only, scale }) => demo::run(cli.data, seed_only, scale, cli.keymap.as_deref()),
        Some(Cmd::Template { action }) => template::run(&data, action),
        Some(Cmd::Export { project, format: _, output }) => export::run(&data, project.as_deref(), output.as_deref()),
        Some(Cmd::Import { merge, file }) => import::run(&data, &file, merge),
        Some(Cmd::Ledger(args)) => ledger::run(&data, &args),
        Some(Cmd::Due(args)) => due::run(&data, &args),
        Some(Cmd::Notice(args)) => notice::run(&data, &args),
        Some(Cmd::Exec) => exec::run(&data),
        Some(Cmd::Check) => check::run(&data),
        Some(Cmd::Admin { action }) => admin::run(&data, action),
        Some(Cmd::Serve { idle_exit }) => crate::server::serve(&data, idle_exit.map(std::time::Duration::from_secs)),
    }
}

/// Writes a file through a temporary sibling and a rename, so a reader never sees half of it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = path.display().to_string();
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(&shown, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| Error::io(&shown, e))?;
    tmp.persist(path).map_err(|e| Error::io(&shown, e.error))?;
    Ok(())
}
