//! Bounds on what one command may carry, so one careless paste cannot bloat the store for
//! everyone. A text field holds at most 64 KiB: about 21,000 Chinese characters, several
//! times the longest section of an evaluation report; longer text belongs in an evidence file.

/// The most bytes (UTF-8) one text field may hold.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The first string value in `json` longer than `MAX_TEXT_BYTES`, with the key it stands
/// under (its length in bytes as written, escapes counted as written). Reads the JSON text
/// once, without building a value: a command is checked as it is serialized for the audit.
pub fn first_long_text(json: &str) -> Option<(String, usize)> {
    let bytes = json.as_bytes();
    let (mut i, mut key) = (0, String::new());
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        i = start;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let end = i.min(bytes.len());
        i += 1;
        let mut next = i;
        while next < bytes.len() && bytes[next].is_ascii_whitespace() {
            next += 1;
        }
        if bytes.get(next) == Some(&b':') {
            key = json.get(start..end).unwrap_or("").to_string();
        } else if end - start > MAX_TEXT_BYTES {
            return Some((key, end - start));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_key_of_a_long_text() {
        let long = "问".repeat(MAX_TEXT_BYTES / 3 + 1);
        let json = format!(r#"{{"cmd":"record_finding","text":"{long}","category":"资金使用不规范"}}"#);
        assert_eq!(first_long_text(&json), Some(("text".to_string(), long.len())));
        let fine = format!(r#"{{"a":"x\"y","b":["{}"]}}"#, "问".repeat(100));
        assert_eq!(first_long_text(&fine), None);
    }
}
