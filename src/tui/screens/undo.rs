//! Undo from the findings and rectification tabs (and evidence removal on the scoring tab): a finding's earlier revisions and an item's
//! fields before each edit, listed with Enter to restore (a reason, then a confirmation);
//! evidence opened (the stored copy's path, and `xdg-open` where it exists) or removed with a
//! reason. Every restore and removal is a command of its own, kept in the audit log.

use super::form::{Field, Form};
use super::popups::{Menu, MenuAction};
use super::project_list::required;
use crate::command::Command;
use crate::domain::rect::ItemFields;
use crate::domain::tree::{IndicatorRef, NodeId};
use crate::domain::{Evidence, Finding, RectItem, Response};
use crate::text::truncate;
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};

/// The finding's earlier revisions, newest first; Enter asks for the reason to restore one.
pub fn finding_history(f: &Finding, cx: &Cx) -> Effect {
    if f.history.is_empty() {
        return Effect::Error(fill(cx.t(Msg::UndoNoRevisions), &[&format!("#{}", f.seq)]));
    }
    let (id, version, seq) = (f.id, f.meta.version, f.seq);
    let entries: Vec<(String, MenuAction)> = f
        .history
        .iter()
        .enumerate()
        .rev()
        .map(|(i, r)| {
            let revision = i + 1;
            let label = format!("第 {revision} 版  {} {}  {}", super::scoring::local_time(r.at), r.by, truncate(&r.body.text, 40));
            let text = r.body.text.clone();
            let make: MenuAction = Box::new(move |cx: &Cx| {
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::RestoreFinding { finding: id, revision, reason: v[0].trim().to_string(), expected_version: Some(version) })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(required)];
                let title = fill(cx.t(Msg::UndoRestoreRevision), &[&format!("#{seq}"), &revision.to_string()]);
                let question = fill(cx.t(Msg::UndoRestoreRevisionConfirm), &[&revision.to_string(), &truncate(&text, 60)]);
                Effect::Push(Box::new(Form::new(title, fields, submit, Some(cx.t(Msg::Saved).into())).confirming(question)))
            });
            (label, make)
        })
        .collect();
    let current = f.history.len() + 1;
    Effect::Push(Box::new(Menu::new(fill(cx.t(Msg::UndoFindingTitle), &[&format!("#{seq}"), &current.to_string()]), entries)))
}

/// The item's edits, newest first, each with the fields as they were before it.
pub fn item_history(it: &RectItem, history: &[Response], cx: &Cx) -> Effect {
    let (id, version) = (it.id, it.meta.version);
    let entries: Vec<(String, MenuAction)> = history
        .iter()
        .rev()
        .filter_map(|r| ItemFields::from_entry(r).map(|old| (r, old)))
        .map(|(r, old)| {
            let entry = r.seq;
            let label = format!(
                "第 {entry} 条  {} {}  修改前：{}，{}，{}，{}",
                super::scoring::local_time(r.at),
                r.by,
                truncate(&old.requirement, 24),
                old.unit,
                old.contact,
                old.due
            );
            let make: MenuAction = Box::new(move |cx: &Cx| {
                let submit = Box::new(move |v: &[String], _cx: &Cx| {
                    Ok(Command::RestoreItem { item: id, entry, reason: v[0].trim().to_string(), expected_version: Some(version) })
                });
                let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(required)];
                let title = fill(cx.t(Msg::UndoRestoreItem), &[&id.to_string(), &entry.to_string()]);
                let question = format!(
                    "{}\n{}：{}\n{}：{}\n{}：{}\n{}：{}",
                    fill(cx.t(Msg::UndoRestoreItemConfirm), &[&id.to_string()]),
                    cx.t(Msg::ItRequirement),
                    old.requirement,
                    cx.t(Msg::ItUnit),
                    old.unit,
                    cx.t(Msg::ItContact),
                    old.contact,
                    cx.t(Msg::ItColDue),
                    old.due
                );
                Effect::Push(Box::new(Form::new(title, fields, submit, Some(cx.t(Msg::Saved).into())).confirming(question)))
            });
            (label, make)
        })
        .collect();
    if entries.is_empty() {
        return Effect::Error(fill(cx.t(Msg::UndoNoEdits), &[&it.id.to_string()]));
    }
    Effect::Push(Box::new(Menu::new(fill(cx.t(Msg::UndoItemTitle), &[&it.id.to_string()]), entries)))
}

/// Whose evidence a list shows: the command that removes one names it.
#[derive(Clone)]
pub enum Owner {
    Finding {
        id: u64,
        version: u64,
    },
    Item {
        id: u64,
        version: u64,
    },
    /// A scored leaf's paper: the project's code, the node and its rev.
    Leaf {
        code: String,
        node: NodeId,
        rev: u64,
    },
}

/// The evidence list: Enter opens the chosen one (`open`) or, when `remove`, asks for the
/// reason to remove it.
pub fn evidence_list(owner: Owner, label: &str, evidence: &[Evidence], remove: bool, cx: &Cx) -> Effect {
    if evidence.is_empty() {
        return Effect::Error(fill(cx.t(Msg::UndoNoEvidence), &[label]));
    }
    let entries: Vec<(String, MenuAction)> = evidence
        .iter()
        .map(|e| {
            let (e, owner) = (e.clone(), owner.clone());
            let line = super::scoring::evidence_line(&e);
            let make: MenuAction =
                if remove { Box::new(move |cx: &Cx| remove_form(owner.clone(), &e, cx)) } else { Box::new(move |cx: &Cx| open(&e, cx)) };
            (line, make)
        })
        .collect();
    let title = fill(cx.t(if remove { Msg::UndoRemoveEvidenceTitle } else { Msg::UndoOpenEvidenceTitle }), &[label]);
    Effect::Push(Box::new(Menu::new(title, entries)))
}

fn remove_form(owner: Owner, e: &Evidence, cx: &Cx) -> Effect {
    // A file is named by its sha256 (two files may share a name), a document by its name.
    let named = match e {
        Evidence::File { sha256, .. } => sha256.clone(),
        Evidence::Document { name, .. } => name.clone(),
    };
    let submit = Box::new(move |v: &[String], _cx: &Cx| {
        let reason = v[0].trim().to_string();
        let evidence = named.clone();
        let (finding, item, project, indicator, version) = match &owner {
            Owner::Finding { id, version } => (Some(*id), None, None, None, *version),
            Owner::Item { id, version } => (None, Some(*id), None, None, *version),
            Owner::Leaf { code, node, rev } => (None, None, Some(code.clone()), Some(IndicatorRef::Id(*node)), *rev),
        };
        Ok(Command::RemoveEvidence { finding, item, project, indicator, evidence, reason, expected_version: Some(version) })
    });
    let fields = vec![Field::text(cx.t(Msg::FieldReason), "").checked(required)];
    let title = fill(cx.t(Msg::UndoRemoveEvidence), &[e.name()]);
    Effect::Push(Box::new(
        Form::new(title, fields, submit, Some(cx.t(Msg::Saved).into())).confirming(fill(cx.t(Msg::UndoRemoveEvidenceConfirm), &[e.name()])),
    ))
}

/// Opens an evidence item: a file's stored copy is named (and handed to `xdg-open` where it
/// exists, detached, its output dropped so it cannot draw over the workbench); a document
/// names where it is kept on paper.
fn open(e: &Evidence, cx: &Cx) -> Effect {
    let Evidence::File { sha256, name, .. } = e else {
        return notice(cx, fill(cx.t(Msg::UndoPaperEvidence), &[e.name()]));
    };
    let Some(data) = cx.data else { return Effect::Error(cx.t(Msg::UndoNoDataDir).to_string()) };
    let path = crate::attachments::dir(data).join(sha256);
    let shown = path.display().to_string();
    if !path.is_file() {
        return Effect::Error(fill(cx.t(Msg::UndoFileMissing), &[name, &shown]));
    }
    use std::os::unix::process::CommandExt;
    // Its own process group: ctrl-c in the workbench does not reach the viewer.
    let spawned = std::process::Command::new("xdg-open")
        .arg(&path)
        .process_group(0)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reaped by a thread so no zombie is left; its exit status says nothing we can act on.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
            notice(cx, fill(cx.t(Msg::UndoOpened), &[name, &shown]))
        }
        Err(_) => notice(cx, fill(cx.t(Msg::UndoNoXdgOpen), &[name, &shown])),
    }
}

/// The stored copy's path in a popup, whole (a toast would cut it).
fn notice(cx: &Cx, message: String) -> Effect {
    let (title, footer) = (cx.t(Msg::UndoEvidenceTitle).to_string(), cx.t(Msg::NoticeFooter).to_string());
    Effect::Push(Box::new(super::popups::ErrorPopup::notice(title, message, footer)))
}
