//! Generated projects for benchmarks (`jixiao demo --scale N`): realistic trees, scores,
//! findings and on average about 12 rectification items per project. Built as bundles and
//! imported in chunks through the same validated path as `jixiao import`.

use crate::command::Command;
use crate::domain::finding::{FindingBody, SEED_CATEGORIES};
use crate::domain::project::{Phase, ProjectKind, Team};
use crate::domain::rect::{Draft, EntryKind, ItemState};
use crate::domain::tree::{Deduction, Direction, ScoreInput};
use crate::domain::{Evidence, Finding, FindingState, Meta, Project, RectItem, Response, Result, Severity};
use crate::read::bundle::Bundle;
use crate::store::{Ctx, Store};
use crate::templates::Templates;
use chrono::{Datelike, Duration};
use rust_decimal::Decimal;

const UNITS: &[&str] = &[
    "教育局",
    "卫生健康局",
    "农业农村局",
    "水利局",
    "交通运输局",
    "住建局",
    "民政局",
    "人社局",
    "文旅广体局",
    "自然资源局",
    "生态环境局",
    "应急管理局",
    "市场监督管理局",
    "统计局",
    "林业局",
    "科技局",
    "商务局",
    "退役军人事务局",
    "医疗保障局",
    "城管局",
];
const PURPOSES: &[&str] = &[
    "农村公路养护补助资金",
    "义务教育薄弱环节改善经费",
    "基层医疗卫生机构能力建设资金",
    "高标准农田建设补助",
    "城乡居民养老保险补助",
    "小型水库除险加固资金",
    "公共文化服务体系建设经费",
    "森林防火专项经费",
    "老旧小区改造配套资金",
    "困难群众救助补助资金",
    "就业创业补助资金",
    "食品安全抽检经费",
    "科技创新引导资金",
    "乡村振兴衔接资金",
    "生活垃圾分类处理经费",
];

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len() as u64) as usize]
    }
}

/// Adds `n` generated projects, `chunk` per transaction, reporting progress.
pub fn generate(store: &Store, ctx: &Ctx, templates: &Templates, n: u64, mut progress: impl FnMut(u64, u64)) -> Result<()> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let chunk = 200;
    let mut done = 0;
    while done < n {
        let size = chunk.min(n - done);
        let mut b = Bundle::new(crate::store::codec::SCHEMA);
        for i in 0..size {
            add_project(&mut b, &mut rng, ctx, templates, done + i + 1)?;
        }
        store.apply_unflushed(&Command::Import { bundle: Box::new(b), merge: false }, ctx)?;
        done += size;
        progress(done, n);
    }
    store.flush()
}

fn add_project(b: &mut Bundle, rng: &mut Rng, ctx: &Ctx, templates: &Templates, seq: u64) -> Result<()> {
    // Ids are local to the bundle; import gives fresh ones when they collide.
    let pid = seq;
    let meta = Meta::new(&ctx.actor, ctx.now);
    let kind = [ProjectKind::Project, ProjectKind::Project, ProjectKind::Project, ProjectKind::Department, ProjectKind::SelfEvalCheck]
        [rng.below(5) as usize];
    let unit = rng.pick(UNITS);
    // The last six fiscal years; each is evaluated (and its items issued) the year after.
    let year = ctx.today.year() - 6 + rng.below(6) as i32;
    let name =
        if kind == ProjectKind::Department { format!("{year}年部门整体支出") } else { format!("{year}年{}", rng.pick(PURPOSES)) };
    let phase = Phase::ALL[rng.below(6) as usize];
    let template = kind.default_template();
    let mut tree = templates.get(template)?.instantiate(pid, meta.clone());
    let project = Project {
        id: pid,
        code: format!("SC-{seq:06}"),
        name,
        kind,
        fiscal_year: year,
        unit: unit.to_string(),
        amount: Decimal::new(1000 + rng.below(50_000_000) as i64, 2),
        fund_notes: vec![],
        team: Team { lead: ctx.actor.clone(), members: vec!["zhangwei".into()], observers: vec![] },
        third_party: None,
        phase,
        template: template.to_string(),
        result_use: None,
        reopen_log: vec![],
        meta: meta.clone(),
    };
    // Projects past fieldwork are scored: most leaves, by several methods.
    if phase >= Phase::Scoring {
        let leaves: Vec<(u32, Decimal)> = tree.leaves().map(|n| (n.id, n.points)).collect();
        for (id, points) in leaves {
            let input = match rng.below(3) {
                0 => ScoreInput::Direct { value: points * Decimal::new(70 + rng.below(31) as i64, 2) },
                1 => ScoreInput::Deduction {
                    deductions: vec![Deduction {
                        points: Decimal::new(5 * (1 + rng.below(4) as i64), 1).min(points),
                        reason: "抽查凭证发现资料不完整".into(),
                        finding: None,
                    }],
                },
                _ => ScoreInput::Formula {
                    target: Decimal::from(100),
                    actual: Decimal::from(60 + rng.below(41)),
                    direction: Direction::Positive,
                },
            };
            let input = match input {
                ScoreInput::Direct { value } => ScoreInput::Direct { value: value.round_dp(2) },
                other => other,
            };
            tree.set_score(id, input, "经核查相关资料，按评分标准评定".into(), vec![Evidence::doc("工作底稿")], &ctx.actor, ctx.now, None)?;
        }
    }
    b.projects.push(project);
    b.trees.push(tree);
    // Findings come from fieldwork and scoring onwards.
    if phase < Phase::Scoring {
        return Ok(());
    }
    let findings = 4 + rng.below(3);
    for _ in 0..findings {
        let fid = b.findings.len() as u64 + 1;
        let (_, cats) = SEED_CATEGORIES[rng.below(SEED_CATEGORIES.len() as u64) as usize];
        let category = rng.pick(cats);
        b.findings.push(Finding {
            id: fid,
            project: pid,
            seq: b.findings.iter().filter(|f| f.project == pid).count() as u32 + 1,
            body: FindingBody {
                text: format!("{unit}存在{category}的问题，抽查发现相关凭证和资料不完整"),
                category: category.to_string(),
                severity: [Severity::Minor, Severity::Serious, Severity::Major][rng.below(3) as usize],
                amount: Some(Decimal::new(rng.below(1_000_000) as i64, 2)),
                indicators: vec![],
                evidence: vec![],
                basis: String::new(),
                title: String::new(),
            },
            state: FindingState::Published,
            history: vec![],
            withdraw_reason: None,
            meta: meta.clone(),
        });
        for _ in 0..(2 + rng.below(4)) {
            add_item(b, rng, ctx, pid, fid, unit, year);
        }
    }
    Ok(())
}

/// Items of last year's evaluations were issued in the last 120 days and are mostly open;
/// those of earlier years are mostly closed, as in a store that has been in use for years.
fn add_item(b: &mut Bundle, rng: &mut Rng, ctx: &Ctx, pid: u64, fid: u64, unit: &str, fiscal_year: i32) {
    let id = b.items.len() as u64 + 1;
    let years_back = i64::from((ctx.today.year() - 1 - fiscal_year).max(0));
    let issued = ctx.today - Duration::days(years_back * 365 + rng.below(120) as i64);
    let due = issued + Duration::days(30);
    let recent = [
        ItemState::Issued,
        ItemState::InProgress,
        ItemState::Submitted,
        ItemState::Returned,
        ItemState::Closed,
        ItemState::Closed,
        ItemState::LongTerm,
    ];
    let state = if years_back == 0 {
        recent[rng.below(7) as usize]
    } else {
        match rng.below(100) {
            0..=2 => ItemState::LongTerm,
            3..=5 => ItemState::Cancelled,
            _ => ItemState::Closed,
        }
    };
    let draft = Draft {
        id,
        project: pid,
        finding: fid,
        requirement: "按要求完善资料并报送整改报告及佐证资料".into(),
        unit: unit.into(),
        contact: "财务股".into(),
        due,
    };
    let mut item = RectItem::draft(draft, Meta::new(&ctx.actor, ctx.now));
    item.issue_date = Some(issued);
    item.state = state;
    let mut entry = |kind: EntryKind, text: &str, evidence: Vec<Evidence>| {
        let seq = b.responses.iter().rev().take_while(|r| r.item == id).count() as u32 + 1;
        b.responses.push(Response { item: id, seq, kind, date: issued, text: text.into(), evidence, by: ctx.actor.clone(), at: ctx.now });
    };
    entry(EntryKind::Issued, "整改通知", vec![]);
    if matches!(state, ItemState::Submitted | ItemState::Returned | ItemState::Closed) {
        let ev = vec![Evidence::doc("整改报告及佐证资料")];
        entry(EntryKind::Response, "已完成整改，附整改报告", ev.clone());
        item.evidence = ev;
    }
    if state == ItemState::Returned {
        entry(EntryKind::Returned, "佐证资料不足", vec![]);
    }
    if state == ItemState::Closed {
        entry(EntryKind::Closed, "整改到位，同意销号", vec![]);
        item.opinion = Some("整改到位，同意销号".into());
        item.closed_on = Some(due.min(ctx.today));
    }
    if state == ItemState::Cancelled {
        let reason = "项目已整合，该项整改要求不再适用";
        entry(EntryKind::Cancelled, reason, vec![]);
        item.cancel_reason = Some(reason.into());
    }
    b.items.push(item);
}
