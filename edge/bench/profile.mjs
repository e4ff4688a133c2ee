// Takes a CPU profile of a Worker under load, through workerd's inspector (loopback only), prints the
// functions with the most self time and writes the .cpuprofile (open it in Chrome DevTools).
// Native work is charged to the JavaScript or wasm-bindgen function that called it.
//
//   node bench/profile.mjs [build/entry.js | bench/js-worker/worker.mjs] [--requests 3000] [--page100k]
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { EDGE_DIR, FIXTURE_SITE, largePage, readWranglerConfig } from "../tests/e2e/support/harness.mjs";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: "string", default: "3000" },
    "inspector-port": { type: "string", default: "9239" },
    page100k: { type: "boolean", default: false },
  },
});
const entry = positionals[0] ?? "build/entry.js";
const inspectorPort = Number(options["inspector-port"]);
const requests = Math.min(Number(options.requests), 20_000);
const SESSION = "0123456789abcdef0123456789abcdef";

// The fixture site, plus a 100 KB page at /page100k/ when asked for.
const siteDirectory = await mkdtemp(path.join(tmpdir(), "edgedocs-profile-site-"));
await cp(FIXTURE_SITE, siteDirectory, { recursive: true });
await mkdir(path.join(siteDirectory, "page100k"), { recursive: true });
await writeFile(path.join(siteDirectory, "page100k/index.html"), largePage(100 * 1024));
const pagePath = options.page100k ? "/page100k/" : "/";

const config = await readWranglerConfig();
const mf = new Miniflare({
  name: "edge",
  modules: true,
  modulesRoot: EDGE_DIR,
  scriptPath: path.join(EDGE_DIR, entry),
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: config.compatibility_date,
  kvNamespaces: ["KV"],
  bindings: entry.includes("js-worker") ? { ALLOWED_THEMES: "light,dark,sepia,high-contrast" } : {},
  cf: false,
  host: "127.0.0.1",
  port: 0,
  inspectorPort,
  assets: {
    directory: siteDirectory,
    binding: "ASSETS",
    routerConfig: { has_user_worker: true, static_routing: { user_worker: ["/*"], asset_worker: ["/assets/*"] } },
    assetConfig: { not_found_handling: "404-page", html_handling: "auto-trailing-slash" },
  },
});
const url = await mf.ready;
try {
  const kv = await mf.getKVNamespace("KV");
  await kv.put("pinned_message", "Scheduled maintenance on Saturday, 10:00 UTC.");
  await kv.put(`theme:${SESSION}`, "dark");

  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((candidate) => (candidate.title ?? "").includes("core:user:edge"));
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  let nextId = 0;
  const waiting = new Map();
  socket.on("message", (data) => {
    const message = JSON.parse(data);
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      nextId += 1;
      waiting.set(nextId, resolve);
      socket.send(JSON.stringify({ id: nextId, method, params }));
    });
  const load = (amount) =>
    autocannon({ url: new URL(pagePath, url).href, connections: 8, amount, headers: { cookie: `session=${SESSION}` } });

  await load(Math.min(1000, requests));
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  await load(requests);
  const { result } = await send("Profiler.stop");
  socket.close();

  const { nodes, samples, timeDeltas } = result.profile;
  const nodeById = new Map(nodes.map((node) => [node.id, node]));
  const selfTime = new Map();
  samples.forEach((sample, index) => {
    const { functionName, url: file, lineNumber } = nodeById.get(sample).callFrame;
    const name = `${functionName || "(anonymous)"} ${file.split("/").pop()}:${lineNumber}`;
    selfTime.set(name, (selfTime.get(name) ?? 0) + (timeDeltas[index] ?? 0));
  });
  console.log(`${entry} ${pagePath}: self time over ${requests} requests (ms, sampled)`);
  for (const [name, micros] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(micros / 1000).toFixed(1).padStart(9)}  ${name}`);
  }
  const out = path.join(EDGE_DIR, "bench/results", `${path.basename(path.dirname(entry))}.cpuprofile`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(result.profile));
  console.log(`written to ${path.relative(process.cwd(), out)}`);
} finally {
  await Promise.race([mf.dispose(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  await rm(siteDirectory, { recursive: true, force: true });
}
