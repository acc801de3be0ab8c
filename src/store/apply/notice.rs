//! Notices: issuing a numbered notice for a project's items, and cancelling one.

use super::settings::notice_prefix_for;
use super::*;
use crate::domain::selfcheck::{Gate, PendingNotice, Scope};
use crate::read::issued::IssuedNotice;
use crate::read::notice::{NoticeDoc, issuer_from_contact};

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx, templates: &Templates) -> Result<Applied> {
    match cmd {
        Command::IssueNotice { project, items, issue_date, contact, prefix, issuer, override_reason } => {
            let what = IssueWhat { items, date: *issue_date, contact, prefix: prefix.as_deref(), issuer: issuer.as_deref() };
            let p = tx.project_by_code(project)?;
            let pending = PendingNotice { items: items.clone(), date: issue_date.unwrap_or(ctx.today) };
            let check = super::gate::check(tx, templates, &p, Some(&Scope::Notice(pending)), &[])?;
            let example = format!(r#"{{"cmd":"issue_notice","project":"{}","items":[…],"override_reason":"…"}}"#, p.code);
            let passed = super::gate::pass(tx, ctx, &p, Gate::Notice, &check, override_reason.as_deref(), &example)?;
            let a = issue_notice(tx, ctx, project, what)?;
            if let Some(mut o) = passed {
                o.key = a.outcome.key.clone();
                super::gate::keep(tx, p.id, o)?;
            }
            Ok(a)
        }
        Command::CancelNotice { notice, reason } => {
            let mut n = tx.notice_by_number(notice)?;
            tx.project(n.project)?.ensure_writable()?;
            let before = n.meta.version;
            n.cancel(reason)?;
            n.meta.touch(&ctx.actor, ctx.now);
            let mut touched = vec![touch(RecordKind::Notice, n.id, before, n.meta.version)];
            // Its items go back to draft so a corrected notice can carry them.
            for item_id in &n.items {
                let mut it = tx.item(*item_id)?;
                let prior = it.clone();
                it.revert_to_draft(n.id, &n.number)?;
                it.meta.touch(&ctx.actor, ctx.now);
                tx.put_item(Some(&prior), &it)?;
                let seq = tx.next_response_seq(it.id)?;
                let text = format!("通知书 {} 作废（{}），事项退回草稿", n.number, reason.trim());
                tx.append_response(&Response {
                    item: it.id,
                    seq,
                    kind: EntryKind::Note,
                    date: ctx.today,
                    text,
                    evidence: vec![],
                    by: ctx.actor.clone(),
                    at: ctx.now,
                })?;
                touched.push(touch(RecordKind::Item, it.id, prior.meta.version, it.meta.version));
            }
            tx.put_notice(&n)?;
            let mut a = done(n.id, n.meta.version, touched);
            a.outcome.key = Some(n.number);
            Ok(a)
        }
        _ => Err(misrouted(cmd)),
    }
}

/// What an `issue_notice` command asks for, past its project.
struct IssueWhat<'a> {
    items: &'a [u64],
    date: Option<NaiveDate>,
    contact: &'a str,
    prefix: Option<&'a str>,
    issuer: Option<&'a str>,
}

fn issue_notice(tx: &Tx, ctx: &Ctx, code: &str, what: IssueWhat) -> Result<Applied> {
    let IssueWhat { items, date, contact, prefix, issuer } = what;
    let p = tx.project_by_code(code)?;
    p.ensure_writable()?;
    if items.is_empty() {
        return Err(Error::invalid(format!("{} 的通知书", p.label()), "items", "至少选择一项草稿状态的整改事项"));
    }
    let on = date.unwrap_or(ctx.today);
    let year = on.year();
    let prefix = notice_prefix_for(tx, prefix, year)?;
    let seq = tx.next_seq(&tx::notice_counter(&prefix, year))? as u32;
    let id = tx.next_seq(b"seq/notice")?;
    let number = format_number(&prefix, year, seq);
    let mut unit: Option<String> = None;
    let mut touched = Vec::new();
    let mut issued_items = Vec::with_capacity(items.len());
    for item_id in items {
        let mut it = tx.item(*item_id)?;
        if it.project != p.id {
            return Err(Error::invalid(format!("通知书 {number}"), "items", format!("整改事项 #{item_id} 不属于项目 {code}")));
        }
        match &unit {
            None => unit = Some(it.unit.clone()),
            Some(u) if *u != it.unit => {
                return Err(Error::invalid(
                    format!("通知书 {number}"),
                    "items",
                    format!("一份通知书只发一个单位：#{item_id} 属于“{}”，前面的事项属于“{u}”", it.unit),
                ));
            }
            Some(_) => {}
        }
        let before = it.clone();
        it.issue(Some(id), on)?;
        it.meta.touch(&ctx.actor, ctx.now);
        tx.put_item(Some(&before), &it)?;
        let seq = tx.next_response_seq(it.id)?;
        tx.append_response(&Response {
            item: it.id,
            seq,
            kind: EntryKind::Issued,
            date: on,
            text: number.clone(),
            evidence: vec![],
            by: ctx.actor.clone(),
            at: ctx.now,
        })?;
        touched.push(touch(RecordKind::Item, it.id, before.meta.version, it.meta.version));
        issued_items.push(it);
    }
    let n = Notice {
        id,
        project: p.id,
        number: number.clone(),
        year,
        seq,
        unit: unit.unwrap_or_default(),
        items: items.to_vec(),
        issue_date: on,
        contact: contact.trim().to_string(),
        state: NoticeState::Issued,
        cancel_reason: None,
        meta: Meta::new(&ctx.actor, ctx.now),
    };
    n.validate()?;
    tx.put_notice(&n)?;
    keep_as_issued(tx, p, n, issued_items, issuer)?;
    touched.push(touch(RecordKind::Notice, id, 0, 1));
    let mut a = done(id, 1, touched);
    a.outcome.key = Some(number);
    Ok(a)
}

/// Keeps the notice as issued, in the issuing transaction: what it prints (the project, its
/// tree, the findings its items answer, the items as issued, the issuer) and the sha256 of its
/// text, so it reprints as sent whatever changes later.
fn keep_as_issued(tx: &Tx, project: Project, notice: Notice, items: Vec<RectItem>, issuer: Option<&str>) -> Result<()> {
    let tree = tx.tree(project.id)?;
    let mut findings: Vec<Finding> = Vec::new();
    for it in &items {
        if !findings.iter().any(|f| f.id == it.finding) {
            findings.push(tx.finding(it.finding)?);
        }
    }
    let issuer = match issuer.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => name.to_string(),
        None => issuer_from_contact(&notice.contact),
    };
    let id = notice.id;
    let doc = NoticeDoc { notice, project, tree, findings, items, issuer, layout: None };
    tx.put_issued(id, &IssuedNotice::new(doc))
}
