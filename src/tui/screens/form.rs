//! A form popup: labelled fields (text or choice), checked field by field; Ctrl-s builds a
//! command from the values. A refused save keeps every value typed. The values are kept as
//! a draft while typing (a key naming the form and its record, `finding-new-ZD21-06`),
//! offered when the same form opens again; Esc on a changed form asks first.

use super::picker::{PickItem, Picker};
use super::unsaved::Tracked;
use crate::command::Command;
use crate::text;
use crate::tui::action::Action;
use crate::tui::app::{Cx, Effect, Layer, Then, centered, widen};
use crate::tui::strings::Msg;
use crate::tui::widgets::input::LineInput;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

/// 16 hex digits of the sha256 of `s`: a file name for a draft key from free text.
fn short_hash(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub enum Value {
    Text(LineInput),
    Choice {
        options: Vec<String>,
        index: usize,
    },
    /// Several lines (偏差原因, 其中 rows): Enter starts a new line, Backspace at a line's
    /// start joins it to the one above, Tab and ↓ go line by line and then on.
    Lines {
        lines: Vec<LineInput>,
        row: usize,
    },
    /// Taken from a list through the picker (Enter or typing opens it): one value, or
    /// several, held joined by 、.
    Pick {
        items: Vec<PickItem>,
        chosen: Vec<String>,
        multi: bool,
        /// Text matching nothing is taken as a new value.
        free: bool,
    },
}

fn lines_of(text: &str) -> Vec<LineInput> {
    let lines: Vec<LineInput> = text.split('\n').map(|l| LineInput::new(l.trim_end_matches('\r'))).collect();
    if lines.is_empty() { vec![LineInput::default()] } else { lines }
}

/// Checks a field's text; the message says what is wrong and what is allowed.
pub type Check = fn(&str, &Cx) -> Result<(), String>;
/// Builds the command from all values, or names the field (index) that is wrong.
pub type Submit = Box<dyn Fn(&[String], &Cx) -> Result<Command, (usize, String)>>;
/// What a form that applies no command does with its values (write a file), or the field
/// (index) that is wrong.
pub type Act = Box<dyn Fn(&[String], &Cx) -> Result<Effect, (usize, String)>>;

/// What Ctrl-s does: apply a command built from the values, or act on them directly.
enum OnSave {
    Command(Submit),
    Act(Act),
}

pub struct Field {
    pub label: String,
    pub value: Value,
    pub check: Option<Check>,
    pub error: Option<String>,
    /// Shown under the field while it has the focus (the format it takes).
    pub hint: Option<String>,
}

impl Field {
    pub fn text(label: &str, value: &str) -> Field {
        Field { label: label.to_string(), value: Value::Text(LineInput::new(value)), check: None, error: None, hint: None }
    }
    pub fn choice(label: &str, options: Vec<String>, selected: &str) -> Field {
        let index = options.iter().position(|o| o == selected).unwrap_or(0);
        Field { label: label.to_string(), value: Value::Choice { options, index }, check: None, error: None, hint: None }
    }
    /// A field whose value is taken from `items` in the picker; `multi` takes several.
    pub fn pick(label: &str, items: Vec<PickItem>, chosen: Vec<String>, multi: bool) -> Field {
        Field { label: label.to_string(), value: Value::Pick { items, chosen, multi, free: false }, check: None, error: None, hint: None }
    }
    /// A pick field that also takes a new value typed in the picker (a unit, a member).
    pub fn free(mut self) -> Field {
        if let Value::Pick { free, .. } = &mut self.value {
            *free = true;
        }
        self
    }
    /// A field of several lines, `value` split at its line breaks.
    pub fn lines(label: &str, value: &str) -> Field {
        Field { label: label.to_string(), value: Value::Lines { lines: lines_of(value), row: 0 }, check: None, error: None, hint: None }
    }
    pub fn hint(mut self, hint: String) -> Field {
        self.hint = Some(hint);
        self
    }
    pub fn checked(mut self, check: Check) -> Field {
        self.check = Some(check);
        self
    }
    pub fn get(&self) -> String {
        match &self.value {
            Value::Text(i) => i.value(),
            Value::Choice { options, index } => options.get(*index).cloned().unwrap_or_default(),
            Value::Lines { lines, .. } => {
                let all: Vec<String> = lines.iter().map(LineInput::value).collect();
                all.join("\n").trim_end_matches('\n').to_string()
            }
            Value::Pick { chosen, .. } => chosen.join("、"),
        }
    }

    /// Moves within a multi-line field; false at its edge (the focus goes to the next field).
    fn step(&mut self, forward: bool) -> bool {
        let Value::Lines { lines, row } = &mut self.value else { return false };
        match forward {
            true if *row + 1 < lines.len() => *row += 1,
            false if *row > 0 => *row -= 1,
            _ => return false,
        }
        true
    }
}

pub struct Form {
    title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    submit: OnSave,
    /// After the command succeeded: the next step, from its outcome.
    then: Option<Then>,
    toast: Option<String>,
    /// A line under the fields (e.g. a computed preview or a hint).
    pub note: Option<String>,
    /// Ask this question before applying (irreversible steps such as closing an item).
    confirm: Option<String>,
    /// Its draft: the key, the values it opened with, those last written.
    draft: Tracked<Vec<String>>,
    /// When set, a refused command is shown in the form: on the field its error names
    /// (the command's field key → the field's index), else under the fields.
    errors_here: Option<Vec<(&'static str, usize)>>,
    /// A refusal that names no field of the form, as shown (✗ …).
    refusal: Option<String>,
}

impl Form {
    pub fn new(title: String, fields: Vec<Field>, submit: Submit, toast: Option<String>) -> Form {
        Form::build(title, fields, OnSave::Command(submit), toast)
    }

    /// A form whose Ctrl-s acts on the values itself instead of applying a command.
    pub fn acting(title: String, fields: Vec<Field>, act: Act) -> Form {
        Form::build(title, fields, OnSave::Act(act), None)
    }

    fn build(title: String, fields: Vec<Field>, submit: OnSave, toast: Option<String>) -> Form {
        let initial: Vec<String> = fields.iter().map(Field::get).collect();
        // Without a key of its own, the title names the form and its record (“修改整改事项 #12”).
        let draft = Tracked::new(format!("form-{}", short_hash(&title)), initial);
        Form { title, fields, focus: 0, submit, then: None, toast, note: None, confirm: None, draft, errors_here: None, refusal: None }
    }

    /// Keeps the draft under `key`, naming the form and its record (`item-edit-12`).
    pub fn draft(mut self, key: String) -> Form {
        self.draft.key = key;
        self
    }

    /// Goes on with `then` once the form's command succeeded.
    pub fn then(mut self, then: Then) -> Form {
        self.then = Some(then);
        self
    }

    pub fn confirming(mut self, question: String) -> Form {
        self.confirm = Some(question);
        self
    }

    /// Shows a refused command in the form instead of a popup; `fields` maps the command's
    /// field keys (`prefix`, `due`) to the form's fields.
    pub fn errors_in_form(mut self, fields: &[(&'static str, usize)]) -> Form {
        self.errors_here = Some(fields.to_vec());
        self
    }

    pub fn with_note(mut self, note: String) -> Form {
        self.note = Some(note);
        self
    }

    pub fn values(&self) -> Vec<String> {
        self.fields.iter().map(Field::get).collect()
    }

    fn save(&mut self, cx: &Cx) -> Effect {
        self.refusal = None;
        let mut first_bad = None;
        for (i, f) in self.fields.iter_mut().enumerate() {
            f.error = f.check.and_then(|c| c(&f.get(), cx).err());
            if f.error.is_some() && first_bad.is_none() {
                first_bad = Some(i);
            }
        }
        if let Some(i) = first_bad {
            self.focus = i;
            return Effect::None;
        }
        let submit = match &self.submit {
            OnSave::Command(submit) => submit,
            OnSave::Act(act) => {
                return act(&self.values(), cx).unwrap_or_else(|(i, msg)| {
                    self.mark(i, msg);
                    Effect::None
                });
            }
        };
        match submit(&self.values(), cx) {
            Ok(cmd) => match &self.confirm {
                Some(q) => {
                    // Show what is being confirmed, not just the question.
                    let mut text = q.clone();
                    for f in self.fields.iter().filter(|f| matches!(f.value, Value::Text(_)) && !f.get().trim().is_empty()) {
                        text.push_str(&format!("\n{}：{}", f.label, f.get().trim()));
                    }
                    Effect::Push(Box::new(super::popups::Confirm::new(text, cmd, self.toast.clone()).popping_below(1)))
                }
                None => match &self.then {
                    Some(then) => Effect::ExecuteThen { cmd: Box::new(cmd), pop: 1, toast: self.toast.clone(), then: then.clone() },
                    None => Effect::Execute { cmd: Box::new(cmd), pop: 1, toast: self.toast.clone() },
                },
            },
            Err((i, msg)) => {
                self.mark(i, msg);
                Effect::None
            }
        }
    }

    /// The values as a draft file holds them: a JSON list, one string per field.
    fn draft_text(&self) -> String {
        serde_json::to_string(&self.values()).unwrap_or_default()
    }

    /// A draft's values, if it was written by a form with as many fields.
    fn parse_draft(&self, draft: &str) -> Option<Vec<String>> {
        serde_json::from_str::<Vec<String>>(draft).ok().filter(|v| v.len() == self.fields.len())
    }

    /// Shows a field's error and moves there.
    fn mark(&mut self, i: usize, msg: String) {
        if let Some(f) = self.fields.get_mut(i) {
            f.error = Some(msg);
            self.focus = i;
        }
    }
}

impl Layer for Form {
    fn context(&self) -> &'static str {
        "form"
    }
    fn is_popup(&self) -> bool {
        true
    }
    fn wants_text(&self) -> bool {
        true
    }
    /// Enter is a new line in a multi-line field and opens the picker on a pick field.
    fn takes_enter(&self) -> bool {
        matches!(self.fields.get(self.focus), Some(Field { value: Value::Lines { .. } | Value::Pick { .. }, .. }))
    }
    fn picked(&mut self, values: Vec<String>, _cx: &Cx) {
        if let Some(f) = self.fields.get_mut(self.focus)
            && let Value::Pick { chosen, .. } = &mut f.value
        {
            *chosen = values;
            f.error = None;
        }
    }
    fn unused_actions(&self) -> &'static [Action] {
        &[Action::AddRow, Action::RemoveRow, Action::Help]
    }
    fn handle(&mut self, action: Action, cx: &Cx) -> Effect {
        let n = self.fields.len();
        match action {
            Action::NextField if self.fields.get_mut(self.focus).is_some_and(|f| f.step(true)) => {}
            Action::PrevField if self.fields.get_mut(self.focus).is_some_and(|f| f.step(false)) => {}
            Action::NextField => {
                self.focus = (self.focus + 1) % n.max(1);
                if let Some(Field { value: Value::Lines { row, .. }, .. }) = self.fields.get_mut(self.focus) {
                    *row = 0;
                }
            }
            Action::PrevField => {
                self.focus = (self.focus + n.max(1) - 1) % n.max(1);
                if let Some(Field { value: Value::Lines { row, lines }, .. }) = self.fields.get_mut(self.focus) {
                    *row = lines.len().saturating_sub(1);
                }
            }
            Action::Save => return self.save(cx),
            Action::Cancel | Action::Back if self.unsaved() => {
                return Effect::Push(Box::new(super::unsaved::Discard::new(self.draft.key.clone(), self.draft_text())));
            }
            Action::Cancel | Action::Back => {
                self.discard_draft(cx);
                return Effect::Pop;
            }
            _ => {}
        }
        Effect::None
    }
    fn unsaved(&self) -> bool {
        self.draft.changed(&self.values())
    }
    fn refused(&mut self, error: &crate::domain::Error, cx: &Cx) -> bool {
        let Some(map) = &self.errors_here else { return false };
        let named = match error {
            crate::domain::Error::Invalid { field, message, .. } => {
                map.iter().find(|(k, _)| k == field).map(|(_, i)| (*i, message.clone()))
            }
            _ => None,
        };
        match named {
            Some((i, message)) => self.mark(i, message),
            None => self.refusal = Some(format!("✗ {}", error.render(cx.lang))),
        }
        true
    }
    fn save_draft(&self, cx: &Cx) {
        self.draft.save(cx, self.values(), || self.draft_text());
    }
    fn discard_draft(&self, cx: &Cx) {
        self.draft.discard(cx, self.values());
    }
    fn draft_found(&self, cx: &Cx) -> Option<super::unsaved::Found> {
        let draft = cx.drafts.load(&self.draft.key)?;
        let values = self.parse_draft(&draft)?;
        let now = self.values();
        let changed: Vec<String> = self
            .fields
            .iter()
            .zip(values.iter().zip(&now))
            .filter(|(_, (d, n))| d != n)
            .map(|(f, (d, _))| format!("{}：{}", f.label, text::truncate(d, 60)))
            .collect();
        if changed.is_empty() {
            return None;
        }
        Some(super::unsaved::Found { key: self.draft.key.clone(), draft, preview: changed.join("\n") })
    }
    fn restore_draft(&mut self, draft: &str) {
        let Some(values) = self.parse_draft(draft) else { return };
        for (f, v) in self.fields.iter_mut().zip(&values) {
            match &mut f.value {
                Value::Text(input) => *input = LineInput::new(v),
                Value::Lines { lines, row } => {
                    *lines = lines_of(v);
                    *row = 0;
                }
                Value::Choice { options, index } => {
                    if let Some(i) = options.iter().position(|o| o == v) {
                        *index = i;
                    }
                }
                Value::Pick { chosen, multi: true, .. } => *chosen = v.split('、').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                Value::Pick { chosen, .. } => *chosen = Some(v.clone()).filter(|v| !v.is_empty()).into_iter().collect(),
            }
        }
        // The draft file already holds these values.
        self.draft.mark_written(self.values());
    }
    fn input(&mut self, key: KeyEvent, _cx: &Cx) -> Effect {
        if let Some(f) = self.fields.get_mut(self.focus) {
            match &mut f.value {
                Value::Pick { items, chosen, multi, free } => {
                    let typed = match key.code {
                        KeyCode::Enter | KeyCode::Char(' ') => String::new(),
                        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => c.to_string(),
                        KeyCode::Backspace | KeyCode::Delete => {
                            chosen.clear();
                            return Effect::None;
                        }
                        _ => return Effect::None,
                    };
                    let picker = Picker::new(f.label.clone(), items.clone(), chosen, *multi).free(*free).with_query(&typed);
                    return Effect::Push(Box::new(picker));
                }
                Value::Text(i) => {
                    if i.key(key) {
                        f.error = None;
                    }
                }
                Value::Choice { options, index } => match key.code {
                    KeyCode::Left => *index = (*index + options.len() - 1) % options.len().max(1),
                    KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % options.len().max(1),
                    _ => {}
                },
                Value::Lines { lines, row } => {
                    f.error = None;
                    match key.code {
                        KeyCode::Enter => {
                            let rest = lines.get_mut(*row).map(LineInput::split).unwrap_or_default();
                            let mut next = LineInput::new(&rest);
                            next.home();
                            *row = (*row + 1).min(lines.len());
                            lines.insert(*row, next);
                        }
                        KeyCode::Backspace if *row > 0 && lines.get(*row).is_some_and(LineInput::at_start) => {
                            let cur = lines.remove(*row).value();
                            *row -= 1;
                            if let Some(prev) = lines.get_mut(*row) {
                                prev.append_keep_cursor(&cur);
                            }
                        }
                        _ => {
                            if let Some(l) = lines.get_mut(*row) {
                                l.key(key);
                            }
                        }
                    }
                }
            }
        }
        Effect::None
    }
    fn paste(&mut self, pasted: &str) {
        match self.fields.get_mut(self.focus) {
            Some(Field { value: Value::Text(i), .. }) => i.insert_str(&pasted.replace(['\n', '\r'], " ")),
            Some(Field { value: Value::Lines { lines, row }, .. }) => {
                // Pasted lines (from a document or a spreadsheet's cells) become lines here.
                let text = pasted.replace("\r\n", "\n").replace('\r', "\n");
                for (i, part) in text.trim_end_matches('\n').split('\n').enumerate() {
                    if i > 0 {
                        *row = (*row + 1).min(lines.len());
                        lines.insert(*row, LineInput::default());
                    }
                    if let Some(l) = lines.get_mut(*row) {
                        l.insert_str(&part.replace('\t', "｜"));
                    }
                }
            }
            _ => {}
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        let label_w = self.fields.iter().map(|fl| text::width(&fl.label)).max().unwrap_or(4) + 2;
        let rect_w = 76u16.min(area.width.saturating_sub(2));
        let value_cells = (rect_w as usize).saturating_sub(label_w + 3);
        let errors: usize =
            self.fields.iter().filter_map(|fl| fl.error.as_ref()).map(|e| text::wrap(&format!("✗ {e}"), value_cells).len()).sum();
        let note = [&self.note, &self.refusal]
            .into_iter()
            .flatten()
            .map(|n| text::wrap(n, rect_w.saturating_sub(2) as usize).len())
            .sum::<usize>();
        let extra: usize = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, fl)| {
                let rows = if let Value::Lines { lines, .. } = &fl.value { lines.len().saturating_sub(1) } else { 0 };
                rows + usize::from(i == self.focus && (fl.hint.is_some() || matches!(fl.value, Value::Pick { .. })))
            })
            .sum();
        let height = (self.fields.len() + extra) as u16 + errors as u16 + 4 + note as u16;
        let rect = centered(area, 76, height);
        f.render_widget(Clear, widen(rect, area));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(Style::default().fg(Color::Cyan))
            .title(format!(" {} ", self.title));
        let inner = block.inner(rect);
        f.render_widget(block, rect);
        let value_w = (inner.width as usize).saturating_sub(label_w + 1);
        let mut lines = Vec::new();
        let mut cursor = None;
        for (i, fl) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
            let label_style = if focused { Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD) } else { Style::default() };
            let shown = match &fl.value {
                Value::Text(input) => {
                    let (view, at) = input.view(value_w);
                    if focused {
                        cursor = Some(Position { x: inner.x + label_w as u16 + at, y: inner.y + lines.len() as u16 });
                    }
                    view
                }
                Value::Choice { options, index } => {
                    let v = options.get(*index).cloned().unwrap_or_default();
                    if focused { format!("< {v} >") } else { v }
                }
                Value::Pick { chosen, .. } if chosen.is_empty() => cx.t(Msg::PickEmpty).to_string(),
                Value::Pick { chosen, items, .. } => {
                    // Shown by label (an indicator's name), held by value (its path).
                    let label = |v: &String| items.iter().find(|it| it.value == *v).map_or(v.clone(), |it| it.label.clone());
                    text::truncate(&chosen.iter().map(label).collect::<Vec<_>>().join("、"), value_w)
                }
                Value::Lines { lines: rows, row } => {
                    for (j, l) in rows.iter().enumerate() {
                        let (view, at) = l.view(value_w);
                        if focused && j == *row {
                            cursor = Some(Position { x: inner.x + label_w as u16 + at, y: inner.y + lines.len() as u16 });
                        }
                        let label = if j == 0 { text::pad_right(&fl.label, label_w) } else { " ".repeat(label_w) };
                        lines.push(Line::from(vec![Span::styled(label, label_style), Span::raw(view)]));
                    }
                    String::new()
                }
            };
            if !matches!(fl.value, Value::Lines { .. }) {
                lines.push(Line::from(vec![Span::styled(text::pad_right(&fl.label, label_w), label_style), Span::raw(shown)]));
            }
            let pick_hint = matches!(fl.value, Value::Pick { .. }).then(|| cx.t(Msg::PickHint).to_string());
            if let Some(h) = fl.hint.as_ref().or(pick_hint.as_ref()).filter(|_| focused) {
                let h = text::truncate(h, value_w);
                lines.push(Line::from(Span::styled(format!("{}{h}", " ".repeat(label_w)), Style::default().fg(Color::DarkGray))));
            }
            if let Some(e) = &fl.error {
                for l in text::wrap(&format!("✗ {e}"), value_w) {
                    lines.push(Line::from(Span::styled(format!("{}{l}", " ".repeat(label_w)), Style::default().fg(Color::Red))));
                }
            }
        }
        if let Some(n) = &self.note {
            for l in text::wrap(n, inner.width as usize) {
                lines.push(Line::from(Span::styled(l, Style::default().fg(Color::Yellow))));
            }
        }
        if let Some(r) = &self.refusal {
            for l in text::wrap(r, inner.width as usize) {
                lines.push(Line::from(Span::styled(l, Style::default().fg(Color::Red))));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(cx.t(Msg::FormFooter).to_string(), Style::default().fg(Color::DarkGray))));
        f.render_widget(Paragraph::new(lines), inner);
        if let Some(p) = cursor {
            f.set_cursor_position(p);
        }
    }
}
