//! The audit log's hash chain (docs/audit-chain.md): the canonical form is what Python's
//! `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes; every
//! record a command, a migration or an import writes is linked; a store from before the
//! chain is linked on open; `check` names the first record that breaks it.

use chrono::{TimeZone, Utc};
use jixiao::backend::{Fetch, Local};
use jixiao::command::Command;
use jixiao::read::audit::{AuditRecord, RecordKind, Touch};
use jixiao::store::chain::{self, BreakKind, GENESIS, Link};
use jixiao::store::{Ctx, Store, codec};
use jixiao::templates::Templates;
use serde_json::{Value, json};
use std::path::Path;

fn cmd(v: Value) -> Command {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A committed store from before the chain, copied to a temp dir (opening writes).
fn old_store(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/stores").join(name), dir.path());
    use std::os::unix::fs::PermissionsExt;
    for p in [dir.path().to_path_buf(), dir.path().join("store"), dir.path().join("attachments")] {
        if p.exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
    }
    dir
}

fn open(data: &Path) -> Store {
    Store::open_as(data, Templates::builtin().unwrap(), || Ctx {
        actor: "zhangsan".into(),
        now: Utc.with_ymd_and_hms(2026, 12, 4, 1, 0, 0).unwrap(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
    })
    .unwrap()
}

/// A small store of this binary: a project, two scores (text with quotes and newlines).
fn new_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let local = Local::open(dir.path()).unwrap().with_actor("zhangsan");
    for c in [
        json!({"cmd":"create_project","code":"HC-01","name":"链\"测试\"项目","kind":"项目支出","fiscal_year":2024,"unit":"某某局","amount":"100"}),
        json!({"cmd":"score","project":"HC-01","indicator":"立项依据充分性","input":{"direct":{"value":"3"}},"basis":"第一行\n第二行\t\"引号\" \\ 反斜杠"}),
        json!({"cmd":"score","project":"HC-01","indicator":"立项依据充分性","input":{"direct":{"value":"2"}},"basis":"改了"}),
    ] {
        local.store().execute(&cmd(c), &local.ctx()).unwrap();
    }
    dir
}

fn chain_problems(store: &Store) -> Vec<String> {
    store.check().problems.into_iter().filter(|p| p.contains("哈希链")).collect()
}

#[test]
fn canonical_form_is_what_python_writes() {
    let tricky = [
        "{\"cmd\":\"score\",\"basis\":\"第一行\\n第二行\"}",
        "引号 \" 反斜杠 \\ 斜杠 / 制表\t换行\n回车\r",
        "控制字符 \u{1} \u{8} \u{c} \u{1f} \u{7f} 行分隔 \u{2028} emoji 😀",
        "",
    ];
    let records: Vec<AuditRecord> = tricky
        .iter()
        .enumerate()
        .map(|(i, c)| AuditRecord {
            id: i as u64 + 1,
            actor: "张三".into(),
            at: Utc.with_ymd_and_hms(2026, 12, 4, 23, 9, 30).unwrap() + chrono::Duration::nanoseconds(123_456_789),
            command: c.to_string(),
            touched: vec![Touch { kind: RecordKind::Indicator, id: 7, node: Some(3), before: 1, after: 2 }],
        })
        .collect();
    let ours: Vec<String> = records.iter().map(chain::canonical).collect();
    let Ok(out) = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import json,sys\nfor line in sys.stdin.buffer.read().decode('utf-8').split('\\n'):\n    \
             sys.stdout.buffer.write(json.dumps(json.loads(line), sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8') + b'\\n')\n",
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            // serde_json's plain output: one record a line (its newlines are escaped).
            let input: Vec<String> = records.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
            child.stdin.take().unwrap().write_all(input.join("\n").as_bytes())?;
            child.wait_with_output()
        })
    else {
        eprintln!("python3 not found: skipping the comparison with Python's json.dumps");
        return;
    };
    assert!(out.status.success(), "python3 failed");
    let python = String::from_utf8(out.stdout).unwrap();
    let python: Vec<&str> = python.lines().collect();
    assert_eq!(python, ours.iter().map(String::as_str).collect::<Vec<_>>());
    // And the hash as documented: sha256 of prev, a newline and the canonical form.
    let first = chain::link_hash(GENESIS, &ours[0]);
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg("import hashlib,sys\nprint(hashlib.sha256(('0'*64 + '\\n').encode() + sys.stdin.buffer.read()).hexdigest())")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(ours[0].as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), first);
}

#[test]
fn every_record_a_command_writes_is_linked_and_the_chain_verifies() {
    let dir = new_store();
    let store = open(dir.path());
    let chain = store.audit_chain(None).unwrap();
    assert_eq!(chain.len(), store.audit_log().unwrap().len());
    assert_eq!(chain[0].1.prev, GENESIS);
    chain::verify_pairs(&chain).unwrap();
    assert_eq!(store.chain_head().unwrap(), chain.last().map(|(r, l)| (r.id, l.hash.clone())));
    assert!(store.check().is_clean(), "{:?}", store.check().problems);
    // Through the backend, filtered by project.
    drop(store);
    let local = Local::open(dir.path()).unwrap();
    let mine = local.audit_chain(Some("HC-01")).unwrap();
    assert_eq!(mine.len(), 3, "the project's creation and its two scores");
    assert!(local.audit_chain(Some("NO-SUCH")).is_err());
}

#[test]
fn a_store_from_before_the_chain_is_linked_on_open() {
    for name in ["v2-single-review", "dates-v2"] {
        let dir = old_store(name);
        let before = {
            let db = jixiao::store::heal::open_sled(&dir.path().join("store"), 64 << 20).unwrap();
            db.open_tree("audit").unwrap().len()
        };
        let store = open(dir.path());
        let chain = store.audit_chain(None).unwrap();
        assert_eq!(chain.len(), before + 2, "{name}: every record linked, and the two migrations' own");
        chain::verify_pairs(&chain).unwrap();
        let (linked, _) = &chain[chain.len() - 2];
        let text: Value = serde_json::from_str(&linked.command).unwrap();
        assert_eq!(text, json!({"cmd": "migrate", "from": 2, "to": 3, "what": "审计日志加链 (audit chain added)"}));
        // Then schema 4 (findings gain 评价依据 and a title), chained like every record.
        let (last, link) = chain.last().unwrap();
        let text: Value = serde_json::from_str(&last.command).unwrap();
        assert_eq!(text["from"], 3);
        assert_eq!(text["to"], 4);
        assert_eq!(last.actor, "zhangsan");
        assert_eq!(store.chain_head().unwrap(), Some((last.id, link.hash.clone())));
        assert!(chain_problems(&store).is_empty(), "{:?}", store.check().problems);
        // A command after it links on; opening again migrates nothing more.
        let ctx = Ctx { actor: "zhangsan".into(), now: Utc::now(), today: chrono::Local::now().date_naive() };
        store.execute(&cmd(json!({"cmd": "set_budget_total", "year": 2021, "amount": "1200.50"})), &ctx).unwrap();
        drop(store);
        let store = open(dir.path());
        let again = store.audit_chain(None).unwrap();
        assert_eq!(again.len(), before + 3);
        chain::verify_pairs(&again).unwrap();
        assert!(chain_problems(&store).is_empty(), "{:?}", store.check().problems);
    }
}

/// Rewrites the audit tree and the chain through sled directly, the store closed.
fn tamper(data: &Path, change: impl FnOnce(&sled::Tree, &sled::Tree)) {
    let db = jixiao::store::heal::open_sled(&data.join("store"), 64 << 20).unwrap();
    change(&db.open_tree("audit").unwrap(), &db.open_tree("chain").unwrap());
    db.flush().unwrap();
}

fn record_at(audit: &sled::Tree, id: u64) -> AuditRecord {
    codec::decode(&audit.get(id.to_be_bytes()).unwrap().unwrap(), "审计记录").unwrap()
}

#[test]
fn check_names_a_record_whose_command_was_changed() {
    let dir = new_store();
    tamper(dir.path(), |audit, _| {
        let mut r = record_at(audit, 2);
        r.command = r.command.replace("\"3\"", "\"5\"");
        audit.insert(2u64.to_be_bytes(), codec::encode(&r)).unwrap();
    });
    let store = open(dir.path());
    let problems = chain_problems(&store);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("审计日志第 2 条记录的哈希链断开：") && problems[0].contains("内容"), "{}", problems[0]);
    let chain = store.audit_chain(None).unwrap();
    assert!(matches!(chain::verify_pairs(&chain), Err(chain::Break { id: 2, kind: BreakKind::Content { .. } })));
}

#[test]
fn check_names_the_first_of_two_records_swapped() {
    let dir = new_store();
    tamper(dir.path(), |audit, _| {
        let (a, b) = (audit.get(2u64.to_be_bytes()).unwrap().unwrap(), audit.get(3u64.to_be_bytes()).unwrap().unwrap());
        audit.insert(2u64.to_be_bytes(), b).unwrap();
        audit.insert(3u64.to_be_bytes(), a).unwrap();
    });
    let store = open(dir.path());
    let problems = chain_problems(&store);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("审计日志第 2 条记录的哈希链断开"), "{}", problems[0]);
}

#[test]
fn check_names_a_record_whose_link_was_deleted() {
    let dir = new_store();
    tamper(dir.path(), |_, chain| {
        chain.remove(2u64.to_be_bytes()).unwrap();
    });
    let store = open(dir.path());
    let problems = chain_problems(&store);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("审计日志第 2 条记录的哈希链断开：这条记录没有链接"), "{}", problems[0]);
    assert!(store.audit_chain(None).is_err());
}

#[test]
fn check_names_a_record_deleted_with_its_link() {
    let dir = new_store();
    tamper(dir.path(), |audit, chain| {
        audit.remove(2u64.to_be_bytes()).unwrap();
        chain.remove(2u64.to_be_bytes()).unwrap();
    });
    let problems = chain_problems(&open(dir.path()));
    assert!(problems.len() == 1 && problems[0].starts_with("审计日志第 3 条记录的哈希链断开：它所链接的前一哈希"), "{problems:?}");
    // The last record and its link deleted: the head still names it.
    let dir = new_store();
    tamper(dir.path(), |audit, chain| {
        audit.remove(3u64.to_be_bytes()).unwrap();
        chain.remove(3u64.to_be_bytes()).unwrap();
    });
    let problems = chain_problems(&open(dir.path()));
    assert!(problems.len() == 1 && problems[0].contains("链头"), "{problems:?}");
}

#[test]
fn an_import_links_the_records_it_writes() {
    let from = new_store();
    let bundle = Local::open(from.path()).unwrap().store().export(None).unwrap();
    let to = tempfile::tempdir().unwrap();
    let local = Local::open(to.path()).unwrap().with_actor("lisi");
    local.store().execute(&cmd(json!({"cmd":"create_project","code":"QT-01","name":"本库项目","kind":"项目支出","fiscal_year":2024,"unit":"某某局","amount":"1"})), &local.ctx()).unwrap();
    local.store().execute(&Command::Import { bundle: Box::new(bundle), merge: false }, &local.ctx()).unwrap();
    let chain = local.store().audit_chain(None).unwrap();
    // The store's own record, the three imported history records, the import's own.
    assert_eq!(chain.len(), 5);
    chain::verify_pairs(&chain).unwrap();
    let links: Vec<&Link> = chain.iter().map(|(_, l)| l).collect();
    assert!(links.windows(2).all(|w| w[1].prev == w[0].hash));
    assert!(local.store().check().is_clean(), "{:?}", local.store().check().problems);
}

/// The Python in docs/audit-chain.md §3, run as printed over a store's records, prints each
/// record's id and the hash its link holds.
#[test]
fn the_documented_python_recomputes_the_chain() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/audit-chain.md")).unwrap();
    let section = &doc[doc.find("## 3.").unwrap()..];
    let start = section.find("```python\n").unwrap() + "```python\n".len();
    let script = &section[start..start + section[start..].find("```").unwrap()];
    let dir = new_store();
    let store = open(dir.path());
    let chain = store.audit_chain(None).unwrap();
    let records: Vec<&AuditRecord> = chain.iter().map(|(r, _)| r).collect();
    std::fs::write(dir.path().join("records.json"), serde_json::to_vec_pretty(&records).unwrap()).unwrap();
    let Ok(out) = std::process::Command::new("python3").arg("-c").arg(script).current_dir(dir.path()).output() else {
        eprintln!("python3 not found: skipping the documented recomputation");
        return;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let want: Vec<String> = chain.iter().map(|(r, l)| format!("{} {}", r.id, l.hash)).collect();
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().collect::<Vec<_>>(), want);
}
