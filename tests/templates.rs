//! The shipped indicator templates (fixtures/templates/*.toml) parse, add up, and refuse
//! a broken copy with a message that names the sums.

use chrono::DateTime;
use jixiao::domain::{IndicatorTree, Meta, ResultKind, Template};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::str::FromStr;

const PROJECT_2020: &str = include_str!("../fixtures/templates/project-2020.toml");
const SELF_EVAL: &str = include_str!("../fixtures/templates/self-eval.toml");
const DEPT_OVERALL: &str = include_str!("../fixtures/templates/dept-overall.toml");
const EX_ANTE: &str = include_str!("../fixtures/templates/ex-ante.toml");

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn load(text: &str, name: &str) -> (Template, IndicatorTree) {
    let t = Template::parse(text, name).unwrap_or_else(|e| panic!("{name} 解析失败: {e}"));
    assert_eq!(t.name, name);
    let tree = t.instantiate(1, Meta::new("测试", DateTime::UNIX_EPOCH));
    assert!(tree.problems().is_empty(), "{name}: {:?}", tree.problems());
    assert_eq!(tree.leaf_points_sum(), d("100"), "{name} 末级分值合计");
    assert_eq!(tree.total, d("100"));
    // The demo data names leaves by name, so they must be unique within a template.
    let mut seen = HashSet::new();
    for leaf in tree.leaves() {
        assert!(seen.insert(leaf.name.clone()), "{name}: 末级指标“{}”重名", leaf.name);
        assert!(!leaf.guide.trim().is_empty(), "{name}: 末级指标“{}”没有评分标准", leaf.name);
    }
    (t, tree)
}

fn leaves(tree: &IndicatorTree) -> Vec<(String, Decimal)> {
    tree.leaves().map(|n| (n.name.clone(), n.points)).collect()
}

/// Changes the points of the first row named `leaf` from `from` to `to`.
fn break_points(text: &str, leaf: &str, from: &str, to: &str) -> String {
    let needle = format!("name = \"{leaf}\"\npoints = {from}\n");
    assert!(text.contains(&needle), "找不到“{leaf}”的分值行");
    text.replacen(&needle, &format!("name = \"{leaf}\"\npoints = {to}\n"), 1)
}

#[test]
fn project_2020_is_the_common_framework() {
    let (t, tree) = load(PROJECT_2020, "project-2020");
    assert_eq!(t.kind.as_deref(), Some("项目支出"));
    assert_eq!(tree.bands.kind, ResultKind::Grade);
    let expected: Vec<(String, Decimal)> = [
        ("立项依据充分性", 3),
        ("立项程序规范性", 3),
        ("绩效目标合理性", 4),
        ("绩效指标明确性", 4),
        ("预算编制科学性", 3),
        ("资金分配合理性", 3),
        ("资金到位率", 4),
        ("预算执行率", 4),
        ("资金使用合规性", 4),
        ("管理制度健全性", 4),
        ("制度执行有效性", 4),
        ("实际完成率", 10),
        ("质量达标率", 8),
        ("完成及时性", 6),
        ("成本节约率", 6),
        ("实施效益", 20),
        ("满意度", 10),
    ]
    .iter()
    .map(|(n, p)| (n.to_string(), Decimal::from(*p)))
    .collect();
    let got = leaves(&tree);
    // DOMAIN.md §2.1 lists 17 三级 indicators (their default points add up to 100).
    assert_eq!(got.len(), 17, "末级指标个数");
    assert_eq!(got, expected);
    let top: Vec<(String, Decimal)> = tree.children(None).map(|n| (n.name.clone(), n.points)).collect();
    assert_eq!(top, vec![("决策".into(), d("20")), ("过程".into(), d("20")), ("产出".into(), d("30")), ("效益".into(), d("30"))]);
    assert_eq!(tree.bands.classify(d("89.99")), Some("良"));
    assert_eq!(tree.bands.classify(d("90")), Some("优"));
    assert_eq!(tree.bands.classify(d("59.99")), Some("差"));
}

#[test]
fn self_eval_has_the_fixed_level_one_weights() {
    let (t, tree) = load(SELF_EVAL, "self-eval");
    assert_eq!(t.kind.as_deref(), Some("自评抽查"));
    let top: Vec<(String, Decimal)> = tree.children(None).map(|n| (n.name.clone(), n.points)).collect();
    assert_eq!(top, vec![("预算执行率".into(), d("10")), ("产出".into(), d("50")), ("效益".into(), d("30")), ("满意度".into(), d("10"))]);
    let names: Vec<String> = leaves(&tree).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["预算执行率", "数量指标", "质量指标", "时效指标", "成本指标", "经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度"]
    );
    assert_eq!(tree.bands.classify(d("89.99")), Some("良"));
}

#[test]
fn dept_overall_follows_the_local_table() {
    let (t, tree) = load(DEPT_OVERALL, "dept-overall");
    assert_eq!(t.kind.as_deref(), Some("部门整体支出"));
    let top: Vec<(String, Decimal)> = tree.children(None).map(|n| (n.name.clone(), n.points)).collect();
    assert_eq!(top, vec![("部门决策".into(), d("25")), ("综合管理".into(), d("30")), ("部门绩效".into(), d("45"))]);
    let expected: Vec<(String, Decimal)> = [
        ("目标相关性", 5),
        ("目标明确性", 5),
        ("目标合理性", 5),
        ("测算依据", 5),
        ("目标管理", 5),
        ("专项资金分配时限", 2),
        ("中期评估", 2),
        ("绩效监控", 5),
        ("非税收入", 2),
        ("资产管理", 6),
        ("内控制度", 2),
        ("信息公开", 6),
        ("绩效评价", 5),
        ("履职成效", 20),
        ("重点改革", 5),
        ("创新", 5),
        ("人才培养", 5),
        ("协作部门满意度", 3),
        ("管理对象满意度", 3),
        ("社会公众满意度", 4),
    ]
    .iter()
    .map(|(n, p)| (n.to_string(), Decimal::from(*p)))
    .collect();
    assert_eq!(leaves(&tree), expected);
    assert_eq!(tree.bands.classify(d("89.99")), Some("良"));
    assert_eq!(tree.bands.classify(d("79.99")), Some("中"));
}

#[test]
fn ex_ante_gives_a_conclusion() {
    let (t, tree) = load(EX_ANTE, "ex-ante");
    assert_eq!(t.kind.as_deref(), Some("事前绩效评估"));
    assert_eq!(tree.bands.kind, ResultKind::Conclusion);
    let expected: Vec<(String, Decimal)> =
        ["立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性"].iter().map(|n| (n.to_string(), d("20"))).collect();
    assert_eq!(leaves(&tree), expected);
    assert_eq!(tree.bands.classify(d("90")), Some("予以支持"));
    assert_eq!(tree.bands.classify(d("89.99")), Some("调整完善后予以支持"));
    assert_eq!(tree.bands.classify(d("70")), Some("调整完善后予以支持"));
    assert_eq!(tree.bands.classify(d("69.99")), Some("不予支持"));
}

#[test]
fn a_broken_copy_is_refused_naming_the_sums() {
    let cases = [
        (PROJECT_2020, "project-2020", "立项依据充分性", "3", "4", "末级指标分值合计 101，应为 100", "分值 6，其下级合计 7"),
        (SELF_EVAL, "self-eval", "数量指标", "15", "14", "末级指标分值合计 99，应为 100", "分值 50，其下级合计 49"),
        (DEPT_OVERALL, "dept-overall", "资产管理", "6", "8", "末级指标分值合计 102，应为 100", "分值 30，其下级合计 32"),
        (EX_ANTE, "ex-ante", "筹资合规性", "20", "25", "末级指标分值合计 105，应为 100", ""),
    ];
    for (text, name, leaf, from, to, total_msg, parent_msg) in cases {
        let broken = break_points(text, leaf, from, to);
        let err = Template::parse(&broken, name).expect_err(name);
        assert!(err.starts_with(name), "{err}");
        assert!(err.contains(total_msg), "{name}: {err}");
        assert!(err.contains(parent_msg), "{name}: {err}");
    }
}

#[test]
fn a_skipped_level_is_refused() {
    let broken = PROJECT_2020.replacen("level = 3\nname = \"立项依据充分性\"", "level = 4\nname = \"立项依据充分性\"", 1);
    assert_ne!(broken, PROJECT_2020);
    let err = Template::parse(&broken, "project-2020").unwrap_err();
    assert!(err.contains("跳级"), "{err}");
}

/// Issue 19: one bad file in DATA/templates/ is named with FILE:LINE and left out; every
/// other template and command keeps working (it stopped every command, the server and the TUI).
#[test]
fn a_bad_user_template_is_named_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let tdir = dir.path().join("templates");
    std::fs::create_dir_all(&tdir).unwrap();
    let broken = break_points(PROJECT_2020, "立项依据充分性", "3", "4").replacen("name = \"project-2020\"", "name = \"县级-有误\"", 1);
    std::fs::write(tdir.join("县级-有误.toml"), &broken).unwrap();
    let good = SELF_EVAL.replacen("name = \"self-eval\"", "name = \"县级自评\"", 1);
    std::fs::write(tdir.join("县级自评.toml"), &good).unwrap();
    let total_line = broken.lines().position(|l| l.starts_with("total")).unwrap() + 1;

    let run = |args: &[&str], stdin: &str| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
        c.env_remove("LANG").arg("--data").arg(dir.path()).arg("--local").args(args);
        c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&["template", "list"], "");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("县级自评") && stdout.contains("project-2020") && !stdout.contains("县级-有误"), "{stdout}");
    assert!(stderr.contains(&format!("县级-有误.toml:{total_line}:")) && stderr.contains("末级指标分值合计 101"), "{stderr}");

    let create = r#"{"cmd":"create_project","code":"ZP22-01","name":"乡村振兴衔接资金","kind":"项目支出","fiscal_year":2022,"unit":"市农业农村局","amount":"500","template":"县级自评"}"#;
    let out = run(&["exec"], create);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ok\":true"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = run(&["check"], "");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(report.contains("县级-有误.toml") && report.contains("已跳过"), "{report}");

    // The new-project form offers the good user template and names the bad file.
    let local = jixiao::backend::Local::open(dir.path()).unwrap();
    let (names, problems) = jixiao::backend::Fetch::templates(&local).unwrap();
    let title = names.iter().find(|(n, _)| n == "县级自评").map(|(_, t)| t.as_str());
    assert_eq!(title, Some("项目支出绩效自评指标体系（单位自评及抽查复核）"), "offered with its title: {names:?}");
    assert!(!names.iter().any(|(n, _)| n == "县级-有误"), "{names:?}");
    assert_eq!(problems.len(), 1, "{problems:?}");
}
