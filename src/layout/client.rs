//! A client's side of the layout: whose the data dir is (a personal store's server may be
//! started on demand, a team store's only by its service), the store's owner the server
//! must be, and what a client is told when refused.

use super::{Issue, Kind, Part, Stat, adopt_new, euid, inspect, refused, say, unsafe_layout};
use crate::domain::{Error, Result};
use crate::identity::user_or_uid;
use std::path::Path;

/// How this process stands to a data dir, for picking a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No data dir yet: a personal store is made.
    Missing,
    /// Ours, private: a server may be started on demand.
    Personal,
    /// Ours, shared with a group: the service's; served by it alone.
    OwnTeam,
    /// Another user's (the service user's): reached through its server only.
    Member { owner: u32 },
}

/// Permission denied on the way to `path` (the data dir, or the socket in it): only the
/// team's group gets there. The group named is that of the nearest directory above `path`
/// this user may look at (the data dir itself for a member, its parent for an outsider).
pub fn no_access(path: &Path, e: std::io::Error) -> Error {
    let group = path.ancestors().skip(1).find_map(|a| Stat::of(a).ok()).map(|s| s.group());
    let message = match group {
        Some(g) => say(
            format!(
                "{e}：只有组 {g} 的成员能连接服务器；请管理员把你加入该组（usermod -aG {g} 用户名），重新登录后再试 (only members of the group {g} reach the server)"
            ),
            format!(
                "{e}: only members of the group {g} reach the server; ask an admin to add you (usermod -aG {g} USER), then log in again"
            ),
        ),
        None => format!("{e}：你不能进入数据目录 (you cannot reach the data dir)"),
    };
    Error::io(path.display().to_string(), message)
}

/// Ours or another's; a data dir of ours that is too open is refused with its fix.
pub fn access(data: &Path) -> Result<Access> {
    let d = match Stat::of(data) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Access::Missing),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Err(no_access(data, e)),
        Err(e) => return Err(crate::fsutil::io_error(&data.display().to_string(), e)),
    };
    if d.uid != euid() {
        return Ok(Access::Member { owner: d.uid });
    }
    adopt_new(data)?;
    let d = Stat::of(data).map_err(|e| Error::io(data.display().to_string(), e))?;
    if d.mode & 0o027 != 0 {
        let ins = inspect(data)?;
        let issues: Vec<&Issue> = ins.issues.iter().filter(|i| i.part == Part::Data).collect();
        return Err(unsafe_layout(data, &issues));
    }
    Ok(if Kind::of(d.mode) == Kind::Team { Access::OwnTeam } else { Access::Personal })
}

/// The store's owner as a client finds it: the owner of DATA/run/ and of DATA/, one user.
/// `socket` is DATA/run/server.sock.
pub fn store_owner(socket: &Path) -> Result<u32> {
    let (Some(run), Some(data)) = (socket.parent(), socket.parent().and_then(Path::parent)) else {
        return Err(Error::io(socket.display().to_string(), "不在数据目录的 run/ 中 (not in a data dir's run/)"));
    };
    let data = if data.as_os_str().is_empty() { Path::new(".") } else { data };
    let stat = |p: &Path| Stat::of(p).map_err(|e| Error::io(p.display().to_string(), e));
    let (r, d) = (stat(run)?, stat(data)?);
    if r.uid != d.uid {
        let (run_owner, owner) = (r.owner(), d.owner());
        let (run, data) = (run.display(), data.display());
        return Err(refused(say(
            format!(
                "{run} 属于用户 {run_owner}，数据目录 {data} 属于 {owner}：不是同一个用户，拒绝连接 (run/ and the data dir have different owners: refusing)；运行 jixiao doctor"
            ),
            format!("{run} belongs to {run_owner} but the data dir {data} to {owner}: refusing to connect; run jixiao doctor"),
        )));
    }
    Ok(d.uid)
}

/// The refusal of a server that is not the store's owner.
pub fn impostor(socket: &Path, server_uid: u32, owner: u32) -> Error {
    let (server, owner) = (user_or_uid(server_uid), user_or_uid(owner));
    let s = socket.display();
    refused(say(
        format!(
            "{s} 由用户 {server} 提供，不是数据库的所有者 {owner}：拒绝连接 (served by user {server}, not by the store's owner {owner}: refusing)"
        ),
        format!("{s} is served by user {server}, not by the store's owner {owner}: refusing to connect"),
    ))
}
