//! Queries: parsing what was typed into clauses (terms, "quoted phrases", a prefix on the last term,
//! typo tolerance), the term shards a query needs, and scoring their postings into pages with their
//! best sections. Reading files is the caller's job (see [`crate::results`]), so this runs anywhere,
//! the Worker's wasm32 included.

use crate::format::{Manifest, Posting, PostingView, TermShard};
use crate::tokenize::{TokenKind, fold, tokenize};
use std::collections::{BTreeMap, BTreeSet};

/// What is read of a query, at most; the rest is ignored.
pub const MAX_QUERY_BYTES: usize = 512;
/// Clauses beyond this many are ignored.
pub const MAX_CLAUSES: usize = 8;
/// How many terms a prefix may stand for.
const MAX_PREFIX_TERMS: usize = 32;
/// How many term shards a prefix or a typo range may read. On a big site the terms starting with `re`
/// fill hundreds of shards (megabytes); typos are then looked for among terms sharing a longer prefix,
/// and a short prefix completes to the terms in its first shards only.
pub const MAX_RANGE_SHARDS: usize = 2;

/// Field weights: a term in the page title counts most, then in a heading, then in the text.
const TITLE_WEIGHT: f32 = 6.0;
const HEADING_WEIGHT: f32 = 3.0;
const BODY_WEIGHT: f32 = 1.0;
/// BM25's saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// How much a term found by prefix or with typos counts against an exact one.
const PREFIX_QUALITY: f32 = 0.8;
const ONE_TYPO_QUALITY: f32 = 0.6;
const TWO_TYPOS_QUALITY: f32 = 0.4;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Clause {
    Term(TermClause),
    /// Index terms with their offset from the first: `"the keyspace as an index"` is `keyspac` at 0 and
    /// `index` at 3.
    Phrase(Vec<(String, u32)>),
    /// An identifier: as written (`kv.put`), or its parts side by side, which is how it is found
    /// inside a longer one (`env.KV.put`).
    Identifier {
        whole: TermClause,
        parts: Vec<(String, u32)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TermClause {
    /// The index term: stemmed for a word, as written (lowercased) for an identifier.
    term: String,
    /// Folded but not stemmed, for prefixes: `configura` must reach `configuration`'s stem `configur`
    /// and also terms that start with it.
    prefix: Option<String>,
    /// The edit distance allowed: 1 from 5 characters, 2 from 9.
    max_typos: usize,
}

/// A range of terms the query needs, `low..=high` by code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRange {
    pub low: String,
    pub high: String,
}

impl TermRange {
    fn exact(term: &str) -> Self {
        Self {
            low: term.to_owned(),
            high: term.to_owned(),
        }
    }

    fn prefix(prefix: &str) -> Self {
        Self {
            low: prefix.to_owned(),
            high: format!("{prefix}{}", char::MAX),
        }
    }
}

impl Query {
    /// Reads a query as typed: words and identifiers are terms that must all match; `"quoted text"`
    /// must match as a phrase (an unclosed quote runs to the end); the last term matches as a prefix
    /// unless a space or quote follows it.
    pub fn parse(input: &str) -> Self {
        let mut end = input.len().min(MAX_QUERY_BYTES);
        while !input.is_char_boundary(end) {
            end -= 1;
        }
        let input = &input[..end];
        let mut clauses = Vec::new();
        for (index, part) in input.split('"').enumerate() {
            if index % 2 == 1 {
                clauses.extend(phrase_clause(part));
            } else {
                clauses.extend(term_clauses(part));
            }
        }
        let typing_last_term = input.ends_with(|c: char| c.is_alphanumeric());
        let last = clauses.len().saturating_sub(1);
        for (index, clause) in clauses.iter_mut().enumerate() {
            if let Clause::Term(term) | Clause::Identifier { whole: term, .. } = clause
                && (index != last || !typing_last_term)
            {
                term.prefix = None;
            }
        }
        clauses.truncate(MAX_CLAUSES);
        Self { clauses }
    }

    /// Whether the query has nothing to look for (empty, or only stop words).
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// The ranges of terms the query looks at. Typos are looked for among terms that share the first
    /// two characters, so that a term never needs more than the shards of its own two-letter range.
    pub fn term_ranges(&self) -> Vec<TermRange> {
        self.ranges().into_iter().map(|(range, _)| range).collect()
    }

    fn ranges(&self) -> Vec<(TermRange, RangeKind<'_>)> {
        let mut ranges = Vec::new();
        for clause in &self.clauses {
            match clause {
                Clause::Term(term) => term_clause_ranges(term, &mut ranges),
                Clause::Phrase(terms) => {
                    ranges.extend(terms.iter().map(|(term, _)| (TermRange::exact(term), RangeKind::Exact)))
                }
                Clause::Identifier { whole, parts } => {
                    ranges.push((TermRange::exact(&whole.term), RangeKind::Exact));
                    if let Some(prefix) = &whole.prefix {
                        ranges.push((TermRange::prefix(prefix), RangeKind::Prefix));
                    }
                    ranges.extend(parts.iter().map(|(term, _)| (TermRange::exact(term), RangeKind::Exact)));
                }
            }
        }
        ranges
    }

    /// The term shards (file names, relative to the manifest) the query needs, each once. A prefix or
    /// typo range reads at most [`MAX_RANGE_SHARDS`]: a typo range is narrowed to the shortest prefix
    /// of the term whose terms fit (none: only the term's own shards), a prefix range keeps its first
    /// shards. Both readers follow the same rule, so they load, and find, the same terms.
    pub fn shards_needed<'m>(&self, manifest: &'m Manifest) -> Vec<&'m str> {
        let mut needed = BTreeSet::new();
        for (range, kind) in self.ranges() {
            let shards = match kind {
                RangeKind::Exact => shards_of(&range, manifest),
                RangeKind::Prefix => {
                    let mut shards = shards_of(&range, manifest);
                    shards.truncate(MAX_RANGE_SHARDS);
                    shards
                }
                RangeKind::Typos(term) => {
                    let lengths = 2..=term.chars().count();
                    lengths
                        .map(|length| {
                            shards_of(
                                &TermRange::prefix(&term.chars().take(length).collect::<String>()),
                                manifest,
                            )
                        })
                        .find(|shards| shards.len() <= MAX_RANGE_SHARDS)
                        .unwrap_or_default()
                }
            };
            needed.extend(shards);
        }
        needed
            .into_iter()
            .map(|index| manifest.shards[index].file.as_str())
            .collect()
    }

    /// Scores the postings in `terms` (loaded from [`Query::shards_needed`]) into at most `limit` pages,
    /// best first. Pages that match every clause come before pages that match only some.
    pub fn search(&self, manifest: &Manifest, terms: &LoadedTerms, limit: usize) -> Vec<PageHit> {
        let scorer = Scorer {
            sections: manifest.sections.max(1) as f32,
            average_length: manifest.average_length.max(1.0),
        };
        let clause_scores: Vec<BTreeMap<(u32, u32), Score>> = self
            .clauses
            .iter()
            .map(|clause| match clause {
                Clause::Term(term) => scorer.term_clause(term, terms),
                Clause::Phrase(phrase) => scorer.phrase_clause(phrase, terms),
                Clause::Identifier { whole, parts } => {
                    let mut scores = scorer.term_clause(whole, terms);
                    for (key, score) in scorer.phrase_clause(parts, terms) {
                        let best = scores.entry(key).or_default();
                        *best = best.better(score);
                    }
                    scores
                }
            })
            .collect();
        let matched_terms = self.matched_terms(terms);

        let mut pages: BTreeMap<u32, PageTally> = BTreeMap::new();
        for scores in &clause_scores {
            let mut best_in_page: BTreeMap<u32, f32> = BTreeMap::new();
            for (&(page, section), score) in scores {
                let tally = pages.entry(page).or_default();
                *tally.sections.entry(section).or_default() += score.in_section;
                let best = best_in_page.entry(page).or_default();
                *best = best.max(score.in_page);
            }
            for (page, best) in best_in_page {
                let tally = pages.entry(page).or_default();
                tally.clauses += 1;
                tally.score += best;
            }
        }
        let mut hits: Vec<PageHit> = pages
            .into_iter()
            .map(|(page, tally)| {
                let mut sections: Vec<SectionHit> = tally
                    .sections
                    .into_iter()
                    .map(|(section, score)| SectionHit { section, score })
                    .collect();
                sections.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.section.cmp(&b.section)));
                sections.truncate(MAX_SECTIONS_PER_PAGE);
                PageHit {
                    page,
                    score: tally.score,
                    clauses: tally.clauses,
                    sections,
                    terms: matched_terms.clone(),
                }
            })
            .collect();
        hits.sort_by(|a, b| {
            b.clauses
                .cmp(&a.clauses)
                .then(b.score.total_cmp(&a.score))
                .then(a.page.cmp(&b.page))
        });
        if let Some(best) = hits.first().map(|hit| hit.clauses) {
            hits.retain(|hit| hit.clauses == best);
        }
        hits.truncate(limit);
        hits
    }

    /// Every index term the query reached, for marking excerpts.
    fn matched_terms(&self, terms: &LoadedTerms) -> Vec<String> {
        let mut matched = BTreeSet::new();
        for clause in &self.clauses {
            match clause {
                Clause::Term(term) => {
                    matched.extend(expand(term, terms).into_iter().map(|(term, _)| term.to_owned()));
                }
                Clause::Phrase(phrase) => matched.extend(phrase.iter().map(|(term, _)| term.clone())),
                Clause::Identifier { whole, parts } => {
                    matched.extend(expand(whole, terms).into_iter().map(|(term, _)| term.to_owned()));
                    matched.extend(parts.iter().map(|(term, _)| term.clone()));
                }
            }
        }
        matched.into_iter().collect()
    }
}

/// How many sections of one page a result shows.
pub const MAX_SECTIONS_PER_PAGE: usize = 3;

/// A page that matched, with its best sections.
#[derive(Debug, Clone, PartialEq)]
pub struct PageHit {
    pub page: u32,
    pub score: f32,
    /// How many of the query's clauses the page matched.
    pub clauses: usize,
    /// Best first.
    pub sections: Vec<SectionHit>,
    /// The index terms the query reached, for excerpts.
    pub terms: Vec<String>,
}

/// A section that matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SectionHit {
    pub section: u32,
    pub score: f32,
}

#[derive(Default)]
struct PageTally {
    clauses: usize,
    score: f32,
    sections: BTreeMap<u32, f32>,
}

/// The terms of the shards a query loaded, merged into one ordered map.
#[derive(Debug, Default, Clone)]
pub struct LoadedTerms {
    terms: TermShard,
}

impl LoadedTerms {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the terms of one shard.
    pub fn add(&mut self, shard: TermShard) {
        self.terms.extend(shard);
    }

    fn get(&self, term: &str) -> Option<&[Posting]> {
        self.terms.get(term).map(Vec::as_slice)
    }

    fn with_prefix<'a>(&'a self, prefix: &str) -> impl Iterator<Item = (&'a str, &'a [Posting])> + use<'a> {
        let prefix = prefix.to_owned();
        self.terms
            .range::<str, _>((std::ops::Bound::Included(prefix.as_str()), std::ops::Bound::Unbounded))
            .take_while(move |(term, _)| term.starts_with(&prefix))
            .map(|(term, postings)| (term.as_str(), postings.as_slice()))
    }
}

fn term_clauses(text: &str) -> Vec<Clause> {
    let tokens = tokenize(text);
    let mut clauses = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let written = &text[token.span.clone()];
        let folded = match token.kind {
            TokenKind::Word => fold(written),
            TokenKind::Part => continue,
            _ => token.term.clone(),
        };
        let length = folded.chars().count();
        let max_typos = match (token.kind, length) {
            (TokenKind::Cjk, _) => 0,
            (_, 9..) => 2,
            (_, 5..) => 1,
            _ => 0,
        };
        let clause = TermClause {
            term: token.term.clone(),
            prefix: (length >= 2).then_some(folded),
            max_typos,
        };
        if token.kind != TokenKind::Identifier {
            clauses.push(Clause::Term(clause));
            continue;
        }
        let parts: Vec<(String, u32)> = tokens[index + 1..]
            .iter()
            .take_while(|part| part.kind == TokenKind::Part && part.span.end <= token.span.end)
            .map(|part| (part.term.clone(), part.position - token.position))
            .collect();
        clauses.push(Clause::Identifier { whole: clause, parts });
    }
    clauses
}

fn phrase_clause(text: &str) -> Option<Clause> {
    let tokens: Vec<_> = tokenize(text)
        .into_iter()
        .filter(|token| token.kind != TokenKind::Identifier)
        .collect();
    let first = tokens.first()?.position;
    if tokens.len() == 1 {
        return tokens.into_iter().next().map(|token| {
            Clause::Term(TermClause {
                term: token.term,
                prefix: None,
                max_typos: 0,
            })
        });
    }
    Some(Clause::Phrase(
        tokens
            .into_iter()
            .map(|token| (token.term, token.position - first))
            .collect(),
    ))
}

/// The first two characters of a term: typos are looked for among terms that share them.
/// What a term range is for: its shards are all read, or at most [`MAX_RANGE_SHARDS`] of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RangeKind<'a> {
    Exact,
    Prefix,
    /// Terms within typo distance of this one.
    Typos(&'a str),
}

/// A term clause's ranges: the term, its completions while typing, its typos.
fn term_clause_ranges<'a>(term: &'a TermClause, ranges: &mut Vec<(TermRange, RangeKind<'a>)>) {
    ranges.push((TermRange::exact(&term.term), RangeKind::Exact));
    if let Some(prefix) = &term.prefix {
        ranges.push((TermRange::prefix(prefix), RangeKind::Prefix));
    }
    if term.max_typos > 0 {
        ranges.push((TermRange::prefix(&typo_stem(&term.term)), RangeKind::Typos(&term.term)));
    }
}

/// The indexes of the shards that hold terms of `range`: the one holding `low`, and every later one
/// that starts within the range.
fn shards_of(range: &TermRange, manifest: &Manifest) -> Vec<usize> {
    let first = manifest
        .shards
        .partition_point(|shard| shard.first.as_str() <= range.low.as_str())
        .saturating_sub(1);
    (first..manifest.shards.len())
        .take_while(|&index| index == first || manifest.shards[index].first <= range.high)
        .collect()
}

fn typo_stem(term: &str) -> String {
    term.chars().take(2).collect()
}

/// The index terms a term clause stands for, each with how much it counts.
fn expand<'a>(clause: &'a TermClause, terms: &'a LoadedTerms) -> Vec<(&'a str, f32)> {
    let mut expanded: BTreeMap<&str, f32> = BTreeMap::new();
    if terms.get(&clause.term).is_some() {
        expanded.insert(&clause.term, 1.0);
    }
    if let Some(prefix) = &clause.prefix {
        let mut completions: Vec<(&str, usize)> = terms
            .with_prefix(prefix)
            .map(|(term, postings)| (term, postings.len()))
            .collect();
        // The most common completions first, so a short prefix stands for the likeliest words.
        completions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (term, _) in completions.into_iter().take(MAX_PREFIX_TERMS) {
            expanded.entry(term).or_insert(PREFIX_QUALITY);
        }
    }
    if clause.max_typos > 0 {
        let stem = typo_stem(&clause.term);
        let length = clause.term.chars().count();
        for (term, _) in terms.with_prefix(&stem) {
            if expanded.contains_key(term) || term.chars().count().abs_diff(length) > clause.max_typos {
                continue;
            }
            let quality = match strsim::osa_distance(term, &clause.term) {
                1 => ONE_TYPO_QUALITY,
                2 if clause.max_typos >= 2 => TWO_TYPOS_QUALITY,
                _ => continue,
            };
            expanded.insert(term, quality);
        }
    }
    expanded.into_iter().collect()
}

/// One term's postings by `(page, section)`.
type PostingsBySection<'a> = BTreeMap<(u32, u32), PostingView<'a>>;

/// A clause's score in one section: what it adds to its page, and to the section's rank in the page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Score {
    in_page: f32,
    in_section: f32,
}

impl Score {
    /// The higher of two scores, by their page part.
    fn better(self, other: Self) -> Self {
        if other.in_page > self.in_page { other } else { self }
    }

    fn times(self, factor: f32) -> Self {
        Self {
            in_page: factor * self.in_page,
            in_section: factor * self.in_section,
        }
    }

    fn plus(self, other: Self) -> Self {
        Self {
            in_page: self.in_page + other.in_page,
            in_section: self.in_section + other.in_section,
        }
    }
}

struct Scorer {
    sections: f32,
    average_length: f32,
}

impl Scorer {
    fn idf(&self, postings: usize) -> f32 {
        let df = postings as f32;
        (1.0 + (self.sections - df + 0.5) / (df + 0.5)).ln().max(0.01)
    }

    /// BM25 per field: the head (title or heading) and the text saturate apart, so a term in a title
    /// outranks many in a text. The title's part counts for the page only: every section is under the
    /// title, so it does not make the text before the first heading a better section than the one
    /// whose heading or text has the term.
    fn posting(&self, idf: f32, posting: &PostingView<'_>) -> Score {
        let head = posting.head_count as f32;
        let body = (posting.positions.len() as u32).saturating_sub(posting.head_count) as f32;
        let saturate = |tf: f32, norm: f32| if tf == 0.0 { 0.0 } else { tf * (K1 + 1.0) / (tf + norm) };
        let body_norm = K1 * (1.0 - B + B * posting.length as f32 / self.average_length);
        let body_part = BODY_WEIGHT * saturate(body, body_norm);
        if posting.section == 0 {
            Score {
                in_page: idf * (TITLE_WEIGHT * saturate(head, K1) + body_part),
                in_section: idf * (0.0 + body_part),
            }
        } else {
            let score = idf * (HEADING_WEIGHT * saturate(head, K1) + body_part);
            Score {
                in_page: score,
                in_section: score,
            }
        }
    }

    fn term_clause(&self, clause: &TermClause, terms: &LoadedTerms) -> BTreeMap<(u32, u32), Score> {
        let mut scores: BTreeMap<(u32, u32), Score> = BTreeMap::new();
        for (term, quality) in expand(clause, terms) {
            let postings = terms.get(term).unwrap_or_default();
            let idf = self.idf(postings.len());
            for posting in postings.iter().filter_map(|posting| PostingView::read(posting)) {
                let score = self.posting(idf, &posting).times(quality);
                let best = scores.entry((posting.page, posting.section)).or_default();
                *best = best.better(score);
            }
        }
        scores
    }

    fn phrase_clause(&self, phrase: &[(String, u32)], terms: &LoadedTerms) -> BTreeMap<(u32, u32), Score> {
        let mut by_term: Vec<(PostingsBySection<'_>, f32)> = Vec::new();
        for (term, _) in phrase {
            let postings = terms.get(term).unwrap_or_default();
            let views = postings
                .iter()
                .filter_map(|posting| PostingView::read(posting))
                .map(|view| ((view.page, view.section), view))
                .collect();
            by_term.push((views, self.idf(postings.len())));
        }
        let mut scores = BTreeMap::new();
        let Some(((first_postings, _), rest)) = by_term.split_first() else {
            return scores;
        };
        'sections: for (key, first) in first_postings {
            let mut found: Vec<&PostingView<'_>> = vec![first];
            for (postings, _) in rest {
                match postings.get(key) {
                    Some(view) => found.push(view),
                    None => continue 'sections,
                }
            }
            let occurs = first.positions.iter().any(|&start| {
                phrase.iter().zip(&found).all(|((_, offset), view)| {
                    start
                        .checked_add(*offset)
                        .is_some_and(|at| view.positions.binary_search(&at).is_ok())
                })
            });
            if occurs {
                let score = found
                    .iter()
                    .zip(&by_term)
                    .map(|(view, (_, idf))| self.posting(*idf, view))
                    .fold(Score::default(), Score::plus);
                scores.insert(*key, score);
            }
        }
        scores
    }
}

#[cfg(test)]
mod tests;
