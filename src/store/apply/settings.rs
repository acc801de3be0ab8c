//! Store-wide settings: notice prefixes, budget totals, admins, categories, import.

use super::*;

/// Longest notice number prefix, in characters.
pub const MAX_PREFIX_CHARS: usize = 16;
const MIN_PREFIX_YEAR: i32 = 1990;
const MAX_PREFIX_YEAR: i32 = 2100;

pub(super) fn apply(tx: &Tx, cmd: &Command, ctx: &Ctx) -> Result<Applied> {
    match cmd {
        Command::SetNoticePrefix { year, prefix } => set_notice_prefix(tx, *year, prefix),
        Command::SetBudgetTotal { year, amount } => set_budget_total(tx, *year, *amount),
        Command::AddAdmin { user } | Command::RemoveAdmin { user } => {
            let user = user.trim();
            if user.is_empty() || user.chars().any(char::is_whitespace) {
                return Err(Error::invalid("数据库管理员", "user", format!("“{user}”不是操作系统用户名")));
            }
            let mut list = crate::store::roles::admins(tx)?;
            if matches!(cmd, Command::AddAdmin { .. }) {
                if list.is_empty() && ctx.actor != user {
                    list.push(ctx.actor.clone());
                }
                if !list.iter().any(|a| a == user) {
                    list.push(user.to_string());
                }
            } else {
                if !list.iter().any(|a| a == user) {
                    return Err(Error::not_found("数据库管理员", user));
                }
                if list.len() == 1 {
                    return Err(Error::invalid("数据库管理员", "user", format!("{user} 是最后一位管理员：先添加另一位再移除")));
                }
                list.retain(|a| a != user);
            }
            crate::store::roles::set_admins(tx, &list)?;
            let version = tx.next_seq(b"seq/admins-version")?;
            let mut a = done(0, version, vec![]);
            a.outcome.key = Some(list.join(","));
            Ok(a)
        }
        Command::SetCategories { categories } => {
            let list = clean_list(categories);
            if list.is_empty() {
                return Err(Error::invalid("问题类别", "categories", "类别列表不能为空"));
            }
            if let Some(long) = list.iter().find(|c| c.chars().count() > 40) {
                return Err(Error::invalid("问题类别", "categories", format!("“{long}”太长：类别名称最多 40 个字")));
            }
            let version = tx.next_seq(b"seq/categories-version")?;
            tx.raw_put(tx::META, crate::store::read::CATEGORIES_KEY, &crate::store::codec::encode(&list))?;
            Ok(done(0, version, vec![]))
        }
        Command::Import { bundle, merge } => crate::store::import::import_bundle(tx, ctx, bundle, *merge),
        _ => Err(misrouted(cmd)),
    }
}

/// Where a year's notice number prefix lives in the meta tree.
pub fn notice_prefix_key(year: i32) -> Vec<u8> {
    format!("notice_prefix/{year}").into_bytes()
}

/// A prefix is 1–16 characters with no whitespace and no 〔〕 (they would break the number).
pub fn check_notice_prefix(prefix: &str) -> std::result::Result<(), String> {
    let count = prefix.chars().count();
    if count == 0 || count > MAX_PREFIX_CHARS {
        return Err(format!("“{prefix}”有 {count} 个字：发文字号前缀应为 1 到 {MAX_PREFIX_CHARS} 个字，如 财绩整"));
    }
    if prefix.chars().any(char::is_whitespace) {
        return Err(format!("“{prefix}”含空格：发文字号前缀不能有空白字符"));
    }
    if prefix.contains(['〔', '〕']) {
        return Err(format!("“{prefix}”含〔〕：年份的〔〕由程序加上，前缀只写如 财绩整"));
    }
    Ok(())
}

/// The prefix a notice of `year` gets: the command's own, else the year's configured one, else 财绩整.
pub(super) fn notice_prefix_for(tx: &Tx, given: Option<&str>, year: i32) -> Result<String> {
    if let Some(p) = given.map(str::trim).filter(|s| !s.is_empty()) {
        check_notice_prefix(p).map_err(|m| Error::invalid("通知书", "prefix", m))?;
        return Ok(p.to_string());
    }
    let configured: Option<String> = tx.get(tx::META, &notice_prefix_key(year), &format!("{year} 年的发文字号前缀"))?;
    Ok(configured.unwrap_or_else(|| DEFAULT_PREFIX.to_string()))
}

fn set_budget_total(tx: &Tx, year: i32, amount: Option<Decimal>) -> Result<Applied> {
    let record = format!("{year} 年度预算总额");
    if !(MIN_PREFIX_YEAR..=MAX_PREFIX_YEAR).contains(&year) {
        return Err(Error::invalid(record, "year", format!("{year} 不是有效年度：应在 {MIN_PREFIX_YEAR} 到 {MAX_PREFIX_YEAR} 之间")));
    }
    let key = crate::store::read::budget_total_key(year);
    match amount {
        Some(a) => {
            if a <= Decimal::ZERO {
                return Err(Error::invalid(record, "amount", format!("“{a}”不是预算总额：应为大于 0 的万元数，如 120000.00")));
            }
            crate::domain::money::check_amount(a).map_err(|m| Error::invalid(&record, "amount", m))?;
            tx.put(tx::META, &key, &crate::domain::money::fmt2(a))?;
        }
        None => tx.del(tx::META, &key)?,
    }
    let version = tx.next_seq(format!("seq/budget-total-version/{year}").as_bytes())?;
    Ok(done(year as u64, version, vec![]))
}

fn set_notice_prefix(tx: &Tx, year: i32, prefix: &str) -> Result<Applied> {
    let record = format!("{year} 年的发文字号前缀");
    if !(MIN_PREFIX_YEAR..=MAX_PREFIX_YEAR).contains(&year) {
        return Err(Error::invalid(record, "year", format!("{year} 不是有效年度：应在 {MIN_PREFIX_YEAR} 到 {MAX_PREFIX_YEAR} 之间")));
    }
    let prefix = prefix.trim();
    check_notice_prefix(prefix).map_err(|m| Error::invalid(record, "prefix", m))?;
    let version = tx.next_seq(format!("seq/notice-prefix-version/{year}").as_bytes())?;
    tx.put(tx::META, &notice_prefix_key(year), &prefix.to_string())?;
    let mut a = done(year as u64, version, vec![]);
    a.outcome.key = Some(format!("{prefix}〔{year}〕"));
    Ok(a)
}
