//! The stored format: `[schema version][bincode payload][CRC32C]` (version 1: no checksum).
//! The committed bytes in fixtures/codec/ were written by schema versions 1, 2 and 3; they must
//! keep decoding to the same values (a version-2 finding: with empty 评价依据 and title). If a
//! stored struct changes, these tests fail until a migration is written (see
//! src/store/migrate.rs). JIXIAO_WRITE_FIXTURES=1 writes the current schema's fixtures
//! (v3-*.bin): only for a new schema, never over older ones.

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

/// The finding as schema 3 stores it, with 评价依据 and a title.
fn finding() -> Finding {
    finding_with("《预算法》第五十七条：各级政府财政部门应当及时、足额地拨付预算资金", "专项资金滞留三个月")
}

fn finding_with(basis: &str, title: &str) -> Finding {
    let body = FindingBody {
        text: "资金滞留未及时拨付".into(),
        category: "资金滞留未及时拨付".into(),
        severity: Severity::Major,
        amount: Some(d("120.50")),
        indicators: vec![8],
        evidence: vec![Evidence::doc("拨款单")],
        basis: basis.into(),
        title: title.into(),
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

fn fixture(version: u8, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/codec").join(format!("v{version}-{name}.bin"))
}

fn read_fixture(version: u8, name: &str) -> Vec<u8> {
    let path = fixture(version, name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check<T: Serialize + DeserializeOwned + PartialEq + Debug + 'static>(name: &str, value: T) {
    check_upgraded(name, &value, &value, true);
}

/// `value` as this schema writes it; `older`: what the version-1 and -2 bytes decode to;
/// `same_payload`: the type did not change in schema 3 (its version-2 payload is the same).
fn check_upgraded<T: Serialize + DeserializeOwned + PartialEq + Debug + 'static>(name: &str, value: &T, older: &T, same_payload: bool) {
    let bytes = encode(value);
    assert_eq!(bytes[0], SCHEMA);
    let back: T = decode(&bytes, name).unwrap();
    assert_eq!(&back, value, "{name}: round trip");
    if std::env::var_os("JIXIAO_WRITE_FIXTURES").is_some() {
        let path = fixture(SCHEMA, name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
    }
    for version in [1, 2] {
        let stored = read_fixture(version, name);
        assert_eq!(stored[0], version, "{name}: fixture is version {version}");
        let old: T = decode(&stored, name).unwrap_or_else(|e| panic!("{name}: version-{version} bytes no longer decode: {e}"));
        assert_eq!(&old, older, "{name}: version-{version} bytes decode to a different value");
    }
    let (v1, v2, v3) = (read_fixture(1, name), read_fixture(2, name), read_fixture(3, name));
    assert_eq!(v3, bytes, "{name}: this binary no longer writes the committed version-3 bytes");
    // The migration to 2 re-framed version 1 byte for byte: same payload, checksum added.
    assert_eq!(v1[1..], v2[1..v2.len() - 4], "{name}: version 1 and 2 payloads differ");
    if same_payload {
        assert_eq!(v2[1..v2.len() - 4], v3[1..v3.len() - 4], "{name}: version 2 and 3 payloads differ");
    }
    for v in [&v2, &v3] {
        assert_eq!(v[v.len() - 4..], crc32c::crc32c(&v[..v.len() - 4]).to_le_bytes(), "{name}: CRC32C, little-endian");
    }
}

#[test]
fn version_1_2_and_3_fixtures_decode_and_values_round_trip() {
    check("project", project());
    check("tree", tree());
    // Schema 3 gave findings 评价依据 and a title: older findings read back with both empty.
    check_upgraded("finding", &finding(), &finding_with("", ""), false);
    check("item", item());
    check("response", response());
    check("notice", notice());
    check("milestone", milestone());
    check("audit", audit());
}

/// Every byte of a current value changed, one at a time (each single bit and all eight
/// bits): never a value, always `corrupt` naming the record, whatever the byte held (the
/// version, a length prefix, text, the checksum).
fn every_change_is_corrupt<T: DeserializeOwned + Debug + 'static>(name: &str) -> usize {
    let good = read_fixture(SCHEMA, name);
    let mut tried = 0;
    for pos in 0..good.len() {
        for mask in [1u8, 2, 4, 8, 16, 32, 64, 128, 0xff] {
            let mut bad = good.clone();
            bad[pos] ^= mask;
            match decode::<T>(&bad, "整改事项 #5") {
                Err(Error::Corrupt { what, .. }) => assert_eq!(what, "整改事项 #5"),
                other => panic!("{name}: byte {pos} ^ {mask:#04x} gave {other:?}"),
            }
            tried += 1;
        }
    }
    tried
}

#[test]
fn any_changed_byte_of_a_stored_value_is_corrupt() {
    let n = every_change_is_corrupt::<Project>("project")
        + every_change_is_corrupt::<IndicatorTree>("tree")
        + every_change_is_corrupt::<Finding>("finding")
        + every_change_is_corrupt::<RectItem>("item")
        + every_change_is_corrupt::<Response>("response")
        + every_change_is_corrupt::<Notice>("notice")
        + every_change_is_corrupt::<Milestone>("milestone")
        + every_change_is_corrupt::<AuditRecord>("audit");
    assert!(n > 10_000, "{n}");
}

/// A length prefix claiming 2^40 bytes (a terabyte) for the project's code. Without a decode
/// limit bincode allocates what the prefix says before reading: an abort, not an error.
fn huge_length_prefix() -> Vec<u8> {
    let mut payload = vec![12u8]; // id 12
    payload.push(0xfd); // a u64 length follows (bincode varint)
    payload.extend_from_slice(&(1u64 << 40).to_le_bytes());
    payload.extend_from_slice("ZD21-17".as_bytes());
    payload
}

#[test]
fn a_huge_length_prefix_is_corrupt_not_an_allocation() {
    let started = std::time::Instant::now();
    // Version 1 has no checksum: only the limit stands between the prefix and the allocator.
    let mut v1 = vec![1u8];
    v1.extend_from_slice(&huge_length_prefix());
    let e = decode::<Project>(&v1, "项目 #12").unwrap_err();
    assert!(matches!(&e, Error::Corrupt { what, .. } if what == "项目 #12"), "{e:?}");
    // Version 2 with a checksum that holds (damage the checksum missed, or a bug that wrote it).
    let mut v2 = vec![2u8];
    v2.extend_from_slice(&huge_length_prefix());
    let sum = crc32c::crc32c(&v2).to_le_bytes();
    v2.extend_from_slice(&sum);
    let e = decode::<Project>(&v2, "项目 #12").unwrap_err();
    assert!(matches!(&e, Error::Corrupt { what, .. } if what == "项目 #12"), "{e:?}");
    // A list said to hold 2^40 strings runs out of bytes at once.
    let mut list = vec![1u8, 0xfd];
    list.extend_from_slice(&(1u64 << 40).to_le_bytes());
    list.extend_from_slice(&[3, b'a', b'b', b'c']);
    assert!(matches!(decode::<Vec<String>>(&list, "问题类别"), Err(Error::Corrupt { .. })));
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    // A genuine newer value: its checksum holds (every version from 2 on ends in one).
    let mut bytes = encode(&milestone());
    bytes[0] = SCHEMA + 1;
    let body = bytes.len() - 4;
    let sum = crc32c::crc32c(&bytes[..body]).to_le_bytes();
    bytes[body..].copy_from_slice(&sum);
    let e = decode::<Milestone>(&bytes, "里程碑").unwrap_err();
    assert!(matches!(e, Error::SchemaTooNew { found, supported } if found == SCHEMA + 1 && supported == SCHEMA));
    let text = e.to_string();
    assert!(text.contains(&(SCHEMA + 1).to_string()) && text.contains(&SCHEMA.to_string()), "{text}");
    // The same version byte on a value whose checksum does not hold is damage, not news.
    let mut damaged = encode(&milestone());
    damaged[0] = SCHEMA + 1;
    assert!(matches!(decode::<Milestone>(&damaged, "里程碑 #9"), Err(Error::Corrupt { what, .. }) if what == "里程碑 #9"));
}

#[test]
fn truncated_or_empty_values_are_corrupt_not_a_panic() {
    let bytes = encode(&project());
    assert!(matches!(decode::<Project>(&bytes[..bytes.len() / 2], "项目"), Err(Error::Corrupt { .. })));
    assert!(matches!(decode::<Project>(&[], "项目"), Err(Error::Corrupt { .. })));
}

#[test]
fn a_store_written_by_a_newer_schema_is_refused_on_open() {
    use jixiao::store::migrate::STORE_SCHEMA;
    let dir = tempfile::tempdir().unwrap();
    let templates = jixiao::templates::Templates::builtin().unwrap();
    drop(jixiao::store::Store::open(dir.path(), templates.clone()).unwrap());
    {
        let db = jixiao::store::heal::open_sled(&dir.path().join("store"), 64 << 20).unwrap();
        db.open_tree("meta").unwrap().insert(b"schema", &[STORE_SCHEMA + 1]).unwrap();
        db.flush().unwrap();
    }
    let e = jixiao::store::Store::open(dir.path(), templates).err().expect("refused");
    assert!(matches!(e, Error::SchemaTooNew { found, .. } if found == STORE_SCHEMA + 1), "{e:?}");
}
