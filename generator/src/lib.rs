//! The edgedocs generator: turns `content/`, `themes/` and `site.toml` into a static documentation site.
//!
//! [`site::build`] runs the stages in order; each module owns one stage or one concern.

pub mod agents;
pub mod assets;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod git_dates;
pub mod host_files;
pub mod link_check;
pub mod local_kv;
pub mod markdown;
pub mod output;
pub mod preview;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod site;
pub mod site_root;
pub mod static_files;
pub mod terminal;
#[cfg(test)]
mod test_fixtures;
pub mod theme;
pub mod theme_options;
pub mod toml_input;

pub use diagnostics::BuildFailed;
pub use site::{BuildSummary, build, build_to_folder};
