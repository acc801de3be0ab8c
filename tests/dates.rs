//! 日期不能说谎（issue 13 第 4 部分）：整改事项的每条记录由服务器的时钟记下日期、按记录顺序
//! 保存；用户填写的日期只是来文上的文件日期，不能晚于今天、不能早于下达日期；台账的
//! 最近反馈、最近审核取最后记录的那一条。另有一个由改动前的 jixiao 写下的库（fixtures/stores/）
//! 照旧能读。

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use jixiao::backend::{Clock, Fetch, Local};
use jixiao::command::{Command, Outcome};
use jixiao::domain::{EntryKind, Error, ItemState, Result};
use jixiao::export::ledger::{self, LedgerFilter};
use jixiao::store::{Ctx, Store};
use jixiao::templates::Templates;
use serde_json::{Value, json};
use std::path::Path;

const LEAD: &str = "zhangsan";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 09:00 in Beijing on `day`: the server's clock on that day.
fn clock_on(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap())
}

fn cmd(v: Value) -> Command {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad test command {v}: {e}"))
}

/// The store on a server whose clock says `day`.
fn on(local: &Local, day: NaiveDate, c: Value) -> Result<Outcome> {
    let ctx = Ctx { actor: LEAD.into(), now: clock_on(day), today: day };
    local.store().execute(&cmd(c), &ctx)
}

/// A project with one finding and one item issued on 2026-11-02 (notice 财绩整〔2026〕1号).
fn issued_item(dir: &Path) -> (Local, u64) {
    let store = Store::open(dir, Templates::builtin().unwrap()).unwrap();
    let local = Local::new(store).with_clock(Clock::Fixed(clock_on(d(2026, 11, 2)), d(2026, 11, 2))).with_actor(LEAD);
    let day = d(2026, 11, 2);
    let ok = |c: Value| on(&local, day, c.clone()).unwrap_or_else(|e| panic!("{c}: {e}"));
    ok(
        json!({"cmd":"create_project","code":"ZD21-06","name":"2020年度人口普查工作经费","kind":"项目支出","fiscal_year":2020,"unit":"统计局","amount":"100"}),
    );
    let f = ok(json!({"cmd":"record_finding","project":"ZD21-06","text":"普查员劳务费发放表部分缺少领取人签字","category":"财务管理欠规范","severity":"一般","indicators":[],"publish":true})).id;
    let item = ok(json!({"cmd":"create_item","finding":f,"requirement":"补齐劳务费发放表签字，报送整改报告","due":"2026-12-20"})).id;
    // The tree is not scored yet: the lead sends the notice out anyway, saying why.
    ok(
        json!({"cmd":"issue_notice","project":"ZD21-06","items":[item],"issue_date":"2026-11-02","override_reason":"现场核查发现的问题先行下发"}),
    );
    on(&local, d(2026, 11, 3), json!({"cmd":"start_item","item":item,"date":"2026-11-03"})).unwrap();
    (local, item)
}

fn invalid_date(e: &Error) -> String {
    match e {
        Error::Invalid { field, message, .. } => {
            assert_eq!(field, "date", "{e}");
            message.clone()
        }
        other => panic!("应为日期无效，实为 {other:?}"),
    }
}

#[test]
fn 晚于今天的文件日期被拒绝并说明允许的范围() {
    let dir = tempfile::tempdir().unwrap();
    let (local, item) = issued_item(dir.path());
    let before = local.store().responses_of(item).unwrap();
    let e =
        on(&local, d(2026, 11, 22), json!({"cmd":"submit_response","item":item,"date":"2026-11-23","text":"已组织补签。"})).unwrap_err();
    let m = invalid_date(&e);
    assert!(m.contains("2026-11-23") && m.contains("2026-11-02") && m.contains("2026-11-22"), "{m}");
    // 字段名以中文说出来：文件日期。
    let zh = e.render(jixiao::i18n::Lang::Zh);
    assert!(zh.contains("文件日期") && zh.contains("晚于今天"), "{zh}");
    assert_eq!(local.store().responses_of(item).unwrap(), before, "被拒绝的命令什么也不写");
    assert_eq!(local.store().item(item).unwrap().state, ItemState::InProgress);
}

#[test]
fn 早于下达日期的文件日期被拒绝并说明允许的范围() {
    let dir = tempfile::tempdir().unwrap();
    let (local, item) = issued_item(dir.path());
    let e =
        on(&local, d(2026, 11, 22), json!({"cmd":"submit_response","item":item,"date":"2026-11-01","text":"已组织补签。"})).unwrap_err();
    let m = invalid_date(&e);
    assert!(m.contains("2026-11-01") && m.contains("早于下达日期") && m.contains("2026-11-02 至今天 2026-11-22"), "{m}");
    // 复核一方填的日期同样受限：退回、销号、延期决定、撤销。
    on(&local, d(2026, 11, 22), json!({"cmd":"submit_response","item":item,"date":"2026-11-20","text":"已组织补签。"})).unwrap();
    for c in [
        json!({"cmd":"return_item","item":item,"reasons":"未附发放表","date":"2027-01-01"}),
        json!({"cmd":"close_item","item":item,"opinion":"同意销号","date":"2026-10-31"}),
        json!({"cmd":"cancel_item","item":item,"reason":"问题不成立","date":"2030-01-01"}),
    ] {
        invalid_date(&on(&local, d(2026, 11, 22), c).unwrap_err());
    }
    // 边界本身可以：下达当天、今天。
    on(&local, d(2026, 11, 22), json!({"cmd":"return_item","item":item,"reasons":"未附发放表","date":"2026-11-22"})).unwrap();
    on(&local, d(2026, 11, 22), json!({"cmd":"submit_response","item":item,"date":"2026-11-02","text":"补报。"})).unwrap();
}

#[test]
fn 记录日期来自服务器时钟而不是填写的日期() {
    let dir = tempfile::tempdir().unwrap();
    let (local, item) = issued_item(dir.path());
    on(
        &local,
        d(2026, 11, 22),
        json!({"cmd":"submit_response","item":item,"date":"2026-11-10","text":"已组织补签。","evidence":[{"document":{"name":"发放表"}}]}),
    )
    .unwrap();
    on(&local, d(2026, 11, 25), json!({"cmd":"close_item","item":item,"opinion":"佐证资料齐全，同意销号","date":"2026-11-12"})).unwrap();
    let history = local.store().responses_of(item).unwrap();
    let response = history.iter().find(|r| r.kind == EntryKind::Response).unwrap();
    assert_eq!((response.date, response.at), (d(2026, 11, 10), clock_on(d(2026, 11, 22))));
    let close = history.last().unwrap();
    assert_eq!((close.kind, close.date, close.at), (EntryKind::Closed, d(2026, 11, 12), clock_on(d(2026, 11, 25))));
    // 销号日期是记下销号的那一天。
    assert_eq!(local.store().item(item).unwrap().closed_on, Some(d(2026, 11, 25)));
    // 不填日期：文件日期就是记录当天。
    let (local2, item2) = issued_item(tempfile::tempdir().unwrap().path());
    on(&local2, d(2026, 11, 24), json!({"cmd":"submit_response","item":item2,"text":"已组织补签。"})).unwrap();
    assert_eq!(local2.store().responses_of(item2).unwrap().last().unwrap().date, d(2026, 11, 24));
}

/// issue 13 的例子：报送、退回、再报送一份日期更早的材料。历史按记录顺序，台账的
/// 最近反馈是第二次报送，最近审核是退回（以前台账把被退回的那份当作最近反馈）。
#[test]
fn 先后记录的顺序不因填写的日期而改变() {
    let dir = tempfile::tempdir().unwrap();
    let (local, item) = issued_item(dir.path());
    on(&local, d(2026, 11, 20), json!({"cmd":"submit_response","item":item,"date":"2026-11-20","text":"第一次报送：已组织补签。"}))
        .unwrap();
    on(&local, d(2026, 11, 21), json!({"cmd":"return_item","item":item,"reasons":"未附补签后的发放表","date":"2026-11-21"})).unwrap();
    on(&local, d(2026, 11, 22), json!({"cmd":"submit_response","item":item,"date":"2026-11-15","text":"第二次报送：附发放表复印件。"}))
        .unwrap();

    let history = local.store().responses_of(item).unwrap();
    let kinds: Vec<EntryKind> = history.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [EntryKind::Issued, EntryKind::Started, EntryKind::Response, EntryKind::Returned, EntryKind::Response]);
    assert_eq!(history.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert!(history.windows(2).all(|w| w[0].at <= w[1].at), "记录时间随记录顺序");

    let rows = ledger::build(&local, &LedgerFilter::default(), d(2026, 11, 22)).unwrap();
    let row = rows.iter().find(|r| r.item_id == item).unwrap();
    let feedback = row.latest_feedback.as_ref().unwrap();
    assert_eq!((feedback.text.as_str(), feedback.date), ("第二次报送：附发放表复印件。", d(2026, 11, 15)));
    assert_eq!(row.feedback_text(), "2026-11-15 第二次报送：附发放表复印件。");
    let review = row.latest_review.as_ref().unwrap();
    assert_eq!((review.kind.as_str(), review.text.as_str(), review.by.as_str()), ("退回", "未附补签后的发放表", LEAD));
    assert_eq!(row.review_text(), format!("{} 退回：未附补签后的发放表", review.recorded_on));

    // CSV 有 最近审核 一列，在 DOMAIN.md §5 的 19 列之后。
    let csv = String::from_utf8(ledger::to_csv(&rows)).unwrap();
    let header: Vec<&str> = csv.trim_start_matches('\u{FEFF}').lines().next().unwrap().split(',').collect();
    assert_eq!(header[19], "最近审核");
    assert!(csv.contains("退回：未附补签后的发放表"), "{csv}");

    // 再退回、单位申请延期并获批准之后，最近审核是延期决定；最近反馈不变。
    on(&local, d(2026, 11, 22), json!({"cmd":"return_item","item":item,"reasons":"发放表仍缺 3 个村"})).unwrap();
    on(&local, d(2026, 11, 22), json!({"cmd":"request_extension","item":item,"reason":"需逐村补签","due":"2027-01-15"})).unwrap();
    on(&local, d(2026, 11, 23), json!({"cmd":"approve_extension","item":item})).unwrap();
    let rows = ledger::build(&local, &LedgerFilter::default(), d(2026, 11, 23)).unwrap();
    let row = rows.iter().find(|r| r.item_id == item).unwrap();
    assert_eq!(row.latest_review.as_ref().unwrap().kind, "批准延期");
    assert_eq!(row.latest_feedback.as_ref().unwrap().text, "第二次报送：附发放表复印件。");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// fixtures/stores/dates-v2 was written by the jixiao before this change (main at 9eef905,
/// `jixiao --local exec`, see fixtures/stores/README.md): an item answered, returned and
/// answered again with an earlier typed date, which that jixiao accepted. It opens as it
/// is, its history reads in recorded order, and the ledger reads the last recorded entries.
#[test]
fn 改动前写下的库照旧能读且按记录顺序() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/stores/dates-v2");
    copy_dir(&fixture, dir.path());
    use std::os::unix::fs::PermissionsExt;
    for p in [dir.path().to_path_buf(), dir.path().join("store"), dir.path().join("attachments")] {
        if p.exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
    }
    let local = Local::open(dir.path()).unwrap().with_actor(LEAD);
    let items = local.items("ZD21-06").unwrap();
    let item = items[0].id;
    let history = local.responses(item).unwrap();
    let texts: Vec<(EntryKind, &str)> = history.iter().map(|r| (r.kind, r.text.as_str())).collect();
    assert_eq!(
        texts,
        [
            (EntryKind::Issued, "财绩整〔2026〕1号"),
            (EntryKind::Started, ""),
            (EntryKind::Response, "第一次报送：已组织补签。"),
            (EntryKind::Returned, "未附补签后的发放表"),
            (EntryKind::Response, "第二次报送：附发放表复印件。"),
        ]
    );
    // 那时填的日期原样保留为文件日期。
    assert_eq!(history[2].date, d(2026, 11, 20));
    assert_eq!(history[4].date, d(2026, 11, 15));
    let rows = ledger::build(&local, &LedgerFilter::default(), d(2026, 12, 4)).unwrap();
    assert_eq!(rows[0].latest_feedback.as_ref().unwrap().text, "第二次报送：附发放表复印件。");
    assert_eq!(rows[0].latest_review.as_ref().unwrap().kind, "退回");
    let report = local.store().check();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}
