// Benchmarks the Rust Worker against a static asset and a JavaScript Worker, on loopback only and
// bounded in time. For a small page and a 100 KB page it measures requests/s and p50/p99 latency with
// autocannon, and the CPU time workerd spends per request (read from /proc before and after each run).
// Variants, all in the same run:
//   static      the page served by Workers Static Assets without any Worker
//   rust        the Rust Worker as built (edge/build): plan in Rust, runtime HTMLRewriter applies it
//   rust-lol    the Rust Worker with lol_html in the wasm (edge/build-lol, `--features worker-lol-html`)
//   js          bench/js-worker/worker.mjs: the same injection in JavaScript with HTMLRewriter
// It also reports the wasm size (raw and gzip) and cold start (instance ready, first response).
// All variants run side by side and are measured in alternating rounds; each figure is the median of
// the rounds, which keeps a busy machine from favouring whichever variant ran in a quiet moment.
//
//   node bench/run.mjs [--rounds 3] [--duration 5] [--connections 8] [--only rust,js]
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import { EDGE_DIR, readWranglerConfig } from "../tests/e2e/support/harness.mjs";
import {
  PAGES,
  SESSION,
  VARIANTS,
  median,
  miniflareOptions,
  pagePath,
  prepareBenchSite,
  seedKv,
} from "./variants.mjs";

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "8" },
    only: { type: "string", default: "static,rust,rust-lol,js,js-nobudget" },
    out: { type: "string", default: path.join(EDGE_DIR, "bench/results/latest.json") },
  },
});
const DURATION = Math.min(Number(options.duration), 30);
const ROUNDS = Math.min(Number(options.rounds), 10);
const CONNECTIONS = Number(options.connections);
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** The workerd processes started by this node process. */
function workerdPids() {
  const pids = new Set();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (command.startsWith("workerd") && parent === process.pid) pids.add(Number(entry));
    } catch {
      // The process ended between readdir and read.
    }
  }
  return pids;
}

/** CPU seconds (user + system) used so far by the given processes. */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone: counts nothing more.
    }
  }
  return ticks / CLOCK_TICKS;
}

async function startVariant(name, siteDirectory) {
  const config = await readWranglerConfig();
  const pidsBefore = workerdPids();
  const started = performance.now();
  const mf = new Miniflare(miniflareOptions(name, siteDirectory, config));
  const url = await mf.ready;
  const readyMs = performance.now() - started;
  const pids = new Set([...workerdPids()].filter((pid) => !pidsBefore.has(pid)));
  await seedKv(mf);
  return { mf, url, readyMs, pids };
}

async function measure({ url, pids }, pathname) {
  const cpuBefore = cpuSeconds(pids);
  const result = await autocannon({
    url: new URL(pathname, url).href,
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { cookie: `session=${SESSION}` },
  });
  const usedCpu = cpuSeconds(pids) - cpuBefore;
  const requests = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    errors: result.errors + result.non2xx,
    cpuMsPerRequest: requests ? (usedCpu * 1000) / requests : null,
  };
}

/** Time to the first response of a fresh instance (wasm instantiation, first KV reads, first rewrite). */
async function coldStart(url) {
  const started = performance.now();
  const response = await fetch(new URL("/small/", url), { headers: { cookie: `session=${SESSION}` } });
  await response.text();
  return performance.now() - started;
}

function wasmSize(directory) {
  const file = path.join(EDGE_DIR, directory, "index_bg.wasm");
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

async function main() {
  const site = await prepareBenchSite();
  const results = {
    date: new Date().toISOString(),
    loadAverageAtStart: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number),
    rounds: ROUNDS,
    duration: DURATION,
    connections: CONNECTIONS,
    pageBytes: site.sizes,
    variants: {},
  };
  const names = options.only.split(",").filter((name) => VARIANTS[name]);
  const running = {};
  try {
    for (const name of names) {
      if (!existsSync(path.join(EDGE_DIR, VARIANTS[name].entry))) {
        console.error(`bench: skipping ${name}: ${VARIANTS[name].entry} is missing (see README.md)`);
        continue;
      }
      running[name] = await startVariant(name, site.directory);
      running[name].firstResponseMs = await coldStart(running[name].url);
      running[name].rounds = { small: [], page100k: [] };
    }
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const page of PAGES) {
        // Odd rounds run the variants in order, even rounds in reverse, so no variant always runs
        // right after the same neighbour or at the same point of a round.
        const order = Object.entries(running);
        if (round % 2 === 0) order.reverse();
        for (const [name, instance] of order) {
          const pathname = pagePath(name, page);
          if (round === 1) {
            await autocannon({ url: new URL(pathname, instance.url).href, connections: CONNECTIONS, duration: 1 });
          }
          const row = await measure(instance, pathname);
          instance.rounds[page].push(row);
          console.log(
            `round ${round} ${name.padEnd(9)} ${page.padEnd(9)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  ` +
              `p99 ${row.p99} ms  workerd CPU ${row.cpuMsPerRequest?.toFixed(3)} ms/req  errors ${row.errors}`,
          );
        }
      }
    }
  } finally {
    for (const instance of Object.values(running)) {
      await Promise.race([instance.mf.dispose(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }
    await rm(site.directory, { recursive: true, force: true });
  }
  for (const [name, instance] of Object.entries(running)) {
    const pages = {};
    for (const [page, rows] of Object.entries(instance.rounds)) {
      pages[page] = {
        rps: median(rows.map((row) => row.rps)),
        p50: median(rows.map((row) => row.p50)),
        p99: median(rows.map((row) => row.p99)),
        cpuMsPerRequest: median(rows.map((row) => row.cpuMsPerRequest)),
        errors: rows.reduce((sum, row) => sum + row.errors, 0),
        rounds: rows,
      };
    }
    results.variants[name] = { readyMs: instance.readyMs, firstResponseMs: instance.firstResponseMs, pages };
  }
  console.log("\nmedians:");
  for (const [name, variant] of Object.entries(results.variants)) {
    for (const [page, row] of Object.entries(variant.pages)) {
      console.log(
        `  ${name.padEnd(9)} ${page.padEnd(9)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ` +
          `workerd CPU ${row.cpuMsPerRequest?.toFixed(3)} ms/req`,
      );
    }
  }
  results.wasm = { rust: wasmSize("build"), "rust-lol": wasmSize("build-lol") };
  results.ratios = {};
  // Rounds of two variants run back to back, so a ratio taken within each round cancels most of the
  // load the rest of the machine adds; its median over the rounds is the steadier comparison.
  const perRound = (name, page, field, against = "js") => {
    const mine = results.variants[name]?.pages[page]?.rounds;
    const theirs = results.variants[against]?.pages[page]?.rounds;
    if (!mine || !theirs) return null;
    return mine.map((row, index) =>
      row[field] != null && theirs[index]?.[field] ? row[field] / theirs[index][field] : null,
    );
  };
  for (const page of PAGES) {
    const rps = (name) => results.variants[name]?.pages[page]?.rps;
    const cpu = (name) => results.variants[name]?.pages[page]?.cpuMsPerRequest;
    const rpsPerRound = perRound("rust", page, "rps");
    const cpuPerRound = perRound("rust", page, "cpuMsPerRequest");
    const rpsPerRoundNoBudget = perRound("rust", page, "rps", "js-nobudget");
    const cpuPerRoundNoBudget = perRound("rust", page, "cpuMsPerRequest", "js-nobudget");
    results.ratios[page] = {
      rustVsJs: rps("rust") && rps("js") ? rps("rust") / rps("js") : null,
      rustVsJsPerRound: rpsPerRound,
      rustVsJsPaired: rpsPerRound ? median(rpsPerRound) : null,
      rustCpuVsJsPerRound: cpuPerRound,
      rustCpuVsJsPaired: cpuPerRound ? median(cpuPerRound) : null,
      rustVsJsNoBudgetPerRound: rpsPerRoundNoBudget,
      rustVsJsNoBudgetPaired: rpsPerRoundNoBudget ? median(rpsPerRoundNoBudget) : null,
      rustCpuVsJsNoBudgetPaired: cpuPerRoundNoBudget ? median(cpuPerRoundNoBudget) : null,
      rustLolVsJs: rps("rust-lol") && rps("js") ? rps("rust-lol") / rps("js") : null,
      rustVsStatic: rps("rust") && rps("static") ? rps("rust") / rps("static") : null,
      injectionCpuMs: cpu("rust") != null && cpu("static") != null ? cpu("rust") - cpu("static") : null,
      injectionCpuMsLol: cpu("rust-lol") != null && cpu("static") != null ? cpu("rust-lol") - cpu("static") : null,
    };
  }
  console.log(`load average at start: ${results.loadAverageAtStart.join(" ")} on ${(await import("node:os")).cpus().length} cores`);
  await mkdir(path.dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log("\nratios (requests/s) and workerd CPU of the Worker over the static page (ms/request):");
  for (const [page, ratio] of Object.entries(results.ratios)) {
    const fmt = (value, digits = 2) => (value == null ? "n/a" : value.toFixed(digits));
    console.log(
      `  ${page.padEnd(9)} rust/js ${fmt(ratio.rustVsJs)}  rust-lol/js ${fmt(ratio.rustLolVsJs)}  rust/static ${fmt(ratio.rustVsStatic)}  ` +
        `injection CPU rust ${fmt(ratio.injectionCpuMs, 3)} ms, rust-lol ${fmt(ratio.injectionCpuMsLol, 3)} ms`,
    );
    if (ratio.rustVsJsPerRound) {
      console.log(
        `  ${"".padEnd(9)} rust/js within each round: req/s ${ratio.rustVsJsPerRound.map((value) => fmt(value)).join(" ")} ` +
          `(median ${fmt(ratio.rustVsJsPaired)}), CPU/request ${ratio.rustCpuVsJsPerRound.map((value) => fmt(value)).join(" ")} ` +
          `(median ${fmt(ratio.rustCpuVsJsPaired)})`,
      );
    }
  }
  for (const [page, ratio] of Object.entries(results.ratios)) {
    if (!ratio.rustVsJsNoBudgetPerRound) continue;
    const fmt = (value) => (value == null ? "n/a" : value.toFixed(2));
    console.log(
      `  ${page.padEnd(9)} rust/js-nobudget within each round: req/s ${ratio.rustVsJsNoBudgetPerRound.map(fmt).join(" ")} ` +
        `(median ${fmt(ratio.rustVsJsNoBudgetPaired)}), CPU/request (median ${fmt(ratio.rustCpuVsJsNoBudgetPaired)})`,
    );
  }
  for (const [name, size] of Object.entries(results.wasm)) {
    if (size) console.log(`  wasm ${name}: ${(size.raw / 1024).toFixed(0)} KiB raw, ${(size.gzip / 1024).toFixed(0)} KiB gzip`);
  }
  for (const [name, variant] of Object.entries(results.variants)) {
    console.log(`  cold start ${name}: ready in ${variant.readyMs.toFixed(0)} ms, first response in ${variant.firstResponseMs.toFixed(1)} ms`);
  }
  console.log(`\nwritten to ${path.relative(process.cwd(), options.out)}`);
}

await main();
