// Ranks a relevance set with both engines on one built site (edgedocs' index under search/, Pagefind's
// under pagefind/), in headless Chromium, and prints MRR and top-1 as JSON.
//
//   node relevance.mjs <site-dir> <set.tsv>
//
// The set: one query a line, `query<TAB>expected`, where `expected` is the URL of the best result, a
// page (`/ch04-01-what-is-ownership/`) or a section of it (`...#the-stack-and-the-heap`); `#` lines are
// comments. Each engine's first 10 pages count, in their order:
//
// - page level: the rank of the expected page among the result pages;
// - section level: the rank of the expected URL among the result sections as each engine's own UI
//   lists them: edgedocs' sections (up to three a page, the dialog shows them all); for Pagefind the
//   page's sub-results that its default UI shows (the three with the most matched words, kept in page
//   order). A page expectation matches any section of that page.
//
// MRR is the mean of 1/rank (0 when the expected result is not in the list).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { launchOptions } from "../../tests/chromium.mjs";
import { serveSite } from "./site-server.mjs";

const { chromium } = createRequire(new URL("../../package.json", import.meta.url))("playwright-core");

const [siteDir, setFile] = process.argv.slice(2);
if (!siteDir || !setFile) {
  console.error("usage: node relevance.mjs <site-dir> <set.tsv>");
  process.exit(2);
}

/** Pages read from each engine per query. */
const PAGES = 10;
/** Pagefind's default UI shows this many sub-results a page. */
const PAGEFIND_SUB_RESULTS = 3;

const set = (await readFile(setFile, "utf8"))
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"))
  .map((line, i) => {
    const [query, expected] = line.split("\t");
    if (!query || !expected?.startsWith("/")) throw new Error(`${setFile}: entry ${i + 1} is not "query<TAB>/url": ${line}`);
    return { query, expected: expected.trim() };
  });

/** `/a/index.html#x` and `/a/#x` are the same result; the page is the part before `#`. */
function normalise(url) {
  const parsed = new URL(url, "http://site");
  const path = parsed.pathname.replace(/index\.html$/, "");
  return path + parsed.hash;
}

/** The 1-based rank of `expected` in `urls`, or 0; a page URL matches every section of that page. */
function rankOf(expected, urls) {
  const anchored = expected.includes("#");
  const index = urls.findIndex((url) => (anchored ? url === expected : url.split("#")[0] === expected));
  return index + 1;
}

function score(ranks) {
  const mrr = ranks.reduce((sum, rank) => sum + (rank > 0 ? 1 / rank : 0), 0) / ranks.length;
  const top1 = ranks.filter((rank) => rank === 1).length / ranks.length;
  return { mrr, top1 };
}

const site = await serveSite(siteDir);
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  await page.goto(site.url + "/", { waitUntil: "networkidle" });
  const answers = await page.evaluate(
    async ([queries, pages, subResults]) => {
      const form = document.querySelector("form[data-search]");
      const engine = await import(form.dataset.searchEngine);
      const manifest = new URL(form.dataset.searchManifest, document.baseURI);
      const index = new engine.SearchIndex(async (name) => (await fetch(new URL(name, manifest))).json());
      const pagefind = await import("/pagefind/pagefind.js");
      await pagefind.init();
      const out = [];
      for (const query of queries) {
        const ours = (await index.search(query, pages)).results;
        const theirs = await Promise.all((await pagefind.search(query)).results.slice(0, pages).map((r) => r.data()));
        const shown = (subs) => {
          const top = new Set(
            [...subs].sort((a, b) => b.locations.length - a.locations.length).slice(0, subResults).map((sub) => sub.url),
          );
          return subs.filter((sub) => top.has(sub.url)).map((sub) => sub.url);
        };
        out.push({
          edgedocs: {
            pages: ours.map((result) => result.url),
            sections: ours.flatMap((result) => result.sections.map((section) => section.url)),
          },
          pagefind: {
            pages: theirs.map((result) => result.url),
            sections: theirs.flatMap((result) => {
              const subs = shown(result.sub_results || []);
              return subs.length > 0 ? subs : [result.url];
            }),
          },
        });
      }
      return out;
    },
    [set.map((entry) => entry.query), PAGES, PAGEFIND_SUB_RESULTS],
  );
  const queries = set.map((entry, i) => {
    const row = { query: entry.query, expected: entry.expected };
    for (const engine of ["edgedocs", "pagefind"]) {
      const pages = answers[i][engine].pages.map(normalise);
      const sections = answers[i][engine].sections.map(normalise);
      row[engine] = {
        page: rankOf(entry.expected.split("#")[0], pages),
        section: rankOf(entry.expected, sections),
        top: sections[0] ?? null,
      };
    }
    return row;
  });
  const result = { queries };
  for (const engine of ["edgedocs", "pagefind"]) {
    result[engine] = {
      page: score(queries.map((row) => row[engine].page)),
      section: score(queries.map((row) => row[engine].section)),
    };
  }
  console.log(JSON.stringify(result, null, 1));
} finally {
  await browser.close();
  await site.close();
}
