//! The `edgedocs` command line: parses arguments, runs a subcommand, prints errors and sets the exit code.

mod cmd;

use clap::Parser;
use edgedocs::terminal;
use std::fmt::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut message = String::new();
            if let Some(failed) = error.downcast_ref::<edgedocs::BuildFailed>() {
                let _ = write!(message, "{failed}");
            } else {
                let _ = write!(message, "error: {error}");
                for cause in error.chain().skip(1) {
                    let _ = write!(message, "\n  caused by: {cause}");
                }
            }
            // A stderr that is gone cannot show it; the exit status still says it failed.
            terminal::note(&message);
            ExitCode::FAILURE
        }
    }
}
