//! The generator's integration tests, one binary: each module runs the real `edgedocs` binary on small
//! fixture sites (`tests/fixtures/`) through the shared harness in [`support`].

mod agents;
mod build;
mod closed_output;
mod highlight_cache;
mod import_mdbook;
mod import_zola;
mod init;
mod invalid_input;
mod kv_cli;
mod redirects;
mod search;
mod support;
mod theme;
