//! docs/commands.md promises that its examples run, in order, on an empty store.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn every_documented_example_runs_and_every_command_is_documented() {
    let doc = include_str!("../docs/commands.md");
    let me = jixiao::identity::current_user();
    let lines: Vec<String> = doc.lines().filter(|l| l.starts_with("{\"cmd\"")).map(|l| l.replace("SELF", &me)).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--data"])
        .arg(dir.path())
        .arg("exec")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(lines.join("\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let results: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), lines.len(), "{stdout}");
    for (line, r) in lines.iter().zip(&results) {
        assert_eq!(r["ok"], true, "{line}\n→ {r}");
    }
    assert!(out.status.success());
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
    // The notice got the first number of its year.
    assert!(stdout.contains("财绩整〔2026〕1号"), "{stdout}");
    // A notice dated in 2027 takes the prefix set for 2027.
    assert!(stdout.contains("衡财绩〔2027〕1号"), "{stdout}");
}
