//! The terminal workbench. It talks only to a `Backend`; it never touches sled.

pub mod action;
pub mod ambiguous;
pub mod app;
pub mod draft;
pub mod keymap;
pub mod pace;
pub mod screens;
pub mod scroll;
pub mod strings;
pub mod terminal;
pub mod widgets;
pub mod wire;

use crate::backend::Backend;
use crate::domain::{Error, Result};
use crate::i18n::Lang;
use app::{App, Cx};
use keymap::Keymap;
use ratatui::crossterm::event::{self, Event};
use std::path::Path;
use std::time::{Duration, Instant};

/// At most this many waiting events are handled before the next frame.
const BURST: usize = 512;
/// A pause in input this long saves drafts too, and is how often other users' changes are
/// looked for on a shared store.
const IDLE: Duration = Duration::from_millis(250);

/// How the workbench starts: the keymap file to merge (`--keymap`, else the config's
/// `keymap`; `None` looks for keymap.toml beside the config), whether to capture the mouse,
/// how the terminal draws ambiguous-width characters, and the config file's problems to show once the screen is up.
#[derive(Debug, Clone, Copy, Default)]
pub struct Start<'a> {
    pub keymap: Option<&'a Path>,
    pub mouse: bool,
    /// The config's `ambiguous_width` (or `JIXIAO_AMBIGUOUS_WIDTH`).
    pub ambiguous: crate::config::AmbiguousWidth,
    pub config_errors: &'a [crate::config::ConfigError],
}

/// Startup message for config file errors (file:line and the problem), shown once.
fn config_notice(errors: &[crate::config::ConfigError], lang: Lang) -> Option<String> {
    if errors.is_empty() {
        return None;
    }
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    Some(format!("{}\n{}", strings::Msg::ConfigErrors.get(lang), lines.join("\n")))
}

/// Startup messages: keymap file errors (file:line and the problem), shown once.
fn keymap_notice(errors: &[keymap::KeymapError], lang: Lang) -> Option<String> {
    if errors.is_empty() {
        return None;
    }
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    Some(format!("{}\n{}", strings::Msg::KeymapErrors.get(lang), lines.join("\n")))
}

/// Runs the TUI on a backend until the user quits. Returns the process exit code.
pub fn run(backend: &dyn Backend, data: &Path, start: &Start<'_>, lang: Lang) -> Result<i32> {
    let io = |e: std::io::Error| Error::io("terminal", e);
    terminal::install_signal_handlers().map_err(io)?;
    let (keymap, errors) = Keymap::from_config(start.keymap);
    let drafts = draft::Drafts::for_store(data, backend.actor());
    let cx = Cx { backend, lang, today: backend.today(), keymap: &keymap, drafts: &drafts, data: Some(data), ambiguous: start.ambiguous };
    let mut app = App::new(Box::new(screens::project_list::ProjectList::new(&cx)));
    if let Some(msg) = keymap_notice(&errors, lang) {
        let (title, footer) = (strings::Msg::KeymapTitle.get(lang).to_string(), strings::Msg::NoticeFooter.get(lang).to_string());
        app.stack.push(Box::new(screens::popups::ErrorPopup::notice(title, msg, footer)));
    }
    if let Some(msg) = config_notice(start.config_errors, lang) {
        let (title, footer) = (strings::Msg::ConfigTitle.get(lang).to_string(), strings::Msg::NoticeFooter.get(lang).to_string());
        app.stack.push(Box::new(screens::popups::ErrorPopup::notice(title, msg, footer)));
    }
    let (mut guard, mut term) = terminal::TerminalGuard::enter(start.mouse).map_err(io)?;
    let result = event_loop(&mut app, &mut term, &cx);
    app.save_drafts(&cx);
    if let Err(e) = result {
        // The terminal failed under us. A hang-up is an exit like SIGHUP; otherwise restore
        // and report, without letting ratatui's drop write to a broken terminal.
        if let Some(sig) = terminal::take_signal() {
            terminal::exit_for_signal(sig);
        }
        if terminal::hung_up() {
            terminal::exit_for_signal(libc::SIGHUP);
        }
        std::mem::forget(term);
        guard.restore();
        return Err(e);
    }
    guard.restore();
    Ok(0)
}

fn event_loop(app: &mut App, term: &mut terminal::Term, cx: &Cx) -> Result<()> {
    let io = |e: std::io::Error| Error::io("terminal", e);
    let mut pace = pace::Pace::default();
    draw(app, term, cx, &mut pace)?;
    terminal::test_hooks();
    terminal::spawn_hangup_watchdog();
    while !app.quit {
        if let Some(sig) = terminal::take_signal() {
            app.save_drafts(cx);
            terminal::exit_for_signal(sig);
        }
        // With input waiting to be drawn, wait only until its frame is due.
        let waiting = pace.wait(Instant::now());
        if !event::poll(waiting.unwrap_or(IDLE)).map_err(io)? {
            if waiting.is_some() {
                app.on_remote(cx);
                draw(app, term, cx, &mut pace)?;
                continue;
            }
            app.pause(cx);
            if terminal::hung_up() {
                terminal::exit_for_signal(libc::SIGHUP);
            }
            if app.on_remote(cx) {
                draw(app, term, cx, &mut pace)?;
            }
            continue;
        }
        // Take every event that is already waiting (a paste, a burst of keys, resizes)
        // before drawing once.
        for _ in 0..BURST {
            match event::read().map_err(io)? {
                Event::Key(k) => app.on_key(k, cx),
                Event::Paste(text) => app.on_paste(&text, cx),
                // Only with the mouse on (config `mouse`, on by default).
                Event::Mouse(m) => app.on_mouse(m, cx),
                _ => {}
            }
            // A hang-up can arrive mid-burst (the terminal is gone): save and leave at once.
            if let Some(sig) = terminal::take_signal() {
                app.save_drafts(cx);
                terminal::exit_for_signal(sig);
            }
            if app.quit || !event::poll(Duration::ZERO).map_err(io)? {
                break;
            }
        }
        pace.input(Instant::now());
        // Every burst of typing reaches the draft file at once: if the connection drops next,
        // nothing typed is lost (the editor writes only when its text changed).
        app.save_drafts(cx);
        app.on_remote(cx);
        // A key after a pause draws at once; keys that keep coming wait for their frame.
        if !app.quit && pace.due(Instant::now()) {
            draw(app, term, cx, &mut pace)?;
        }
    }
    Ok(())
}

fn draw(app: &App, term: &mut terminal::Term, cx: &Cx, pace: &mut pace::Pace) -> Result<()> {
    scroll::draw(term, |f| app.draw(f, cx)).map_err(|e| Error::io("terminal", e))?;
    pace.drawn(Instant::now(), term.backend().last_write);
    Ok(())
}
