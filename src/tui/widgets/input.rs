//! A one-line text input that measures by cells, for form fields and the filter.

use crate::text;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default)]
pub struct LineInput {
    chars: Vec<char>,
    /// Cursor position in chars.
    cursor: usize,
}

impl LineInput {
    pub fn new(s: &str) -> Self {
        let chars: Vec<char> = s.chars().collect();
        let cursor = chars.len();
        LineInput { chars, cursor }
    }

    pub fn value(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn set(&mut self, s: &str) {
        *self = LineInput::new(s);
    }

    /// Whether the cursor is at the start (Backspace there joins a line to the one above).
    pub fn at_start(&self) -> bool {
        self.cursor == 0
    }

    /// Cuts the text after the cursor off and returns it (Enter in a multi-line field).
    pub fn split(&mut self) -> String {
        self.chars.drain(self.cursor..).collect()
    }

    /// Appends `s`, keeping the cursor where it is (joining the next line to this one).
    pub fn append_keep_cursor(&mut self, s: &str) {
        self.chars.extend(s.chars().filter(|c| !c.is_control()));
    }

    /// Moves the cursor to the start.
    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars().filter(|c| !c.is_control()) {
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    /// Handles editing keys; returns whether the key was used.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.chars.len(),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
            }
            KeyCode::Delete if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.chars.len(),
            _ => return false,
        }
        true
    }

    /// The visible part for a box `cells` wide, and the cursor's cell offset in it. When the
    /// start is scrolled out of view, a leading `…` says so.
    pub fn view(&self, cells: usize) -> (String, u16) {
        let width_of = |from: usize, to: usize| text::width(&self.chars[from..to].iter().collect::<String>());
        if width_of(0, self.cursor) < cells.max(1) {
            let shown: String = self.chars.iter().collect();
            return (text::truncate(&shown, cells), width_of(0, self.cursor) as u16);
        }
        // Scroll so the cursor stays inside the box, one cell kept for the `…`.
        let mut start = 0;
        while 1 + width_of(start, self.cursor) >= cells.max(2) {
            start += 1;
        }
        let shown: String = self.chars[start..].iter().collect();
        (format!("…{}", text::truncate(&shown, cells.saturating_sub(1))), (1 + width_of(start, self.cursor)) as u16)
    }
}
