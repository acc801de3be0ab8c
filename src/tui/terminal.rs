//! Terminal guard: raw mode, alternate screen, bracketed paste and (unless `mouse = false` in
//! the config file) mouse capture, undone on every exit path.
//!
//! - Normal exit and `?` errors: [`TerminalGuard`] restores in `Drop` (or explicitly via
//!   [`TerminalGuard::restore`]).
//! - Panic: [`install_panic_hook`] wraps the existing hook so the terminal is restored
//!   *first* and the panic message is then printed on the normal screen.
//! - SIGHUP / SIGTERM / SIGINT: [`install_signal_handlers`] installs handlers that only
//!   store the signal number in an atomic. The event loop polls [`take_signal`] every tick,
//!   saves drafts, and calls [`exit_for_signal`] (restore, then exit with 128+signal).
//!
//! Restoring is best effort: every error is ignored, so a hung-up terminal (SSH dropped,
//! writes fail with EIO) never panics and never blocks. It is idempotent: a static bit set
//! records which modes are on, and each restore takes (clears) it before undoing them.

use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use ratatui::crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use ratatui::crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::Rect;

/// The terminal type the app draws on.
pub type Term = ratatui::Terminal<super::scroll::ScrollBackend<super::wire::CompactWriter<io::Stdout>>>;

/// The smallest usable terminal: below this the app shows a "too small" notice instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

const MODE_RAW: u8 = 1;
const MODE_ALT_SCREEN: u8 = 1 << 1;
const MODE_BRACKETED_PASTE: u8 = 1 << 2;
const MODE_MOUSE: u8 = 1 << 3;

/// Which modes are currently enabled (a bit set of `MODE_*`); 0 means nothing to restore.
static ACTIVE: AtomicU8 = AtomicU8::new(0);
/// The last termination signal received and not yet taken; 0 means none.
static PANIC_HOOK: Once = Once::new();

/// Owns the terminal modes enabled by [`TerminalGuard::enter`]; dropping it restores them.
#[derive(Debug)]
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Enables raw mode, enters the alternate screen, enables bracketed paste (and mouse
    /// capture when `mouse`) and returns the guard with a ratatui terminal. Also installs the restoring panic hook (once).
    /// On failure everything already enabled is undone before the error is returned.
    pub fn enter(mouse: bool) -> io::Result<(TerminalGuard, Term)> {
        if ACTIVE.load(Ordering::SeqCst) != 0 {
            return Err(io::Error::other("the terminal is already in TUI mode"));
        }
        install_panic_hook();
        match enter_modes(mouse) {
            Ok(term) => Ok((TerminalGuard { _private: () }, term)),
            Err(e) => {
                restore_terminal();
                Err(e)
            }
        }
    }

    /// Restores the terminal now (same as dropping the guard; safe to call repeatedly).
    pub fn restore(&mut self) {
        restore_terminal();
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn enter_modes(mouse: bool) -> io::Result<Term> {
    // Each bit is recorded before its mode is switched on: undoing a mode that did not
    // quite get enabled is harmless, leaving one enabled is not.
    ACTIVE.fetch_or(MODE_RAW, Ordering::SeqCst);
    enable_raw_mode()?;
    let mut out = io::stdout();
    ACTIVE.fetch_or(MODE_ALT_SCREEN, Ordering::SeqCst);
    // Clear explicitly: not every terminal blanks the alternate screen. (Not via
    // `Terminal::clear`, which asks the terminal for the cursor position and waits.)
    execute!(out, EnterAlternateScreen, Clear(ClearType::All))?;
    ACTIVE.fetch_or(MODE_BRACKETED_PASTE, Ordering::SeqCst);
    execute!(out, EnableBracketedPaste)?;
    if mouse {
        ACTIVE.fetch_or(MODE_MOUSE, Ordering::SeqCst);
        execute!(out, EnableMouseCapture)?;
    }
    ratatui::Terminal::new(super::scroll::ScrollBackend::new(super::wire::CompactWriter::new(io::stdout())))
}

/// Undoes every mode that is enabled: mouse capture off, bracketed paste off, alternate screen left, cursor
/// shown, raw mode off. Best effort (errors ignored), never blocks on job control, and
/// idempotent; this is what the panic hook and the signal path call.
pub fn restore_terminal() {
    let modes = ACTIVE.swap(0, Ordering::SeqCst);
    if modes == 0 {
        return;
    }
    with_sigttou_blocked(|| {
        let mut out = io::stdout();
        // Push out whatever the last draw left buffered so it lands on the alternate
        // screen, not on the restored one.
        let _ = out.flush();
        // End a synchronized update a failed frame may have left open (harmless otherwise).
        let _ = out.write_all(super::scroll::SYNC_END);
        if modes & MODE_MOUSE != 0 {
            let _ = execute!(out, DisableMouseCapture);
        }
        if modes & MODE_BRACKETED_PASTE != 0 {
            let _ = execute!(out, DisableBracketedPaste);
        }
        if modes & MODE_ALT_SCREEN != 0 {
            let _ = execute!(out, LeaveAlternateScreen);
        }
        let _ = execute!(out, cursor::Show);
        if modes & MODE_RAW != 0 {
            let _ = disable_raw_mode();
        }
    });
}

/// Runs `f` with SIGTTOU blocked on this thread, so that writing to or `tcsetattr` on a
/// terminal whose foreground we lost cannot stop the process.
fn with_sigttou_blocked(f: impl FnOnce()) {
    // SAFETY: plain libc calls on locally owned, zero-initialised sigset_t values.
    let old = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTTOU);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old) == 0 { Some(old) } else { None }
    };
    f();
    if let Some(old) = old {
        // SAFETY: `old` is the mask returned by the successful call above.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        }
    }
}

/// Wraps the current panic hook: restore the terminal first, then run the previous hook,
/// so the panic message is printed on the normal screen. Installed at most once.
pub fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
    });
}

pub use crate::signals::{install_signal_handlers, take_signal};

/// Restores the terminal and exits with 128+`sig`, the shell convention for "killed by
/// a signal". Exiting skips destructors on purpose: on a hung-up terminal ratatui's
/// `Terminal` drop would try to show the cursor and report the failure on stderr, which
/// itself fails with EIO and would panic.
pub fn exit_for_signal(sig: i32) -> ! {
    restore_terminal();
    std::process::exit(128 + sig)
}

/// True when the area is below the 60×20 minimum.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// TEST-ONLY hooks, called by the app right after `TerminalGuard::enter` and the first
/// draw; without these environment variables they do nothing.
///
/// - `JIXIAO_TEST_PANIC`: panics on purpose, so tests can check that the panic hook
///   restores the terminal before the message is printed.
/// - `JIXIAO_TEST_WAIT_SIGNAL`: waits (20 ms ticks) for a signal recorded by
///   [`install_signal_handlers`] (which the app must already have called), then restores
///   the terminal and exits with 128+signal.
pub fn test_hooks() {
    if std::env::var_os("JIXIAO_TEST_PANIC").is_some() {
        panic!("测试用的故意崩溃 (JIXIAO_TEST_PANIC)");
    }
    if std::env::var_os("JIXIAO_TEST_WAIT_SIGNAL").is_some() {
        loop {
            if let Some(sig) = take_signal() {
                exit_for_signal(sig);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Whether the terminal on stdin has hung up (its SSH connection or tmux pane is gone)
/// without a SIGHUP reaching us: poll(2) reports POLLHUP, while crossterm just sees EOF.
pub fn hung_up() -> bool {
    let mut fd = libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 };
    // SAFETY: one pollfd we own, zero timeout.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLHUP | libc::POLLNVAL) != 0
}

/// crossterm 0.29 spins forever inside `poll` once its tty reads return EOF or EIO (a hung-up
/// terminal), so the main loop may never see the hang-up. This thread does: when stdin has
/// hung up for a moment it restores what it can and exits like SIGHUP. Drafts are written at
/// least every second while typing, so at most that much is lost.
pub fn spawn_hangup_watchdog() {
    let _ = std::thread::Builder::new().name("hangup-watchdog".into()).spawn(|| {
        let mut strikes = 0;
        loop {
            std::thread::sleep(std::time::Duration::from_millis(200));
            strikes = if hung_up() { strikes + 1 } else { 0 };
            // Give the main loop a chance to notice first and save drafts itself.
            if strikes >= 3 {
                exit_for_signal(libc::SIGHUP);
            }
        }
    });
}
