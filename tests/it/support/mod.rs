//! Test support: a temporary project builder and a fake TTS service.

pub mod fake;
pub mod project;
pub mod recorder;

pub use fake::{FakeService, Reply};
pub use project::Project;
