//! The fuzz targets: each turns bytes into one structured input, runs it through edgedocs' real entry
//! points and asserts the properties that must hold for every input (a failed property panics).

use arbitrary::{Arbitrary, Unstructured};

pub mod config;
pub mod edge_api;
pub mod fence;
pub mod injector;
pub mod markdown;
pub mod mermaid;

/// One fuzz target.
pub struct Target {
    /// The name `--target` takes.
    pub name: &'static str,
    /// What it exercises.
    pub about: &'static str,
    /// Runs one input; panics when a property fails.
    pub run: fn(&[u8]),
    /// The input the bytes stand for, as a person would write it (for saved artifacts).
    pub show: fn(&[u8]) -> String,
    /// Longest input, in bytes.
    pub max_len: usize,
    /// Runs the checks on a text written by hand (`--text FILE`), for targets whose input is one text.
    pub check_text: Option<fn(&str)>,
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "markdown",
        about: "pages with TOML front matter through front_matter::split/parse and markdown::render",
        run: markdown::run,
        show: markdown::show,
        max_len: 16 * 1024,
        check_text: Some(markdown::check_text),
    },
    Target {
        name: "fence",
        about: "fence info strings through parse_fence_info, then the highlighter on real-looking code",
        run: fence::run,
        show: fence::show,
        max_len: 8 * 1024,
        check_text: Some(fence::check_text),
    },
    Target {
        name: "mermaid",
        about: "Mermaid flowcharts through diagram::render_diagram_figure",
        run: mermaid::run,
        show: mermaid::show,
        max_len: 4 * 1024,
        check_text: Some(mermaid::check_text),
    },
    Target {
        name: "config",
        about: "site.toml through config::parse and theme.toml through theme::load",
        run: config::run,
        show: config::show,
        max_len: 4 * 1024,
        check_text: Some(config::check_text),
    },
    Target {
        name: "edge-api",
        about: "edge requests (cookies, queries, JSON and form bodies, headers) with arbitrary KV snapshots",
        run: edge_api::run,
        show: edge_api::show,
        max_len: 8 * 1024,
        check_text: None,
    },
    Target {
        name: "injector",
        about: "HtmlInjector on arbitrary HTML cut at arbitrary chunk boundaries",
        run: injector::run,
        show: injector::show,
        max_len: 16 * 1024,
        check_text: Some(injector::check_text),
    },
];

/// The target called `name`.
pub fn find_target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|target| target.name == name)
}

/// Builds the structured input from `bytes`; `None` when the bytes do not make one (rare).
pub fn input<'a, T: Arbitrary<'a>>(bytes: &'a [u8]) -> Option<T> {
    T::arbitrary(&mut Unstructured::new(bytes)).ok()
}

/// `text` shown with its invisible characters visible, for artifacts.
pub fn visible(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\n' => shown.push('\n'),
            '\t' => shown.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{200b}' | '\u{202e}' | '\u{feff}' | '\u{2028}') => {
                shown.push_str(&c.escape_unicode().to_string());
            }
            c => shown.push(c),
        }
    }
    shown
}

/// Checks that a 1-based line and column point into `text` (or just past its end).
pub fn assert_position_in(text: &str, line: usize, column: usize, what: &str) {
    assert!(
        line >= 1 && column >= 1,
        "{what}: line {line}, column {column} is not 1-based"
    );
    // Lines end as Markdown's do: `\n`, `\r\n` or a lone `\r`.
    let normalized = text.replace("\r\n", "\n");
    let lines: Vec<&str> = normalized.split(['\n', '\r']).collect();
    assert!(
        line <= lines.len(),
        "{what}: line {line} is past the end of the text ({} lines)",
        lines.len()
    );
    let characters = lines[line - 1].chars().count();
    assert!(
        column <= characters + 1,
        "{what}: column {column} is past the end of line {line} ({characters} characters)"
    );
}

/// Checks that a 1-based column points into a one-line `text` (or just past its end), whatever
/// characters the line holds.
pub fn assert_column_in(text: &str, column: usize, what: &str) {
    let characters = text.chars().count();
    assert!(
        (1..=characters + 1).contains(&column),
        "{what}: column {column} is outside the line ({characters} characters)"
    );
}

/// How many times `needle` (ASCII, lower case) appears in `haystack`, ignoring ASCII case.
pub fn count_ignoring_case(haystack: &str, needle: &str) -> usize {
    let haystack = haystack.to_ascii_lowercase();
    haystack.matches(needle).count()
}
