//! Writing to a terminal that may have gone away. `println!` and `eprintln!` panic when the other end
//! of stdout or stderr is closed (`edgedocs build | head -0`, a closed terminal); these functions end
//! the output quietly instead, as command-line tools do.

use anyhow::Context;
use std::io::{ErrorKind, Write};

/// Writes `text` to stdout as it is. A reader that has gone away (`edgedocs kv list | head -1`) is
/// not an error: the command stops printing and succeeds. Any other failure to write (a full disk
/// behind `>`) is.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != ErrorKind::BrokenPipe => Err(error).context("could not print the output"),
        _ => Ok(()),
    }
}

/// Writes a line to stdout for whoever watches a running command (`serve`'s progress); a terminal
/// that has gone away does not stop the command.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Writes a line (or several) to stderr: a warning, a note, an error. One that cannot be shown is
/// dropped: the command goes on, or ends with the exit status it would have had.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
