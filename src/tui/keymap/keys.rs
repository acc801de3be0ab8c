//! Key chords: parsing "ctrl-s" or "g g" from files, normalising terminal events, and
//! spelling keys back for help and errors.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Contexts where the user types text. They do not inherit `global`: a plain letter must reach
/// the field, and so must enter, arrows, home/end and emacs-style ctrl keys of the text area.
pub const TEXT_CONTEXTS: &[&str] = &["form", "editor", "picker"];

/// Text contexts where Space may be bound: a picker's query never needs a space, and
/// Space marks an entry there.
pub const SPACE_CONTEXTS: &[&str] = &["picker"];

/// Named keys, the same spelling in files, help and error messages.
pub(super) const NAMED_KEYS: &[(&str, KeyCode)] = &[
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
