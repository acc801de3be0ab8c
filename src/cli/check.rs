//! `jixiao check`. Through the team server when one runs (it owns the store: the scan runs
//! there, and every value it decodes is checksummed and size-limited, so a damaged value is
//! a problem in the report, not a hang or an abort). Otherwise (`--local`, or no server
//! running) the scan runs in a child process, this binary again with `CHILD_ENV` set,
//! under a time limit and an address-space limit: what no decoder guards (sled reading a
//! damaged file, a bug) then stops the child, and this process reports where the child
//! was ("check stopped: …, the store is likely corrupt at …") and exits `STOPPED`.
//! The server's answer is awaited under the same time limit.

use crate::backend::{Query, Reply};
use crate::domain::{Error, Result};
use crate::i18n::Lang;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Set in the child's environment to the file it notes its progress in (`crate::progress`).
const CHILD_ENV: &str = "JIXIAO_CHECK_CHILD";

/// Whether this process is the scan child of `jixiao check` (its parent has already said
/// what the config file got wrong).
pub fn is_scan_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}
/// Seconds a check may take (default `DEFAULT_SECS`); tests set a short one.
pub const TIMEOUT_ENV: &str = "JIXIAO_CHECK_TIMEOUT";
const DEFAULT_SECS: f64 = 120.0;
/// The child's address-space limit in MiB (default `DEFAULT_MIB`).
pub const MEMORY_ENV: &str = "JIXIAO_CHECK_MEMORY_MB";
/// Far above a 10,000-project store's check (sled's 64 MiB cache, the decoded records),
/// far below what would push a field laptop into swap.
const DEFAULT_MIB: u64 = 4096;
/// The exit code of a check that did not finish (1: it finished and found problems).
pub const STOPPED: i32 = 3;

/// What the thread asking the server tells `run`.
enum Heard {
    NoServer,
    Server,
    Answer(Reply),
}

pub fn run(data: &Path) -> Result<i32> {
    if let Some(progress) = std::env::var_os(CHILD_ENV) {
        return scan_here(data, Path::new(&progress));
    }
    let limit = time_limit();
    let started = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = data.to_path_buf();
    // A thread, so that a server which never answers is given up on: first it says whether a
    // server answered at all (`None`: scan in a child), then what the server's check found.
    std::thread::spawn(move || match crate::connect::server_for_check(&dir) {
        Ok(Some(backend)) => {
            let _ = tx.send(Ok(Heard::Server));
            let _ = tx.send(backend.query(&Query::Check).map(Heard::Answer));
        }
        Ok(None) => {
            let _ = tx.send(Ok(Heard::NoServer));
        }
        Err(e) => {
            let _ = tx.send(Err(e));
        }
    });
    // Finding out takes milliseconds, or as long as a server starting up takes (10 s at most).
    let answer = match rx.recv_timeout(limit.max(Duration::from_secs(10))) {
        Ok(Ok(Heard::NoServer)) => return scan_in_child(data, limit),
        Ok(Ok(Heard::Server)) => rx.recv_timeout(limit.saturating_sub(started.elapsed())),
        other => other,
    };
    match answer {
        Ok(Ok(Heard::Answer(reply))) => print_report(data, reply),
        Ok(Ok(_)) => Err(Error::corrupt("jixiao check", "回复类型不符")),
        Ok(Err(e)) => Err(e),
        Err(_) => {
            // The scan runs in the server: where it is, only a scan of our own can tell.
            let secs = limit.as_secs_f64();
            println!(
                "{}",
                say(
                    &format!("检查中止：服务器没有在 {secs} 秒内答复；存储很可能已损坏：停止服务器后运行 jixiao --local check 查出位置"),
                    &format!(
                        "check stopped: the server gave no answer within {secs} s; the store is likely corrupt: stop the server and run jixiao --local check to find where"
                    ),
                )
            );
            Ok(STOPPED)
        }
    }
}

fn say(zh: &str, en: &str) -> String {
    if crate::i18n::current() == Lang::En { en.to_string() } else { zh.to_string() }
}

fn time_limit() -> Duration {
    let secs = std::env::var(TIMEOUT_ENV).ok().and_then(|s| s.trim().parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0);
    Duration::from_secs_f64(secs.unwrap_or(DEFAULT_SECS))
}

fn memory_limit_mib() -> u64 {
    std::env::var(MEMORY_ENV).ok().and_then(|s| s.trim().parse::<u64>().ok()).filter(|m| *m > 0).unwrap_or(DEFAULT_MIB)
}

/// Prints the report; exit 0 when clean, 1 when problems were found.
fn print_report(data: &Path, reply: Reply) -> Result<i32> {
    let Reply::Check { problems, counts, failing_self_checks } = reply else {
        return Err(Error::corrupt("jixiao check", "回复类型不符"));
    };
    let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    super::out::line(&format!("{}：{}", data.display(), counts.join("，")))?;
    super::out::line(&self_check_line(&failing_self_checks))?;
    if problems.is_empty() {
        super::out::line("检查通过：没有发现问题")?;
        return Ok(0);
    }
    for p in &problems {
        super::out::line(&format!("问题：{p}"))?;
    }
    super::out::line(&format!("发现 {} 个问题", problems.len()))?;
    Ok(1)
}

/// The self-check summary: how many projects fail theirs, the first few named. It does not
/// change the exit code, which stays the store's integrity.
fn self_check_line(failing: &[String]) -> String {
    if failing.is_empty() {
        return say("自检：所有项目的自检都已通过", "self-check: every project passes its self-check");
    }
    const NAMED: usize = 5;
    let mut named = failing.iter().take(NAMED).cloned().collect::<Vec<_>>().join("、");
    if failing.len() > NAMED {
        named.push_str(" …");
    }
    say(
        &format!("自检：{} 个项目有未通过的检查（{named}；jixiao check --project CODE 查看）", failing.len()),
        &format!("self-check: {} projects fail checks ({named}; see jixiao check --project CODE)", failing.len()),
    )
}

/// Prints why the check stopped and where (the last record read, if any); the exit code.
fn stopped(why: &str, at: Option<&str>) -> i32 {
    let line = match at {
        Some(at) => say(
            &format!("检查中止：{why}；存储很可能在“{at}”处损坏（检查停在这里）"),
            &format!("check stopped: {why}; the store is likely corrupt at \"{at}\" (where the check was)"),
        ),
        None => say(
            &format!("检查中止：{why}；存储很可能在开头就已损坏（打开时中止，还没有读取任何记录）"),
            &format!("check stopped: {why}; the store is likely corrupt at its start (stopped while opening, before any record was read)"),
        ),
    };
    println!("{line}");
    STOPPED
}

/// The child: limits itself, opens the store in this process and scans it.
fn scan_here(data: &Path, progress: &Path) -> Result<i32> {
    limit_address_space(memory_limit_mib() * 1024 * 1024);
    // Without the progress file a stopped check only names no record: scan anyway.
    let _ = crate::progress::report_to(progress);
    let backend = crate::connect::open_backend(data)?;
    print_report(data, backend.query(&Query::Check)?)
}

fn limit_address_space(bytes: u64) {
    // SAFETY: getrlimit and setrlimit only read and write the rlimit struct we pass.
    unsafe {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_AS, &mut lim) != 0 {
            return;
        }
        lim.rlim_cur = bytes.min(lim.rlim_max);
        // If the system refuses, the time limit still holds.
        libc::setrlimit(libc::RLIMIT_AS, &lim);
    }
}

/// Runs the scan in a child process and waits for it at most `limit`.
fn scan_in_child(data: &Path, limit: Duration) -> Result<i32> {
    let exe = std::env::current_exe().map_err(|e| Error::io("jixiao", e))?;
    let progress = tempfile::NamedTempFile::new().map_err(|e| Error::io("jixiao check", e))?;
    let lang = if crate::i18n::current() == Lang::En { "en" } else { "zh" };
    let mut cmd = Command::new(exe);
    cmd.arg("--data").arg(data).args(["--local", "--lang", lang, "check"]).env(CHILD_ENV, progress.path());
    let mut child = cmd.stdin(Stdio::null()).spawn().map_err(|e| Error::io("jixiao check", e))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= limit => {
                // Our own child, by its handle: nothing else is signalled.
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(Error::io("jixiao check", e)),
        }
    };
    if let Some(code) = status.and_then(|s| s.code()).filter(|c| *c == 0 || *c == 1) {
        return Ok(code);
    }
    let why = match status {
        None => say(&format!("检查没有在 {} 秒内结束", limit.as_secs_f64()), &format!("no result within {} s", limit.as_secs_f64())),
        Some(s) => child_failure(s),
    };
    Ok(stopped(&why, crate::progress::last(progress.path()).as_deref()))
}

fn child_failure(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    let mib = memory_limit_mib();
    match (status.code(), status.signal()) {
        (Some(101), _) => say("检查进程出错退出 (panic)", "the checking process panicked"),
        (Some(code), _) => say(&format!("检查进程以代码 {code} 退出"), &format!("the checking process exited with code {code}")),
        (None, Some(libc::SIGABRT)) => say(
            &format!("检查进程中止（SIGABRT，可能超出 {mib} MiB 内存上限）"),
            &format!("the checking process aborted (SIGABRT; the {mib} MiB memory limit may have been reached)"),
        ),
        (None, Some(sig)) => say(&format!("检查进程被信号 {sig} 终止"), &format!("the checking process was killed by signal {sig}")),
        (None, None) => say("检查进程异常结束", "the checking process ended abnormally"),
    }
}
