//! Test support: a temporary project builder and fake TTS services.

pub mod fake;
pub mod faults;
pub mod project;
pub mod recorder;

pub use fake::{FakeService, Reply};
pub use project::Project;
