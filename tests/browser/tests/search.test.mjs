// The search dialog of the default theme on the showcase site (search is on there): opened and used
// from the keyboard alone, at 375 px, in every colour theme, with the searched terms marked on the page
// a result leads to, nothing of search loaded before it is opened, and the header's plain GET form when
// JavaScript is off, which the Worker (run in workerd) answers with the results page.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildLargerSite } from "../../search/larger-site.mjs";
import { startServer } from "../serve.mjs";
import { KV_PATH, NARROW, SITE_DIR, WIDE, applyTheme, colorThemes, contrastOf, openPage, startHarness } from "./support.mjs";

const harness = {};
before(async () => Object.assign(harness, await startHarness()));
after(async () => harness.close?.());

/**
 * Runs `body` with a fresh page of the showcase site (or of `site`, a harness-like `{ browser, server }`),
 * then fails on uncaught exceptions, console errors (but `expectedConsoleErrors`) and foreign requests.
 */
async function withPage({ site = harness, expectedConsoleErrors, ...options }, body) {
  const opened = await openPage(site, options);
  try {
    await body(opened);
    assert.deepEqual(opened.problems.pageErrors, [], "uncaught exceptions");
    const consoleErrors = opened.problems.consoleErrors.filter((text) => !expectedConsoleErrors?.test(text));
    assert.deepEqual(consoleErrors, [], "console errors");
    assert.deepEqual(opened.problems.foreignRequests, [], "requests went to another origin");
  } finally {
    await opened.context.close();
  }
}

const dialog = (page) => page.locator("dialog.search-dialog");
const combobox = (page) => page.getByRole("combobox", { name: "Search the documentation" });

async function typeQuery(page, text) {
  await page.keyboard.type(text);
  await page.locator(".search-dialog__status", { hasText: /results? on/ }).waitFor();
}

describe("the search dialog", () => {
  test("opens with /, is used with the arrow keys and Enter, and marks the terms on arrival", async () => {
    await withPage({}, async ({ page, url }) => {
      const searchRequests = [];
      page.on("request", (request) => {
        if (/\/search[/-]/.test(request.url())) searchRequests.push(request.url());
      });
      await page.goto(url("/"));
      assert.deepEqual(searchRequests, [], "nothing of search loads before it is opened");
      await page.keyboard.press("/");
      await dialog(page).waitFor();
      assert.ok(await combobox(page).evaluate((input) => input === document.activeElement));
      await typeQuery(page, "keyspace index");
      const status = await page.locator(".search-dialog__status").textContent();
      assert.match(status, /^\d+ results? on \d+ pages?\.$/, "all the pages, no More results");
      assert.equal(await page.locator(".search-dialog__status").getAttribute("aria-live"), "polite");
      assert.equal(await combobox(page).getAttribute("aria-expanded"), "true");

      const options = page.getByRole("option");
      const count = await options.count();
      assert.ok(count >= 2, `${count} options`);
      const active = () => combobox(page).getAttribute("aria-activedescendant");
      const first = await active();
      assert.equal(first, await options.nth(0).getAttribute("id"));
      await page.keyboard.press("ArrowDown");
      assert.equal(await active(), await options.nth(1).getAttribute("id"));
      assert.equal(await options.nth(1).getAttribute("aria-selected"), "true");
      assert.equal(await options.nth(0).getAttribute("aria-selected"), "false");
      await page.keyboard.press("ArrowUp");
      await page.keyboard.press("ArrowUp");
      assert.equal(await active(), await options.nth(count - 1).getAttribute("id"), "the arrows wrap");
      await page.keyboard.press("ArrowDown");
      assert.equal(await active(), first);

      // Results are grouped by page, each option with its heading trail and marked excerpt.
      const group = page.locator(".search-group").first();
      assert.equal(await group.getAttribute("role"), "group");
      assert.equal(await group.getAttribute("aria-labelledby"), await group.locator(".search-group__title").getAttribute("id"));
      assert.match(await options.first().getAttribute("href"), /^\/storage\/kv\/\?highlight=[^#]+#the-keyspace-as-an-index$/);
      assert.ok((await options.first().locator("mark").count()) > 0, "the excerpt marks the terms");

      await page.keyboard.press("Enter");
      await page.waitForURL(/\/storage\/kv\/\?highlight=.*#the-keyspace-as-an-index$/);
      const marks = page.locator("mark.search-highlight");
      await marks.first().waitFor({ state: "attached" });
      assert.ok((await marks.filter({ visible: true }).count()) > 0, "some marks are visible");
      const texts = await marks.allTextContents();
      assert.ok(texts.some((text) => /keyspace/i.test(text)) && texts.some((text) => /^index/i.test(text)), texts.join());
      const heading = page.locator("#the-keyspace-as-an-index");
      await page.waitForFunction(() => {
        const top = document.getElementById("the-keyspace-as-an-index").getBoundingClientRect().top;
        return top >= 0 && top < window.innerHeight / 2;
      });
      assert.ok(await heading.isVisible());
      // The marks wrap text nodes: the page's text is unchanged.
      assert.ok(await page.evaluate(() => !document.querySelector(".prose").innerHTML.includes("&lt;mark")));
    });
  });

  test("Ctrl-K and Cmd-K open it, Escape closes it and focus goes back, Tab stays inside", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      for (const shortcut of ["Control+k", "Meta+k"]) {
        const opener = page.locator("[data-search-open]");
        await opener.focus();
        await page.keyboard.press(shortcut);
        await dialog(page).waitFor();
        assert.ok(await combobox(page).evaluate((input) => input === document.activeElement), shortcut);
        await page.keyboard.press("Tab");
        assert.equal(await page.evaluate(() => document.activeElement.className), "search-dialog__close");
        await page.keyboard.press("Tab");
        assert.ok(await combobox(page).evaluate((input) => input === document.activeElement), "Tab wraps");
        await page.keyboard.press("Shift+Tab");
        assert.equal(await page.evaluate(() => document.activeElement.className), "search-dialog__close");
        await page.keyboard.press("Shift+Tab");
        // One Escape closes, even with text in the field (a search field would clear itself first).
        await page.keyboard.type("kv");
        await page.keyboard.press("Escape");
        await dialog(page).waitFor({ state: "hidden" });
        assert.ok(await opener.evaluate((button) => button === document.activeElement), "focus returns");
      }
      // The header button opens it too; typing "/" in a field does not.
      await page.locator("[data-search-open]").click();
      await dialog(page).waitFor();
      await page.keyboard.type("a/b");
      assert.equal(await combobox(page).inputValue(), "a/b");
    });
  });

  test("a query without results says so; an unknown word finds its near spelling", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url("/"));
      await page.keyboard.press("Control+k");
      await dialog(page).waitFor();
      await page.keyboard.type("zzzqqx");
      await page.locator(".search-dialog__status", { hasText: "No results" }).waitFor();
      assert.equal(await page.getByRole("option").count(), 0);
      await combobox(page).fill("");
      await page.keyboard.type("keyspase");
      await page.locator(".search-dialog__status", { hasText: /results? on/ }).waitFor();
      assert.ok((await page.getByRole("option").count()) > 0);
    });
  });

  test("an index that cannot be read gets a plain sentence, and a retry works once it is back", async () => {
    await withPage({ expectedConsoleErrors: /status of 503/ }, async ({ page, url }) => {
      await page.route("**/search/manifest.json", (route) => route.fulfill({ status: 503, body: "down" }));
      await page.goto(url("/"));
      await page.keyboard.press("Control+k");
      await dialog(page).waitFor();
      await page.keyboard.type("kv");
      const status = page.locator(".search-dialog__status");
      await status.filter({ hasText: "could not load" }).waitFor();
      assert.equal(await status.textContent(), "Search could not load the index. Check the connection and try again.");
      await page.unroute("**/search/manifest.json");
      await typeQuery(page, " store");
      assert.ok((await page.getByRole("option").count()) > 0);
    });
  });

  test("at 375 px the button is on every page and the dialog fits the screen", async () => {
    await withPage({ viewport: NARROW }, async ({ page, url }) => {
      for (const path of ["/", "/storage/", KV_PATH]) {
        await page.goto(url(path));
        const box = await page.locator("[data-search-open]").boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= NARROW.width, `${path}: ${JSON.stringify(box)}`);
        assert.ok(box.width >= 40 && box.height >= 40, `${path}: a touch target: ${JSON.stringify(box)}`);
      }
      await page.locator("[data-search-open]").click();
      await typeQuery(page, "theme");
      const box = await dialog(page).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= NARROW.width, JSON.stringify(box));
      assert.ok(box.y >= 0 && box.y + box.height <= NARROW.height, JSON.stringify(box));
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), NARROW.width);
      assert.ok(await page.getByRole("option").first().isVisible());
    });
  });

  test("results are legible in every colour theme", async () => {
    await withPage({ viewport: WIDE }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      await page.keyboard.press("Control+k");
      await dialog(page).waitFor();
      await typeQuery(page, "keyspace");
      for (const scheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const theme of colorThemes()) {
          await applyTheme(page, theme);
          for (const selector of [
            ".search-result__trail",
            ".search-result__excerpt",
            ".search-result mark",
            ".search-group__title",
            ".search-dialog__status",
            ".search-dialog__input",
          ]) {
            const ratio = await contrastOf(page, selector);
            assert.ok(ratio >= 4.5, `${scheme}/${theme} ${selector}: ${ratio?.toFixed(2)}`);
          }
        }
      }
      // Forced colours drop the active option's background: an outline marks it instead.
      const activeOutline = () =>
        page.locator('.search-result[aria-selected="true"]').evaluate((option) => getComputedStyle(option).outlineStyle);
      assert.equal(await activeOutline(), "none");
      await page.emulateMedia({ forcedColors: "active" });
      assert.equal(await activeOutline(), "solid");
    });
  });

  test("the marks on a result's page are legible in every colour theme, and only on ?highlight=", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      assert.equal(await page.locator("mark.search-highlight").count(), 0);
      await page.goto(url(`${KV_PATH}?highlight=keyspac%20kv.list#the-keyspace-as-an-index`));
      await page.locator("mark.search-highlight").first().waitFor({ state: "attached" });
      for (const scheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const theme of colorThemes()) {
          await applyTheme(page, theme);
          const ratio = await contrastOf(page, ".prose mark.search-highlight");
          assert.ok(ratio >= 4.5, `${scheme}/${theme}: ${ratio?.toFixed(2)}`);
        }
      }
    });
  });
});

describe("the search dialog on a site of 160 pages", () => {
  const larger = {};
  before(async () => {
    larger.temp = mkdtempSync(join(tmpdir(), "edgedocs-search-dialog-"));
    const root = buildLargerSite(join(larger.temp, "site"));
    larger.server = await startServer(join(root, "public"));
  });
  after(async () => {
    await larger.server?.close();
    if (larger.temp) rmSync(larger.temp, { recursive: true, force: true });
  });

  test("shows five pages, and More results (from the keyboard) adds ten and moves to the first new one", async () => {
    await withPage({ site: { browser: harness.browser, server: larger.server } }, async ({ page, url }) => {
      await page.goto(url("/docs/page-1/"));
      await page.keyboard.press("/");
      await dialog(page).waitFor();
      await typeQuery(page, "edge");
      const groups = page.locator(".search-group");
      assert.equal(await groups.count(), 5);
      assert.match(await page.locator(".search-dialog__status").textContent(), /^\d+ results on the first 5 pages\.$/);
      const more = page.getByRole("button", { name: "More results" });
      assert.ok(await more.isVisible());
      const firstCount = await page.getByRole("option").count();
      await page.keyboard.press("Tab");
      assert.ok(await more.evaluate((button) => button === document.activeElement), "Tab reaches More results");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelectorAll(".search-group").length === 15);
      const active = await combobox(page).getAttribute("aria-activedescendant");
      assert.equal(active, await page.getByRole("option").nth(firstCount).getAttribute("id"), "the first new option");
      assert.ok(await combobox(page).evaluate((input) => input === document.activeElement), "focus is back in the input");
      await page.keyboard.press("ArrowDown");
      assert.equal(await combobox(page).getAttribute("aria-activedescendant"), await page.getByRole("option").nth(firstCount + 1).getAttribute("id"));
      // A click in the dialog's empty space beside the button keeps it open; one on the backdrop closes it.
      const box = await more.boundingBox();
      await page.mouse.click(box.x - 20, box.y + box.height / 2);
      assert.ok(await dialog(page).isVisible(), "a click inside the dialog closed it");
      await page.mouse.click(5, 5);
      await dialog(page).waitFor({ state: "hidden" });
      await page.keyboard.press("Control+k");
      await dialog(page).waitFor();
      // A new query starts again from five pages.
      await combobox(page).fill("");
      await typeQuery(page, "worker");
      assert.equal(await groups.count(), 5);
      // A query with fewer pages than that has no More results.
      await combobox(page).fill("");
      await typeQuery(page, "Crème brûlée");
      assert.ok((await groups.count()) < 5);
      assert.ok(await more.isHidden());
    });
  });
});

describe("without JavaScript, at the edge", () => {
  test("the header's form submits to the Worker, which shows the results in the theme", async () => {
    // The built Worker (scripts/build-worker.sh) in workerd, serving this site as its static assets.
    const { startEdge } = await import("../../../edge/tests/e2e/support/harness.mjs");
    const edge = await startEdge({ siteDirectory: SITE_DIR });
    try {
      const url = (await edge.mf.ready).href.replace(/\/$/, "");
      await withPage({ site: { browser: harness.browser, server: { url } }, javaScriptEnabled: false }, async ({ page }) => {
        await page.goto(`${url}${KV_PATH}`);
        const input = page.getByRole("searchbox", { name: "Search the documentation" }).first();
        await input.fill("keyspace index");
        await Promise.all([page.waitForURL(/\/search\?q=keyspace\+index$/), input.press("Enter")]);
        await page.locator(".search-page__status", { hasText: /pages? found for/ }).waitFor();
        const links = await page.locator(".search-hit__title a").evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href")));
        assert.ok(links.length > 0 && links[0].startsWith(`${KV_PATH}?highlight=`), JSON.stringify(links));
        assert.ok((await page.locator(".search-hit__excerpt mark").count()) > 0, "the matched terms are marked");
        assert.equal(await page.locator("#search-page-input").inputValue(), "keyspace index", "the query stays in the field");
        assert.equal(await page.getAttribute("html", "data-edge"), "cloudflare", "a page through the edge");
        // The first section link leads to the page, scrolled to its section.
        await Promise.all([page.waitForURL(/highlight=/), page.locator(".search-hit__link").first().click()]);
        assert.equal(new URL(page.url()).pathname, KV_PATH);
      });
    } finally {
      await edge.dispose();
    }
  });
});

describe("without JavaScript", () => {
  test("the header's search is a GET form to /search with a q field", async () => {
    await withPage({ javaScriptEnabled: false }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      const form = page.getByRole("search");
      assert.ok(await form.isVisible());
      assert.equal(await form.getAttribute("method"), "get");
      assert.equal(await form.getAttribute("action"), "/search");
      assert.ok(await page.locator("[data-search-open]").isHidden(), "the dialog's button needs the script");
      const input = page.getByRole("searchbox", { name: "Search the documentation" });
      assert.equal(await input.getAttribute("name"), "q");
      await input.fill("keyspace index");
      // The static test server has no /search; the edge and `serve` answer it. Only the request matters.
      await page.route("**/search?*", (route) => route.fulfill({ contentType: "text/html", body: "<title>results</title>" }));
      const navigation = page.waitForRequest((request) => request.isNavigationRequest() && request.url().includes("/search?"));
      await input.press("Enter");
      const request = await navigation;
      assert.equal(new URL(request.url()).pathname, "/search");
      assert.equal(new URL(request.url()).searchParams.get("q"), "keyspace index");
      assert.equal(request.method(), "GET");
    });
  });

  test("the form fits the header at 375 px", async () => {
    await withPage({ javaScriptEnabled: false, viewport: NARROW }, async ({ page, url }) => {
      for (const path of ["/", KV_PATH]) {
        await page.goto(url(path));
        const box = await page.getByRole("search").boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= NARROW.width, `${path}: ${JSON.stringify(box)}`);
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), NARROW.width, path);
      }
    });
  });
});
