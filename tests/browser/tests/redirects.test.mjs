// Redirects in the preview: `edgedocs serve` on a site whose pages have `aliases` and `redirect_to`
// answers the old URLs with the rules of the `_redirects` it built, and the browser lands on the page
// (and the anchor) they lead to. Runs the binary at EDGEDOCS_BIN (default target/debug/edgedocs).
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchBrowser } from "../browser.mjs";
import { freePort, startServer } from "../../preview/harness.mjs";
import { REPO } from "./support.mjs";

let site;
let server;
let browser;

before(async () => {
  site = await mkdtemp(join(tmpdir(), "edgedocs-redirects-"));
  await cp(join(REPO, "generator/tests/fixtures/redirects"), site, { recursive: true });
  server = await startServer(site, await freePort());
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (site) await rm(site, { recursive: true, force: true });
});

test("an alias answers 301 and the browser lands on the page", async () => {
  const response = await fetch(`${server.url}/getting-started/`, { redirect: "manual" });
  assert.equal(response.status, 301);
  assert.equal(response.headers.get("location"), "/guide/intro/");

  const page = await browser.newPage();
  await page.goto(`${server.url}/getting-started/`);
  assert.equal(new URL(page.url()).pathname, "/guide/intro/");
  assert.equal(await page.locator("main h1").first().textContent(), "Introduction");
  await page.close();
});

test("an old .html URL and a redirect_to with an anchor land where they lead", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/intro.html`);
  assert.equal(new URL(page.url()).pathname, "/guide/intro/");
  await page.goto(`${server.url}/old-setup/`);
  const landed = new URL(page.url());
  assert.equal(landed.pathname, "/guide/intro/");
  assert.equal(landed.hash, "#setup");
  await page.close();
});
