//! `jixiao exec`: Commands as JSON lines on stdin, one JSON result line each on stdout.
//! Each command is its own transaction and is flushed before its `ok` line is printed.

use crate::backend::Backend;
use crate::command::Command;
use crate::domain::{Error, Result};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::Path;

pub fn run(data: &Path) -> Result<i32> {
    let local = super::open_local(data)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut failures = 0;
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.map_err(|e| Error::io("stdin", e))?;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let result = match serde_json::from_str::<Command>(trimmed) {
            Err(e) => {
                failures += 1;
                json!({"ok": false, "line": n + 1, "error": {"kind": "parse", "message": format!("第 {} 行不是有效命令：{e}（格式见 docs/commands.md）", n + 1)}})
            }
            Ok(cmd) => match local.execute(&cmd) {
                Ok(o) => {
                    let mut v = json!({"ok": true, "line": n + 1, "cmd": cmd.name(), "id": o.id, "version": o.version, "audit": o.audit});
                    if let Some(k) = o.key {
                        v["key"] = json!(k);
                    }
                    if let Some(s) = o.score {
                        v["score"] = json!(s.to_string());
                    }
                    v
                }
                Err(e) => {
                    failures += 1;
                    let mut v =
                        json!({"ok": false, "line": n + 1, "cmd": cmd.name(), "error": {"kind": e.kind(), "message": e.to_string()}});
                    // Scripts get the record and the field's key as well as the message.
                    if let crate::domain::Error::Invalid { record, field, .. } = &e {
                        v["error"]["record"] = json!(record);
                        v["error"]["field"] = json!(field);
                    }
                    v
                }
            },
        };
        writeln!(out, "{result}").map_err(|e| Error::io("stdout", e))?;
        out.flush().map_err(|e| Error::io("stdout", e))?;
    }
    Ok(if failures == 0 { 0 } else { 1 })
}
