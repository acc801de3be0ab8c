//! The pure model and its rules: no I/O, no terminal, no clock reads ("today" is a parameter).

pub mod calendar;
pub mod deadline;
pub mod error;
pub mod evidence;
pub mod finding;
pub mod form;
pub mod grade;
pub mod limits;
pub mod meta;
pub mod money;
pub mod notice;
pub mod outline;
pub mod printed;
pub mod project;
pub mod rect;
pub mod report;
pub mod review;
pub mod scoring;
pub mod selfcheck;
pub mod template;
pub mod tree;
pub mod tree_replace;

pub use deadline::{Deadline, DeadlineFilter, DeadlineKind, DueStatus};
pub use error::{Error, Result};
pub use evidence::Evidence;
pub use finding::{Finding, FindingBody, FindingState, Severity};
pub use grade::{Band, Bands, ResultKind};
pub use meta::Meta;
pub use notice::{Notice, NoticeState};
pub use project::{Milestone, MilestoneKind, Phase, Project, ProjectKind, Team};
pub use rect::{EntryKind, ItemAction, ItemState, RectItem, Response};
pub use template::Template;
pub use tree::{IndicatorRef, IndicatorTree, Method, Node, ScoreInput};
