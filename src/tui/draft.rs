//! Drafts: text being edited is written to `DATA/drafts/USER/KEY.txt` after each pause in
//! typing and when the terminal is lost, so a dropped SSH connection costs at most the last
//! second of typing. Drafts are the user's own scratch files, not records: no Command.

use std::path::PathBuf;

pub struct Drafts {
    dir: Option<PathBuf>,
}

impl Drafts {
    pub fn new(data: &std::path::Path, user: &str) -> Drafts {
        Drafts { dir: Some(data.join("drafts").join(safe(user))) }
    }

    /// Drafts that go nowhere (tests that do not care).
    pub fn disabled() -> Drafts {
        Drafts { dir: None }
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
        self.path(key).and_then(|p| std::fs::read_to_string(p).ok())
    }

    pub fn clear(&self, key: &str) {
        if let Some(p) = self.path(key) {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Keeps file names to letters, digits, `-` and `_` (codes may hold other characters).
fn safe(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}
