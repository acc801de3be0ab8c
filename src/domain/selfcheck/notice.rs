//! The notice: every item on it has a requirement, a unit and a due date after the issue date.

use super::{At, Line, PendingNotice, Records, Target, row};
use crate::domain::ItemState;

pub(super) fn rules(r: &Records, pending: Option<&PendingNotice>) -> Vec<Line> {
    let mut rows = Vec::new();
    for it in r.items.iter().filter(|it| it.state != ItemState::Cancelled) {
        // An item already on a notice, or one about to be.
        let (date, number) = match (pending.filter(|p| p.items.contains(&it.id)), it.notice, it.issue_date) {
            (Some(p), _, _) => (p.date, "待下发的通知书".to_string()),
            (None, Some(n), Some(d)) => {
                (d, r.notices.iter().find(|x| x.id == n).map(|x| x.number.clone()).unwrap_or_else(|| format!("通知书 #{n}")))
            }
            _ => continue,
        };
        let at = At { name: format!("{}（{number}）", it.label()), target: Target::Item(it.id) };
        if it.requirement.trim().is_empty() {
            rows.push(row(&at, "没有整改要求"));
        }
        if it.unit.trim().is_empty() {
            rows.push(row(&at, "没有责任单位"));
        }
        if it.due <= date {
            rows.push(row(&at, format!("整改期限 {} 不晚于下发日期 {date}", it.due)));
        }
    }
    vec![Line::failure("notice.items", "通知书每项整改事项都有要求、责任单位和晚于下发日期的期限", rows)]
}
