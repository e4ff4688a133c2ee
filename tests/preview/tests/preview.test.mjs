// `edgedocs serve` in a real browser: edits on disk reach open tabs by themselves (in place when only
// the page's content changed), CSS swaps in place, build errors show as an overlay and clear with the fix, and the edge's KV behaviour (theme, pinned
// message) runs locally. One server over one temporary copy of the site; each test undoes its edits.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import {
  copySite,
  edgedocs,
  edit,
  freePort,
  launchBrowser,
  pageShows,
  removeSite,
  startServer,
  waitFor,
  watchConsole,
} from "../harness.mjs";

const KV_PAGE = "/storage/kv/";

/** Scrolls the tab to `y`, marks its document (a navigation loses the mark) and returns the scroll. */
async function scrollAndMark(page, y) {
  await page.evaluate((top) => {
    window.scrollTo(0, top);
    window.sameDocument = true;
  }, y);
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 1000, `the page scrolled (${scrolled})`);
  return scrolled;
}
const KV_SOURCE = "content/storage/kv.md";
const SENTENCE = "That delay is the trade, and it is the point";

describe("edgedocs serve", () => {
  let site;
  let port;
  let server;
  let browser;

  before(async () => {
    site = await copySite();
    port = await freePort();
    server = await startServer(site, port);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (site) await removeSite(site);
  });

  async function openPage(path, context) {
    const page = await (context ?? browser).newPage();
    const problems = watchConsole(page);
    const response = await page.goto(`${server.url}${path}`, { waitUntil: "load", timeout: 30_000 });
    assert.equal(response.status(), 200, `GET ${path}`);
    // The live-reload socket is open once the client has said hello.
    await waitFor("the live-reload connection", () => page.evaluate(() => document.readyState === "complete"));
    return { page, problems };
  }

  /** Edits the KV page's source, runs `body`, then puts the text back and waits for that rebuild. */
  async function withEdit(from, to, body) {
    const before = server.output().length;
    await edit(site, KV_SOURCE, from, to);
    try {
      await body(before);
    } finally {
      const restoring = server.output().length;
      await edit(site, KV_SOURCE, to, from);
      await server.waitForOutput(/Rebuilt/, restoring);
    }
  }

  test("an edited page shows its new text in the open tab without any action", async () => {
    const { page, problems } = await openPage(KV_PAGE);
    const marker = `Edited ${Date.now()}`;
    await withEdit(SENTENCE, marker, async (from) => {
      await waitFor("the new text in the tab", () => pageShows(page, marker));
      await server.waitForOutput(/Rebuilt \/storage\/kv\/ in \d+ ms/, from);
    });
    assert.deepEqual(problems, [], "no console errors or CSP violations (the socket is allowed)");
    await page.close();
  });

  /** Counts the tab's navigations (reloads included) from now on. */
  function countNavigations(page) {
    const counter = { count: 0 };
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) counter.count += 1;
    });
    return counter;
  }

  test("an edited page's text is replaced in place: no navigation, same scroll position", async () => {
    const { page, problems } = await openPage(KV_PAGE);
    const scrolled = await scrollAndMark(page, 1800);
    const navigations = countNavigations(page);
    const marker = `In place ${Date.now()}`;
    await withEdit(SENTENCE, marker, async () => {
      await waitFor("the new text in the tab", () => pageShows(page, marker));
      assert.equal(await page.evaluate(() => window.sameDocument), true, "the document is the same");
      assert.equal(navigations.count, 0, "no navigation");
      assert.equal(await page.evaluate(() => window.scrollY), scrolled, "the scroll position is kept");
      assert.equal(await page.evaluate(() => document.querySelectorAll("main").length), 1);
    });
    // Putting the text back is another in-place update.
    await waitFor("the old text again", () => pageShows(page, SENTENCE));
    assert.equal(navigations.count, 0, "no navigation for the second edit either");
    assert.deepEqual(problems, [], "no console errors or CSP violations");
    await page.close();
  });

  test("a new description updates the page and its <meta> in place", async () => {
    const { page } = await openPage(KV_PAGE);
    await page.evaluate(() => (window.sameDocument = true));
    const description = `Described ${Date.now()}`;
    await withEdit("A global key-value store for data", description, async () => {
      await waitFor("the new lead", async () => (await page.locator(".doc__lead").innerText()).startsWith(description));
      const meta = await page.evaluate(() => document.querySelector('meta[name="description"]').content);
      assert.ok(meta.startsWith(description), meta);
      assert.equal(await page.evaluate(() => window.sameDocument), true, "the document is the same");
    });
    await page.close();
  });

  test("a change outside the page's content (its title in the navigation) still reloads", async () => {
    const { page } = await openPage(KV_PAGE);
    await page.evaluate(() => (window.sameDocument = true));
    const title = `KV ${Date.now()}`;
    await withEdit('title = "KV"', `title = "${title}"`, async () => {
      await waitFor("the new title", async () => (await page.evaluate(() => document.title)).startsWith(title));
      assert.equal(await page.evaluate(() => window.sameDocument), undefined, "the tab reloaded");
      assert.ok(await page.locator(".sidebar").getByText(title).count(), "the navigation shows the new title");
    });
    await page.close();
  });

  test("copy buttons, tab groups and demos work after an in-place update", async () => {
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const { page, problems } = await openPage(KV_PAGE, context);
    await page.evaluate(() => (window.sameDocument = true));
    const marker = `Enhanced ${Date.now()}`;
    await withEdit(SENTENCE, marker, async () => {
      await waitFor("the new text in the tab", () => pageShows(page, marker));
      assert.equal(await page.evaluate(() => window.sameDocument), true, "updated in place");
      const counts = await page.evaluate(() => ({
        frames: document.querySelectorAll(".code-frame").length,
        visibleCopyButtons: document.querySelectorAll(".code-frame__copy:not([hidden])").length,
        panels: document.querySelectorAll("[data-tabs] .tabs__panel[data-tab]").length,
        tabs: document.querySelectorAll("[data-tabs] .tabs__tab").length,
        readyGroups: document.querySelectorAll("[data-tabs].tabs--ready").length,
        groups: document.querySelectorAll("[data-tabs]").length,
      }));
      assert.ok(counts.frames > 0 && counts.visibleCopyButtons === counts.frames, JSON.stringify(counts));
      assert.ok(counts.groups > 0 && counts.readyGroups === counts.groups, JSON.stringify(counts));
      assert.equal(counts.tabs, counts.panels, "one tab per panel, none twice");

      // A tab group switches panels.
      const group = page.locator("[data-tabs]").first();
      const secondTab = group.locator(".tabs__tab").nth(1);
      await secondTab.click();
      assert.equal(await secondTab.getAttribute("aria-selected"), "true");
      const panelId = await secondTab.getAttribute("aria-controls");
      assert.equal(await page.locator(`[id="${panelId}"]`).isVisible(), true, "its panel shows");

      // A copy button copies.
      const copy = page.locator(".code-frame__copy >> visible=true").first();
      await copy.click();
      await waitFor("the copy confirmation", async () => /Copied|Press Ctrl\+C/.test(await copy.innerText()));

      // The demos are set up again: the theme picker says where the theme came from.
      const status = page.locator("[data-theme-picker] [data-demo-status]");
      await waitFor("the theme picker's status", async () => (await status.innerText()).trim().length > 0);
    });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("several tabs, and a tab opened after the change, all end up current", async () => {
    const first = await openPage(KV_PAGE);
    const second = await openPage(KV_PAGE);
    const other = await openPage("/");
    await other.page.evaluate(() => (window.notReloaded = true));
    const marker = `Both tabs ${Date.now()}`;
    await withEdit(SENTENCE, marker, async () => {
      await waitFor("the first tab", () => pageShows(first.page, marker));
      await waitFor("the second tab", () => pageShows(second.page, marker));
      const late = await openPage(KV_PAGE);
      assert.ok(await pageShows(late.page, marker), "a tab opened after the change");
      assert.equal(await other.page.evaluate(() => window.notReloaded), true, "a page that did not change stays");
      await late.page.close();
    });
    await Promise.all([first.page.close(), second.page.close(), other.page.close()]);
  });

  test("a CSS change applies without a navigation and keeps the scroll position", async () => {
    const { page, problems } = await openPage(KV_PAGE);
    const scrolled = await scrollAndMark(page, 1500);
    const probe = () =>
      page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--preview-probe").trim());
    assert.equal(await probe(), "");

    const stylesheet = "themes/default/assets/css/base.css";
    const rule = "\n:root { --preview-probe: 7px; }\n";
    const { readFile, writeFile } = await import("node:fs/promises");
    const path = `${site}/${stylesheet}`;
    const original = await readFile(path, "utf8");
    await writeFile(path, original + rule);
    try {
      await waitFor("the new style", async () => (await probe()) === "7px");
      assert.equal(await page.evaluate(() => window.sameDocument), true, "no navigation happened");
      assert.equal(await page.evaluate(() => window.scrollY), scrolled, "the scroll position is kept");
      assert.match(server.output(), /Rebuilt the stylesheet in \d+ ms/);
    } finally {
      const restoring = server.output().length;
      await writeFile(path, original);
      await server.waitForOutput(/Rebuilt/, restoring);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("a reload keeps the scroll position (within the height of the edited line)", async () => {
    const { page } = await openPage(KV_PAGE);
    await page.evaluate(() => window.scrollTo(0, 2000));
    const scrolled = await page.evaluate(() => window.scrollY);
    const marker = `Scrolled ${Date.now()}`;
    await withEdit(SENTENCE, marker, async () => {
      await waitFor("the new text", () => pageShows(page, marker));
      // The marker is shorter than the sentence it replaces, so the text below moves up a line or so;
      // the browser keeps the reader on the same content, which is what matters.
      await waitFor("the scroll position", async () => Math.abs((await page.evaluate(() => window.scrollY)) - scrolled) < 60);
    });
    await page.close();
  });

  test("broken front matter shows an overlay with file:line; the fix clears it", async () => {
    const { page } = await openPage(KV_PAGE);
    const overlay = page.locator("#edgedocs-error-overlay");
    await withEdit("weight = 10", "weight = ", async (from) => {
      await overlay.locator(".location").first().waitFor({ state: "visible", timeout: 15_000 });
      const location = await overlay.locator(".location").first().innerText();
      assert.match(location, /^content\/storage\/kv\.md:4:\d+$/);
      assert.match(await overlay.locator(".message").first().innerText(), /^error: front matter/);
      assert.ok(await pageShows(page, "KV is the storage building block"), "the last good version stays");
      await server.waitForOutput(/error: content\/storage\/kv\.md:4:\d+: front matter[^\n]*\n[\s\S]*build failed with 1 error/, from);

      const late = await openPage(KV_PAGE);
      await late.page
        .locator("#edgedocs-error-overlay .location")
        .first()
        .waitFor({ state: "visible", timeout: 15_000 });
      assert.match(await late.page.locator("#edgedocs-error-overlay .location").first().innerText(), /kv\.md:4:/);
      await late.page.close();
    });
    await overlay.waitFor({ state: "detached", timeout: 15_000 });
    await page.close();
  });

  test("the theme set with the page's buttons is in the first HTML of the next load", async () => {
    const context = await browser.newContext();
    const { page, problems } = await openPage(KV_PAGE, context);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.edge), "preview");
    await page.locator('[data-theme-picker] button[name="theme"][value="dark"]').click();
    await waitFor("the saved status", () => pageShows(page, "Saved under"));

    const response = await page.reload({ waitUntil: "load" });
    const html = await response.text();
    assert.match(html, /<html[^>]*class="[^"]*\btheme-dark\b[^"]*"/, "the class is in the HTML, not added later");
    assert.match(html, /<html[^>]*data-edge="preview"/);

    // Without the short-lived hint cookie the theme comes from KV (theme:<sessionId>).
    const cookies = await context.cookies();
    assert.ok(cookies.some((cookie) => cookie.name === "session"), "a session cookie was set");
    await context.clearCookies();
    await context.addCookies(cookies.filter((cookie) => cookie.name !== "theme_hint"));
    const fromKv = await (await page.reload({ waitUntil: "load" })).text();
    assert.match(fromKv, /<html[^>]*class="[^"]*\btheme-dark\b/, "read from the local KV store");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("`edgedocs kv put pinned_message` shows on the next load", async () => {
    const { page } = await openPage(KV_PAGE);
    assert.equal(await page.locator("#pinned-message").isVisible(), false);
    const message = `Preview maintenance at ${Date.now()}`;
    await edgedocs(site, ["kv", "put", "pinned_message", message]);
    try {
      const html = await (await page.reload({ waitUntil: "load" })).text();
      assert.ok(html.includes(`role="status">${message}</div>`), "the message is in the HTML");
      assert.equal(await page.locator("#pinned-message").innerText(), message);
      assert.equal(await page.locator("#pinned-message").isVisible(), true);
    } finally {
      await edgedocs(site, ["kv", "delete", "pinned_message"]);
    }
    const html = await (await page.reload({ waitUntil: "load" })).text();
    assert.ok(!html.includes(message), "deleted: gone on the next load");
    await page.close();
  });

  test("a dropped connection reconnects, and the tab reloads if the site changed meanwhile", async () => {
    const { page } = await openPage(KV_PAGE);
    await server.stop();
    const marker = `While away ${Date.now()}`;
    await edit(site, KV_SOURCE, SENTENCE, marker);
    try {
      await sleep(300);
      server = await startServer(site, port);
      await waitFor("the reconnected tab's new text", () => pageShows(page, marker), { timeoutMs: 20_000 });
    } finally {
      const restoring = server.output().length;
      await edit(site, KV_SOURCE, marker, SENTENCE);
      await server.waitForOutput(/Rebuilt/, restoring);
    }
    await page.close();
  });

  test("folders redirect to the trailing slash and unknown paths get the theme's 404 page", async () => {
    const redirect = await fetch(`${server.url}/storage/kv`, { redirect: "manual" });
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get("location"), "/storage/kv/");
    const missing = await fetch(`${server.url}/no/such/page/`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get("content-type"), /^text\/html/);
    assert.match(await missing.text(), /data-edge="preview"/);
    const script = await fetch(`${server.url}/__edgedocs/livereload.js`);
    assert.match(script.headers.get("content-type"), /^text\/javascript/);
  });
});
