//! Moving through the scoring tree without the arrow keys: `/` finds indicators by name (the
//! cursor jumps as you type, matches are marked; Enter keeps the find, `n`/`N` go to the
//! next/previous match, Esc goes back to where it started), `]`/`[` go to the next/previous
//! unscored leaf, `}`/`{` to the next/previous leaf lacking evidence or a finished review.
//! Every node of the tree is always shown (no level folds), so a match is always in sight.

use crate::domain::review::{ProjectReviews, ReviewState};
use crate::domain::tree::IndicatorTree;
use crate::read::search::{find, fold};
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect};
use crate::tui::strings::{Msg, fill};
use crate::tui::widgets::input::LineInput;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

#[derive(Default)]
pub struct TreeFind {
    pub input: LineInput,
    /// The name is being typed (the keys go to the input).
    pub typing: bool,
    /// The row the find started from (Esc returns there).
    origin: usize,
}

impl TreeFind {
    /// The text looked for, lowercased for matching; empty when no find is on.
    fn needle(&self) -> String {
        fold(self.input.value().trim())
    }

    pub fn is_on(&self) -> bool {
        self.typing || !self.needle().is_empty()
    }

    /// Whether a node's name is a match of the find on now.
    pub fn is_match(&self, name: &str) -> bool {
        let n = self.needle();
        !n.is_empty() && find(name, &n).is_some()
    }

    /// Rows whose name matches, in tree order.
    pub fn matches(&self, tree: &IndicatorTree) -> Vec<usize> {
        let n = self.needle();
        if n.is_empty() {
            return vec![];
        }
        tree.nodes.iter().enumerate().filter(|(_, node)| find(&node.name, &n).is_some()).map(|(i, _)| i).collect()
    }

    /// The prompt line: the text typed and where the cursor stands among the matches.
    pub fn prompt(&self, tree: &IndicatorTree, selected: usize, cx: &Cx) -> String {
        let m = self.matches(tree);
        let at = m.iter().position(|i| *i == selected).map(|i| i + 1).unwrap_or(0);
        format!("/{}{}", self.input.value(), fill(cx.t(Msg::FindCount), &[&at.to_string(), &m.len().to_string()]))
    }

    /// A key while the name is typed: the cursor follows the first match from where the find
    /// started; Enter keeps the find, Esc cancels it.
    pub fn key(&mut self, key: KeyEvent, tree: &IndicatorTree, selected: &mut usize) -> Effect {
        match key.code {
            KeyCode::Enter => self.typing = false,
            KeyCode::Esc => {
                self.typing = false;
                self.input.set("");
                *selected = self.origin;
            }
            _ => {
                if self.input.key(key) {
                    let m = self.matches(tree);
                    *selected = m.iter().find(|i| **i >= self.origin).or(m.first()).copied().unwrap_or(self.origin);
                }
            }
        }
        Effect::None
    }

    /// The movement actions; None for any other action.
    pub fn act(&mut self, action: Action, tree: &IndicatorTree, reviews: &ProjectReviews, selected: &mut usize, cx: &Cx) -> Option<Effect> {
        let leaf = |i: usize| tree.nodes.get(i).is_some_and(|n| tree.is_leaf(n.id));
        let unscored = |i: usize| leaf(i) && tree.nodes[i].score.is_none();
        let open_paper = |i: usize| {
            let n = &tree.nodes[i];
            leaf(i)
                && (n.score.as_ref().is_none_or(|s| s.evidence.is_empty()) || reviews.state(n.id, n.score.as_ref()) != ReviewState::Second)
        };
        let rows: Vec<usize> = match action {
            Action::FindInTree => {
                self.typing = true;
                self.origin = *selected;
                self.input.set("");
                return Some(Effect::None);
            }
            Action::NextMatch | Action::PrevMatch if self.needle().is_empty() => return Some(Effect::Toast(cx.t(Msg::FindFirst).into())),
            Action::NextMatch | Action::PrevMatch => {
                let m = self.matches(tree);
                if m.is_empty() {
                    return Some(Effect::Error(fill(cx.t(Msg::FindNone), &[self.input.value().trim()])));
                }
                m
            }
            Action::NextUnscored | Action::PrevUnscored => (0..tree.nodes.len()).filter(|i| unscored(*i)).collect(),
            Action::NextOpenPaper | Action::PrevOpenPaper => (0..tree.nodes.len()).filter(|i| open_paper(*i)).collect(),
            _ => return None,
        };
        if rows.is_empty() {
            let msg = if matches!(action, Action::NextUnscored | Action::PrevUnscored) { Msg::NoUnscored } else { Msg::NoOpenPaper };
            return Some(Effect::Toast(cx.t(msg).into()));
        }
        let forward = matches!(action, Action::NextMatch | Action::NextUnscored | Action::NextOpenPaper);
        *selected = step(&rows, *selected, forward);
        Some(Effect::None)
    }
}

/// The next row of `rows` (sorted) after `from`, or the previous one before it, wrapping.
fn step(rows: &[usize], from: usize, forward: bool) -> usize {
    if forward {
        rows.iter().find(|i| **i > from).or(rows.first()).copied().unwrap_or(from)
    } else {
        rows.iter().rev().find(|i| **i < from).or(rows.last()).copied().unwrap_or(from)
    }
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn steps_wrap_around() {
        assert_eq!(step(&[2, 5, 9], 5, true), 9);
        assert_eq!(step(&[2, 5, 9], 9, true), 2);
        assert_eq!(step(&[2, 5, 9], 5, false), 2);
        assert_eq!(step(&[2, 5, 9], 2, false), 9);
        assert_eq!(step(&[2, 5, 9], 0, true), 2);
    }
}
