//! `jixiao search` as a user runs it on the demo store (each kind of text, the snippet,
//! `--project`, `--in`, nothing found), and the kept search texts renewed by commands.

mod tui_common;

use jixiao::backend::{Backend, Fetch};
use jixiao::read::search::{SearchIn, SearchRequest};
use std::path::Path;
use std::process::{Command, Output};
use tui_common::{Env, command};

fn jixiao(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--data")
        .arg(data)
        .arg("--local")
        .args(args)
        .env_remove("JIXIAO_DATA")
        .env("JIXIAO_LANG", "zh")
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = jixiao(dir.path(), &["demo", "--seed-only"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn search(data: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    let out = jixiao(data, &all);
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// The table's rows (header and count line left out).
fn rows(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("项目") && lines[0].contains("位置") && lines[0].contains("摘录"), "{text}");
    lines[1..lines.len() - 1].to_vec()
}

#[test]
fn every_kind_of_text_is_found_with_its_project_record_and_snippet() {
    let dir = demo();
    // (text, project, the record as the table names it)
    let cases = [
        ("发放问卷", "ZD21-01", "评分依据 · 部门绩效/满意度/协作部门满意度"),
        ("弥补公用支出", "ZD21-02", "问题 #1"),
        ("交回财政统筹", "ZD21-11", "事项 #12 整改要求"),
        ("办案经费", "ZD21-02", "事项 #5 记录 3（整改报告）"),
        ("人口普查", "ZD21-06", "佐证 · 指标 决策/项目立项/立项依据充分性"),
    ];
    for (text, code, place) in cases {
        let (code_out, out, err) = search(dir.path(), &[text]);
        assert_eq!(code_out, 0, "{text}: {err}");
        let found = rows(&out).into_iter().find(|r| r.starts_with(code) && r.contains(place));
        let row = found.unwrap_or_else(|| panic!("「{text}」: no row of {code} at {place}\n{out}"));
        assert!(row.contains(text), "the snippet shows the match: {row}");
        assert!(out.lines().last().unwrap().starts_with("共 "), "{out}");
    }
}

#[test]
fn latin_letters_match_without_case_and_rows_fit_the_width() {
    let dir = demo();
    let (code, out, _) = search(dir.path(), &["ty-04"]);
    assert_eq!(code, 0);
    assert!(rows(&out).iter().any(|r| r.starts_with("ZD21-09") && r.contains("TY-04")), "{out}");
    for l in out.lines() {
        assert!(jixiao::text::width(l) <= 100, "wider than COLUMNS: {l}");
    }
}

#[test]
fn project_and_in_narrow_the_hits() {
    let dir = demo();
    let (_, all, _) = search(dir.path(), &["发放"]);
    assert!(rows(&all).iter().any(|r| !r.starts_with("ZD21-09")), "{all}");
    let (code, one, _) = search(dir.path(), &["发放", "--project", "ZD21-09"]);
    assert_eq!(code, 0);
    assert!(!rows(&one).is_empty() && rows(&one).iter().all(|r| r.starts_with("ZD21-09")), "{one}");
    let (_, evidence, _) = search(dir.path(), &["发放", "--in", "evidence"]);
    assert!(!rows(&evidence).is_empty() && rows(&evidence).iter().all(|r| r.contains("佐证 · ")), "{evidence}");
    let (_, two, _) = search(dir.path(), &["发放", "--in", "evidence,basis", "--project", "ZD21-09"]);
    assert_eq!(rows(&two).len(), rows(&one).len(), "basis and evidence are all ZD21-09 has\n{two}\n{one}");

    // JSON carries the structured hit: where the workbench goes and the match's place.
    let (_, json, _) = search(dir.path(), &["人口普查", "--in", "evidence", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let hit = &v["hits"][0];
    assert_eq!(hit["code"], "ZD21-06");
    assert_eq!(hit["kind"], "evidence");
    assert!(hit["target"]["indicator"].is_u64(), "{hit}");
    let snippet = hit["snippet"].as_str().unwrap();
    let (a, b) = (hit["mark"][0].as_u64().unwrap() as usize, hit["mark"][1].as_u64().unwrap() as usize);
    assert_eq!(&snippet[a..b], "人口普查");
    assert_eq!(v["total"].as_u64().unwrap() as usize, v["hits"].as_array().unwrap().len(), "all shown under the limit");

    // --limit shows the first N and says how many there are.
    let (_, few, _) = search(dir.path(), &["资金", "--limit", "3"]);
    assert_eq!(rows(&few).len(), 3, "{few}");
    assert!(few.lines().last().unwrap().contains("显示前 3 处"), "{few}");
}

#[test]
fn nothing_found_and_bad_arguments_say_so() {
    let dir = demo();
    let (code, out, err) = search(dir.path(), &["无此内容"]);
    assert_eq!(code, 3, "nothing found: exit 3");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("没有找到“无此内容”"), "{err}");
    let (code, _, err) = search(dir.path(), &["无此内容", "--project", "ZD21-01"]);
    assert_eq!(code, 3);
    assert!(err.contains("项目 ZD21-01 中没有找到"), "{err}");

    let (code, _, err) = search(dir.path(), &["资金", "--in", "records"]);
    assert_eq!(code, 1);
    assert!(err.contains("“records”") && err.contains("basis、findings"), "{err}");
    let (code, _, err) = search(dir.path(), &["资金", "--project", "XX99-99"]);
    assert_eq!(code, 1);
    assert!(err.contains("XX99-99"), "{err}");
    let (code, _, err) = search(dir.path(), &["  "]);
    assert_eq!(code, 1);
    assert!(err.contains("搜索内容为空"), "{err}");
}

#[test]
fn the_kept_texts_follow_every_command_without_a_new_scan() {
    let env = Env::new();
    let store = env.local.store();
    let ask =
        |text: &str, kinds: Vec<SearchIn>| env.local.search(&SearchRequest { text: text.into(), project: None, kinds, limit: 50 }).unwrap();
    assert_eq!(ask("签字簿缺页", vec![]).total, 0);
    let scans = store.kept_list_scans();

    let f = env
        .local
        .execute(&command(serde_json::json!({"cmd":"record_finding","project":"ZD21-06","text":"普查员劳务费签字簿缺页","category":"财务管理欠规范","severity":"一般","indicators":[]})))
        .unwrap()
        .id;
    let found = ask("签字簿缺页", vec![]);
    assert_eq!(found.total, 1);
    assert_eq!((found.hits[0].code.as_str(), found.hits[0].kind), ("ZD21-06", SearchIn::Findings));
    assert!(ask("签字簿缺页", vec![SearchIn::Items]).hits.is_empty(), "--in items leaves findings out");

    // A revision replaces the text searched; a withdrawn finding is not found.
    env.local
        .execute(&command(serde_json::json!({"cmd":"revise_finding","finding":f,"text":"普查员劳务费领取表缺页","category":"财务管理欠规范","severity":"一般","note":"更正"})))
        .unwrap();
    assert_eq!(ask("签字簿缺页", vec![]).total, 0);
    assert_eq!(ask("领取表缺页", vec![]).total, 1);
    env.local.execute(&command(serde_json::json!({"cmd":"withdraw_finding","finding":f,"reason":"重复登记"}))).unwrap();
    assert_eq!(ask("领取表缺页", vec![]).total, 0);

    // A project's new code is what its hits carry.
    let before = ask("人口普查", vec![]);
    assert_eq!(before.hits[0].code, "ZD21-06");
    assert_eq!(store.kept_list_scans(), scans, "renewed by the commands, not scanned again");
    assert!(store.check().problems.is_empty(), "{:?}", store.check().problems);
}

#[test]
fn the_documented_search_prints_what_docs_commands_md_shows() {
    let doc = include_str!("../docs/commands.md");
    let dir = tempfile::tempdir().unwrap();
    let me = jixiao::identity::current_user();
    // The examples before it, as tests/docs_commands.rs runs them.
    let mut mine = Vec::new();
    let flush = |mine: &mut Vec<String>| {
        if mine.is_empty() {
            return;
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["--local", "--data"])
            .arg(dir.path())
            .arg("exec")
            .env_remove("JIXIAO_DATA")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), mine.join("\n").as_bytes()).unwrap();
        assert!(child.wait_with_output().unwrap().status.success());
        mine.clear();
    };
    for l in doc.lines() {
        if l.starts_with("{\"cmd\"") {
            mine.push(l.replace("SELF", &me));
        } else if let Some((who, rest)) = l.split_once("$ ")
            && rest.starts_with("{\"cmd\"")
            && !who.is_empty()
        {
            flush(&mut mine);
            let local = jixiao::backend::Local::open(dir.path()).unwrap().with_actor(who);
            local.execute(&serde_json::from_str(&rest.replace("SELF", &me)).unwrap()).unwrap();
        }
    }
    flush(&mut mine);
    let block = doc.split("$ jixiao search 劳务费\n").nth(1).unwrap();
    let expected: String = block.lines().take_while(|l| !l.starts_with("$ ")).map(|l| format!("{l}\n")).collect();
    let (code, out, err) = search(dir.path(), &["劳务费"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected);
    let (code, json, _) = search(dir.path(), &["签字", "--project", "ZD21-06", "--in", "items", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(json.contains("\"kind\": \"items\""), "{json}");
}
