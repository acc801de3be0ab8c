//! `jixiao admin add USER | remove USER | list`: the store admins, who create projects, set
//! any team, change settings and bureau-wide dates, and import.

use super::args::AdminCmd;
use crate::backend::{Backend, Query, Reply};
use crate::command::Command;
use crate::domain::{Error, Result};
use std::path::Path;

pub fn run(data: &Path, action: AdminCmd) -> Result<i32> {
    let backend = crate::connect::open_backend(data)?;
    match action {
        AdminCmd::Add { user } => {
            backend.execute(&Command::AddAdmin { user })?;
        }
        AdminCmd::Remove { user } => {
            backend.execute(&Command::RemoveAdmin { user })?;
        }
        AdminCmd::List => {}
    }
    let Reply::Users(list) = backend.query(&Query::Admins)? else {
        return Err(Error::corrupt("jixiao admin", "回复类型不符"));
    };
    if list.is_empty() {
        super::out::line("尚未指定管理员：每位用户都可新建项目、修改设置 (no admin named: every user may)")?;
    } else {
        super::out::line(&format!("数据库管理员：{}", list.join("、")))?;
    }
    Ok(0)
}
