//! Issue 18 §1: drafts live in each user's own state directory, so a colleague who used the
//! shared data dir first cannot make anyone's typing go unsaved.

use jixiao::tui::draft::Drafts;
use std::os::unix::fs::PermissionsExt;

/// One test: it sets XDG_STATE_HOME for this process.
#[test]
fn drafts_are_kept_in_the_users_state_directory_per_store() {
    let state = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    // SAFETY: the only test in this binary; nothing else reads the environment meanwhile.
    unsafe { std::env::set_var("XDG_STATE_HOME", state.path()) };
    let drafts = Drafts::for_store(data.path(), "zhangsan");
    let key = "basis-ZD21-06-7";
    drafts.save(key, "评分依据：立项依据充分，");
    let dir = drafts.dir().unwrap().to_path_buf();
    assert!(dir.starts_with(state.path().join("jixiao/drafts")), "{}", dir.display());
    assert_eq!(std::fs::read_to_string(dir.join(format!("{key}.txt"))).unwrap(), "评分依据：立项依据充分，");
    assert_eq!(dir.metadata().unwrap().permissions().mode() & 0o777, 0o700);
    assert!(!data.path().join("drafts").exists(), "nothing is written into the shared data dir");
    // Another store gets another folder.
    let other = tempfile::tempdir().unwrap();
    assert_ne!(Drafts::for_store(other.path(), "zhangsan").dir().unwrap(), dir);
    assert_eq!(Drafts::for_store(other.path(), "zhangsan").load(key), None);

    // A draft from before (DATA/drafts/USER/) is still found, and cleared with the new one.
    let legacy = data.path().join("drafts/zhangsan");
    std::fs::create_dir_all(&legacy).unwrap();
    std::fs::write(legacy.join("finding-ZD21-06.txt"), "旧位置的草稿").unwrap();
    assert_eq!(drafts.load("finding-ZD21-06").as_deref(), Some("旧位置的草稿"));
    drafts.clear("finding-ZD21-06");
    assert_eq!(drafts.load("finding-ZD21-06"), None);
    unsafe { std::env::remove_var("XDG_STATE_HOME") };
}
