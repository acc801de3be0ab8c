//! The store: sled trees, one per record kind, the indexes and the audit log. Every write
//! goes through `Store::execute`: one transaction with its audit record, then `flush()`.

pub mod apply;
mod cache;
pub mod chain;
pub use cache::Kept;
pub mod check;
pub mod codec;
mod dashboard;
pub mod derived;
pub mod heal;
pub mod import;
pub mod keys;
pub mod lock;
pub mod migrate;
pub mod read;
pub mod requests;
pub mod roles;
mod search;
pub mod selfcheck;
mod snapshot;
mod summary;
pub mod tx;

use crate::command::{Command, Outcome};
use crate::domain::{Error, Result};
use crate::templates::Templates;
use chrono::{DateTime, NaiveDate, Utc};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::path::{Path, PathBuf};

/// sled's default cache is 1 GiB; a field laptop needs far less.
pub const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Tree names, in the order `Tx` indexes them. A tree added here is created empty when an
/// older store is opened (sled's `open_tree`), so existing stores keep opening.
pub const TREE_NAMES: [&str; 21] = [
    "meta",
    "projects",
    "codes",
    "trees",
    "findings",
    "items",
    "responses",
    "notices",
    "notice_numbers",
    "milestones",
    "children",
    "deadlines",
    "summaries",
    "requests",
    "issued",
    "reports",
    "report_issues",
    "reviews",
    "overrides",
    "forms",
    "chain",
];
pub const AUDIT_TREE: &str = "audit";

pub struct Store {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    audit: sled::Tree,
    dir: PathBuf,
    templates: Templates,
    /// Decoded read models kept between commands; any command empties them.
    pub(crate) caches: cache::Caches,
    _lock: lock::DirLock,
}

/// Who acts and when: the clock is read by the caller, never by the store.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: String,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

impl Store {
    /// Opens (creating if needed) the store in a data directory created 0700. A store of an
    /// older schema is migrated, recorded in the audit log as this process's user now.
    pub fn open(dir: &Path, templates: Templates) -> Result<Store> {
        // Opening is not a command a caller times: the clock is read only if a migration runs.
        Self::open_as(dir, templates, || Ctx {
            actor: crate::identity::current_user(),
            now: Utc::now(),
            today: chrono::Local::now().date_naive(),
        })
    }

    /// `open`, with `who` naming the user and time a migration is recorded under. Only the
    /// data dir's owner opens it, and only while its layout is safe (`crate::layout`); what
    /// sled writes is this user's alone whatever the umask.
    pub fn open_as(dir: &Path, templates: Templates, who: impl FnOnce() -> Ctx) -> Result<Store> {
        crate::layout::private_umask();
        crate::fsutil::create_private_dir(dir)?;
        crate::layout::check_for_open(dir)?;
        let lock = lock::DirLock::acquire(dir)?;
        let path = dir.join("store");
        heal::remove_unfinished_snapshots(&path)?;
        let db = heal::open_sled(&path, CACHE_BYTES)?;
        let mut trees = Vec::with_capacity(TREE_NAMES.len());
        for name in TREE_NAMES {
            trees.push(db.open_tree(name).map_err(|e| heal::storage(&path, e))?);
        }
        let audit = db.open_tree(AUDIT_TREE).map_err(|e| heal::storage(&path, e))?;
        let store = Store { db, trees, audit, dir: dir.to_path_buf(), templates, caches: Default::default(), _lock: lock };
        store.check_schema(who)?;
        store.ensure_derived()?;
        Ok(store)
    }

    fn check_schema(&self, who: impl FnOnce() -> Ctx) -> Result<()> {
        let meta = &self.trees[tx::META];
        let io = |e: sled::Error| heal::storage(&self.dir, e);
        match meta.get(b"schema").map_err(io)? {
            None => {
                meta.insert(b"schema", &[migrate::STORE_SCHEMA]).map_err(io)?;
                self.db.flush().map_err(io)?;
                Ok(())
            }
            Some(v) => {
                let found = v.first().copied().unwrap_or(0);
                if found > migrate::STORE_SCHEMA {
                    return Err(Error::SchemaTooNew { found, supported: migrate::STORE_SCHEMA });
                }
                if found < migrate::STORE_SCHEMA {
                    self.migrate(found, who)?;
                }
                Ok(())
            }
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub(crate) fn tree(&self, idx: usize) -> &sled::Tree {
        &self.trees[idx]
    }

    pub(crate) fn audit_tree(&self) -> &sled::Tree {
        &self.audit
    }

    /// Validates and applies one command with its audit record in one transaction,
    /// and flushes before returning success.
    pub fn execute(&self, cmd: &Command, ctx: &Ctx) -> Result<Outcome> {
        let outcome = self.apply_unflushed(cmd, ctx)?;
        self.flush()?;
        Ok(outcome)
    }

    /// `execute` for a command a client sent with its request id: the id and the answer are
    /// remembered in the command's own transaction, so a retry of a command already applied
    /// (its client lost the connection before the answer came) gets the first answer and
    /// `true` instead of applying it twice. Flushed either way: the first try may still be
    /// flushing in another thread when its retry arrives.
    pub fn execute_request(&self, cmd: &Command, ctx: &Ctx, request: &str) -> Result<(Outcome, bool)> {
        let answer = self.apply_inner(cmd, ctx, Some(request))?;
        self.flush()?;
        Ok(answer)
    }

    /// Applies without flushing; the caller must `flush()` before reporting success.
    /// Used to seed a demo store quickly.
    pub fn apply_unflushed(&self, cmd: &Command, ctx: &Ctx) -> Result<Outcome> {
        self.apply_inner(cmd, ctx, None).map(|(o, _)| o)
    }

    fn apply_inner(&self, cmd: &Command, ctx: &Ctx, request: Option<&str>) -> Result<(Outcome, bool)> {
        let resolved = self.resolve_restore(cmd)?;
        let cmd = resolved.as_ref().unwrap_or(cmd);
        cmd.check_bounds()?;
        crate::attachments::check_received(&self.dir, &cmd.name(), cmd.evidence())?;
        // One write at a time: the kept lists are renewed in commit order.
        let _one = self.caches.write.lock().unwrap_or_else(|e| e.into_inner());
        self.caches.begin_write();
        let mut all: Vec<&sled::Tree> = self.trees.iter().collect();
        all.push(&self.audit);
        // A panic inside this closure unwinds out of sled's `transaction` before its commit:
        // the writes buffered so far are dropped with it, so nothing is half applied.
        let result = all.as_slice().transaction(|t| {
            let tx = tx::Tx::new(t);
            if let Some(id) = request
                && let Some(first) = requests::answer(&tx, &ctx.actor, id).map_err(ConflictableTransactionError::Abort)?
            {
                return Ok((first, Default::default(), true));
            }
            let mut applied = apply::apply(&tx, cmd, ctx, &self.templates).map_err(ConflictableTransactionError::Abort)?;
            test_panic_on(cmd);
            let audit_id = tx.next_seq(b"seq/audit").map_err(ConflictableTransactionError::Abort)?;
            let record = crate::read::AuditRecord {
                id: audit_id,
                actor: ctx.actor.clone(),
                at: ctx.now,
                command: cmd.audit_text(),
                touched: std::mem::take(&mut applied.touched),
            };
            chain::append(&tx, &record).map_err(ConflictableTransactionError::Abort)?;
            applied.outcome.audit = audit_id;
            if let Some(id) = request {
                requests::remember(&tx, &ctx.actor, id, ctx.now, &applied.outcome).map_err(ConflictableTransactionError::Abort)?;
            }
            Ok((applied.outcome, tx.take_writes(), false))
        });
        // An aborted transaction wrote nothing: renewing with no writes only lets scans keep
        // their results again.
        let writes = result.as_ref().map(|(_, w, _)| w).ok();
        self.renew_caches_or_drop(writes.unwrap_or(&Default::default()));
        match result {
            Ok((outcome, _, replayed)) => Ok((outcome, replayed)),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(heal::storage(&self.dir, e)),
        }
    }

    /// A restore names a version of the leaf's history; the paper it restores is read here,
    /// before the transaction (sled cannot scan inside one). The audit log is written once and
    /// never changed, so an earlier version read now is the version the command meant.
    fn resolve_restore(&self, cmd: &Command) -> Result<Option<Command>> {
        let Command::RestoreScore { project, indicator, version, at, expected_rev, .. } = cmd else { return Ok(None) };
        let p = self.project_by_code(project)?;
        let node = self.tree_of(p.id)?.find(indicator)?.id;
        let versions = crate::read::audit::paper_versions(&self.indicator_history(p.id, node)?);
        let paper = crate::read::audit::pick_version(&versions, *version, *at)
            .map_err(|m| Error::invalid(format!("指标“{indicator}”"), "version", m))?;
        Ok(Some(Command::RestoreScore {
            project: project.clone(),
            indicator: indicator.clone(),
            version: Some(paper.version),
            at: *at,
            expected_rev: *expected_rev,
            restored: Some(Box::new(paper)),
        }))
    }

    pub fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(|e| heal::storage(&self.dir, e))
    }

    /// How many answers to client request ids are remembered (`store/requests.rs`).
    pub fn remembered_requests(&self) -> usize {
        requests::count(self.tree(tx::REQUESTS))
    }

    /// Bytes on disk as sled reports them.
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }
}

/// Test-only: `JIXIAO_TEST_PANIC_ON=<command name>` makes the store panic while applying that
/// command, after its writes and before its commit, so tests prove that a panic in a command
/// leaves nothing written and that the server keeps serving, whatever the domain's own
/// arithmetic does. Read once; nothing sets it outside tests.
fn test_panic_on(cmd: &Command) {
    static ON: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(name) = ON.get_or_init(|| std::env::var("JIXIAO_TEST_PANIC_ON").ok())
        && *name == cmd.name()
    {
        panic!("JIXIAO_TEST_PANIC_ON={name}: a panic injected by a test");
    }
}
