//! What counts as English prose in text meant for the Chinese UI: a run of ASCII letters that
//! is not a code, a flag, a path, a placeholder, a unit, a key name, a file kind or a name
//! that stays as it is (jixiao, LibreOffice). Shared by the tests that walk the zh catalogs,
//! the zh snapshots and the Chinese `--help`.

/// Words kept in the Chinese UI as they are: program and format names, key names, units,
/// values typed as they are (`--format table`), config keys.
const KEPT: &[&str] = &[
    // programs, formats, file kinds
    "jixiao",
    "sled",
    "LibreOffice",
    "Markdown",
    "pandoc",
    "chmod",
    "sha256",
    "sha256sum",
    "xdg-open",
    "sqlite",
    "ssh",
    "tmux",
    "JSON",
    "CSV",
    "XLSX",
    "PDF",
    "json",
    "csv",
    "xlsx",
    "xls",
    "xlsm",
    "md",
    "txt",
    "docx",
    "pdf",
    "zip",
    "toml",
    "UTF-8",
    "utf-8",
    // key names
    "Enter",
    "Esc",
    "Tab",
    "Shift",
    "Ctrl",
    "Alt",
    "Backspace",
    "Del",
    "Delete",
    "Home",
    "End",
    "PgUp",
    "PgDn",
    "Space",
    "enter",
    "esc",
    "tab",
    "shift",
    "ctrl",
    "alt",
    "backspace",
    "del",
    "home",
    "end",
    "pgup",
    "pgdn",
    "space",
    "up",
    "down",
    "left",
    "right",
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
    "F7",
    "F8",
    "F9",
    "F10",
    // typed values and config keys
    "zh",
    "en",
    "table",
    "cases",
    "indicators",
    "self-eval",
    "score-table",
    "data",
    "lang",
    "keymap",
    "mouse",
    "ambiguous_width",
    "narrow",
    "wide",
    "true",
    "false",
    "yy",
    "xx",
    "zj", // what the picker test types (pinyin initials)
    "noop",
    "pinyin",
    // commands named in help and messages
    "demo",
    "template",
    "export",
    "ledger",
    "due",
    "notice",
    "report",
    "backup",
    "import",
    "exec",
    "check",
    "archive",
    "verify",
    "search",
    // values of `search --in`
    "basis",
    "findings",
    "items",
    "responses",
    "evidence",
    "admin",
    "doctor",
    "serve",
    "help",
    "add",
    "remove",
    "list",
    "show",
    "systemctl",
    "pageup",
    "pagedown",
    // user data: the OS user names of the fixtures and the demo (who scored, who changed)
    "zhangsan",
    "wangfang",
    "lisi",
    "lina",
    "zhangwei",
    "liuyang",
    "zhang",
    "start",
];

/// The English words in `text` that the Chinese UI should not show.
pub fn english_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Runs of what codes, paths and flags are made of; prose words are runs of letters only.
    let is_code_char = |c: char| c.is_ascii_alphanumeric() || "._/$~{}<>|@-+#=:[]*?%\\'\"`,;()!&^".contains(c);
    let mut rest = text;
    while let Some(start) = rest.find(is_code_char) {
        let tail = &rest[start..];
        let end = tail.find(|c: char| !is_code_char(c)).unwrap_or(tail.len());
        let (run, after) = (&tail[..end], &tail[end..]);
        rest = after;
        if after.starts_with('…') || after.starts_with('⋯') {
            continue; // cut to fit: what it was cannot be told
        }
        let word = run.trim_matches(|c: char| ",;:()[]!?'\"`.".contains(c));
        // Days written the English way (+6d, -15d) where the Chinese says 还有6天 / 逾期6天.
        let digits = word.trim_start_matches(['+', '-']);
        if digits.len() > 1 && digits.ends_with('d') && digits[..digits.len() - 1].chars().all(|c| c.is_ascii_digit()) {
            out.push(word.to_string());
            continue;
        }
        if word.is_empty() || !word.chars().any(|c| c.is_ascii_lowercase()) {
            continue; // numbers, codes such as ZD21-06, placeholders such as FILE or YYYY-MM-DD
        }
        if word.contains(['-', '.', '/', '$', '<', '{', '|', '@', '_', '=', '~', '#', '%', '\\'])
            && !word.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
        {
            continue; // flags, paths, files, env vars, templates
        }
        if ["Ctrl-", "ctrl-", "Shift-", "shift-", "Alt-", "alt-"].iter().any(|k| word.starts_with(k)) {
            continue; // a key combination
        }
        if word.starts_with('-') || word.starts_with('+') || KEPT.contains(&word) || word.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if word.chars().all(|c| c.is_ascii_alphabetic()) && word.len() <= 1 {
            continue; // a key such as y, n, e, k
        }
        out.push(word.to_string());
    }
    out
}

#[allow(dead_code)]
/// Full-width punctuation the English UI should not show.
pub fn full_width(text: &str) -> Vec<char> {
    // “” are English quotes too; the full-width forms are Chinese only.
    text.chars().filter(|c| "，。：；！？（）「」『』【】、｜".contains(*c)).collect()
}
