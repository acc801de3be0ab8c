//! CSV as Excel and WPS save it in China: UTF-8 (with or without BOM), else GBK/GB18030,
//! UTF-16 with a BOM ("Unicode 文本"); comma or tab delimited (sniffed from the first line
//! that has either);
//! RFC 4180 quotes with embedded quotes and line breaks. One sheet, named after the file stem.

use super::{Cell, Grid};
use crate::domain::{Error, Result};

/// The grid and a note when the text was not UTF-8.
pub(super) fn read(shown: &str, stem: &str, bytes: &[u8]) -> Result<(Grid, Option<String>)> {
    let (text, note) = decode(bytes);
    if text.contains('\0') {
        return Err(Error::invalid(
            format!("文件 {shown}"),
            "内容",
            "不是 Excel（.xlsx/.xls）也不是 CSV 文本：在 Excel/WPS 中打开，另存为 .xlsx 再导入",
        ));
    }
    let delimiter = sniff(&text);
    let (records, lines) = parse(&text, delimiter);
    let rows = records
        .into_iter()
        .map(|fields| {
            let mut row: Vec<Cell> = fields.into_iter().map(|f| if f.trim().is_empty() { Cell::Empty } else { Cell::Text(f) }).collect();
            while row.last().is_some_and(|c| *c == Cell::Empty) {
                row.pop();
            }
            row
        })
        .collect();
    let mut grid = Grid::new(stem, false, rows, Vec::new());
    grid.lines = Some(lines);
    Ok((grid, note))
}

fn decode(bytes: &[u8]) -> (String, Option<String>) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), None);
    }
    if bytes.starts_with(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_with_bom_removal(bytes);
        return (text.into_owned(), Some("按 UTF-16 编码读取".into()));
    }
    if bytes.starts_with(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_with_bom_removal(bytes);
        return (text.into_owned(), Some("按 UTF-16 编码读取".into()));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            let note = if bad {
                "不是 UTF-8，按 GBK（GB18030）编码读取，但有读不出的字节（显示为 �）：在 Excel/WPS 中另存为 .xlsx 再导入"
            } else {
                "按 GBK（GB18030）编码读取"
            };
            (text.into_owned(), Some(note.into()))
        }
    }
}

/// Tab when the first lines (outside quotes) have more tabs than commas, else comma: the
/// first line that has either decides (a title line above the table has neither).
fn sniff(text: &str) -> char {
    let (mut commas, mut tabs, mut quoted, mut lines) = (0, 0, false, 0);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            '\t' if !quoted => tabs += 1,
            '\n' if !quoted && (commas + tabs > 0 || lines > 20) => break,
            '\n' if !quoted => lines += 1,
            _ => {}
        }
    }
    if tabs > commas { '\t' } else { ',' }
}

/// RFC 4180 records, and the line each begins on (1-based).
fn parse(text: &str, delimiter: char) -> (Vec<Vec<String>>, Vec<usize>) {
    let mut records = Vec::new();
    let mut lines = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == delimiter => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                lines.push(start);
                line += 1;
                start = line;
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        record.push(field);
        records.push(record);
        lines.push(start);
    }
    (records, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_embedded_newlines_and_line_numbers() {
        let (recs, lines) = parse("a,b\r\n\"x,1\",\"say \"\"hi\"\"\nthere\"\r\nc,d", ',');
        assert_eq!(recs, vec![vec!["a", "b"], vec!["x,1", "say \"hi\"\nthere"], vec!["c", "d"]]);
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn tab_sniffed() {
        assert_eq!(sniff("序号\t名称\t金额,万元\n1\t2\t3"), '\t');
        assert_eq!(sniff("a,b,c\n"), ',');
    }
}
