//! The one error type of the core. Every variant names the bad input and what to do;
//! `render` gives the zh-CN (default) or English text.

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Error {
    /// A field of an input is invalid: `record` names the record (e.g. "项目 ZD21-01"),
    /// `field` the field, `message` what is wrong and what is allowed.
    Invalid {
        record: String,
        field: String,
        message: String,
    },
    NotFound {
        what: String,
        key: String,
    },
    AlreadyExists {
        what: String,
        key: String,
    },
    /// The record changed since the edit began.
    Conflict {
        what: String,
        expected: u64,
        actual: u64,
        by: String,
        at: String,
    },
    /// A move the item state machine does not allow from this state.
    IllegalTransition {
        what: String,
        state: String,
        action: String,
    },
    /// A step the self-check guards (定稿, a notice, phases skipped) met failing checks:
    /// `failures` lists them, `fix` says how to mend or override.
    SelfCheck {
        what: String,
        step: String,
        failures: String,
        fix: String,
    },
    /// The actor lacks the role the command needs.
    Forbidden {
        action: String,
        role: String,
        actor: String,
    },
    /// Another process holds the store.
    Locked {
        dir: String,
        holder: String,
    },
    /// The store was written by a newer schema than this binary knows.
    SchemaTooNew {
        found: u8,
        supported: u8,
    },
    Corrupt {
        what: String,
        message: String,
    },
    Io {
        path: String,
        message: String,
    },
    /// The server caught a panic while handling a request; nothing of it was written.
    Internal {
        message: String,
    },
    /// The server refused a connection or a request over one of its limits; `message`
    /// names the limit (Chinese first, English in parentheses) and what to do.
    Refused {
        message: String,
    },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(record: impl Into<String>, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { record: record.into(), field: field.into(), message: message.into() }
    }
    pub fn not_found(what: impl Into<String>, key: impl ToString) -> Self {
        Error::NotFound { what: what.into(), key: key.to_string() }
    }
    pub fn io(path: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Error::Io { path: path.into(), message: e.to_string() }
    }
    pub fn corrupt(what: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Error::Corrupt { what: what.into(), message: e.to_string() }
    }

    /// The same error, said of one step of a batch ("工作表“表1”第12行"): the step goes in
    /// front of the record it names, so the kind (and the exit code) stay.
    pub fn at_step(self, step: &str) -> Self {
        let at = |s: String| format!("{step}：{s}");
        match self {
            Error::Invalid { record, field, message } => Error::Invalid { record: at(record), field, message },
            Error::NotFound { what, key } => Error::NotFound { what: at(what), key },
            Error::AlreadyExists { what, key } => Error::AlreadyExists { what: at(what), key },
            Error::Conflict { what, expected, actual, by, at: when } => Error::Conflict { what: at(what), expected, actual, by, at: when },
            Error::IllegalTransition { what, state, action } => Error::IllegalTransition { what: at(what), state, action },
            Error::SelfCheck { what, step: s, failures, fix } => Error::SelfCheck { what: at(what), step: s, failures, fix },
            Error::Forbidden { action, role, actor } => Error::Forbidden { action: at(action), role, actor },
            other => other,
        }
    }

    /// A short machine-readable kind, used by `jixiao exec` and the exit code.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::AlreadyExists { .. } => "exists",
            Error::Conflict { .. } => "conflict",
            Error::IllegalTransition { .. } => "illegal_transition",
            Error::SelfCheck { .. } => "self_check",
            Error::Forbidden { .. } => "forbidden",
            Error::Locked { .. } => "locked",
            Error::SchemaTooNew { .. } => "schema",
            Error::Corrupt { .. } => "corrupt",
            Error::Io { .. } => "io",
            Error::Internal { .. } => "internal",
            Error::Refused { .. } => "refused",
        }
    }

    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Error::Invalid { record, field, message } => {
                if zh {
                    format!("{record} 的“{}”无效：{message}", field_zh(field))
                } else {
                    format!("{record}: field `{field}` is invalid: {message}")
                }
            }
            Error::NotFound { what, key } => {
                if zh {
                    format!("找不到{what}“{key}”：请检查编号或名称")
                } else {
                    format!("no {} `{key}`: check the code or name", crate::i18n::noun_en(what))
                }
            }
            Error::AlreadyExists { what, key } => {
                if zh {
                    format!("{what}“{key}”已存在：换一个编号，或用 --merge 合并")
                } else {
                    format!("{} `{key}` already exists: use another code, or --merge", crate::i18n::noun_en(what))
                }
            }
            Error::Conflict { what, expected, actual, by, at } => {
                if zh {
                    format!("{what} 已被 {by} 于 {at} 修改（当前版本 {actual}，你的修改基于版本 {expected}）：请重新载入后再改")
                } else {
                    format!(
                        "{what} was changed by {by} at {at} (now version {actual}, your edit started from {expected}): reload and edit again"
                    )
                }
            }
            Error::IllegalTransition { what, state, action } => {
                if zh {
                    format!("{what} 处于“{state}”状态，不能执行“{action}”")
                } else {
                    format!("{what} is in state `{state}`; `{action}` is not allowed there")
                }
            }
            Error::SelfCheck { what, step, failures, fix } => {
                if zh {
                    format!("{what} 自检未通过，不能{step}：\n{failures}\n{fix}")
                } else {
                    format!("{what} fails its self-check; `{step}` is refused:\n{failures}\n{fix}")
                }
            }
            Error::Forbidden { action, role, actor } => {
                if zh {
                    format!("{actor} 不能执行“{action}”：需要{role}身份")
                } else {
                    format!("{actor} may not `{action}`: it needs the role {role}")
                }
            }
            Error::Locked { dir, holder } => {
                if zh {
                    format!("数据目录 {dir} 正被另一个 jixiao 进程使用（{holder}）：请关闭它，或等它退出后重试")
                } else {
                    format!(
                        "the data directory {dir} is held by another jixiao process ({holder}): close it or wait for it to exit, then retry"
                    )
                }
            }
            Error::SchemaTooNew { found, supported } => {
                if zh {
                    format!("数据由更新版本的 jixiao 写入（数据格式版本 {found}，本程序支持到 {supported}）：请升级 jixiao")
                } else {
                    format!(
                        "the store was written by a newer jixiao (schema version {found}; this binary supports up to {supported}): upgrade jixiao"
                    )
                }
            }
            Error::Corrupt { what, message } => {
                if zh {
                    format!("数据损坏：{what}：{message}（运行 jixiao check 查看详情）")
                } else {
                    format!("corrupt data: {what}: {message} (run jixiao check for details)")
                }
            }
            Error::Io { path, message } => {
                if zh {
                    format!("读写 {path} 失败：{message}")
                } else {
                    format!("cannot read or write {path}: {message}")
                }
            }
            Error::Internal { message } => {
                if zh {
                    format!(
                        "服务器处理请求时出错 (internal error)：{message}；该请求没有执行 (the request was not applied)，详情见 server.log"
                    )
                } else {
                    format!("internal error in the server: {message}; the request was not applied (details in server.log)")
                }
            }
            Error::Refused { message } => message.clone(),
        }
    }
}

/// The Chinese name of a command field, for messages (the key stays in `field`).
fn field_zh(field: &str) -> String {
    let (base, index) = match field.split_once('[') {
        Some((b, rest)) => (b, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (field, None),
    };
    let name = match base {
        "value" => "得分",
        "deductions" => "扣分项",
        "target" => "目标值",
        "actual" => "实际值",
        "amount" => "金额",
        "code" => "编号",
        "name" => "名称",
        "unit" => "单位",
        "fiscal_year" => "年度",
        "points" => "分值",
        "parent" => "上级指标",
        "reason" => "理由",
        "requirement" => "整改要求",
        "due" => "期限",
        "date" => "文件日期",
        "evidence" => "佐证资料",
        "opinion" => "审核意见",
        "text" => "内容",
        "category" => "问题类别",
        "indicator" => "指标",
        "team.lead" => "项目负责人",
        "template" => "指标模板",
        "kind" => "评价类型",
        "phase" => "阶段",
        "reviewer" => "复核人",
        "note" => "复核意见",
        "answer" => "答复",
        "level" => "复核级别",
        "version" => "版本",
        "user" => "用户",
        _ => return field.to_string(),
    };
    match index {
        Some(i) => format!("第 {i} 项{name}"),
        None => name.to_string(),
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(crate::i18n::current()))
    }
}

impl std::error::Error for Error {}
