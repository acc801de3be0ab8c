//! Small widgets shared by screens.

pub mod columns;
pub mod input;
pub mod picker;

/// The first visible row of a list `height` rows tall so that `selected` stays on screen,
/// moving the remembered offset as little as possible (view state, kept in a Cell because
/// drawing takes `&self`).
pub fn follow(offset: &std::cell::Cell<usize>, selected: usize, height: usize) -> usize {
    let mut first = offset.get();
    if selected < first {
        first = selected;
    } else if selected >= first + height {
        first = selected + 1 - height;
    }
    offset.set(first);
    first
}

/// Where a list's rows were last drawn and which item the first of them shows, so a mouse
/// click can find its row (kept in a Cell: drawing takes `&self`).
#[derive(Default)]
pub struct Drawn(std::cell::Cell<(ratatui::layout::Rect, usize)>);

impl Drawn {
    pub fn set(&self, rows: ratatui::layout::Rect, first: usize) {
        self.0.set((rows, first));
    }

    /// The item under a click at (`col`, `row`), if one of the `len` items is drawn there.
    pub fn row_at(&self, col: u16, row: u16, len: usize) -> Option<usize> {
        let (area, first) = self.0.get();
        let inside = area.contains(ratatui::layout::Position { x: col, y: row });
        let i = first + usize::from(row.wrapping_sub(area.y));
        (inside && i < len).then_some(i)
    }
}

/// Moves a list selection for the navigation actions (one row, a page of 10, top,
/// bottom); returns false for any other action.
pub fn navigate(selected: &mut usize, len: usize, action: crate::tui::action::Action) -> bool {
    use crate::tui::action::Action;
    let last = len.saturating_sub(1);
    *selected = match action {
        Action::MoveDown => (*selected + 1).min(last),
        Action::MoveUp => selected.saturating_sub(1),
        Action::PageDown => (*selected + 10).min(last),
        Action::PageUp => selected.saturating_sub(10),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}

/// Wraps lines wider than `width` by cells (ratatui's word wrap can overrun a border with
/// wide characters and breaks Chinese only at spaces). A wrapped line keeps the style of its
/// last span, the value after a label.
pub fn wrap_lines(lines: Vec<ratatui::text::Line<'static>>, width: usize) -> Vec<ratatui::text::Line<'static>> {
    use ratatui::text::{Line, Span};
    lines
        .into_iter()
        .flat_map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if crate::text::width(&text) <= width {
                return vec![l];
            }
            let style = l.spans.last().map(|s| s.style).unwrap_or_default();
            crate::text::wrap(&text, width).into_iter().map(|t| Line::from(Span::styled(t, style))).collect()
        })
        .collect()
}
