//! Remembers what syntect's parser made of a line, so a line that comes back in the same parse state
//! (a closing `}`, an import, a blank line, a snippet repeated across pages) is not parsed again.
//!
//! Parsing a line is a pure function of the syntax, the parse state before the line and the line's
//! text, so a hit returns exactly what parsing would: the scope operations and the state after the
//! line. Grammars such as TypeScript spend ~100 µs per line in the regex engine; a hit costs a hash
//! and a comparison. syntect's parse state cannot move between threads, so each rendering thread
//! keeps its own cache (no locks); each is bounded, so a long preview session cannot grow it without
//! limit.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::rc::Rc;

use syntect::parsing::{ParseState, ScopeStackOp, SyntaxReference};

/// Lines longer than this are parsed every time: long lines rarely repeat and cost the most memory.
const MAX_CACHED_LINE_BYTES: usize = 240;
/// About how much memory one thread's cache may hold; past it, new lines are not remembered.
const MAX_BYTES_PER_THREAD: usize = 64 << 20;
/// What an entry costs besides its text and operations (two parse states, the map slot), as measured.
const ENTRY_OVERHEAD_BYTES: usize = 2048;

/// What parsing one line produced.
pub(crate) struct ParsedLine {
    /// syntect's scope operations, by byte offset in the line.
    pub operations: Vec<(usize, ScopeStackOp)>,
    /// The parse state after the line.
    pub state_after: ParseState,
}

struct Entry {
    syntax: usize,
    line: Box<str>,
    state_before: ParseState,
    parsed: Rc<ParsedLine>,
}

#[derive(Default)]
struct LineCache {
    hasher: RandomState,
    lines: RefCell<HashMap<u64, Vec<Entry>>>,
    /// The estimated size of what `lines` holds.
    bytes: Cell<usize>,
}

thread_local! {
    static CACHE: LineCache = LineCache::default();
}

/// A line's place in the cache: which syntax, which text.
pub(crate) struct LineKey<'a> {
    syntax: usize,
    line: &'a str,
    hash: u64,
}

impl<'a> LineKey<'a> {
    /// The key of `line` parsed with `syntax`, or `None` for a line the cache does not keep.
    pub(crate) fn new(syntax: &'static SyntaxReference, line: &'a str) -> Option<LineKey<'a>> {
        if line.len() > MAX_CACHED_LINE_BYTES {
            return None;
        }
        let syntax = std::ptr::from_ref(syntax) as usize;
        let hash = CACHE.with(|cache| {
            let mut hasher = cache.hasher.build_hasher();
            syntax.hash(&mut hasher);
            line.hash(&mut hasher);
            hasher.finish()
        });
        Some(LineKey { syntax, line, hash })
    }

    /// What parsing this line from `state` produced before on this thread, if it was remembered.
    pub(crate) fn get(&self, state: &ParseState) -> Option<Rc<ParsedLine>> {
        CACHE.with(|cache| {
            let lines = cache.lines.borrow();
            lines.get(&self.hash)?.iter().find_map(|entry| {
                (entry.syntax == self.syntax && *entry.line == *self.line && entry.state_before == *state)
                    .then(|| Rc::clone(&entry.parsed))
            })
        })
    }

    /// Remembers that parsing this line from `state_before` produced `parsed` (unless the cache is full).
    pub(crate) fn insert(&self, state_before: ParseState, parsed: Rc<ParsedLine>) {
        CACHE.with(|cache| {
            let size = ENTRY_OVERHEAD_BYTES
                + self.line.len()
                + parsed.operations.len() * std::mem::size_of::<(usize, ScopeStackOp)>();
            if cache.bytes.get() + size > MAX_BYTES_PER_THREAD {
                return;
            }
            cache.lines.borrow_mut().entry(self.hash).or_default().push(Entry {
                syntax: self.syntax,
                line: self.line.into(),
                state_before,
                parsed,
            });
            cache.bytes.set(cache.bytes.get() + size);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::languages::{find_language, syntax_set};
    use super::*;

    fn parse(state: &mut ParseState, line: &str) -> Rc<ParsedLine> {
        let operations = state.parse_line(line, syntax_set()).unwrap();
        Rc::new(ParsedLine {
            operations,
            state_after: state.clone(),
        })
    }

    #[test]
    fn a_line_is_found_again_only_in_the_same_syntax_and_state() {
        let ts = find_language("ts").unwrap().syntax();
        let rust = find_language("rust").unwrap().syntax();
        let start = ParseState::new(ts);
        let line = "const cacheHitProbe = `multi\n";
        let key = LineKey::new(ts, line).unwrap();
        assert!(key.get(&start).is_none());

        let mut state = start.clone();
        let parsed = parse(&mut state, line);
        key.insert(start.clone(), Rc::clone(&parsed));
        let hit = key.get(&start).expect("the line was remembered");
        assert_eq!(hit.operations, parsed.operations);
        assert_eq!(hit.state_after, state);

        // Inside the template literal the same text parses differently: no hit.
        assert!(key.get(&state).is_none());
        // Another syntax, same text: no hit.
        assert!(LineKey::new(rust, line).unwrap().get(&ParseState::new(rust)).is_none());
    }

    #[test]
    fn long_lines_are_not_cached() {
        let ts = find_language("ts").unwrap().syntax();
        assert!(LineKey::new(ts, &"x".repeat(MAX_CACHED_LINE_BYTES + 1)).is_none());
    }
}
