//! briefcast's integration tests: one binary, a module per capability.
//! Builds run the real `briefcast` executable in a temporary project;
//! fake services run in this process where a real one cannot be made to
//! count, fail or stall on demand.

mod bad_input;
mod broadcast;
mod build;
mod cache_safety;
mod check;
mod crash;
mod e2e;
mod epub;
mod faults;
mod first_contact;
mod hostile;
mod import;
mod import_limits;
mod intelligibility;
mod messages;
mod playout;
mod pools;
mod publishing;
mod readalong;
mod readme;
mod regen;
mod secrets;
mod serve;
mod services;
mod shared_cache;
mod shared_cache_limits;
mod spoken;
mod support;
mod voices;
mod word_timing;
