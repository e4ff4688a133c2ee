// Measures the search dialog in headless Chromium on a built site: the JavaScript a page loads before
// the first keystroke, the bytes the first query and each of the next 20 fetch (from Chromium's
// network log; the test server does not compress, so gzip sizes are computed from the same bodies),
// and the latency from a query's input event to its results in the listbox (p50, p95).
//
//   node search-measure.mjs <site-dir> [page-path]        e.g. node search-measure.mjs ../../public /storage/kv/
//   QUERIES="a,b,c"   the 21 queries (default: words of the showcase site)
import { gzipSync } from "node:zlib";
import { launchBrowser } from "./browser.mjs";
import { startServer } from "./serve.mjs";

const [siteDir, path = "/"] = process.argv.slice(2);
if (!siteDir) {
  console.error("usage: node search-measure.mjs <site-dir> [page-path]");
  process.exit(2);
}
const queries = (
  process.env.QUERIES ||
  "keyspace index,kv,theme preference,pinned message,binding,env.KV,tenant flags,edge,cache,expiration," +
    "list keys,cloudflare,worker,json,cookie,handler,session,prefix,value,read,write"
).split(",");

const server = await startServer(siteDir);
const browser = await launchBrowser();
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const median = (values) => percentile(values, 50);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let log = [];
  // Bodies are read asynchronously: wait for every read before adding up a step's bytes.
  const reading = new Set();
  const settled = async () => {
    while (reading.size > 0) await Promise.all([...reading]);
  };
  page.on("requestfinished", (request) => {
    const read = record(request, log);
    reading.add(read);
    read.finally(() => reading.delete(read));
  });
  async function record(request, target) {
    const response = await request.response();
    const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    target.push({ url: request.url().replace(server.url, ""), type: request.resourceType(), raw: body.length, gzip: gzipSync(body).length });
  }
  await page.goto(server.url + path, { waitUntil: "networkidle" });
  await settled();
  const scripts = log.filter((entry) => entry.type === "script");
  const sum = (entries, key) => entries.reduce((total, entry) => total + entry[key], 0);
  console.log(`page ${path}: scripts before the first keystroke`);
  for (const entry of scripts) console.log(`  ${entry.url}  ${entry.raw} B (${entry.gzip} B gzipped)`);
  console.log(`  total ${sum(scripts, "raw")} B (${sum(scripts, "gzip")} B gzipped)`);

  log = [];
  await page.keyboard.press("Control+k");
  await page.locator("dialog.search-dialog").waitFor();
  await settled();
  const opening = log;
  console.log(`opening the dialog: ${sum(opening, "raw")} B (${sum(opening, "gzip")} B gzipped)`);
  for (const entry of opening) console.log(`  ${entry.url}  ${entry.raw} B (${entry.gzip} B gzipped)`);
  const latencies = [];
  const bytes = [];
  for (const [i, query] of queries.entries()) {
    log = [];
    const elapsed = await page.evaluate(async (text) => {
      const input = document.querySelector(".search-dialog__input");
      const listbox = document.querySelector(".search-dialog__results");
      const status = document.querySelector(".search-dialog__status");
      const done = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (/results? on|No results/.test(status.textContent)) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(status, { childList: true, characterData: true, subtree: true });
        observer.observe(listbox, { childList: true });
      });
      status.textContent = "";
      const start = performance.now();
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      return (await done) - start;
    }, query);
    await settled();
    latencies.push(elapsed);
    const fetched = { raw: sum(log, "raw"), gzip: sum(log, "gzip"), files: log.map((entry) => entry.url) };
    bytes.push(fetched);
    if (i === 0) {
      console.log(`first query ${JSON.stringify(query)}: ${fetched.raw} B (${fetched.gzip} B gzipped), ${elapsed.toFixed(1)} ms`);
      for (const entry of log) console.log(`  ${entry.url}  ${entry.raw} B (${entry.gzip} B gzipped)`);
    }
  }
  const next = bytes.slice(1);
  console.log(
    `next ${next.length} queries: median ${median(next.map((b) => b.raw))} B (${median(next.map((b) => b.gzip))} B gzipped), ` +
      `total ${sum(next, "raw")} B (${sum(next, "gzip")} B gzipped), files ${next.reduce((n, b) => n + b.files.length, 0)}`,
  );
  const warm = latencies.slice(1);
  console.log(
    `latency, input event to results: first ${latencies[0].toFixed(1)} ms; next ${warm.length}: ` +
      `p50 ${percentile(warm, 50).toFixed(1)} ms, p95 ${percentile(warm, 95).toFixed(1)} ms; all ${latencies.length}: ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
  );
} finally {
  await browser.close();
  await server.close();
}
