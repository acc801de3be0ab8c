//! Keymaps: one TOML table per context, `key = "action"`, embedded defaults
//! (keymaps/default.toml) with a user file merged over them key by key (television, yazi).
//! A key may be a sequence of chords ("g g"), resolved one chord at a time (helix).
//! A bad user file never half-applies: the defaults stay and every error says FILE:LINE.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::action::{Action, CONTEXTS};
use crate::i18n::Lang;

const DEFAULT_TOML: &str = include_str!("../../../keymaps/default.toml");
const DEFAULT_FILE: &str = "keymaps/default.toml";

mod file;
mod keys;
mod readme;

pub use file::KeymapError;
use file::{clash_error, parse_file};
pub use keys::{KeyChord, SPACE_CONTEXTS, TEXT_CONTEXTS, display_key, display_keys, parse_key, parse_keys};
pub use readme::readme;

/// What the keys pressed so far mean in a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolve {
    Action(Action),
    /// The keys start a longer sequence: wait for the next key.
    Pending,
    Unbound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    action: Action,
    /// Source position, so several keys of one action list in file order ("up, k").
    order: usize,
}

type Table = HashMap<Vec<KeyChord>, Entry>;

/// The live keymap: per context, key sequence → action. `Noop` entries are kept in non-global
/// contexts because they also hide the `global` key of the same name there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keymap {
    contexts: BTreeMap<&'static str, Table>,
}

/// One `key = "action"` line of a file, checked.
struct Binding {
    context: &'static str,
    keys: Vec<KeyChord>,
    action: Action,
    line: usize,
    order: usize,
}

impl Keymap {
    /// The embedded defaults. keymaps/default.toml is checked by tests/keymap.rs, so an error
    /// here can only come from an untested build; it yields an empty keymap rather than a panic.
    pub fn builtin() -> Keymap {
        static BUILTIN: OnceLock<Keymap> = OnceLock::new();
        BUILTIN.get_or_init(|| Keymap::default().merged(DEFAULT_FILE, DEFAULT_TOML).unwrap_or_default()).clone()
    }

    /// The defaults with the user file `(path shown to the user, text)` merged over them.
    /// Any error leaves the defaults untouched and is returned with its FILE:LINE.
    pub fn load(user: Option<(&str, &str)>) -> (Keymap, Vec<KeymapError>) {
        let builtin = Keymap::builtin();
        let Some((file, text)) = user else {
            return (builtin, Vec::new());
        };
        match builtin.merged(file, text) {
            Ok(keymap) => (keymap, Vec::new()),
            Err(errors) => (builtin, errors),
        }
    }

    /// `user_path` + read + `load`: what the app calls at start-up.
    pub fn from_config(flag: Option<&Path>) -> (Keymap, Vec<KeymapError>) {
        let Some(path) = Keymap::user_path(flag) else {
            return Keymap::load(None);
        };
        let shown = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => Keymap::load(Some((&shown, &text))),
            Err(e) => {
                let message = format!("cannot read the keymap file ({e}); using the default keys");
                (Keymap::builtin(), vec![KeymapError { file: shown, line: 0, message }])
            }
        }
    }

    /// `--keymap FILE` wins; otherwise `$XDG_CONFIG_HOME/jixiao/keymap.toml`
    /// (`~/.config/jixiao/keymap.toml` when XDG_CONFIG_HOME is unset), if that file exists.
    pub fn user_path(flag: Option<&Path>) -> Option<PathBuf> {
        if let Some(path) = flag {
            return Some(path.to_path_buf());
        }
        let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let path = config_file(xdg, home)?;
        path.is_file().then_some(path)
    }

    fn merged(&self, file: &str, text: &str) -> Result<Keymap, Vec<KeymapError>> {
        let bindings = parse_file(file, text)?;
        let mut merged = self.clone();
        // User keys list after the defaults of the same action.
        let base = self.contexts.values().flat_map(|t| t.values()).map(|e| e.order + 1).max();
        for b in &bindings {
            merged.apply(b, base.unwrap_or(0));
        }
        let mut errors = merged.clashes(file, &bindings);
        errors.extend(merged.ways_out(self, file, &bindings));
        if errors.is_empty() { Ok(merged) } else { Err(errors) }
    }

    /// A file may move keys but never take the last way out: ctrl-c always quits (edits are
    /// kept as drafts), and every context that offers back or cancel in `base` keeps a key
    /// for one of them.
    fn ways_out(&self, base: &Keymap, file: &str, bindings: &[Binding]) -> Vec<KeymapError> {
        let error = |line: usize, message: String| KeymapError { file: file.to_string(), line, message };
        let ctrl_c = KeyChord::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let mut errors: Vec<KeymapError> = bindings
            .iter()
            .filter(|b| b.keys == [ctrl_c] && b.action != Action::Quit)
            .map(|b| {
                let message = format!(
                    "in [{}], ctrl-c is bound to \"{}\": ctrl-c always quits (edits are kept as drafts); choose another key",
                    b.context,
                    b.action.name()
                );
                error(b.line, message)
            })
            .collect();
        let has_back = |k: &Keymap, ctx: &str| k.effective_bindings(ctx).iter().any(|(_, a)| matches!(a, Action::Back | Action::Cancel));
        for ctx in base.contexts.keys() {
            if has_back(base, ctx) && !has_back(self, ctx) {
                let line = bindings.iter().filter(|b| b.context == *ctx || b.context == "global").map(|b| b.line).max().unwrap_or(0);
                let message = format!(
                    "[{ctx}] has no key left for \"back\" or \"cancel\": every screen needs a way back; keep esc = \"back\" there or bind another key"
                );
                errors.push(error(line, message));
            }
        }
        errors
    }

    fn apply(&mut self, b: &Binding, base: usize) {
        let table = self.contexts.entry(b.context).or_default();
        if b.action == Action::Noop && b.context == "global" {
            // Nothing lies beneath global, so unbinding is plain removal.
            table.remove(&b.keys);
            return;
        }
        // Rebinding a key to the action it already has keeps its place in help.
        if table.get(&b.keys).is_some_and(|e| e.action == b.action) {
            return;
        }
        let entry = Entry { action: b.action, order: base + b.order };
        table.insert(b.keys.clone(), entry);
    }

    /// A key that is also the start of a sequence in the same context could never fire.
    fn clashes(&self, file: &str, bindings: &[Binding]) -> Vec<KeymapError> {
        let mut errors = Vec::new();
        for b in bindings.iter().filter(|b| b.action != Action::Noop) {
            let Some(table) = self.contexts.get(b.context) else { continue };
            for (keys, entry) in table.iter().filter(|(_, e)| e.action != Action::Noop) {
                let (short, long) =
                    if keys.len() < b.keys.len() { (keys.as_slice(), b.keys.as_slice()) } else { (b.keys.as_slice(), keys.as_slice()) };
                if short.len() == long.len() || !long.starts_with(short) {
                    continue;
                }
                // Both lines of a clash within the file are reported once, at the later line.
                let other_line = bindings.iter().find(|o| o.context == b.context && o.keys == *keys).map(|o| o.line);
                if other_line.is_some_and(|l| l > b.line) {
                    continue;
                }
                errors.push(clash_error(file, b, keys, entry.action, other_line));
            }
        }
        errors.sort_by_key(|e| e.line);
        errors
    }

    fn table(&self, context: &str) -> Option<&Table> {
        self.contexts.get(context)
    }

    /// `global` as seen from `context`: text contexts see none of it.
    fn inherited(&self, context: &str) -> Option<&Table> {
        if context == "global" || TEXT_CONTEXTS.contains(&context) {
            return None;
        }
        self.table("global")
    }

    /// What `pending` means in `context`: its own keys first, then `global` (except in
    /// text contexts). Pending when the keys start a longer sequence and nothing in the
    /// context matches exactly; the app keeps the keys and waits for the next one.
    pub fn resolve(&self, context: &str, pending: &[KeyChord]) -> Resolve {
        if pending.is_empty() {
            return Resolve::Unbound;
        }
        let local = self.table(context);
        let global = self.inherited(context);
        let exact = local.and_then(|t| t.get(pending));
        if let Some(e) = exact.filter(|e| e.action != Action::Noop) {
            return Resolve::Action(e.action);
        }
        if starts_sequence(local, pending) || starts_sequence(global, pending) {
            return Resolve::Pending;
        }
        if exact.is_some() {
            // An explicit "noop" here hides the global key.
            return Resolve::Unbound;
        }
        match global.and_then(|t| t.get(pending)) {
            Some(e) if e.action != Action::Noop => Resolve::Action(e.action),
            _ => Resolve::Unbound,
        }
    }

    /// An exact match in `context` alone, ignoring `global` and sequences: for a text box that
    /// takes every key its context does not claim.
    pub fn resolve_local(&self, context: &str, keys: &[KeyChord]) -> Option<Action> {
        self.table(context)?.get(keys).map(|e| e.action).filter(|a| *a != Action::Noop)
    }

    /// The context's own bindings (not those inherited from `global`), in `Action::ALL` order.
    pub fn bindings(&self, context: &str) -> Vec<(String, Action)> {
        let mut list: Vec<(Action, usize, String)> = self
            .table(context)
            .into_iter()
            .flatten()
            .filter(|(_, e)| e.action != Action::Noop)
            .map(|(k, e)| (e.action, e.order, display_keys(k)))
            .collect();
        list.sort();
        list.into_iter().map(|(a, _, k)| (k, a)).collect()
    }

    /// Every binding that works in `context`: its own, then the `global` ones it does not
    /// hide, each group in `Action::ALL` order. For the help overlay and status-bar hints.
    pub fn effective_bindings(&self, context: &str) -> Vec<(String, Action)> {
        let mut list = self.bindings(context);
        if let Some(global) = self.inherited(context) {
            let mut inherited: Vec<(Action, usize, String)> = global
                .iter()
                .filter(|(k, e)| self.resolve(context, k) == Resolve::Action(e.action))
                .map(|(k, e)| (e.action, e.order, display_keys(k)))
                .collect();
            inherited.sort();
            list.extend(inherited.into_iter().map(|(a, _, k)| (k, a)));
        }
        list
    }

    /// The keys that trigger `action` in `context`, including inherited `global` keys.
    pub fn keys_for(&self, context: &str, action: Action) -> Vec<String> {
        self.effective_bindings(context).into_iter().filter(|(_, a)| *a == action).map(|(k, _)| k).collect()
    }
}

fn starts_sequence(table: Option<&Table>, pending: &[KeyChord]) -> bool {
    table.into_iter().flatten().any(|(keys, e)| e.action != Action::Noop && keys.len() > pending.len() && keys.starts_with(pending))
}

fn config_file(xdg: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    let base = match xdg.filter(|p| p.is_absolute()) {
        Some(dir) => dir,
        None => home.filter(|p| !p.as_os_str().is_empty())?.join(".config"),
    };
    Some(base.join("jixiao").join("keymap.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_prefers_absolute_xdg() {
        let got = config_file(Some("/x".into()), Some("/home/u".into()));
        assert_eq!(got, Some(PathBuf::from("/x/jixiao/keymap.toml")));
        let got = config_file(Some("rel".into()), Some("/home/u".into()));
        assert_eq!(got, Some(PathBuf::from("/home/u/.config/jixiao/keymap.toml")));
        assert_eq!(config_file(None, None), None);
    }

    #[test]
    fn keys_round_trip() {
        for s in ["j", "G", "?", "/", "1", "-", "enter", "shift-tab", "space", "f12", "ctrl-s", "alt-x"] {
            let Ok(key) = parse_key(s) else { panic!("{s} does not parse") };
            assert_eq!(display_key(&key), s);
        }
    }
}
