//! Reading a keymap file into checked bindings: every error with FILE:LINE, a "did you
//! mean" for a misspelt action or context, duplicates and clashes named.

use super::*;

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

pub(super) fn clash_error(file: &str, b: &Binding, other: &[KeyChord], other_action: Action, other_line: Option<usize>) -> KeymapError {
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
pub(super) fn parse_file(file: &str, text: &str) -> Result<Vec<Binding>, Vec<KeymapError>> {
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
    let space_allowed = SPACE_CONTEXTS.contains(&context) && keys[0].code == ratatui::crossterm::event::KeyCode::Char(' ');
    if TEXT_CONTEXTS.contains(&context) && action != Action::Noop && keys[0].is_plain_char() && !space_allowed {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("mvoe_down", "move_down"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
