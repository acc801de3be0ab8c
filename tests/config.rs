//! The config file `$XDG_CONFIG_HOME/jixiao/config.toml` as the binary reads it: language
//! (`--lang` > `JIXIAO_LANG` > config > Chinese; `LANG` alone changes nothing), data dir
//! (`--data` > `JIXIAO_DATA` > config > XDG default), and its errors with FILE:LINE.
//! Every run starts from an empty environment with HOME in a temp dir.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    /// A home with `~/.config/jixiao/config.toml` holding `config` (none when `None`).
    fn new(config: Option<&str>) -> Home {
        let dir = tempfile::tempdir().unwrap();
        if let Some(text) = config {
            let d = dir.path().join(".config/jixiao");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("config.toml"), text).unwrap();
        }
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary with only HOME (and `env`) set.
    fn run(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
        c.env_clear().env("HOME", self.path()).envs(env.iter().copied()).args(args);
        c.output().unwrap()
    }

    /// The language an import of a missing file answers in.
    fn lang(&self, env: &[(&str, &str)], flags: &[&str]) -> &'static str {
        let data = self.path().join("数据");
        let mut args: Vec<&str> = flags.to_vec();
        let data_s = data.to_str().unwrap().to_string();
        args.extend(["--data", &data_s, "import", "/nonexistent.json"]);
        let out = self.run(env, &args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "{err}");
        if err.contains("cannot read") {
            "en"
        } else if err.contains("读写") {
            "zh"
        } else {
            panic!("neither language: {err}")
        }
    }

    /// The data dir `jixiao doctor` looks at (it names it and creates nothing).
    fn data_dir(&self, env: &[(&str, &str)], flags: &[&str]) -> PathBuf {
        let mut args: Vec<&str> = flags.to_vec();
        args.push("doctor");
        let out = self.run(env, &args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let Some(rest) = text.split("数据目录 ").nth(1) else { panic!("doctor did not name the data dir: {text}") };
        PathBuf::from(rest.split(" 不存在").next().unwrap())
    }
}

const EN_US: (&str, &str) = ("LANG", "en_US.UTF-8");

#[test]
fn lang_alone_no_longer_switches_to_english() {
    let home = Home::new(None);
    assert_eq!(home.lang(&[EN_US], &[]), "zh");
    assert_eq!(home.lang(&[EN_US, ("LC_ALL", "en_US.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")], &[]), "zh");
    assert_eq!(home.lang(&[], &[]), "zh");
}

#[test]
fn language_is_flag_then_jixiao_lang_then_config_then_chinese() {
    let home = Home::new(Some("lang = \"en\"\n"));
    assert_eq!(home.lang(&[], &[]), "en", "the config's lang");
    assert_eq!(home.lang(&[("JIXIAO_LANG", "zh")], &[]), "zh", "JIXIAO_LANG over the config");
    assert_eq!(home.lang(&[("JIXIAO_LANG", "zh")], &["--lang", "en"]), "en", "--lang over JIXIAO_LANG");
    let home = Home::new(Some("lang = \"zh\"\n"));
    assert_eq!(home.lang(&[EN_US], &[]), "zh");
    assert_eq!(home.lang(&[("JIXIAO_LANG", "en")], &[]), "en");
    assert_eq!(home.lang(&[("JIXIAO_LANG", "en")], &["--lang", "zh"]), "zh");
}

#[test]
fn a_bad_jixiao_lang_is_reported_and_the_next_choice_holds() {
    let home = Home::new(Some("lang = \"en\"\n"));
    let out = home.run(&[("JIXIAO_LANG", "fr")], &["--data", "/nonexistent/数据", "import", "/nonexistent.json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("JIXIAO_LANG=fr 不可用：可用 zh 或 en"), "{err}");
    assert!(err.contains("cannot read"), "the config's English should hold: {err}");
}

#[test]
fn xdg_config_home_is_where_the_file_is_looked_for() {
    let home = Home::new(None);
    let xdg = home.path().join("xdg");
    std::fs::create_dir_all(xdg.join("jixiao")).unwrap();
    std::fs::write(xdg.join("jixiao/config.toml"), "lang = \"en\"\n").unwrap();
    assert_eq!(home.lang(&[("XDG_CONFIG_HOME", xdg.to_str().unwrap())], &[]), "en");
    assert_eq!(home.lang(&[], &[]), "zh", "without XDG_CONFIG_HOME, ~/.config has no file");
}

#[test]
fn data_dir_is_flag_then_jixiao_data_then_config_then_xdg() {
    let home = Home::new(Some("data = \"~/配置的数据\"\n"));
    let h = home.path();
    assert_eq!(home.data_dir(&[], &[]), h.join("配置的数据"), "the config's data, ~ expanded");
    let xdg = h.join("xdg-data");
    let xdg_s = xdg.to_str().unwrap();
    assert_eq!(home.data_dir(&[("XDG_DATA_HOME", xdg_s)], &[]), h.join("配置的数据"), "the config over XDG_DATA_HOME");
    let env_dir = h.join("env-data");
    let env_s = env_dir.to_str().unwrap();
    assert_eq!(home.data_dir(&[("JIXIAO_DATA", env_s)], &[]), env_dir, "JIXIAO_DATA over the config");
    let flag = h.join("flag-data");
    assert_eq!(home.data_dir(&[("JIXIAO_DATA", env_s)], &["--data", flag.to_str().unwrap()]), flag, "--data over all");
    let home = Home::new(None);
    assert_eq!(home.data_dir(&[("XDG_DATA_HOME", xdg_s)], &[]), xdg.join("jixiao"));
    assert_eq!(home.data_dir(&[], &[]), home.path().join(".local/share/jixiao"));
}

#[test]
fn config_errors_go_to_stderr_with_file_and_line_and_the_rest_holds() {
    let text = "# 设置\nlang = \"en\"\nmouse = \"是\"\ncolour = \"blue\"\nambiguous_width = \"medium\"\n";
    let home = Home::new(Some(text));
    let file = home.path().join(".config/jixiao/config.toml");
    let f = file.display();
    let out = home.run(&[], &["--data", "/nonexistent/数据", "import", "/nonexistent.json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{f}:3: mouse 的值“\"是\"”不可用：可用 true 或 false")), "{err}");
    assert!(err.contains(&format!("{f}:4: 未知的设置“colour”：可用 lang、ambiguous_width、mouse、data、keymap")), "{err}");
    assert!(err.contains(&format!("{f}:5: ambiguous_width 的值“\"medium\"”不可用：可用 \"narrow\" 或 \"wide\"")), "{err}");
    assert!(err.contains("cannot read"), "lang = \"en\" on line 2 still holds: {err}");
}

#[test]
fn a_syntax_error_is_reported_with_its_line_and_the_defaults_are_used() {
    let home = Home::new(Some("lang = \"en\"\ndata = \"~/x\"\nmouse = tru\n"));
    let out = home.run(&[], &["doctor"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let f = home.path().join(".config/jixiao/config.toml");
    assert!(err.contains(&format!("{}:3: TOML 语法错误", f.display())), "{err}");
    assert!(err.contains("全部使用默认设置"), "{err}");
    assert_eq!(home.data_dir(&[], &[]), home.path().join(".local/share/jixiao"), "the config's data is not used");
}

#[test]
fn the_readme_example_is_a_clean_config() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme.split("## Configuration").nth(1).expect("README has a Configuration section");
    let example = section.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).expect("a toml example");
    let (cfg, errors) = jixiao::config::parse("README.md", example, Some(Path::new("/home/u")), Some(Path::new("/c")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(cfg.data, Some(PathBuf::from("/home/u/绩效数据")));
    assert_eq!(cfg.keymap, Some(PathBuf::from("/c/vim.toml")));
    assert_eq!(cfg.mouse, Some(true));
}

#[test]
fn a_bad_jixiao_ambiguous_width_is_reported_like_a_config_error_and_the_run_goes_on() {
    let home = Home::new(Some("ambiguous_width = \"wide\"\n"));
    let data = home.path().join("数据");
    let data_s = data.to_str().unwrap().to_string();
    let out = home.run(&[("JIXIAO_LANG", "zh"), ("JIXIAO_AMBIGUOUS_WIDTH", "宽")], &["--local", "--data", &data_s, "due"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    assert!(err.contains("jixiao: JIXIAO_AMBIGUOUS_WIDTH: 值“宽”不可用：可用 narrow 或 wide；已忽略"), "{err}");
    // A good value, or none, says nothing.
    for env in [vec![("JIXIAO_LANG", "zh"), ("JIXIAO_AMBIGUOUS_WIDTH", "narrow")], vec![("JIXIAO_LANG", "zh")]] {
        let out = home.run(&env, &["--local", "--data", &data_s, "due"]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success() && !err.contains("AMBIGUOUS"), "{err}");
    }
}
