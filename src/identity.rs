//! Identity is the OS user: the process's uid mapped to its user name. Never free text.

/// The user name of the process's real uid, or `uid<N>` when it has no passwd entry.
pub fn current_user() -> String {
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    user_name(uid).unwrap_or_else(|| format!("uid{uid}"))
}

/// Looks a uid up in the passwd database with the reentrant getpwuid_r.
pub fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0u8; 4096];
    // SAFETY: passwd is plain old data; getpwuid_r writes only into pwd and buf (whose
    // length we pass), and result points into them or is null.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result);
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr(pwd.pw_name).to_str().ok().map(str::to_string)
    }
}

/// The name of a uid for messages: its user name, or `uid<N>` when it has none.
pub fn user_or_uid(uid: u32) -> String {
    user_name(uid).unwrap_or_else(|| format!("uid{uid}"))
}

/// Looks a gid up in the group database with the reentrant getgrgid_r; `gid<N>` when it
/// has no entry.
pub fn group_name(gid: u32) -> String {
    let mut buf = vec![0u8; 16 * 1024];
    // SAFETY: group is plain old data; getgrgid_r writes only into grp and buf (whose length
    // we pass), and result points into them or is null.
    let name = unsafe {
        let mut grp: libc::group = std::mem::zeroed();
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr().cast(), buf.len(), &mut result);
        if rc != 0 || result.is_null() || grp.gr_name.is_null() {
            None
        } else {
            std::ffi::CStr::from_ptr(grp.gr_name).to_str().ok().map(str::to_string)
        }
    };
    name.unwrap_or_else(|| format!("gid{gid}"))
}

/// The effective uid: whose files this process creates.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}
