//! Drafts: text being edited is written to the user's own state directory
//! (`$XDG_STATE_HOME/jixiao/drafts/<store id>/KEY.txt`, 0700) after each pause in typing and
//! when the terminal is lost, so a dropped SSH connection costs at most the last second of
//! typing. They live with the user, not in the shared data dir, so nobody's typing depends
//! on a folder a colleague created first. Drafts are scratch files, not records: no Command.

use std::path::{Path, PathBuf};

pub struct Drafts {
    dir: Option<PathBuf>,
    /// Where drafts were kept before (`DATA/drafts/USER/`): read when the new place has none.
    legacy: Option<PathBuf>,
}

impl Drafts {
    /// Drafts under `base/drafts/USER/` (tests, and a machine with no home directory).
    pub fn new(base: &Path, user: &str) -> Drafts {
        Drafts { dir: Some(base.join("drafts").join(safe(user))), legacy: None }
    }

    /// The user's drafts for the store in `data`: in their state directory, one folder per
    /// store (named by a hash of the store's path).
    pub fn for_store(data: &Path, user: &str) -> Drafts {
        let legacy = Some(data.join("drafts").join(safe(user)));
        let xdg = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
        let home = std::env::var_os("HOME").map(PathBuf::from).filter(|p| p.is_absolute());
        match xdg.or_else(|| home.map(|h| h.join(".local").join("state"))) {
            Some(state) => Drafts { dir: Some(state.join("jixiao").join("drafts").join(store_id(data))), legacy },
            None => Drafts { dir: legacy.clone(), legacy: None },
        }
    }

    /// Drafts that go nowhere (tests that do not care).
    pub fn disabled() -> Drafts {
        Drafts { dir: None, legacy: None }
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(format!("{}.txt", safe(key))))
    }

    /// Best effort: a draft that cannot be written must not stop the user typing.
    pub fn save(&self, key: &str, text: &str) {
        let (Some(dir), Some(path)) = (&self.dir, self.path(key)) else { return };
        if crate::fsutil::create_private_dir(dir).is_ok() {
            let _ = crate::fsutil::write_atomic(&path, text.as_bytes());
        }
    }

    pub fn load(&self, key: &str) -> Option<String> {
        let legacy = || self.legacy.as_ref().and_then(|d| std::fs::read_to_string(d.join(format!("{}.txt", safe(key)))).ok());
        self.path(key).and_then(|p| std::fs::read_to_string(p).ok()).or_else(legacy)
    }

    pub fn clear(&self, key: &str) {
        for dir in [&self.dir, &self.legacy].into_iter().flatten() {
            let _ = std::fs::remove_file(dir.join(format!("{}.txt", safe(key))));
        }
    }

    /// Where drafts are written (shown in messages and tests).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

/// A store's folder name: the first 16 hex digits of the sha256 of its data dir's path.
fn store_id(data: &Path) -> String {
    use sha2::{Digest, Sha256};
    let path = std::fs::canonicalize(data).unwrap_or_else(|_| data.to_path_buf());
    Sha256::digest(path.as_os_str().as_encoded_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Keeps file names to letters, digits, `-` and `_` (codes may hold other characters).
fn safe(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}
