//! Runs queries through the Rust engine over a built index folder and prints the results as JSON, so
//! the browser's reader (`themes/default/assets/search-engine.js`) can be checked against it:
//!
//! ```text
//! cargo run -p edgedocs-search --example search_folder -- public/search queries.txt [texts.txt]
//! ```
//!
//! `queries.txt` holds one query per line, `texts.txt` (optional) more texts to tokenise, one per line.
//! The output has, for each query, its results (page URLs and their sections' URLs and excerpts) and,
//! for every title, heading and section text of every fragment file and every line of `texts.txt`, its
//! index terms: the tokeniser and the stemmer are compared on the whole site's text and on chosen words.

use edgedocs_search::format::FragmentFile;
use edgedocs_search::results::MANIFEST_FILE;
use edgedocs_search::search;
use edgedocs_search::tokenize::tokenize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (folder, queries, texts) = match arguments.as_slice() {
        [folder, queries] => (folder, queries, None),
        [folder, queries, texts] => (folder, queries, Some(Path::new(texts))),
        _ => {
            eprintln!("usage: search_folder <index folder> <queries file> [texts file]");
            return ExitCode::from(2);
        }
    };
    match run(Path::new(folder), Path::new(queries), texts) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(folder: &Path, queries: &Path, extra_texts: Option<&Path>) -> Result<String, String> {
    let read = |name: &str| {
        let path: PathBuf = folder.join(name);
        std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))
    };
    let queries = std::fs::read_to_string(queries).map_err(|error| format!("{}: {error}", queries.display()))?;
    let mut answers = Vec::new();
    for query in queries.lines().filter(|line| !line.trim().is_empty()) {
        let results = search(query, 10, read).map_err(|error| error.to_string())?;
        answers.push(serde_json::json!({ "query": query, "results": results }));
    }
    let manifest = edgedocs_search::results::read_manifest(&read(MANIFEST_FILE)?).map_err(|error| error.to_string())?;
    let mut texts = Vec::new();
    let mut tokenised = |text: &str| {
        let terms: Vec<String> = tokenize(text).into_iter().map(|token| token.term).collect();
        texts.push(serde_json::json!({ "text": text, "terms": terms }));
    };
    for entry in &manifest.fragments {
        let file: FragmentFile = serde_json::from_slice(&read(&entry.file)?).map_err(|error| error.to_string())?;
        for page in &file.pages {
            for text in std::iter::once(&page.title).chain(page.sections.iter().flat_map(|s| [&s.heading, &s.text])) {
                tokenised(text);
            }
        }
    }
    if let Some(path) = extra_texts {
        let extra = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
        extra.lines().for_each(&mut tokenised);
    }
    Ok(serde_json::json!({ "queries": answers, "texts": texts }).to_string())
}
