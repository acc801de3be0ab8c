//! Read models: the shapes records take on their way out of the store — to screens, exports,
//! documents and the wire. `store` produces them; the TUI, the CLI and `export` consume them
//! without naming `store`. Pure: they depend on `domain` (and the text helpers) alone.

pub mod audit;
pub mod bundle;
pub mod dashboard;
pub mod due;
pub mod issued;
pub mod notice;
pub mod print;
pub mod report;
pub mod search;
pub mod selfcheck;
pub mod summary;

pub use audit::AuditRecord;
pub use bundle::Bundle;
pub use summary::{ProjectRow, Summary};
