//! Who is on the other end of a Unix socket: the kernel's peer credentials (SO_PEERCRED),
//! mapped to the user name. A client cannot claim another name.

use crate::domain::{Error, Result};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

/// The peer's uid.
pub fn uid_of(stream: &UnixStream) -> Result<u32> {
    cred_of(stream).map(|c| c.uid)
}

/// The peer's process id (a client finds the server it reaches; tests stop it by this).
pub fn pid_of(stream: &UnixStream) -> Result<i32> {
    cred_of(stream).map(|c| c.pid)
}

fn cred_of(stream: &UnixStream) -> Result<libc::ucred> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`, a plain C struct we own.
    let rc = unsafe {
        libc::getsockopt(stream.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PEERCRED, (&mut cred as *mut libc::ucred).cast(), &mut len)
    };
    if rc != 0 {
        return Err(Error::io("server.sock", std::io::Error::last_os_error()));
    }
    Ok(cred)
}

/// The peer's user name (`uid<N>` when the uid has no passwd entry).
pub fn user_of(stream: &UnixStream) -> Result<String> {
    let uid = uid_of(stream)?;
    Ok(crate::identity::user_name(uid).unwrap_or_else(|| format!("uid{uid}")))
}
