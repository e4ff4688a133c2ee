// Search in `edgedocs serve`: a word saved into a page is found by the search dialog of a tab that was
// already open and had searched before the save (the preview updates the page in place, and the dialog
// then reads the new manifest), and by a tab opened after it; and, with JavaScript off, by the header's
// form, which `/search?q=` answers through the preview's edge.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copySite, edit, freePort, launchBrowser, pageShows, removeSite, startServer, waitFor, watchConsole } from "../harness.mjs";

const KV_PAGE = "/storage/kv/";
const KV_SOURCE = "content/storage/kv.md";
const SENTENCE = "That delay is the trade, and it is the point";

describe("search in edgedocs serve", () => {
  let site;
  let server;
  let browser;

  before(async () => {
    site = await copySite();
    server = await startServer(site, await freePort());
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (site) await removeSite(site);
  });

  /**
   * Opens the dialog with Ctrl-K, types `query` into an empty field and returns the options' links once
   * the status line reports this query (not an earlier one).
   */
  async function search(page, query) {
    const dialog = page.locator("dialog.search-dialog");
    if (!(await dialog.isVisible())) {
      await page.keyboard.press("Control+k");
      await dialog.waitFor();
    }
    const input = page.getByRole("combobox", { name: "Search the documentation" });
    const status = page.locator(".search-dialog__status");
    await input.fill("");
    await status.filter({ hasText: "Type to search." }).waitFor();
    await input.fill(query);
    await status.filter({ hasText: /results? on|No results/ }).waitFor();
    return page.getByRole("option").evaluateAll((options) => options.map((option) => option.getAttribute("href")));
  }

  test("a saved word is found by an open tab's dialog and by a new tab", async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}${KV_PAGE}`, { waitUntil: "load" });
    // A made-up word, so nothing matches it before the save.
    const word = `zquorblat${Date.now().toString(36)}`;
    assert.deepEqual(await search(page, word), []);
    await page.keyboard.press("Escape");

    const before = server.output().length;
    await edit(site, KV_SOURCE, SENTENCE, `${word} is the trade`);
    try {
      await server.waitForOutput(/Rebuilt/, before);
      await waitFor("the new text in the tab", () => pageShows(page, word));
      const found = await search(page, word);
      assert.ok(found.length > 0 && found[0].startsWith(`${KV_PAGE}?highlight=${word}`), JSON.stringify(found));

      const fresh = await browser.newPage();
      await fresh.goto(`${server.url}/`, { waitUntil: "load" });
      assert.ok((await search(fresh, word)).length > 0, "a new tab finds it too");
      await fresh.close();
    } finally {
      const restoring = server.output().length;
      await edit(site, KV_SOURCE, `${word} is the trade`, SENTENCE);
      await server.waitForOutput(/Rebuilt/, restoring);
    }
    assert.deepEqual(problems, [], "no console errors");
    await page.close();
  });

  test("without JavaScript, /search?q= finds a saved word through the preview's edge", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const word = `zquorblat${Date.now().toString(36)}nojs`;
    const resultLinks = () =>
      page.locator(".search-hit__title a").evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")));
    await page.goto(`${server.url}${KV_PAGE}`, { waitUntil: "load" });
    const input = page.getByRole("searchbox", { name: "Search the documentation" }).first();
    await input.fill(word);
    await Promise.all([page.waitForURL(/\/search\?q=/), input.press("Enter")]);
    await page.locator(".search-page__status", { hasText: "No results for" }).waitFor();

    const before = server.output().length;
    await edit(site, KV_SOURCE, SENTENCE, `${word} is the trade`);
    try {
      await server.waitForOutput(/Rebuilt/, before);
      await page.reload({ waitUntil: "load" });
      await page.locator(".search-page__status", { hasText: "1 page found for" }).waitFor();
      const links = await resultLinks();
      assert.ok(links[0].startsWith(`${KV_PAGE}?highlight=${word}`), JSON.stringify(links));
      assert.equal(await page.locator("#search-page-input").inputValue(), word);
      assert.equal(await page.getAttribute("html", "data-edge"), "preview");
    } finally {
      const restoring = server.output().length;
      await edit(site, KV_SOURCE, `${word} is the trade`, SENTENCE);
      await server.waitForOutput(/Rebuilt/, restoring);
    }
    await context.close();
  });
});
