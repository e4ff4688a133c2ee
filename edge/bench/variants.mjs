// What the benchmarks compare and how each one is started: the Worker variants, the benchmark site
// (the end-to-end fixture plus a small and a 100 KB page, each also under /plain/ where Workers Static
// Assets serves it without any Worker), and the miniflare options and KV contents of one instance.
// Shared by run.mjs (throughput in wall time) and instructions.mjs (instructions per request).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { EDGE_DIR, FIXTURE_SITE, largePage, writeSiteSettings } from "../tests/e2e/support/harness.mjs";

/** The visitor every benchmark request comes from: a session whose theme is stored in KV. */
export const SESSION = "0123456789abcdef0123456789abcdef";

export const VARIANTS = {
  static: { entry: "build/entry.js", staticPages: true },
  rust: { entry: "build/entry.js" },
  "rust-lol": { entry: "build-lol/entry.js" },
  // The yardstick with the Rust Worker's KV time budget (1 s, see PAGE_KV_BUDGET), and without it.
  js: { entry: "bench/js-worker/worker.mjs", javascript: true, bindings: { KV_BUDGET_MS: "1000" } },
  "js-nobudget": { entry: "bench/js-worker/worker.mjs", javascript: true },
};

/** The pages every variant is measured on. */
export const PAGES = ["small", "page100k"];
/** Request kinds only the Rust Worker answers, measured when named (`--only rust --pages search`):
 * `search` is a query answered from the search index (three rounds of asset reads and the results
 * page through the page injection). */
export const RUST_ONLY_PAGES = ["search"];
/** The query the `search` kind sends: two words, a shard each, results with excerpts. */
export const SEARCH_QUERY = "/search?q=keyspace+index";

/** The path a variant serves `page` at. */
export function pagePath(name, page) {
  if (page === "search") return SEARCH_QUERY;
  return VARIANTS[name].staticPages ? `/plain/${page}/` : `/${page}/`;
}

/** The binary that builds the search index of the benchmark site (EDGEDOCS_BIN, else the debug build). */
const EDGEDOCS_BIN = process.env.EDGEDOCS_BIN || path.join(EDGE_DIR, "../target/debug/edgedocs");

/** Writes the benchmark site into a fresh temporary directory, and the site's settings (the same four
 * colour themes as the JavaScript Worker's ALLOWED_THEMES) beside each Rust Worker build. */
export async function prepareBenchSite() {
  for (const build of ["build", "build-lol"]) {
    if (existsSync(path.join(EDGE_DIR, build, "entry.js"))) {
      await writeSiteSettings(undefined, path.join(EDGE_DIR, build));
    }
  }
  const directory = await mkdtemp(path.join(tmpdir(), "edgedocs-bench-site-"));
  await cp(FIXTURE_SITE, directory, { recursive: true });
  const small = readFileSync(path.join(FIXTURE_SITE, "index.html"), "utf8");
  const page100k = largePage(100 * 1024);
  for (const prefix of ["", "plain/"]) {
    await mkdir(path.join(directory, prefix, "small"), { recursive: true });
    await mkdir(path.join(directory, prefix, "page100k"), { recursive: true });
    await writeFile(path.join(directory, prefix, "small/index.html"), small);
    await writeFile(path.join(directory, prefix, "page100k/index.html"), page100k);
  }
  // The search index and results page of the end-to-end search site, built by the binary under test.
  if (existsSync(EDGEDOCS_BIN)) {
    const built = await mkdtemp(path.join(tmpdir(), "edgedocs-bench-search-"));
    await cp(path.join(EDGE_DIR, "tests/e2e/search-site"), path.join(built, "source"), { recursive: true });
    execFileSync(EDGEDOCS_BIN, ["build", "--output", path.join(built, "public")], { cwd: path.join(built, "source"), stdio: "pipe" });
    await cp(path.join(built, "public/search"), path.join(directory, "search"), { recursive: true });
    await rm(built, { recursive: true, force: true });
  }
  return { directory, sizes: { small: Buffer.byteLength(small), page100k: Buffer.byteLength(page100k) } };
}

/** Miniflare's options for one variant serving `siteDirectory`, on a free loopback port. */
export function miniflareOptions(name, siteDirectory, wranglerConfig) {
  const variant = VARIANTS[name];
  return {
    modules: true,
    modulesRoot: EDGE_DIR,
    scriptPath: path.join(EDGE_DIR, variant.entry),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: wranglerConfig.compatibility_date,
    kvNamespaces: ["KV"],
    bindings: variant.javascript ? { ALLOWED_THEMES: "light,dark,sepia,high-contrast", ...variant.bindings } : {},
    cf: false,
    host: "127.0.0.1",
    port: 0,
    assets: {
      directory: siteDirectory,
      binding: "ASSETS",
      routerConfig: {
        has_user_worker: true,
        static_routing: { user_worker: ["/*"], asset_worker: ["/assets/*", "/plain/*"] },
      },
      assetConfig: { not_found_handling: "404-page", html_handling: "auto-trailing-slash" },
    },
  };
}

/** Puts what every benchmark page injects into the instance's KV: the pinned message and the theme. */
export async function seedKv(mf) {
  const kv = await mf.getKVNamespace("KV");
  await kv.put("pinned_message", "Scheduled maintenance on Saturday, 10:00 UTC.");
  await kv.put(`theme:${SESSION}`, "dark");
}

export function median(values) {
  const sorted = values.filter((value) => value != null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
}
