//! `jixiao due`: every open deadline, overdue first, as a table that fits the terminal or as
//! JSON; `--fail-if-overdue` makes it a check for cron jobs, `--quiet` (exit status only) and
//! `--count` (one line) serve shell prompts.

use super::args::{DueArgs, DueFormat};
use crate::backend::{Backend, Query, Reply};
use crate::domain::{DeadlineFilter, Error, Result, deadline};
use crate::read::due::DueRequest;

/// The window `--count` counts when `--within` is not given: a prompt wants the near ones.
pub const COUNT_WITHIN_DAYS: u32 = 7;

pub fn run(data: &std::path::Path, args: &DueArgs) -> Result<i32> {
    if !args.quiet {
        return list(data, args);
    }
    // A prompt tells "nothing overdue" (0) from "overdue" (1) and "could not tell" (2); the
    // reason still goes to stderr, which a prompt sends to /dev/null.
    match list(data, args) {
        Ok(code) => Ok(code),
        Err(e) => {
            use std::io::Write;
            let lang = crate::i18n::current();
            let _ = writeln!(std::io::stderr(), "jixiao: {}", crate::text::sanitize(&e.render(lang)));
            Ok(2)
        }
    }
}

fn list(data: &std::path::Path, args: &DueArgs) -> Result<i32> {
    let as_of = args.as_of.as_deref().map(|t| super::ledger::parse_date_for("jixiao due", t)).transpose()?;
    if let Some(u) = &args.unit
        && u.trim().is_empty()
    {
        return Err(Error::invalid("jixiao due", "--unit", "单位不能为空：写单位名称或其中一段，如 --unit 农业农村局"));
    }
    let local = crate::connect::open_backend(data)?;
    let request = DueRequest {
        filter: filter_of(args, local.actor()),
        today: as_of.unwrap_or_else(|| local.today()),
        json: args.format == DueFormat::Json,
        width: super::ledger::terminal_width(),
        english: crate::i18n::current() == crate::i18n::Lang::En,
        // --quiet needs only the overdue flag: one line crosses the socket, not the table.
        count: args.count || args.quiet,
    };
    let Reply::Due { text, overdue } = local.query(&Query::Due { request })? else {
        return Err(Error::corrupt("jixiao due", "回复类型不符"));
    };
    if !args.quiet {
        super::ledger::write_stdout(text.as_bytes())?;
    }
    // Every write (none here) was flushed before it was acknowledged; sled's drop only joins
    // its background threads, ~10 ms that a dashboard command does not need to wait for.
    std::mem::forget(local);
    Ok(if (args.fail_if_overdue || args.quiet) && overdue { 1 } else { 0 })
}

/// The filter the arguments ask for; `--mine` is the user running the command.
pub fn filter_of(args: &DueArgs, me: &str) -> DeadlineFilter {
    let default = if args.count { COUNT_WITHIN_DAYS } else { deadline::DEFAULT_WITHIN_DAYS };
    DeadlineFilter {
        within: Some(i64::from(args.within.unwrap_or(default))),
        unit: args.unit.as_deref().map(|u| u.trim().to_string()),
        owner: args.mine.then(|| me.to_string()),
        project: args.project.as_deref().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
    }
}
