//! Structured fuzzing of edgedocs on stable Rust. Each target turns random bytes into a plausible
//! input with [`arbitrary`] (a Markdown page, a fence info string, a Mermaid flowchart, a `site.toml`,
//! an edge request with a KV snapshot, an HTML page cut into chunks), runs it through the real entry
//! points and asserts properties that must hold for every input. A failed property is a panic.
//!
//! [`engine`] runs a target for a while on a seeded stream of inputs, with a watchdog for hangs, and
//! saves every panic and hang as the bytes that reproduce it. It knows nothing about the targets.

pub mod engine;
pub mod pieces;
pub mod targets;

pub use engine::{Report, RunOptions, replay, run};
pub use targets::{TARGETS, Target, find_target};
