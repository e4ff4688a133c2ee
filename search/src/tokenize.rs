//! Text to index terms: UAX #29 words, lowercased, accents folded, English words stemmed, code
//! identifiers kept whole and split into their parts, CJK runs as overlapping character bigrams.
//!
//! The index and the query go through this one function, so a query term always has the shape of the
//! terms it should meet. It does not decide what a query means (see [`crate::query`]).

use crate::stem::{is_stop_word, stem};
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// Terms longer than this many bytes (hashes, base64, minified code) are skipped: nobody types them.
pub const MAX_TERM_BYTES: usize = 48;

/// What a token stands for; the query picks different kinds for plain terms and for phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A plain word, stemmed: `keys` -> `key`.
    Word,
    /// An identifier as written, lowercased, connectors kept: `expirationTtl` -> `expirationttl`,
    /// `KV.list` -> `kv.list`. It shares its position with its first part.
    Identifier,
    /// One part of an identifier, stemmed like a word: `expiration`, `ttl`.
    Part,
    /// Two adjacent CJK characters (or one, for a run of one).
    Cjk,
}

/// One term of a text, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub kind: TokenKind,
    /// Word count from the start of the text; stop words and skipped terms take a position too, so
    /// phrases keep their gaps.
    pub position: u32,
    /// Byte range in the text, for excerpts.
    pub span: Range<usize>,
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut position = 0u32;
    for run in runs(text) {
        match run {
            Run::Cjk(span) => push_cjk(text, span, &mut position, &mut tokens),
            Run::Word(span) => push_word(text, span, &mut position, &mut tokens),
        }
    }
    tokens
}

/// A stretch of text that becomes one or more tokens.
enum Run {
    /// Letters and digits, possibly joined by connectors into an identifier.
    Word(Range<usize>),
    /// Han, Hiragana or Katakana characters.
    Cjk(Range<usize>),
}

/// Joins UAX #29 words into runs: words separated only by a connector (`_`, `.`, `-`, `:`) become one
/// identifier run (`std::fs::read`, `max-age`), adjacent CJK words one CJK run.
fn runs(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut current: Option<Run> = None;
    // A connector seen after a word run, waiting to see whether a word follows it.
    let mut pending_connector = false;
    for (start, segment) in text.split_word_bound_indices() {
        let end = start + segment.len();
        if segment.chars().all(is_cjk) {
            pending_connector = false;
            match &mut current {
                Some(Run::Cjk(span)) if span.end == start => span.end = end,
                _ => {
                    runs.extend(current.take());
                    current = Some(Run::Cjk(start..end));
                }
            }
        } else if segment.chars().any(char::is_alphanumeric) {
            match &mut current {
                Some(Run::Word(span)) if pending_connector => span.end = end,
                _ => {
                    runs.extend(current.take());
                    current = Some(Run::Word(start..end));
                }
            }
            pending_connector = false;
        } else if matches!(segment, "_" | "." | "-" | ":")
            && matches!(&current, Some(Run::Word(span)) if span.end == start)
            && !pending_connector_was_used_twice(text, start)
        {
            pending_connector = true;
            if let Some(Run::Word(span)) = &mut current {
                span.end = end;
            }
        } else {
            pending_connector = false;
            runs.extend(current.take());
        }
    }
    runs.extend(current);
    // A run may end in connectors (`list.` at the end of a sentence): they belong to no word.
    for run in &mut runs {
        if let Run::Word(span) = run {
            let trimmed = text[span.clone()].trim_end_matches(is_connector);
            span.end = span.start + trimmed.len();
        }
    }
    runs
}

/// `::` joins, but three connectors in a row (`a...b`, `a---b`) do not make an identifier.
fn pending_connector_was_used_twice(text: &str, start: usize) -> bool {
    let before = &text[..start];
    before.ends_with("::") || before.ends_with("..") || before.ends_with("--") || before.ends_with("__")
}

fn is_connector(c: char) -> bool {
    matches!(c, '_' | '.' | '-' | ':')
}

/// Whether `c` is written without spaces between words: Han ideographs, Hiragana and Katakana.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // Hiragana, Katakana
        | 0x31F0..=0x31FF     // Katakana phonetic extensions
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF66..=0xFF9F     // halfwidth Katakana
        | 0x20000..=0x3134F) // CJK extensions B to G
}

fn push_cjk(text: &str, span: Range<usize>, position: &mut u32, tokens: &mut Vec<Token>) {
    let chars: Vec<(usize, char)> = text[span.clone()].char_indices().collect();
    let char_end = |i: usize| chars.get(i).map_or(span.end, |(offset, _)| span.start + offset);
    if chars.len() == 1 {
        tokens.push(Token {
            term: fold(&text[span.clone()]),
            kind: TokenKind::Cjk,
            position: *position,
            span,
        });
        *position += 1;
        return;
    }
    for (i, &(offset, _)) in chars.iter().enumerate().take(chars.len() - 1) {
        let start = span.start + offset;
        let end = char_end(i + 2);
        tokens.push(Token {
            term: fold(&text[start..end]),
            kind: TokenKind::Cjk,
            position: *position,
            span: start..end,
        });
        *position += 1;
    }
}

fn push_word(text: &str, span: Range<usize>, position: &mut u32, tokens: &mut Vec<Token>) {
    let parts = identifier_parts(text, span.clone());
    if let [part] = parts.as_slice() {
        // `__init__` is the word `init`.
        if let Some(term) = word_term(&text[part.clone()]) {
            tokens.push(Token {
                term,
                kind: TokenKind::Word,
                position: *position,
                span: part.clone(),
            });
        }
        *position += 1;
        return;
    }
    if parts.is_empty() {
        return;
    }
    let whole = identifier_term(&text[span.clone()]);
    if whole.len() <= MAX_TERM_BYTES {
        tokens.push(Token {
            term: whole,
            kind: TokenKind::Identifier,
            position: *position,
            span,
        });
    }
    for part in parts {
        if let Some(term) = word_term(&text[part.clone()]) {
            tokens.push(Token {
                term,
                kind: TokenKind::Part,
                position: *position,
                span: part,
            });
        }
        *position += 1;
    }
}

/// The index term of a plain word: folded and stemmed, apostrophes dropped (`don't` -> `dont`,
/// `KV's` -> `kv`); `None` for a stop word or an over-long term.
fn word_term(word: &str) -> Option<String> {
    let folded = fold(word).replace('\u{2019}', "'");
    if folded.is_empty() || folded.len() > MAX_TERM_BYTES || is_stop_word(&folded) {
        return None;
    }
    let stemmed = stem(&folded);
    let term: String = stemmed.chars().filter(|&c| c != '\'').collect();
    (!term.is_empty()).then_some(term)
}

/// The index term of a whole identifier: folded, connectors kept, apostrophes dropped.
fn identifier_term(identifier: &str) -> String {
    fold(identifier)
        .chars()
        .filter(|&c| c != '\'' && c != '\u{2019}')
        .collect()
}

/// The parts of an identifier: split at connectors and at camelCase humps (`HTMLParser` -> `HTML`,
/// `Parser`; `base64Encode` -> `base64`, `Encode`).
fn identifier_parts(text: &str, span: Range<usize>) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let word = &text[span.clone()];
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut start: Option<usize> = None;
    for (i, &(offset, c)) in chars.iter().enumerate() {
        if is_connector(c) {
            if let Some(part_start) = start.take() {
                parts.push(span.start + part_start..span.start + offset);
            }
            continue;
        }
        let Some(part_start) = start else {
            start = Some(offset);
            continue;
        };
        let previous = chars[i - 1].1;
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let hump = c.is_uppercase()
            && (previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next.is_some_and(char::is_lowercase)));
        if hump && offset > part_start {
            parts.push(span.start + part_start..span.start + offset);
            start = Some(offset);
        }
    }
    if let Some(part_start) = start {
        parts.push(span.start + part_start..span.end);
    }
    parts
}

/// Lowercase, with accents and compatibility forms folded: `Crème` -> `creme`, `ﬁ` -> `fi`.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // NFKD splits accents off their letters; dropping the marks and composing again folds them away
    // while Hangul syllables, which NFKD also decomposes, come back whole.
    text.to_lowercase()
        .nfkd()
        .filter(|&c| !is_combining_mark(c))
        .nfc()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(String, TokenKind, u32)> {
        tokenize(text)
            .into_iter()
            .map(|token| (token.term, token.kind, token.position))
            .collect()
    }

    fn term_list(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|token| token.term).collect()
    }

    #[test]
    fn words_are_lowercased_stemmed_and_stop_words_keep_their_position() {
        use TokenKind::Word;
        assert_eq!(
            terms("The Keys are Listed"),
            [("key".into(), Word, 1), ("list".into(), Word, 3)]
        );
    }

    #[test]
    fn identifiers_are_kept_whole_and_split_into_parts() {
        use TokenKind::{Identifier, Part};
        for (text, whole, parts) in [
            ("expirationTtl", "expirationttl", vec!["expir", "ttl"]),
            ("KV.list()", "kv.list", vec!["kv", "list"]),
            ("std::fs::read", "std::fs::read", vec!["std", "fs", "read"]),
            ("max-age", "max-age", vec!["max", "age"]),
            ("cache_ttl", "cache_ttl", vec!["cach", "ttl"]),
            ("HTMLParser", "htmlparser", vec!["html", "parser"]),
            ("base64Encode", "base64encode", vec!["base64", "encod"]),
        ] {
            let tokens = terms(text);
            assert_eq!(tokens[0], (whole.to_owned(), Identifier, 0), "{text}");
            let rest: Vec<(String, TokenKind, u32)> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| ((*part).to_owned(), Part, i as u32))
                .collect();
            assert_eq!(tokens[1..], rest[..], "{text}");
        }
    }

    #[test]
    fn a_sentence_full_stop_or_dash_does_not_join_words() {
        assert_eq!(term_list("call list. Keys"), ["call", "list", "key"]);
        assert_eq!(term_list("keys - values"), ["key", "valu"]);
        assert_eq!(term_list("wait... what"), ["wait", "what"]);
    }

    #[test]
    fn accents_and_compatibility_forms_are_folded() {
        assert_eq!(term_list("Crème BRÛLÉE"), ["creme", "brule"]);
        assert_eq!(term_list("ﬁle"), ["file"]);
        assert_eq!(term_list("한국어"), ["한국어"]);
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(term_list("東京都に行く"), ["東京", "京都", "都に", "に行", "行く"]);
        assert_eq!(term_list("字"), ["字"]);
        assert_eq!(term_list("KV 存储"), ["kv", "存储"]);
    }

    #[test]
    fn spans_point_at_what_each_term_was_made_from() {
        let text = "use KV.list, __init__ and getValues’s keys";
        let tokens = tokenize(text);
        assert_eq!(tokens.len(), 9, "{tokens:?}");
        for token in tokens {
            let written = &text[token.span.clone()];
            let expected = match token.kind {
                TokenKind::Identifier => identifier_term(written),
                _ => word_term(written).unwrap(),
            };
            assert_eq!(token.term, expected, "{token:?}");
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        let long = "x".repeat(10_000);
        let mixed = "a\u{0301}\u{200d}👩‍👩‍👧 \u{feff}:::___...---a_ -_- \0\u{10ffff}東".repeat(200);
        for text in ["", " ", "::", "-a-", "_", "a__b", "Ǆǅǆ", "İstanbul", &long, &mixed] {
            let tokens = tokenize(text);
            for token in &tokens {
                assert!(token.span.end <= text.len());
                assert!(token.term.len() <= MAX_TERM_BYTES * 4, "{token:?}");
            }
        }
        assert!(tokenize(&long).is_empty(), "an over-long word is skipped");
    }
}
