//! One file per subcommand. Each `execute` loads what it needs, calls the
//! library, and reports to the terminal; none holds logic a test would want
//! to reach without the command line.

pub(crate) mod build;
pub(crate) mod cache;
pub(crate) mod check;
pub(crate) mod deliver;
pub(crate) mod doctor;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod plan;
pub(crate) mod say;
pub(crate) mod serve;
pub(crate) mod voices;
