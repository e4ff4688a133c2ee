// Runs the built Worker in workerd through miniflare's programmatic API, configured from wrangler.jsonc
// (compatibility date, assets options, run_worker_first patterns) with a local KV namespace and a real
// site directory as its static assets.
import { copyFile, cp, mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

export const EDGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const ORIGIN = "https://docs.edge.test";
export const FIXTURE_SITE = path.join(EDGE_DIR, "tests/e2e/fixture-site");
/** The Worker build under test: edge/build/ unless EDGE_E2E_BUILD_DIR names another (e.g. build-lol). */
export const BUILD_DIR = process.env.EDGE_E2E_BUILD_DIR || "build";
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
/** The policy of a document that is not a page (an SVG or XML file): see DOCUMENT_CONTENT_SECURITY_POLICY. */
export const DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
/** The session cookie's name over HTTPS, and the plain name visitors carry from before the prefix. */
export const SESSION_COOKIE = "__Host-session";
export const PLAIN_SESSION_COOKIE = "session";

/** The site settings the tests run the Worker with (what `edgedocs build` writes into edge-config.js):
 * the colour themes of the built-in theme, and the demo APIs on. */
export const TEST_SITE_SETTINGS = { color_themes: ["light", "dark", "sepia", "high-contrast"], demo_apis: true };

/**
 * Writes edge-config.js, the module of the site's settings that the entry module imports, into the
 * build directory under test, as `edgedocs build` writes it beside the Worker. `settings` is an object
 * (serialised as JSON) or, to test what the Worker does with a broken module, the text of the export.
 */
export async function writeSiteSettings(settings = TEST_SITE_SETTINGS, buildDirectory = path.join(EDGE_DIR, BUILD_DIR)) {
  const value = typeof settings === "string" ? settings : JSON.stringify(settings);
  await writeFile(path.join(buildDirectory, "edge-config.js"), `export default ${value};\n`);
}

/** wrangler.jsonc without its comments (only whole-line `//` comments are used in it). */
export async function readWranglerConfig() {
  const text = await readFile(path.join(EDGE_DIR, "wrangler.jsonc"), "utf8");
  const json = text
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  return JSON.parse(json);
}

/** The `ratelimits` wrangler.jsonc documents but leaves commented out, as wrangler would read them. */
export async function readCommentedRateLimits() {
  const lines = (await readFile(path.join(EDGE_DIR, "wrangler.jsonc"), "utf8")).split("\n");
  const start = lines.findIndex((line) => /^\s*\/\/ "ratelimits": \[/.test(line));
  const end = lines.findIndex((line, index) => index > start && /^\s*\/\/ \],?$/.test(line));
  if (start < 0 || end < 0) throw new Error("wrangler.jsonc has no commented-out ratelimits block");
  const json = lines
    .slice(start, end + 1)
    .map((line) => line.replace(/^\s*\/\/ /, ""))
    .join("\n")
    .replace(/,\s*$/, "");
  return JSON.parse(`{${json}}`).ratelimits;
}

/** Miniflare's assets router options for wrangler's `run_worker_first` patterns. */
export function routerConfigFor(runWorkerFirst) {
  if (typeof runWorkerFirst === "boolean") {
    return { has_user_worker: true, invoke_user_worker_ahead_of_assets: runWorkerFirst };
  }
  return {
    has_user_worker: true,
    static_routing: {
      user_worker: runWorkerFirst.filter((rule) => rule.startsWith("/")),
      asset_worker: runWorkerFirst.filter((rule) => rule.startsWith("!/")).map((rule) => rule.slice(1)),
    },
  };
}

/** The body of /data/versions.json in the prepared site. */
export const PLAIN_JSON = '{"versions":["0.1.0"],"note":"<html> in JSON is not a page"}\n';

/** The body of /data/feed.xml in the prepared site: XML that a browser would render with script. */
export const XML_FEED =
  '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><script>document.title = "xml"</script></html>\n';

/** A page of at least `bytes` bytes that follows the theme contract. */
export function largePage(bytes) {
  const head =
    '<!doctype html>\n<html lang="en" class="large">\n<head><meta charset="utf-8"><title>Large</title></head>\n<body>\n' +
    '<div id="pinned-message" class="pinned-message" role="status" hidden></div>\n<main>\n';
  const tail = "</main>\n</body>\n</html>\n";
  const paragraph =
    '<p>KV reads are cached at the edge — “sub-millisecond” on a hit. <a href="/storage/kv/">More</a> &amp; more.</p>\n';
  let body = "";
  let index = 0;
  while (head.length + body.length + tail.length < bytes) {
    body += `<h2 id="section-${index}">Section ${index}</h2>\n${paragraph.repeat(20)}`;
    index += 1;
  }
  return head + body + tail;
}

/** The site the Worker serves: EDGE_E2E_ASSETS (a real `edgedocs build` output) or the fixture, copied
 * to a temporary folder with a 1 MiB page added under /large/, a JSON and an XML file under /data/ and
 * the fixture's SVGs under /images/. */
export async function prepareSite() {
  const source = process.env.EDGE_E2E_ASSETS ? path.resolve(process.env.EDGE_E2E_ASSETS) : FIXTURE_SITE;
  const directory = await mkdtemp(path.join(tmpdir(), "edgedocs-e2e-site-"));
  await cp(source, directory, { recursive: true });
  await mkdir(path.join(directory, "large"), { recursive: true });
  await writeFile(path.join(directory, "large/index.html"), largePage(1024 * 1024));
  // A non-HTML file outside the run_worker_first exclusions: the Worker runs for it and must pass it through.
  await mkdir(path.join(directory, "data"), { recursive: true });
  await writeFile(path.join(directory, "data/versions.json"), PLAIN_JSON);
  await writeFile(path.join(directory, "data/feed.xml"), XML_FEED);
  // The fixture's SVGs (one the _headers rule matches, one only the Worker sees), in a real build too.
  await cp(path.join(FIXTURE_SITE, "images"), path.join(directory, "images"), { recursive: true, force: false });
  return { directory, source, remove: () => rm(directory, { recursive: true, force: true }) };
}

/**
 * Starts the built Worker. With `kvMode` ("record", "throw" or "hang") miniflare loads the test-only
 * wrapper from support/kv-wrapper-worker.mjs instead, which hands the Worker a KV binding that records
 * its calls, rejects them or never answers them. `ratelimits` adds rate-limiting bindings, in
 * miniflare's shape (`{ API_RATE_LIMITER: { simple: { limit, period } } }`), as the commented-out
 * `ratelimits` of wrangler.jsonc would. `settings` are the site's settings ([`writeSiteSettings`]):
 * the tests' own by default.
 */
export async function startEdge({ siteDirectory, kvMode, ratelimits, settings = TEST_SITE_SETTINGS } = {}) {
  const config = await readWranglerConfig();
  await writeSiteSettings(settings);
  let entry = path.join(BUILD_DIR, "entry.js");
  if (kvMode) {
    entry = path.join(BUILD_DIR, "kv-wrapper-worker.mjs");
    await copyFile(path.join(EDGE_DIR, "tests/e2e/support/kv-wrapper-worker.mjs"), path.join(EDGE_DIR, entry));
  }
  const assets = config.assets;
  const bindings = kvMode ? { KV_MODE: kvMode } : {};
  const mf = new Miniflare({
    modules: true,
    modulesRoot: EDGE_DIR,
    scriptPath: path.join(EDGE_DIR, entry),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: config.compatibility_date,
    kvNamespaces: config.kv_namespaces.map((namespace) => namespace.binding),
    bindings,
    ...(ratelimits ? { ratelimits } : {}),
    cf: false,
    assets: {
      directory: siteDirectory,
      binding: assets.binding,
      routerConfig: routerConfigFor(assets.run_worker_first),
      assetConfig: { not_found_handling: assets.not_found_handling, html_handling: assets.html_handling },
    },
  });
  await mf.ready;
  const kv = await mf.getKVNamespace("KV");
  return {
    mf,
    kv,
    /** Fetches `pathname` on the Worker; `cookies` is an object of name → value. */
    fetch(pathname, { cookies, headers = {}, ...init } = {}) {
      const allHeaders = { ...headers };
      if (cookies) {
        allHeaders.cookie = Object.entries(cookies)
          .map(([name, value]) => `${name}=${value}`)
          .join("; ");
      }
      return mf.dispatchFetch(new URL(pathname, ORIGIN), { redirect: "manual", ...init, headers: allHeaders });
    },
    async dispose() {
      // After heavy load dispose() can hang; never let it hold the test run.
      await Promise.race([mf.dispose(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    },
  };
}

/** The `name=value` pairs of a response's Set-Cookie lines, and the lines themselves. */
export function setCookies(response) {
  const lines = response.headers.getSetCookie();
  const values = {};
  for (const line of lines) {
    const [pair] = line.split(";");
    const separator = pair.indexOf("=");
    values[pair.slice(0, separator).trim()] = pair.slice(separator + 1).trim();
  }
  return { lines, values };
}

/** Every key in the namespace (following the cursor). */
export async function allKeys(kv, prefix = "") {
  const keys = [];
  let cursor;
  do {
    const page = await kv.list({ prefix, cursor });
    keys.push(...page.keys);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return keys;
}

/** Posts JSON the way the demo page does (same origin). */
export function postJson(edge, pathname, body, { cookies, headers = {} } = {}) {
  return edge.fetch(pathname, {
    method: "POST",
    cookies,
    headers: { "content-type": "application/json", origin: ORIGIN, "sec-fetch-site": "same-origin", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
