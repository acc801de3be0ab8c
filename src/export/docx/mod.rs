//! A small .docx (WordprocessingML) writer of our own: a document is a page setup and a list
//! of blocks (title, headings 1–3, paragraphs, tables with merged cells, page breaks), each
//! naming one of our paragraph styles (`Style`), written into a zip with the `zip` crate.
//!
//! Why not docx-rs: this is smaller and clearer, pulls no image crates, and keeps full
//! control over what LibreOffice and WPS need to draw tables right (an explicit `w:tblGrid`
//! and a `w:tcW` on every cell) and over the east-Asian font slot (`w:eastAsia`).
//!
//! Styles come from `styles::DEFAULT` (公文 fonts and sizes, DOMAIN.md §10) or from a
//! reference .docx (`Reference::read`, like pandoc's --reference-doc): blocks name styles,
//! so a bureau's fonts and sizes apply without touching the blocks.

mod document;
mod package;
pub mod styles;
mod table;
pub mod xml;

pub use styles::Reference;

use crate::domain::Result;

/// A twip is 1/20 pt; a millimetre is 56.69 twips.
pub fn mm(mm: f64) -> u32 {
    (mm * 1440.0 / 25.4).round() as u32
}

/// The page: size and margins in twips, and the text grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSetup {
    pub width: u32,
    pub height: u32,
    pub top: u32,
    pub right: u32,
    pub bottom: u32,
    pub left: u32,
    /// From the page's top edge to the header, and from its bottom edge to the footer.
    pub header: u32,
    pub footer: u32,
    pub grid: Option<Grid>,
}

/// `w:docGrid`: the line pitch in twips; with `chars`, the character pitch too, as Word's
/// char space (1/4096 pt relative to the Normal style's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub line_pitch: u32,
    pub chars: Option<i32>,
}

impl PageSetup {
    /// A4 as GB/T 9704-2012 lays out a 公文 (DOMAIN.md §10): top 37 mm, left 28 mm, a text
    /// block of 156 × 225 mm (so right 26 mm, bottom 35 mm), 22 lines of 28 characters.
    ///
    /// The grid is of lines only: LibreOffice (7.x, 24.x) draws a linesAndChars grid with
    /// characters at twice their pitch (14 a line), so the 28 characters come from the
    /// Normal style instead: 3号 condensed by 0.25 pt (see styles.rs).
    pub fn a4_gongwen() -> Self {
        let (text_w, text_h) = (mm(156.0), mm(225.0));
        let (width, height, top, left) = (11906, 16838, mm(37.0), mm(28.0));
        PageSetup {
            width,
            height,
            top,
            left,
            right: width - left - text_w,
            bottom: height - top - text_h,
            header: mm(15.0),
            // The page number's line sits about 7 mm under the text block.
            footer: mm(23.0),
            grid: Some(Grid { line_pitch: text_h / 22, chars: None }),
        }
    }

    /// The width of the text block in twips.
    pub fn text_width(&self) -> u32 {
        self.width.saturating_sub(self.left + self.right)
    }
}

/// Our paragraph styles. A reference document's style is found by id, else by name (Word
/// in Chinese saves 标题 1 under the id `1`, named `heading 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Normal,
    /// Body text: first line indented two characters.
    BodyText,
    Title,
    Subtitle,
    Heading1,
    Heading2,
    Heading3,
    /// A 公文's number (发文字号) under the masthead, centred, a red rule below.
    DocNumber,
    /// A line flush with the left margin (a notice's recipient, 主送机关).
    Recipient,
    /// The issuer and date at the end, right-aligned.
    Signature,
    TableText,
    Footer,
}

impl Style {
    pub const ALL: [Style; 12] = [
        Style::Normal,
        Style::BodyText,
        Style::Title,
        Style::Subtitle,
        Style::Heading1,
        Style::Heading2,
        Style::Heading3,
        Style::DocNumber,
        Style::Recipient,
        Style::Signature,
        Style::TableText,
        Style::Footer,
    ];

    /// The style id we write.
    pub fn id(self) -> &'static str {
        match self {
            Style::Normal => "Normal",
            Style::BodyText => "BodyText",
            Style::Title => "Title",
            Style::Subtitle => "Subtitle",
            Style::Heading1 => "Heading1",
            Style::Heading2 => "Heading2",
            Style::Heading3 => "Heading3",
            Style::DocNumber => "DocNumber",
            Style::Recipient => "Recipient",
            Style::Signature => "Signature",
            Style::TableText => "TableText",
            Style::Footer => "Footer",
        }
    }

    /// The style's name (`w:name`), what Word matches across languages.
    pub fn name(self) -> &'static str {
        match self {
            Style::Normal => "Normal",
            Style::BodyText => "Body Text",
            Style::Title => "Title",
            Style::Subtitle => "Subtitle",
            Style::Heading1 => "heading 1",
            Style::Heading2 => "heading 2",
            Style::Heading3 => "heading 3",
            Style::DocNumber => "Document Number",
            Style::Recipient => "Recipient",
            Style::Signature => "Signature",
            Style::TableText => "Table Text",
            Style::Footer => "footer",
        }
    }

    pub fn heading(level: u8) -> Style {
        match level {
            0 | 1 => Style::Heading1,
            2 => Style::Heading2,
            _ => Style::Heading3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// The style's own alignment.
    #[default]
    Style,
    Left,
    Center,
    Right,
    /// Justified (两端对齐).
    Both,
}

impl Align {
    fn val(self) -> Option<&'static str> {
        match self {
            Align::Style => None,
            Align::Left => Some("left"),
            Align::Center => Some("center"),
            Align::Right => Some("right"),
            Align::Both => Some("both"),
        }
    }
}

/// A piece of a paragraph's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

/// A paragraph in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub style: Style,
    pub runs: Vec<Run>,
    pub align: Align,
}

impl Para {
    pub fn new(style: Style, text: impl Into<String>) -> Self {
        Para { style, runs: vec![Run { text: text.into(), bold: false }], align: Align::Style }
    }
    /// A bold label followed by plain text (`问题事实：…`).
    pub fn labelled(style: Style, label: impl Into<String>, text: impl Into<String>) -> Self {
        let runs = vec![Run { text: label.into(), bold: true }, Run { text: text.into(), bold: false }];
        Para { style, runs, align: Align::Style }
    }
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
}

/// One block of the document, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocBlock {
    /// The document's title (style Title).
    Title(String),
    /// A heading, level 1..=3 (outline levels, so a table of contents finds it).
    Heading {
        level: u8,
        text: String,
    },
    Para(Para),
    /// An empty paragraph in the Normal style: one line of space.
    Blank,
    PageBreak,
    Table(Table),
}

/// A table on an explicit grid: `widths` are the grid's columns in twips; each row's cells
/// span columns (`grid_span`) that add up to the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub widths: Vec<u32>,
    pub rows: Vec<Row>,
    /// How many leading rows repeat at the top of every page.
    pub header_rows: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
}

/// Vertical merging: the first cell of a merged run is `Start`, those under it `Continue`
/// (their text is not shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VMerge {
    Start,
    Continue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub bold: bool,
    pub align: Align,
    pub v_merge: Option<VMerge>,
    /// How many grid columns the cell covers (at least 1).
    pub grid_span: u16,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Cell { text: text.into(), bold: false, align: Align::Style, v_merge: None, grid_span: 1 }
    }
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
    pub fn span(mut self, columns: u16) -> Self {
        self.grid_span = columns.max(1);
        self
    }
    pub fn merge(mut self, v: VMerge) -> Self {
        self.v_merge = Some(v);
        self
    }
}

/// A whole document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub page: PageSetup,
    pub blocks: Vec<DocBlock>,
    /// A PAGE field in the footer, as a 公文 numbers pages: `— 1 —`, odd pages right, even
    /// pages left.
    pub footer_page_numbers: bool,
    /// The document's title in its properties (docProps/core.xml).
    pub title: String,
}

impl Document {
    pub fn new(title: impl Into<String>) -> Self {
        Document { page: PageSetup::a4_gongwen(), blocks: Vec::new(), footer_page_numbers: true, title: title.into() }
    }

    /// The .docx file's bytes: our styles, or the reference's (its page setup too, when it
    /// has one). A table whose rows do not fill its grid is an error naming the row.
    pub fn to_docx(&self, reference: Option<&Reference>) -> Result<Vec<u8>> {
        let styles = match reference {
            Some(r) => r.styles(),
            None => styles::Resolved::ours(),
        };
        let page = reference.and_then(|r| r.page).unwrap_or(self.page);
        let body = document::body(self, &page, &styles)?;
        package::zip(self, &body, &styles)
    }
}
