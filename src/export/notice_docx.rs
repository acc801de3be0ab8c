//! The rectification notice as a 公文 .docx (GB/T 9704 as DOMAIN.md §10 gives it): the
//! number centred above a red rule, the title centred in 2号, the recipient flush left,
//! body paragraphs and labelled fields indented two characters, problems headed 一、 in
//! 黑体, the issuer and date right-aligned at the end, page numbers `— 1 —`. Built from the
//! same `notice::blocks` as the Markdown and text renderings.

use super::docx::{DocBlock, Document, Para, Style};
use super::notice::{Block, NoticeDoc, VOID_MARK, blocks};

/// Blank lines left above the issuer for the seal.
const SEAL_LINES: usize = 2;

pub fn to_document(doc: &NoticeDoc) -> Document {
    let all = blocks(doc);
    let mut out = Document::new(all.iter().find_map(|b| if let Block::Title(t) = b { Some(t.clone()) } else { None }).unwrap_or_default());
    let mut prev: Option<&Block> = None;
    for b in &all {
        let para = |style: Style, text: &str| DocBlock::Para(Para::new(style, text));
        match b {
            Block::Void(text) => {
                out.blocks.push(DocBlock::Para(Para::labelled(Style::Subtitle, VOID_MARK, "")));
                out.blocks.push(para(Style::BodyText, text));
            }
            Block::Number(n) => out.blocks.push(para(Style::DocNumber, n)),
            Block::Title(t) => out.blocks.push(DocBlock::Title(t.clone())),
            Block::Recipient(t) => out.blocks.push(para(Style::Recipient, t)),
            Block::Para(t) => out.blocks.push(para(Style::BodyText, t)),
            Block::Heading(t) => out.blocks.push(DocBlock::Heading { level: 1, text: t.clone() }),
            Block::Field(label, t) | Block::Note(label, t) => out.blocks.push(para(Style::BodyText, &format!("{label}：{t}"))),
            Block::Sign(t) => {
                if !matches!(prev, Some(Block::Sign(_))) {
                    (0..SEAL_LINES).for_each(|_| out.blocks.push(DocBlock::Blank));
                }
                out.blocks.push(para(Style::Signature, t));
            }
        }
        prev = Some(b);
    }
    out
}
