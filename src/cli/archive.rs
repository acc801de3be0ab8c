//! `jixiao archive CODE -o DIR|FILE.zip` writes a project's dossier (`crate::archive`);
//! `jixiao verify DIR|FILE.zip` checks one, exit 0 when it passes, 1 when it does not.

use crate::domain::{Error, Result};
use std::path::Path;

pub fn run(data: &Path, code: &str, output: &Path) -> Result<i32> {
    let zip = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if zip && output.is_dir() {
        return Err(Error::invalid("jixiao archive", "-o", format!("“{}”是目录：写 zip 要给文件名", output.display())));
    }
    let backend = crate::connect::open_backend(data)?;
    let dossier = crate::archive::build(backend.as_ref(), &crate::attachments::dir(data), code)?;
    for note in &dossier.notes {
        super::out::err_line(note);
    }
    if zip {
        crate::archive::write_zip(&dossier, output)?;
    } else {
        crate::archive::write_dir(&dossier, output)?;
    }
    super::out::err_line(&format!("已写出项目 {} 的归档包（{} 个文件）到 {}", code.trim(), dossier.files.len(), output.display()));
    super::out::line(&format!("清单 MANIFEST.sha256 的 sha256：{}", dossier.manifest_sha256()))?;
    Ok(0)
}

pub fn verify(path: &Path) -> Result<i32> {
    let v = crate::archive::verify::verify(path)?;
    if let Some(sha) = &v.manifest_sha256 {
        super::out::line(&format!("清单 MANIFEST.sha256 的 sha256：{sha}（与纸质档案上记录的值比对）"))?;
    }
    if v.passed() {
        super::out::line(&format!("核验通过：{} 个文件，{} 条审计记录", v.files, v.audit_records))?;
        return Ok(0);
    }
    for f in &v.failures {
        super::out::line(&format!("  ✗ {f}"))?;
    }
    super::out::line(&format!("核验未通过：{}", v.failures.join("；")))?;
    Ok(1)
}
