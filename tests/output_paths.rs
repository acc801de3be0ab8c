//! Issue 19: `-o FILE` writes where it is told. A symlink, a FIFO, a hard link or
//! `/dev/stdout` stays what it was (each became a new regular file: as root, `-o /dev/null`
//! replaced the machine's /dev/null).

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::process::{Command, Output};

fn export_to(data: &Path, target: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .env_remove("LANG")
        .arg("--data")
        .arg(data)
        .arg("--local")
        .args(["export", "-o"])
        .arg(target)
        .output()
        .unwrap()
}

fn is_bundle(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).contains("\"format\": \"jixiao-bundle\"")
}

fn store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    jixiao::demo::create(dir.path(), 0, |_, _| {}).unwrap();
    dir
}

#[test]
fn a_symlink_gets_its_target_written_and_stays_a_link() {
    let data = store();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("整改台账备份.json");
    std::fs::write(&target, "旧内容").unwrap();
    let link = out.path().join("最新.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = export_to(data.path(), &link);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink(), "the link is still a link");
    assert!(is_bundle(&std::fs::read(&target).unwrap()), "the target holds the export");

    // A link to nowhere is refused, naming it.
    let dangling = out.path().join("断链.json");
    std::os::unix::fs::symlink(out.path().join("不存在/x.json"), &dangling).unwrap();
    let o = export_to(data.path(), &dangling);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("断链.json") && err.contains("符号链接"), "{err}");
    assert!(dangling.symlink_metadata().unwrap().file_type().is_symlink());
}

#[test]
fn a_hard_link_keeps_its_inode_and_both_names_see_the_export() {
    let data = store();
    let out = tempfile::tempdir().unwrap();
    let a = out.path().join("台账.json");
    let b = out.path().join("台账-共享.json");
    std::fs::write(&a, "旧内容").unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    let inode = a.metadata().unwrap().ino();
    let o = export_to(data.path(), &b);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(b.metadata().unwrap().ino(), inode);
    assert_eq!(a.metadata().unwrap().nlink(), 2);
    assert!(is_bundle(&std::fs::read(&a).unwrap()));
}

#[test]
fn a_fifo_is_written_through_and_stays_a_fifo() {
    let data = store();
    let out = tempfile::tempdir().unwrap();
    let fifo = out.path().join("管道");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path and touches nothing else.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    let o = export_to(data.path(), &fifo);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(is_bundle(&reader.join().unwrap()));
    assert!(fifo.symlink_metadata().unwrap().file_type().is_fifo());
}

#[test]
fn dev_stdout_writes_to_standard_output() {
    let data = store();
    let o = export_to(data.path(), Path::new("/dev/stdout"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(is_bundle(&o.stdout));
    assert!(Path::new("/dev/null").metadata().unwrap().file_type().is_char_device());
}

#[test]
fn a_directory_is_refused() {
    let data = store();
    let out = tempfile::tempdir().unwrap();
    let o = export_to(data.path(), out.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("是目录"), "{err}");
}

#[test]
fn a_new_file_gets_the_umasks_mode_and_a_replaced_one_keeps_its_own() {
    use std::os::unix::fs::PermissionsExt;
    let data = store();
    let out = tempfile::tempdir().unwrap();
    let new = out.path().join("给科室的备份.json");
    let o = Command::new("sh")
        .arg("-c")
        .arg(r#"umask 027 && exec "$0" --data "$1" --local export -o "$2""#)
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .arg(data.path())
        .arg(&new)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(new.metadata().unwrap().mode() & 0o777, 0o640, "0666 under umask 027, not the temporary file's 0600");

    let shared = out.path().join("共享台账.json");
    std::fs::write(&shared, "旧内容").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o664)).unwrap();
    let o = export_to(data.path(), &shared);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(shared.metadata().unwrap().mode() & 0o777, 0o664, "a replaced file keeps its mode");
    assert!(is_bundle(&std::fs::read(&shared).unwrap()));
}
