//! English stemming (Snowball, through rust-stemmers) and the stop words left out of the index.

use rust_stemmers::{Algorithm, Stemmer};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Stems already computed on this thread: a site repeats its words, and a lookup costs a fraction of
/// the Snowball algorithm. Capped so a huge vocabulary cannot grow it without bound.
const STEM_CACHE_ENTRIES: usize = 100_000;

thread_local! {
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// The Snowball English stem of a folded word: `listing` -> `list`, `expiration` -> `expir`. Words with
/// digits and words of under three letters are kept as they are (`utf8`, `kv`, `io`).
pub fn stem(word: &str) -> String {
    if word.chars().count() < 3 || word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    STEMS.with_borrow_mut(|stems| {
        if let Some(stemmed) = stems.get(word) {
            return stemmed.clone();
        }
        let stemmed = ENGLISH.stem(word).into_owned();
        if stems.len() < STEM_CACHE_ENTRIES {
            stems.insert(word.to_owned(), stemmed.clone());
        }
        stemmed
    })
}

/// Words too common to help find a section (Lucene's English list). They take a position but no
/// posting, which keeps the postings of a big site small; phrases still match across them.
const STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

/// Whether a folded word is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_share_their_stem() {
        for (words, expected) in [
            (&["list", "lists", "listing", "listed"][..], "list"),
            (&["configure", "configuration", "configuring"][..], "configur"),
            (&["expiration", "expire", "expires"][..], "expir"),
            (&["caching", "cache", "caches"][..], "cach"),
        ] {
            for word in words {
                assert_eq!(stem(word), expected, "{word}");
            }
        }
    }

    #[test]
    fn short_words_and_words_with_digits_are_kept() {
        for word in ["kv", "io", "utf8", "v2", "http2"] {
            assert_eq!(stem(word), word);
        }
    }

    #[test]
    fn stop_words_are_sorted_for_the_binary_search() {
        assert!(STOP_WORDS.is_sorted());
        assert!(is_stop_word("the") && is_stop_word("with") && is_stop_word("a"));
        assert!(!is_stop_word("kv") && !is_stop_word("them"));
    }
}
