// Save-to-browser latency of `edgedocs serve`: how long from saving one page's Markdown until the open
// tab's new document has the new text (its DOMContentLoaded, in headless Chromium). Loopback only,
// bounded in iterations and time. Run through preview-bench.sh, which builds the binary and the corpus.
//
//   node bench/preview-bench.mjs --site DIR --bin PATH [--page content/...md] [--iterations 60]
//                                [--save inplace|rename] [--max-seconds 300]
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, launchBrowser, startServer } from "../tests/preview/harness.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[index + 1]]);
    return pairs;
  }, []),
);
const site = args.site;
const iterations = Number(args.iterations || 60);
const maxSeconds = Number(args["max-seconds"] || 300);
const save = args.save || "inplace";
if (!site || !args.bin) {
  console.error("usage: node bench/preview-bench.mjs --site DIR --bin PATH [--page FILE] [--iterations N]");
  process.exit(2);
}

/** The URL path of a corpus page: content/storage/kv/read-values.md -> /storage/kv/read-values/. */
function urlPath(source) {
  return "/" + source.replace(/^content\//, "").replace(/\.md$/, "/");
}

const page_source = args.page || "content/storage/alerts/validate-default-filters.md";
const sourcePath = join(site, page_source);
const original = await readFile(sourcePath, "utf8");
const bodyStart = original.indexOf("+++", 3) + 4;

async function saveWithMarker(marker) {
  const text = `${original.slice(0, bodyStart)}\n${marker}\n${original.slice(bodyStart)}`;
  if (save === "rename") {
    // What many editors do: write a temporary file beside it, then rename it over the page.
    const temporary = join(site, page_source.replace(/[^/]+$/, ".bench-save.tmp"));
    await writeFile(temporary, text);
    await rename(temporary, sourcePath);
  } else {
    await writeFile(sourcePath, text);
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const port = await freePort();
const startedServer = performance.now();
const server = await startServer(site, port, { timeoutMs: 300_000, bin: args.bin });
console.log(`server up after ${Math.round(performance.now() - startedServer)} ms (first build included)`);
let browser = null;
const latencies = [];
const serverTimes = [];
const phases = [];
const parsedLatencies = [];
try {
  browser = await launchBrowser();
  const context = await browser.newContext();
  await context.addInitScript(() => {
    // When the parser puts the edited paragraph into the DOM (before scripts and DOMContentLoaded).
    const watcher = new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) {
          if (node.textContent && node.textContent.includes("Preview benchmark edit")) {
            window.__parsedAt = performance.timeOrigin + performance.now();
            watcher.disconnect();
            return;
          }
        }
      }
    });
    watcher.observe(document, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", () => {
      window.__contentAt = performance.timeOrigin + performance.now();
      const [navigation] = performance.getEntriesByType("navigation");
      window.__navigation = {
        startedAt: performance.timeOrigin,
        responseEnd: navigation ? navigation.responseEnd : 0,
      };
    });
  });
  const page = await context.newPage();
  const url = `${server.url}${urlPath(page_source)}`;
  const response = await page.goto(url, { waitUntil: "load", timeout: 60_000 });
  if (response.status() !== 200) throw new Error(`GET ${url}: ${response.status()}`);
  await sleep(500);

  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < iterations && performance.now() < deadline; i++) {
    const marker = `Preview benchmark edit ${i} ${Date.now()}.`;
    const loaded = page.waitForEvent("domcontentloaded", { timeout: 10_000 });
    const outputBefore = server.output().length;
    const savedAt = performance.timeOrigin + performance.now();
    await saveWithMarker(marker);
    await loaded;
    const { contentAt, parsedAt, navigation, shows } = await page.evaluate(
      (text) => ({
        contentAt: window.__contentAt,
        parsedAt: window.__parsedAt,
        navigation: window.__navigation,
        shows: document.body.innerText.includes(text),
      }),
      marker,
    );
    if (!shows) throw new Error(`iteration ${i}: the reloaded page lacks the new text`);
    latencies.push(contentAt - savedAt);
    parsedLatencies.push(parsedAt - savedAt);
    // Where the time went: until the tab started reloading (watcher, rebuild, message), until the
    // HTML arrived, and until the new document was parsed.
    phases.push([navigation.startedAt - savedAt, navigation.responseEnd, contentAt - navigation.startedAt]);
    const rebuilt = /Rebuilt [^\n]* in (\d+) ms/.exec(server.output().slice(outputBefore));
    if (rebuilt) serverTimes.push(Number(rebuilt[1]));
    await sleep(200);
  }
} finally {
  await writeFile(sourcePath, original);
  await browser?.close();
  await server.stop();
}

const sorted = [...latencies].sort((a, b) => a - b);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(`page: ${urlPath(page_source)}, saves: ${save}, samples: ${sorted.length}`);
console.log(
  `save -> new content in the tab (DOMContentLoaded): p50 ${fmt(percentile(sorted, 50))}, ` +
    `p90 ${fmt(percentile(sorted, 90))}, p99 ${fmt(percentile(sorted, 99))}, max ${fmt(sorted[sorted.length - 1])}`,
);
const parsed = [...parsedLatencies].sort((a, b) => a - b);
console.log(
  `save -> new text parsed into the tab's DOM: p50 ${fmt(percentile(parsed, 50))}, ` +
    `p90 ${fmt(percentile(parsed, 90))}, p99 ${fmt(percentile(parsed, 99))}`,
);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `medians: save -> reload starts ${fmt(median(phases.map((p) => p[0])))}, ` +
    `reload -> HTML received ${fmt(median(phases.map((p) => p[1])))}, ` +
    `reload -> DOMContentLoaded ${fmt(median(phases.map((p) => p[2])))}`,
);
if (serverTimes.length) {
  const serverSorted = serverTimes.sort((a, b) => a - b);
  console.log(`rebuild of the page in the server: p50 ${percentile(serverSorted, 50)} ms, max ${serverSorted[serverSorted.length - 1]} ms`);
}
