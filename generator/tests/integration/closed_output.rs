//! The real binary with stdout or stderr closed at the other end, as in `edgedocs build | head -0`:
//! it ends quietly with the status it would have had, never with a panic ("failed printing to
//! stdout: Broken pipe", status 101).

use crate::support::SiteTest;
use std::io::PipeWriter;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The write end of a pipe whose reader is already gone: every write to it fails with a broken pipe.
fn closed_pipe() -> PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

/// Which of the binary's outputs has no reader.
#[derive(Debug, Clone, Copy)]
enum Closed {
    Stdout,
    Stderr,
}

/// Runs `edgedocs --root <root> <args>` with one of its outputs closed.
fn run(root: &Path, args: &[&str], closed: Closed) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_edgedocs"));
    command.arg("--root").arg(root).args(args);
    match closed {
        Closed::Stdout => command.stdout(closed_pipe()).stderr(Stdio::piped()),
        Closed::Stderr => command.stdout(Stdio::piped()).stderr(closed_pipe()),
    };
    command.output().unwrap()
}

#[test]
fn build_with_its_output_closed_still_builds_and_succeeds() {
    // The `code` site warns about an unknown code language, so `build` writes to both outputs.
    for closed in [Closed::Stdout, Closed::Stderr] {
        let site = SiteTest::new("code");
        let output = run(site.root(), &["build"], closed);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{closed:?} closed:\n{stdout}{stderr}");
        assert!(site.exists("index.html"), "{closed:?} closed: the site is built");
        match closed {
            Closed::Stdout => assert!(stderr.starts_with("warning: content/samples.md:24:1:"), "{stderr}"),
            Closed::Stderr => assert!(stdout.starts_with("Built "), "{stdout}"),
        }
    }
}

#[test]
fn errors_to_a_closed_stderr_still_exit_with_1() {
    let site = SiteTest::new("invalid/broken_link");
    let missing_root = site.beside().join("nowhere");
    for (root, args) in [
        // A failed build: its diagnostics.
        (site.root(), vec!["build"]),
        // Any other error: the message and its causes.
        (missing_root.as_path(), vec!["build"]),
        (site.root(), vec!["kv", "get", "missing"]),
    ] {
        let output = run(root, &args, Closed::Stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?} in {}", root.display());
        assert_eq!(String::from_utf8_lossy(&output.stdout), "", "{args:?}");
    }
}
