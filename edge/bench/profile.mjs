// Takes a CPU profile of a Worker under load, through workerd's inspector (loopback only), prints the
// functions with the most self time and writes the .cpuprofile (open it in Chrome DevTools).
// Native work is charged to the JavaScript or wasm-bindgen function that called it.
//
//   node bench/profile.mjs [rust | js | rust-lol | ...] [--requests 3000] [--page100k]
// (the variants of variants.mjs; the default is the Rust Worker)
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { EDGE_DIR, readWranglerConfig } from "../tests/e2e/support/harness.mjs";
import { SESSION, VARIANTS, miniflareOptions, pagePath, prepareBenchSite, seedKv } from "./variants.mjs";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: "string", default: "3000" },
    "inspector-port": { type: "string", default: "9239" },
    page100k: { type: "boolean", default: false },
  },
});
const variant = positionals[0] ?? "rust";
if (!VARIANTS[variant]) {
  console.error(`profile: unknown variant ${variant}; one of ${Object.keys(VARIANTS).join(", ")}`);
  process.exit(2);
}
const inspectorPort = Number(options["inspector-port"]);
const requests = Math.min(Number(options.requests), 20_000);
const page = options.page100k ? "page100k" : "small";

const site = await prepareBenchSite();
const mf = new Miniflare({
  ...miniflareOptions(variant, site.directory, await readWranglerConfig()),
  name: "edge",
  inspectorPort,
});
const url = await mf.ready;
try {
  await seedKv(mf);

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
    autocannon({ url: new URL(pagePath(variant, page), url).href, connections: 8, amount, headers: { cookie: `session=${SESSION}` } });

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
  console.log(`${variant} ${pagePath(variant, page)}: self time over ${requests} requests (ms, sampled)`);
  for (const [name, micros] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(micros / 1000).toFixed(1).padStart(9)}  ${name}`);
  }
  const out = path.join(EDGE_DIR, "bench/results", `${variant}-${page}.cpuprofile`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(result.profile));
  console.log(`written to ${path.relative(process.cwd(), out)}`);
} finally {
  await Promise.race([mf.dispose(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  await rm(site.directory, { recursive: true, force: true });
}
