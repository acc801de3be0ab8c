//! Domain rules: scoring methods and their bounds, tree sums, the item state machine.

use chrono::{DateTime, NaiveDate, Utc};
use jixiao::domain::rect::{ItemAction, allowed};
use jixiao::domain::tree::{Deduction, Direction, QualBand};
use jixiao::domain::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

fn tree() -> IndicatorTree {
    let text = include_str!("../fixtures/templates/project-2020.toml");
    Template::parse(text, "project-2020").unwrap().instantiate(1, Meta::new("张三", at()))
}

fn leaf(t: &IndicatorTree, name: &str) -> u32 {
    t.find(&IndicatorRef::Name(name.into())).unwrap().id
}

fn score(t: &mut IndicatorTree, name: &str, input: ScoreInput) -> Result<Decimal> {
    let id = leaf(t, name);
    t.set_score(id, input, "依据".into(), vec![], "张三", at(), None)
}

#[test]
fn direct_score_within_zero_and_points() {
    let mut t = tree();
    assert_eq!(score(&mut t, "立项依据充分性", ScoreInput::Direct { value: d("2.5") }).unwrap(), d("2.5"));
    let e = score(&mut t, "立项程序规范性", ScoreInput::Direct { value: d("3.01") }).unwrap_err();
    assert!(e.to_string().contains("3.01") && e.to_string().contains("0 到 3"), "{e}");
    assert!(score(&mut t, "立项程序规范性", ScoreInput::Direct { value: d("-1") }).is_err());
    assert!(score(&mut t, "立项程序规范性", ScoreInput::Direct { value: d("1.255") }).unwrap_err().to_string().contains("两位小数"));
    // The refused inputs left the leaf unscored.
    assert!(t.node(leaf(&t, "立项程序规范性")).unwrap().score.is_none());
}

#[test]
fn deduction_is_points_minus_sum_floored_at_zero_and_needs_reasons() {
    let mut t = tree();
    let ded = |p: &str, r: &str| Deduction { points: d(p), reason: r.into(), finding: None };
    let v = score(
        &mut t,
        "资金使用合规性",
        ScoreInput::Deduction { deductions: vec![ded("1", "个别支出凭证附件不全"), ded("0.5", "会议费超标准列支")] },
    )
    .unwrap();
    assert_eq!(v, d("2.5"));
    let v = score(
        &mut t,
        "管理制度健全性",
        ScoreInput::Deduction { deductions: vec![ded("3", "无专项资金管理办法"), ded("3", "未建立内控制度")] },
    )
    .unwrap();
    assert_eq!(v, Decimal::ZERO);
    let e = score(&mut t, "制度执行有效性", ScoreInput::Deduction { deductions: vec![ded("1", "  ")] }).unwrap_err();
    assert!(e.to_string().contains("扣分理由"), "{e}");
    let e = score(&mut t, "制度执行有效性", ScoreInput::Deduction { deductions: vec![ded("0", "无")] }).unwrap_err();
    assert!(e.to_string().contains("应大于 0"), "{e}");
}

#[test]
fn formula_positive_and_negative_capped_at_points() {
    let mut t = tree();
    let f = |target: &str, actual: &str, direction| ScoreInput::Formula { target: d(target), actual: d(actual), direction };
    // 4 × 85 / 100
    assert_eq!(score(&mut t, "预算执行率", f("100", "85", Direction::Positive)).unwrap(), d("3.40"));
    // Over-achievement is capped at the points.
    assert_eq!(score(&mut t, "资金到位率", f("100", "120", Direction::Positive)).unwrap(), d("4"));
    // Lower is better: 6 × 80 / 96 = 5.00
    assert_eq!(score(&mut t, "成本节约率", f("80", "96", Direction::Negative)).unwrap(), d("5.00"));
    // 10 × 2 / 3 = 6.666… rounds to 6.67
    assert_eq!(score(&mut t, "实际完成率", f("3", "2", Direction::Positive)).unwrap(), d("6.67"));
    assert!(score(&mut t, "质量达标率", f("0", "2", Direction::Positive)).unwrap_err().to_string().contains("目标值"));
}

#[test]
fn qualitative_bands_have_their_ranges() {
    let mut t = tree();
    let q = |band, v: &str| ScoreInput::Qualitative { band, value: d(v) };
    // 实施效益 is 20 points: met 16–20, partly 10–<16, not met 0–<10.
    assert_eq!(score(&mut t, "实施效益", q(QualBand::Met, "16")).unwrap(), d("16"));
    assert!(score(&mut t, "实施效益", q(QualBand::Met, "15.99")).unwrap_err().to_string().contains("[16"));
    assert_eq!(score(&mut t, "实施效益", q(QualBand::Partly, "15.99")).unwrap(), d("15.99"));
    assert!(score(&mut t, "实施效益", q(QualBand::Partly, "16")).is_err());
    assert!(score(&mut t, "实施效益", q(QualBand::NotMet, "10")).is_err());
    assert_eq!(score(&mut t, "实施效益", q(QualBand::NotMet, "9.99")).unwrap(), d("9.99"));
}

#[test]
fn parent_score_is_sum_of_children_and_grade_follows_total() {
    let mut t = tree();
    let leaves: Vec<(u32, Decimal)> = t.leaves().map(|n| (n.id, n.points)).collect();
    for (id, points) in &leaves {
        t.set_score(*id, ScoreInput::Direct { value: *points }, String::new(), vec![], "张三", at(), None).unwrap();
    }
    assert_eq!(t.total_score(), d("100"));
    assert_eq!(t.result_label(), Some("优"));
    let decision = t.find(&IndicatorRef::Name("决策".into())).unwrap().id;
    assert_eq!(t.score_of(decision), Some(d("20")));
    // Take 10.01 points off: 89.99 is 良.
    let id = leaf(&t, "实际完成率");
    t.set_score(id, ScoreInput::Direct { value: d("0") }, String::new(), vec![], "张三", at(), None).unwrap();
    let id = leaf(&t, "立项依据充分性");
    t.set_score(id, ScoreInput::Direct { value: d("2.99") }, String::new(), vec![], "张三", at(), None).unwrap();
    assert_eq!(t.total_score(), d("89.99"));
    assert_eq!(t.result_label(), Some("良"));
    assert!(t.is_fully_scored());
}

#[test]
fn tree_whose_leaves_do_not_sum_is_invalid() {
    let mut t = tree();
    assert!(t.problems().is_empty(), "{:?}", t.problems());
    let id = leaf(&t, "满意度");
    t.set_points(id, d("9")).unwrap();
    let problems = t.problems().join("；");
    assert!(problems.contains("合计 99") && problems.contains("应为 100"), "{problems}");
    // Adding a 1-point leaf under the same parent restores the sum of leaves.
    let parent = t.node(id).unwrap().parent;
    t.add_node(parent, "投诉处理", d("1"), Method::Direct).unwrap();
    assert!(t.problems().is_empty(), "{:?}", t.problems());
}

#[test]
fn tree_edits_respect_depth_names_and_scores() {
    let mut t = tree();
    let id = leaf(&t, "立项依据充分性");
    let l4 = t.add_node(Some(id), "政策依据", d("3"), Method::Direct).unwrap();
    assert_eq!(t.depth(l4), 4);
    assert!(t.add_node(Some(l4), "第五级", d("1"), Method::Direct).unwrap_err().to_string().contains("最多 4 级"));
    assert!(t.rename(l4, "  ").is_err());
    t.set_score(l4, ScoreInput::Direct { value: d("2") }, String::new(), vec![], "张三", at(), None).unwrap();
    assert!(t.set_points(l4, d("1")).unwrap_err().to_string().contains("高于新分值"));
    // A parent cannot be scored directly.
    assert!(t.set_score(id, ScoreInput::Direct { value: d("1") }, String::new(), vec![], "张三", at(), None).is_err());
    t.remove_node(id).unwrap();
    assert!(t.node(l4).is_none());
}

#[test]
fn reviewed_score_changes_only_after_unreview_with_reason() {
    let mut t = tree();
    let id = leaf(&t, "立项依据充分性");
    t.set_score(id, ScoreInput::Direct { value: d("3") }, String::new(), vec![], "张三", at(), None).unwrap();
    t.review(id, "李四", at(), None).unwrap();
    let e = t.set_score(id, ScoreInput::Direct { value: d("2") }, String::new(), vec![], "张三", at(), None).unwrap_err();
    assert!(matches!(e, Error::IllegalTransition { .. }) && e.to_string().contains("已复核"), "{e}");
    assert!(t.unreview(id, " ", None).is_err());
    t.unreview(id, "被评价单位补充了立项批复", None).unwrap();
    t.set_score(id, ScoreInput::Direct { value: d("2") }, String::new(), vec![], "张三", at(), None).unwrap();
}

#[test]
fn stale_indicator_rev_is_a_conflict() {
    let mut t = tree();
    let id = leaf(&t, "立项依据充分性");
    let rev = t.node(id).unwrap().rev;
    t.set_score(id, ScoreInput::Direct { value: d("3") }, String::new(), vec![], "张三", at(), Some(rev)).unwrap();
    let e = t.set_score(id, ScoreInput::Direct { value: d("2") }, String::new(), vec![], "李四", at(), Some(rev)).unwrap_err();
    match e {
        Error::Conflict { by, expected, actual, .. } => {
            assert_eq!(by, "张三");
            assert_eq!((expected, actual), (rev, rev + 1));
        }
        other => panic!("{other:?}"),
    }
}

fn item(state: ItemState) -> RectItem {
    let due = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let draft = jixiao::domain::rect::Draft {
        id: 7,
        project: 1,
        finding: 1,
        requirement: "收回闲置资金并报送整改报告".into(),
        unit: "畜牧水产事务中心".into(),
        contact: "王会计".into(),
        due,
    };
    let mut it = RectItem::draft(draft, Meta::new("张三", at()));
    it.issue_date = Some(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    it.state = state;
    it
}

/// Every (state, action) pair: the legal ones succeed and land where DOMAIN.md §5 says,
/// the illegal ones are refused with an error naming the state and the move.
#[test]
fn every_transition_legal_and_illegal() {
    let day = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
    let later = NaiveDate::from_ymd_opt(2026, 5, 31).unwrap();
    let ev = Evidence::doc("整改报告（盖章）");
    let expected = |s: ItemState, a: ItemAction| -> Option<ItemState> {
        use ItemAction as A;
        use ItemState as S;
        match (s, a) {
            (S::Draft, A::Issue) => Some(S::Issued),
            (S::Issued | S::Returned, A::Start) => Some(S::InProgress),
            (S::Issued | S::InProgress | S::Returned | S::LongTerm, A::Submit) => Some(S::Submitted),
            (S::Submitted, A::Return) => Some(S::Returned),
            (S::Submitted, A::Close) => Some(S::Closed),
            (S::Issued | S::InProgress | S::Returned, A::MarkLongTerm) => Some(S::LongTerm),
            (S::InProgress | S::LongTerm, A::Progress) => Some(s),
            (S::Issued | S::InProgress | S::Returned | S::LongTerm, A::RequestExtension) => Some(s),
            (S::Closed | S::Cancelled, A::Cancel) => None,
            (_, A::Cancel) => Some(S::Cancelled),
            _ => None,
        }
    };
    for state in ItemState::ALL {
        for action in ItemAction::ALL {
            let mut it = item(state);
            if action == ItemAction::Close {
                it.evidence.push(ev.clone());
            }
            let result = match action {
                ItemAction::Issue => it.issue(Some(1), day),
                ItemAction::Start => it.start(),
                ItemAction::Submit => it.submit("已整改完毕", std::slice::from_ref(&ev)),
                ItemAction::Return => it.return_to_unit("佐证资料不足"),
                ItemAction::Close => it.close("同意销号", day),
                ItemAction::MarkLongTerm => it.mark_long_term("需跨年度推进"),
                ItemAction::Progress => it.progress("已完成第一阶段", &[]),
                ItemAction::RequestExtension => it.request_extension("资金未到位", later, "王会计", at()),
                ItemAction::ApproveExtension => it.approve_extension(None, "张三", at()),
                ItemAction::DenyExtension => it.deny_extension("理由不充分"),
                ItemAction::Cancel => it.cancel("问题不成立"),
            };
            assert_eq!(allowed(state, action, false), expected(state, action).is_some(), "{state:?} {action:?}");
            match (expected(state, action), result) {
                (Some(to), Ok(())) => assert_eq!(it.state, to, "{state:?} {action:?}"),
                (None, Err(Error::IllegalTransition { state: s, action: a, .. })) => {
                    assert!(s.contains(state.label()), "{s}");
                    assert_eq!(a, action.label());
                }
                (want, got) => panic!("{state:?} {action:?}: wanted {want:?}, got {got:?}"),
            }
        }
    }
}

#[test]
fn extension_keeps_the_original_due_date() {
    let mut it = item(ItemState::InProgress);
    let later = NaiveDate::from_ymd_opt(2026, 5, 31).unwrap();
    assert!(it.request_extension("资金未到位", it.due, "王会计", at()).unwrap_err().to_string().contains("应晚于"));
    it.request_extension("资金未到位", later, "王会计", at()).unwrap();
    assert!(it.request_extension("再次申请", later, "王会计", at()).unwrap_err().to_string().contains("已有待批"));
    it.approve_extension(None, "张三", at()).unwrap();
    assert_eq!(it.due, later);
    assert_eq!(it.original_due, NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
    assert_eq!(it.extensions.len(), 1);
    assert!(it.approve_extension(None, "张三", at()).unwrap_err().to_string().contains("无待批"));
}

#[test]
fn closing_needs_evidence_and_an_opinion() {
    let day = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
    let mut it = item(ItemState::Issued);
    it.submit("已整改", &[]).unwrap();
    let e = it.close("同意", day).unwrap_err();
    assert!(e.to_string().contains("佐证资料"), "{e}");
    assert_eq!(it.state, ItemState::Submitted);
    it.return_to_unit("请补充佐证资料").unwrap();
    it.submit("补充了银行回单", &[Evidence::doc("资金收回银行回单")]).unwrap();
    assert!(it.close("  ", day).unwrap_err().to_string().contains("审核意见"));
    it.close("佐证资料齐全，同意销号", day).unwrap();
    assert_eq!(it.closed_on, Some(day));
}

#[test]
fn overdue_is_derived_from_today() {
    let it = item(ItemState::InProgress);
    let due = it.due;
    assert_eq!(it.days_overdue(due), None);
    assert_eq!(it.days_overdue(due + chrono::Duration::days(1)), Some(1));
    assert_eq!(it.days_left(due - chrono::Duration::days(5)), 5);
    assert_eq!(item(ItemState::Closed).days_overdue(due + chrono::Duration::days(9)), None);
    assert_eq!(item(ItemState::Cancelled).days_overdue(due + chrono::Duration::days(9)), None);
    assert_eq!(item(ItemState::Draft).days_overdue(due + chrono::Duration::days(9)), None);
    assert_eq!(item(ItemState::Submitted).days_overdue(due + chrono::Duration::days(9)), Some(9));
}

#[test]
fn published_finding_is_revised_not_edited_and_withdrawal_needs_reason() {
    let body = |text: &str| FindingBody {
        text: text.into(),
        category: "资金拨付时间较晚".into(),
        severity: Severity::Serious,
        amount: Some(d("120.5")),
        indicators: vec![],
        evidence: vec![],
        basis: String::new(),
        title: String::new(),
    };
    let mut f = Finding {
        id: 3,
        project: 1,
        seq: 1,
        body: body("资金拨付滞后"),
        state: FindingState::Draft,
        history: vec![],
        withdraw_reason: None,
        meta: Meta::new("张三", at()),
    };
    f.revise(body("资金拨付滞后约三个月"), "").unwrap();
    assert!(f.history.is_empty());
    f.publish().unwrap();
    assert!(f.revise(body("更正"), " ").unwrap_err().to_string().contains("更正理由"));
    f.revise(body("资金拨付滞后约四个月"), "核对拨款凭证后更正").unwrap();
    assert_eq!(f.history.len(), 1);
    assert_eq!(f.history[0].body.text, "资金拨付滞后约三个月");
    assert!(f.withdraw("").is_err());
    f.withdraw("与审计问题重复").unwrap();
    assert!(f.publish().is_err());
}

#[test]
fn grade_band_edges_are_half_open() {
    let g = Bands::grades();
    for (total, grade) in [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("89.5", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ] {
        assert_eq!(g.classify(d(total)), Some(grade), "{total}");
    }
}

#[test]
fn ex_ante_conclusion_edges() {
    let c = Bands::ex_ante();
    for (total, label) in [("90", "予以支持"), ("89.99", "调整完善后予以支持"), ("70", "调整完善后予以支持"), ("69.99", "不予支持")]
    {
        assert_eq!(c.classify(d(total)), Some(label), "{total}");
    }
}

#[test]
fn bands_out_of_order_or_not_ending_at_zero_are_refused() {
    let mut g = Bands::grades();
    g.bands.swap(0, 1);
    assert!(g.validate().unwrap_err().contains("从高到低"));
    let mut g = Bands::grades();
    g.bands.pop();
    assert!(g.validate().unwrap_err().contains("应为 0"));
}

#[test]
fn amounts_users_type_are_parsed_to_two_places() {
    use jixiao::domain::money::{fmt2, parse_amount};
    assert_eq!(parse_amount("146.24").unwrap(), d("146.24"));
    assert_eq!(parse_amount(" 2,683.68 ").unwrap(), d("2683.68"));
    assert_eq!(parse_amount("１００").unwrap(), d("100"));
    assert_eq!(fmt2(parse_amount("70").unwrap()), "70.00");
    let e = parse_amount("12.345").unwrap_err();
    assert!(e.contains("12.345") && e.contains("两位小数"), "{e}");
    assert!(parse_amount("一百").unwrap_err().contains("一百"));
    assert!(parse_amount("-1").is_err());
    assert!(parse_amount("").is_err());
}
