//! Every string of the Chinese UI is Chinese (issue 15): the zh catalogs (messages, action
//! descriptions, keymap contexts) and every Chinese screen snapshot are searched for English
//! words outside codes, keys, units and user data; the English catalog for full-width
//! punctuation; the Chinese one for an ASCII colon after a Chinese word and for 「」 (mainland
//! usage is “”).

mod zh_common;

use jixiao::i18n::Lang;
use jixiao::tui::action::{Action, CONTEXTS};
use jixiao::tui::strings::Msg;

/// Every zh string of the TUI's catalogs, named for the report.
fn zh_catalog() -> Vec<(String, &'static str)> {
    let mut all: Vec<(String, &'static str)> = Msg::ALL.iter().map(|m| (format!("Msg::{m:?}"), m.get(Lang::Zh))).collect();
    all.extend(Action::ALL.iter().map(|a| (format!("Action::{a:?}"), a.description(Lang::Zh))));
    all.extend(CONTEXTS.iter().map(|(name, zh, _)| (format!("context {name}"), *zh)));
    all
}

fn en_catalog() -> Vec<(String, &'static str)> {
    let mut all: Vec<(String, &'static str)> = Msg::ALL.iter().map(|m| (format!("Msg::{m:?}"), m.get(Lang::En))).collect();
    all.extend(Action::ALL.iter().map(|a| (format!("Action::{a:?}"), a.description(Lang::En))));
    all.extend(CONTEXTS.iter().map(|(name, _, en)| (format!("context {name}"), *en)));
    all
}

#[test]
fn the_chinese_catalog_has_no_english_words() {
    let leaks: Vec<String> = zh_catalog()
        .into_iter()
        .flat_map(|(name, text)| zh_common::english_words(text).into_iter().map(move |w| format!("{name}: {w} in {text}")))
        .collect();
    assert!(leaks.is_empty(), "English in the zh catalog:\n{}", leaks.join("\n"));
}

/// A Chinese word followed by an ASCII colon (`自评表:`) reads as a typo in a Chinese UI.
fn ascii_colon_after_chinese(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|w| w[1] == ':' && !w[0].is_ascii() && !" │─".contains(w[0]))
}

#[test]
fn the_chinese_catalog_uses_fullwidth_colons_and_mainland_quotes() {
    let bad: Vec<String> = zh_catalog()
        .into_iter()
        .filter(|(_, t)| ascii_colon_after_chinese(t) || t.contains('「') || t.contains('」'))
        .map(|(name, t)| format!("{name}: {t}"))
        .collect();
    assert!(bad.is_empty(), "ASCII colons or 「」 in the zh catalog:\n{}", bad.join("\n"));
}

#[test]
fn the_english_catalog_has_no_fullwidth_punctuation() {
    let bad: Vec<String> =
        en_catalog().into_iter().filter(|(_, t)| !zh_common::full_width(t).is_empty()).map(|(name, t)| format!("{name}: {t}")).collect();
    assert!(bad.is_empty(), "full-width punctuation in the en catalog:\n{}", bad.join("\n"));
}

/// The text of a snapshot's screen lines (insta writes each row quoted, then notes).
fn screen_rows(snap: &str) -> Vec<String> {
    snap.lines().filter(|l| l.starts_with('"')).filter_map(|l| l[1..].find('"').map(|end| l[1..1 + end].to_string())).collect()
}

#[test]
fn the_chinese_screens_show_no_english_words() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut leaks = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".snap") || name.contains("_en_") || name.contains("_en.") {
            continue;
        }
        seen += 1;
        // Left as they are, on purpose or for now:
        // - an issued report is shown as issued: its text (with 「」) is kept with its sha256;
        // - the keymap file's errors are written in English only (the next step of issue 15).
        let issued = name.starts_with("tui_report__report_issued");
        if name.starts_with("tui_snapshots__error_popup_keymap") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for row in screen_rows(&text) {
            for w in zh_common::english_words(&row) {
                leaks.push(format!("{name}: {w} in {}", row.trim()));
            }
            if ascii_colon_after_chinese(&row) || (!issued && (row.contains('「') || row.contains('」'))) {
                leaks.push(format!("{name}: an ASCII colon or 「」 in {}", row.trim()));
            }
        }
    }
    assert!(seen > 50, "the snapshots were found");
    assert!(leaks.is_empty(), "English on Chinese screens:\n{}", leaks.join("\n"));
}

/// Another user's change is told by what it did in Chinese, not by the command's code name.
#[test]
fn every_documented_command_has_a_chinese_label() {
    let doc = include_str!("../docs/commands.md");
    let mut names: Vec<&str> = doc.split("{\"cmd\":\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    names.extend(["batch", "import", "migrate"]);
    names.sort_unstable();
    names.dedup();
    assert!(names.len() > 40, "{names:?}");
    for n in names {
        let zh = jixiao::tui::strings::command_label(n, Lang::Zh);
        assert!(zh != "一项修改" && zh.chars().all(|c| !c.is_ascii()), "{n}: {zh}");
        assert_eq!(jixiao::tui::strings::command_label(n, Lang::En), n.replace('_', " "));
    }
}
