// Save-to-browser latency of `edgedocs serve`: how long from saving one page's Markdown until the new
// text is in the open tab's DOM (in headless Chromium), whether the tab updated in place or reloaded.
// A MutationObserver in every document the tab loads notes when a node with the new text is added;
// nothing in the product is shortened for the measurement. Loopback only, bounded in iterations and
// time. Run through preview-bench.sh, which builds the binary and the corpus.
//
//   node bench/preview-bench.mjs --site DIR --bin PATH [--page content/...md] [--iterations 60]
//                                [--save inplace|rename] [--max-seconds 300]
import { renameSync, writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
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

// Each save is synchronous system calls in a row, as an editor's save is. (Node's asynchronous file API
// hops through its thread pool between open, write and close; on a busy machine that once put 1.4 s
// between the truncating open and the write, which measured the benchmark, not the preview.)
function saveWithMarker(marker) {
  const text = `${original.slice(0, bodyStart)}\n${marker}\n${original.slice(bodyStart)}`;
  if (save === "rename") {
    // What many editors do: write a temporary file beside it, then rename it over the page.
    const temporary = join(site, page_source.replace(/[^/]+$/, ".bench-save.tmp"));
    writeFileSync(temporary, text);
    renameSync(temporary, sourcePath);
  } else {
    writeFileSync(sourcePath, text);
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
const messageDelays = [];
const saveTimes = [];
let navigations = 0;
try {
  browser = await launchBrowser();
  const context = await browser.newContext();
  const seen = new Map();
  // Called by the page (any document the tab loads) when a benchmark marker enters its DOM.
  await context.exposeBinding("__benchSeen", (_source, marker, at, messageAt) => {
    if (!seen.has(marker)) seen.set(marker, { at, messageAt });
  });
  await context.addInitScript(() => {
    // When the live-reload message reached this document (for the breakdown of in-place updates).
    let messageAt = null;
    const NativeWebSocket = window.WebSocket;
    window.WebSocket = class extends NativeWebSocket {
      constructor(...args) {
        super(...args);
        this.addEventListener("message", () => (messageAt = performance.timeOrigin + performance.now()));
      }
    };
    // When a node with a marker's text enters the DOM: parsed into a new document or swapped in.
    const pattern = /Preview benchmark edit \d+ \d+\./;
    new MutationObserver((mutations) => {
      const at = performance.timeOrigin + performance.now();
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) {
          const found = pattern.exec(node.textContent || "");
          if (found) window.__benchSeen(found[0], at, messageAt);
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  const url = `${server.url}${urlPath(page_source)}`;
  const response = await page.goto(url, { waitUntil: "load", timeout: 60_000 });
  if (response.status() !== 200) throw new Error(`GET ${url}: ${response.status()}`);
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  await sleep(500);

  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < iterations && performance.now() < deadline; i++) {
    const marker = `Preview benchmark edit ${i} ${Date.now()}.`;
    const outputBefore = server.output().length;
    const savedAt = performance.timeOrigin + performance.now();
    saveWithMarker(marker);
    saveTimes.push(performance.timeOrigin + performance.now() - savedAt);
    const until = Date.now() + 10_000;
    while (!seen.has(marker)) {
      if (Date.now() > until) throw new Error(`iteration ${i}: the new text did not reach the tab in 10 s`);
      await sleep(5);
    }
    const shows = await page.evaluate((text) => document.body.innerText.includes(text), marker);
    if (!shows) throw new Error(`iteration ${i}: the tab lacks the new text`);
    const { at, messageAt } = seen.get(marker);
    latencies.push(at - savedAt);
    if (messageAt && messageAt > savedAt) messageDelays.push([messageAt - savedAt, at - messageAt]);
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
console.log(`page: ${urlPath(page_source)}, saves: ${save}, samples: ${sorted.length}, tab navigations: ${navigations}`);
console.log(
  `save -> new text in the tab's DOM: p50 ${fmt(percentile(sorted, 50))}, ` +
    `p90 ${fmt(percentile(sorted, 90))}, p99 ${fmt(percentile(sorted, 99))}, max ${fmt(sorted[sorted.length - 1])}`,
);
if (messageDelays.length) {
  const phase = (index) => {
    const values = messageDelays.map((delays) => delays[index]).sort((a, b) => a - b);
    return `p50 ${fmt(percentile(values, 50))}, p90 ${fmt(percentile(values, 90))}, max ${fmt(values[values.length - 1])}`;
  };
  console.log(`in-place updates (${messageDelays.length}): save -> message in the tab ${phase(0)}`);
  console.log(`in-place updates (${messageDelays.length}): message -> new text in the DOM ${phase(1)}`);
}
const saveSorted = [...saveTimes].sort((a, b) => a - b);
console.log(`the save itself (write system calls): p50 ${fmt(percentile(saveSorted, 50))}, max ${fmt(saveSorted[saveSorted.length - 1])}`);
// The same latencies counted from when the save's last system call returned: without the time the
// machine took to accept the write (a busy disk can stall it for a second).
const afterSave = latencies.map((latency, index) => latency - saveTimes[index]).sort((a, b) => a - b);
console.log(
  `save finished -> new text in the tab's DOM: p50 ${fmt(percentile(afterSave, 50))}, ` +
    `p90 ${fmt(percentile(afterSave, 90))}, p99 ${fmt(percentile(afterSave, 99))}, max ${fmt(afterSave[afterSave.length - 1])}`,
);
if (serverTimes.length) {
  const serverSorted = serverTimes.sort((a, b) => a - b);
  console.log(`rebuild of the page in the server: p50 ${percentile(serverSorted, 50)} ms, max ${serverSorted[serverSorted.length - 1]} ms`);
}
