//! Draws every `.mmd` file of a folder the way a build does and times it: the edgedocs half of the
//! comparison with Mermaid in `bench/diagrams/` (see bench/README.md).
//!
//! `cargo run --release -p edgedocs-diagram --example render_corpus -- CORPUS_DIR OUT_DIR [RUNS]`
//! writes `OUT_DIR/NAME.svg` for each diagram that draws and prints one JSON object: per diagram its
//! error (if any), the SVG's size and the median time of RUNS renders (default 9) in microseconds.

use std::path::{Path, PathBuf};
use std::time::Instant;
use std::{env, fs, process};

use edgedocs_diagram::{DiagramKind, DiagramOptions, render_diagram};

fn main() {
    let arguments: Vec<String> = env::args().skip(1).collect();
    let (Some(corpus), Some(out)) = (arguments.first(), arguments.get(1)) else {
        eprintln!("usage: render_corpus CORPUS_DIR OUT_DIR [RUNS]");
        process::exit(2);
    };
    let runs: usize = arguments.get(2).and_then(|runs| runs.parse().ok()).unwrap_or(9).max(1);
    if let Err(error) = run(Path::new(corpus), Path::new(out), runs) {
        eprintln!("error: {error}");
        process::exit(1);
    }
}

fn run(corpus: &Path, out: &Path, runs: usize) -> Result<(), String> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus)
        .map_err(|error| format!("{}: {error}", corpus.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "mmd"))
        .collect();
    files.sort();
    fs::create_dir_all(out).map_err(|error| format!("{}: {error}", out.display()))?;
    let mut results = serde_json::Map::new();
    for file in files {
        let name = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let source = fs::read_to_string(&file).map_err(|error| format!("{}: {error}", file.display()))?;
        let options = DiagramOptions {
            id_prefix: &name,
            caption: None,
        };
        let mut times = Vec::with_capacity(runs);
        let mut rendered = render_diagram(DiagramKind::Mermaid, &source, &options);
        for _ in 0..runs {
            let start = Instant::now();
            rendered = render_diagram(DiagramKind::Mermaid, &source, &options);
            times.push(start.elapsed().as_secs_f64() * 1e6);
        }
        times.sort_by(f64::total_cmp);
        let median_micros = times[times.len() / 2];
        let result = match rendered {
            Ok(svg) => {
                let path = out.join(format!("{name}.svg"));
                fs::write(&path, &svg).map_err(|error| format!("{}: {error}", path.display()))?;
                serde_json::json!({ "ok": true, "bytes": svg.len(), "median_micros": median_micros })
            }
            Err(error) => {
                serde_json::json!({ "ok": false, "error": error.to_string(), "median_micros": median_micros })
            }
        };
        results.insert(name, result);
    }
    println!("{}", serde_json::Value::Object(results));
    Ok(())
}
