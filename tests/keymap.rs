//! Keymap files, merging, sequences, errors and the generated keymaps/README.md.

use std::path::{Path, PathBuf};

use jixiao::tui::action::{Action, CONTEXTS};
use jixiao::tui::keymap::{Keymap, KeymapError, Resolve, display_key, parse_key, parse_keys, readme};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn keymaps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps")
}

fn key(s: &str) -> jixiao::tui::keymap::KeyChord {
    parse_key(s).unwrap()
}

fn keys(s: &str) -> Vec<jixiao::tui::keymap::KeyChord> {
    parse_keys(s).unwrap()
}

fn vim() -> Keymap {
    let text = std::fs::read_to_string(keymaps_dir().join("vim.toml")).unwrap();
    let (km, errors) = Keymap::load(Some(("keymaps/vim.toml", &text)));
    assert!(errors.is_empty(), "{errors:?}");
    km
}

/// Loads a user file that must fail; checks the defaults stayed and returns the one error.
fn load_err(text: &str) -> KeymapError {
    let (km, errors) = Keymap::load(Some(("my.toml", text)));
    assert_eq!(km, Keymap::builtin(), "a bad file must leave the defaults unchanged");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = errors.into_iter().next().unwrap();
    let shown = e.to_string();
    assert!(shown.starts_with(&format!("my.toml:{}: ", e.line)), "{shown}");
    e
}

#[test]
fn every_keymap_file_loads_cleanly() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(keymaps_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = path.display().to_string();
        let (km, errors) = Keymap::load(Some((&shown, &text)));
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(errors.is_empty(), "{}", listed.join("\n"));
        if path.ends_with("default.toml") {
            assert_eq!(km, Keymap::builtin(), "default.toml merged over itself changes nothing");
        }
    }
}

#[test]
fn builtin_is_the_default_file() {
    let km = Keymap::builtin();
    assert_eq!(km.resolve("project_list", &[key("j")]), Resolve::Action(Action::MoveDown));
    assert_eq!(km.resolve("project_list", &[key("ctrl-c")]), Resolve::Action(Action::Quit));
    assert_eq!(Keymap::load(None).0, km);
}

#[test]
fn readme_is_generated() {
    let path = keymaps_dir().join("README.md");
    let want = readme();
    if std::env::var_os("JIXIAO_WRITE_KEYMAP_README").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "keymaps/README.md is out of date; regenerate it with \
         `JIXIAO_WRITE_KEYMAP_README=1 cargo test --test keymap`"
    );
    assert_eq!(readme(), want, "readme() must be deterministic");
}

#[test]
fn every_action_is_bound_by_default() {
    // Noop only exists to unbind keys in user files.
    let deliberately_unbound = [Action::Noop];
    let km = Keymap::builtin();
    for action in Action::ALL {
        let bound = CONTEXTS.iter().any(|(c, _, _)| km.bindings(c).iter().any(|(_, a)| a == action));
        assert_eq!(bound, !deliberately_unbound.contains(action), "{}", action.name());
    }
}

#[test]
fn user_file_merges_key_by_key() {
    let text = "[project_list]\nx = \"archive\"\n\n[global]\nq = \"noop\"\n";
    let (km, errors) = Keymap::load(Some(("my.toml", text)));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(km.resolve("project_list", &[key("x")]), Resolve::Action(Action::Archive));
    assert_eq!(km.resolve("project_list", &[key("q")]), Resolve::Unbound);
    // The rest of the defaults stay.
    assert_eq!(km.resolve("project_list", &[key("A")]), Resolve::Action(Action::Archive));
    assert_eq!(km.resolve("project_list", &[key("esc")]), Resolve::Action(Action::Back));
    assert_eq!(km.resolve("popup", &[key("q")]), Resolve::Action(Action::Back));
    assert_eq!(km.resolve("scoring", &[key("x")]), Resolve::Action(Action::ClearScore));
    assert_eq!(km.keys_for("project_list", Action::Archive), ["A", "x"]);
}

#[test]
fn noop_in_a_context_hides_the_global_key() {
    let (km, errors) = Keymap::load(Some(("my.toml", "[scoring]\nj = \"noop\"\n")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(km.resolve("scoring", &[key("j")]), Resolve::Unbound);
    assert_eq!(km.resolve("project_list", &[key("j")]), Resolve::Action(Action::MoveDown));
    assert!(km.bindings("scoring").iter().all(|(_, a)| *a != Action::Noop));
}

#[test]
fn sequences_wait_for_the_next_key() {
    let km = vim();
    assert_eq!(km.resolve("project_list", &[key("g")]), Resolve::Pending);
    assert_eq!(km.resolve("project_list", &keys("g g")), Resolve::Action(Action::Top));
    assert_eq!(km.resolve("global", &[key("g")]), Resolve::Pending);
    assert_eq!(km.resolve("project_list", &keys("g j")), Resolve::Unbound);
    assert_eq!(km.resolve("project_list", &[key("ctrl-d")]), Resolve::Action(Action::PageDown));
    assert_eq!(km.resolve("form", &[key("ctrl-d")]), Resolve::Action(Action::RemoveRow));
    assert_eq!(km.keys_for("scoring", Action::Top), ["home", "g g"]);
}

#[test]
fn text_contexts_do_not_inherit_global() {
    let km = Keymap::builtin();
    for context in ["form", "editor"] {
        for k in ["q", "j", "?", "g", "pageup", "home"] {
            assert_eq!(km.resolve(context, &[key(k)]), Resolve::Unbound, "{context} {k}");
        }
        assert_eq!(km.resolve(context, &[key("ctrl-c")]), Resolve::Action(Action::Quit));
        assert_eq!(km.resolve(context, &[key("esc")]), Resolve::Action(Action::Cancel));
    }
    assert_eq!(km.resolve("editor", &[key("enter")]), Resolve::Unbound, "enter is a new line");
    assert_eq!(km.resolve("form", &[key("enter")]), Resolve::Action(Action::Save));
    assert_eq!(km.resolve("form", &[key("up")]), Resolve::Action(Action::PrevField));
    assert_eq!(km.resolve_local("editor", &[key("ctrl-s")]), Some(Action::Save));
    assert_eq!(km.resolve_local("editor", &[key("q")]), None);
    assert_eq!(km.resolve_local("project_list", &[key("q")]), None, "global is not consulted");
    let e = load_err("[form]\nx = \"save\"\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("plain characters"), "{e}");
}

#[test]
fn help_lists_own_then_inherited_keys() {
    let km = Keymap::builtin();
    let own = km.bindings("project_view");
    assert_eq!(own[0], ("e".to_string(), Action::Edit));
    let all = km.effective_bindings("project_view");
    assert!(all.contains(&("?".to_string(), Action::Help)));
    assert!(all.contains(&("tab".to_string(), Action::NextTab)));
    assert_eq!(km.keys_for("project_list", Action::MoveUp), ["up", "k"]);
    assert_eq!(km.keys_for("form", Action::MoveUp), Vec::<String>::new());
    // Sorted in Action::ALL order.
    let order: Vec<usize> = own.iter().map(|(_, a)| Action::ALL.iter().position(|x| x == a).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{own:?}");
}

#[test]
fn unknown_action_names_the_line_and_a_suggestion() {
    let e = load_err("# mine\n[global]\nj = \"move_down\"\nk = \"mvoe_up\"\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("\"mvoe_up\""), "{e}");
    assert!(e.message.contains("did you mean \"move_up\""), "{e}");
}

#[test]
fn unknown_context_lists_the_valid_ones() {
    let e = load_err("[global]\nj = \"move_down\"\n\n[projects]\nx = \"archive\"\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("[projects]"), "{e}");
    for (c, _, _) in CONTEXTS {
        assert!(e.message.contains(c), "{e}");
    }
}

#[test]
fn unparsable_key_lists_the_names() {
    let e = load_err("[global]\n\"ctrl-\" = \"quit\"\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("ctrl-"), "{e}");
    assert!(e.message.contains("pagedown"), "{e}");
    let e = load_err("[global]\ngg = \"top\"\n");
    assert!(e.message.contains("\"g g\""), "a run of letters hints at a sequence: {e}");
}

#[test]
fn prefix_clash_names_both_keys() {
    let e = load_err("[project_list]\ng = \"top\"\n\"g g\" = \"bottom\"\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("\"g\"") && e.message.contains("\"g g\""), "{e}");
    // Against a default key: global "g" is top unless the user unbinds it.
    let e = load_err("[global]\n\"g g\" = \"top\"\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("\"g\"") && e.message.contains("defaults"), "{e}");
}

#[test]
fn toml_syntax_error_has_a_line() {
    let e = load_err("[global]\nj = \"move_down\"\nk = \"move_up\n");
    assert_eq!(e.line, 3);
    let e = load_err("[global]\nj = \"move_down\"\nj = \"move_up\"\n");
    assert_eq!(e.line, 3, "a duplicate key is a syntax error: {e}");
}

#[test]
fn same_key_spelled_twice_is_an_error() {
    let e = load_err("[global]\nctrl-s = \"help\"\nCtrl-s = \"quit\"\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("line 2"), "{e}");
}

#[test]
fn non_string_action_is_an_error() {
    let e = load_err("[global]\nj = 3\n");
    assert_eq!(e.line, 2);
}

#[test]
fn all_errors_are_reported_together() {
    let (km, errors) = Keymap::load(Some(("my.toml", "[global]\nj = \"nope\"\n[nowhere]\n")));
    assert_eq!(km, Keymap::builtin());
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn events_normalise_like_file_keys() {
    let ev = |code, mods| jixiao::tui::keymap::KeyChord::from_event(&KeyEvent::new(code, mods));
    assert_eq!(ev(KeyCode::Char('G'), KeyModifiers::SHIFT), key("G"));
    assert_eq!(ev(KeyCode::Char('g'), KeyModifiers::SHIFT), key("G"));
    assert_eq!(ev(KeyCode::BackTab, KeyModifiers::SHIFT), key("shift-tab"));
    assert_eq!(ev(KeyCode::Tab, KeyModifiers::SHIFT), key("shift-tab"));
    assert_eq!(ev(KeyCode::Char('s'), KeyModifiers::CONTROL), key("ctrl-s"));
    assert_eq!(ev(KeyCode::Char(' '), KeyModifiers::NONE), key("space"));
    assert_eq!(display_key(&key("shift-tab")), "shift-tab");
    assert_eq!(display_key(&key("ENTER")), "enter");
    assert!(parse_key("shift-g").unwrap_err().contains("\"G\""));
    assert!(parse_key("f13").is_err());
}

#[test]
fn user_path_prefers_the_flag() {
    let flag = Path::new("/tmp/some/keys.toml");
    assert_eq!(Keymap::user_path(Some(flag)), Some(flag.to_path_buf()));
}

/// Issue 19: a keymap that would trap the user in the workbench is refused, FILE:LINE.
#[test]
fn a_keymap_keeps_a_way_out() {
    // Unbinding ctrl-c, q and esc everywhere: refused at the ctrl-c line, and [global]
    // (and the contexts inheriting it) named for having no way back.
    let text = "[global]\nq = \"noop\"\nesc = \"noop\"\nctrl-c = \"noop\"\n";
    let (keymap, errors) = Keymap::load(Some(("陷阱.toml", text)));
    assert_eq!(keymap, Keymap::builtin(), "the defaults stay");
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(shown.iter().any(|e| e.starts_with("陷阱.toml:4:") && e.contains("ctrl-c always quits")), "{shown:?}");
    assert!(shown.iter().any(|e| e.contains("[global] has no key left for \"back\"")), "{shown:?}");
    // ctrl-c bound to another action in a context is refused too.
    let err = load_err("[editor]\nctrl-c = \"save\"\n");
    assert_eq!(err.line, 2);
    assert!(err.message.contains("ctrl-c always quits"), "{}", err.message);
    // Moving back to another key is fine: a way out remains.
    let (_, errors) = Keymap::load(Some(("移动.toml", "[global]\nq = \"noop\"\nx = \"back\"\n")));
    assert!(errors.is_empty(), "{errors:?}");
    let (_, errors) = Keymap::load(Some(("弹窗.toml", "[popup]\nesc = \"noop\"\nq = \"noop\"\n")));
    assert!(errors.iter().any(|e| e.line == 3 && e.message.contains("[popup]")), "{errors:?}");
}
