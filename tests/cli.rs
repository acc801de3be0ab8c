//! The `jixiao` binary: exec, export, import, check, template and demo as a user runs them.

use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    // Messages in zh-CN unless a test asks for English.
    c.env_remove("LANG").env_remove("JIXIAO_LANG").env_remove("JIXIAO_DATA");
    c
}

fn run(args: &[&str], data: Option<&Path>) -> Output {
    let mut c = bin();
    if let Some(d) = data {
        c.arg("--data").arg(d);
    }
    c.args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn assert_no_panic(out: &Output) {
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

fn export(data: &Path) -> Value {
    let out = run(&["export"], Some(data));
    assert!(out.status.success(), "export failed: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn create_line(code: &str, name: &str, unit: &str, amount: &str) -> String {
    json!({
        "cmd": "create_project", "code": code, "name": name, "kind": "项目支出", "fiscal_year": 2020,
        "unit": unit, "amount": amount, "fund_notes": ["购买服务"]
    })
    .to_string()
}

/// `jixiao --data D exec` with stdin and stdout piped, kept running.
struct Exec {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Exec {
    fn spawn(data: &Path) -> Exec {
        Self::spawn_with(data, &[])
    }

    /// With extra global flags, e.g. `--local` to hold the store in the exec process itself.
    fn spawn_with(data: &Path, flags: &[&str]) -> Exec {
        let mut child = bin()
            .arg("--data")
            .arg(data)
            .args(flags)
            .arg("exec")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Exec { child, stdin, stdout }
    }

    /// Sends one line and reads its one result line.
    fn send(&mut self, line: &str) -> Value {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
        let mut reply = String::new();
        self.stdout.read_line(&mut reply).unwrap();
        serde_json::from_str(&reply).unwrap_or_else(|e| panic!("not a JSON result line {reply:?}: {e}"))
    }
}

// ─── exec ───────────────────────────────────────────────────────────────────────

#[test]
fn an_acknowledged_command_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["2020年度人口普查工作经费", "食品安全检测经费", "征收经费", "农村房地一体登记", "屋场建设补助"];
    for (i, name) in names.iter().enumerate() {
        let code = format!("ZD21-K{}", i + 1);
        let mut exec = Exec::spawn(dir.path());
        let r = exec.send(&create_line(&code, name, "自然资源局", "350"));
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["key"], code.as_str());
        // Acknowledged: kill at once, before exec could do anything else.
        exec.child.kill().unwrap();
        exec.child.wait().unwrap();

        let bundle = export(dir.path());
        let projects = bundle["projects"].as_array().unwrap();
        assert_eq!(projects.len(), i + 1, "after kill #{}: {bundle}", i + 1);
        let p = projects.iter().find(|p| p["code"] == code.as_str()).unwrap_or_else(|| panic!("{code} lost after SIGKILL"));
        assert_eq!(p["name"], *name);
        assert_eq!(p["amount"], "350");
    }
    let out = run(&["check"], Some(dir.path()));
    assert!(out.status.success(), "check after kills: {}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn exec_prints_one_result_per_line_and_exits_1_on_any_failure() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        create_line("ZD21-06", "2020年度人口普查工作经费", "统计局", "100"),
        "{\"cmd\": \"create_project\", \"code\": ".to_string(),
        json!({"cmd": "update_project", "project": "ZD21-06", "amount": "12.345"}).to_string(),
        "# 注释行和空行不产生结果".to_string(),
        String::new(),
        json!({"cmd": "score", "project": "ZD21-06", "indicator": "立项依据充分性", "input": {"direct": {"value": "2.5"}}, "basis": "立项依据基本充分"}).to_string(),
        json!({"cmd": "score", "project": "ZD21-06", "indicator": "立项依据充分性", "input": {"direct": {"value": "3.5"}}}).to_string(),
        json!({"cmd": "create_project", "code": "ZD21-07", "name": "食品安全检测经费", "kind": "项目支出", "fiscal_year": 2020, "unit": "市场监督管理局", "amount": "70", "负责人": "张三"}).to_string(),
        json!({"cmd": "update_project", "project": "ZD99-99", "name": "不存在的项目"}).to_string(),
    ];
    let mut child = bin()
        .arg("--data")
        .arg(dir.path())
        .arg("exec")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(lines.join("\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_no_panic(&out);
    let stdout = text(&out.stdout);
    let results: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}"))).collect();
    assert_eq!(results.len(), 7, "one result per command line, none for comments and blanks:\n{stdout}");

    let r = &results[0];
    assert_eq!((r["ok"].clone(), r["line"].clone(), r["cmd"].clone()), (json!(true), json!(1), json!("create_project")));
    assert_eq!((r["id"].clone(), r["version"].clone(), r["key"].clone()), (json!(1), json!(1), json!("ZD21-06")));
    assert!(r["audit"].as_u64().unwrap() >= 1);

    let r = &results[1];
    assert_eq!((r["ok"].clone(), r["line"].clone()), (json!(false), json!(2)));
    assert_eq!(r["error"]["kind"], "parse");
    assert!(r["error"]["message"].as_str().unwrap().contains("第 2 行"), "{r}");

    let r = &results[2];
    assert_eq!((r["ok"].clone(), r["line"].clone(), r["cmd"].clone()), (json!(false), json!(3), json!("update_project")));
    assert_eq!(r["error"]["kind"], "invalid");
    let msg = r["error"]["message"].as_str().unwrap();
    assert!(msg.contains("12.345") && msg.contains("金额") && msg.contains("ZD21-06"), "{msg}");
    assert_eq!((r["error"]["record"].as_str(), r["error"]["field"].as_str()), (Some("项目 ZD21-06"), Some("amount")));

    let r = &results[3];
    assert_eq!((r["ok"].clone(), r["line"].clone(), r["cmd"].clone()), (json!(true), json!(6), json!("score")));
    assert_eq!(r["score"], "2.5");

    let r = &results[4];
    assert_eq!((r["ok"].clone(), r["line"].clone()), (json!(false), json!(7)));
    assert_eq!(r["error"]["kind"], "invalid");
    let msg = r["error"]["message"].as_str().unwrap();
    assert!(msg.contains("立项依据充分性") && msg.contains("3.5"), "{msg}");

    let r = &results[5];
    assert_eq!((r["ok"].clone(), r["line"].clone()), (json!(false), json!(8)));
    assert_eq!(r["error"]["kind"], "parse", "an unknown field is refused: {r}");
    assert!(r["error"]["message"].as_str().unwrap().contains("负责人"), "{r}");

    let r = &results[6];
    assert_eq!((r["ok"].clone(), r["line"].clone()), (json!(false), json!(9)));
    assert_eq!(r["error"]["kind"], "not_found");
    assert!(r["error"]["message"].as_str().unwrap().contains("ZD99-99"), "{r}");

    assert_eq!(out.status.code(), Some(1));

    // Only the good lines changed the store.
    let bundle = export(dir.path());
    assert_eq!(bundle["projects"].as_array().unwrap().len(), 1);
    assert_eq!(bundle["projects"][0]["amount"], "100");
    assert_eq!(bundle["audit"].as_array().unwrap().len(), 2);
}

#[test]
fn exec_with_only_good_lines_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut exec = Exec::spawn(dir.path());
    let r = exec.send(&create_line("ZD21-06", "2020年度人口普查工作经费", "统计局", "100"));
    assert_eq!(r["ok"], true, "{r}");
    let r = exec.send(&json!({"cmd": "set_phase", "project": "ZD21-06", "phase": "现场"}).to_string());
    assert_eq!((r["ok"].clone(), r["version"].clone()), (json!(true), json!(2)), "{r}");
    drop(exec.stdin);
    let status = exec.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(export(dir.path())["projects"][0]["phase"], "现场");
}

// ─── templates ──────────────────────────────────────────────────────────────────

#[test]
fn template_list_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["template", "list"], Some(dir.path()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = text(&out.stdout);
    for name in ["project-2020", "self-eval", "dept-overall", "ex-ante"] {
        assert!(list.lines().any(|l| l.starts_with(name)), "{name} missing from:\n{list}");
    }
    assert_eq!(list.lines().count(), 4, "{list}");

    let out = run(&["template", "show", "project-2020"], Some(dir.path()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.lines().any(|l| l.trim() == "决策 20.00"), "{shown}");
    assert!(shown.contains("立项依据充分性 3.00"), "{shown}");
    assert!(shown.contains("实施效益 20.00") && shown.contains("[定性]"), "{shown}");
    assert!(shown.contains("总分 100.00"), "{shown}");

    let out = run(&["template", "show", "nosuch"], Some(dir.path()));
    assert!(!out.status.success());
    assert_no_panic(&out);
    let err = text(&out.stderr);
    assert!(err.contains("nosuch"), "{err}");
    for name in ["project-2020", "self-eval", "dept-overall", "ex-ante"] {
        assert!(err.contains(name), "{name} not offered in: {err}");
    }
}

// ─── errors ─────────────────────────────────────────────────────────────────────

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn importing_a_missing_file_names_the_path_in_either_language() {
    let dir = tempfile::tempdir().unwrap();
    let missing = "/nonexistent/导入文件-2021.json";

    let out = run(&["import", missing], Some(dir.path()));
    assert!(!out.status.success());
    assert_no_panic(&out);
    let err = text(&out.stderr);
    assert!(err.contains(missing) && err.contains("读写"), "{err}");

    let out = run(&["--lang", "en", "import", "/nonexistent.json"], Some(dir.path()));
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("/nonexistent.json") && err.contains("cannot read"), "{err}");
    assert!(!has_cjk(&err), "--lang en gave Chinese: {err}");

    // JIXIAO_LANG=en picks English too; LANG=en_US alone does not (tests/config.rs).
    let out = bin().env("JIXIAO_LANG", "en").arg("--data").arg(dir.path()).args(["import", "/nonexistent.json"]).output().unwrap();
    assert!(!has_cjk(&text(&out.stderr)), "{}", text(&out.stderr));
    let out = bin().env("LANG", "en_US.UTF-8").arg("--data").arg(dir.path()).args(["import", "/nonexistent.json"]).output().unwrap();
    assert!(text(&out.stderr).contains("读写"), "LANG alone switched to English: {}", text(&out.stderr));
}

#[test]
fn importing_malformed_json_names_the_file_and_position_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("坏文件.json");
    std::fs::write(&file, "{\n  \"format\": \"jixiao-bundle\",\n  \"projects\": [,]\n}\n").unwrap();
    let data = dir.path().join("data");
    let out = run(&["import", file.to_str().unwrap()], Some(&data));
    assert!(!out.status.success());
    assert_no_panic(&out);
    let err = text(&out.stderr);
    assert!(err.contains("坏文件.json") && err.contains("第 3 行"), "{err}");
    let bundle = export(&data);
    assert!(bundle["projects"].as_array().unwrap().is_empty());
    assert!(bundle["audit"].as_array().unwrap().is_empty());
}

#[test]
fn export_import_through_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let mut exec = Exec::spawn(&a);
    assert_eq!(exec.send(&create_line("ZD21-06", "2020年度人口普查工作经费", "统计局", "100"))["ok"], true);
    assert_eq!(exec.send(&create_line("ZD21-07", "食品安全检测经费", "市场监督管理局", "70"))["ok"], true);
    drop(exec.stdin);
    assert!(exec.child.wait().unwrap().success());

    let file = dir.path().join("备份.json");
    let out = run(&["export", "-o", file.to_str().unwrap()], Some(&a));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&["import", file.to_str().unwrap()], Some(&b));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2 个项目"), "{}", text(&out.stdout));

    let mut ea = export(&a);
    let mut eb = export(&b);
    ea.as_object_mut().unwrap().remove("audit");
    eb.as_object_mut().unwrap().remove("audit");
    assert_eq!(ea, eb);

    // Again without --merge: refused, naming both codes; with --merge: nothing new.
    let out = run(&["import", file.to_str().unwrap()], Some(&b));
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("ZD21-06") && err.contains("ZD21-07") && err.contains("--merge"), "{err}");
    let out = run(&["import", "--merge", file.to_str().unwrap()], Some(&b));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(export(&b)["projects"].as_array().unwrap().len(), 2);
}

// ─── the store lock ─────────────────────────────────────────────────────────────

#[test]
fn a_second_process_is_told_which_dir_is_held() {
    // A process that opened the store itself (--local) is not a server: others are told.
    let dir = tempfile::tempdir().unwrap();
    let mut holder = Exec::spawn_with(dir.path(), &["--local"]);
    // Once it answered, it holds the store.
    assert_eq!(holder.send(&create_line("ZD21-06", "2020年度人口普查工作经费", "统计局", "100"))["ok"], true);

    let shown = dir.path().display().to_string();
    let out = run(&["check"], Some(dir.path()));
    assert!(!out.status.success());
    assert_no_panic(&out);
    let err = text(&out.stderr);
    assert!(err.contains(&shown) && err.contains("另一个 jixiao"), "{err}");
    assert!(err.contains(&format!("pid {}", holder.child.id())), "the holder's pid is named: {err}");
    assert!(err.contains("不是 jixiao serve"), "says it is not a server: {err}");

    let out = run(&["--lang", "en", "export"], Some(dir.path()));
    assert!(!out.status.success());
    assert_no_panic(&out);
    let err = text(&out.stderr);
    assert!(err.contains(&shown) && err.contains("another jixiao"), "{err}");
    assert!(out.stdout.is_empty());

    drop(holder.stdin);
    assert!(holder.child.wait().unwrap().success());
    let out = run(&["check"], Some(dir.path()));
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
}

// ─── demo ───────────────────────────────────────────────────────────────────────

#[test]
fn demo_seed_only_builds_the_twenty_cases() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("演示");
    let out = run(&["demo", "--seed-only"], Some(&data));
    assert_no_panic(&out);
    assert!(out.status.success(), "demo failed: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), data.display().to_string());

    let out = run(&["check"], Some(&data));
    assert!(out.status.success(), "check: {}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("项目 20"), "{}", text(&out.stdout));

    let bundle = export(&data);
    let projects = bundle["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 20);
    let sum: Decimal = projects.iter().map(|p| p["amount"].as_str().unwrap().parse::<Decimal>().unwrap()).sum();
    assert_eq!(sum, "23773.25".parse::<Decimal>().unwrap());
    let names: Vec<&str> = projects.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for want in ["2020年度人口普查工作经费", "禁捕退捕资金"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }

    // A second demo into the same (now full) directory is refused, naming it.
    let out = run(&["demo", "--seed-only"], Some(&data));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains(&data.display().to_string()), "{}", text(&out.stderr));
}

#[test]
fn check_names_a_damaged_record_and_a_broken_index_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("新建/评价库");
    // --local throughout: the test damages the store's bytes with sled directly, which a
    // running server would hold.
    let mut exec = Exec::spawn_with(&data, &["--local"]);
    assert_eq!(exec.send(&create_line("ZD21-09", "政务服务平台人脸识别项目建设", "行政审批服务局", "146.24"))["ok"], true);
    assert_eq!(exec.send(&create_line("ZD21-10", "8类退役军人群体2020年所需解困资金", "退役军人事务局", "330"))["ok"], true);
    drop(exec.stdin);
    exec.child.wait().unwrap();
    // The data dir was created private to its owner.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
    assert!(run(&["--local", "check"], Some(&data)).status.success());
    {
        let db = jixiao::store::heal::open_sled(&data.join("store"), 64 << 20).unwrap();
        db.open_tree("projects").unwrap().insert(2u64.to_be_bytes(), vec![1u8, 0xff, 0x03]).unwrap();
        db.open_tree("codes").unwrap().remove("ZD21-09".as_bytes()).unwrap();
        db.flush().unwrap();
    }
    let out = run(&["--local", "check"], Some(&data));
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("0000000000000002"), "names the damaged key: {report}");
    assert!(report.contains("项目 #1") && report.contains("ZD21-09"), "names the missing index entry: {report}");
    assert_no_panic(&out);
}

#[test]
fn exec_attaches_evidence_given_by_path_and_names_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("库");
    let file = dir.path().join("补偿资金发放明细.pdf");
    std::fs::write(&file, "发放明细：退捕渔民 312 户").unwrap();
    let mut exec = Exec::spawn(&data);
    assert_eq!(exec.send(&create_line("ZD21-17", "禁捕退捕资金", "畜牧水产事务中心", "2683.68"))["ok"], true);
    let finding = json!({"cmd": "record_finding", "project": "ZD21-17", "text": "补偿资金滞留", "category": "资金滞留未及时拨付", "severity": "重大", "publish": true});
    let fid = exec.send(&finding.to_string())["id"].as_u64().unwrap();
    let item = exec.send(&json!({"cmd": "create_item", "finding": fid, "requirement": "限期发放", "due": "2099-12-31"}).to_string());
    let iid = item["id"].as_u64().unwrap();
    exec.send(
        &json!({"cmd": "issue_notice", "project": "ZD21-17", "items": [iid], "override_reason": "测试：项目未评分，先下发"}).to_string(),
    );
    let bad = exec
        .send(&json!({"cmd": "submit_response", "item": iid, "text": "已发放", "evidence": [{"path": "/没有/这个文件.pdf"}]}).to_string());
    assert_eq!(bad["error"]["kind"], "invalid", "{bad}");
    assert!(bad["error"]["message"].as_str().unwrap().contains("/没有/这个文件.pdf"), "{bad}");
    let ok = exec.send(
        &json!({"cmd": "submit_response", "item": iid, "text": "已发放", "evidence": [{"path": file.to_str().unwrap()}]}).to_string(),
    );
    assert_eq!(ok["ok"], true, "{ok}");
    drop(exec.stdin);
    exec.child.wait().unwrap();
    let bundle = export(&data);
    let ev = &bundle["items"][0]["evidence"][0]["file"];
    assert_eq!(ev["name"], "补偿资金发放明细.pdf");
    assert_eq!(ev["size"], std::fs::metadata(&file).unwrap().len());
    let sha = ev["sha256"].as_str().unwrap();
    assert_eq!(std::fs::read(data.join("attachments").join(sha)).unwrap(), std::fs::read(&file).unwrap());
}
