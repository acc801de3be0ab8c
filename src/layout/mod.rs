//! The data directory's layout: who owns each part and who may reach it. The store's owner
//! (the service user of a team store, else the user whose store it is) owns every file:
//!
//! ```text
//! DATA/                       0700 personal · 0710 team (the group passes through to run/)
//! DATA/run/                   0700 personal · 2750 team, DATA's group
//! DATA/run/server.sock        0600 personal · 0660 team: the one thing the group reaches
//! DATA/store/ DATA/attachments/           directories 0700, files 0600
//! DATA/store.lock server.lock server.log  0600
//! ```
//!
//! A team store is one whose data dir gives its group any bit. Opening the store checks the
//! layout as ssh checks a key: a data dir others may write or read, or a store file open to
//! the group, is refused with the chmod that fixes it (`jixiao doctor --fix` applies it). In
//! a personal store (data dir 0700) nothing inside was reachable, so loose modes there are
//! tightened on open instead.

mod client;
mod inspect;

pub use client::{Access, access, impostor, no_access, store_owner};
pub use inspect::{Fix, Inspection, Issue, Part, inspect, quote};

use crate::domain::{Error, Result};
use crate::i18n::Lang;
use crate::identity::{euid, group_name, user_or_uid};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The server's directory in DATA: the socket, nothing else.
pub const RUN_DIR: &str = "run";
/// The owner's alone, with everything under them.
pub const PRIVATE_DIRS: [&str; 2] = ["store", "attachments"];
/// The owner's alone.
pub const PRIVATE_FILES: [&str; 3] = ["store.lock", "server.lock", "server.log"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Personal,
    Team,
}

impl Kind {
    /// A data dir giving its group any bit is a team store.
    pub fn of(data_mode: u32) -> Kind {
        if data_mode & 0o070 != 0 { Kind::Team } else { Kind::Personal }
    }

    pub fn run_mode(self) -> u32 {
        match self {
            Kind::Personal => 0o700,
            // setgid: what the server makes in run/ keeps the team's group.
            Kind::Team => 0o2750,
        }
    }

    pub fn socket_mode(self) -> u32 {
        match self {
            Kind::Personal => 0o600,
            Kind::Team => 0o660,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Personal => "个人数据库 (personal store)",
            Kind::Team => "团队数据库 (team store)",
        }
    }
}

/// Owner, group and mode (permission bits with setuid/setgid/sticky) of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

impl Stat {
    /// Follows symlinks (a data dir reached through a link is the link's target).
    pub fn of(path: &Path) -> std::io::Result<Stat> {
        std::fs::metadata(path).map(|m| Stat::from(&m))
    }

    fn from(m: &std::fs::Metadata) -> Stat {
        Stat { uid: m.uid(), gid: m.gid(), mode: m.mode() & 0o7777 }
    }

    pub fn owner(&self) -> String {
        user_or_uid(self.uid)
    }

    pub fn group(&self) -> String {
        group_name(self.gid)
    }
}

/// The mode a too-open data dir is given: a team's (group-writable, setgid, or group
/// pass-through only) keeps its group's read and pass-through and loses the rest (0775 →
/// 0750, 2770 → 2750); any other (0755 from a mkdir) becomes a personal store's 0700.
pub fn data_dir_fixed(mode: u32) -> u32 {
    let team = mode & 0o2020 != 0 || mode & 0o070 == 0o010;
    if team { mode & !0o027 } else { 0o700 }
}

/// Zh or en, as the messages of this process are.
fn say(zh: String, en: String) -> String {
    if crate::i18n::current() == Lang::En { en } else { zh }
}

fn refused(message: String) -> Error {
    Error::Refused { message }
}

/// A refusal listing what is unsafe and the commands that mend it.
fn unsafe_layout(data: &Path, issues: &[&Issue]) -> Error {
    let shown = data.display();
    let mut zh = format!("数据目录 {shown} 的权限不安全，拒绝打开数据库 (unsafe permissions: refusing to open the store)：");
    let mut en = format!("the data dir {shown} is not safe to open the store in:");
    for i in issues {
        zh.push_str(&format!("\n  {}；修复 (fix)：{}", i.zh, i.command()));
        en.push_str(&format!("\n  {}; fix: {}", i.en, i.command()));
    }
    zh.push_str("\n或运行 jixiao doctor --fix (or run jixiao doctor --fix)");
    en.push_str("\nor run jixiao doctor --fix");
    refused(say(zh, en))
}

/// What jixiao itself puts in a data dir (besides the store).
const OWN_NAMES: [&str; 6] = ["attachments", "templates", RUN_DIR, "store.lock", "server.lock", "server.log"];

/// A new data dir of ours, too open (made by mkdir or a temporary-directory helper under a
/// 0022 umask), is made private before a store is first made in it: nothing was exposed
/// yet. New means: no store/ in it and nothing but jixiao's own names (never a home
/// directory given as --data by mistake). It gets the mode `data_dir_fixed` gives.
pub fn adopt_new(data: &Path) -> Result<()> {
    let Ok(d) = Stat::of(data) else { return Ok(()) };
    if d.uid != euid() || d.mode & 0o027 == 0 || data.join("store").exists() {
        return Ok(());
    }
    let shown = data.display().to_string();
    for entry in std::fs::read_dir(data).map_err(|e| Error::io(&shown, e))? {
        let entry = entry.map_err(|e| Error::io(&shown, e))?;
        if !entry.file_name().to_str().is_some_and(|n| OWN_NAMES.contains(&n)) {
            return Ok(());
        }
    }
    let mode = data_dir_fixed(d.mode);
    std::fs::set_permissions(data, std::fs::Permissions::from_mode(mode)).map_err(|e| Error::io(&shown, e))
}

/// Before the store is opened (by the server or `--local`): the data dir must be this
/// process's (only its owner may open the store, or files of another user would lock the
/// owner out) and the layout safe. Returns whether it is a team or a personal store.
pub fn check_for_open(data: &Path) -> Result<Kind> {
    adopt_new(data)?;
    let ins = inspect(data)?;
    let me = euid();
    if ins.data.uid != me {
        let (owner, me) = (ins.data.owner(), user_or_uid(me));
        let shown = data.display();
        return Err(refused(say(
            format!(
                "数据目录 {shown} 属于用户 {owner}，本进程以用户 {me} 运行：只有所有者能打开数据库；不加 --local 通过服务器访问，或以 {owner} 身份运行 (the store belongs to {owner}, not {me}: go through the server, or run as {owner})"
            ),
            format!(
                "the data dir {shown} belongs to {owner} and this process runs as {me}: only the owner opens the store; go through the server (without --local), or run as {owner}"
            ),
        )));
    }
    let mut blocking = vec![];
    for issue in ins.issues.iter().filter(|i| i.blocks) {
        // Inside a personal store's 0700 data dir nothing was reachable: tighten it.
        let tighten = ins.kind == Kind::Personal
            && ins.data.mode & 0o077 == 0
            && issue.part == Part::Private
            && matches!(issue.fix, Fix::Chmod(_) | Fix::ChmodTree);
        if !(tighten && issue.apply().is_ok()) {
            blocking.push(issue);
        }
    }
    if !blocking.is_empty() {
        return Err(unsafe_layout(data, &blocking));
    }
    Ok(ins.kind)
}

/// The server's run/ made (or mended) as the layout wants it: the owner's, `kind`'s mode,
/// the data dir's group in a team store. Returns its path.
pub fn prepare_run(data: &Path, kind: Kind) -> Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let run = data.join(RUN_DIR);
    let shown = run.display().to_string();
    match std::fs::DirBuilder::new().mode(0o700).create(&run) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(crate::fsutil::io_error(&shown, e)),
    }
    if kind == Kind::Team {
        give_group(&run, data)?;
    }
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(kind.run_mode())).map_err(|e| Error::io(&shown, e))?;
    Ok(run)
}

/// `path` given the data dir's group (the team's), when it has another.
pub fn give_group(path: &Path, data: &Path) -> Result<()> {
    let d = Stat::of(data).map_err(|e| Error::io(data.display().to_string(), e))?;
    let p = std::fs::symlink_metadata(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    if p.gid() != d.gid {
        std::os::unix::fs::lchown(path, None, Some(d.gid)).map_err(|e| {
            let group = d.group();
            Error::io(
                path.display().to_string(),
                format!("{e}：不能改为数据目录的组 {group}（服务用户须是该组成员）(cannot give it the group {group})"),
            )
        })?;
    }
    Ok(())
}

/// Files this process creates are its own alone, whatever umask it was started with (a
/// service unit's UMask=0007, a shell's 0022). Set by the server and before a store opens.
pub fn private_umask() {
    // SAFETY: umask only sets the process's file mode creation mask.
    let started = unsafe { libc::umask(0o077) };
    // Documents written with -o are the user's, made with the umask the user chose.
    crate::fsutil::remember_user_umask(started as u32);
}
