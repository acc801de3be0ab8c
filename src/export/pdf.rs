//! A built .docx printed to PDF by LibreOffice (`soffice --headless --convert-to pdf`), in a
//! temporary directory with a profile of its own, so concurrent runs (and a LibreOffice the
//! user has open) never share one; stopped after `TIMEOUT`.

use crate::domain::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A notice converts in seconds; a first run sets up the profile in about ten more.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// What to install when LibreOffice is missing (Debian/Ubuntu package names).
pub const INSTALL_HINT: &str = "apt-get install libreoffice-writer-nogui fonts-noto-cjk";

/// LibreOffice's command on PATH: `soffice`, else `libreoffice`.
pub fn soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| ["soffice", "libreoffice"].map(|n| dir.join(n))).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The PDF of a .docx; `name` is what the document is called in messages.
pub fn docx_to_pdf(docx: &[u8], name: &str) -> Result<Vec<u8>> {
    docx_to_pdf_within(docx, name, TIMEOUT)
}

pub fn docx_to_pdf_within(docx: &[u8], name: &str, timeout: Duration) -> Result<Vec<u8>> {
    let soffice = soffice().ok_or_else(|| {
        Error::invalid(
            name,
            "--format pdf",
            format!("没有找到 LibreOffice（soffice）(LibreOffice not found)：PDF 由它转换，请安装：{INSTALL_HINT}（中文字形）；或改用 --format docx"),
        )
    })?;
    let dir = tempfile::Builder::new().prefix("jixiao-pdf-").tempdir().map_err(|e| Error::io("临时目录", e))?;
    let input = dir.path().join("document.docx");
    let out = dir.path().join("out");
    std::fs::write(&input, docx).map_err(|e| crate::fsutil::io_error(&input.display().to_string(), e))?;
    let log = std::fs::File::create(dir.path().join("soffice.log")).map_err(|e| Error::io("临时目录", e))?;
    let mut cmd = Command::new(&soffice);
    cmd.arg("--headless")
        .arg("--norestore")
        .arg("--nolockcheck")
        .arg(format!("-env:UserInstallation={}", file_url(&dir.path().join("profile"))))
        .arg("--convert-to")
        .arg("pdf:writer_pdf_Export")
        .arg("--outdir")
        .arg(&out)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    // Its own process group: soffice starts soffice.bin under it, and a timeout stops both.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let shown = soffice.display().to_string();
    let mut child = cmd.spawn().map_err(|e| Error::io(&shown, e))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| Error::io(&shown, e))? {
            Some(status) => break status,
            None if started.elapsed() > timeout => {
                // SAFETY: signals the process group this call started, by its id.
                unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
                let _ = child.wait();
                return Err(Error::io(
                    &shown,
                    format!("{} 秒内没有把 {name} 转成 PDF (timed out)：已停止它；再试一次，或用 --format docx", timeout.as_secs()),
                ));
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let pdf = out.join("document.pdf");
    match std::fs::read(&pdf) {
        Ok(bytes) if status.success() && bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => {
            let said = std::fs::read_to_string(dir.path().join("soffice.log")).unwrap_or_default();
            let said = crate::text::truncate(said.trim(), 400);
            Err(Error::io(&shown, format!("没能把 {name} 转成 PDF（{status}）：{said}")))
        }
    }
}

/// `file:///tmp/x` with every byte outside the unreserved set percent-encoded.
fn file_url(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::from("file://");
    for b in p.as_os_str().as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(char::from(*b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn profile_urls_are_encoded() {
        assert_eq!(super::file_url(std::path::Path::new("/tmp/a b/通")), "file:///tmp/a%20b/%E9%80%9A");
    }
}
