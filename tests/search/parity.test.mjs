// The browser's search reader (themes/default/assets/search-engine.js) against the Rust engine
// (edgedocs-search, through its `search_folder` example): the same queries over the same built index
// must give the same pages and sections in the same order, and every title, heading and section text of
// the site must tokenise to the same terms (tokeniser, folding and stemmer).
//
// Two indexes: the showcase site's (built first if missing) and the 160-page site of larger-site.mjs
// (several term shards).
//
//   EDGEDOCS_BIN      the edgedocs binary (default: target/debug/edgedocs, built with cargo if missing)
//   SEARCH_SITE_DIR   the built showcase site (default: public/)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { SearchIndex, tokenize } from "../../themes/default/assets/search-engine.js";
import { REPO, buildLargerSite, edgedocsBinary } from "./larger-site.mjs";

const SHOWCASE = resolve(REPO, process.env.SEARCH_SITE_DIR || "public");
const QUERIES = [
  "kv", "KV", "keyspace", "keyspace index", "the keyspace as an index", '"keyspace as an index"',
  '"as an index', "theme", "them", "th", "t", "pinned message", "pinned mesage", "pined", "preference",
  "preferences", "prefer", "expirationTtl", "expiration", "ttl", "KV.list", "list", "listing", "env.KV",
  "kv.put", "cache", "cachng", "configuration", "configura", "binding", "bindng name", "tenant flags",
  "tenant's", "why kv feels different", "worker", "workers", "edge", "edgedoc", "Crème brûlée", "東京",
  "search index shards", "sharded", "wasm32", "HTMLRewriter", "lol_html", "site.toml", "base_url",
  "content hashed", "\"content-hashed\"", "the", "a an the", "", "   ", "\"\"", "zzzzqx", "markdown twin",
  "llms.txt", "diagrams mermaid", "incremental", "preview serve", "fingerprinted", "stylesheet bundle",
  "SQLite WAL", "ภาษาไทย", "typo tolerence", "internationalization", "generously", "happily", "running", "agreed",
];

/**
 * Texts tokenised by both besides the sites' own: the stemmer's special cases (exceptions, the gener-,
 * commun- and arsen- prefixes, y/Y, short syllables, each step's suffixes), identifiers, folding, CJK and
 * odd input.
 */
const TEXTS = [
  "skis skies dying lying tying idly gently ugly early only singly sky news howe atlas cosmos bias andes",
  "inning innings outing canning herring earring proceed proceeded exceed exceeding succeed succeeded",
  "generate generously general communism communication arsenal arsenic",
  "yes youth boy boyish enjoying cry cried cries ties by say syzygy Yorkshire",
  "hoping hopping hop hope filing filling fizzed agreed feed bleed needly luxuriating troubled sized",
  "happily fluently logically sensational conditional valenci hesitanci digitizer conformabli radicalli",
  "differentli vileli analogousli vietnamization predication operator feudalism decisiveness hopefulness",
  "callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical",
  "hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible irritant",
  "replacement adjustment dependent adoption homologou communism activate angulariti homologous effective",
  "bowdlerize probate rate cease controll roll generously 'quoted' KV's kv’s don't o'clock",
  "expirationTtl KV.list env.KV.put std::fs::read max-age cache_ttl HTMLParser base64Encode __init__",
  "a...b a---b call list. Keys - values wait... what http2 utf8 v2 x86_64 3.14 1,000",
  "Crème BRÛLÉE ﬁle İstanbul Ǆǅǆ naïve café façade Ångström straße ΣΊΣΥΦΟΣ",
  "東京都に行く 字 KV 存储 カタカナ ｶﾀｶﾅ 한국어 𠀋𠀌 ไทย עברית",
  "ภาษาไทย ที่นี่ ๑๒๓ ພາສາລາວ ភាសាខ្មែរ မြန်မာ العربية हिन्दी Русский язык",
  "👩‍👩‍👧 a\u0301 ::: ___ ... --- -_- \u00ad soft\u00adhyphen zero\u200bwidth",
];

const harness = {};


/** Both engines' answers for one index folder. */
async function compare(folder) {
  const queriesFile = join(harness.temp, "queries.txt");
  writeFileSync(queriesFile, QUERIES.join("\n") + "\n");
  const textsFile = join(harness.temp, "texts.txt");
  writeFileSync(textsFile, TEXTS.join("\n") + "\n");
  const output = execFileSync(
    "cargo",
    ["run", "-q", "-p", "edgedocs-search", "--locked", "--example", "search_folder", "--", folder, queriesFile, textsFile],
    { cwd: REPO, maxBuffer: 256 * 1024 * 1024 },
  );
  const expected = JSON.parse(output);
  const index = new SearchIndex(async (name) => JSON.parse(readFileSync(join(folder, name), "utf8")));
  return { expected, index };
}

const shape = (results) => results.map((page) => ({ url: page.url, sections: page.sections.map((section) => section.url) }));

before(() => {
  harness.temp = mkdtempSync(join(tmpdir(), "edgedocs-parity-"));
  const binary = edgedocsBinary();
  if (!existsSync(join(SHOWCASE, "search/manifest.json"))) {
    execFileSync(binary, ["build", "--output", SHOWCASE], { cwd: REPO, stdio: "inherit" });
  }
  harness.larger = buildLargerSite(join(harness.temp, "site"));
});
after(() => harness.temp && rmSync(harness.temp, { recursive: true, force: true }));

for (const [name, folder] of [
  ["the showcase site", () => join(SHOWCASE, "search")],
  ["a larger site with several shards", () => join(harness.larger, "public/search")],
]) {
  describe(name, () => {
    test("every text tokenises to the same terms", async () => {
      const { expected } = await compare(folder());
      assert.ok(expected.texts.length > TEXTS.length + 10);
      assert.deepEqual(expected.texts.slice(-TEXTS.length).map(({ text }) => text), TEXTS, "the chosen texts were tokenised");
      for (const { text, terms } of expected.texts) {
        assert.deepEqual(tokenize(text).map((token) => token.term), terms, text);
      }
    });

    test("every query finds the same pages and sections in the same order", async () => {
      const { expected, index } = await compare(folder());
      let found = 0;
      for (const { query, results } of expected.queries) {
        const actual = await index.search(query, 10);
        assert.deepEqual(shape(actual.results), shape(results), `query ${JSON.stringify(query)}`);
        for (const [i, page] of results.entries()) {
          for (const [j, section] of page.sections.entries()) {
            const ours = actual.results[i].sections[j].excerpt.html;
            // Excerpt windows are cut in bytes in Rust and in UTF-16 units here; the marks must agree.
            const marks = (html) => [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);
            if (section.excerpt.length < 150) assert.deepEqual(marks(ours), marks(section.excerpt), `${query}: ${section.url}`);
          }
        }
        found += results.length;
      }
      assert.ok(found > 20, `the queries found only ${found} pages`);
    });

    test("fewer pages are the first of more: the dialog asks for more by searching again", async () => {
      const { expected, index } = await compare(folder());
      for (const { query } of expected.queries) {
        const [five, ten] = [await index.search(query, 5), await index.search(query, 10)];
        assert.deepEqual(shape(five.results), shape(ten.results).slice(0, 5), query);
      }
    });
  });
}

test("the larger site has several term shards, so shard selection is exercised", () => {
  const manifest = JSON.parse(readFileSync(join(harness.larger, "public/search/manifest.json"), "utf8"));
  assert.ok(manifest.shards.length >= 3, `${manifest.shards.length} shards`);
});
