//! docs/commands.md promises that its examples run, in order, on an empty store.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn every_documented_example_runs_and_every_command_is_documented() {
    let doc = include_str!("../docs/commands.md");
    let me = jixiao::identity::current_user();
    // `{"cmd"…}` lines run as this user through `jixiao exec`; `name$ {"cmd"…}` lines are what
    // another team member types at their own terminal, run here in-process as that user.
    let mut lines: Vec<(Option<String>, String)> = Vec::new();
    for l in doc.lines() {
        if l.starts_with("{\"cmd\"") {
            lines.push((None, l.replace("SELF", &me)));
        } else if let Some((who, rest)) = l.split_once("$ ")
            && rest.starts_with("{\"cmd\"")
            && !who.is_empty()
            && who.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            lines.push((Some(who.to_string()), rest.replace("SELF", &me)));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut results: Vec<serde_json::Value> = Vec::new();
    let mut stdout = String::new();
    let mut i = 0;
    while i < lines.len() {
        let who = lines[i].0.clone();
        let mut j = i;
        while j < lines.len() && lines[j].0 == who {
            j += 1;
        }
        let chunk: Vec<&str> = lines[i..j].iter().map(|(_, l)| l.as_str()).collect();
        match who {
            None => {
                let out = exec(dir.path(), &chunk.join("\n"));
                results.extend(out.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()));
                stdout.push_str(&out);
            }
            Some(user) => {
                let local = jixiao::backend::Local::open(dir.path()).unwrap().with_actor(&user);
                for l in chunk {
                    let cmd: jixiao::command::Command = serde_json::from_str(l).unwrap_or_else(|e| panic!("{user}$ {l}: {e}"));
                    let r = jixiao::backend::Backend::execute(&local, &cmd);
                    results.push(match r {
                        Ok(_) => serde_json::json!({"ok": true, "cmd": cmd.name()}),
                        Err(e) => serde_json::json!({"ok": false, "cmd": cmd.name(), "error": e.to_string()}),
                    });
                }
            }
        }
        i = j;
    }
    assert_eq!(results.len(), lines.len(), "{stdout}");
    for ((who, line), r) in lines.iter().zip(&results) {
        assert_eq!(r["ok"], true, "{who:?} {line}\n→ {r}");
    }
    // Every command name appears in an example (import is documented in prose).
    let names: std::collections::BTreeSet<String> = results.iter().map(|r| r["cmd"].as_str().unwrap().to_string()).collect();
    let all = [
        "create_project",
        "update_project",
        "set_team",
        "set_phase",
        "archive_project",
        "reopen_project",
        "set_result_use",
        "score",
        "clear_score",
        "review_score",
        "unreview_score",
        "return_score",
        "answer_review",
        "restore_score",
        "set_quality_reviewer",
        "add_indicator",
        "remove_indicator",
        "rename_indicator",
        "set_points",
        "add_milestone",
        "set_milestone",
        "remove_milestone",
        "record_finding",
        "publish_finding",
        "revise_finding",
        "withdraw_finding",
        "restore_finding",
        "remove_evidence",
        "restore_item",
        "create_item",
        "update_item",
        "start_item",
        "submit_response",
        "return_item",
        "close_item",
        "mark_long_term",
        "add_progress",
        "request_extension",
        "approve_extension",
        "deny_extension",
        "cancel_item",
        "issue_notice",
        "cancel_notice",
        "set_notice_prefix",
        "set_categories",
        "set_budget_total",
        "add_admin",
        "remove_admin",
        "set_report_prefix",
        "set_report_title",
        "write_report_section",
        "reopen_report",
    ];
    for n in all {
        assert!(names.contains(n), "docs/commands.md has no example of {n}");
    }
    // The shell lines (`$ jixiao due …`) run on the store as the examples left it; the line
    // lines after each are what it prints, or with `; echo $?` its exit status.
    let doc_lines: Vec<&str> = doc.lines().collect();
    let mut shell = 0;
    for (n, l) in doc_lines.iter().enumerate() {
        let Some(rest) = l.strip_prefix("$ jixiao ") else { continue };
        let (args, status) = match rest.strip_suffix("; echo $?") {
            Some(a) => (a, true),
            None => (rest, false),
        };
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["--local", "--data"])
            .arg(dir.path())
            .args(args.split_whitespace())
            .env_remove("JIXIAO_DATA")
            .env("JIXIAO_LANG", "zh")
            .output()
            .unwrap();
        let got = if status {
            format!("{}", out.status.code().unwrap_or(-1))
        } else {
            String::from_utf8_lossy(&out.stdout).trim_end().to_string()
        };
        // What it prints: the lines up to the next shell line or the end of the block; none
        // shown (a JSON example) asks only that it succeeds.
        let want: Vec<&str> = doc_lines[n + 1..].iter().take_while(|l| !l.starts_with("$ ") && !l.starts_with("```")).copied().collect();
        if want.is_empty() {
            assert!(out.status.success(), "docs/commands.md: $ jixiao {rest}\n{}", String::from_utf8_lossy(&out.stderr));
        } else {
            assert_eq!(got, want.join("\n"), "docs/commands.md: $ jixiao {rest}\n{}", String::from_utf8_lossy(&out.stderr));
        }
        shell += 1;
    }
    assert!(shell >= 2, "the shell examples were found");
    // The notice got the first number of its year.
    assert!(stdout.contains("财绩整〔2026〕1号"), "{stdout}");
    // A notice dated in 2027 takes the prefix set for 2027.
    assert!(stdout.contains("衡财绩〔2027〕1号"), "{stdout}");
}

/// Runs JSON lines through `jixiao --local exec` as this user; its stdout.
fn exec(data: &std::path::Path, input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--local", "--data"])
        .arg(data)
        .arg("exec")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}
