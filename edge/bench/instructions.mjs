// Counts the machine instructions workerd executes per request, under valgrind's callgrind, for the
// Rust Worker and the JavaScript yardstick serving the same pages (see variants.mjs). A count does
// not depend on what else the machine is doing, so this resolves differences of a percent or two that
// requests/s on a shared machine cannot (run.mjs's rounds move by 10-20 % with the host's load).
// It counts everything the workerd process does for a request: the HTTP server, the static-assets
// worker and miniflare's KV worker as well as the Worker under test, which all run in that process.
//
// Each variant runs in its own workerd under callgrind, all at once; each goes through the same
// sequence (a warm-up without counting, then for each page the same rounds, requests one at a time),
// so round k of one variant has the same history as round k of another and the two are compared
// round by round. What still moves a round is V8's own timing-dependent work (garbage collection,
// compilation), which only ever adds: compare medians of paired rounds, as the report does.
//
//   node bench/instructions.mjs [--only rust,js] [--rounds 5] [--requests 400] [--warmup 3000]
//                               [--pages small,page100k]
//   node bench/instructions.mjs --only rust --pages search    a query answered from the search index
//                               (the Rust Worker only; the index is built with EDGEDOCS_BIN or
//                               target/debug/edgedocs)
// Needs valgrind (Debian: apt-get install valgrind). With the defaults, about 10 minutes.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import workerd from "workerd";
import { EDGE_DIR, readWranglerConfig } from "../tests/e2e/support/harness.mjs";
import {
  PAGES,
  RUST_ONLY_PAGES,
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
    only: { type: "string", default: "rust,js" },
    rounds: { type: "string", default: "5" },
    requests: { type: "string", default: "400" },
    warmup: { type: "string", default: "3000" },
    pages: { type: "string", default: PAGES.join(",") },
    out: { type: "string", default: path.join(EDGE_DIR, "bench/results/instructions.json") },
  },
});
const ROUNDS = Math.min(Number(options.rounds), 10);
const REQUESTS = Math.min(Number(options.requests), 5000);
const WARMUP = Math.min(Number(options.warmup), 20_000);
const WORKERD = workerd.default ?? workerd;
const MEASURED_PAGES = options.pages.split(",").filter((page) => PAGES.includes(page) || RUST_ONLY_PAGES.includes(page));

function requireTool(name) {
  try {
    execFileSync(name, ["--version"], { stdio: "ignore" });
  } catch {
    console.error(`bench: ${name} is not installed (Debian: apt-get install valgrind)`);
    process.exit(2);
  }
}

/**
 * A script miniflare runs instead of workerd (MINIFLARE_WORKERD_PATH): workerd under callgrind,
 * instrumentation off until the measurement switches it on, dumps written into `directory`.
 */
async function callgrindLauncher(directory) {
  const launcher = path.join(directory, "workerd-under-callgrind");
  const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;
  await writeFile(
    launcher,
    "#!/bin/sh\n" +
      `exec valgrind --tool=callgrind --quiet --instr-atstart=no --smc-check=all-non-file ` +
      `--callgrind-out-file=${quote(path.join(directory, "callgrind.%p"))} ${quote(WORKERD)} "$@"\n`,
  );
  chmodSync(launcher, 0o755);
  return launcher;
}

/** The valgrind process miniflare started for this variant (its command line names the directory). */
function valgrindPid(directory) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (commandLine.includes("--tool=callgrind") && commandLine.includes(directory)) return entry;
    } catch {
      // The process ended between readdir and read.
    }
  }
  return null;
}

/** Instructions counted since the last zeroing: dumps the counters and reads the new dump's total. */
function dumpTotal(instance) {
  execFileSync("callgrind_control", ["--dump", instance.pid], { stdio: "ignore" });
  let total = 0;
  for (const file of readdirSync(instance.directory)) {
    if (!file.startsWith(`callgrind.${instance.pid}.`) || instance.dumps.has(file)) continue;
    instance.dumps.add(file);
    const match = readFileSync(path.join(instance.directory, file), "utf8").match(/^(?:totals|summary): (\d+)/m);
    if (match) total += Number(match[1]);
  }
  return total;
}

async function startVariant(name, siteDirectory, wranglerConfig) {
  const directory = await mkdtemp(path.join(tmpdir(), `edgedocs-callgrind-${name}-`));
  process.env.MINIFLARE_WORKERD_PATH = await callgrindLauncher(directory);
  const mf = new Miniflare(miniflareOptions(name, siteDirectory, wranglerConfig));
  const url = await mf.ready;
  // Read when miniflare spawns workerd, which `ready` waits for.
  delete process.env.MINIFLARE_WORKERD_PATH;
  await seedKv(mf);
  const pid = valgrindPid(directory);
  if (!pid) throw new Error(`bench: no callgrind process found for ${name}`);
  return { name, mf, url, directory, pid, dumps: new Set(), rounds: {} };
}

function load(instance, page, amount) {
  return autocannon({
    url: new URL(pagePath(instance.name, page), instance.url).href,
    connections: 1,
    amount,
    timeout: 120,
    headers: { cookie: `session=${SESSION}` },
  });
}

/** Warms the instance up, then measures each page for ROUNDS rounds of REQUESTS requests. */
async function measureVariant(instance) {
  for (const page of MEASURED_PAGES) await load(instance, page, WARMUP);
  execFileSync("callgrind_control", ["--instr=on", instance.pid], { stdio: "ignore" });
  for (const page of MEASURED_PAGES) {
    instance.rounds[page] = [];
    // One round with the instrumentation on but not counted: the code valgrind translates afresh.
    await load(instance, page, Math.min(REQUESTS, 100));
    for (let round = 1; round <= ROUNDS; round += 1) {
      execFileSync("callgrind_control", ["--zero", instance.pid], { stdio: "ignore" });
      const result = await load(instance, page, REQUESTS);
      const instructions = dumpTotal(instance);
      const failed = result.errors + result.timeouts + result.non2xx;
      instance.rounds[page].push({ instructionsPerRequest: instructions / REQUESTS, failed });
      console.log(
        `${instance.name.padEnd(11)} ${page.padEnd(9)} round ${round}: ` +
          `${(instructions / REQUESTS / 1e6).toFixed(3)} M instructions/request${failed ? `  (${failed} failed)` : ""}`,
      );
    }
  }
}

async function main() {
  requireTool("valgrind");
  const names = options.only.split(",").filter((name) => VARIANTS[name]);
  for (const name of names) {
    if (!existsSync(path.join(EDGE_DIR, VARIANTS[name].entry))) {
      console.error(`bench: ${VARIANTS[name].entry} is missing: build the Worker first (bash scripts/build-worker.sh at the repository root)`);
      process.exit(2);
    }
  }
  const wranglerConfig = await readWranglerConfig();
  const site = await prepareBenchSite();
  const instances = [];
  try {
    for (const name of names) instances.push(await startVariant(name, site.directory, wranglerConfig));
    await Promise.all(instances.map(measureVariant));
  } finally {
    for (const instance of instances) {
      await Promise.race([instance.mf.dispose(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await rm(instance.directory, { recursive: true, force: true });
    }
    await rm(site.directory, { recursive: true, force: true });
  }

  const results = { date: new Date().toISOString(), rounds: ROUNDS, requestsPerRound: REQUESTS, variants: {}, ratios: {} };
  for (const instance of instances) {
    results.variants[instance.name] = {};
    for (const [page, rows] of Object.entries(instance.rounds)) {
      results.variants[instance.name][page] = {
        instructionsPerRequest: median(rows.map((row) => row.instructionsPerRequest)),
        failed: rows.reduce((sum, row) => sum + row.failed, 0),
        rounds: rows.map((row) => row.instructionsPerRequest),
      };
    }
  }
  console.log("\nmedian instructions per request, and Rust/JS paired round by round:");
  for (const page of MEASURED_PAGES) {
    for (const name of names) {
      const row = results.variants[name][page];
      console.log(`  ${name.padEnd(11)} ${page.padEnd(9)} ${(row.instructionsPerRequest / 1e6).toFixed(3)} M`);
    }
    const rust = results.variants.rust?.[page]?.rounds;
    const js = results.variants.js?.[page]?.rounds;
    if (rust && js) {
      const perRound = rust.map((count, index) => count / js[index]);
      results.ratios[page] = { rustVsJsPerRound: perRound, rustVsJs: median(perRound) };
      console.log(
        `  ${page.padEnd(9)} rust/js per round ${perRound.map((ratio) => ratio.toFixed(3)).join(" ")} ` +
          `(median ${median(perRound).toFixed(3)}; below 1 means fewer instructions than JavaScript)`,
      );
    }
  }
  await mkdir(path.dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(process.cwd(), options.out)}`);
}

await main();
