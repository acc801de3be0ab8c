//! What a data dir's layout is, part by part, as far as this process may look: the issues
//! found, each with the command that mends it and the means to apply it (`doctor --fix`).

use super::{Kind, PRIVATE_DIRS, PRIVATE_FILES, RUN_DIR, Stat, data_dir_fixed};
use crate::domain::{Error, Result};
use crate::i18n::Lang;
use crate::identity::{group_name, user_or_uid};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Which part of the layout an issue is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Data,
    Run,
    /// store/, attachments/, the lock files and the log.
    Private,
}

/// What mends an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// This mode on the path itself.
    Chmod(u32),
    /// Group and other bits off everything under the path (`chmod -R go-rwx`).
    ChmodTree,
    /// The path (and with `recursive`, all under it) given to the store's owner: root's to do.
    Chown { uid: u32, recursive: bool },
    /// The path given the data dir's group.
    Chgrp(u32),
}

#[derive(Debug, Clone)]
pub struct Issue {
    pub path: PathBuf,
    pub part: Part,
    pub zh: String,
    pub en: String,
    pub fix: Fix,
    /// Opening the store is refused while it stands (too open, or another user's files);
    /// the others (run/ too closed for the group) the server mends when it starts.
    pub blocks: bool,
}

impl Issue {
    /// The shell command that mends it.
    pub fn command(&self) -> String {
        let p = quote(&self.path);
        match &self.fix {
            Fix::Chmod(mode) => format!("chmod {mode:04o} {p}"),
            Fix::ChmodTree => format!("chmod -R go-rwx {p}"),
            Fix::Chown { uid, recursive } => format!("chown {}{} {p}", if *recursive { "-R " } else { "" }, user_or_uid(*uid)),
            Fix::Chgrp(gid) => format!("chgrp {} {p}", group_name(*gid)),
        }
    }

    /// Applies the fix (what `command` would do).
    pub fn apply(&self) -> std::io::Result<()> {
        match &self.fix {
            Fix::Chmod(mode) => std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(*mode)),
            Fix::ChmodTree => walk(&self.path, &mut |p, m| {
                let mode = m.mode() & 0o7777;
                if m.file_type().is_symlink() || mode & 0o077 == 0 {
                    return Ok(());
                }
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode & !0o077))
            }),
            Fix::Chown { uid, recursive: false } => std::os::unix::fs::lchown(&self.path, Some(*uid), None),
            Fix::Chown { uid, recursive: true } => walk(&self.path, &mut |p, m| {
                if m.uid() == *uid { Ok(()) } else { std::os::unix::fs::lchown(p, Some(*uid), None) }
            }),
            Fix::Chgrp(gid) => std::os::unix::fs::chown(&self.path, None, Some(*gid)),
        }
    }

    pub fn text(&self) -> &str {
        if crate::i18n::current() == Lang::En { &self.en } else { &self.zh }
    }
}

/// A path as a shell word: quoted when it holds anything but plain characters.
pub fn quote(path: &Path) -> String {
    let s = path.display().to_string();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%".contains(&b)) {
        return s;
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Calls `f` on `root` and everything under it (symlinks not followed). Entries that vanish
/// meanwhile (sled renames its snapshots) are skipped.
fn walk(root: &Path, f: &mut dyn FnMut(&Path, &std::fs::Metadata) -> std::io::Result<()>) -> std::io::Result<()> {
    let m = match std::fs::symlink_metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    f(root, &m)?;
    if m.is_dir() {
        for entry in std::fs::read_dir(root)? {
            walk(&entry?.path(), f)?;
        }
    }
    Ok(())
}

/// What the layout of a data dir is, as far as this process may look.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub data: Stat,
    pub kind: Kind,
    pub run: Option<Stat>,
    pub issues: Vec<Issue>,
    /// Parts this process may not look into (a member looking at the service's files).
    pub hidden: Vec<PathBuf>,
}

fn bits(mode: u32) -> (String, String) {
    let mut zh = vec![];
    let mut en = vec![];
    if mode & 0o020 != 0 {
        zh.push("组成员可写");
        en.push("group-writable");
    }
    if mode & 0o007 != 0 {
        zh.push("其他用户可以访问");
        en.push("open to other users");
    }
    if mode & 0o050 != 0 && zh.is_empty() {
        zh.push("组成员可读");
        en.push("group-readable");
    }
    (zh.join("、"), en.join(", "))
}

/// Looks at the data dir's owner and modes and at everything the store keeps; an error only
/// when the data dir itself cannot be looked at.
pub fn inspect(data: &Path) -> Result<Inspection> {
    let shown = data.display().to_string();
    let meta = std::fs::metadata(data).map_err(|e| Error::io(&shown, e))?;
    if !meta.is_dir() {
        return Err(Error::io(&shown, "不是目录 (not a directory)：--data 要指向数据目录"));
    }
    let d = Stat::from(&meta);
    let kind = Kind::of(d.mode);
    let mut issues = vec![];
    let mut hidden = vec![];
    if d.mode & 0o027 != 0 {
        let (zh, en) = bits(d.mode);
        issues.push(Issue {
            path: data.to_path_buf(),
            part: Part::Data,
            zh: format!(
                "数据目录 {shown} 的权限是 {:04o}：{zh} (data dir mode {:04o}: {en})；团队数据库用 0710，个人数据库用 0700",
                d.mode, d.mode
            ),
            en: format!("the data dir {shown} has mode {:04o}: {en}; a team store takes 0710, a personal one 0700", d.mode),
            fix: Fix::Chmod(data_dir_fixed(d.mode)),
            blocks: true,
        });
    }
    let run_path = data.join(RUN_DIR);
    let run = match std::fs::metadata(&run_path) {
        Ok(m) => Some(Stat::from(&m)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(_) => {
            hidden.push(run_path.clone());
            None
        }
    };
    if let Some(r) = run {
        inspect_run(&run_path, r, d, kind, &mut issues);
    }
    for name in PRIVATE_DIRS {
        inspect_private_tree(&data.join(name), d.uid, &mut issues, &mut hidden);
    }
    for name in PRIVATE_FILES {
        let path = data.join(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) => inspect_private_file(&path, &Stat::from(&m), d.uid, &mut issues),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => hidden.push(path),
        }
    }
    Ok(Inspection { data: d, kind, run, issues, hidden })
}

fn inspect_run(path: &Path, r: Stat, d: Stat, kind: Kind, issues: &mut Vec<Issue>) {
    let shown = path.display().to_string();
    let mut push = |zh: String, en: String, fix: Fix, blocks: bool| {
        issues.push(Issue { path: path.to_path_buf(), part: Part::Run, zh, en, fix, blocks })
    };
    if r.uid != d.uid {
        let (theirs, owner) = (r.owner(), d.owner());
        push(
            format!(
                "{shown} 属于用户 {theirs}，不是数据库的所有者 {owner} ({shown} belongs to {theirs}, not to the store's owner {owner})"
            ),
            format!("{shown} belongs to {theirs}, not to the store's owner {owner}"),
            Fix::Chown { uid: d.uid, recursive: true },
            true,
        );
    }
    let want = kind.run_mode();
    if r.mode & 0o027 != 0 {
        let (zh, en) = bits(r.mode);
        push(
            format!("{shown} 的权限是 {:04o}：{zh} (mode {:04o}: {en})；应为 {want:04o}", r.mode, r.mode),
            format!("{shown} has mode {:04o}: {en}; it should be {want:04o}", r.mode),
            Fix::Chmod(want),
            true,
        );
    } else if kind == Kind::Team && r.mode & 0o050 != 0o050 {
        push(
            format!("{shown} 的权限是 {:04o}：组成员进不去，连不上服务器 (the group cannot reach the socket)；应为 {want:04o}", r.mode),
            format!("{shown} has mode {:04o}: the group cannot reach the socket; it should be {want:04o}", r.mode),
            Fix::Chmod(want),
            false,
        );
    } else if kind == Kind::Personal && r.mode & 0o077 != 0 {
        push(
            format!("{shown} 的权限是 {:04o}：个人数据库里应为 {want:04o} (should be {want:04o} in a personal store)", r.mode),
            format!("{shown} has mode {:04o}: it should be {want:04o} in a personal store", r.mode),
            Fix::Chmod(want),
            false,
        );
    }
    if kind == Kind::Team && r.gid != d.gid {
        let (theirs, ours) = (r.group(), d.group());
        push(
            format!("{shown} 的组是 {theirs}，不是数据目录的组 {ours}：组成员连不上服务器 (group {theirs}, not the data dir's {ours})"),
            format!("{shown} has group {theirs}, not the data dir's {ours}: the team cannot reach the server"),
            Fix::Chgrp(d.gid),
            false,
        );
    }
}

/// `shown` (under `path`) belongs to another user than the store's owner: chown it back.
fn foreign_issue(path: &Path, shown: &str, uid: u32, owner: u32, recursive: bool) -> Issue {
    let (theirs, ours) = (user_or_uid(uid), user_or_uid(owner));
    Issue {
        path: path.to_path_buf(),
        part: Part::Private,
        zh: format!("{shown} 属于用户 {theirs}，不是数据库的所有者 {ours} (belongs to {theirs}, not to the store's owner {ours})"),
        en: format!("{shown} belongs to {theirs}, not to the store's owner {ours}"),
        fix: Fix::Chown { uid: owner, recursive },
        blocks: true,
    }
}

fn inspect_private_file(path: &Path, s: &Stat, owner: u32, issues: &mut Vec<Issue>) {
    let shown = path.display().to_string();
    if s.uid != owner {
        issues.push(foreign_issue(path, &shown, s.uid, owner, false));
    }
    if s.mode & 0o077 != 0 {
        let (zh, en) = bits(s.mode);
        issues.push(Issue {
            path: path.to_path_buf(),
            part: Part::Private,
            zh: format!("{shown} 的权限是 {:04o}：{zh} (mode {:04o}: {en})；应只有所有者能读写", s.mode, s.mode),
            en: format!("{shown} has mode {:04o}: {en}; only the owner should read or write it", s.mode),
            fix: Fix::Chmod(0o600),
            blocks: true,
        });
    }
}

/// store/ or attachments/: everything under it the owner's, with no group or other bits.
fn inspect_private_tree(root: &Path, owner: u32, issues: &mut Vec<Issue>, hidden: &mut Vec<PathBuf>) {
    let mut foreign: Option<(PathBuf, u32)> = None;
    let mut open: Option<(PathBuf, u32)> = None;
    let mut open_count = 0usize;
    let walked = walk(root, &mut |p, m| {
        if m.uid() != owner && foreign.is_none() {
            foreign = Some((p.to_path_buf(), m.uid()));
        }
        let mode = m.mode() & 0o7777;
        if !m.file_type().is_symlink() && mode & 0o077 != 0 {
            open_count += 1;
            if open.is_none() {
                open = Some((p.to_path_buf(), mode));
            }
        }
        Ok(())
    });
    if walked.is_err() {
        hidden.push(root.to_path_buf());
    }
    let shown = root.display().to_string();
    if let Some((p, uid)) = foreign {
        issues.push(foreign_issue(root, &p.display().to_string(), uid, owner, true));
    }
    if let Some((p, mode)) = open {
        let (zh, en) = bits(mode);
        let p = p.display();
        issues.push(Issue {
            path: root.to_path_buf(),
            part: Part::Private,
            zh: format!(
                "{shown} 中有 {open_count} 个文件或目录对组或其他用户开放，如 {p}（{mode:04o}，{zh}）({open_count} entries open to the group or others)"
            ),
            en: format!("{open_count} entries in {shown} are open to the group or others, e.g. {p} ({mode:04o}: {en})"),
            fix: Fix::ChmodTree,
            blocks: true,
        });
    }
}
