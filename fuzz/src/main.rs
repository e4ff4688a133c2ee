//! `edgedocs-fuzz`: runs one fuzz target for a while, or replays one saved input.
//!
//! ```text
//! edgedocs-fuzz --target markdown --seconds 60 [--seed 7] [--artifacts fuzz/artifacts]
//! edgedocs-fuzz --replay fuzz/artifacts/markdown/panic-0123456789abcdef.bin
//! edgedocs-fuzz --list
//! ```
//!
//! A run prints one `key=value` summary line on stdout and exits 1 when an input panicked or hung.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use edgedocs_fuzz::{RunOptions, TARGETS, find_target};

const USAGE: &str = "usage: edgedocs-fuzz --target NAME --seconds N [--seed S] [--artifacts DIR] [--hang-seconds S]
       edgedocs-fuzz --replay FILE [--target NAME] [--input-out FILE]   (FILE: the input as text)
       edgedocs-fuzz --target NAME --text FILE      (check a hand-written input)
       edgedocs-fuzz --list";

#[derive(Debug, Default)]
struct Arguments {
    target: Option<String>,
    seconds: Option<f64>,
    seed: Option<u64>,
    artifacts: Option<PathBuf>,
    hang_seconds: Option<f64>,
    replay: Option<PathBuf>,
    text: Option<PathBuf>,
    input_out: Option<PathBuf>,
    list: bool,
}

fn parse_arguments() -> Result<Arguments> {
    let mut arguments = Arguments::default();
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut value = |name: &str| words.next().with_context(|| format!("{name} needs a value\n{USAGE}"));
        match word.as_str() {
            "--target" => arguments.target = Some(value("--target")?),
            "--seconds" => {
                arguments.seconds = Some(value("--seconds")?.parse().context("--seconds takes a number")?);
            }
            "--seed" => arguments.seed = Some(value("--seed")?.parse().context("--seed takes a whole number")?),
            "--artifacts" => arguments.artifacts = Some(value("--artifacts")?.into()),
            "--hang-seconds" => {
                arguments.hang_seconds = Some(
                    value("--hang-seconds")?
                        .parse()
                        .context("--hang-seconds takes a number")?,
                );
            }
            "--replay" => arguments.replay = Some(value("--replay")?.into()),
            "--text" => arguments.text = Some(value("--text")?.into()),
            "--input-out" => arguments.input_out = Some(value("--input-out")?.into()),
            "--list" => arguments.list = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(arguments)
}

fn target_names() -> String {
    TARGETS.iter().map(|target| target.name).collect::<Vec<_>>().join(", ")
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode> {
    let arguments = parse_arguments()?;
    if arguments.list {
        for target in TARGETS {
            println!("{:<10} {}", target.name, target.about);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &arguments.text {
        let name = arguments.target.as_deref().context("--text needs --target")?;
        let target =
            find_target(name).with_context(|| format!("no target `{name}`; the targets are {}", target_names()))?;
        let check = target
            .check_text
            .with_context(|| format!("the `{name}` target takes no text input"))?;
        let text = std::fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))?;
        let started = std::time::Instant::now();
        check(&text);
        println!("passed in {} ms", started.elapsed().as_millis());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &arguments.replay {
        let name = match &arguments.target {
            Some(name) => name.clone(),
            None => path
                .parent()
                .and_then(|folder| folder.file_name())
                .and_then(|name| name.to_str())
                .map(str::to_owned)
                .with_context(|| format!("cannot tell the target from `{}`; pass --target", path.display()))?,
        };
        let target =
            find_target(&name).with_context(|| format!("no target `{name}`; the targets are {}", target_names()))?;
        let replay = edgedocs_fuzz::replay(target, path).with_context(|| format!("reading `{}`", path.display()))?;
        match &arguments.input_out {
            Some(out) => std::fs::write(out, &replay.shown).with_context(|| format!("writing `{}`", out.display()))?,
            None => println!("input:\n{}\n", edgedocs_fuzz::targets::visible(&replay.shown)),
        }
        return Ok(match replay.panic {
            Some(message) => {
                println!("panicked after {} ms: {message}", replay.took.as_millis());
                ExitCode::FAILURE
            }
            None => {
                println!("passed in {} ms", replay.took.as_millis());
                ExitCode::SUCCESS
            }
        });
    }
    let name = arguments
        .target
        .with_context(|| format!("pass --target NAME (one of {})\n{USAGE}", target_names()))?;
    let target =
        find_target(&name).with_context(|| format!("no target `{name}`; the targets are {}", target_names()))?;
    let seconds = arguments.seconds.unwrap_or(10.0);
    if !(seconds.is_finite() && seconds > 0.0) {
        bail!("--seconds must be a positive number, not {seconds}");
    }
    let options = RunOptions {
        duration: Duration::from_secs_f64(seconds),
        seed: arguments.seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |since| since.as_secs())
        }),
        artifacts: arguments.artifacts.unwrap_or_else(|| PathBuf::from("fuzz/artifacts")),
        hang_after: Duration::from_secs_f64(arguments.hang_seconds.unwrap_or(2.0)),
    };
    eprintln!(
        "[{}] fuzzing for {seconds} s with seed {}; artifacts under {}",
        target.name,
        options.seed,
        options.artifacts.display()
    );
    let report = edgedocs_fuzz::run(target, &options, true);
    println!("{}", report.summary_line());
    if report.stuck {
        eprintln!(
            "[{}] an input was still running at the end; stopping the process",
            target.name
        );
    }
    Ok(if report.found_something() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
