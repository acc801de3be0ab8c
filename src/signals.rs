//! Termination signals (SIGHUP, SIGTERM, SIGINT) recorded, not acted on in the handler:
//! the workbench's event loop and the server's main loop pick them up with `take_signal`.

use std::io;
use std::sync::atomic::{AtomicI32, Ordering};

static PENDING_SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    PENDING_SIGNAL.store(sig, Ordering::SeqCst);
}

/// Installs handlers for SIGHUP, SIGTERM and SIGINT that only record the signal; the
/// event loop picks it up with [`take_signal`]. (In a raw-mode terminal ctrl-c is a key,
/// not SIGINT; SIGINT is caught anyway so a `kill -INT` also restores the terminal.)
pub fn install_signal_handlers() -> io::Result<()> {
    for sig in [libc::SIGHUP, libc::SIGTERM, libc::SIGINT] {
        // SAFETY: a zeroed sigaction is valid; the handler only stores into an atomic.
        let rc = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(sig, &action, std::ptr::null_mut())
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Returns the termination signal received since the last call, and clears it.
pub fn take_signal() -> Option<i32> {
    match PENDING_SIGNAL.swap(0, Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}
