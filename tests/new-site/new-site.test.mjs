// A new user's site from nothing, with only the edgedocs binary, Node and wrangler: the binary is copied
// into a temporary folder outside the repository and every command runs there, so neither themes/ nor
// edge/ of the repository can be reached. `init`, `build`, then the Worker that `wrangler deploy
// --dry-run` bundles from the site's wrangler.jsonc, run in workerd (miniflare) over the built site
// (pinned message, the visitor's theme, no demo APIs), then `edgedocs serve` in Chromium (the pinned
// message from `edgedocs kv`, the theme menu, an edit showing up).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFile, chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { Miniflare } from "miniflare";
import { chromium } from "playwright-core";
import { launchOptions } from "../chromium.mjs";
import { routerConfigFor } from "../../edge/tests/e2e/support/harness.mjs";

const REPO_ROOT = process.env.REPO_ROOT || new URL("../..", import.meta.url).pathname;
const EDGEDOCS_BIN = process.env.EDGEDOCS_BIN || path.join(REPO_ROOT, "target/debug/edgedocs");
const WRANGLER = path.join(REPO_ROOT, "node_modules/.bin/wrangler");
const VISITOR = "0123456789abcdef0123456789abcdef";
const QUIET_WRANGLER = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "1" };

let work; // the temporary folder: bin/edgedocs and the site, tally/
let bin;
let site;

/** Runs `command args` in `cwd`; resolves with stdout, rejects with everything it printed. */
function run(command, args, { cwd, env = {}, timeout = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: { ...process.env, ...env }, timeout, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(command)} ${args.join(" ")} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** wrangler.jsonc without its whole-line comments, as the scaffold writes it. */
async function readSiteWranglerConfig() {
  const text = await readFile(path.join(site, "wrangler.jsonc"), "utf8");
  return JSON.parse(
    text
      .split("\n")
      .filter((line) => !line.trim().startsWith("//"))
      .join("\n"),
  );
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "edgedocs-new-site-"));
  assert.ok(!work.startsWith(REPO_ROOT), "the site lives outside the repository");
  await mkdir(path.join(work, "bin"));
  bin = path.join(work, "bin/edgedocs");
  await copyFile(EDGEDOCS_BIN, bin);
  await chmod(bin, 0o755);
  site = path.join(work, "tally");
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("a new site", () => {
  test("init writes the site and its deploy files; build writes the site and its Worker", async () => {
    const said = await run(bin, ["init", "tally"], { cwd: work });
    assert.match(said, /npx wrangler deploy/);
    const built = await run(bin, ["build"], { cwd: site });
    assert.match(built, /^Built \d+ pages?, \d+ sections?/);
    assert.ok((await readFile(path.join(site, "public/index.html"), "utf8")).includes('id="pinned-message"'));
    const worker = await readdir(path.join(site, ".edgedocs/worker"));
    assert.deepEqual(worker.sort(), ["edge-config.js", "entry.js", "index.js", "index_bg.wasm"]);
    const settings = await readFile(path.join(site, ".edgedocs/worker/edge-config.js"), "utf8");
    assert.match(settings, /"demo_apis":false/);
  });

  test("the Worker wrangler bundles serves it in workerd with the pinned message and the visitor's theme", async () => {
    const outdir = path.join(work, "deploy");
    const dryRun = await run(WRANGLER, ["deploy", "--dry-run", "--outdir", outdir], { cwd: site, env: QUIET_WRANGLER });
    assert.match(dryRun, /--dry-run: exiting now/);
    const bundled = await readdir(outdir);
    assert.ok(bundled.includes("entry.js"), `wrangler wrote ${bundled.join(", ")}`);
    assert.ok(bundled.some((file) => file.endsWith(".wasm")), `wrangler wrote ${bundled.join(", ")}`);

    const config = await readSiteWranglerConfig();
    const mf = new Miniflare({
      modules: true,
      modulesRoot: outdir,
      scriptPath: path.join(outdir, "entry.js"),
      modulesRules: [
        { type: "ESModule", include: ["**/*.js"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      compatibilityDate: config.compatibility_date,
      kvNamespaces: config.kv_namespaces.map((namespace) => namespace.binding),
      cf: false,
      assets: {
        directory: path.join(site, config.assets.directory),
        binding: config.assets.binding,
        routerConfig: routerConfigFor(config.assets.run_worker_first),
        assetConfig: { not_found_handling: config.assets.not_found_handling, html_handling: config.assets.html_handling },
      },
    });
    try {
      await mf.ready;
      const kv = await mf.getKVNamespace("KV");
      await kv.put("pinned_message", "Tally 2.0 is out");
      await kv.put(`theme:${VISITOR}`, "dark");
      const origin = "https://tally.example.test";
      const page = await mf.dispatchFetch(`${origin}/guides/`, { headers: { cookie: `__Host-session=${VISITOR}` } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<html[^>]*class="[^"]*\btheme-dark\b/, "the visitor's theme from KV");
      assert.match(html, /<html[^>]*data-edge="cloudflare"/);
      assert.match(html, /<div id="pinned-message"[^>]*>Tally 2\.0 is out<\/div>/);
      assert.ok(page.headers.get("content-security-policy"), "the page's policy");

      // The theme menu's form, without JavaScript: saved, and 303 back to the page.
      const saved = await mf.dispatchFetch(`${origin}/api/kv/theme`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin,
          "sec-fetch-site": "same-origin",
          referer: `${origin}/guides/`,
          cookie: `__Host-session=${VISITOR}`,
        },
        body: "theme=sepia",
      });
      assert.equal(saved.status, 303);
      assert.equal(saved.headers.get("location"), "/guides/");
      await saved.arrayBuffer();
      assert.equal(await kv.get(`theme:${VISITOR}`), "sepia");

      const flags = await mf.dispatchFetch(`${origin}/api/kv/flags?tenant=acme`);
      assert.equal(flags.status, 404, "a new site has no demo APIs");
      await flags.arrayBuffer();
      const asset = await mf.dispatchFetch(`${origin}/robots.txt`);
      assert.equal(asset.status, 200);
      await asset.arrayBuffer();
    } finally {
      await Promise.race([mf.dispose(), sleep(5000)]);
    }
  });

  test("serve previews it in Chromium: the pinned message, the theme menu and an edit", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = spawn(bin, ["serve", "--port", String(port)], { cwd: site, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    server.stdout.on("data", (chunk) => (output += chunk));
    server.stderr.on("data", (chunk) => (output += chunk));
    const browser = await chromium.launch(launchOptions({ timeout: 60_000 }));
    try {
      const started = Date.now();
      while (!/Serving .* at http:\/\//.test(output)) {
        assert.equal(server.exitCode, null, `edgedocs serve exited:\n${output}`);
        assert.ok(Date.now() - started < 60_000, `edgedocs serve did not start:\n${output}`);
        await sleep(50);
      }
      await run(bin, ["kv", "put", "pinned_message", "Preview of Tally"], { cwd: site });

      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = [];
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "load" });
      assert.equal(await page.locator("#pinned-message").innerText(), "Preview of Tally");
      assert.equal(await page.locator("#pinned-message").isVisible(), true);

      // The theme menu switches at once and saves through the preview's edge.
      await page.locator("[data-theme-menu] summary").click();
      await page.locator('[data-theme-menu] button[name="theme"][value="dark"]').click();
      await waitFor("the dark theme", () => page.evaluate(() => document.documentElement.classList.contains("theme-dark")));
      await waitFor("the theme saved", async () => (await context.cookies()).some((cookie) => cookie.name === "session"));
      const reloaded = await (await page.reload({ waitUntil: "load" })).text();
      assert.match(reloaded, /<html[^>]*class="[^"]*\btheme-dark\b/, "the edge puts the saved theme in the HTML");

      // An edit shows up in the open tab.
      const index = path.join(site, "content/_index.md");
      const text = await readFile(index, "utf8");
      const marker = `Edited at ${Date.now()}`;
      await writeFile(index, text.replace("Welcome.", `Welcome. ${marker}.`));
      await waitFor("the edit in the tab", async () => (await page.evaluate(() => document.body.innerText)).includes(marker));
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await browser.close();
      server.kill("SIGTERM");
    }
  });
});

/** Polls `check` (which may throw while a page reloads) until it returns a truthy value. */
async function waitFor(what, check, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < until) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (${lastError.message})` : ""}`);
}
