//! XML text for the parts: escaping, and the few attribute reads a reference .docx needs.
//! Control characters are shown as `\u{1b}` (text::sanitize) before escaping, so an ESC
//! stored in a finding never reaches a document raw (XML 1.0 forbids most of them anyway).

use crate::text::sanitize;

/// Text made safe for an element's content or an attribute value.
pub fn escape(text: &str) -> String {
    let shown = sanitize(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not XML 1.0 characters at all; sanitize leaves the non-characters.
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Runs of text as `w:t` elements: a tab becomes `w:tab`, a line break `w:br`.
pub fn text_runs(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", escape(piece)));
            }
        }
    }
    out
}

/// The opening tags named `name` (`w:style`, `w:pgMar`) in `xml`, each as the text between
/// `<` and `>`, with the byte offset where it ends.
pub fn tags<'a>(xml: &'a str, name: &'a str) -> impl Iterator<Item = (&'a str, usize)> + 'a {
    let open = format!("<{name}");
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let at = from + xml.get(from..)?.find(&open)?;
            let rest = &xml[at + open.len()..];
            let end = at + open.len() + rest.find('>')?;
            from = end + 1;
            // `<w:styles` is not `<w:style`.
            if rest.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
                return Some((&xml[at + 1..end], end + 1));
            }
        }
    })
}

/// An attribute's value in a tag's text (`w:styleId="Heading1"`), either quote, unescaped
/// for the few entities attribute values use.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(found) = tag.get(from..)?.find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || tag[..at].ends_with(char::is_whitespace);
        let rest = tag[at + name.len()..].trim_start();
        let Some(rest) = rest.strip_prefix('=').map(str::trim_start) else { continue };
        if !before_ok {
            continue;
        }
        let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value = &rest[1..];
        let end = value.find(quote)?;
        return Some(unescape(&value[..end]));
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_shows_controls() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        let e = escape("前\u{1b}[31m后");
        assert!(!e.contains('\u{1b}') && e.contains("\\u{1b}[31m"), "{e}");
        assert_eq!(
            text_runs("一\t二\n三"),
            "<w:t xml:space=\"preserve\">一</w:t><w:tab/><w:t xml:space=\"preserve\">二</w:t><w:br/><w:t xml:space=\"preserve\">三</w:t>"
        );
    }

    #[test]
    fn reads_tags_and_attributes() {
        let xml = r#"<w:styles x="1"><w:style w:type='paragraph' w:styleId="1"><w:name w:val="heading 1"/></w:style></w:styles>"#;
        let found: Vec<_> = tags(xml, "w:style").map(|(t, _)| t).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(attr(found[0], "w:styleId").as_deref(), Some("1"));
        assert_eq!(attr(found[0], "w:type").as_deref(), Some("paragraph"));
        assert_eq!(attr(found[0], "w:Id"), None);
    }
}
