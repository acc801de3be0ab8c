//! Issue 16 parts 2 and 3: `jixiao archive CODE -o DIR|FILE.zip` writes a project's dossier
//! (project.json, documents/, evidence/, evidence.csv, audit.jsonl, VERIFY.md,
//! MANIFEST.sha256) that `sha256sum -c`, the Python script printed in VERIFY.md and
//! `jixiao verify` all accept; every kind of tampering is caught and named.

use jixiao::read::issued::sha256_hex;
use std::path::{Path, PathBuf};
use std::process::Output;

const CODE: &str = "ZD21-19";

fn bin() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.env_remove("LANG").env_remove("JIXIAO_DATA").arg("--local");
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    bin().arg("--data").arg(data).args(args).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "stdout: {}\nstderr: {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn exec(data: &Path, lines: &[serde_json::Value]) {
    use std::io::Write;
    let mut child =
        bin().arg("--data").arg(data).arg("exec").stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().all(|l| l.contains("\"ok\":true")), "{stdout}");
}

/// The demo store, with file evidence on a score and on a progress entry of ZD21-19, and the
/// project set to 定稿 so its report's first revision is issued.
fn store(root: &Path) -> PathBuf {
    let data = root.join("数据");
    ok(&run(&data, &["demo", "--seed-only"]));
    let bundle: serde_json::Value = serde_json::from_str(&ok(&run(&data, &["export", "--project", CODE]))).unwrap();
    let tree = &bundle["trees"][0]["nodes"];
    let parents: Vec<&serde_json::Value> = tree.as_array().unwrap().iter().map(|n| &n["parent"]).collect();
    let leaf = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| !parents.contains(&&n["id"]) && n["score"]["reviewed"].is_null())
        .expect("an unreviewed leaf");
    let item = bundle["items"].as_array().unwrap().iter().find(|i| i["state"] == "整改中").expect("an item in progress");
    let files = root.join("原件");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("现场照片（一）.txt"), "屋场现场照片说明\n").unwrap();
    std::fs::write(files.join("=整改..台账.csv"), "事项,进度\n1,完成一半\n").unwrap();
    exec(
        &data,
        &[
            serde_json::json!({"cmd": "score", "project": CODE, "indicator": leaf["id"], "input": {"direct": {"value": "0"}},
                "basis": "现场查看。", "evidence": [{"path": files.join("现场照片（一）.txt")}, {"document": {"name": "立项批复"}}]}),
            serde_json::json!({"cmd": "add_progress", "item": item["id"], "text": "已整改一半", "date": "2026-11-20",
                "evidence": [{"path": files.join("=整改..台账.csv")}]}),
            serde_json::json!({"cmd": "set_phase", "project": CODE, "phase": "定稿", "override_reason": "归档测试"}),
        ],
    );
    data
}

/// Every file under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Rewrites MANIFEST.sha256 from the files as they are, as a forger who knows the format would.
fn reseal(dir: &Path) {
    let mut text = String::new();
    for path in listing(dir).into_iter().filter(|p| p != "MANIFEST.sha256") {
        text.push_str(&format!("{}  {path}\n", sha256_hex(&std::fs::read(dir.join(&path)).unwrap())));
    }
    std::fs::write(dir.join("MANIFEST.sha256"), text).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    for path in listing(from) {
        let target = to.join(&path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&path), target).unwrap();
    }
}

fn has(tool: &str) -> bool {
    std::process::Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// `sha256sum -c MANIFEST.sha256` in `dir`; None without the tool.
fn sha256sum(dir: &Path) -> Option<bool> {
    has("sha256sum").then(|| {
        std::process::Command::new("sha256sum")
            .args(["-c", "--quiet", "MANIFEST.sha256"])
            .current_dir(dir)
            .output()
            .unwrap()
            .status
            .success()
    })
}

/// The Python script printed in VERIFY.md, run in `dir`; None without python3.
fn python(dir: &Path) -> Option<(bool, String)> {
    if !has("python3") {
        return None;
    }
    let guide = std::fs::read_to_string(dir.join("VERIFY.md")).unwrap();
    let script = guide.split("```python\n").nth(1).unwrap().split("```").next().unwrap().to_string();
    let file = dir.parent().unwrap().join(format!("{}-check.py", dir.file_name().unwrap().to_string_lossy()));
    std::fs::write(&file, script).unwrap();
    let out = std::process::Command::new("python3").arg(&file).current_dir(dir).output().unwrap();
    Some((out.status.success(), String::from_utf8_lossy(&out.stdout).to_string()))
}

/// The shell line of VERIFY.md run in `dir`: what it prints.
fn shell_names(dir: &Path) -> Option<String> {
    if !has("sha256sum") {
        return None;
    }
    let guide = std::fs::read_to_string(dir.join("VERIFY.md")).unwrap();
    let line = guide.split("```sh\n").nth(1).unwrap().split("\n```").next().unwrap().to_string();
    let out = std::process::Command::new("sh").args(["-c", &line]).current_dir(dir).output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).to_string())
}

/// `jixiao verify PATH`: passed, and what it printed.
fn verify(path: &Path) -> (bool, String) {
    let out = bin().arg("verify").arg(path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{text}");
    (out.status.success(), text)
}

#[test]
fn 归档包写成目录和zip_三种核验都通过_并能导回空库() {
    let root = tempfile::tempdir().unwrap();
    let data = store(root.path());
    let dir = root.path().join("归档");
    let out = ok(&run(&data, &["archive", CODE, "-o", dir.to_str().unwrap()]));
    let files = listing(&dir);
    // Written beside, then renamed into place with the mode any new folder gets.
    use std::os::unix::fs::PermissionsExt;
    let plain = root.path().join("普通目录");
    std::fs::create_dir(&plain).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), mode(&plain));
    assert_eq!(mode(&dir.join("documents")), mode(&plain));
    assert!(std::fs::read_dir(root.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".jixiao-archive")));
    for want in [
        "MANIFEST.sha256",
        "VERIFY.md",
        "audit.jsonl",
        "evidence.csv",
        "project.json",
        "documents/评价报告-第1版.md",
        "documents/评价报告-第1版.docx",
        "documents/评价报告-第1版-评分表.xlsx",
        "documents/通知书-财绩整〔2026〕8号.txt",
        "documents/通知书-财绩整〔2026〕8号.md",
        "documents/通知书-财绩整〔2026〕8号.docx",
    ] {
        assert!(files.contains(&want.to_string()), "{want} in {files:?}");
    }
    let evidence: Vec<&String> = files.iter().filter(|f| f.starts_with("evidence/")).collect();
    assert_eq!(evidence.len(), 2, "{evidence:?}");
    assert!(evidence.iter().any(|f| f.ends_with("-现场照片（一）.txt")), "{evidence:?}");
    assert!(evidence.iter().any(|f| f.ends_with("-=整改_台账.csv")), "no `..` in a name: {evidence:?}");
    // The manifest's own sha256 is printed last, for the paper file.
    let manifest = std::fs::read(dir.join("MANIFEST.sha256")).unwrap();
    assert!(out.trim_end().ends_with(&format!("清单 MANIFEST.sha256 的 sha256：{}", sha256_hex(&manifest))), "{out}");
    let manifest = String::from_utf8(manifest).unwrap();
    assert_eq!(manifest.lines().count(), files.len() - 1, "every file but the manifest is listed");
    assert!(manifest.contains("  VERIFY.md\n"));
    // evidence.csv: BOM, the document entry with an empty sha256, the formula-like name quoted.
    let csv = std::fs::read_to_string(dir.join("evidence.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}sha256,文件名,大小,用于,记录人,时间\r\n"), "{csv}");
    assert!(csv.contains(",立项批复,,指标 "), "{csv}");
    assert!(csv.contains(",'=整改..台账.csv,"), "{csv}");
    assert!(csv.contains("整改回复（整改事项 #"), "{csv}");
    // The documents are what jixiao notice / jixiao report print.
    let notice = |fmt: &str| run(&data, &["notice", "财绩整〔2026〕8号", "--format", fmt]).stdout;
    assert_eq!(std::fs::read(dir.join("documents/通知书-财绩整〔2026〕8号.txt")).unwrap(), notice("txt"));
    assert_eq!(std::fs::read(dir.join("documents/通知书-财绩整〔2026〕8号.md")).unwrap(), notice("md"));
    let report = run(&data, &["report", CODE, "--revision", "1", "--format", "md"]).stdout;
    assert_eq!(std::fs::read(dir.join("documents/评价报告-第1版.md")).unwrap(), report);
    // audit.jsonl: compact lines with sorted keys, ids increasing.
    let audit = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    assert!(
        audit.lines().all(|l| l.starts_with("{\"hash\":\"") && l.contains("\",\"prev\":\"") && l.contains("\",\"record\":{\"actor\":"))
    );

    assert_ne!(sha256sum(&dir), Some(false), "sha256sum -c");
    if let Some((passed, printed)) = python(&dir) {
        assert!(passed, "{printed}");
    }
    assert_eq!(shell_names(&dir).unwrap_or_default(), "");
    let (passed, printed) = verify(&dir);
    assert!(passed && printed.contains("核验通过"), "{printed}");

    let zip = root.path().join("归档.zip");
    ok(&run(&data, &["archive", CODE, "-o", zip.to_str().unwrap()]));
    let (passed, printed) = verify(&zip);
    assert!(passed && printed.contains("核验通过"), "{printed}");

    // A non-empty directory is refused; the dossier is never mixed with other files.
    let again = run(&data, &["archive", CODE, "-o", dir.to_str().unwrap()]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("不是空的"));

    // project.json imports back into an empty store.
    let fresh = root.path().join("新库");
    ok(&run(&fresh, &["import", dir.join("project.json").to_str().unwrap()]));
    let back: serde_json::Value = serde_json::from_str(&ok(&run(&fresh, &["export", "--project", CODE]))).unwrap();
    let was: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("project.json")).unwrap()).unwrap();
    assert_eq!(back["projects"][0]["name"], was["projects"][0]["name"]);
    assert_eq!(back["findings"].as_array().unwrap().len(), was["findings"].as_array().unwrap().len());
    assert_eq!(back["report_issues"], was["report_issues"]);
}

#[test]
fn 核验查出每一种改动_并说出是哪个文件哪条记录() {
    let root = tempfile::tempdir().unwrap();
    let data = store(root.path());
    let good = root.path().join("原包");
    ok(&run(&data, &["archive", CODE, "-o", good.to_str().unwrap()]));
    let case = |name: &str, tamper: &dyn Fn(&Path)| -> (PathBuf, String) {
        let dir = root.path().join(name);
        copy_dir(&good, &dir);
        tamper(&dir);
        let (passed, printed) = verify(&dir);
        assert!(!passed && printed.contains("核验未通过"), "{name}: {printed}");
        (dir, printed)
    };

    // One byte of an evidence file: the manifest, the name check and the shell line see it.
    let evidence = listing(&good).into_iter().find(|f| f.contains("现场照片")).unwrap();
    let (dir, printed) = case("改佐证", &|d| {
        let p = d.join(&evidence);
        let mut b = std::fs::read(&p).unwrap();
        b[0] ^= 1;
        std::fs::write(p, b).unwrap();
    });
    assert!(printed.contains(&format!("文件被改动：{evidence}")), "{printed}");
    assert!(printed.contains(&format!("佐证文件内容与文件名中的 sha256 不符：{evidence}")), "{printed}");
    assert_ne!(sha256sum(&dir), Some(true));
    if let Some(s) = shell_names(&dir) {
        assert!(s.contains("MISMATCH") && s.contains("现场照片"), "{s}");
    }

    // One audit record edited and the manifest resealed: only the chain catches it.
    let audit = std::fs::read_to_string(good.join("audit.jsonl")).unwrap();
    let lines: Vec<&str> = audit.lines().collect();
    let id = |l: &str| serde_json::from_str::<serde_json::Value>(l).unwrap()["record"]["id"].as_u64().unwrap();
    let edited_id = id(lines[3]);
    let (dir, printed) = case("改审计", &|d| {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l[3] = l[3].replacen("\"actor\":\"", "\"actor\":\"x", 1);
        std::fs::write(d.join("audit.jsonl"), l.join("\n") + "\n").unwrap();
        reseal(d);
    });
    assert!(printed.contains(&format!("审计记录 {edited_id} 被改动")), "{printed}");
    assert_ne!(sha256sum(&dir), Some(false), "resealed: sha256sum alone cannot see it");
    if let Some((passed, out)) = python(&dir) {
        assert!(!passed && out.contains(&format!("审计记录 {edited_id}）哈希不符")), "{out}");
    }

    // Two audit lines swapped.
    let (dir, printed) = case("换审计", &|d| {
        let mut l: Vec<&str> = lines.clone();
        l.swap(4, 5);
        std::fs::write(d.join("audit.jsonl"), l.join("\n") + "\n").unwrap();
        reseal(d);
    });
    assert!(printed.contains("编号没有递增"), "{printed}");
    if let Some((passed, out)) = python(&dir) {
        assert!(!passed && out.contains("ids not increasing"), "{out}");
    }

    // A file missing; an extra file; a file changed without resealing.
    let (_, printed) = case("缺文件", &|d| std::fs::remove_file(d.join("evidence.csv")).unwrap());
    assert!(printed.contains("缺少文件：evidence.csv"), "{printed}");
    let (_, printed) = case("多文件", &|d| std::fs::write(d.join("documents/补充说明.txt"), "后加的").unwrap());
    assert!(printed.contains("清单之外的文件：documents/补充说明.txt"), "{printed}");
    let (_, printed) = case("改报告", &|d| {
        let p = d.join("documents/评价报告-第1版.md");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(p, text.replacen("评价", "评介", 1)).unwrap();
    });
    assert!(printed.contains("文件被改动：documents/评价报告-第1版.md"), "{printed}");

    // project.json's record version no longer what the audit last gave it (manifest resealed).
    let (_, printed) = case("改项目", &|d| {
        let p = d.join("project.json");
        let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let v = b["projects"][0]["meta"]["version"].as_u64().unwrap();
        b["projects"][0]["meta"]["version"] = serde_json::json!(v + 1);
        std::fs::write(&p, serde_json::to_vec_pretty(&b).unwrap()).unwrap();
        reseal(d);
    });
    assert!(printed.contains("project.json 与审计记录不符"), "{printed}");
}

#[test]
fn 损坏的zip和越界路径被拒绝_不写出任何文件() {
    use std::io::Write;
    let root = tempfile::tempdir().unwrap();
    let data = store(root.path());
    let zip = root.path().join("包.zip");
    ok(&run(&data, &["archive", CODE, "-o", zip.to_str().unwrap()]));
    let bytes = std::fs::read(&zip).unwrap();

    let cut = root.path().join("截断.zip");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let (passed, printed) = verify(&cut);
    assert!(!passed && printed.contains("zip 文件损坏或不完整"), "{printed}");

    // A good dossier with entries that climb out of it.
    let evil = root.path().join("深/越界.zip");
    std::fs::create_dir_all(evil.parent().unwrap()).unwrap();
    let mut good = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&evil).unwrap());
    for i in 0..good.len() {
        w.raw_copy_file(good.by_index(i).unwrap()).unwrap();
    }
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("../../越界.txt", opts).unwrap();
    w.write_all(b"x").unwrap();
    w.start_file("/tmp/绝对路径.txt", opts).unwrap();
    w.write_all(b"x").unwrap();
    w.finish().unwrap();
    let before = listing(root.path());
    let out = bin().arg("verify").arg(&evil).current_dir(evil.parent().unwrap()).output().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(printed.contains("zip 条目路径越出归档包（已拒绝，未解压）：../../越界.txt"), "{printed}");
    assert!(printed.contains("越出归档包（已拒绝，未解压）：/tmp/绝对路径.txt"), "{printed}");
    assert_eq!(listing(root.path()), before, "nothing written");
    assert!(!Path::new("/tmp/绝对路径.txt").exists());
}

#[test]
fn 佐证库里缺文件时归档失败并说出文件名() {
    let root = tempfile::tempdir().unwrap();
    let data = store(root.path());
    let attachments = data.join("attachments");
    for e in std::fs::read_dir(&attachments).unwrap() {
        let p = e.unwrap().path();
        if std::fs::read_to_string(&p).is_ok_and(|t| t.contains("屋场现场照片")) {
            std::fs::remove_file(p).unwrap();
        }
    }
    let out = run(&data, &["archive", CODE, "-o", root.path().join("包").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("现场照片（一）.txt") && err.contains("归档包会不完整"), "{err}");
    assert!(!root.path().join("包").exists(), "nothing written");
}
