//! Issue 18 §4: history cannot be invented. An imported bundle's audit records are kept as
//! imported history — renumbered after the store's own, marked with the bundle's sha256, the
//! importer and the time, attached to the records as numbered here — and the admin list
//! travels in bundles. Evidence files must have been received to be recorded.

mod tui_common;

use jixiao::backend::{Backend, Fetch, Local};
use jixiao::domain::Error;
use jixiao::read::audit::RecordKind;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tui_common::*;

fn export_file(local: &Local, project: Option<&str>, dir: &std::path::Path) -> (jixiao::read::Bundle, String) {
    let bundle = match local.query(&jixiao::backend::Query::Export { project: project.map(str::to_string) }).unwrap() {
        jixiao::backend::Reply::Bundle(b) => *b,
        other => panic!("{other:?}"),
    };
    // As `jixiao export -o` writes it.
    let mut bytes = serde_json::to_vec_pretty(&bundle).unwrap();
    bytes.push(b'\n');
    std::fs::write(dir.join("备份.json"), &bytes).unwrap();
    (bundle, Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

#[test]
fn imported_history_is_marked_renumbered_and_stays_with_its_records() {
    let env = Env::new();
    let out = tempfile::tempdir().unwrap();
    let (bundle, _) = export_file(&env.local, Some("ZD21-06"), out.path());
    let original: Vec<_> = bundle.audit.clone();
    assert!(!original.is_empty());

    // Imported into another demo store (ids all collide), by another user, under another code.
    let other = Env::acting_as("lisi");
    let mut b = bundle.clone();
    b.projects[0].code = "ZD21-06B".to_string();
    // The file a colleague would import: the edited bundle as `jixiao export` writes it.
    let mut bytes = serde_json::to_vec_pretty(&b).unwrap();
    bytes.push(b'\n');
    let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let before = other.local.store().audit_log().unwrap();
    let history_06_before =
        other.local.store().audit_log().unwrap().iter().filter(|a| a.touched.iter().any(|t| t.id == other.pid("ZD21-06"))).count();
    other.local.execute(&jixiao::command::Command::Import { bundle: Box::new(b), merge: false }).unwrap();
    let after = other.local.store().audit_log().unwrap();
    let new_pid = other.pid("ZD21-06B");
    let imported: Vec<_> = after.iter().filter(|a| a.command.contains("\"imported_history\"")).collect();
    // The bundle carries the bureau-wide milestones, which this store has already: their
    // history stays behind with them; everything about the project comes along.
    let bureau: Vec<u64> = bundle.milestones.iter().filter(|m| m.project.is_none()).map(|m| m.id).collect();
    let original: Vec<_> =
        original.into_iter().filter(|a| a.touched.iter().any(|t| t.kind != RecordKind::Milestone || !bureau.contains(&t.id))).collect();
    assert_eq!(imported.len(), original.len(), "every record of the project's history comes along");
    let last_before = before.iter().map(|a| a.id).max().unwrap();
    for (rec, orig) in imported.iter().zip(&original) {
        assert!(rec.id > last_before, "renumbered after the store's own");
        assert_eq!(rec.actor, "lisi", "the importer is who wrote it here");
        let cmd: Value = serde_json::from_str(&rec.command).unwrap();
        assert_eq!(cmd["bundle_sha256"], json!(sha), "marked with the bundle's sha256 (sha256sum of the file)");
        assert_eq!(cmd["original"]["actor"], json!(orig.actor));
        assert_eq!(cmd["original"]["id"], json!(orig.id));
        for t in rec.touched.iter().filter(|t| matches!(t.kind, RecordKind::Project | RecordKind::Tree | RecordKind::Indicator)) {
            assert_eq!(t.id, new_pid, "attached to the imported project as numbered here");
        }
    }
    // The store's own ZD21-06 gained no history from the import.
    let history_06_after = after.iter().filter(|a| a.touched.iter().any(|t| t.id == other.pid("ZD21-06"))).count();
    assert_eq!(history_06_after, history_06_before);
}

#[test]
fn admins_survive_export_and_import() {
    let env = Env::new();
    env.local.execute(&command(json!({"cmd": "add_admin", "user": "wangwu"}))).unwrap();
    let admins = env.local.query(&jixiao::backend::Query::Admins).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (bundle, _) = export_file(&env.local, None, out.path());
    assert_eq!(bundle.admins, vec!["zhangsan".to_string(), "wangwu".to_string()]);
    let dir = tempfile::tempdir().unwrap();
    let fresh = Local::open(dir.path()).unwrap().with_actor("zhangsan");
    fresh.execute(&jixiao::command::Command::Import { bundle: Box::new(bundle), merge: false }).unwrap();
    assert_eq!(fresh.query(&jixiao::backend::Query::Admins).unwrap(), admins);
}

#[test]
fn file_evidence_needs_a_file_jixiao_received() {
    let env = Env::new();
    let forged = json!({"cmd": "record_finding", "project": "ZD21-06", "text": "专项资金被挤占挪用", "category": "资金使用不规范",
        "severity": "较重", "amount": "12.5", "indicators": [], "publish": false,
        "evidence": [{"file": {"name": "银行流水.pdf", "size": 1024, "sha256": "ab".repeat(32), "added_at": "2020-01-01T00:00:00Z"}}]});
    let before = env.audit_len();
    match env.local.execute(&command(forged.clone())) {
        Err(Error::Invalid { field, message, .. }) => {
            assert_eq!(field, "evidence");
            assert!(message.contains("银行流水.pdf"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.audit_len(), before);
    // Attached first, the same record is taken.
    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("银行流水.pdf");
    std::fs::write(&file, "流水明细".repeat(100)).unwrap();
    let ev = jixiao::attachments::attach(env.dir.path(), &file, env.local.now()).unwrap();
    let mut ok = forged;
    ok["evidence"] = json!([ev]);
    env.local.execute(&command(ok)).unwrap();
    assert_eq!(env.local.findings("ZD21-06").unwrap().last().unwrap().body.evidence, vec![ev]);
}
