//! Runs every fuzz target briefly with a fixed seed, so the harness and its properties stay working:
//! each target must run inputs and find no panic and no hang.

use std::time::Duration;

use edgedocs_fuzz::{RunOptions, TARGETS, find_target};

fn smoke(name: &str) {
    let target = find_target(name).expect("the target exists");
    let artifacts = tempfile::tempdir().expect("a temporary folder");
    let options = RunOptions {
        duration: Duration::from_secs(2),
        seed: 20_260_101,
        artifacts: artifacts.path().to_path_buf(),
        // Unoptimised builds on a loaded machine are slow; a hang here is a real hang.
        hang_after: Duration::from_secs(20),
    };
    let report = edgedocs_fuzz::run(target, &options, false);
    let saved: Vec<String> = report
        .saved
        .iter()
        .filter_map(|path| std::fs::read_to_string(path.with_extension("txt")).ok())
        .collect();
    assert!(report.inputs > 0, "{name}: no input ran");
    assert!(
        !report.found_something(),
        "{name}: {}\n{}",
        report.summary_line(),
        saved.join("\n")
    );
}

#[test]
fn every_target_is_smoke_tested() {
    let tested = ["markdown", "fence", "mermaid", "config", "edge-api", "injector"];
    for target in TARGETS {
        assert!(tested.contains(&target.name), "add a smoke test for `{}`", target.name);
    }
}

#[test]
fn markdown() {
    smoke("markdown");
}

#[test]
fn fence() {
    smoke("fence");
}

#[test]
fn mermaid() {
    smoke("mermaid");
}

#[test]
fn config() {
    smoke("config");
}

#[test]
fn edge_api() {
    smoke("edge-api");
}

#[test]
fn injector() {
    smoke("injector");
}
