//! Small widgets shared by screens.

pub mod input;

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
