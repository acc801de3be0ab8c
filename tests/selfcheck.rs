//! The self-check (自检, DOMAIN.md §8) as pure rules over built records: every rule passes on a
//! finished project and fails, naming the failing rows, when its point is broken.

use chrono::{NaiveDate, TimeZone, Utc};
use jixiao::domain::finding::{FindingBody, FindingState};
use jixiao::domain::outline::Outline;
use jixiao::domain::project::{Phase, ProjectKind, Team};
use jixiao::domain::rect::{Draft, ItemState};
use jixiao::domain::report::Report;
use jixiao::domain::selfcheck::{Level, Line, ProjectCheck, Records, Scope, SelfCheck, run};
use jixiao::domain::tree::{Deduction, Direction, IndicatorRef, ScoreInput};
use jixiao::domain::{Evidence, Finding, Meta, Notice, NoticeState, Project, RectItem, Severity, Template};
use rust_decimal::Decimal;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
}
fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn meta() -> Meta {
    Meta::new("张三", at())
}

fn template(name: &str) -> Template {
    let text = std::fs::read_to_string(format!("{}/fixtures/templates/{name}.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Template::parse(&text, name).unwrap()
}

fn outline() -> Outline {
    let text = std::fs::read_to_string(format!("{}/fixtures/outlines/project.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Outline::parse(&text, "project.toml").unwrap()
}

/// A finished project on `tpl`: every leaf at full marks by 李四 with basis and evidence,
/// reviewed by 张三; every text section written; the cover complete.
fn finished(tpl: &str) -> Records {
    let t = template(tpl);
    let project = Project {
        id: 1,
        code: "ZX21-01".into(),
        name: "2021年食品安全检测经费".into(),
        kind: ProjectKind::Project,
        fiscal_year: 2021,
        unit: "市场监督管理局".into(),
        amount: dec("100"),
        fund_notes: vec![],
        team: Team { lead: "张三".into(), members: vec!["李四".into()], observers: vec![] },
        third_party: Some("湖南某会计师事务所".into()),
        phase: Phase::Report,
        template: t.name.clone(),
        result_use: None,
        reopen_log: vec![],
        meta: meta(),
    };
    let mut tree = t.instantiate(1, meta());
    let leaves: Vec<(u32, Decimal)> = tree.leaves().map(|n| (n.id, n.points)).collect();
    for (id, points) in leaves {
        let input = ScoreInput::Direct { value: points };
        tree.set_score(id, input, "对照资料核实，符合要求".into(), vec![Evidence::doc("项目实施方案")], "李四", at(), None).unwrap();
        tree.review(id, "张三", at(), None).unwrap();
    }
    let outline = outline();
    let mut report = Report::new(1, meta());
    report.department = Some("市市场监督管理局".into());
    for s in outline.sections.iter().filter(|s| s.is_writable()) {
        report.sections.insert(s.key.clone(), format!("{}：已撰写。", s.heading));
    }
    Records {
        project,
        tree,
        template: t.facts().into(),
        findings: vec![],
        items: vec![],
        notices: vec![],
        report: Some(report),
        outline: Some(outline.into()),
        score_table_total: None,
        form: None,
    }
}

fn line<'a>(c: &'a SelfCheck, id: &str) -> &'a Line {
    c.lines.iter().find(|l| l.id == id).unwrap_or_else(|| panic!("no rule {id} in {c:#?}"))
}

/// Asserts rule `id` fails with a row at `at` whose text contains `what`.
fn fails(r: &Records, id: &str, at: &str, what: &str) {
    let c = run(r, &Scope::All);
    let l = line(&c, id);
    assert!(!l.passed, "{id} passed: {l:#?}");
    assert!(l.rows.iter().any(|row| row.at == at && row.what.contains(what)), "{id}: no row at {at} saying {what}: {:#?}", l.rows);
}

fn node(r: &Records, path: &str) -> u32 {
    r.tree.find(&IndicatorRef::Name(path.into())).unwrap().id
}

/// Rescores a leaf (unreviewing it first), reviewed by 张三 again.
fn rescore(r: &mut Records, path: &str, input: ScoreInput, basis: &str, evidence: Vec<Evidence>) {
    let id = node(r, path);
    r.tree.unreview(id, "改分", None).unwrap();
    r.tree.set_score(id, input, basis.into(), evidence, "李四", at(), None).unwrap();
    r.tree.review(id, "张三", at(), None).unwrap();
}

fn finding(id: u64, indicators: Vec<u32>) -> Finding {
    Finding {
        id,
        project: 1,
        seq: id as u32,
        body: FindingBody {
            text: "检测样本登记不完整".into(),
            category: "档案资料不完整".into(),
            severity: Severity::Minor,
            amount: Some(dec("12.5")),
            indicators,
            evidence: vec![],
            basis: String::new(),
            title: String::new(),
        },
        state: FindingState::Published,
        history: vec![],
        withdraw_reason: None,
        meta: meta(),
    }
}

fn item(id: u64, finding: u64, requirement: &str, due: NaiveDate) -> RectItem {
    let d = Draft {
        id, project: 1, finding, requirement: requirement.into(), unit: "市场监督管理局".into(), contact: String::new(), due
    };
    RectItem::draft(d, meta())
}

/// A finding on 决策/项目立项/立项依据充分性 where a point was lost, with its item.
fn with_finding(r: &mut Records) {
    let input =
        ScoreInput::Deduction { deductions: vec![Deduction { points: dec("1"), reason: "立项论证不充分".into(), finding: None }] };
    rescore(r, "决策/项目立项/立项依据充分性", input, "", vec![Evidence::doc("立项请示")]);
    let id = node(r, "决策/项目立项/立项依据充分性");
    r.findings.push(finding(3, vec![id]));
    r.items.push(item(12, 3, "补充立项论证材料", day(12, 31)));
}

#[test]
fn a_finished_project_passes_every_rule() {
    for tpl in ["project-2020", "self-eval", "dept-overall", "ex-ante"] {
        let mut r = finished(tpl);
        if tpl == "project-2020" {
            with_finding(&mut r);
        }
        let c = run(&r, &Scope::All);
        let bad: Vec<&Line> = c.lines.iter().filter(|l| !l.passed).collect();
        assert!(bad.is_empty(), "{tpl}: {bad:#?}");
        // Every rule of §8 has its line.
        for id in [
            "tree.sum",
            "tree.fixed",
            "tree.scored",
            "tree.range",
            "tree.grade",
            "papers.reason",
            "papers.target",
            "papers.self_review",
            "papers.reviewed",
            "papers.over_deducted",
            "papers.deviation",
            "findings.indicator",
            "findings.category",
            "findings.items",
            "findings.amount",
            "report.cover",
            "report.sections",
            "report.suggestions",
            "report.score_table",
            "notice.items",
        ] {
            line(&c, id);
        }
    }
}

#[test]
fn leaves_summing_to_110_fail_the_sum_and_the_grade() {
    let mut r = finished("self-eval");
    let id = node(&r, "产出/数量指标");
    r.tree.unreview(id, "调整", None).unwrap();
    r.tree.set_points(id, dec("25")).unwrap();
    r.tree
        .set_score(id, ScoreInput::Direct { value: dec("25") }, "完成".into(), vec![Evidence::doc("验收单")], "李四", at(), None)
        .unwrap();
    r.tree.review(id, "张三", at(), None).unwrap();
    fails(&r, "tree.sum", "指标体系", "末级指标分值合计 110.00");
    fails(&r, "tree.sum", "产出", "其下级合计 60.00");
    fails(&r, "tree.grade", "综合评分", "总分 110.00 超出 0–100.00 分");
}

#[test]
fn the_self_evaluation_level_1_weights_are_fixed() {
    let mut r = finished("self-eval");
    let id = node(&r, "效益");
    r.tree.set_points(id, dec("25")).unwrap();
    fails(&r, "tree.fixed", "效益", "分值 25.00，模板“self-eval”固定为 30.00");
    // A fixed indicator renamed is named by its template path.
    let id = node(&r, "满意度");
    r.tree.rename(id, "群众满意度").unwrap();
    fails(&r, "tree.fixed", "满意度", "已删除或改名");
    // The 2020 framework fixes names, not weights: nothing to hold.
    assert!(template("project-2020").facts().fixed.is_empty());
}

#[test]
fn every_leaf_scored_within_its_points() {
    let mut r = finished("project-2020");
    let id = node(&r, "过程/资金管理/预算执行率");
    r.tree.unreview(id, "重新评分", None).unwrap();
    r.tree.clear_score(id, None).unwrap();
    fails(&r, "tree.scored", "过程/资金管理/预算执行率", "未评分");
    // A score above the points (a store from before the bounds) is named.
    let mut r = finished("project-2020");
    let id = node(&r, "产出/产出数量/实际完成率");
    r.tree.nodes.iter_mut().find(|n| n.id == id).unwrap().score.as_mut().unwrap().value = dec("12");
    fails(&r, "tree.range", "产出/产出数量/实际完成率", "得分 12.00 不在 0 到 10.00 分之间");
}

#[test]
fn a_deduction_needs_a_reason_and_evidence() {
    let mut r = finished("project-2020");
    let input =
        ScoreInput::Deduction { deductions: vec![Deduction { points: dec("1.5"), reason: "制度未执行".into(), finding: None }] };
    rescore(&mut r, "过程/组织实施/制度执行有效性", input, "", vec![]);
    fails(&r, "papers.reason", "过程/组织实施/制度执行有效性", "扣 1.50 分，没有佐证资料");
    rescore(&mut r, "决策/绩效目标/绩效目标合理性", ScoreInput::Direct { value: dec("3") }, " ", vec![Evidence::doc("绩效目标表")]);
    fails(&r, "papers.reason", "决策/绩效目标/绩效目标合理性", "扣 1.00 分，没有写扣分理由");
}

#[test]
fn no_full_marks_against_a_missed_target() {
    let mut r = finished("project-2020");
    // 4 × 99.99 ÷ 100 = 3.9996, rounded to the full 4.00 although the target was missed.
    let input = ScoreInput::Formula { target: dec("100"), actual: dec("99.99"), direction: Direction::Positive };
    rescore(&mut r, "过程/资金管理/资金到位率", input, "到位 99.99 万元", vec![Evidence::doc("拨款凭证")]);
    fails(&r, "papers.target", "过程/资金管理/资金到位率", "实际值 99.99 低于目标值 100，却得满分 4.00");
    // A ceiling exceeded (negative indicator).
    let input = ScoreInput::Formula { target: dec("6"), actual: dec("6.001"), direction: Direction::Negative };
    rescore(&mut r, "产出/产出成本/成本节约率", input, "单位成本 6.001 元", vec![Evidence::doc("成本核算表")]);
    fails(&r, "papers.target", "产出/产出成本/成本节约率", "实际值 6.001 高于上限 6");
}

#[test]
fn nobody_reviews_their_own_score_and_every_paper_is_reviewed() {
    let mut r = finished("project-2020");
    let id = node(&r, "效益/项目效益/满意度");
    r.tree.unreview(id, "改为本人复核", None).unwrap();
    r.tree.review(id, "李四", at(), None).unwrap();
    fails(&r, "papers.self_review", "效益/项目效益/满意度", "评分人 李四 复核了自己的评分");
    let id = node(&r, "效益/项目效益/实施效益");
    r.tree.unreview(id, "待复核", None).unwrap();
    fails(&r, "papers.reviewed", "效益/项目效益/实施效益", "未复核（评分人 李四）");
}

#[test]
fn warnings_list_deductions_beyond_the_points_and_missing_deviation_causes_without_failing() {
    let mut r = finished("project-2020");
    let ds = vec![
        Deduction { points: dec("2"), reason: "未按期开展".into(), finding: None },
        Deduction { points: dec("2"), reason: "资料缺失".into(), finding: None },
    ];
    rescore(&mut r, "决策/资金投入/资金分配合理性", ScoreInput::Deduction { deductions: ds }, "", vec![Evidence::doc("分配方案")]);
    let input = ScoreInput::Formula { target: dec("100"), actual: dec("80"), direction: Direction::Positive };
    rescore(&mut r, "过程/资金管理/预算执行率", input, "", vec![Evidence::doc("决算表")]);
    let c = run(&r, &Scope::All);
    let over = line(&c, "papers.over_deducted");
    assert_eq!((over.level, over.passed, over.mark()), (Level::Warning, false, "!"));
    assert!(over.rows[0].what.contains("扣分合计 4.00，超过分值 3.00（扣完为止"), "{over:#?}");
    let dev = line(&c, "papers.deviation");
    assert!(!dev.passed && dev.rows[0].at == "过程/资金管理/预算执行率", "{dev:#?}");
    // The 预算执行率 basis is empty: a failure of its own (a point lost needs a reason).
    assert!(c.failures().all(|l| l.id == "papers.reason"), "{:#?}", c.failures().collect::<Vec<_>>());
}

#[test]
fn published_findings_name_a_lost_indicator_a_category_an_item_and_a_bounded_amount() {
    let mut r = finished("project-2020");
    with_finding(&mut r);
    let full = node(&r, "产出/产出质量/质量达标率");
    let mut f = finding(4, vec![full]);
    f.body.category = " ".into();
    f.body.amount = Some(dec("150"));
    r.findings.push(f);
    r.findings.push(finding(5, vec![]));
    fails(&r, "findings.indicator", "问题 #4", "对应指标 产出/产出质量/质量达标率 都没有扣分");
    fails(&r, "findings.indicator", "问题 #5", "没有对应指标");
    fails(&r, "findings.category", "问题 #4", "没有问题类别");
    fails(&r, "findings.items", "问题 #4", "没有整改事项");
    fails(&r, "findings.amount", "问题 #4", "涉及金额 150.00 万元，高于项目金额 100.00 万元");
    // Withdrawn and draft findings are not checked.
    for f in r.findings.iter_mut().filter(|f| f.id != 3) {
        f.state = FindingState::Withdrawn;
    }
    assert!(!run(&r, &Scope::All).has_failures());
}

#[test]
fn the_report_has_its_cover_its_sections_a_suggestion_per_problem_and_a_true_total() {
    let mut r = finished("project-2020");
    with_finding(&mut r);
    let rep = r.report.as_mut().unwrap();
    rep.department = None;
    rep.sections.remove("goals");
    r.project.third_party = None;
    fails(&r, "report.cover", "封面", "缺少主管部门");
    fails(&r, "report.cover", "封面", "缺少评价机构");
    fails(&r, "report.sections", "（二）项目绩效目标", "未撰写");
    r.items[0].requirement = String::new();
    fails(&r, "report.suggestions", "六、有关建议", "问题 #3 没有对应的建议");
    r.score_table_total = Some(dec("98.5"));
    fails(&r, "report.score_table", "评分表合计", "评分表合计 98.50，指标体系总分 99.00");
}

#[test]
fn notice_items_have_a_requirement_a_unit_and_a_due_date_after_issue() {
    let mut r = finished("project-2020");
    with_finding(&mut r);
    let mut it = item(13, 3, "", day(11, 30));
    it.unit = String::new();
    // Issued before the rules (an imported store): the fields as they are kept.
    (it.issue_date, it.notice, it.state) = (Some(day(12, 1)), Some(7), ItemState::Issued);
    r.items.push(it);
    r.notices.push(Notice {
        id: 7,
        project: 1,
        number: "财绩整〔2026〕3号".into(),
        year: 2026,
        seq: 3,
        unit: "市场监督管理局".into(),
        items: vec![13],
        issue_date: day(12, 1),
        contact: String::new(),
        state: NoticeState::Issued,
        cancel_reason: None,
        meta: meta(),
    });
    let at = "整改事项 #13（财绩整〔2026〕3号）";
    fails(&r, "notice.items", at, "没有整改要求");
    fails(&r, "notice.items", at, "没有责任单位");
    fails(&r, "notice.items", at, "整改期限 2026-11-30 不晚于下发日期 2026-12-01");
    // The notice gate checks the items about to go out against its date.
    let pending = jixiao::domain::selfcheck::PendingNotice { items: vec![12], date: day(12, 31) };
    let c = run(&r, &Scope::Notice(pending));
    let l = line(&c, "notice.items");
    assert!(
        l.rows.iter().any(|row| row.at == "整改事项 #12（待下发的通知书）" && row.what.contains("不晚于下发日期 2026-12-31")),
        "{l:#?}"
    );
    // The notice gate leaves the report to 定稿.
    assert!(c.lines.iter().all(|l| !l.id.starts_with("report.")));
    // A cancelled item is not on any notice.
    r.items.last_mut().unwrap().state = ItemState::Cancelled;
    assert!(line(&run(&r, &Scope::All), "notice.items").passed);
}

#[test]
fn the_table_fits_80_cells_with_chinese_counted_twice() {
    let mut r = finished("dept-overall");
    let ids: Vec<u32> = r.tree.leaves().map(|n| n.id).collect();
    for id in ids {
        r.tree.unreview(id, "重新评分", None).unwrap();
        r.tree.clear_score(id, None).unwrap();
    }
    r.report = None;
    let pc = ProjectCheck { check: run(&r, &Scope::All), overrides: vec![] };
    let text = jixiao::read::selfcheck::table(&pc, 80);
    for l in text.lines() {
        assert!(jixiao::text::width(l) <= 80, "{} cells: {l}", jixiao::text::width(l));
    }
    assert!(text.contains("✗ 每个末级指标都已评分\n    部门决策/"), "{text}");
    assert!(text.contains("✓ 得分在 0 到分值之间"), "{text}");
    assert!(text.ends_with("项需要修正\n"), "{text}");
}
