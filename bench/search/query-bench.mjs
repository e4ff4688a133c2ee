// Queries one built site with both engines in headless Chromium, side by side: edgedocs through the
// default theme's search dialog (Ctrl-K, then typing into its input), Pagefind through its JS API
// (`pagefind.js`: init, search, then `data()` of the first five results, what Pagefind's own UI loads
// first). For each engine it records the network bytes of the first query (everything search loads:
// scripts, the wasm, the manifest, shards, fragments) and of each of the next queries, and the latency
// of each query (edgedocs: from the input event to the results in the listbox; Pagefind: from
// `search()` to the five results' data). Prints one JSON object.
//
//   node query-bench.mjs <site-dir> <queries-file> [page-path]
//
// The site is served by a small static server (no compression, no HTTP cache: every byte a query needs
// is fetched once per engine and kept by the engine itself). The gzip sizes are of the same bodies, as a
// compressing host would send them; Pagefind's index files are gzipped already.
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { launchOptions } from "../../tests/chromium.mjs";
import { percentile, serveSite } from "./site-server.mjs";

// playwright-core lives in the repository's root node_modules/.
const { chromium } = createRequire(new URL("../../package.json", import.meta.url))("playwright-core");

const [siteDir, queriesFile, pagePath = "/"] = process.argv.slice(2);
if (!siteDir || !queriesFile) {
  console.error("usage: node query-bench.mjs <site-dir> <queries-file> [page-path]");
  process.exit(2);
}
const queries = (await readFile(queriesFile, "utf8"))
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));

/** Results shown at first by both: the dialog's first page of results, Pagefind UI's page size. */
const FIRST_RESULTS = 5;

/** A page that records what it fetches; `take()` returns the bytes since the last call. */
async function recordingPage(browser, url) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  let log = [];
  const reading = new Set();
  page.on("requestfinished", (request) => {
    const read = (async () => {
      const response = await request.response();
      const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
      log.push({ url: request.url().slice(url.length), raw: body.length, gzip: Math.min(body.length, gzipSync(body).length) });
    })();
    reading.add(read);
    read.finally(() => reading.delete(read));
  });
  return {
    page,
    async take() {
      // Bodies are read asynchronously: wait for every read before adding up.
      await new Promise((settle) => setTimeout(settle, 20));
      while (reading.size > 0) await Promise.all([...reading]);
      const taken = log;
      log = [];
      return {
        raw: taken.reduce((sum, entry) => sum + entry.raw, 0),
        gzip: taken.reduce((sum, entry) => sum + entry.gzip, 0),
        files: taken.map((entry) => entry.url),
      };
    },
  };
}

async function edgedocsRun(browser, site) {
  const { page, take } = await recordingPage(browser, site.url);
  await page.goto(site.url + pagePath, { waitUntil: "networkidle" });
  await take();
  await page.keyboard.press("Control+k");
  await page.locator("dialog.search-dialog .search-dialog__input").waitFor();
  const runs = [];
  for (const query of queries) {
    const elapsed = await page.evaluate(async (text) => {
      const input = document.querySelector(".search-dialog__input");
      const status = document.querySelector(".search-dialog__status");
      const done = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (/results? on|No results|could not/.test(status.textContent)) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(status, { childList: true, characterData: true, subtree: true });
      });
      status.textContent = "";
      const start = performance.now();
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      return (await done) - start;
    }, query);
    const results = await page.locator(".search-dialog__results [role=option]").count();
    runs.push({ query, ms: elapsed, results, ...(await take()) });
  }
  return runs;
}

async function pagefindRun(browser, site) {
  const { page, take } = await recordingPage(browser, site.url);
  await page.goto(site.url + pagePath, { waitUntil: "networkidle" });
  await take();
  const runs = [];
  for (const [i, query] of queries.entries()) {
    const result = await page.evaluate(
      async ([text, first, count]) => {
        const start = performance.now();
        if (first) {
          window.pagefind = await import("/pagefind/pagefind.js");
          await window.pagefind.init();
        }
        const search = await window.pagefind.search(text);
        await Promise.all(search.results.slice(0, count).map((result) => result.data()));
        return { ms: performance.now() - start, results: search.results.length };
      },
      [query, i === 0, FIRST_RESULTS],
    );
    runs.push({ query, ...result, ...(await take()) });
  }
  return runs;
}

function summary(runs) {
  const next = runs.slice(1);
  const warm = next.map((run) => run.ms);
  return {
    first_query: { query: runs[0].query, raw: runs[0].raw, gzip: runs[0].gzip, files: runs[0].files.length, ms: runs[0].ms },
    next_queries: next.length,
    next_median_raw: percentile(next.map((run) => run.raw), 50),
    next_median_gzip: percentile(next.map((run) => run.gzip), 50),
    next_total_gzip: next.reduce((sum, run) => sum + run.gzip, 0),
    latency_p50_ms: percentile(warm, 50),
    latency_p95_ms: percentile(warm, 95),
    no_results: runs.filter((run) => run.results === 0).map((run) => run.query),
  };
}

const site = await serveSite(siteDir);
const browser = await chromium.launch(launchOptions());
try {
  const edgedocs = await edgedocsRun(browser, site);
  const pagefind = await pagefindRun(browser, site);
  console.log(
    JSON.stringify({ page: pagePath, edgedocs: summary(edgedocs), pagefind: summary(pagefind), runs: { edgedocs, pagefind } }, null, 1),
  );
} finally {
  await browser.close();
  await site.close();
}
