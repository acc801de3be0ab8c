//! fixtures/demo/cases.toml: the seed's 20 key evaluations of 2021, with the worked
//! examples the demo walks through.

use jixiao::demo::seed::{self, SeedFile};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::str::FromStr;

fn file() -> SeedFile {
    seed::parse(seed::CASES_TOML).unwrap_or_else(|e| panic!("{e}"))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("“{s}”不是数"))
}

#[test]
fn twenty_cases_adding_up_to_the_seed_total() {
    let f = file();
    assert_eq!(f.notice_prefix, "财绩整");
    assert!(!f.firm.trim().is_empty());
    assert_eq!(f.cases.len(), 20);
    let sum: Decimal = f.cases.iter().map(|c| d(&c.amount)).sum();
    assert_eq!(sum, d("23773.25"), "重点评价项目金额合计");
    let codes: HashSet<&str> = f.cases.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes.len(), 20, "编号重复");
    for (i, c) in f.cases.iter().enumerate() {
        assert_eq!(c.code, format!("ZD21-{:02}", i + 1));
        assert_eq!(c.fiscal_year, 2020);
        assert!(c.third_party, "{} 应为委托第三方", c.code);
    }
}

#[test]
fn the_list_is_the_seeds_attachment() {
    let f = file();
    let got: Vec<(&str, &str, &str, &str)> =
        f.cases.iter().map(|c| (c.name.as_str(), c.unit.as_str(), c.amount.as_str(), c.kind.as_str())).collect();
    let dept = "部门整体支出";
    let proj = "项目支出";
    let n = "2020年部门整体支出";
    let want = vec![
        (n, "融媒体中心", "1283.08", dept),
        (n, "森林公安局", "128.51", dept),
        (n, "工信局", "2405.78", dept),
        (n, "金鱼岭街道办事处", "2682.83", dept),
        (n, "妇幼保健院", "2186.4", dept),
        ("2020年度人口普查工作经费", "统计局", "100", proj),
        ("食品安全检测经费", "市场监督管理局", "70", proj),
        ("政务服务平台人脸识别项目建设", "行政审批服务局", "146.24", proj),
        ("8类退役军人群体2020年所需解困资金", "退役军人事务局", "330", proj),
        ("失业保险基金", "人社局", "500", proj),
        ("老旧小区配套资金", "住保中心", "7037", proj),
        ("2020年中央自然灾害防治体系建设补助资金", "应急局", "275", proj),
        ("征收经费", "自然资源局", "800", proj),
        ("农村房地一体登记", "自然资源局", "350", proj),
        ("“135”工程升级版奖补资金", "发改局", "500", proj),
        ("道路交通救助基金", "交警大队", "99.73", proj),
        ("禁捕退捕资金", "畜牧水产事务中心", "2683.68", proj),
        ("2020年农业保险财政补助资金", "农业保险领导小组办公室", "1595", proj),
        ("屋场建设补助", "农业农村局", "500", proj),
        ("施工图审查服务费用", "住建局", "100", proj),
    ];
    assert_eq!(got, want);
    let notes = |code: &str| f.cases.iter().find(|c| c.code == code).unwrap().notes.clone();
    assert_eq!(notes("ZD21-07"), ["购买服务"]);
    assert_eq!(notes("ZD21-08"), ["政府采购"]);
    assert_eq!(notes("ZD21-10"), ["社保基金"]);
    assert_eq!(notes("ZD21-17"), ["重大政策"]);
    assert_eq!(notes("ZD21-19"), ["一般债", "直达"]);
    assert_eq!(notes("ZD21-20"), ["购买服务"]);
}

#[test]
fn every_item_state_appears_and_dates_are_coherent() {
    let f = file();
    let states = ["草稿", "已下达", "整改中", "已提交", "已退回", "已销号", "持续整改", "已撤销"];
    let mut seen = HashSet::new();
    for c in &f.cases {
        for finding in &c.findings {
            assert!(["一般", "较重", "重大"].contains(&finding.severity.as_str()), "{}", finding.severity);
            assert!(!finding.indicators.is_empty(), "{}: 问题未对应指标", c.code);
            for it in &finding.items {
                assert!(states.contains(&it.state.as_str()), "{}: 状态“{}”", c.code, it.state);
                seen.insert(it.state.as_str());
                match it.issued_days_ago {
                    None => assert_eq!(it.state, "草稿", "{}: 未下达的事项只能是草稿", c.code),
                    Some(ago) => {
                        assert_ne!(it.state, "草稿");
                        assert!(it.due_in_days >= -ago, "{}: 期限早于下达日", c.code);
                        for r in it.responses.iter().chain(&it.progress) {
                            assert!(r.days_ago >= 0 && r.days_ago <= ago, "{}: 反馈日期早于下达日", c.code);
                        }
                    }
                }
                match it.state.as_str() {
                    "已销号" => {
                        assert!(it.opinion.is_some());
                        assert!(it.responses.iter().all(|r| !r.evidence.is_empty()), "{}: 销号需要佐证资料", c.code);
                    }
                    "已退回" => assert!(it.return_reason.is_some() && !it.responses.is_empty()),
                    "已提交" => assert!(!it.responses.is_empty()),
                    "持续整改" => assert!(it.long_term_reason.is_some() && !it.progress.is_empty()),
                    "已撤销" => assert!(it.cancel_reason.is_some()),
                    _ => {}
                }
            }
        }
    }
    for s in states {
        assert!(seen.contains(s), "没有“{s}”状态的整改事项");
    }
}

#[test]
fn the_walkthrough_cases_are_left_open() {
    let f = file();
    let case = |code: &str| f.cases.iter().find(|c| c.code == code).unwrap();
    let census = case("ZD21-06");
    assert_eq!(census.phase, "评分");
    assert!(census.scores.len() <= 2, "人口普查经费留给演示手工评分");
    let fishing = case("ZD21-17");
    assert_eq!(fishing.phase, "整改跟踪");
    assert!(!fishing.scores.is_empty());
    assert!(fishing.findings.is_empty(), "禁捕退捕的问题由演示手工添加");
}
