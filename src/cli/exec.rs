//! `jixiao exec`: Commands as JSON lines on stdin, one JSON result line each on stdout.
//! Each command is its own transaction and is flushed before its `ok` line is printed.

use crate::backend::Backend;
use crate::command::Command;
use crate::domain::{Error, Result};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::Path;

/// Evidence given as `{"path": "…"}` is handed to the backend (copied into the store's
/// attachments under its sha256; sent to the server for a shared store) and replaced by the
/// file record, as the TUI does; a bad path names itself.
fn attach_paths(v: &mut serde_json::Value, backend: &dyn Backend) -> std::result::Result<(), String> {
    match v {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "evidence" {
                    if let serde_json::Value::Array(list) = child {
                        for e in list.iter_mut() {
                            if let Some(path) = e.get("path").and_then(|p| p.as_str()).map(str::to_string) {
                                let ev = backend.attach(Path::new(&path)).map_err(|err| err.to_string())?;
                                *e = serde_json::to_value(ev).map_err(|err| err.to_string())?;
                            }
                        }
                    }
                } else {
                    attach_paths(child, backend)?;
                }
            }
            Ok(())
        }
        serde_json::Value::Array(list) => list.iter_mut().try_for_each(|x| attach_paths(x, backend)),
        _ => Ok(()),
    }
}

pub fn run(data: &Path) -> Result<i32> {
    let local = crate::connect::open_backend(data)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut failures = 0;
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.map_err(|e| Error::io("stdin", e))?;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let parsed = serde_json::from_str::<serde_json::Value>(trimmed)
            .map_err(|e| ("parse", format!("第 {} 行不是有效命令：{e}（格式见 docs/commands.md）", n + 1)))
            .and_then(|mut v| attach_paths(&mut v, local.as_ref()).map(|_| v).map_err(|e| ("invalid", e)))
            .and_then(|v| {
                serde_json::from_value::<Command>(v)
                    .map_err(|e| ("parse", format!("第 {} 行不是有效命令：{e}（格式见 docs/commands.md）", n + 1)))
            });
        let result = match parsed {
            Err((kind, message)) => {
                failures += 1;
                json!({"ok": false, "line": n + 1, "error": {"kind": kind, "message": message}})
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
