//! `batch`: several commands in one transaction (the spreadsheet imports). Each step goes
//! through `apply` as if sent alone, so its rules and roles hold; the first refusal aborts
//! the whole batch and names the step (its source row where the sender gave one).

use super::*;

/// The most steps one batch may carry: a 50,000-row case list with room to spare.
pub const MAX_STEPS: usize = 100_000;

pub(super) fn apply(tx: &Tx, label: &str, commands: &[Command], steps: &[String], ctx: &Ctx, templates: &Templates) -> Result<Applied> {
    if commands.is_empty() {
        return Err(Error::invalid("批量命令", "commands", "没有要执行的命令"));
    }
    if commands.len() > MAX_STEPS {
        return Err(Error::invalid("批量命令", "commands", format!("{} 条，超过上限 {MAX_STEPS} 条：分批导入", commands.len())));
    }
    if !steps.is_empty() && steps.len() != commands.len() {
        return Err(Error::invalid("批量命令", "steps", format!("{} 个来源说明对应 {} 条命令：数量应相同", steps.len(), commands.len())));
    }
    let mut touched = Vec::new();
    let mut last = None;
    for (i, c) in commands.iter().enumerate() {
        let step = steps.get(i).cloned().unwrap_or_else(|| format!("第 {} 条", i + 1));
        let nested = matches!(c, Command::Batch { .. } | Command::Import { .. } | Command::RestoreScore { .. });
        if nested || !c.evidence().is_empty() {
            return Err(Error::invalid(
                "批量命令",
                format!("commands[{}]", i + 1),
                format!("{step}：{} 不能放进批量命令（批量里不能有 batch、import、restore_score 或佐证文件）", c.name()),
            ));
        }
        let applied = super::apply(tx, c, ctx, templates).map_err(|e| e.at_step(&step))?;
        touched.extend(applied.touched);
        last = Some(applied.outcome);
    }
    let mut outcome = last.unwrap_or(Outcome { id: 0, version: 0, key: None, score: None, audit: 0 });
    outcome.key = Some(format!("{label}：{} 条", commands.len()));
    Ok(Applied { outcome, touched })
}
