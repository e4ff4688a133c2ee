//! Times the index build on the pages of a built index folder: reads every page back from its fragment
//! files, then, `ROUNDS` times, tokenises them all ([`PageIndex::new`], on every core as the build
//! does) and merges them into files ([`build_index`]), and prints the median time of each step, the
//! files and their bytes. What the site's build adds to that is reading the sections from the Markdown
//! and writing the files.
//!
//! ```text
//! cargo run --release -p edgedocs-search --features build --example index_cost -- public/search [ROUNDS]
//! ```

use edgedocs_search::PageIndex;
use edgedocs_search::build::{FileSizes, build_index};
use edgedocs_search::format::{FragmentFile, Manifest, PageFragment};
use rayon::prelude::*;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (folder, rounds) = match arguments.as_slice() {
        [folder] => (folder, 5),
        [folder, rounds] => match rounds.parse::<usize>() {
            Ok(rounds) if rounds > 0 => (folder, rounds),
            _ => {
                eprintln!("error: ROUNDS must be a positive number, not `{rounds}`");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: index_cost <index folder> [ROUNDS]");
            return ExitCode::from(2);
        }
    };
    match run(Path::new(folder), rounds) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn read(folder: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = folder.join(name);
    std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))
}

fn run(folder: &Path, rounds: usize) -> Result<(), String> {
    let manifest: Manifest = serde_json::from_slice(&read(folder, "manifest.json")?)
        .map_err(|error| format!("{}: {error}", folder.join("manifest.json").display()))?;
    let mut pages: Vec<PageFragment> = Vec::new();
    for entry in &manifest.fragments {
        let file: FragmentFile = serde_json::from_slice(&read(folder, &entry.file)?)
            .map_err(|error| format!("{}: {error}", folder.join(&entry.file).display()))?;
        pages.extend(file.pages);
    }
    let text_bytes: usize = pages
        .iter()
        .flat_map(|page| &page.sections)
        .map(|section| section.text.len() + section.heading.len())
        .sum();
    println!(
        "{} pages, {} sections, {:.1} MB of text",
        pages.len(),
        manifest.sections,
        text_bytes as f64 / 1e6
    );
    let mut tokenise = Vec::new();
    let mut merge = Vec::new();
    let mut files = None;
    for _ in 0..rounds {
        let input = pages.clone();
        let start = Instant::now();
        let indexes: Vec<PageIndex> = input.into_par_iter().map(PageIndex::new).collect();
        tokenise.push(start.elapsed());
        let start = Instant::now();
        let built = build_index(&indexes.iter().collect::<Vec<_>>(), FileSizes::default());
        merge.push(start.elapsed());
        files = Some(built);
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1000.0
    };
    println!(
        "tokenise {:.0} ms, merge into files {:.0} ms (median of {rounds}, {} threads)",
        median(&mut tokenise),
        median(&mut merge),
        rayon::current_num_threads()
    );
    if let Some(files) = files {
        let (mut shards, mut fragments) = ((0, 0), (0, 0));
        for file in &files.files {
            let tally = if file.name.starts_with("t.") {
                &mut shards
            } else {
                &mut fragments
            };
            tally.0 += 1;
            tally.1 += file.contents.len();
        }
        println!(
            "term shards: {} files, {:.1} MB; fragment files: {} files, {:.1} MB; manifest {:.1} KB",
            shards.0,
            shards.1 as f64 / 1e6,
            fragments.0,
            fragments.1 as f64 / 1e6,
            files.manifest_json().len() as f64 / 1e3
        );
    }
    Ok(())
}
