//! One file per subcommand. Each `execute` loads what it needs, calls the
//! library, and reports to the terminal; none holds logic a test would want
//! to reach without the command line.

pub mod build;
pub mod cache;
pub mod check;
pub mod doctor;
pub mod import;
pub mod init;
pub mod plan;
pub mod say;
pub mod serve;
pub mod voices;
