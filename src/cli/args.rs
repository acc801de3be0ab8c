//! The command line (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about = "绩效: a terminal workbench for budget performance evaluation teams")]
pub struct Cli {
    /// Data directory (else $JIXIAO_DATA, else `data` in config.toml, else $XDG_DATA_HOME/jixiao, else ~/.local/share/jixiao)
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Language of messages: zh (default) or en (else $JIXIAO_LANG, else `lang` in config.toml)
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,
    /// A keymap file merged over the default keys (else `keymap` in config.toml, else $XDG_CONFIG_HOME/jixiao/keymap.toml)
    #[arg(long, global = true, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    /// Open the store in this process instead of through the team server (jixiao serve)
    #[arg(long, global = true)]
    pub local: bool,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Create a demo store (in --data, else a fresh temporary directory) and open it in the TUI
    Demo {
        /// Only create the store and print its data directory
        #[arg(long)]
        seed_only: bool,
        /// Also generate N projects with trees, scores, findings and items (for benchmarks)
        #[arg(long, value_name = "N", default_value_t = 0)]
        scale: u64,
    },
    /// Indicator templates
    Template {
        #[command(subcommand)]
        action: TemplateCmd,
    },
    /// Export everything (or one project) as a lossless JSON bundle; or one project's
    /// self-evaluation form or score table as XLSX (--format xlsx --as self-eval|score-table)
    #[command(
        after_help = "Examples:\n  jixiao export -o 备份.json\n  jixiao export --project CC21-01 --format xlsx --as self-eval -o 自评表.xlsx\n  jixiao export --project ZD21-06 --format xlsx --as score-table -o 评分表.xlsx"
    )]
    Export {
        /// Only this project (its code)
        #[arg(long, value_name = "CODE")]
        project: Option<String>,
        /// json: the lossless bundle; xlsx: one project's form (with --as)
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// xlsx: self-eval (绩效自评表, as printed; `import --as self-eval` reads it back) or
        /// score-table (评分表; `import --as indicators` reads its tree back)
        #[arg(long = "as", value_enum, value_name = "KIND")]
        kind: Option<ExportKind>,
        /// Write to FILE instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The rectification ledger (整改台账): one row per item, as a table, CSV, JSON or XLSX
    Ledger(LedgerArgs),
    /// Every open deadline (items, notices, milestones), overdue first: a table or JSON
    Due(DueArgs),
    /// Where a text occurs across projects: scoring bases, findings, requirements, responses,
    /// evidence names (exit 3 when nothing is found)
    #[command(
        after_help = "Examples:\n  jixiao search 资金闲置\n  jixiao search 发放明细 --project ZD21-01 --in responses --in evidence\n  jixiao search PPP --format json"
    )]
    Search(SearchArgs),
    /// Print a rectification notice (整改通知书) ready to send: Markdown, plain text, a 公文 .docx or PDF
    Notice(NoticeArgs),
    /// Print a project's evaluation report (评价报告) as Markdown, or its score table as XLSX
    Report(ReportArgs),
    /// Back up the whole store (bundle and evidence files) as one .zip, while the server serves;
    /// `jixiao import FILE.zip` into an empty data dir restores it
    #[command(
        after_help = "Examples:\n  jixiao backup -o /backup/jixiao-2026-12-04.zip\n  jixiao --data /srv/jixiao-restored import /backup/jixiao-2026-12-04.zip"
    )]
    Backup {
        /// The .zip to write (outside the data dir)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Import a JSON bundle, or with --as a spreadsheet (.xlsx, .xls, .csv): all or nothing
    Import(ImportArgs),
    /// Read commands as JSON lines on standard input and apply each (docs/commands.md)
    Exec,
    /// Decode every record and check indexes, tree sums and the audit log; with --project, the
    /// project's self-check (自检) before anything leaves the team
    Check {
        /// The project's code: run its self-check (exit 1 when a check fails)
        #[arg(long, value_name = "CODE")]
        project: Option<String>,
        /// table (fits 80 columns) or json; with --project only
        #[arg(long, value_enum, default_value_t = DueFormat::Table)]
        format: DueFormat,
    },
    /// A project's dossier: the issued documents, evidence files, audit chain and a checksum
    /// manifest, written to a new directory or a .zip (checkable with sha256sum)
    #[command(
        after_help = "Examples:\n  jixiao archive ZD21-06 -o 归档/ZD21-06\n  jixiao archive ZD21-06 -o ZD21-06归档.zip\n\nThe last line printed is the sha256 of MANIFEST.sha256: note it on the paper file; VERIFY.md in the dossier, or jixiao verify, checks it"
    )]
    Archive {
        /// The project's code, e.g. ZD21-06
        #[arg(value_name = "CODE")]
        code: String,
        /// The directory to write (absent or empty) or a .zip file
        #[arg(short, long, value_name = "DIR|FILE.zip")]
        output: PathBuf,
    },
    /// Check a dossier (directory or .zip): the manifest, evidence file names, the audit chain,
    /// project.json; exit 0 when it holds, else 1
    #[command(after_help = "Examples:\n  jixiao verify 归档/ZD21-06\n  jixiao verify ZD21-06归档.zip")]
    Verify {
        /// The dossier's directory or .zip file
        #[arg(value_name = "DIR|FILE.zip")]
        path: PathBuf,
    },
    /// The store admins: add USER, remove USER, list
    Admin {
        #[command(subcommand)]
        action: AdminCmd,
    },
    /// The data dir's owner, modes, socket, server, locks, free space and health, each with its fix
    Doctor {
        /// Apply the fixes: the chmods, leftover sled snapshots removed
        #[arg(long)]
        fix: bool,
    },
    /// Own the store and serve the team's clients on DATA/run/server.sock (stop with SIGTERM or ctrl-c)
    Serve {
        /// Exit after this many seconds without a client (how clients start a server on demand)
        #[arg(long, value_name = "SECONDS")]
        idle_exit: Option<u64>,
        /// Close a connection that sends no request for this long (default 600; a workbench
        /// listening for events is never closed for idling)
        #[arg(long, value_name = "SECONDS")]
        idle_timeout: Option<u64>,
        /// Close a connection whose message (or hello) is not complete this long after it began (default 30)
        #[arg(long, value_name = "SECONDS")]
        frame_timeout: Option<u64>,
        /// Connections of one user at once (default 64)
        #[arg(long, value_name = "N")]
        max_connections_per_user: Option<usize>,
        /// Connections in all (default 512)
        #[arg(long, value_name = "N")]
        max_connections: Option<usize>,
    },
}

/// `jixiao import FILE`: a JSON bundle (jixiao export), or with `--as` a spreadsheet.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jixiao import 备份.json\n  jixiao import 2021年重点评价项目表.xlsx --as cases --dry-run\n  jixiao import 项目表.xls --as cases --year 2021 --prefix ZD21-"
)]
pub struct ImportArgs {
    /// JSON bundle: skip projects whose codes already exist instead of refusing the file
    #[arg(long)]
    pub merge: bool,
    /// Read FILE as a spreadsheet (.xlsx/.xlsm, .xls or .csv, told by content) holding: cases (a
    /// case list such as 重点绩效评价项目表: one project per row), indicators or self-eval (a
    /// project's forms, with --project)
    #[arg(long = "as", value_enum, value_name = "KIND")]
    pub kind: Option<SheetKind>,
    /// indicators/self-eval: the project the form belongs to
    #[arg(long, value_name = "CODE")]
    pub project: Option<String>,
    /// The worksheet to read (default: the first visible sheet holding the table)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Print what would be imported, and every problem found, without changing anything
    #[arg(long)]
    pub dry_run: bool,
    /// cases: the evaluation year (default: a year 20xx in the title above the table, else this
    /// year); projects get fiscal year = this year − 1, the spending evaluated
    #[arg(long, value_name = "YYYY")]
    pub year: Option<i32>,
    /// cases: the code prefix (default ZD{yy}-, yy the evaluation year); codes are numbered
    /// 01, 02 … after the highest code with the prefix already in the store
    #[arg(long, value_name = "P")]
    pub prefix: Option<String>,
    /// indicators/self-eval: replace a tree that already has scores (they are cleared), saying why
    #[arg(long, value_name = "REASON")]
    pub replace: Option<String>,
    /// A JSON bundle (jixiao export), or with --as a spreadsheet
    pub file: PathBuf,
}

/// What an imported spreadsheet holds (`import --as`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SheetKind {
    /// A case list (重点评价项目表): one project per row, created all at once.
    Cases,
    /// A project's indicator table (指标体系 / 评分表).
    Indicators,
    /// A project's self-evaluation form (绩效自评表).
    SelfEval,
}

impl SheetKind {
    /// The name as typed after `--as`.
    pub fn arg(self) -> &'static str {
        match self {
            SheetKind::Cases => "cases",
            SheetKind::Indicators => "indicators",
            SheetKind::SelfEval => "self-eval",
        }
    }
}

#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// Only items whose responsible unit (责任单位) contains this text
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// Only one project's items
    #[arg(long, value_name = "CODE")]
    pub project: Option<String>,
    /// Only items in this state: 草稿 已下达 整改中 已提交 已退回 已销号 持续整改 已撤销
    #[arg(long, value_name = "STATE")]
    pub status: Option<String>,
    /// Only items overdue on the as-of date
    #[arg(long)]
    pub overdue: bool,
    /// Only open items due within DAYS days of the as-of date
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36_500))]
    pub within: Option<u32>,
    /// Only findings of this category (问题类别, exact)
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// The day overdue days are counted on, YYYY-MM-DD (default: today)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// table (default, or taken from the -o file's extension), csv, json or xlsx
    #[arg(long, value_enum)]
    pub format: Option<LedgerFormat>,
    /// Write to FILE instead of standard output (required for xlsx)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// xlsx: the 填报单位 printed in the title row (default: the projects' third-party firm when
    /// all rows share one, else left blank to fill by hand)
    #[arg(long, value_name = "NAME")]
    pub filer: Option<String>,
    /// xlsx: add the 事项ID column at the end (CSV and JSON always carry it)
    #[arg(long)]
    pub with_ids: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    Table,
    Csv,
    Json,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Upcoming deadlines up to DAYS days after the as-of date (default 30); overdue ones always show
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36_500))]
    pub within: Option<u32>,
    /// The day days left are counted from, YYYY-MM-DD (default: today)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Only deadlines whose unit (责任单位 or evaluated unit) contains this text
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// Only one project's deadlines (its code)
    #[arg(long, value_name = "CODE")]
    pub project: Option<String>,
    /// Only projects where the current OS user is the lead or a member
    #[arg(long)]
    pub mine: bool,
    /// table (fitted to the terminal, 80 columns when not one) or json
    #[arg(long, value_enum, default_value_t = DueFormat::Table)]
    pub format: DueFormat,
    /// Exit 1 when anything shown is overdue (for cron jobs and shell prompts)
    #[arg(long)]
    pub fail_if_overdue: bool,
    /// Print nothing; the exit status says it: 0 nothing overdue, 1 something overdue, 2 an error
    #[arg(short, long, conflicts_with_all = ["count", "format"])]
    pub quiet: bool,
    /// One line of counts for a shell prompt: overdue, due today, due within DAYS (--within, default 7)
    #[arg(long, conflicts_with = "format")]
    pub count: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The text to find (Latin letters without case; Chinese as written)
    #[arg(value_name = "TEXT")]
    pub text: String,
    /// Only one project (its code)
    #[arg(long, value_name = "CODE")]
    pub project: Option<String>,
    /// Only these texts: basis, findings, items, responses, evidence (repeat or separate with commas)
    #[arg(long = "in", value_name = "KIND", value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Show at most N hits (the count says how many there are)
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
    /// table (fitted to the terminal, 80 columns when not one) or json
    #[arg(long, value_enum, default_value_t = DueFormat::Table)]
    pub format: DueFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DueFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct NoticeArgs {
    /// The notice number, e.g. 财绩整〔2026〕3号 (also accepted: 财绩整[2026]3号, 财绩整(2026)3)
    #[arg(value_name = "NUMBER")]
    pub number: String,
    /// md, txt, docx or pdf (default: taken from the -o file's extension, else txt, wrapped for A4);
    /// docx and pdf are binary: written to -o FILE or a pipe, never to a terminal; pdf needs LibreOffice
    #[arg(long, value_enum)]
    pub format: Option<NoticeFormat>,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The issuing authority printed above the date, with --current or for a notice issued before jixiao kept copies (an issued copy prints the one it was issued with)
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,
    /// Today's state of the notice (due dates after extensions, revised findings) instead of the copy kept as issued, followed by what changed since issue
    #[arg(long)]
    pub current: bool,
    /// docx/pdf: take the styles (fonts, sizes) and page setup from this .docx, as pandoc's --reference-doc does
    #[arg(long, value_name = "FILE")]
    pub reference_doc: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NoticeFormat {
    Md,
    Txt,
    Docx,
    Pdf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The project's code, e.g. ZD21-06
    #[arg(value_name = "CODE")]
    pub code: String,
    /// md (default, or taken from the -o file's extension), docx, pdf (through LibreOffice), or xlsx (with --table-only)
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write to FILE instead of standard output (required for xlsx)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// An issued revision (1 is the first issue); default: the latest issued one once the
    /// project is at 定稿 or later, else the current draft
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub revision: Option<u32>,
    /// Only the score table (评分表)
    #[arg(long)]
    pub table_only: bool,
    /// docx/pdf: take the styles (fonts, sizes) and page setup from this .docx, as pandoc's --reference-doc does
    #[arg(long, value_name = "FILE")]
    pub reference_doc: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Docx,
    Pdf,
    Xlsx,
}

#[derive(Debug, Subcommand)]
pub enum AdminCmd {
    /// Name an admin (the first one named makes you an admin too)
    Add { user: String },
    /// Remove an admin (not the last one)
    Remove { user: String },
    /// Print the admins
    List,
}

#[derive(Debug, Subcommand)]
pub enum TemplateCmd {
    /// List the templates (built in, and DATA/templates/*.toml)
    List,
    /// Print a template's indicator tree with points
    Show {
        /// A template name, or a path to a template file
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Xlsx,
}

/// What `export --format xlsx` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// The self-evaluation form (绩效自评表) as printed.
    SelfEval,
    /// The score table (评分表).
    ScoreTable,
}
