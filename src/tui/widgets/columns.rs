//! Column widths for the lists (projects, deadlines, items, the ledger): what identifies a
//! row and its figures keep their width, text columns give way. A code, a date or a number
//! is never cut (`Col::keep`); the name gets the spare cells first (`grow`); when the row
//! does not fit, text columns shrink (highest `shrink` first) down to their minimum, then
//! whole columns are left out (highest `drop` first).

use crate::text::{pad_left, pad_right, width};

/// One column: the cells it wants (its widest value or title), the least it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub want: usize,
    /// The least before columns are left out.
    pub min: usize,
    /// The least at all, when nothing more can be left out.
    pub floor: usize,
    /// Takes the spare cells when everything fits (the name).
    pub grow: bool,
    /// Order of giving way: the highest shrinks first; 0 shrinks last.
    pub shrink: u8,
    /// Order of leaving out: 0 never; the highest goes first.
    pub drop: u8,
    /// Right-aligned (amounts, counts).
    pub right: bool,
}

impl Col {
    /// A column never cut: codes, dates, amounts, counts.
    pub fn keep(want: usize) -> Col {
        Col { want, min: want, floor: want, grow: false, shrink: 0, drop: 0, right: false }
    }

    /// A text column that may give way down to `min` cells (columns are left out before it
    /// is cut further, then down to 4 cells).
    pub fn text(want: usize, min: usize) -> Col {
        let min = min.min(want);
        Col { want, min, floor: min.min(4), grow: false, shrink: 1, drop: 0, right: false }
    }

    /// The widest of a title and values, in cells.
    pub fn measure<'a>(title: &str, values: impl IntoIterator<Item = &'a str>) -> usize {
        values.into_iter().map(width).chain([width(title)]).max().unwrap_or(0)
    }

    pub fn grow(self) -> Col {
        Col { grow: true, shrink: 0, ..self }
    }

    pub fn shrink(self, order: u8) -> Col {
        Col { shrink: order, ..self }
    }

    pub fn drop(self, order: u8) -> Col {
        Col { drop: order, ..self }
    }

    pub fn right(self) -> Col {
        Col { right: true, ..self }
    }
}

/// The width of each column in `total` cells, one space between columns; 0 is a column
/// left out.
pub fn fit(cols: &[Col], total: usize) -> Vec<usize> {
    let mut on: Vec<bool> = vec![true; cols.len()];
    loop {
        let shown: Vec<usize> = (0..cols.len()).filter(|i| on[*i]).collect();
        let gaps = shown.len().saturating_sub(1);
        let want: usize = shown.iter().map(|i| cols[*i].want).sum::<usize>() + gaps;
        let least: usize = shown.iter().map(|i| cols[*i].min).sum::<usize>() + gaps;
        let mut widths: Vec<usize> = (0..cols.len()).map(|i| if on[i] { cols[i].want } else { 0 }).collect();
        if want <= total {
            // Spare cells to the growing column (else the last shown, so rows end together).
            let spare = total - want;
            if let Some(i) = shown.iter().copied().find(|i| cols[*i].grow).or(shown.last().copied()) {
                widths[i] += spare;
            }
            return widths;
        }
        if least <= total {
            let mut deficit = want - total;
            let mut order = shown.clone();
            order.sort_by_key(|i| std::cmp::Reverse(cols[*i].shrink));
            for i in order {
                let take = deficit.min(cols[i].want - cols[i].min);
                widths[i] -= take;
                deficit -= take;
            }
            return widths;
        }
        match shown.iter().copied().filter(|i| cols[*i].drop > 0).max_by_key(|i| (cols[*i].drop, *i)) {
            Some(i) => on[i] = false,
            // Nothing left to leave out: text columns below their minimum, down to the floor.
            None => {
                let mut widths: Vec<usize> = (0..cols.len()).map(|i| if on[i] { cols[i].min } else { 0 }).collect();
                let mut deficit = least - total;
                let mut order = shown.clone();
                order.sort_by_key(|i| std::cmp::Reverse(cols[*i].shrink));
                for i in order {
                    let take = deficit.min(cols[i].min - cols[i].floor);
                    widths[i] -= take;
                    deficit -= take;
                }
                return widths;
            }
        }
    }
}

/// One row: each shown cell padded (or cut) to its width, one space between.
pub fn row<S: AsRef<str>>(cells: &[S], cols: &[Col], widths: &[usize]) -> String {
    let mut out = String::new();
    for ((cell, col), w) in cells.iter().zip(cols).zip(widths) {
        if *w == 0 {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&if col.right { pad_left(cell.as_ref(), *w) } else { pad_right(cell.as_ref(), *w) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<Col> {
        vec![
            Col::keep(7),                       // code
            Col::text(30, 8).grow(),            // name
            Col::text(12, 6).shrink(2).drop(2), // unit
            Col::keep(10).right(),              // amount
            Col::keep(5).drop(1),               // date
        ]
    }

    #[test]
    fn spare_cells_go_to_the_name() {
        let w = fit(&cols(), 100);
        assert_eq!(w, vec![7, 30 + 32, 12, 10, 5]);
        assert_eq!(w.iter().sum::<usize>() + 4, 100);
    }

    #[test]
    fn the_unit_gives_way_before_the_name_and_codes_and_figures_keep_their_width() {
        let w = fit(&cols(), 60);
        assert_eq!(w[0], 7);
        assert_eq!((w[3], w[4]), (10, 5));
        assert_eq!(w[2], 6, "unit down to its minimum first");
        assert_eq!(w.iter().sum::<usize>() + 4, 60);
        assert_eq!(w[1], 60 - 4 - 7 - 6 - 10 - 5);
    }

    #[test]
    fn columns_are_left_out_when_even_the_minimums_do_not_fit() {
        let w = fit(&cols(), 36);
        assert_eq!(w[2], 0, "the unit goes first");
        assert_eq!((w[0], w[3], w[4]), (7, 10, 5));
        assert!(w[1] >= 8, "{w:?}");
        let w = fit(&cols(), 28);
        assert_eq!((w[0], w[1], w[2], w[3], w[4]), (7, 9, 0, 10, 0), "then the date");
        // Narrower still: the name is cut below its minimum, the code and the amount never.
        assert_eq!(fit(&cols(), 23), vec![7, 4, 0, 10, 0]);
    }

    #[test]
    fn a_row_pads_each_cell_and_skips_those_left_out() {
        let c = cols();
        let w = fit(&c, 36);
        let r = row(&["ZD21-01", "2020年部门整体支出绩效评价", "融媒体中心", "1283.08", "11-20"], &c, &w);
        assert_eq!(width(&r), 36, "{r}");
        assert!(r.starts_with("ZD21-01 2020年部门") && r.ends_with("1283.08 11-20"), "{r}");
    }
}
