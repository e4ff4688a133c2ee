// An mdBook book built unchanged (the fixture generator/tests/fixtures/mdbook-basic, built by
// scripts/test-browser.sh into BROWSER_BOOK_DIR): the sidebar lists the chapters in SUMMARY.md's order
// with their numbers, part titles, separators and drafts; a Rust example's hidden lines stay hidden
// until the frame's toggle shows them, and hidden again on a second press; without JavaScript they
// stay hidden and the toggle is not offered.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "../browser.mjs";
import { startServer } from "../serve.mjs";

const BOOK_DIR = process.env.BROWSER_BOOK_DIR;
const harness = {};

before(async () => {
  assert.ok(BOOK_DIR, "BROWSER_BOOK_DIR names the built fixture book (scripts/test-browser.sh builds it)");
  harness.server = await startServer(BOOK_DIR);
  harness.browser = await launchBrowser();
});

after(async () => {
  await harness.browser?.close();
  await harness.server?.close();
});

async function open(path, { javaScriptEnabled = true } = {}) {
  const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(harness.server.url + path);
  return { context, page, errors };
}

test("the sidebar follows SUMMARY.md", async () => {
  const { context, page, errors } = await open("/guide/oil/");
  const entries = await page.$$eval("#site-nav .nav-item", (items) =>
    items.map((item) => {
      const kind = [...item.classList].find((name) => name.startsWith("nav-item--")).slice("nav-item--".length);
      const label = item.querySelector(":scope > .nav-link, :scope > .nav-part");
      return `${kind}:${label ? label.textContent.replace(/\s+/g, " ").trim() : ""}`;
    }),
  );
  assert.deepEqual(entries, [
    "page:Welcome",
    "page:Foreword",
    "separator:",
    "part:Getting started",
    "section:1. Lighting a lantern",
    "section:1.1. Choosing oil",
    "page:1.1.1. Advanced: wicks",
    "draft:1.2. Storing oil",
    "page:2. The lamp in code",
    "part:Reference",
    "page:3. Directives",
    "separator:",
    "page:Glossary",
  ]);
  const current = await page.$eval('#site-nav [aria-current="page"]', (link) => link.textContent.trim());
  assert.match(current, /Choosing oil/);
  // Following the order: the next page of the last numbered chapter's child is the next chapter.
  await page.click('#site-nav a[href="/guide/advanced/wicks/"]');
  await page.waitForURL(/\/guide\/advanced\/wicks\/$/);
  assert.equal(await page.$eval(".pagination__link--next .pagination__title", (el) => el.textContent.trim()), "The lamp in code");
  assert.deepEqual(errors, []);
  await context.close();
});

test("hidden lines show and hide with the toggle", async () => {
  const { context, page, errors } = await open("/code/");
  const frame = page.locator(".code-frame.has-hidden-lines").nth(1);
  const hidden = frame.locator(".line.hidden");
  const toggle = frame.locator(".code-frame__reveal");
  assert.equal(await hidden.count(), 2);
  assert.equal(await hidden.first().isVisible(), false);
  assert.equal(await frame.locator(".line:not(.hidden)").first().isVisible(), true);
  // The lines on screen, as the reader sees them: the text of each line that is displayed.
  const shownText = () =>
    frame.locator(".line").evaluateAll((lines) =>
      lines
        .filter((line) => line.getClientRects().length > 0)
        .map((line) => line.textContent.replace(/\n$/, ""))
        .join("\n"),
    );
  assert.equal(await shownText(), 'let lamp_count = 3;\n#[allow(unused)]\nprintln!("{lamp_count} lamps");');
  assert.equal(await toggle.isVisible(), true);
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  assert.equal(await hidden.first().isVisible(), true);
  assert.equal(
    await shownText(),
    'fn main() {\nlet lamp_count = 3;\n#[allow(unused)]\nprintln!("{lamp_count} lamps");\n}',
  );
  // A shown hidden line is one line high, like the others: its line end adds no empty line.
  const heights = await frame.locator(".line").evaluateAll((lines) => lines.map((line) => line.getBoundingClientRect().height));
  assert.ok(heights.every((height) => Math.abs(height - heights[1]) < 1), `line heights ${heights}`);
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  assert.equal(await hidden.first().isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("without JavaScript the hidden lines stay hidden and no toggle is offered", async () => {
  const { context, page } = await open("/code/", { javaScriptEnabled: false });
  const frame = page.locator(".code-frame.has-hidden-lines").first();
  assert.equal(await frame.locator(".line.hidden").first().isVisible(), false);
  assert.equal(await frame.locator(".code-frame__reveal").isVisible(), false);
  await context.close();
});
