//! Builds the syntax set the highlighter loads: two-face's curated syntaxes, with the TypeScript
//! grammars' identifier classes made cheap to compile (see `src/identifier_classes.rs`).
//! The result is a syntect dump in `OUT_DIR`, embedded by `src/languages.rs`.

use std::path::PathBuf;

use syntect::parsing::SyntaxSetBuilder;
use syntect::parsing::syntax_definition::Pattern;

#[path = "src/identifier_classes.rs"]
mod identifier_classes;

use identifier_classes::{REWRITTEN_SYNTAXES, rewrite_identifier_classes};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/identifier_classes.rs");
    let original = two_face::syntax::extra_newlines().into_builder();
    let mut builder = SyntaxSetBuilder::new();
    let mut rewritten = 0;
    for syntax in original.syntaxes() {
        let mut syntax = syntax.clone();
        if REWRITTEN_SYNTAXES.contains(&syntax.name.as_str()) {
            for context in syntax.contexts.values_mut() {
                for pattern in &mut context.patterns {
                    if let Pattern::Match(matcher) = pattern
                        && let Some(regex) = rewrite_identifier_classes(matcher.regex.regex_str())
                    {
                        matcher.regex = syntect::parsing::Regex::new(regex);
                        rewritten += 1;
                    }
                }
            }
        }
        builder.add(syntax);
    }
    assert!(rewritten > 0, "none of {REWRITTEN_SYNTAXES:?} has a regex to rewrite");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    syntect::dumps::dump_to_uncompressed_file(&builder.build(), out_dir.join("syntaxes.packdump"))
        .expect("writing the syntax set to OUT_DIR");
}
