//! briefcast's integration tests: one binary, a module per capability.
//! Builds run the real `briefcast` executable in a temporary project;
//! fake services run in this process where a real one cannot be made to
//! count, fail or stall on demand.

mod broadcast;
mod build;
mod e2e;
mod import;
mod publishing;
mod readalong;
mod regen;
mod services;
mod spoken;
mod support;
