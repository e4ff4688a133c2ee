// The search index's reader for the browser: a port of the edgedocs-search crate's query path
// (tokenise, stem, parse the query, pick the shards, score with BM25 per field, excerpt). It reads the
// files the build writes under search/ (the format is documented in search/src/lib.rs) and must give
// the same results as the Rust engine: tests/search/parity.test.mjs runs the same queries through both.
// It knows nothing of the page; search-dialog.js draws what it returns. No dependencies.
// Why a port and not the crate compiled to wasm32: with LTO, opt-level "z" and wasm-opt -Oz the query
// path is 354 KB (164 KB gzipped), mostly Unicode segmentation and normalisation tables that the
// browser already has (Intl.Segmenter, String.prototype.normalize); this file is about a fifteenth of that.

const MAX_TERM_BYTES = 48;
const MAX_QUERY_BYTES = 512;
const MAX_CLAUSES = 8;
const MAX_PREFIX_TERMS = 32;
const MAX_SECTIONS_PER_PAGE = 3;
const TITLE_WEIGHT = 6;
const HEADING_WEIGHT = 3;
const BODY_WEIGHT = 1;
const K1 = 1.2;
const B = 0.75;
const PREFIX_QUALITY = 0.8;
const ONE_TYPO_QUALITY = 0.6;
const TWO_TYPOS_QUALITY = 0.4;
const FORMAT_VERSION = 1;
/** The longest excerpt, in characters before escaping. */
export const EXCERPT_LENGTH = 180;
const EXCERPT_LEAD = 40;

// Token kinds, as in search/src/tokenize.rs.
const WORD = 0;
const IDENTIFIER = 1;
const PART = 2;
const CJK = 3;

const f32 = Math.fround;

// --- Text ------------------------------------------------------------------------------------------

/** UTF-8 length of a string, which is what the Rust side's byte limits count. */
function utf8Length(text) {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Compares two strings by Unicode code points, as Rust's `str` ordering does. */
export function compareTerms(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(i);
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

const ALPHANUMERIC = /[\p{Alphabetic}\p{N}]/u;
const COMBINING_MARKS = /\p{M}/gu;
const UPPERCASE = /\p{Uppercase}/u;
const LOWERCASE = /\p{Lowercase}/u;

/** Lowercase, with accents and compatibility forms folded: `Crème` -> `creme`. */
export function fold(text) {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.toLowerCase().normalize("NFKD").replace(COMBINING_MARKS, "").normalize("NFC");
}

function isCjk(code) {
  return (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x31f0 && code <= 0x31ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xff66 && code <= 0xff9f) ||
    (code >= 0x20000 && code <= 0x3134f)
  );
}

/** A segment made only of Han, Hiragana and Katakana (the ranges of `isCjk`). */
const CJK_ONLY = /^[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{3134f}]+$/u;

const isConnector = (char) => char === "_" || char === "." || char === "-" || char === ":";

let segmenter = null;

/**
 * Scripts written without spaces that ICU splits into words with a dictionary (Line_Break=Complex_Context)
 * while UAX #29, which the Rust tokeniser follows, makes each letter (with its marks) a word of its own.
 */
const DICTIONARY_SCRIPTS =
  /[\p{sc=Thai}\p{sc=Lao}\p{sc=Myanmar}\p{sc=Khmer}\p{sc=Tai_Le}\p{sc=New_Tai_Lue}\p{sc=Tai_Tham}\p{sc=Tai_Viet}\p{sc=Ahom}]/u;
const MARK = /^\p{M}$/u;
const DIGIT = /^\p{Nd}$/u;

/** Word-bound segments `{ segment, index }` of `text` as UAX #29 draws them (ICU's, minus its dictionaries). */
function* segments(text) {
  segmenter ??= new Intl.Segmenter("en", { granularity: "word" });
  for (const part of segmenter.segment(text)) {
    if (!DICTIONARY_SCRIPTS.test(part.segment)) {
      yield part;
      continue;
    }
    // One segment per letter with the marks after it; digits stay together.
    let start = 0;
    let previous = "";
    let offset = 0;
    for (const char of part.segment) {
      const joins = offset > 0 && (MARK.test(char) || (DIGIT.test(char) && DIGIT.test(previous)));
      if (offset > 0 && !joins) {
        yield { segment: part.segment.slice(start, offset), index: part.index + start };
        start = offset;
      }
      if (!MARK.test(char)) previous = char;
      offset += char.length;
    }
    yield { segment: part.segment.slice(start), index: part.index + start };
  }
}

/** Joins segments into runs: words joined by connectors become one identifier run; CJK words one run. */
function runs(text) {
  const found = [];
  let current = null;
  let pendingConnector = false;
  for (const { segment, index: start } of segments(text)) {
    const end = start + segment.length;
    if (CJK_ONLY.test(segment)) {
      pendingConnector = false;
      if (current?.cjk && current.end === start) current.end = end;
      else {
        if (current) found.push(current);
        current = { cjk: true, start, end };
      }
    } else if (ALPHANUMERIC.test(segment)) {
      if (current && !current.cjk && pendingConnector) current.end = end;
      else {
        if (current) found.push(current);
        current = { cjk: false, start, end };
      }
      pendingConnector = false;
    } else if (
      segment.length === 1 &&
      isConnector(segment) &&
      current &&
      !current.cjk &&
      current.end === start &&
      !connectorUsedTwice(text, start)
    ) {
      pendingConnector = true;
      current.end = end;
    } else {
      pendingConnector = false;
      if (current) found.push(current);
      current = null;
    }
  }
  if (current) found.push(current);
  for (const run of found) {
    if (run.cjk) continue;
    while (run.end > run.start && isConnector(text[run.end - 1])) run.end--;
  }
  return found;
}

function connectorUsedTwice(text, start) {
  const before = text.slice(Math.max(0, start - 2), start);
  return before === "::" || before === ".." || before === "--" || before === "__";
}

/**
 * Splits `text` into tokens `{ term, kind, position, start, end }` exactly as the index was made:
 * start and end are UTF-16 offsets into `text`.
 */
export function tokenize(text) {
  const tokens = [];
  const state = { position: 0 };
  for (const run of runs(text)) {
    if (run.cjk) pushCjk(text, run, state, tokens);
    else pushWord(text, run, state, tokens);
  }
  return tokens;
}

function pushCjk(text, run, state, tokens) {
  const chars = [];
  for (let offset = run.start; offset < run.end; ) {
    const code = text.codePointAt(offset);
    chars.push(offset);
    offset += code > 0xffff ? 2 : 1;
  }
  if (chars.length === 1) {
    tokens.push({ term: fold(text.slice(run.start, run.end)), kind: CJK, position: state.position++, ...run });
    return;
  }
  for (let i = 0; i < chars.length - 1; i++) {
    const start = chars[i];
    const end = i + 2 < chars.length ? chars[i + 2] : run.end;
    tokens.push({ term: fold(text.slice(start, end)), kind: CJK, position: state.position++, start, end });
  }
}

function pushWord(text, run, state, tokens) {
  const parts = identifierParts(text, run);
  if (parts.length === 1) {
    const term = wordTerm(text.slice(parts[0].start, parts[0].end));
    if (term !== null) tokens.push({ term, kind: WORD, position: state.position, ...parts[0] });
    state.position++;
    return;
  }
  if (parts.length === 0) return;
  const whole = identifierTerm(text.slice(run.start, run.end));
  if (utf8Length(whole) <= MAX_TERM_BYTES) {
    tokens.push({ term: whole, kind: IDENTIFIER, position: state.position, start: run.start, end: run.end });
  }
  for (const part of parts) {
    const term = wordTerm(text.slice(part.start, part.end));
    if (term !== null) tokens.push({ term, kind: PART, position: state.position, ...part });
    state.position++;
  }
}

function wordTerm(word) {
  const folded = fold(word).replaceAll("\u2019", "'");
  if (folded === "" || utf8Length(folded) > MAX_TERM_BYTES || STOP_WORDS.has(folded)) return null;
  const term = stem(folded).replaceAll("'", "");
  return term === "" ? null : term;
}

function identifierTerm(identifier) {
  return fold(identifier).replace(/['\u2019]/g, "");
}

/** The parts of an identifier: split at connectors and camelCase humps. */
function identifierParts(text, run) {
  const parts = [];
  const chars = [];
  for (let offset = run.start; offset < run.end; ) {
    const code = text.codePointAt(offset);
    const char = String.fromCodePoint(code);
    chars.push({ offset, char });
    offset += char.length;
  }
  let start = null;
  for (let i = 0; i < chars.length; i++) {
    const { offset, char } = chars[i];
    if (isConnector(char)) {
      if (start !== null) parts.push({ start, end: offset });
      start = null;
      continue;
    }
    if (start === null) {
      start = offset;
      continue;
    }
    const previous = chars[i - 1].char;
    const next = chars[i + 1]?.char;
    const hump =
      UPPERCASE.test(char) &&
      (LOWERCASE.test(previous) ||
        (previous >= "0" && previous <= "9") ||
        (UPPERCASE.test(previous) && next !== undefined && LOWERCASE.test(next)));
    if (hump && offset > start) {
      parts.push({ start, end: offset });
      start = offset;
    }
  }
  if (start !== null) parts.push({ start, end: run.end });
  return parts;
}

const STOP_WORDS = new Set(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
);

// --- English stemming (Snowball's Porter2, as rust-stemmers implements it) -------------------------

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);
const DOUBLES = new Set(["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]);
const VALID_LI = new Set(["c", "d", "e", "g", "h", "k", "m", "n", "r", "t"]);
const EXCEPTIONS = new Map([
  ["skis", "ski"],
  ["skies", "sky"],
  ["dying", "die"],
  ["lying", "lie"],
  ["tying", "tie"],
  ["idly", "idl"],
  ["gently", "gentl"],
  ["ugly", "ugli"],
  ["early", "earli"],
  ["only", "onli"],
  ["singly", "singl"],
  ["sky", "sky"],
  ["news", "news"],
  ["howe", "howe"],
  ["atlas", "atlas"],
  ["cosmos", "cosmos"],
  ["bias", "bias"],
  ["andes", "andes"],
]);
const AFTER_STEP_1A = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);
const STEP_2 = [
  ["ization", "ize"],
  ["ational", "ate"],
  ["fulness", "ful"],
  ["ousness", "ous"],
  ["iveness", "ive"],
  ["tional", "tion"],
  ["biliti", "ble"],
  ["lessli", "less"],
  ["entli", "ent"],
  ["ation", "ate"],
  ["alism", "al"],
  ["aliti", "al"],
  ["ousli", "ous"],
  ["iviti", "ive"],
  ["fulli", "ful"],
  ["enci", "ence"],
  ["anci", "ance"],
  ["abli", "able"],
  ["izer", "ize"],
  ["ator", "ate"],
  ["alli", "al"],
  ["bli", "ble"],
  ["ogi", "og"],
  ["li", ""],
];
const STEP_3 = [
  ["ational", "ate"],
  ["tional", "tion"],
  ["alize", "al"],
  ["icate", "ic"],
  ["iciti", "ic"],
  ["ative", ""],
  ["ical", "ic"],
  ["ness", ""],
  ["ful", ""],
];
const STEP_4 = [
  "ement",
  "ance",
  "ence",
  "able",
  "ible",
  "ment",
  "ant",
  "ent",
  "ism",
  "ate",
  "iti",
  "ous",
  "ive",
  "ize",
  "ion",
  "al",
  "er",
  "ic",
];

/** Stems already computed: a site repeats its words. Emptied when it reaches this many. */
const STEM_CACHE_ENTRIES = 20_000;
const stems = new Map();

/** The Snowball English stem of a folded word; words of under three letters or with digits are kept. */
export function stem(word) {
  let stemmed = stems.get(word);
  if (stemmed !== undefined) return stemmed;
  const chars = Array.from(word);
  if (chars.length < 3 || /[0-9]/.test(word)) stemmed = word;
  else if (EXCEPTIONS.has(word)) stemmed = EXCEPTIONS.get(word);
  else stemmed = new Stemmer(chars).run();
  if (stems.size >= STEM_CACHE_ENTRIES) stems.clear();
  stems.set(word, stemmed);
  return stemmed;
}

class Stemmer {
  constructor(chars) {
    this.w = chars;
  }

  isVowel(i) {
    return VOWELS.has(this.w[i]);
  }

  endsWith(suffix) {
    const s = Array.from(suffix);
    if (s.length > this.w.length) return false;
    const offset = this.w.length - s.length;
    return s.every((char, i) => this.w[offset + i] === char);
  }

  /** The longest of `suffixes` the word ends with. */
  longest(suffixes) {
    let best = null;
    for (const suffix of suffixes) {
      const length = Array.from(suffix).length;
      if ((best === null || length > best.length) && this.endsWith(suffix)) best = { suffix, length };
    }
    return best;
  }

  replace(length, replacement) {
    this.w.splice(this.w.length - length, length, ...Array.from(replacement));
  }

  /** Whether the word up to `end` ends with a short syllable. */
  shortSyllable(end) {
    const w = this.w;
    if (end >= 3) {
      const last = w[end - 1];
      if (
        !this.isVowel(end - 1) &&
        last !== "w" &&
        last !== "x" &&
        last !== "Y" &&
        this.isVowel(end - 2) &&
        !this.isVowel(end - 3)
      ) {
        return true;
      }
    }
    return end === 2 && this.isVowel(0) && !this.isVowel(1);
  }

  /** The position after the first non-vowel that follows a vowel, from `from`. */
  region(from) {
    for (let i = from + 1; i < this.w.length; i++) {
      if (!this.isVowel(i) && this.isVowel(i - 1)) return i + 1;
    }
    return this.w.length;
  }

  run() {
    const w = this.w;
    if (w[0] === "'") w.shift();
    if (w.length === 0) return "";
    if (w[0] === "y") w[0] = "Y";
    for (let i = 1; i < w.length; i++) if (w[i] === "y" && this.isVowel(i - 1)) w[i] = "Y";
    const joined = w.join("");
    const special = ["gener", "commun", "arsen"].find((prefix) => joined.startsWith(prefix));
    this.p1 = special ? special.length : this.region(0);
    this.p2 = this.region(this.p1);

    this.step0();
    this.step1a();
    if (!AFTER_STEP_1A.has(w.join(""))) {
      this.step1b();
      this.step1c();
      this.step2();
      this.step3();
      this.step4();
      this.step5();
    }
    return w.join("").replaceAll("Y", "y");
  }

  step0() {
    const found = this.longest(["'s'", "'s", "'"]);
    if (found) this.replace(found.length, "");
  }

  step1a() {
    const found = this.longest(["sses", "ied", "ies", "s", "us", "ss"]);
    if (!found) return;
    const before = this.w.length - found.length;
    switch (found.suffix) {
      case "sses":
        this.replace(4, "ss");
        break;
      case "ied":
      case "ies":
        this.replace(3, before > 1 ? "i" : "ie");
        break;
      case "s": {
        let vowel = false;
        for (let i = 0; i < before - 1; i++) if (this.isVowel(i)) vowel = true;
        if (vowel) this.replace(1, "");
        break;
      }
    }
  }

  step1b() {
    const found = this.longest(["eed", "eedly", "ed", "edly", "ing", "ingly"]);
    if (!found) return;
    const before = this.w.length - found.length;
    if (found.suffix === "eed" || found.suffix === "eedly") {
      if (before >= this.p1) this.replace(found.length, "ee");
      return;
    }
    let vowel = false;
    for (let i = 0; i < before; i++) if (this.isVowel(i)) vowel = true;
    if (!vowel) return;
    this.replace(found.length, "");
    if (this.endsWith("at") || this.endsWith("bl") || this.endsWith("iz")) this.replace(0, "e");
    else if (this.w.length >= 2 && DOUBLES.has(this.w.slice(-2).join(""))) this.replace(1, "");
    else if (this.w.length === this.p1 && this.shortSyllable(this.w.length)) this.replace(0, "e");
  }

  step1c() {
    const w = this.w;
    const last = w.length - 1;
    if (last >= 2 && (w[last] === "y" || w[last] === "Y") && !this.isVowel(last - 1)) w[last] = "i";
  }

  step2() {
    const found = this.longest(STEP_2.map(([suffix]) => suffix));
    if (!found || this.w.length - found.length < this.p1) return;
    const before = this.w.length - found.length;
    const replacement = STEP_2.find(([suffix]) => suffix === found.suffix)[1];
    if (found.suffix === "ogi" && this.w[before - 1] !== "l") return;
    if (found.suffix === "li" && !VALID_LI.has(this.w[before - 1])) return;
    this.replace(found.length, replacement);
  }

  step3() {
    const found = this.longest(STEP_3.map(([suffix]) => suffix));
    if (!found || this.w.length - found.length < this.p1) return;
    if (found.suffix === "ative" && this.w.length - found.length < this.p2) return;
    this.replace(found.length, STEP_3.find(([suffix]) => suffix === found.suffix)[1]);
  }

  step4() {
    const found = this.longest(STEP_4);
    if (!found) return;
    const before = this.w.length - found.length;
    if (before < this.p2) return;
    if (found.suffix === "ion" && this.w[before - 1] !== "s" && this.w[before - 1] !== "t") return;
    this.replace(found.length, "");
  }

  step5() {
    const w = this.w;
    const before = w.length - 1;
    if (w[before] === "e") {
      if (before >= this.p2 || (before >= this.p1 && !this.shortSyllable(before))) this.replace(1, "");
    } else if (w[before] === "l" && before >= this.p2 && w[before - 1] === "l") {
      this.replace(1, "");
    }
  }
}

// --- Queries ----------------------------------------------------------------------------------------

/** The first `MAX_QUERY_BYTES` bytes of `input` (in UTF-8), cut at a character. */
function truncateQuery(input) {
  let bytes = 0;
  let end = 0;
  for (const char of input) {
    bytes += utf8Length(char);
    if (bytes > MAX_QUERY_BYTES) break;
    end += char.length;
  }
  return input.slice(0, end);
}

/** Reads a query as typed into clauses; see search/src/query.rs. */
export function parseQuery(rawInput) {
  const input = truncateQuery(rawInput);
  let clauses = [];
  input.split('"').forEach((part, index) => {
    if (index % 2 === 1) {
      const phrase = phraseClause(part);
      if (phrase) clauses.push(phrase);
    } else {
      clauses.push(...termClauses(part));
    }
  });
  const lastChar = Array.from(input).pop();
  const typingLastTerm = lastChar !== undefined && ALPHANUMERIC.test(lastChar);
  const last = Math.max(0, clauses.length - 1);
  clauses.forEach((clause, index) => {
    const term = clause.type === "term" ? clause.term : clause.type === "identifier" ? clause.whole : null;
    if (term && (index !== last || !typingLastTerm)) term.prefix = null;
  });
  clauses = clauses.slice(0, MAX_CLAUSES);
  return clauses;
}

function termClauses(text) {
  const tokens = tokenize(text);
  const clauses = [];
  tokens.forEach((token, index) => {
    if (token.kind === PART) return;
    const written = text.slice(token.start, token.end);
    const folded = token.kind === WORD ? fold(written) : token.term;
    const length = Array.from(folded).length;
    const maxTypos = token.kind === CJK ? 0 : length >= 9 ? 2 : length >= 5 ? 1 : 0;
    const clause = { term: token.term, prefix: length >= 2 ? folded : null, maxTypos };
    if (token.kind !== IDENTIFIER) {
      clauses.push({ type: "term", term: clause });
      return;
    }
    const parts = [];
    for (const part of tokens.slice(index + 1)) {
      if (part.kind !== PART || part.end > token.end) break;
      parts.push([part.term, part.position - token.position]);
    }
    clauses.push({ type: "identifier", whole: clause, parts });
  });
  return clauses;
}

function phraseClause(text) {
  const tokens = tokenize(text).filter((token) => token.kind !== IDENTIFIER);
  if (tokens.length === 0) return null;
  if (tokens.length === 1) return { type: "term", term: { term: tokens[0].term, prefix: null, maxTypos: 0 } };
  const first = tokens[0].position;
  return { type: "phrase", terms: tokens.map((token) => [token.term, token.position - first]) };
}

const typoStem = (term) => Array.from(term).slice(0, 2).join("");
const MAX_CHAR = String.fromCodePoint(0x10ffff);

/** How many term shards a prefix or a typo range may read; see MAX_RANGE_SHARDS in search/src/query.rs. */
export const MAX_RANGE_SHARDS = 2;

/** The `[low, high, kind, term]` term ranges a query looks at; kind is "exact", "prefix" or "typos". */
function termRanges(clauses) {
  const ranges = [];
  const exact = (term) => ranges.push([term, term, "exact"]);
  const prefix = (text) => ranges.push([text, text + MAX_CHAR, "prefix"]);
  const termClause = (term) => {
    exact(term.term);
    if (term.prefix !== null) prefix(term.prefix);
    if (term.maxTypos > 0) ranges.push([typoStem(term.term), typoStem(term.term) + MAX_CHAR, "typos", term.term]);
  };
  for (const clause of clauses) {
    if (clause.type === "term") {
      termClause(clause.term);
    } else if (clause.type === "phrase") {
      for (const [term] of clause.terms) exact(term);
    } else {
      exact(clause.whole.term);
      if (clause.whole.prefix !== null) prefix(clause.whole.prefix);
      for (const [term] of clause.parts) exact(term);
    }
  }
  return ranges;
}

/** Indexes of the shards holding terms of `[low, high]`: the one holding `low`, and every later one starting within. */
function shardsOf(low, high, shards) {
  let count = 0;
  while (count < shards.length && compareTerms(shards[count].first, low) <= 0) count++;
  const first = Math.max(0, count - 1);
  const indexes = [];
  for (let index = first; index < shards.length; index++) {
    if (index > first && compareTerms(shards[index].first, high) > 0) break;
    indexes.push(index);
  }
  return indexes;
}

/**
 * Indexes (in the manifest's order) of the term shards the query needs. A prefix range keeps its first
 * MAX_RANGE_SHARDS shards; a typo range is narrowed to the shortest prefix of the term (2 characters
 * or more) whose terms fit in as many, or dropped.
 */
export function shardsNeeded(clauses, manifest) {
  const needed = new Set();
  const shards = manifest.shards;
  for (const [low, high, kind, term] of termRanges(clauses)) {
    let indexes = [];
    if (kind === "exact") {
      indexes = shardsOf(low, high, shards);
    } else if (kind === "prefix") {
      indexes = shardsOf(low, high, shards).slice(0, MAX_RANGE_SHARDS);
    } else {
      const chars = Array.from(term);
      for (let length = 2; length <= chars.length; length++) {
        const stem = chars.slice(0, length).join("");
        const found = shardsOf(stem, stem + MAX_CHAR, shards);
        if (found.length <= MAX_RANGE_SHARDS) {
          indexes = found;
          break;
        }
      }
    }
    for (const index of indexes) needed.add(index);
  }
  return [...needed].sort((a, b) => a - b);
}

/** The terms of the shards a query loaded: shards are disjoint and ordered, so their keys concatenate. */
class LoadedTerms {
  constructor(shards) {
    this.maps = shards.map((shard) => shard.terms);
    this.keys = shards.flatMap((shard) => shard.sortedKeys);
  }

  get(term) {
    for (const map of this.maps) {
      const postings = map.get(term);
      if (postings) return postings;
    }
    return null;
  }

  *withPrefix(prefix) {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareTerms(this.keys[middle], prefix) < 0) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < this.keys.length && this.keys[i].startsWith(prefix); i++) {
      yield [this.keys[i], this.get(this.keys[i])];
    }
  }
}

/** Optimal string alignment distance over code points, as strsim's `osa_distance`. */
function osaDistance(a, b) {
  const x = Array.from(a);
  const y = Array.from(b);
  let twoAgo = new Array(y.length + 1).fill(0);
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) value = Math.min(value, twoAgo[j - 2] + 1);
      current.push(value);
    }
    twoAgo = previous;
    previous = current;
  }
  return previous[y.length];
}

/** The index terms a term clause stands for, each with how much it counts. */
function expand(clause, terms) {
  const expanded = new Map();
  if (terms.get(clause.term)) expanded.set(clause.term, 1);
  if (clause.prefix !== null) {
    const completions = [...terms.withPrefix(clause.prefix)].map(([term, postings]) => [term, postings.length]);
    completions.sort((a, b) => b[1] - a[1] || compareTerms(a[0], b[0]));
    for (const [term] of completions.slice(0, MAX_PREFIX_TERMS)) {
      if (!expanded.has(term)) expanded.set(term, PREFIX_QUALITY);
    }
  }
  if (clause.maxTypos > 0) {
    const length = Array.from(clause.term).length;
    for (const [term] of terms.withPrefix(typoStem(clause.term))) {
      if (expanded.has(term) || Math.abs(Array.from(term).length - length) > clause.maxTypos) continue;
      const distance = osaDistance(term, clause.term);
      if (distance === 1) expanded.set(term, ONE_TYPO_QUALITY);
      else if (distance === 2 && clause.maxTypos >= 2) expanded.set(term, TWO_TYPOS_QUALITY);
    }
  }
  return expanded;
}

const key = (page, section) => page * 0x100000000 + section;

class Scorer {
  constructor(manifest) {
    this.sections = f32(Math.max(manifest.sections, 1));
    this.averageLength = f32(Math.max(manifest.average_length, 1));
  }

  idf(postings) {
    return Math.max(f32(Math.log(f32(1 + f32(f32(this.sections - postings + 0.5) / (postings + 0.5))))), f32(0.01));
  }

  /**
   * A posting's score `{ inPage, inSection }`: the title's part counts for the page only, not for the
   * rank of section 0 among the page's sections (as Scorer::posting in search/src/query.rs).
   */
  posting(idf, [page, section, headCount, length, ...positions]) {
    void page;
    const head = headCount;
    const body = Math.max(0, positions.length - headCount);
    const saturate = (tf, norm) => (tf === 0 ? 0 : f32(f32(tf * f32(K1 + 1)) / f32(tf + norm)));
    const bodyNorm = f32(f32(K1) * f32(f32(1 - f32(B)) + f32(f32(f32(B) * length) / this.averageLength)));
    const bodyPart = f32(BODY_WEIGHT * saturate(body, bodyNorm));
    if (section === 0) {
      return {
        inPage: f32(idf * f32(f32(TITLE_WEIGHT * saturate(head, f32(K1))) + bodyPart)),
        inSection: f32(idf * f32(0 + bodyPart)),
      };
    }
    const score = f32(idf * f32(f32(HEADING_WEIGHT * saturate(head, f32(K1))) + bodyPart));
    return { inPage: score, inSection: score };
  }

  termClause(clause, terms) {
    const scores = new Map();
    for (const [term, quality] of expand(clause, terms)) {
      const postings = terms.get(term) ?? [];
      const idf = this.idf(postings.length);
      for (const posting of postings) {
        if (posting.length < 4) continue;
        const { inPage, inSection } = this.posting(idf, posting);
        const score = { inPage: f32(f32(quality) * inPage), inSection: f32(f32(quality) * inSection) };
        const at = key(posting[0], posting[1]);
        scores.set(at, better(scores.get(at), score));
      }
    }
    return scores;
  }

  phraseClause(phrase, terms) {
    const byTerm = phrase.map(([term]) => {
      const postings = terms.get(term) ?? [];
      const views = new Map();
      for (const posting of postings) if (posting.length >= 4) views.set(key(posting[0], posting[1]), posting);
      return { views, idf: this.idf(postings.length) };
    });
    const scores = new Map();
    if (byTerm.length === 0) return scores;
    const [first, ...rest] = byTerm;
    for (const [at, posting] of first.views) {
      const found = [posting];
      let complete = true;
      for (const { views } of rest) {
        const view = views.get(at);
        if (!view) {
          complete = false;
          break;
        }
        found.push(view);
      }
      if (!complete) continue;
      const occurs = posting.slice(4).some((start) =>
        phrase.every(([, offset], i) => found[i] && binaryIncludes(found[i], 4, start + offset)),
      );
      if (!occurs) continue;
      const score = { inPage: 0, inSection: 0 };
      found.forEach((view, i) => {
        const { inPage, inSection } = this.posting(byTerm[i].idf, view);
        score.inPage = f32(score.inPage + inPage);
        score.inSection = f32(score.inSection + inSection);
      });
      scores.set(at, score);
    }
    return scores;
  }
}

/** The higher of two scores by their page part; the first when equal, or the second when there is no first. */
function better(score, other) {
  if (!score) return other.inPage > 0 ? other : { inPage: 0, inSection: 0 };
  return other.inPage > score.inPage ? other : score;
}

function binaryIncludes(array, from, value) {
  let low = from;
  let high = array.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (array[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low < array.length && array[low] === value;
}

/** Sorted entries of a score map, by (page, section), as Rust's BTreeMap iterates them. */
const sortedEntries = (map) => [...map].sort((a, b) => a[0] - b[0]);

/** Scores the loaded postings into at most `limit` page hits, best first. */
function scorePages(clauses, manifest, terms, limit) {
  const scorer = new Scorer(manifest);
  const clauseScores = clauses.map((clause) => {
    if (clause.type === "term") return scorer.termClause(clause.term, terms);
    if (clause.type === "phrase") return scorer.phraseClause(clause.terms, terms);
    const scores = scorer.termClause(clause.whole, terms);
    for (const [at, score] of scorer.phraseClause(clause.parts, terms)) {
      scores.set(at, better(scores.get(at), score));
    }
    return scores;
  });
  const matched = new Set();
  for (const clause of clauses) {
    if (clause.type === "term") for (const term of expand(clause.term, terms).keys()) matched.add(term);
    else if (clause.type === "phrase") for (const [term] of clause.terms) matched.add(term);
    else {
      for (const term of expand(clause.whole, terms).keys()) matched.add(term);
      for (const [term] of clause.parts) matched.add(term);
    }
  }

  const pages = new Map();
  const tally = (page) => {
    if (!pages.has(page)) pages.set(page, { clauses: 0, score: 0, sections: new Map() });
    return pages.get(page);
  };
  for (const scores of clauseScores) {
    const bestInPage = new Map();
    for (const [at, score] of sortedEntries(scores)) {
      const page = Math.floor(at / 0x100000000);
      const section = at % 0x100000000;
      const entry = tally(page);
      entry.sections.set(section, f32((entry.sections.get(section) ?? 0) + score.inSection));
      bestInPage.set(page, Math.max(bestInPage.get(page) ?? 0, score.inPage));
    }
    for (const [page, best] of [...bestInPage].sort((a, b) => a[0] - b[0])) {
      const entry = tally(page);
      entry.clauses += 1;
      entry.score = f32(entry.score + best);
    }
  }
  let hits = [...pages].map(([page, entry]) => ({
    page,
    score: entry.score,
    clauses: entry.clauses,
    sections: [...entry.sections]
      .map(([section, score]) => ({ section, score }))
      .sort((a, b) => b.score - a.score || a.section - b.section)
      .slice(0, MAX_SECTIONS_PER_PAGE),
    terms: [...matched],
  }));
  hits.sort((a, b) => b.clauses - a.clauses || b.score - a.score || a.page - b.page);
  if (hits.length > 0) hits = hits.filter((hit) => hit.clauses === hits[0].clauses);
  return hits.slice(0, limit);
}

// --- Excerpts ---------------------------------------------------------------------------------------

const escapeHtml = (text) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char],
  );

/** Tokens of section texts already excerpted: typing refines a query over the same sections. */
const SECTION_CACHE_ENTRIES = 500;
const sectionTokenCache = new Map();

function sectionTokens(text) {
  let tokens = sectionTokenCache.get(text);
  if (!tokens) {
    tokens = tokenize(text);
    if (sectionTokenCache.size >= SECTION_CACHE_ENTRIES) sectionTokenCache.clear();
    sectionTokenCache.set(text, tokens);
  }
  return tokens;
}

/**
 * An excerpt of `text` around the place with the most of `terms`, as parts `{ text, marked }` (the
 * dialog builds nodes from them) and as HTML (for comparing with the Rust excerpt).
 */
export function excerpt(text, terms, maxLength = EXCERPT_LENGTH) {
  const wanted = new Set(terms);
  const matches = wanted.size === 0 ? [] : sectionTokens(text).filter((token) => wanted.has(token.term));
  let best = null;
  matches.forEach((match, i) => {
    const distinct = new Set();
    for (const other of matches.slice(i)) {
      if (other.end > match.start + maxLength) break;
      distinct.add(other.term);
    }
    if (best === null || distinct.size > best.count) best = { count: distinct.size, start: match.start };
  });
  const firstMatch = best?.start ?? 0;
  let start = Math.max(0, firstMatch - EXCERPT_LEAD);
  if (start > 0) {
    const space = text.slice(start, firstMatch).search(/\s/);
    if (space >= 0) start += space;
    start += text.slice(start).length - text.slice(start).trimStart().length;
  }
  let end = Math.min(text.length, start + maxLength);
  if (end < text.length) {
    const cut = text.slice(start, end).search(/\s\S*$/);
    if (cut >= 0 && start + cut > firstMatch) end = start + cut;
  }
  const marks = [];
  for (const match of matches.filter((m) => m.start >= start && m.end <= end).sort((a, b) => a.start - b.start || a.end - b.end)) {
    const last = marks[marks.length - 1];
    if (last && match.start <= last.end) last.end = Math.max(last.end, match.end);
    else marks.push({ start: match.start, end: match.end });
  }
  const parts = [];
  const collapse = (piece) => piece.replace(/\s+/g, " ");
  let cursor = start;
  for (const mark of marks) {
    parts.push({ text: collapse(text.slice(cursor, mark.start)), marked: false });
    parts.push({ text: collapse(text.slice(mark.start, mark.end)), marked: true });
    cursor = mark.end;
  }
  parts.push({ text: collapse(text.slice(cursor, end)).trimEnd(), marked: false });
  if (start > 0) parts.unshift({ text: "…", marked: false });
  if (end < text.length) parts.push({ text: "…", marked: false });
  const kept = parts.filter((part) => part.text !== "");
  const html = kept.map((part) => (part.marked ? `<mark>${escapeHtml(part.text)}</mark>` : escapeHtml(part.text))).join("");
  return { parts: kept, html };
}

// --- The index --------------------------------------------------------------------------------------

/**
 * A search index read through `readJson(name)` (a file name relative to the manifest's folder to its
 * parsed JSON, a promise). Files are read once and kept: shards and fragments are content-hashed.
 */
export class SearchIndex {
  constructor(readJson) {
    this.readJson = readJson;
    this.files = new Map();
    this.shards = new Map();
    this.manifest = null;
  }

  read(name) {
    if (!this.files.has(name)) {
      const loading = this.readJson(name);
      this.files.set(name, loading);
      loading.catch(() => this.files.delete(name));
    }
    return this.files.get(name);
  }

  async loadManifest() {
    if (!this.manifest) {
      const manifest = await this.read("manifest.json");
      if (manifest?.version !== FORMAT_VERSION) {
        this.files.delete("manifest.json");
        throw new Error(`the search index has format version ${manifest?.version}, this reader knows ${FORMAT_VERSION}`);
      }
      this.manifest = manifest;
    }
    return this.manifest;
  }

  /** A term shard as a map and its terms in order, made once per file. */
  shard(name) {
    if (!this.shards.has(name)) {
      const parsing = this.read(name).then((json) => {
        const terms = new Map(Object.entries(json));
        return { terms, sortedKeys: [...terms.keys()].sort(compareTerms) };
      });
      this.shards.set(name, parsing);
      parsing.catch(() => this.shards.delete(name));
    }
    return this.shards.get(name);
  }

  /**
   * Forgets the manifest, so the next search reads it again: the index changed (a save in the preview,
   * a new deploy). Term shards and fragment files are named by their contents and stay valid.
   */
  forgetManifest() {
    this.manifest = null;
    this.files.delete("manifest.json");
  }

  /**
   * Searches for `input`: at most `limit` pages `{ url, title, score, sections: [{ url, heading, trail,
   * excerpt: { parts, html } }] }`, best first, and `terms`, the index terms the query reached.
   */
  async search(input, limit = 10) {
    const hadManifest = this.manifest !== null;
    try {
      return await this.searchOnce(input, limit);
    } catch (error) {
      // A file the kept manifest names may be gone after a deploy: read the manifest again, once.
      if (!hadManifest) throw error;
      this.forgetManifest();
      return this.searchOnce(input, limit);
    }
  }

  async searchOnce(input, limit) {
    const clauses = parseQuery(input);
    if (clauses.length === 0) return { results: [], terms: [] };
    const manifest = await this.loadManifest();
    const shardFiles = shardsNeeded(clauses, manifest).map((index) => manifest.shards[index].file);
    const shards = await Promise.all(shardFiles.map((file) => this.shard(file)));
    const hits = scorePages(clauses, manifest, new LoadedTerms(shards), limit);
    const fragmentIndexes = new Set();
    for (const hit of hits) {
      let count = 0;
      while (count < manifest.fragments.length && manifest.fragments[count].first_page <= hit.page) count++;
      if (count > 0) fragmentIndexes.add(count - 1);
    }
    const pages = new Map();
    const files = await Promise.all([...fragmentIndexes].sort((a, b) => a - b).map((i) => this.read(manifest.fragments[i].file)));
    for (const file of files) file.pages.forEach((page, i) => pages.set(file.first_page + i, page));
    const results = [];
    for (const hit of hits) {
      const page = pages.get(hit.page);
      if (!page) continue;
      const sections = [];
      for (const { section: number } of hit.sections) {
        const section = page.sections[number];
        if (!section) continue;
        const anchored = section.anchor !== "";
        sections.push({
          url: anchored ? `${page.url}#${section.anchor}` : page.url,
          heading: anchored ? section.heading : page.title,
          trail: section.trail,
          excerpt: excerpt(section.text, hit.terms),
        });
      }
      results.push({ url: page.url, title: page.title, score: hit.score, sections });
    }
    return { results, terms: hits[0]?.terms ?? [] };
  }
}
