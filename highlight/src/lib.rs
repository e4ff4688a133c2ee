//! Code highlighting for edgedocs: highlights a code block server-side with syntect (two-face's
//! curated syntaxes) into compact class-based HTML inside the theme's code frame, and writes the
//! matching stylesheet for every colour theme. It does not read files and does not know about
//! Markdown: the caller parses the fence and hands over [`FrameOptions`].
//!
//! Modules, in the order a block flows through them:
//!
//! - `line_ranges`: the marked lines of a block ([`LineRanges`]);
//! - `languages`: the lazily loaded syntax set and the language words (`ts`, `jsonc`...);
//! - `token_class`: scope stacks to short token classes (`k`, `s`, `c`...);
//! - `tokenize`: lines into merged `<span class="...">` tokens (`line_cache` remembers parsed lines);
//! - `frame`: the `<figure class="code-frame">` of the theme contract, and warnings;
//! - `frame_cache`: the key of a rendered frame, to reuse it from a cache the caller keeps;
//! - `palette` and `css`: colours per class from real schemes, and the stylesheet.
//!
//! Everything here is `Sync`: the syntax set is shared and immutable, each call owns its parse
//! state, so pages can render in parallel.

mod css;
mod frame;
mod frame_cache;
#[cfg(test)]
mod identifier_classes;
mod languages;
mod line_cache;
mod line_ranges;
mod palette;
mod token_class;
mod tokenize;

pub use css::{ColorThemeRef, highlight_css};
pub use frame::{FrameOptions, HighlightWarning, LineMarker, Rendered, render_code_frame};
pub use frame_cache::{FrameCache, FrameKey, output_fingerprint, render_code_frame_cached};
pub use languages::known_languages;
pub use line_ranges::LineRanges;
pub use palette::Appearance;

/// Starts loading the syntax set and highlighting each `(language, code)` sample on the thread pool, throwing the output away, and returns at once: a grammar compiles its regexes on first use
/// (TypeScript's take ~10 ms), so warming them up while the build does other work takes that time off
/// the pages' critical path. Pages that need a grammar before its warm-up is done share the work
/// (each regex compiles once; a thread that needs one being compiled waits for it).
pub fn warm_up(samples: Vec<(String, String)>) {
    for (lang, code) in samples {
        rayon::spawn(move || {
            let no_lines = LineRanges::default();
            let options = FrameOptions {
                lang: Some(&lang),
                title: None,
                highlighted_lines: &no_lines,
                inserted_lines: &no_lines,
                deleted_lines: &no_lines,
                hidden_lines: &no_lines,
            };
            let _ = render_code_frame(&options, &code);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_render_the_same_on_parallel_threads() {
        let first_line = LineRanges::from_ranges([1..=1]);
        let none = LineRanges::default();
        let info = FrameOptions {
            lang: Some("rust"),
            title: None,
            highlighted_lines: &first_line,
            inserted_lines: &none,
            deleted_lines: &none,
            hidden_lines: &none,
        };
        let code = "fn main() {\n    println!(\"{}\", 1 + 2);\n}\n";
        let expected = render_code_frame(&info, code);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| render_code_frame(&info, code))).collect();
            for handle in handles {
                assert_eq!(handle.join().unwrap(), expected);
            }
        });
    }
}
