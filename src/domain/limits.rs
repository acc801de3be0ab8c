//! Bounds on what one command may carry, so one careless paste cannot bloat the store for
//! everyone, and text that stays text. A text field holds at most 64 KiB: about 21,000
//! Chinese characters, several times the longest section of an evaluation report; longer
//! text belongs in an evidence file. Control characters (other than newline and tab) are
//! refused: a unit name holding `ESC ] 2 ;` retitled the terminal of whoever printed it.

/// The most bytes (UTF-8) one text field may hold.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// What is wrong with one text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadText {
    /// Its length in bytes as written (escapes counted as written).
    TooLong(usize),
    /// The first control character in it.
    Control(char),
}

/// The first string value in `json` that is too long or holds a control character, with the
/// key it stands under. Reads the JSON text once, without building a value: a command is
/// checked as it is serialized.
pub fn first_bad_text(json: &str) -> Option<(String, BadText)> {
    let bytes = json.as_bytes();
    let (mut i, mut key) = (0, String::new());
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        i = start;
        let mut control = None;
        while i < bytes.len() && bytes[i] != b'"' {
            if bytes[i] == b'\\' {
                control = control.or_else(|| escaped_control(&bytes[i + 1..]));
                i += 2;
            } else {
                i += 1;
            }
        }
        let end = i.min(bytes.len());
        i += 1;
        let text = json.get(start..end).unwrap_or("");
        let mut next = i;
        while next < bytes.len() && bytes[next].is_ascii_whitespace() {
            next += 1;
        }
        if bytes.get(next) == Some(&b':') {
            key = text.to_string();
            continue;
        }
        // An audit record's `command` (in an imported bundle) is the JSON of a command whose
        // own fields were bounded: it may pass the limit by its escapes and field names.
        if end - start > MAX_TEXT_BYTES && key != "command" {
            return Some((key, BadText::TooLong(end - start)));
        }
        if let Some(c) = control.or_else(|| text.chars().find(|c| crate::text::is_control(*c))) {
            return Some((key, BadText::Control(c)));
        }
    }
    None
}

/// The control character a JSON escape stands for (`\r`, `\b`, `\f`, `\u001b` …); newline
/// and tab are text.
fn escaped_control(rest: &[u8]) -> Option<char> {
    let c = match rest.first()? {
        b'r' => '\r',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'u' => {
            let hex = std::str::from_utf8(rest.get(1..5)?).ok()?;
            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
        }
        _ => return None,
    };
    crate::text::is_control(c).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_key_of_a_long_text() {
        let long = "问".repeat(MAX_TEXT_BYTES / 3 + 1);
        let json = format!(r#"{{"cmd":"record_finding","text":"{long}","category":"资金使用不规范"}}"#);
        assert_eq!(first_bad_text(&json), Some(("text".to_string(), BadText::TooLong(long.len()))));
        let fine = format!(r#"{{"a":"x\"y\n\t","b":["{}"]}}"#, "问".repeat(100));
        assert_eq!(first_bad_text(&fine), None);
    }

    #[test]
    fn names_the_key_of_a_control_character() {
        let json = serde_json::json!({"cmd": "create_project", "unit": "市水利局\u{1b}]2;pwned\u{7}"}).to_string();
        assert_eq!(first_bad_text(&json), Some(("unit".to_string(), BadText::Control('\u{1b}'))));
        let c1 = serde_json::json!({"contact": "王\u{9b}31m"}).to_string();
        assert_eq!(first_bad_text(&c1), Some(("contact".to_string(), BadText::Control('\u{9b}'))));
        let cr = serde_json::json!({"text": "第一行\r\n第二行"}).to_string();
        assert_eq!(first_bad_text(&cr), Some(("text".to_string(), BadText::Control('\r'))));
    }
}
