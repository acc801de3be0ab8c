//! The Remote backend: the same Backend the TUI and every command use, over the server's
//! Unix socket. A reader thread routes responses to the waiting call and keeps events
//! (other users' committed commands) for `take_events`.

use crate::backend::{Backend, Clock, Query, Reply};
use crate::command::{Command, Outcome};
use crate::domain::{Error, Result};
use crate::server::protocol::{Answer, Event, Hello, HelloReply, Op, PROTOCOL, Request, ServerMsg, read_frame, write_frame};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

type Pending = Arc<Mutex<HashMap<u64, Sender<std::result::Result<Answer, Error>>>>>;

pub struct Remote {
    writer: Mutex<UnixStream>,
    pending: Pending,
    events: Arc<Mutex<Vec<Event>>>,
    next: AtomicU64,
    user: String,
    clock: Clock,
    /// Audit ids of this client's own commands: their events need no refresh.
    own: Mutex<std::collections::HashSet<u64>>,
}

fn gone() -> Error {
    Error::io("server.sock", "与服务器的连接已断开 (the server closed the connection): 重新打开 jixiao")
}

impl Remote {
    /// Connects and says hello; `Ok(None)` when no server listens there.
    pub fn connect(socket: &Path) -> Result<Option<Remote>> {
        let stream = match crate::server::via_short_path(socket, |p| UnixStream::connect(p)) {
            Ok(s) => s,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused) => return Ok(None),
            Err(e) => return Err(Error::io(socket.display().to_string(), e)),
        };
        let io = |e: std::io::Error| Error::io(socket.display().to_string(), e);
        let mut reader = stream.try_clone().map_err(io)?;
        let mut writer = stream;
        write_frame(&mut writer, &Hello { protocol: PROTOCOL, version: env!("CARGO_PKG_VERSION").into() })?;
        let user = match read_frame::<HelloReply>(&mut reader)? {
            Some(HelloReply::Welcome { user, .. }) => user,
            Some(HelloReply::Refused { zh, en }) => {
                let text = if crate::i18n::current() == crate::i18n::Lang::En { en } else { zh };
                return Err(Error::invalid("jixiao serve", "protocol", text));
            }
            None => return Err(gone()),
        };
        let pending: Pending = Arc::new(Mutex::new(HashMap::new()));
        let events = Arc::new(Mutex::new(Vec::new()));
        let (p, ev) = (pending.clone(), events.clone());
        std::thread::spawn(move || {
            while let Ok(Some(msg)) = read_frame::<ServerMsg>(&mut reader) {
                match msg {
                    ServerMsg::Response { id, result } => {
                        if let Some(tx) = p.lock().ok().and_then(|mut m| m.remove(&id)) {
                            let _ = tx.send(result);
                        }
                    }
                    ServerMsg::Event { event } => {
                        if let Ok(mut list) = ev.lock() {
                            list.push(event);
                        }
                    }
                }
            }
            // The server went away: every waiting call gets an error, not a hang.
            if let Ok(mut m) = p.lock() {
                for (_, tx) in m.drain() {
                    let _ = tx.send(Err(gone()));
                }
            }
        });
        Ok(Some(Remote {
            writer: Mutex::new(writer),
            pending,
            events,
            next: AtomicU64::new(1),
            user,
            clock: Clock::System,
            own: Mutex::new(Default::default()),
        }))
    }

    fn call(&self, op: Op) -> Result<Answer> {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = channel();
        self.pending.lock().map_err(|_| gone())?.insert(id, tx);
        {
            let mut w = self.writer.lock().map_err(|_| gone())?;
            write_frame(&mut *w, &Request { id, op }).map_err(|_| gone())?;
        }
        rx.recv().map_err(|_| gone())?
    }
}

impl Backend for Remote {
    fn execute(&self, cmd: &Command) -> Result<Outcome> {
        match self.call(Op::Execute { command: cmd.clone() })? {
            Answer::Outcome(o) => {
                if let Ok(mut own) = self.own.lock() {
                    own.insert(o.audit);
                }
                Ok(o)
            }
            Answer::Reply(_) => Err(Error::corrupt("server.sock", "命令的回复类型不符")),
        }
    }

    fn query(&self, q: &Query) -> Result<Reply> {
        match self.call(Op::Query { query: q.clone() })? {
            Answer::Reply(r) => Ok(*r),
            Answer::Outcome(_) => Err(Error::corrupt("server.sock", "查询的回复类型不符")),
        }
    }

    fn actor(&self) -> &str {
        &self.user
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().1
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now().0
    }

    fn take_events(&self) -> Vec<Event> {
        let all = self.events.lock().map(|mut e| std::mem::take(&mut *e)).unwrap_or_default();
        // The server broadcasts before it answers, so our own are known by now.
        let mut own = self.own.lock().ok();
        all.into_iter().filter(|e| !own.as_mut().is_some_and(|o| o.remove(&e.audit))).collect()
    }
}
