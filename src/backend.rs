//! The seam the TUI and CLI talk to. `Local` wraps the store in-process; `crate::remote`
//! speaks the same Command/Query/Reply types over the team server's socket.

use crate::command::{Command, Outcome};
use crate::domain::Result;
use crate::domain::outline::Outline;
use crate::domain::report::Report;
use crate::domain::{Deadline, DeadlineFilter, Finding, IndicatorTree, Milestone, Notice, Project, RectItem, Response};
pub use crate::query::{Event, Query, Reply};
use crate::read::dashboard::Dashboard;
use crate::read::issued::IssuedNotice;
use crate::read::report::IssuedReport;
use crate::read::{AuditRecord, ProjectRow, Summary};
use crate::store::{Ctx, Store};
use chrono::{DateTime, NaiveDate, Utc};

/// A template's name and its title.
pub type Titled = (String, String);

pub trait Backend {
    fn execute(&self, cmd: &Command) -> Result<Outcome>;
    fn query(&self, q: &Query) -> Result<Reply>;
    /// The user this backend acts as.
    fn actor(&self) -> &str;
    /// Today, as the backend's clock sees it.
    fn today(&self) -> NaiveDate;
    /// Now, as the backend's clock sees it (for times recorded in commands, e.g. evidence).
    fn now(&self) -> DateTime<Utc>;
    /// Other users' commands committed since the last call (a shared store's server sends
    /// them); a store of one's own has none.
    fn take_events(&self) -> Vec<Event> {
        vec![]
    }
    /// Takes an evidence file into the store's attachments and returns its record: copied
    /// here in-process; through a shared store's socket, sent to the server that owns them.
    fn attach(&self, path: &std::path::Path) -> Result<crate::domain::Evidence>;
}

/// A boxed backend (the one `cli::connect` picked) is a backend.
impl<B: Backend + ?Sized> Backend for Box<B> {
    fn execute(&self, cmd: &Command) -> Result<Outcome> {
        (**self).execute(cmd)
    }
    fn query(&self, q: &Query) -> Result<Reply> {
        (**self).query(q)
    }
    fn actor(&self) -> &str {
        (**self).actor()
    }
    fn today(&self) -> NaiveDate {
        (**self).today()
    }
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
    fn take_events(&self) -> Vec<Event> {
        (**self).take_events()
    }
    fn attach(&self, path: &std::path::Path) -> Result<crate::domain::Evidence> {
        (**self).attach(path)
    }
}

/// Where "now" comes from: the system clock, or a fixed instant in tests and demos.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>, NaiveDate),
}

impl Clock {
    pub fn now(&self) -> (DateTime<Utc>, NaiveDate) {
        match self {
            Clock::System => (Utc::now(), chrono::Local::now().date_naive()),
            Clock::Fixed(now, today) => (*now, *today),
        }
    }
}

pub struct Local {
    store: std::sync::Arc<Store>,
    actor: String,
    clock: Clock,
    /// Writes a project's dossier after `archive_project` commits (`archive::seal`, set
    /// by whoever opens the store for users: the server, `--local`); none in tests and demo.
    sealer: Option<Sealer>,
}

/// What archiving runs after the command commits: the dossier written and recorded.
pub type Sealer = fn(&Local, &str) -> Result<()>;

impl Local {
    /// Opens the store in a data directory, in this process (the server, `--local`, `demo`).
    pub fn open(data: &std::path::Path) -> Result<Local> {
        Ok(Local::new(Store::open(data, crate::templates::Templates::for_data_dir(data)?)?))
    }

    pub fn new(store: Store) -> Self {
        Local { store: std::sync::Arc::new(store), actor: crate::identity::current_user(), clock: Clock::System, sealer: None }
    }

    /// Another user's view of the same open store (the server makes one per client).
    pub fn shared(&self, actor: &str) -> Local {
        Local { store: self.store.clone(), actor: actor.to_string(), clock: self.clock.clone(), sealer: self.sealer }
    }

    /// Fills the kept deadline list, then the search texts, in the background, while the first screen reads the
    /// project list (two cores: the scans overlap instead of queueing).
    pub fn warm_in_background(&self) {
        let store = self.store.clone();
        std::thread::spawn(move || {
            let _ = store.all_deadlines();
            // The search texts too, so the first search of the day does not pay their pass.
            let _ = store.project_texts();
        });
    }

    pub fn with_sealer(mut self, sealer: Sealer) -> Self {
        self.sealer = Some(sealer);
        self
    }

    /// After a committed `archive_project`: the dossier, or an error that says the project
    /// is archived and how to write the dossier by hand.
    fn seal_after(&self, cmd: &Command) -> Result<()> {
        let (Command::ArchiveProject { project, .. }, Some(seal)) = (cmd, self.sealer) else { return Ok(()) };
        seal(self, project).map_err(|e| crate::domain::Error::Refused {
            message: format!(
                "项目 {} 已归档，但归档包没有写成：{e}。改正后用 jixiao archive {} -o DIR 补写",
                project.trim(),
                project.trim()
            ),
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// For tests only: act as another user (the server maps real peers instead).
    pub fn with_actor(mut self, actor: &str) -> Self {
        self.actor = actor.to_string();
        self
    }

    pub fn store(&self) -> &Store {
        self.store.as_ref()
    }

    pub fn ctx(&self) -> Ctx {
        let (now, today) = self.clock.now();
        Ctx { actor: self.actor.clone(), now, today }
    }

    /// Applies a command a client sent with its request id (the server): a retry of one
    /// already applied gets the first answer and `true`, and is not applied again.
    pub fn execute_request(&self, cmd: &Command, request: &str) -> Result<(Outcome, bool)> {
        let (outcome, replayed) = self.store.execute_request(cmd, &self.ctx(), request)?;
        if !replayed {
            self.seal_after(cmd)?;
        }
        Ok((outcome, replayed))
    }

    /// Applies many commands, each in its own transaction, flushing once at the end.
    /// Stops at the first error (what was applied before it stays applied).
    pub fn execute_batch(&self, cmds: &[Command]) -> Result<Vec<Outcome>> {
        let ctx = self.ctx();
        let mut out = Vec::with_capacity(cmds.len());
        let mut result = Ok(());
        for c in cmds {
            match self.store.apply_unflushed(c, &ctx) {
                Ok(o) => out.push(o),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.store.flush()?;
        result.map(|_| out)
    }
}

impl Backend for Local {
    fn execute(&self, cmd: &Command) -> Result<Outcome> {
        let outcome = self.store.execute(cmd, &self.ctx())?;
        self.seal_after(cmd)?;
        Ok(outcome)
    }

    fn query(&self, q: &Query) -> Result<Reply> {
        let s = &self.store;
        Ok(match q {
            Query::Projects => Reply::Projects(s.projects()?),
            Query::ProjectList => Reply::ProjectList(s.project_rows()?.iter().map(|r| (**r).clone()).collect()),
            Query::Project { code } => Reply::Project(Box::new(s.project_by_code(code)?)),
            Query::Tree { project } => Reply::Tree(Box::new(s.tree_of(s.project_by_code(project)?.id)?)),
            Query::Findings { project } => Reply::Findings(s.findings_of(s.project_by_code(project)?.id)?),
            Query::Items { project } => Reply::Items(s.items_of(s.project_by_code(project)?.id)?),
            Query::AllItems => Reply::Items(s.all_items()?),
            Query::Responses { item } => Reply::Responses(s.responses_of(*item)?),
            Query::Notices { project } => Reply::Notices(s.notices_of(s.project_by_code(project)?.id)?),
            Query::Notice { number } => Reply::Notices(vec![s.notice_by_number(number)?]),
            Query::IssuedNotice { number } => Reply::Issued(s.issued_notice(number)?.map(Box::new)),
            Query::Milestones { project } => {
                let pid = match project {
                    Some(code) => Some(s.project_by_code(code)?.id),
                    None => None,
                };
                Reply::Milestones(s.milestones_of(pid)?)
            }
            Query::Deadlines { until } => Reply::Deadlines(s.deadlines(*until)?),
            Query::Audit => Reply::Audit(s.audit_log()?),
            Query::Reviews { project } => Reply::Reviews(Box::new(s.reviews_of(s.project_by_code(project)?.id)?)),
            Query::IndicatorHistory { project, node } => Reply::Audit(s.indicator_history(s.project_by_code(project)?.id, *node)?),
            Query::Export { project } => Reply::Bundle(Box::new(s.export(project.as_deref())?)),
            Query::Backup => Reply::Backup(Box::new(s.snapshot(self.now())?)),
            Query::Categories => Reply::Categories(s.categories()?),
            Query::Summary { project } => Reply::Summary(Box::new(s.summary(s.project_by_code(project)?.id)?)),
            Query::Summaries => Reply::Summaries(s.summary_list()?.iter().map(|e| e.1.clone()).collect()),
            Query::Admins => Reply::Users(s.admins()?),
            Query::Dashboard { filter, today, year } => Reply::Dashboard(Box::new(s.dashboard(filter, *today, *year)?)),
            Query::Due { request } => {
                request.check()?;
                // A mistyped project or unit would print an empty list and exit 0: a cron job
                // with --fail-if-overdue would never fire. Name the bad value instead.
                if let Some(code) = &request.filter.project {
                    s.project_by_code(code)?;
                }
                if let Some(unit) = &request.filter.unit
                    && !s.project_rows()?.iter().any(|r| r.unit.contains(unit.as_str()))
                {
                    return Err(crate::domain::Error::invalid(
                        "jixiao due",
                        "--unit",
                        format!("没有被评价单位名称含“{unit}”：写单位名称或其中一段，如 --unit 农业农村局"),
                    ));
                }
                let (text, overdue) = crate::read::due::render(s.all_deadlines()?.iter().map(|d| &**d), request)?;
                Reply::Due { text, overdue }
            }
            Query::Check => {
                let r = s.check();
                Reply::Check {
                    problems: r.problems,
                    counts: r.counts.into_iter().map(|(k, n)| (k.to_string(), n)).collect(),
                    failing_self_checks: r.failing_self_checks,
                }
            }
            Query::BudgetTotal { year } => Reply::Amount(s.budget_total(*year)?),
            Query::Templates => {
                let names = s.templates().names();
                let titles = names.iter().map(|n| s.templates().get(n).map(|t| t.title.clone()).unwrap_or_default()).collect();
                Reply::Templates { names, titles, problems: s.templates().problems().to_vec() }
            }
            Query::Report { project } => Reply::Report(s.report_of(s.project_by_code(project)?.id)?.map(Box::new)),
            Query::ReportIssue { project, revision } => {
                Reply::ReportIssue(s.report_issue(s.project_by_code(project)?.id, *revision)?.map(Box::new))
            }
            Query::SelfCheck { project } => Reply::SelfCheck(Box::new(s.self_check(project)?)),
            Query::Form { project } => Reply::Form(Box::new(s.form_of(s.project_by_code(project)?.id)?)),
            Query::Dossiers { project } => Reply::Dossiers(s.dossiers_of(s.project_by_code(project)?.id)?),
            Query::AuditChain { project } => {
                let id = project.as_deref().map(|code| s.project_by_code(code).map(|p| p.id)).transpose()?;
                Reply::AuditChain(s.audit_chain(id)?)
            }
            Query::Search { request } => Reply::Search(Box::new(s.search(request)?)),
            Query::Outline { project } => {
                let kind = s.project_by_code(project)?.kind;
                let outlines = s.templates().outlines();
                Reply::Outline { outline: Box::new(outlines.for_kind(kind)?.clone()), problems: outlines.problems().to_vec() }
            }
        })
    }

    fn actor(&self) -> &str {
        &self.actor
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().1
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now().0
    }

    fn attach(&self, path: &std::path::Path) -> Result<crate::domain::Evidence> {
        crate::attachments::attach(self.store.dir(), path, self.now())
    }
}

/// Typed reads over any backend: each asks one Query and unwraps its Reply, so callers never
/// match replies by hand (a reply of the wrong kind is an error, not silently ignored).
pub trait Fetch {
    fn project(&self, code: &str) -> Result<Project>;
    fn projects(&self) -> Result<Vec<Project>>;
    fn project_list(&self) -> Result<Vec<ProjectRow>>;
    fn summary(&self, code: &str) -> Result<Summary>;
    fn tree(&self, code: &str) -> Result<IndicatorTree>;
    fn findings(&self, code: &str) -> Result<Vec<Finding>>;
    fn items(&self, code: &str) -> Result<Vec<RectItem>>;
    fn all_items(&self) -> Result<Vec<RectItem>>;
    fn responses(&self, item: u64) -> Result<Vec<Response>>;
    fn notices(&self, code: &str) -> Result<Vec<Notice>>;
    fn notice(&self, number: &str) -> Result<Notice>;
    /// The notice as issued (number or id); `None` when it was issued before jixiao kept copies.
    fn issued_notice(&self, number: &str) -> Result<Option<IssuedNotice>>;
    fn milestones(&self, code: Option<&str>) -> Result<Vec<Milestone>>;
    fn categories(&self) -> Result<Vec<String>>;
    fn indicator_history(&self, code: &str, node: u32) -> Result<Vec<AuditRecord>>;
    /// A project's review chains and quality reviewer.
    fn reviews(&self, code: &str) -> Result<crate::domain::review::ProjectReviews>;
    fn deadlines(&self, until: NaiveDate) -> Result<Vec<Deadline>>;
    fn budget_total(&self, year: i32) -> Result<Option<rust_decimal::Decimal>>;
    fn summaries(&self) -> Result<Vec<Summary>>;
    /// The templates as (name, title), and the problems of the store's template files.
    fn templates(&self) -> Result<(Vec<Titled>, Vec<String>)>;
    /// The deadline dashboard, computed where the store is (in the server for a shared store).
    fn dashboard(&self, filter: &DeadlineFilter, today: NaiveDate, year: Option<i32>) -> Result<Dashboard>;
    /// A project's evaluation report record (none: nothing written or issued yet).
    fn report(&self, code: &str) -> Result<Option<Report>>;
    /// One issued revision of a project's report, as printed (none: no such revision).
    fn report_issue(&self, code: &str, revision: u32) -> Result<Option<IssuedReport>>;
    /// (the report outline a project is written on, user outline files left out).
    fn outline(&self, code: &str) -> Result<(Outline, Vec<String>)>;
    /// A project's self-check, computed where the store is, and the overrides it keeps.
    fn self_check(&self, code: &str) -> Result<crate::domain::selfcheck::ProjectCheck>;
    /// A project's self-evaluation form (empty when none was written).
    fn form(&self, code: &str) -> Result<crate::domain::form::Form>;
    /// The dossiers archiving wrote for a project, oldest first.
    fn dossiers(&self, code: &str) -> Result<Vec<crate::domain::project::DossierNote>>;
    /// Audit records with their hash-chain links: all, or those touching one project.
    fn audit_chain(&self, code: Option<&str>) -> Result<Vec<(AuditRecord, crate::read::audit::Link)>>;
    /// Where a text occurs across projects, searched where the store is.
    fn search(&self, request: &crate::read::search::SearchRequest) -> Result<crate::read::search::SearchResult>;
}

fn wrong_reply(q: &Query) -> crate::domain::Error {
    crate::domain::Error::corrupt("查询", format!("{q:?} 的回复类型不符"))
}

macro_rules! fetch {
    ($backend:expr, $query:expr, $variant:ident) => {{
        let q = $query;
        match $backend.query(&q)? {
            Reply::$variant(v) => Ok(v),
            _ => Err(wrong_reply(&q)),
        }
    }};
}

impl<B: Backend + ?Sized> Fetch for B {
    fn project(&self, code: &str) -> Result<Project> {
        fetch!(self, Query::Project { code: code.to_string() }, Project).map(|p| *p)
    }
    fn projects(&self) -> Result<Vec<Project>> {
        fetch!(self, Query::Projects, Projects)
    }
    fn project_list(&self) -> Result<Vec<ProjectRow>> {
        fetch!(self, Query::ProjectList, ProjectList)
    }
    fn summary(&self, code: &str) -> Result<Summary> {
        fetch!(self, Query::Summary { project: code.to_string() }, Summary).map(|s| *s)
    }
    fn tree(&self, code: &str) -> Result<IndicatorTree> {
        fetch!(self, Query::Tree { project: code.to_string() }, Tree).map(|t| *t)
    }
    fn findings(&self, code: &str) -> Result<Vec<Finding>> {
        fetch!(self, Query::Findings { project: code.to_string() }, Findings)
    }
    fn items(&self, code: &str) -> Result<Vec<RectItem>> {
        fetch!(self, Query::Items { project: code.to_string() }, Items)
    }
    fn all_items(&self) -> Result<Vec<RectItem>> {
        fetch!(self, Query::AllItems, Items)
    }
    fn responses(&self, item: u64) -> Result<Vec<Response>> {
        fetch!(self, Query::Responses { item }, Responses)
    }
    fn notices(&self, code: &str) -> Result<Vec<Notice>> {
        fetch!(self, Query::Notices { project: code.to_string() }, Notices)
    }
    fn notice(&self, number: &str) -> Result<Notice> {
        let list: Vec<Notice> = fetch!(self, Query::Notice { number: number.to_string() }, Notices)?;
        list.into_iter().next().ok_or_else(|| crate::domain::Error::not_found("通知书", number))
    }
    fn issued_notice(&self, number: &str) -> Result<Option<IssuedNotice>> {
        fetch!(self, Query::IssuedNotice { number: number.to_string() }, Issued).map(|c| c.map(|c| *c))
    }
    fn milestones(&self, code: Option<&str>) -> Result<Vec<Milestone>> {
        fetch!(self, Query::Milestones { project: code.map(str::to_string) }, Milestones)
    }
    fn categories(&self) -> Result<Vec<String>> {
        fetch!(self, Query::Categories, Categories)
    }
    fn indicator_history(&self, code: &str, node: u32) -> Result<Vec<AuditRecord>> {
        fetch!(self, Query::IndicatorHistory { project: code.to_string(), node }, Audit)
    }
    fn reviews(&self, code: &str) -> Result<crate::domain::review::ProjectReviews> {
        fetch!(self, Query::Reviews { project: code.to_string() }, Reviews).map(|b| *b)
    }
    fn deadlines(&self, until: NaiveDate) -> Result<Vec<Deadline>> {
        fetch!(self, Query::Deadlines { until }, Deadlines)
    }
    fn budget_total(&self, year: i32) -> Result<Option<rust_decimal::Decimal>> {
        fetch!(self, Query::BudgetTotal { year }, Amount)
    }
    fn summaries(&self) -> Result<Vec<Summary>> {
        fetch!(self, Query::Summaries, Summaries)
    }
    fn templates(&self) -> Result<(Vec<Titled>, Vec<String>)> {
        match self.query(&Query::Templates)? {
            Reply::Templates { names, titles, problems } => {
                let titled = names.into_iter().enumerate().map(|(i, n)| {
                    let title = titles.get(i).filter(|t| !t.is_empty()).cloned().unwrap_or_else(|| n.clone());
                    (n, title)
                });
                Ok((titled.collect(), problems))
            }
            _ => Err(wrong_reply(&Query::Templates)),
        }
    }
    fn dashboard(&self, filter: &DeadlineFilter, today: NaiveDate, year: Option<i32>) -> Result<Dashboard> {
        fetch!(self, Query::Dashboard { filter: filter.clone(), today, year }, Dashboard).map(|d| *d)
    }
    fn report(&self, code: &str) -> Result<Option<Report>> {
        fetch!(self, Query::Report { project: code.to_string() }, Report).map(|r| r.map(|r| *r))
    }
    fn report_issue(&self, code: &str, revision: u32) -> Result<Option<IssuedReport>> {
        fetch!(self, Query::ReportIssue { project: code.to_string(), revision }, ReportIssue).map(|r| r.map(|r| *r))
    }
    fn self_check(&self, code: &str) -> Result<crate::domain::selfcheck::ProjectCheck> {
        fetch!(self, Query::SelfCheck { project: code.to_string() }, SelfCheck).map(|c| *c)
    }
    fn form(&self, code: &str) -> Result<crate::domain::form::Form> {
        fetch!(self, Query::Form { project: code.to_string() }, Form).map(|f| *f)
    }
    fn dossiers(&self, code: &str) -> Result<Vec<crate::domain::project::DossierNote>> {
        fetch!(self, Query::Dossiers { project: code.to_string() }, Dossiers)
    }
    fn audit_chain(&self, code: Option<&str>) -> Result<Vec<(AuditRecord, crate::read::audit::Link)>> {
        fetch!(self, Query::AuditChain { project: code.map(str::to_string) }, AuditChain)
    }
    fn search(&self, request: &crate::read::search::SearchRequest) -> Result<crate::read::search::SearchResult> {
        fetch!(self, Query::Search { request: request.clone() }, Search).map(|r| *r)
    }
    fn outline(&self, code: &str) -> Result<(Outline, Vec<String>)> {
        let q = Query::Outline { project: code.to_string() };
        match self.query(&q)? {
            Reply::Outline { outline, problems } => Ok((*outline, problems)),
            _ => Err(wrong_reply(&q)),
        }
    }
}
