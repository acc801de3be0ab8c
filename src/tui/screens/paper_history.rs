//! A leaf's history on the scoring tab (`h`): the audit records that touched it, its paper's
//! versions numbered as `paper_versions` counts them, Enter on one asking to restore it.

use super::popups::{Confirm, Menu, MenuAction};
use super::scoring::local_time;
use crate::backend::Fetch;
use crate::command::Command;
use crate::domain::tree::{IndicatorRef, IndicatorTree, Node};
use crate::text::truncate;
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};

/// The leaf's history; Enter on a version of its paper asks to restore it.
pub fn history(code: &str, tree: &IndicatorTree, node: &Node, cx: &Cx) -> Menu {
    let records = cx.backend.indicator_history(code, node.id).unwrap_or_default();
    let reviewed = node.score.as_ref().is_some_and(|s| s.reviewed.is_some());
    let mut version = 0u32;
    let mut entries: Vec<(String, MenuAction)> = Vec::new();
    for a in &records {
        let v: serde_json::Value = serde_json::from_str(&a.command).unwrap_or_default();
        // As `paper_versions` counts them: a removal of evidence is a version once there is one.
        let is_version = match v.get("cmd").and_then(|c| c.as_str()) {
            Some("score" | "restore_score") => true,
            Some("remove_evidence") => version > 0,
            _ => false,
        };
        let mut line = format!("{} {} {}", local_time(a.at), a.actor, history_detail(&v));
        if !is_version {
            entries.push((line, Box::new(|_: &Cx| Effect::None)));
            continue;
        }
        version += 1;
        line = format!("[{version}] {line}");
        let (code, id, rev, name, n) = (code.to_string(), node.id, node.rev, node.name.clone(), version);
        let summary = truncate(&history_detail(&v), 40);
        entries.push((
            line,
            Box::new(move |cx: &Cx| {
                if reviewed {
                    return Effect::Error(cx.t(Msg::ScReviewedFirst).to_string());
                }
                let cmd = Command::RestoreScore {
                    project: code.clone(),
                    indicator: IndicatorRef::Id(id),
                    version: Some(n),
                    at: None,
                    expected_rev: Some(rev),
                    restored: None,
                };
                let toast = fill(cx.t(Msg::RestoredToast), &[&name, &n.to_string()]);
                Effect::Push(Box::new(Confirm::new(fill(cx.t(Msg::RestoreConfirm), &[&name, &n.to_string(), &summary]), cmd, Some(toast))))
            }),
        ));
    }
    if entries.is_empty() {
        entries.push((cx.t(Msg::HistoryEmpty).to_string(), Box::new(|_: &Cx| Effect::Pop)));
    }
    Menu::new(fill(cx.t(Msg::HistoryTitle), &[&tree.path(node.id)]), entries).with_footer(cx.t(Msg::HistoryFooter).to_string())
}

/// A short reading of a scoring command from the audit log.
fn history_detail(v: &serde_json::Value) -> String {
    let str_of = |x: &serde_json::Value, k: &str| x.get(k).map(compact).unwrap_or_default();
    let cmd = v.get("cmd").and_then(|c| c.as_str()).unwrap_or("");
    let label = match cmd {
        "score" => "评分",
        "clear_score" => "清除得分",
        "review_score" => "复核",
        "unreview_score" => "取消复核",
        "return_score" => "退回",
        "answer_review" => "答复",
        "restore_score" => "恢复",
        "remove_evidence" => "删除佐证",
        "add_indicator" => "添加指标",
        "remove_indicator" => "删除指标",
        "rename_indicator" => "重命名",
        "set_points" => "修改分值",
        other => other,
    };
    let mut parts = vec![label.to_string()];
    if let Some(input) = v.get("input").and_then(|i| i.as_object()) {
        for (method, body) in input {
            parts.push(match method.as_str() {
                "direct" => format!("得分 {}", str_of(body, "value")),
                "deduction" => body
                    .get("deductions")
                    .and_then(|d| d.as_array())
                    .map(|list| {
                        list.iter().map(|d| format!("扣 {}（{}）", str_of(d, "points"), str_of(d, "reason"))).collect::<Vec<_>>().join("；")
                    })
                    .unwrap_or_default(),
                "formula" => format!(
                    "目标 {} 实际 {} {}",
                    str_of(body, "target"),
                    str_of(body, "actual"),
                    match str_of(body, "direction").as_str() {
                        "negative" => "反向",
                        "exact" => "等于",
                        _ => "正向",
                    }
                ),
                "qualitative" => {
                    let band = match str_of(body, "band").as_str() {
                        "met" => "达成",
                        "partly" => "部分达成",
                        _ => "未达成",
                    };
                    format!("{band} {}", str_of(body, "value"))
                }
                other => other.to_string(),
            });
        }
    }
    if let Some(e) = v.get("evidence").and_then(|e| e.as_str()) {
        parts.push(format!("“{}”", truncate(e, 20)));
    }
    for (key, name) in [("reason", "理由"), ("name", "名称"), ("points", "分值")] {
        if let Some(x) = v.get(key) {
            parts.push(format!("{name} {}", compact(x)));
        }
    }
    if let Some(b) = v.get("basis").and_then(|b| b.as_str()).filter(|b| !b.is_empty()) {
        parts.push(format!("依据“{}”", truncate(b, 30)));
    }
    parts.join(" ")
}

fn compact(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => truncate(&other.to_string(), 60),
    }
}
