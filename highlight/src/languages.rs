//! The syntax set (two-face's curated syntaxes as `build.rs` prepared them, loaded once on first
//! use) and the mapping from a fence's language word (`ts`, `jsonc`, `console`) to a syntax and a
//! human label ("TypeScript"). Highlighting itself lives in [`super::tokenize`].

use std::collections::HashMap;
use std::sync::LazyLock;

use syntect::parsing::{SyntaxReference, SyntaxSet};

/// How the lines of a block are highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LanguageMode {
    /// Every line through the syntax, one parse state for the whole block.
    Source,
    /// A terminal session: `$ command` lines through the syntax, other lines plain output.
    ShellSession,
    /// No highlighting at all.
    PlainText,
}

/// A language a fence can name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Language {
    /// How the block's lines are highlighted.
    pub mode: LanguageMode,
    /// The curated label; `None` shows the syntax's own name.
    curated_label: Option<&'static str>,
    syntax_index: usize,
}

impl Language {
    /// What the frame's header shows: "TypeScript".
    pub(crate) fn label(&self) -> &'static str {
        self.curated_label.unwrap_or_else(|| &self.syntax().name)
    }

    /// The syntect syntax that highlights this language.
    pub(crate) fn syntax(&self) -> &'static SyntaxReference {
        &syntax_set().syntaxes()[self.syntax_index]
    }
}

/// The languages documented as supported: `(alias, syntax names to try in order, label, mode)`.
/// Every other syntax of the set also works by its file extension or name, labelled with its
/// syntax name. (The fancy-regex build of two-face lacks a few syntaxes, hence the fallbacks.)
const CURATED_LANGUAGES: &[(&str, &[&str], &str, LanguageMode)] = {
    use LanguageMode::{PlainText, ShellSession, Source};
    &[
        ("ts", &["TypeScript"], "TypeScript", Source),
        ("typescript", &["TypeScript"], "TypeScript", Source),
        ("mts", &["TypeScript"], "TypeScript", Source),
        ("cts", &["TypeScript"], "TypeScript", Source),
        ("tsx", &["TypeScriptReact"], "TSX", Source),
        ("js", &["JavaScript (Babel)", "JavaScript"], "JavaScript", Source),
        (
            "javascript",
            &["JavaScript (Babel)", "JavaScript"],
            "JavaScript",
            Source,
        ),
        ("mjs", &["JavaScript (Babel)", "JavaScript"], "JavaScript", Source),
        ("cjs", &["JavaScript (Babel)", "JavaScript"], "JavaScript", Source),
        ("jsx", &["JavaScript (Babel)", "JavaScript"], "JSX", Source),
        ("json", &["JSON"], "JSON", Source),
        ("jsonc", &["JSON"], "JSONC", Source),
        ("toml", &["TOML"], "TOML", Source),
        ("rust", &["Rust"], "Rust", Source),
        ("rs", &["Rust"], "Rust", Source),
        ("sh", &["Bourne Again Shell (bash)"], "Shell", Source),
        ("shell", &["Bourne Again Shell (bash)"], "Shell", Source),
        ("bash", &["Bourne Again Shell (bash)"], "Bash", Source),
        ("zsh", &["Bourne Again Shell (bash)"], "Zsh", Source),
        ("console", &["Bourne Again Shell (bash)"], "Terminal", ShellSession),
        (
            "shell-session",
            &["Bourne Again Shell (bash)"],
            "Terminal",
            ShellSession,
        ),
        ("sh-session", &["Bourne Again Shell (bash)"], "Terminal", ShellSession),
        ("html", &["HTML"], "HTML", Source),
        ("css", &["CSS"], "CSS", Source),
        ("yaml", &["YAML"], "YAML", Source),
        ("yml", &["YAML"], "YAML", Source),
        ("diff", &["Diff"], "Diff", Source),
        ("patch", &["Diff"], "Diff", Source),
        ("md", &["Markdown"], "Markdown", Source),
        ("markdown", &["Markdown"], "Markdown", Source),
        ("text", &["Plain Text"], "Text", PlainText),
        ("txt", &["Plain Text"], "Text", PlainText),
        ("plain", &["Plain Text"], "Text", PlainText),
        ("plaintext", &["Plain Text"], "Text", PlainText),
    ]
};

/// The syntax set and the lookup table from lowercase language word to [`Language`].
struct Languages {
    syntax_set: SyntaxSet,
    by_word: HashMap<String, Language>,
    plain_text: Language,
}

static LANGUAGES: LazyLock<Languages> = LazyLock::new(load_languages);

/// The syntax set `build.rs` wrote: two-face's syntaxes, with cheaper TypeScript identifier classes.
static SYNTAX_SET_DUMP: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/syntaxes.packdump"));

/// The serialized syntax set, for the fingerprint of the grammars (`frame_cache`).
pub(crate) fn syntax_set_dump() -> &'static [u8] {
    SYNTAX_SET_DUMP
}

fn load_languages() -> Languages {
    let syntax_set: SyntaxSet =
        syntect::dumps::from_uncompressed_data(SYNTAX_SET_DUMP).expect("the syntax set written by build.rs loads");
    let syntaxes = syntax_set.syntaxes();
    let index_of = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| syntaxes.iter().rposition(|syntax| syntax.name == *name))
    };
    let mut by_word = HashMap::new();
    // Every syntax by extension and lowercase name; later syntaxes win, as in syntect's lookup.
    for (syntax_index, syntax) in syntaxes.iter().enumerate() {
        let language = Language {
            curated_label: None,
            mode: LanguageMode::Source,
            syntax_index,
        };
        let words = syntax
            .file_extensions
            .iter()
            .map(|extension| extension.to_lowercase())
            .chain(std::iter::once(syntax.name.to_lowercase()));
        for word in words {
            if !word.contains(char::is_whitespace) {
                by_word.insert(word, language);
            }
        }
    }
    for &(alias, syntax_names, label, mode) in CURATED_LANGUAGES {
        // A missing syntax leaves the alias unknown (plain text with a warning) rather than
        // failing the build; a test checks every alias resolves.
        if let Some(syntax_index) = index_of(syntax_names) {
            let language = Language {
                curated_label: Some(label),
                mode,
                syntax_index,
            };
            by_word.insert(alias.to_owned(), language);
        }
    }
    let plain_text = Language {
        curated_label: Some("Text"),
        mode: LanguageMode::PlainText,
        syntax_index: index_of(&["Plain Text"]).unwrap_or(0),
    };
    Languages {
        syntax_set,
        by_word,
        plain_text,
    }
}

/// The process-wide syntax set, loaded on first use.
pub(crate) fn syntax_set() -> &'static SyntaxSet {
    &LANGUAGES.syntax_set
}

/// The language a fence names (case-insensitive), or `None` when the set has no such language.
pub(crate) fn find_language(word: &str) -> Option<Language> {
    LANGUAGES.by_word.get(&word.to_lowercase()).copied()
}

/// Plain text: what a fence without a language, or with an unknown one, renders as.
pub(crate) fn plain_text() -> Language {
    LANGUAGES.plain_text
}

/// The documented language words, sorted, for help and error messages. Any other syntect syntax
/// name or file extension works too.
pub fn known_languages() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = CURATED_LANGUAGES.iter().map(|entry| entry.0).collect();
    words.sort_unstable();
    words
}

/// Up to three known language words close to an unknown `word`, closest first.
pub(crate) fn similar_languages(word: &str) -> Vec<String> {
    let word = word.to_lowercase();
    // Only the curated names: every file extension the syntax set knows (`lng`, `sublime-syntax`...)
    // would make near-random suggestions.
    let mut scored: Vec<(f64, &str)> = known_languages()
        .into_iter()
        .map(|known| (strsim::jaro_winkler(&word, known), known))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, known)| known.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curated_aliases_resolve_to_their_syntax_and_label() {
        let cases = [
            ("ts", "TypeScript", "TypeScript"),
            ("TSX", "TypeScriptReact", "TSX"),
            ("js", "JavaScript (Babel)", "JavaScript"),
            ("jsonc", "JSON", "JSONC"),
            ("toml", "TOML", "TOML"),
            ("rs", "Rust", "Rust"),
            ("sh", "Bourne Again Shell (bash)", "Shell"),
            ("console", "Bourne Again Shell (bash)", "Terminal"),
            ("yml", "YAML", "YAML"),
            ("diff", "Diff", "Diff"),
            ("md", "Markdown", "Markdown"),
            ("html", "HTML", "HTML"),
            ("css", "CSS", "CSS"),
            ("text", "Plain Text", "Text"),
        ];
        for (word, syntax, label) in cases {
            let language = find_language(word).unwrap_or_else(|| panic!("{word}"));
            assert_eq!((language.syntax().name.as_str(), language.label()), (syntax, label));
        }
    }

    #[test]
    fn other_syntaxes_resolve_by_extension_or_name() {
        assert_eq!(find_language("py").unwrap().label(), "Python");
        assert_eq!(find_language("Dockerfile").unwrap().label(), "Dockerfile");
        assert!(find_language("no-such-language").is_none());
    }

    #[test]
    fn unknown_languages_get_close_suggestions() {
        assert!(similar_languages("typscript").contains(&"typescript".to_owned()));
        assert!(similar_languages("jsonn").contains(&"json".to_owned()));
        assert!(similar_languages("zzzzqqq").is_empty());
    }

    /// Parses `code` line by line with `syntax` of `syntax_set`, returning every line's scope operations.
    fn parse_ops(syntax_set: &SyntaxSet, syntax_name: &str, code: &str) -> Vec<String> {
        let syntax = syntax_set.find_syntax_by_name(syntax_name).unwrap();
        let mut state = syntect::parsing::ParseState::new(syntax);
        code.split_inclusive('\n')
            .map(|line| format!("{line:?} {:?}", state.parse_line(line, syntax_set).unwrap()))
            .collect()
    }

    #[test]
    fn typescript_grammars_parse_ascii_code_exactly_as_two_faces_do() {
        let original = two_face::syntax::extra_newlines();
        let kv_page =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../content/storage/kv.md")).unwrap();
        let kv_page_typescript: String = kv_page
            .split("```ts")
            .skip(1)
            .filter_map(|fence| fence.split_once('\n').and_then(|(_, rest)| rest.split_once("```")))
            .map(|(code, _)| code)
            .collect();
        assert!(
            kv_page_typescript.lines().count() > 20,
            "the KV page's TypeScript samples were found"
        );
        let cases = [
            ("TypeScript", include_str!("testdata/tour.ts")),
            ("TypeScript", kv_page_typescript.as_str()),
            ("TypeScriptReact", include_str!("testdata/tour.tsx")),
            ("TypeScriptReact", include_str!("testdata/tour.ts")),
        ];
        for (syntax_name, code) in cases {
            assert!(code.is_ascii());
            let expected = parse_ops(&original, syntax_name, code);
            let actual = parse_ops(syntax_set(), syntax_name, code);
            assert_eq!(actual.len(), expected.len());
            for (expected, actual) in expected.iter().zip(&actual) {
                assert_eq!(actual, expected, "{syntax_name}");
            }
        }
    }

    #[test]
    fn non_ascii_identifiers_still_read_as_identifiers() {
        let code = "const größe = maße.länge;\nlet 名前: string = café;\n";
        let ops = parse_ops(syntax_set(), "TypeScript", code).join("\n");
        let original = parse_ops(&two_face::syntax::extra_newlines(), "TypeScript", code).join("\n");
        assert_eq!(ops, original);
    }

    /// Every match regex of syntax `name` in `syntax_set`, by context name and position.
    fn match_regexes(syntax_set: &SyntaxSet, name: &str) -> std::collections::BTreeMap<(String, usize), String> {
        let builder = syntax_set.clone().into_builder();
        let syntax = builder.syntaxes().iter().find(|syntax| syntax.name == name).unwrap();
        let mut regexes = std::collections::BTreeMap::new();
        for (context_name, context) in &syntax.contexts {
            for (index, pattern) in context.patterns.iter().enumerate() {
                if let syntect::parsing::syntax_definition::Pattern::Match(matcher) = pattern {
                    regexes.insert((context_name.clone(), index), matcher.regex.regex_str().to_owned());
                }
            }
        }
        regexes
    }

    #[test]
    fn every_rewritten_regex_compiles_where_the_original_did() {
        let original_set = two_face::syntax::extra_newlines();
        for name in super::super::identifier_classes::REWRITTEN_SYNTAXES {
            let original = match_regexes(&original_set, name);
            let rewritten = match_regexes(syntax_set(), name);
            assert_eq!(
                original.keys().collect::<Vec<_>>(),
                rewritten.keys().collect::<Vec<_>>(),
                "{name}"
            );
            assert!(rewritten.len() > 300, "{name}");
            let mut changed = 0;
            for (place, regex) in &rewritten {
                assert!(
                    !regex.contains(r"\p{L}") && !regex.contains(r"\p{N}"),
                    "{name} {place:?}"
                );
                if *regex == original[place] {
                    continue;
                }
                changed += 1;
                // Regexes with back-references to a begin pattern only compile once substituted.
                let compiles = |regex: &str| syntect::parsing::Regex::try_compile(regex).is_none();
                assert_eq!(compiles(regex), compiles(&original[place]), "{name} {place:?}: {regex}");
            }
            assert!(changed > 200, "{name}: {changed} regexes rewritten");
        }
    }
}
