//! A project's indicator table or self-evaluation form (绩效自评表, DOMAIN.md §11) read from a
//! sheet: the indicator rows (一级/二级/三级, merged labels filled down) with points, what the
//! form prints on each (指标性质, 年度指标值, 度量单位, 实际完成值, 自评得分, 偏差原因), the
//! 其中 rows under their indicator, the 总分 row, and above the table the money block, the
//! 年度总体目标 pair and the project's name, unit and year. Pure reading: nothing is sent.

use super::{Cell, FieldSpec, Grid, Problem, Row, Table};
use crate::domain::form::{Breakdown, Head, MONEY_ROWS, MoneyRow, RowInput};
use crate::domain::printed::Nature;
use crate::domain::tree_replace::NewIndicator;
use rust_decimal::Decimal;

/// The columns of an indicator table or self-evaluation form, by the names forms print.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec { key: "l1", names: &["一级指标", "一级"], required: true },
    FieldSpec { key: "l2", names: &["二级指标", "二级"], required: false },
    FieldSpec { key: "l3", names: &["三级指标", "三级", "指标名称", "绩效指标"], required: false },
    FieldSpec { key: "points", names: &["分值", "权重", "指标分值", "标准分值", "分数"], required: true },
    FieldSpec { key: "nature", names: &["指标性质", "性质"], required: false },
    FieldSpec {
        key: "target", names: &["年度指标值", "指标值", "目标值", "年度目标值", "预期指标值"], required: false
    },
    FieldSpec { key: "unit", names: &["度量单位", "计量单位", "单位"], required: false },
    FieldSpec { key: "actual", names: &["实际完成值", "完成值", "实际值", "全年实际值"], required: false },
    FieldSpec { key: "self", names: &["自评得分", "得分", "单位自评得分"], required: false },
    FieldSpec { key: "recheck", names: &["复核得分", "抽查得分"], required: false },
    FieldSpec {
        key: "deviation",
        names: &["偏差原因分析及改进措施", "偏差原因分析及改进", "偏差原因分析", "偏差原因", "原因分析及改进措施", "未完成原因和改进措施"],
        required: false,
    },
    FieldSpec { key: "guide", names: &["评分标准", "评分细则", "指标解释", "指标说明"], required: false },
];

/// One indicator row of the form with what it prints.
#[derive(Debug, Clone)]
pub struct FormLine {
    pub step: String,
    pub path: Vec<String>,
    pub row: RowInput,
}

/// Everything a form sheet says.
#[derive(Debug, Default)]
pub struct FormPlan {
    /// Parents before children, each once (parents with 0 points: the sum of their children).
    pub indicators: Vec<NewIndicator>,
    /// The leaves' printed rows (empty rows left out).
    pub lines: Vec<FormLine>,
    /// The printed 总分 goes in `head.printed_total`.
    pub head: Head,
    /// The money block's own 得分 (the unit's score for 预算执行率).
    pub money_self_score: Option<Decimal>,
    pub name: Option<String>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub problems: Vec<Problem>,
}

impl FormPlan {
    /// The leaves' points summed (the 总分 the tree will have).
    pub fn points(&self) -> Decimal {
        crate::domain::money::sum(self.indicators.iter().filter(|i| !self.indicators.iter().any(|c| is_child(c, i))).map(|i| &i.points))
    }
}

fn is_child(c: &NewIndicator, parent: &NewIndicator) -> bool {
    c.path.len() == parent.path.len() + 1 && c.path.starts_with(&parent.path)
}

/// Reads the table `table` (located with `FIELDS`) and what stands above it.
pub fn read(table: &Table) -> FormPlan {
    let mut plan = FormPlan::default();
    read_preamble(table.grid, table.header_row, &mut plan);
    let mut seen: Vec<Vec<String>> = Vec::new();
    // Forms without merged cells leave 一级/二级 blank under the first row of a group.
    let mut above: [Option<String>; 2] = [None, None];
    for row in table.rows() {
        let mut labels: Vec<Option<String>> = ["l1", "l2", "l3"].iter().map(|k| row.text(k).map(|t| clean_label(&t))).collect();
        if labels[0].is_some() {
            if labels[1].is_none() && labels[2].is_some() && labels[0] == above[0] {
                labels[1] = above[1].clone();
            }
        } else if labels[1].is_some() || labels[2].is_some() {
            labels[0] = above[0].clone();
            if labels[1].is_none() {
                labels[1] = above[1].clone();
            }
        }
        if labels[2].as_deref().is_some_and(|l| breakdown_name(l).is_none()) || labels[1].is_some() {
            above = [labels[0].clone(), labels[1].clone()];
        } else if labels[0].is_some() && labels[1].is_none() && labels[2].is_none() {
            above = [labels[0].clone(), None];
        }
        let first = labels.iter().flatten().next().cloned().unwrap_or_default();
        if is_total(&first) {
            match row.decimal("self") {
                Ok(v) => plan.head.printed_total = v,
                Err(p) => plan.problems.push(p),
            }
            break; // notes and signatures below the 总分 row are not indicators
        }
        if labels.iter().flatten().any(|l| is_subtotal(l)) {
            continue; // a 评分表's 小计 rows repeat their indicators' sums
        }
        let deepest = labels.iter().rposition(|l| l.is_some());
        let Some(deepest) = deepest else { continue };
        let name = labels[deepest].clone().unwrap_or_default();
        if let Some(part) = breakdown_name(&name) {
            add_breakdown(&row, &part, &mut plan);
            continue;
        }
        let path: Vec<String> = labels.iter().flatten().cloned().collect();
        if seen.contains(&path) {
            plan.problems.push(row.problem(["l1", "l2", "l3"][deepest], format!("指标“{}”出现了两次：删去重复的一行", path.join("/"))));
            continue;
        }
        let points = match row.decimal("points") {
            Ok(Some(p)) if p >= Decimal::ZERO => p,
            Ok(Some(p)) => {
                plan.problems.push(row.problem("points", format!("分值 {p} 不能为负")));
                continue;
            }
            Ok(None) => {
                plan.problems.push(row.problem("points", "末级指标要有分值（其中行写成“其中：…”不计分）"));
                continue;
            }
            Err(p) => {
                plan.problems.push(p);
                continue;
            }
        };
        if let Err(m) = crate::domain::money::check_points(points) {
            plan.problems.push(row.problem("points", m));
            continue;
        }
        for depth in 1..path.len() {
            let parent = path[..depth].to_vec();
            if !seen.contains(&parent) {
                plan.indicators.push(NewIndicator { path: parent.clone(), points: Decimal::ZERO, method: None, guide: String::new() });
                seen.push(parent);
            }
        }
        let line = line_of(&row, &path, points, &mut plan.problems);
        let method = line.as_ref().and_then(|l| l.row.method());
        if let Some(line) = line {
            plan.lines.push(line);
        }
        let guide = row.text("guide").unwrap_or_default();
        plan.indicators.push(NewIndicator { path: path.clone(), points, method, guide });
        seen.push(path);
    }
    plan
}

/// "其中：农村低保" → "其中：农村低保"; None for a row that is not a breakdown.
fn breakdown_name(name: &str) -> Option<String> {
    name.starts_with("其中").then(|| name.to_string())
}

fn add_breakdown(row: &Row, name: &str, plan: &mut FormPlan) {
    if row.decimal("points").is_ok_and(|p| p.is_some_and(|p| !p.is_zero())) {
        plan.problems.push(row.problem("points", format!("“{name}”是其中行，不单独计分：删去它的分值")));
        return;
    }
    let Some(last) = plan.lines.last_mut().filter(|_| !plan.indicators.is_empty()) else {
        plan.problems.push(row.problem("l3", format!("“{name}”前面没有它所属的指标：其中行写在所属指标的下一行")));
        return;
    };
    last.row.breakdown.push(Breakdown {
        name: name.to_string(),
        target: row.text("target").unwrap_or_default(),
        actual: row.text("actual").unwrap_or_default(),
        unit: row.text("unit").unwrap_or_default(),
    });
}

fn line_of(row: &Row, path: &[String], points: Decimal, problems: &mut Vec<Problem>) -> Option<FormLine> {
    let nature = match row.text("nature") {
        None => None,
        Some(t) => match Nature::parse(&t) {
            Some(n) => Some(n),
            None if t.contains("定量") => None,
            None => {
                problems.push(row.problem("nature", format!("指标性质“{t}”看不懂：写 ≥、≤、= 或 定性")));
                None
            }
        },
    };
    let self_score = match row.decimal("self") {
        Ok(v) => v,
        Err(p) => {
            problems.push(p);
            None
        }
    };
    if let Some(s) = self_score
        && (s < Decimal::ZERO || s > points)
    {
        problems.push(row.problem("self", format!("自评得分 {s} 不在 0 到 {points} 分之间")));
        return None;
    }
    let input = RowInput {
        nature,
        target: row.text("target").unwrap_or_default(),
        actual: row.text("actual").unwrap_or_default(),
        unit: row.text("unit").unwrap_or_default(),
        deviation: row.text("deviation").unwrap_or_default(),
        self_score,
        breakdown: Vec::new(),
    };
    Some(FormLine { step: row.step(), path: path.to_vec(), row: input })
}

/// Labels as printed, without line breaks and doubled spaces.
fn clean_label(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_subtotal(label: &str) -> bool {
    matches!(label.trim(), "小计" | "小 计")
}

fn is_total(label: &str) -> bool {
    let t: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(t.as_str(), "总分" | "合计" | "总计" | "得分合计")
}

/// Above the table: 项目名称 / 主管部门 / 实施单位 cells with their values beside, a year such
/// as "（2020年度）", the money block and the 年度总体目标 pair.
fn read_preamble(grid: &Grid, header: usize, plan: &mut FormPlan) {
    let text = |r: usize, c: usize| grid.cell(r, c).text();
    // The value beside a label: the first cell to its right that is not the label itself
    // (a merged label fills rightwards).
    let beside =
        |r: usize, c: usize| -> Option<String> { (c + 1..grid.width()).map(|cc| text(r, cc)).find(|t| !t.is_empty() && *t != text(r, c)) };
    let mut money_cols: Option<[Option<usize>; 5]> = None;
    let mut goal_cols: Option<(usize, usize, usize)> = None;
    for r in 0..header {
        for c in 0..grid.width() {
            let t: String = text(r, c).chars().filter(|ch| !ch.is_whitespace()).collect();
            if t.is_empty() || grid.is_filled(r, c) {
                continue;
            }
            match t.trim_end_matches(['：', ':']) {
                "项目名称" if plan.name.is_none() => plan.name = beside(r, c),
                "主管部门" | "实施单位" | "主管单位" | "项目单位" if plan.unit.is_none() => plan.unit = beside(r, c),
                "年初预算数" => {
                    let find = |name: &str| {
                        (0..grid.width()).find(|cc| text(r, *cc).chars().filter(|ch| !ch.is_whitespace()).collect::<String>() == name)
                    };
                    money_cols = Some([find("年初预算数"), find("全年预算数"), find("全年执行数"), find("分值"), find("得分")]);
                }
                "预期目标" => {
                    let actual = (c + 1..grid.width()).find(|cc| text(r, *cc).contains("实际完成情况"));
                    if let Some(a) = actual {
                        goal_cols = Some((r, c, a));
                    }
                }
                _ => {}
            }
            if plan.year.is_none() && (t.contains("年度") || t.contains("自评表")) {
                plan.year = super::year_in(std::slice::from_ref(&t));
            }
        }
        if let Some(cols) = money_cols {
            read_money_row(grid, r, cols, plan);
        }
    }
    if let Some((r, c, a)) = goal_cols
        && r + 1 < header
    {
        plan.head.goal_expected = text(r + 1, c);
        plan.head.goal_actual = text(r + 1, a);
    }
}

fn read_money_row(grid: &Grid, r: usize, cols: [Option<usize>; 5], plan: &mut FormPlan) {
    let label = (0..grid.width()).map(|c| grid.cell(r, c).text()).find_map(|t| {
        let t: String = t.chars().filter(|ch| !ch.is_whitespace()).collect();
        let t = t.trim_start_matches("其中").trim_start_matches(['：', ':']).to_string();
        MONEY_ROWS.iter().find(|m| t == **m).map(|m| m.to_string())
    });
    let Some(label) = label else { return };
    if plan.head.money.iter().any(|m| m.label == label) {
        return;
    }
    let value = |c: Option<usize>| -> Option<Decimal> {
        match grid.cell(r, c?) {
            Cell::Number(d) => Some(*d),
            Cell::Text(t) => crate::domain::money::parse_plain(t).ok(),
            _ => None,
        }
    };
    if plan.head.money.is_empty() {
        plan.head.money_points = value(cols[3]);
        plan.money_self_score = value(cols[4]);
    }
    plan.head.money.push(MoneyRow { label, year_start: value(cols[0]), full_year: value(cols[1]), executed: value(cols[2]) });
}
