//! The edgedocs generator: turns `content/`, `themes/` and `site.toml` into a static documentation site.
//!
//! [`site::build`] runs the stages in order; each module owns one stage or one concern. The public
//! modules are what the `edgedocs` binary, the fuzzing harness and the integration tests use: the build
//! and its configuration, the Markdown renderer, the diagnostics, the preview, the local KV store, the
//! theme and `init`. The stages' own modules are private.

mod agents;
mod assets;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod edge_worker;
mod git_dates;
mod host_files;
pub mod import;
pub mod line_map;
mod link_check;
pub mod local_kv;
pub mod markdown;
mod output;
pub mod preview;
pub mod redirects;
mod render;
pub mod scaffold;
mod search;
pub mod site;
pub mod site_root;
mod static_files;
pub mod terminal;
#[cfg(test)]
mod test_fixtures;
pub mod theme;
mod theme_options;
mod toml_input;

pub use diagnostics::BuildFailed;
pub use site::{BuildSummary, build, build_to_folder};
