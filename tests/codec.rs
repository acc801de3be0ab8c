//! The stored format: `[schema version][bincode payload]`. The committed bytes in
//! fixtures/codec/ were written by schema version 1; they must keep decoding to the same
//! values. If a stored struct changes, these tests fail until a migration is written
//! (see src/store/migrate.rs). Regenerate only for a new schema: JIXIAO_WRITE_FIXTURES=1.

use chrono::{DateTime, NaiveDate, Utc};
use jixiao::domain::finding::FindingBody;
use jixiao::domain::notice::NoticeState;
use jixiao::domain::project::{MilestoneKind, Recommendation, ResultUse};
use jixiao::domain::tree::{Deduction, Direction, QualBand};
use jixiao::domain::*;
use jixiao::read::audit::{AuditRecord, RecordKind, Touch};
use jixiao::store::codec::{SCHEMA, decode, encode};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::path::PathBuf;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}
fn day(m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, dd).unwrap()
}

fn project() -> Project {
    Project {
        id: 12,
        code: "ZD21-17".into(),
        name: "禁捕退捕资金".into(),
        kind: ProjectKind::Project,
        fiscal_year: 2020,
        unit: "畜牧水产事务中心".into(),
        amount: d("2683.68"),
        fund_notes: vec!["重大政策".into()],
        team: Team { lead: "zhangsan".into(), members: vec!["lisi".into()], observers: vec!["wangwu".into()] },
        third_party: Some("湖南某会计师事务所".into()),
        phase: Phase::Rectification,
        template: "project-2020".into(),
        result_use: Some(ResultUse {
            recommendation: Recommendation::Decrease,
            amount: Some(d("300")),
            reason: "资金闲置".into(),
            published_on: Some(day(12, 31)),
        }),
        reopen_log: vec!["2021-06-01 zhangsan：补充整改".into()],
        meta: Meta::new("zhangsan", at()),
    }
}

fn tree() -> IndicatorTree {
    let text = include_str!("../fixtures/templates/project-2020.toml");
    let mut t = Template::parse(text, "project-2020").unwrap().instantiate(12, Meta::new("zhangsan", at()));
    let by = |t: &IndicatorTree, n: &str| t.find(&IndicatorRef::Name(n.into())).unwrap().id;
    let inputs = [
        ("立项依据充分性", ScoreInput::Direct { value: d("2.5") }),
        (
            "资金使用合规性",
            ScoreInput::Deduction { deductions: vec![Deduction { points: d("1"), reason: "凭证不全".into(), finding: Some(3) }] },
        ),
        ("预算执行率", ScoreInput::Formula { target: d("100"), actual: d("85"), direction: Direction::Positive }),
        ("实施效益", ScoreInput::Qualitative { band: QualBand::Partly, value: d("12") }),
    ];
    for (name, input) in inputs {
        let id = by(&t, name);
        let ev =
            vec![Evidence::doc("工作底稿"), Evidence::File { name: "回单.pdf".into(), size: 1024, sha256: "a".repeat(64), added_at: at() }];
        t.set_score(id, input, "评分依据：核对了拨款凭证".into(), ev, "zhangsan", at(), None).unwrap();
    }
    let id = by(&t, "立项依据充分性");
    t.review(id, "zhangsan", at(), None).unwrap();
    t
}

fn finding() -> Finding {
    let body = FindingBody {
        text: "资金滞留未及时拨付".into(),
        category: "资金滞留未及时拨付".into(),
        severity: Severity::Major,
        amount: Some(d("120.50")),
        indicators: vec![8],
        evidence: vec![Evidence::doc("拨款单")],
    };
    let mut f = Finding {
        id: 3,
        project: 12,
        seq: 1,
        body: body.clone(),
        state: FindingState::Draft,
        history: vec![],
        withdraw_reason: None,
        meta: Meta::new("zhangsan", at()),
    };
    f.publish().unwrap();
    f.revise(FindingBody { text: "资金滞留三个月未拨付".into(), ..body }, "更正").unwrap();
    f
}

fn item() -> RectItem {
    RectItem {
        id: 5,
        project: 12,
        finding: 3,
        requirement: "及时拨付资金".into(),
        unit: "畜牧水产事务中心".into(),
        contact: "王会计 0736-1234567".into(),
        issue_date: Some(day(6, 1)),
        original_due: day(7, 1),
        due: day(8, 1),
        state: ItemState::Closed,
        notice: Some(2),
        pending_extension: None,
        extensions: vec![jixiao::domain::rect::Extension {
            from: day(7, 1),
            to: day(8, 1),
            reason: "资金未到位".into(),
            approved_by: "zhangsan".into(),
            at: at(),
        }],
        evidence: vec![Evidence::Document {
            name: "整改报告".into(),
            number: Some("畜水〔2021〕5号".into()),
            date: Some(day(7, 20)),
            pages: Some("1-12".into()),
        }],
        opinion: Some("同意销号".into()),
        closed_on: Some(day(7, 25)),
        cancel_reason: None,
        meta: Meta::new("zhangsan", at()),
    }
}

fn response() -> Response {
    Response {
        item: 5,
        seq: 2,
        kind: EntryKind::Response,
        date: day(7, 20),
        text: "已拨付".into(),
        evidence: vec![Evidence::doc("银行回单")],
        by: "lisi".into(),
        at: at(),
    }
}

fn notice() -> Notice {
    Notice {
        id: 2,
        project: 12,
        number: "财绩整〔2021〕3号".into(),
        year: 2021,
        seq: 3,
        unit: "畜牧水产事务中心".into(),
        items: vec![5],
        issue_date: day(6, 1),
        contact: "绩效股".into(),
        state: NoticeState::Issued,
        cancel_reason: None,
        meta: Meta::new("zhangsan", at()),
    }
}

fn milestone() -> Milestone {
    Milestone {
        id: 9,
        project: None,
        title: "第一轮绩效运行监控".into(),
        kind: MilestoneKind::Monitoring,
        due: day(9, 20),
        done_on: Some(day(9, 18)),
        meta: Meta::new("zhangsan", at()),
    }
}

fn audit() -> AuditRecord {
    AuditRecord {
        id: 44,
        actor: "zhangsan".into(),
        at: at(),
        command: r#"{"cmd":"close_item","item":5}"#.into(),
        touched: vec![Touch { kind: RecordKind::Item, id: 5, node: None, before: 6, after: 7 }],
    }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/codec").join(format!("v1-{name}.bin"))
}

fn check<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, value: T) {
    let bytes = encode(&value);
    assert_eq!(bytes[0], SCHEMA);
    let back: T = decode(&bytes, name).unwrap();
    assert_eq!(back, value, "{name}: round trip");
    let path = fixture(name);
    if std::env::var_os("JIXIAO_WRITE_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
    }
    let stored = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(stored[0], 1, "{name}: fixture is version 1");
    let old: T = decode(&stored, name).unwrap_or_else(|e| panic!("{name}: version-1 bytes no longer decode: {e}"));
    assert_eq!(old, value, "{name}: version-1 bytes decode to a different value");
}

#[test]
fn version_1_fixtures_decode_and_values_round_trip() {
    check("project", project());
    check("tree", tree());
    check("finding", finding());
    check("item", item());
    check("response", response());
    check("notice", notice());
    check("milestone", milestone());
    check("audit", audit());
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let mut bytes = encode(&milestone());
    bytes[0] = SCHEMA + 1;
    let e = decode::<Milestone>(&bytes, "里程碑").unwrap_err();
    assert!(matches!(e, Error::SchemaTooNew { found, supported } if found == SCHEMA + 1 && supported == SCHEMA));
    let text = e.to_string();
    assert!(text.contains(&(SCHEMA + 1).to_string()) && text.contains(&SCHEMA.to_string()), "{text}");
}

#[test]
fn truncated_or_empty_values_are_corrupt_not_a_panic() {
    let bytes = encode(&project());
    assert!(matches!(decode::<Project>(&bytes[..bytes.len() / 2], "项目"), Err(Error::Corrupt { .. })));
    assert!(matches!(decode::<Project>(&[], "项目"), Err(Error::Corrupt { .. })));
}

#[test]
fn a_store_written_by_a_newer_schema_is_refused_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let templates = jixiao::templates::Templates::builtin().unwrap();
    drop(jixiao::store::Store::open(dir.path(), templates.clone()).unwrap());
    {
        let db = sled::open(dir.path().join("store")).unwrap();
        db.open_tree("meta").unwrap().insert(b"schema", &[SCHEMA + 1]).unwrap();
        db.flush().unwrap();
    }
    let e = jixiao::store::Store::open(dir.path(), templates).err().expect("refused");
    assert!(matches!(e, Error::SchemaTooNew { found, .. } if found == SCHEMA + 1), "{e:?}");
}
