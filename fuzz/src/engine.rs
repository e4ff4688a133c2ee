//! The fuzzing loop: a worker thread runs a target on a seeded stream of random inputs while the
//! calling thread watches the clock. An input that panics (a failed property is a panic) or runs longer
//! than the hang limit is saved under the artifacts folder as its bytes, which [`replay`] runs again,
//! plus a `.txt` with the message and the input as a person would write it.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use crate::targets::Target;

/// How one run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How long to generate new inputs.
    pub duration: Duration,
    /// Seeds the input stream: the same seed gives the same inputs.
    pub seed: u64,
    /// Where panics and hangs are saved (`<artifacts>/<target>/...`).
    pub artifacts: PathBuf,
    /// An input running longer than this is a hang.
    pub hang_after: Duration,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Report {
    pub target: &'static str,
    pub inputs: u64,
    pub elapsed: Duration,
    /// Inputs that panicked (each distinct panic location is saved once).
    pub panics: u64,
    /// Inputs that ran longer than the hang limit.
    pub hangs: u64,
    /// The slowest input that finished.
    pub slowest: Duration,
    /// The process's peak resident memory (`VmHWM`), when the platform reports it.
    pub peak_kib: Option<u64>,
    /// An input was still running when the run ended (the worker thread is abandoned).
    pub stuck: bool,
    /// Files written under the artifacts folder.
    pub saved: Vec<PathBuf>,
}

impl Report {
    pub fn inputs_per_second(&self) -> f64 {
        self.inputs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn found_something(&self) -> bool {
        self.panics > 0 || self.hangs > 0 || self.stuck
    }

    /// One line of `key=value` pairs, for scripts.
    pub fn summary_line(&self) -> String {
        format!(
            "target={} inputs={} seconds={:.1} per_second={:.0} panics={} hangs={} peak_kib={} slowest_ms={} stuck={}",
            self.target,
            self.inputs,
            self.elapsed.as_secs_f64(),
            self.inputs_per_second(),
            self.panics,
            self.hangs,
            self.peak_kib
                .map_or_else(|| "unknown".to_owned(), |kib| kib.to_string()),
            self.slowest.as_millis(),
            self.stuck,
        )
    }
}

/// A splitmix64 stream: fast, seedable, good enough to pick bytes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }

    pub fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

/// The length of the next input: mostly small (fast, and most bugs are small), sometimes up to `max`.
fn input_len(rng: &mut Rng, max: usize) -> usize {
    let len = match rng.below(10) {
        0..=3 => rng.below(256),
        4..=8 => rng.below(2048),
        _ => rng.below(max + 1),
    };
    len.min(max)
}

/// The input the worker is running, for the watchdog.
struct Current {
    bytes: Vec<u8>,
    index: u64,
    started: Instant,
    reported_as_hang: bool,
}

struct Shared {
    current: Mutex<Option<Current>>,
    stop: AtomicBool,
    finished: AtomicBool,
    inputs: AtomicU64,
    panics: AtomicU64,
    hangs: AtomicU64,
    slowest_micros: AtomicU64,
    saved: Mutex<Vec<PathBuf>>,
}

thread_local! {
    /// Set on threads that run inputs: their panics are recorded here instead of printed.
    static CAPTURE: RefCell<Option<Option<CapturedPanic>>> = const { RefCell::new(None) };
}

#[derive(Debug, Clone)]
struct CapturedPanic {
    message: String,
    location: String,
}

/// Installs (once) a panic hook that records panics on fuzzing threads and prints the others as usual.
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|capture| {
                let mut capture = capture.borrow_mut();
                let Some(slot) = capture.as_mut() else {
                    return false;
                };
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|text| (*text).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(a panic without a message)".to_owned());
                let location = info
                    .location()
                    .map_or_else(|| "unknown".to_owned(), |at| format!("{}:{}", at.file(), at.line()));
                *slot = Some(CapturedPanic { message, location });
                true
            });
            if !captured {
                default(info);
            }
        }));
    });
}

/// Runs `input` on `target`; a panic comes back as `Err`. Panics that the code under test catches
/// itself (as the diagram renderer does) are not reported.
fn run_one(target: &Target, input: &[u8]) -> Result<(), CapturedPanic> {
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(None));
    let outcome = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    let captured = CAPTURE.with(|capture| capture.borrow_mut().take().flatten());
    match outcome {
        Ok(()) => Ok(()),
        Err(_) => Err(captured.unwrap_or(CapturedPanic {
            message: "(panic not captured)".to_owned(),
            location: "unknown".to_owned(),
        })),
    }
}

/// Runs `target` for `options.duration` and reports what happened. Progress goes to stderr when
/// `verbose`.
pub fn run(target: &'static Target, options: &RunOptions, verbose: bool) -> Report {
    install_panic_hook();
    let shared = Arc::new(Shared {
        current: Mutex::new(None),
        stop: AtomicBool::new(false),
        finished: AtomicBool::new(false),
        inputs: AtomicU64::new(0),
        panics: AtomicU64::new(0),
        hangs: AtomicU64::new(0),
        slowest_micros: AtomicU64::new(0),
        saved: Mutex::new(Vec::new()),
    });
    let started = Instant::now();
    let worker = {
        let shared = Arc::clone(&shared);
        let options = options.clone();
        std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name))
            .stack_size(64 * 1024 * 1024)
            .spawn(move || work(target, &options, &shared, verbose))
            .expect("the fuzzing thread starts")
    };

    let deadline = started + options.duration;
    let mut stuck = false;
    let mut next_progress = started + Duration::from_secs(30);
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let now = Instant::now();
        if let Some(current) = shared.current.lock().expect("not poisoned").as_mut()
            && !current.reported_as_hang
            && now.duration_since(current.started) > options.hang_after
        {
            current.reported_as_hang = true;
            shared.hangs.fetch_add(1, Ordering::Relaxed);
            let note = format!(
                "input {} of seed {} ran longer than {:.1} s",
                current.index,
                options.seed,
                options.hang_after.as_secs_f64()
            );
            if let Some(path) = save(target, options, "hang", &current.bytes, &note) {
                if verbose {
                    eprintln!("[{}] hang: {note}; saved {}", target.name, path.display());
                }
                shared.saved.lock().expect("not poisoned").push(path);
            }
        }
        if shared.finished.load(Ordering::Acquire) {
            break;
        }
        if now >= deadline {
            shared.stop.store(true, Ordering::Release);
            let running_long = shared
                .current
                .lock()
                .expect("not poisoned")
                .as_ref()
                .is_some_and(|current| now.duration_since(current.started) > options.hang_after);
            if running_long && now >= deadline + options.hang_after {
                stuck = true;
                break;
            }
        }
        if verbose && now >= next_progress {
            next_progress = now + Duration::from_secs(30);
            eprintln!(
                "[{}] {:.0} s: {} inputs, {} panics, {} hangs",
                target.name,
                now.duration_since(started).as_secs_f64(),
                shared.inputs.load(Ordering::Relaxed),
                shared.panics.load(Ordering::Relaxed),
                shared.hangs.load(Ordering::Relaxed)
            );
        }
    }
    if !stuck {
        let _ = worker.join();
    }
    let saved = shared.saved.lock().expect("not poisoned").clone();
    Report {
        target: target.name,
        inputs: shared.inputs.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        panics: shared.panics.load(Ordering::Relaxed),
        hangs: shared.hangs.load(Ordering::Relaxed),
        slowest: Duration::from_micros(shared.slowest_micros.load(Ordering::Relaxed)),
        peak_kib: peak_resident_kib(),
        stuck,
        saved,
    }
}

fn work(target: &'static Target, options: &RunOptions, shared: &Shared, verbose: bool) {
    let mut rng = Rng::new(options.seed);
    let mut seen_panics: HashSet<String> = HashSet::new();
    let mut index = 0_u64;
    let mut bytes = Vec::new();
    while !shared.stop.load(Ordering::Acquire) {
        bytes.resize(input_len(&mut rng, target.max_len), 0);
        rng.fill(&mut bytes);
        *shared.current.lock().expect("not poisoned") = Some(Current {
            bytes: bytes.clone(),
            index,
            started: Instant::now(),
            reported_as_hang: false,
        });
        let started = Instant::now();
        let outcome = run_one(target, &bytes);
        let took = started.elapsed();
        *shared.current.lock().expect("not poisoned") = None;
        shared
            .slowest_micros
            .fetch_max(u64::try_from(took.as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
        shared.inputs.fetch_add(1, Ordering::Relaxed);
        if let Err(panic) = outcome {
            shared.panics.fetch_add(1, Ordering::Relaxed);
            if seen_panics.insert(panic.location.clone()) {
                let note = format!(
                    "input {index} of seed {} panicked at {}:\n{}",
                    options.seed, panic.location, panic.message
                );
                if let Some(path) = save(target, options, "panic", &bytes, &note) {
                    if verbose {
                        eprintln!(
                            "[{}] panic at {}; saved {}",
                            target.name,
                            panic.location,
                            path.display()
                        );
                    }
                    shared.saved.lock().expect("not poisoned").push(path);
                }
            }
        }
        index += 1;
    }
    shared.finished.store(true, Ordering::Release);
}

/// FNV-1a, for artifact names that depend only on the bytes.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Saves `bytes` as `<artifacts>/<target>/<kind>-<fingerprint>.bin` with a `.txt` beside it.
fn save(target: &Target, options: &RunOptions, kind: &str, bytes: &[u8], note: &str) -> Option<PathBuf> {
    let folder = options.artifacts.join(target.name);
    if let Err(error) = std::fs::create_dir_all(&folder) {
        eprintln!("could not create {}: {error}", folder.display());
        return None;
    }
    let stem = format!("{kind}-{:016x}", fingerprint(bytes));
    let bin = folder.join(format!("{stem}.bin"));
    let shown = catch_unwind(AssertUnwindSafe(|| crate::targets::visible(&(target.show)(bytes))))
        .unwrap_or_else(|_| "(the input could not be shown)".to_owned());
    let mut text = String::new();
    let _ = writeln!(text, "{note}\n");
    let _ = writeln!(
        text,
        "replay: cargo run --release -p edgedocs-fuzz -- --replay {}\n",
        bin.display()
    );
    let _ = writeln!(text, "input:\n{shown}");
    let written = std::fs::write(&bin, bytes).and_then(|()| std::fs::write(folder.join(format!("{stem}.txt")), text));
    match written {
        Ok(()) => Some(bin),
        Err(error) => {
            eprintln!("could not save {}: {error}", bin.display());
            None
        }
    }
}

/// What replaying one saved input did.
#[derive(Debug)]
pub struct Replay {
    pub shown: String,
    pub took: Duration,
    /// The panic message and location, when it panicked.
    pub panic: Option<String>,
}

/// Runs one saved input again (the panic is printed by the usual hook as well).
pub fn replay(target: &Target, path: &Path) -> std::io::Result<Replay> {
    let bytes = std::fs::read(path)?;
    let shown = (target.show)(&bytes);
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| (target.run)(&bytes)));
    let took = started.elapsed();
    let panic = outcome.err().map(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(a panic without a message)".to_owned())
    });
    Ok(Replay { shown, took, panic })
}

/// The process's peak resident set (`VmHWM` in `/proc/self/status`), in KiB.
pub fn peak_resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_stream_depends_only_on_the_seed() {
        let draw = |seed| {
            let mut rng = Rng::new(seed);
            (0..4).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn fill_covers_lengths_that_are_not_multiples_of_eight() {
        let mut rng = Rng::new(1);
        let mut bytes = vec![0_u8; 13];
        rng.fill(&mut bytes);
        assert!(bytes[8..].iter().any(|byte| *byte != 0));
    }

    fn options(artifacts: &Path, seconds: f64, hang_after: Duration) -> RunOptions {
        RunOptions {
            duration: Duration::from_secs_f64(seconds),
            seed: 1,
            artifacts: artifacts.to_path_buf(),
            hang_after,
        }
    }

    static PANICS_ON_A_ZERO_FIRST_BYTE: Target = Target {
        name: "test-panics",
        about: "panics when the first byte is zero",
        run: |bytes| assert_ne!(bytes.first(), Some(&0), "the first byte is zero"),
        show: |bytes| format!("{bytes:?}"),
        max_len: 8,
        check_text: None,
    };

    /// A target whose first input sleeps for 2 s (each use of the macro has its own flag).
    macro_rules! sleeps_once {
        ($name:literal) => {
            Target {
                name: $name,
                about: "sleeps 2 s on its first input",
                run: |_| {
                    static SLEPT: AtomicBool = AtomicBool::new(false);
                    if !SLEPT.swap(true, Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_secs(2));
                    }
                },
                show: |_| String::new(),
                max_len: 8,
                check_text: None,
            }
        };
    }

    static SLEEPS_WITHIN_THE_RUN: Target = sleeps_once!("test-sleeps-within");
    static SLEEPS_PAST_THE_END: Target = sleeps_once!("test-sleeps-past");

    #[test]
    fn a_panicking_input_is_counted_saved_once_and_replays() {
        let artifacts = tempfile::tempdir().expect("a temporary folder");
        let report = run(
            &PANICS_ON_A_ZERO_FIRST_BYTE,
            &options(artifacts.path(), 0.3, Duration::from_secs(30)),
            false,
        );
        assert!(report.panics > 1, "{}", report.summary_line());
        assert_eq!(report.saved.len(), 1, "one panic location, one artifact");
        let note = std::fs::read_to_string(report.saved[0].with_extension("txt")).expect("the .txt is written");
        assert!(note.contains("the first byte is zero"), "{note}");
        let replayed = replay(&PANICS_ON_A_ZERO_FIRST_BYTE, &report.saved[0]).expect("the artifact reads");
        assert!(
            replayed
                .panic
                .is_some_and(|message| message.contains("the first byte is zero"))
        );
    }

    fn saved_a_hang(report: &Report) -> bool {
        report.saved.iter().any(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("hang-"))
        })
    }

    #[test]
    fn an_input_over_the_hang_limit_is_a_hang_and_the_run_goes_on() {
        let artifacts = tempfile::tempdir().expect("a temporary folder");
        let report = run(
            &SLEEPS_WITHIN_THE_RUN,
            &options(artifacts.path(), 3.0, Duration::from_millis(100)),
            false,
        );
        assert_eq!(report.hangs, 1, "{}", report.summary_line());
        assert!(!report.stuck, "the slow input ended before the run did");
        assert!(report.slowest >= Duration::from_secs(2));
        assert!(report.inputs > 1, "inputs ran after the slow one");
        assert!(saved_a_hang(&report), "{:?}", report.saved);
    }

    #[test]
    fn a_run_whose_last_input_does_not_end_reports_it_stuck_instead_of_waiting() {
        let artifacts = tempfile::tempdir().expect("a temporary folder");
        let started = Instant::now();
        let report = run(
            &SLEEPS_PAST_THE_END,
            &options(artifacts.path(), 0.5, Duration::from_millis(100)),
            false,
        );
        assert!(report.stuck, "{}", report.summary_line());
        assert_eq!(report.hangs, 1);
        assert!(saved_a_hang(&report), "{:?}", report.saved);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the run waited for the input"
        );
    }

    #[test]
    fn peak_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_resident_kib().is_some_and(|kib| kib > 0));
        }
    }
}
