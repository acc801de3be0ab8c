//! The terminal guard on a real pseudo-terminal: the binary is started on the slave side
//! of a pty (as its controlling terminal), everything it writes is read from the master,
//! and the slave's termios is checked after it exits.
//!
//! The child is driven by the test-only hooks in `jixiao::tui::terminal::test_hooks`
//! (`JIXIAO_TEST_PANIC`, `JIXIAO_TEST_WAIT_SIGNAL`), which the app calls right after
//! entering the TUI and drawing the first frame.

use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jixiao::tui::terminal::too_small;
use ratatui::layout::Rect;

const LIMIT: Duration = Duration::from_secs(10);
const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const PASTE_OFF: &[u8] = b"\x1b[?2004l";
const PANIC_TEXT: &str = "测试用的故意崩溃";

/// The two ends of a pseudo-terminal.
struct Pty {
    master: OwnedFd,
    slave: OwnedFd,
}

fn check(rc: libc::c_int, what: &str) {
    assert!(rc >= 0, "{what}: {}", std::io::Error::last_os_error());
}

/// Held while a pty is opened (its fds are not close-on-exec for a moment) and while a
/// child is spawned, so tests running in parallel never leak pty fds into each other's
/// children (a leaked master would keep a "hung up" terminal alive).
static FD_LOCK: Mutex<()> = Mutex::new(());

fn fd_lock() -> std::sync::MutexGuard<'static, ()> {
    FD_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn set_cloexec(fd: libc::c_int) {
    // SAFETY: fcntl on an fd we just opened.
    check(unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) }, "F_SETFD");
}

fn open_pty() -> Pty {
    let _lock = fd_lock();
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: out-pointers to local ints; null name/termios/winsize are allowed.
    let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    check(rc, "openpty");
    set_cloexec(master);
    set_cloexec(slave);
    // SAFETY: openpty succeeded, so both fds are open and owned by us alone.
    let pty = unsafe { Pty { master: OwnedFd::from_raw_fd(master), slave: OwnedFd::from_raw_fd(slave) } };
    let ws = libc::winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCSWINSZ reads one winsize from the pointer.
    check(unsafe { libc::ioctl(pty.master.as_raw_fd(), libc::TIOCSWINSZ, &ws) }, "TIOCSWINSZ");
    pty
}

fn termios(fd: &OwnedFd) -> libc::termios {
    // SAFETY: termios is plain data; tcgetattr fills it in.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    check(unsafe { libc::tcgetattr(fd.as_raw_fd(), &mut t) }, "tcgetattr");
    t
}

fn cooked(t: &libc::termios) -> bool {
    t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
}

fn dup(fd: &OwnedFd) -> OwnedFd {
    // SAFETY: duplicating an open fd (close-on-exec); the result is a new fd we own.
    let new = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0) };
    check(new, "dup");
    unsafe { OwnedFd::from_raw_fd(new) }
}

/// Owns the pty master and reads it until EOF or EIO (all slave fds closed), collecting
/// the bytes; `hang_up` makes it close the master early, which hangs up the slave.
struct Reader {
    out: Arc<Mutex<Vec<u8>>>,
    hang_up: Arc<AtomicBool>,
    handle: JoinHandle<()>,
}

fn spawn_reader(master: OwnedFd) -> Reader {
    let out = Arc::new(Mutex::new(Vec::new()));
    let hang_up = Arc::new(AtomicBool::new(false));
    let (sink, stop) = (Arc::clone(&out), Arc::clone(&hang_up));
    let handle = std::thread::spawn(move || {
        let mut file = File::from(master);
        let mut buf = [0u8; 4096];
        while !stop.load(Ordering::SeqCst) {
            let mut pfd = libc::pollfd { fd: file.as_raw_fd(), events: libc::POLLIN, revents: 0 };
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut pfd, 1, 20) };
            if ready == 0 {
                continue;
            }
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break, // EIO: the slave side is gone
            }
        }
        // Dropping `file` closes the master.
    });
    Reader { out, hang_up, handle }
}

/// Starts the binary on the pty slave as session leader with the slave as controlling tty.
/// The user's own config.toml is kept out (XDG_CONFIG_HOME is the data dir unless `env` sets it).
fn spawn_app(slave: &OwnedFd, data: &std::path::Path, env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.arg("--data")
        .arg(data)
        .env("TERM", "xterm-256color")
        .env("LANG", "zh_CN.UTF-8")
        .env("XDG_CONFIG_HOME", data)
        .envs(env.iter().copied())
        .env_remove("JIXIAO_DATA")
        .env_remove("JIXIAO_LANG")
        .stdin(Stdio::from(dup(slave)))
        .stdout(Stdio::from(dup(slave)))
        .stderr(Stdio::from(dup(slave)));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = {
        let _lock = fd_lock();
        cmd.spawn().expect("spawn jixiao")
    };
    drop(cmd); // closes the parent's copies of the slave dups
    child
}

fn wait_bounded(child: &mut Child, started: Instant, out: &Arc<Mutex<Vec<u8>>>) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child did not exit within {LIMIT:?}; output so far: {}", shown(out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_for_bytes(child: &mut Child, started: Instant, out: &Arc<Mutex<Vec<u8>>>, needle: &[u8]) {
    loop {
        if find(&out.lock().unwrap(), needle).is_some() {
            return;
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!("the child exited ({status}) before writing {needle:?}; output: {}", shown(out));
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{needle:?} not written within {LIMIT:?}; output so far: {}", shown(out));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Closes the test's slave fd so the reader sees EIO, then returns everything it read.
fn finish(slave: OwnedFd, reader: Reader) -> Vec<u8> {
    drop(slave);
    join_reader(&reader.handle);
    reader.handle.join().expect("reader thread");
    reader.out.lock().unwrap().clone()
}

fn join_reader(handle: &JoinHandle<()>) {
    let started = Instant::now();
    while !handle.is_finished() {
        assert!(started.elapsed() < LIMIT, "the pty reader did not finish");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn shown(out: &Arc<Mutex<Vec<u8>>>) -> String {
    format!("{:?}", String::from_utf8_lossy(&out.lock().unwrap()))
}

fn assert_restore_sequences(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let enter = find(bytes, ENTER_ALT).unwrap_or_else(|| panic!("alternate screen never entered: {text:?}"));
    let leave = rfind(bytes, LEAVE_ALT).unwrap_or_else(|| panic!("alternate screen never left: {text:?}"));
    let paste_off = rfind(bytes, PASTE_OFF).unwrap_or_else(|| panic!("bracketed paste never disabled: {text:?}"));
    assert!(enter < leave, "left the alternate screen before entering it: {text:?}");
    assert!(enter < paste_off, "bracketed paste disabled before the TUI started: {text:?}");
    assert!(paste_off < leave, "bracketed paste should be disabled before leaving the alternate screen: {text:?}");
}

#[test]

fn panic_restores_the_terminal_before_printing() {
    let Pty { master, slave } = open_pty();
    assert!(cooked(&termios(&slave)), "a fresh pty should be in cooked mode");
    let data = tempfile::tempdir().expect("tempdir");
    let reader = spawn_reader(master);
    let started = Instant::now();
    let mut child = spawn_app(&slave, data.path(), &[("JIXIAO_TEST_PANIC", "1")]);
    let status = wait_bounded(&mut child, started, &reader.out);
    let after = termios(&slave);
    let bytes = finish(slave, reader);
    let text = String::from_utf8_lossy(&bytes).into_owned();

    assert!(!status.success(), "a panic must exit non-zero: {status}; output: {text:?}");
    assert_restore_sequences(&bytes);
    let panic_at = find(&bytes, PANIC_TEXT.as_bytes()).unwrap_or_else(|| panic!("panic message not printed: {text:?}"));
    let leave = rfind(&bytes, LEAVE_ALT).unwrap_or(usize::MAX);
    let paste_off = rfind(&bytes, PASTE_OFF).unwrap_or(usize::MAX);
    assert!(leave < panic_at, "the panic was printed on the alternate screen: {text:?}");
    assert!(paste_off < panic_at, "bracketed paste was still on when the panic was printed: {text:?}");
    assert!(cooked(&after), "raw mode not undone after the panic (lflag {:#o})", after.c_lflag);
}

/// Starts the app waiting for a signal and returns once it is in the TUI (alternate
/// screen entered, raw mode on).
fn start_waiting_for_signal(slave: &OwnedFd, data: &std::path::Path, reader: &Reader) -> (Child, Instant) {
    start_waiting_with(slave, data, reader, &[])
}

fn start_waiting_with(slave: &OwnedFd, data: &std::path::Path, reader: &Reader, env: &[(&str, &str)]) -> (Child, Instant) {
    let started = Instant::now();
    let mut env = env.to_vec();
    env.push(("JIXIAO_TEST_WAIT_SIGNAL", "1"));
    let mut child = spawn_app(slave, data, &env);
    wait_for_bytes(&mut child, started, &reader.out, ENTER_ALT);
    // Raw mode is enabled before the alternate screen is entered.
    let during = termios(slave);
    assert!(!cooked(&during), "raw mode not enabled in the TUI (lflag {:#o})", during.c_lflag);
    (child, started)
}

fn signal_restores_the_terminal(sig: libc::c_int) {
    let Pty { master, slave } = open_pty();
    assert!(cooked(&termios(&slave)), "a fresh pty should be in cooked mode");
    let data = tempfile::tempdir().expect("tempdir");
    let reader = spawn_reader(master);
    let (mut child, started) = start_waiting_for_signal(&slave, data.path(), &reader);
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: signalling our own child.
    check(unsafe { libc::kill(pid, sig) }, "kill");
    let status = wait_bounded(&mut child, started, &reader.out);
    let after = termios(&slave);
    let bytes = finish(slave, reader);
    let text = String::from_utf8_lossy(&bytes).into_owned();

    assert_eq!(status.code(), Some(128 + sig), "expected exit code 128+{sig} (killed by {:?}); output: {text:?}", status.signal());
    assert_restore_sequences(&bytes);
    let leave = rfind(&bytes, LEAVE_ALT).unwrap_or(0);
    assert!(find(&bytes[leave..], ENTER_ALT).is_none(), "re-entered the alternate screen: {text:?}");
    assert!(cooked(&after), "raw mode not undone after signal {sig} (lflag {:#o})", after.c_lflag);
}

#[test]

fn sigterm_restores_the_terminal_and_exits_143() {
    signal_restores_the_terminal(libc::SIGTERM);
}

#[test]

fn sighup_restores_the_terminal_and_exits_129() {
    signal_restores_the_terminal(libc::SIGHUP);
}

/// A real hangup, as when an SSH connection drops: the master side closes, the kernel
/// sends SIGHUP and every write to the terminal fails with EIO. Restoring must neither
/// panic nor block, so the child still exits with 128+SIGHUP.
#[test]

fn hangup_on_a_dead_terminal_still_exits_129() {
    let Pty { master, slave } = open_pty();
    let data = tempfile::tempdir().expect("tempdir");
    let reader = spawn_reader(master);
    let (mut child, started) = start_waiting_for_signal(&slave, data.path(), &reader);
    reader.hang_up.store(true, Ordering::SeqCst); // the reader closes the only master fd
    join_reader(&reader.handle);
    let status = wait_bounded(&mut child, started, &reader.out);
    drop(slave);
    assert_eq!(
        status.code(),
        Some(128 + libc::SIGHUP),
        "expected exit code 129 after a hangup: {status} (killed by {:?}); output: {}",
        status.signal(),
        shown(&reader.out)
    );
}

#[test]
fn too_small_below_60_by_20() {
    assert!(too_small(Rect::new(0, 0, 59, 40)));
    assert!(!too_small(Rect::new(0, 0, 60, 20)));
    assert!(too_small(Rect::new(0, 0, 120, 19)));
    assert!(!too_small(Rect::new(0, 0, 80, 24)));
    assert!(!too_small(Rect::new(0, 0, 120, 40)));
    assert!(too_small(Rect::new(0, 0, 0, 0)));
}

const MOUSE_ON: &[u8] = b"\x1b[?1000h";
const MOUSE_OFF: &[u8] = b"\x1b[?1000l";

/// Starts the workbench with `config` as config.toml, lets it draw, ends it with SIGTERM
/// and returns everything it wrote.
fn run_with_config(config: &str, files: &[(&str, &str)], wait_for: &[u8]) -> Vec<u8> {
    let Pty { master, slave } = open_pty();
    let data = tempfile::tempdir().expect("tempdir");
    let conf = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(conf.path().join("jixiao")).expect("mkdir");
    std::fs::write(conf.path().join("jixiao/config.toml"), config).expect("write config");
    for (name, text) in files {
        std::fs::write(conf.path().join("jixiao").join(name), text).expect("write file");
    }
    let reader = spawn_reader(master);
    let xdg = conf.path().to_str().expect("utf-8 path");
    let (mut child, started) = start_waiting_with(&slave, data.path(), &reader, &[("XDG_CONFIG_HOME", xdg)]);
    wait_for_bytes(&mut child, started, &reader.out, wait_for);
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: signalling our own child.
    check(unsafe { libc::kill(pid, libc::SIGTERM) }, "kill");
    wait_bounded(&mut child, started, &reader.out);
    finish(slave, reader)
}

#[test]
fn mouse_is_captured_unless_the_config_turns_it_off_and_released_on_exit() {
    let bytes = run_with_config("# 默认设置\n", &[], MOUSE_ON);
    let text = String::from_utf8_lossy(&bytes);
    let on = find(&bytes, MOUSE_ON).unwrap_or_else(|| panic!("mouse capture never enabled: {text:?}"));
    let off = rfind(&bytes, MOUSE_OFF).unwrap_or_else(|| panic!("mouse capture never disabled: {text:?}"));
    let leave = rfind(&bytes, LEAVE_ALT).unwrap_or(0);
    assert!(on < off && off < leave, "mouse capture must be released before leaving the screen: {text:?}");

    let bytes = run_with_config("mouse = false\n", &[], ENTER_ALT);
    assert!(find(&bytes, MOUSE_ON).is_none(), "mouse = false captured the mouse: {:?}", String::from_utf8_lossy(&bytes));
}

#[test]
fn the_keymap_named_in_the_config_is_read_and_its_errors_shown() {
    let bytes = run_with_config("keymap = \"km.toml\"\n", &[("km.toml", "[project_list]\nx = \"no_such_action\"\n")], b"km.toml:2");
    let text = String::from_utf8_lossy(&bytes);
    assert!(find(&bytes, "按键文件有误".as_bytes()).is_some(), "{text:?}");
}

#[test]
fn config_errors_are_printed_before_the_screen_and_shown_in_it() {
    let bytes = run_with_config("colour = 1\n", &[], "设置文件有误".as_bytes());
    let text = String::from_utf8_lossy(&bytes);
    let said = find(&bytes, "config.toml:1: 未知的设置“colour”".as_bytes()).unwrap_or_else(|| panic!("{text:?}"));
    let enter = find(&bytes, ENTER_ALT).unwrap_or_else(|| panic!("{text:?}"));
    assert!(said < enter, "the error should reach the terminal before the TUI starts: {text:?}");
}
