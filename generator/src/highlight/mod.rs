//! Code highlighting: parses a fence's info string, highlights its code server-side with syntect
//! (two-face's curated syntaxes) into compact class-based HTML inside the theme's code frame, and
//! writes the matching stylesheet for every colour theme. It does not read files (`include="..."`
//! is resolved by the caller) and does not know about Markdown.
//!
//! Submodules, in the order a block flows through them:
//!
//! - [`fence_info`]: `ts title="..." {3-5} ins={7}` into a typed [`FenceInfo`];
//! - `languages`: the lazily loaded syntax set and the language words (`ts`, `jsonc`...);
//! - `token_class`: scope stacks to short token classes (`k`, `s`, `c`...);
//! - `tokenize`: lines into merged `<span class="...">` tokens (`line_cache` remembers parsed lines);
//! - `frame`: the `<figure class="code-frame">` of the theme contract, and warnings;
//! - `palette` and `css`: colours per class from real schemes, and the stylesheet.
//!
//! Everything here is `Sync`: the syntax set is shared and immutable, each call owns its parse
//! state, so pages can render in parallel.

/// Snapshot assertion whose file name does not depend on the crate that compiles this module.
#[cfg(test)]
macro_rules! assert_named_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

pub mod fence_info;

mod css;
mod frame;
mod html;
#[cfg(test)]
mod identifier_classes;
mod languages;
mod line_cache;
mod palette;
mod token_class;
mod tokenize;

pub use css::{ColorThemeRef, highlight_css};
pub use fence_info::{FenceInfo, FenceInfoError, LineRanges, parse_fence_info};
pub use frame::{HighlightWarning, LineMarker, Rendered, render_code_frame};
pub use languages::known_languages;
pub use palette::Appearance;

/// Starts loading the syntax set and highlighting each `(info string, code)` sample on the thread
/// pool, throwing the output away, and returns at once: a grammar compiles its regexes on first use
/// (TypeScript's take ~10 ms), so warming them up while the build does other work takes that time off
/// the pages' critical path. Pages that need a grammar before its warm-up is done share the work
/// (each regex compiles once; a thread that needs one being compiled waits for it).
pub fn warm_up(samples: Vec<(String, String)>) {
    for (info, code) in samples {
        rayon::spawn(move || {
            if let Ok(info) = parse_fence_info(&info) {
                let _ = render_code_frame(&info, &code);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_render_the_same_on_parallel_threads() {
        let info = parse_fence_info("rust {1}").unwrap();
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
