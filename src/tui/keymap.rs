//! Keymaps: one TOML table per context, `key = "action"`, embedded defaults
//! (keymaps/default.toml) with a user file merged over them key by key (television, yazi).
//! A key may be a sequence of chords ("g g"), resolved one chord at a time (helix).
//! A bad user file never half-applies: the defaults stay and every error says FILE:LINE.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::action::{Action, CONTEXTS};
use crate::i18n::Lang;

const DEFAULT_TOML: &str = include_str!("../../keymaps/default.toml");
const DEFAULT_FILE: &str = "keymaps/default.toml";

/// Contexts where the user types text. They do not inherit `global`: a plain letter must reach
/// the field, and so must enter, arrows, home/end and emacs-style ctrl keys of the text area.
pub const TEXT_CONTEXTS: &[&str] = &["form", "editor"];

/// Named keys, the same spelling in files, help and error messages.
const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
];

/// Modifier prefixes in display order.
const MODIFIERS: &[(&str, KeyModifiers)] =
    &[("ctrl-", KeyModifiers::CONTROL), ("alt-", KeyModifiers::ALT), ("shift-", KeyModifiers::SHIFT)];

/// One key press, normalised so that a file entry and a terminal event compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyChord {
        normalise(code, mods)
    }

    pub fn from_event(event: &KeyEvent) -> KeyChord {
        normalise(event.code, event.modifiers)
    }

    /// A character typed without ctrl/alt: text for a field, not a command there.
    pub fn is_plain_char(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }
}

/// Shift is carried by the character itself ("G"), and shift-tab arrives as BackTab on most
/// terminals but as Tab+SHIFT on some; super/hyper/meta never appear in bindings.
fn normalise(code: KeyCode, mods: KeyModifiers) -> KeyChord {
    let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    let shift = mods.contains(KeyModifiers::SHIFT);
    let code = match code {
        KeyCode::Char(c) => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::Char(if shift { c.to_ascii_uppercase() } else { c })
        }
        KeyCode::BackTab => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::BackTab
        }
        KeyCode::Tab if shift => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::BackTab
        }
        other => other,
    };
    KeyChord { code, mods }
}

fn allowed_keys_hint() -> String {
    let names: Vec<&str> = NAMED_KEYS.iter().map(|(n, _)| *n).collect();
    format!(
        "use one character (j, G, ?, 1) or one of {}, shift-tab, f1..f12, \
         optionally after ctrl-, alt- or shift- (ctrl-s, alt-x); \
         separate the keys of a sequence with spaces (\"g g\")",
        names.join(", ")
    )
}

/// Parses one chord: "j", "G", "?", "enter", "shift-tab", "f5", "ctrl-s", "alt-x".
pub fn parse_key(s: &str) -> Result<KeyChord, String> {
    let (mods, rest) = strip_modifiers(s);
    if rest.is_empty() {
        return Err(format!("\"{s}\" names no key after the modifier; {}", allowed_keys_hint()));
    }
    let code = key_code(rest).ok_or_else(|| unknown_key_message(s, rest))?;
    if mods.contains(KeyModifiers::SHIFT) && matches!(code, KeyCode::Char(c) if c != ' ') {
        let upper = rest.to_uppercase();
        return Err(format!("\"{s}\": write the character itself, like \"{upper}\", not shift-"));
    }
    Ok(normalise(code, mods))
}

/// Peels "ctrl-", "alt-", "shift-" (any order, any case); a lone "-" is the minus key.
fn strip_modifiers(s: &str) -> (KeyModifiers, &str) {
    let mut mods = KeyModifiers::NONE;
    let mut rest = s;
    'outer: loop {
        for (prefix, m) in MODIFIERS {
            let n = prefix.len();
            if rest.len() >= n && rest.is_char_boundary(n) && rest[..n].eq_ignore_ascii_case(prefix) {
                mods |= *m;
                rest = &rest[n..];
                continue 'outer;
            }
        }
        return (mods, rest);
    }
}

fn key_code(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_whitespace()).then_some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, code)) = NAMED_KEYS.iter().find(|(n, _)| *n == lower) {
        return Some(*code);
    }
    let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
    (1..=12).contains(&n).then_some(KeyCode::F(n))
}

fn unknown_key_message(whole: &str, name: &str) -> String {
    let looks_like_sequence = name.chars().count() > 1 && name.chars().all(|c| c.is_alphanumeric());
    let hint = if looks_like_sequence && key_code(name).is_none() {
        let spaced: Vec<String> = name.chars().map(String::from).collect();
        format!(" (for a sequence write \"{}\")", spaced.join(" "))
    } else {
        String::new()
    };
    format!("unknown key \"{whole}\"{hint}; {}", allowed_keys_hint())
}

/// Parses a binding: one chord or several separated by spaces ("g g").
pub fn parse_keys(s: &str) -> Result<Vec<KeyChord>, String> {
    let keys = s.split_whitespace().map(parse_key).collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(format!("empty key; {}", allowed_keys_hint()));
    }
    Ok(keys)
}

/// The inverse of `parse_key`, so help text matches what a keymap file says.
pub fn display_key(key: &KeyChord) -> String {
    let mut out = String::new();
    for (prefix, m) in MODIFIERS {
        if key.mods.contains(*m) {
            out.push_str(prefix);
        }
    }
    match key.code {
        KeyCode::Char(' ') => out.push_str("space"),
        KeyCode::Char(c) => out.push(c),
        KeyCode::BackTab => out.push_str("shift-tab"),
        KeyCode::F(n) => out.push_str(&format!("f{n}")),
        code => match NAMED_KEYS.iter().find(|(_, c)| *c == code) {
            Some((name, _)) => out.push_str(name),
            None => out.push_str(&format!("{code:?}").to_lowercase()),
        },
    }
    out
}

/// A sequence as written in files: chords joined by spaces.
pub fn display_keys(keys: &[KeyChord]) -> String {
    keys.iter().map(display_key).collect::<Vec<_>>().join(" ")
}

/// A problem in a keymap file. Line 0 means the file as a whole (it could not be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for KeymapError {}

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
        let errors = merged.clashes(file, &bindings);
        if errors.is_empty() { Ok(merged) } else { Err(errors) }
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

fn clash_error(file: &str, b: &Binding, other: &[KeyChord], other_action: Action, other_line: Option<usize>) -> KeymapError {
    let (mine, theirs) = (display_keys(&b.keys), display_keys(other));
    let where_other = match other_line {
        Some(l) => format!("line {l}"),
        None => "the defaults".to_string(),
    };
    let (short, long) = if b.keys.len() < other.len() { (&mine, &theirs) } else { (&theirs, &mine) };
    let message = format!(
        "in [{ctx}], \"{mine}\" ({a}) and \"{theirs}\" ({oa}, {where_other}) clash: \
         \"{short}\" is the start of \"{long}\", so \"{short}\" alone could never fire; \
         add \"{short}\" = \"noop\" or choose another key",
        ctx = b.context,
        a = b.action.name(),
        oa = other_action.name(),
    );
    KeymapError { file: file.to_string(), line: b.line, message }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
}

struct FileCx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<KeymapError>,
}

impl FileCx<'_> {
    fn error(&mut self, offset: usize, message: String) {
        let line = line_of(self.text, offset);
        self.errors.push(KeymapError { file: self.file.to_string(), line, message });
    }
}

/// Reads a whole file into checked bindings, or every error it has.
fn parse_file(file: &str, text: &str) -> Result<Vec<Binding>, Vec<KeymapError>> {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            let message = format!("TOML syntax: {}", e.message().trim_end());
            return Err(vec![KeymapError { file: file.to_string(), line, message }]);
        }
    };
    let mut cx = FileCx { file, text, errors: Vec::new() };
    let mut bindings = Vec::new();
    for (name, value) in root.get_ref() {
        let Some(context) = context_named(&mut cx, name) else { continue };
        let DeValue::Table(table) = value.get_ref() else {
            let msg = format!("[{context}] must be a table of key = \"action\" lines");
            cx.error(name.span().start, msg);
            continue;
        };
        for (key, action) in table {
            if let Some(b) = binding(&mut cx, context, key, action) {
                bindings.push(b);
            }
        }
    }
    // The parsed table is sorted by key, not by line; "bound twice" should name the first line.
    bindings.sort_by_key(|b| b.order);
    check_duplicates(&mut cx, &bindings);
    if cx.errors.is_empty() {
        Ok(bindings)
    } else {
        cx.errors.sort_by_key(|e| e.line);
        Err(cx.errors)
    }
}

fn context_named(cx: &mut FileCx<'_>, name: &Spanned<toml::de::DeString<'_>>) -> Option<&'static str> {
    let found = CONTEXTS.iter().map(|(c, _, _)| *c).find(|c| *c == name.get_ref().as_ref());
    if found.is_none() {
        let all: Vec<&str> = CONTEXTS.iter().map(|(c, _, _)| *c).collect();
        let hint = did_you_mean(name.get_ref(), &all);
        let msg = format!("unknown context [{}]{hint}; contexts: {}", name.get_ref(), all.join(", "));
        cx.error(name.span().start, msg);
    }
    found
}

fn binding(
    cx: &mut FileCx<'_>,
    context: &'static str,
    key: &Spanned<toml::de::DeString<'_>>,
    value: &Spanned<DeValue<'_>>,
) -> Option<Binding> {
    let (key_text, at) = (key.get_ref().as_ref(), key.span().start);
    let keys = parse_keys(key_text).map_err(|m| cx.error(at, format!("[{context}] {m}"))).ok();
    let action = action_named(cx, context, key_text, value);
    let (keys, action) = (keys?, action?);
    if TEXT_CONTEXTS.contains(&context) && action != Action::Noop && keys[0].is_plain_char() {
        let msg = format!(
            "[{context}] \"{key_text}\": plain characters are typed into the text, so {context} \
             can only bind ctrl-/alt- keys and named keys (ctrl-x, alt-x, f2, enter)"
        );
        cx.error(at, msg);
        return None;
    }
    Some(Binding { context, keys, action, line: line_of(cx.text, at), order: at })
}

fn action_named(cx: &mut FileCx<'_>, context: &str, key_text: &str, value: &Spanned<DeValue<'_>>) -> Option<Action> {
    let at = value.span().start;
    let DeValue::String(name) = value.get_ref() else {
        let msg = format!("[{context}] \"{key_text}\": the action must be a quoted name, like \"move_down\"");
        cx.error(at, msg);
        return None;
    };
    let action = Action::from_name(name);
    if action.is_none() {
        let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        let hint = did_you_mean(name, &names);
        let msg = format!(
            "[{context}] \"{key_text}\": unknown action \"{name}\"{hint}; \
             the actions are listed in keymaps/README.md"
        );
        cx.error(at, msg);
    }
    action
}

/// Two spellings of one key in a context ("ctrl-s", "Ctrl-s") would silently override each other.
fn check_duplicates(cx: &mut FileCx<'_>, bindings: &[Binding]) {
    let mut seen: HashMap<(&str, &[KeyChord]), usize> = HashMap::new();
    for b in bindings {
        if let Some(first) = seen.insert((b.context, &b.keys), b.line) {
            let keys = display_keys(&b.keys);
            let msg = format!("[{}] \"{keys}\" is bound twice (also on line {first})", b.context);
            cx.error(b.order, msg);
        }
    }
}

fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    let best = candidates.iter().map(|c| (edit_distance(word, c), *c)).min();
    match best {
        Some((d, c)) if d <= 2.max(word.chars().count() / 3) => format!(" (did you mean \"{c}\"?)"),
        _ => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The text of keymaps/README.md, generated from the actions, the contexts and the built-in
/// keymap so the documentation cannot drift (tests/keymap.rs compares it).
pub fn readme() -> String {
    let keymap = Keymap::builtin();
    let mut out = String::new();
    out.push_str(README_INTRO);
    out.push_str(&key_names_section());
    out.push_str("\n## 各屏幕的默认按键 / Default keys by context\n");
    for (context, zh, en) in CONTEXTS {
        out.push_str(&context_section(&keymap, context, zh, en));
    }
    out.push_str(&all_actions_section(&keymap));
    out
}

const README_INTRO: &str = "\
# jixiao 按键 / Keymaps

<!-- Generated by jixiao::tui::keymap::readme(); do not edit by hand.
     Regenerate: JIXIAO_WRITE_KEYMAP_README=1 cargo test --test keymap -->

[`default.toml`](default.toml) holds the built-in keys; it is compiled into jixiao.
To change keys, write a file with only the keys you want to change and either pass it
with `--keymap FILE` or save it as `$XDG_CONFIG_HOME/jixiao/keymap.toml`
(`~/.config/jixiao/keymap.toml`). It is merged over the defaults key by key.
[`vim.toml`](vim.toml) is an example.

默认按键见 `default.toml`（已编译进程序）。要改键，新建一个只写要改的键的文件，用
`--keymap FILE` 指定，或保存为 `$XDG_CONFIG_HOME/jixiao/keymap.toml`
（即 `~/.config/jixiao/keymap.toml`）；它按键逐个覆盖默认值。示例见 `vim.toml`。

```toml
[global]
f2 = \"help\"      # bind a key / 绑定
q = \"noop\"       # unbind a key / 解除绑定
g = \"noop\"
\"g g\" = \"top\"    # a sequence: keys separated by spaces / 按键序列，用空格分隔
```

- One table per context. `global` applies beneath every other context except `form` and
  `editor`: there you type text, so they use only their own keys and cannot bind plain
  characters. 每个屏幕（context）一张表；`global` 作用于除 `form`、`editor` 外的所有屏幕。
- `\"noop\"` unbinds a key in that context (in a context other than `global` it also hides
  the `global` key). `\"noop\"` 解除绑定。
- A key cannot also be the start of a sequence in the same context (`g` and `g g`):
  unbind one of them. 同一屏幕中，一个键不能同时是某个序列的开头。
- If the file has an error, jixiao says `FILE:LINE: what is wrong` and runs with the
  default keys. 文件有误时，jixiao 报告“文件:行号: 原因”，并使用默认按键。
";

fn key_names_section() -> String {
    let names: Vec<String> = NAMED_KEYS.iter().map(|(n, _)| format!("`{n}`")).collect();
    format!(
        "\n## 键名 / Key names\n\n\
         One character as typed (`j`, `G` for shift-g, `?`, `/`, `1`), or {}, `shift-tab`, \
         `f1`…`f12`; modifiers `ctrl-`, `alt-`, `shift-` go in front (`ctrl-s`, `alt-x`).\n\
         单个字符（大写字母即 shift），或上述键名；修饰键写在前面。\n",
        names.join(", ")
    )
}

fn context_section(keymap: &Keymap, context: &str, zh: &str, en: &str) -> String {
    let mut out = format!("\n### `{context}` — {zh} / {en}\n\n");
    out.push_str("| action | keys | 说明 — description |\n|---|---|---|\n");
    for action in Action::ALL {
        let keys: Vec<String> = keymap.bindings(context).into_iter().filter(|(_, a)| a == action).map(|(k, _)| md_code(&k)).collect();
        if !keys.is_empty() {
            out.push_str(&format!("| `{}` | {} | {} |\n", action.name(), keys.join(", "), both(*action)));
        }
    }
    out
}

fn all_actions_section(keymap: &Keymap) -> String {
    let mut out = String::from("\n## 全部动作 / All actions\n\n");
    out.push_str("| action | bound in | 说明 — description |\n|---|---|---|\n");
    for action in Action::ALL {
        let contexts: Vec<String> = CONTEXTS
            .iter()
            .filter(|(c, _, _)| keymap.bindings(c).iter().any(|(_, a)| a == action))
            .map(|(c, _, _)| format!("`{c}`"))
            .collect();
        let bound = if contexts.is_empty() { "—".to_string() } else { contexts.join(", ") };
        out.push_str(&format!("| `{}` | {bound} | {} |\n", action.name(), both(*action)));
    }
    out
}

fn both(action: Action) -> String {
    format!("{} — {}", action.description(Lang::Zh), action.description(Lang::En))
}

/// A key as Markdown code inside a table cell: backticks and pipes must not end either.
fn md_code(key: &str) -> String {
    let code = if key.contains('`') { format!("`` {key} ``") } else { format!("`{key}`") };
    code.replace('|', "\\|")
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

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("mvoe_down", "move_down"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
