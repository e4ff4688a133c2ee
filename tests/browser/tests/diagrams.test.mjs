// Build-time diagrams (the fixture site generator/tests/fixtures/diagrams, one page per diagram type,
// built by scripts/test-browser.sh into BROWSER_DIAGRAMS_DIR): each page's diagram recolours when the
// theme class on <html> changes and no page loads a script for its diagram; at 375 px a wide diagram
// keeps its drawn size and scrolls inside its keyboard-focusable frame, and its full-size view opens
// and closes with JavaScript off.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchBrowser } from "../browser.mjs";
import { startServer } from "../serve.mjs";
import { NARROW, REPO, WIDE, applyTheme, colorThemes } from "./support.mjs";

const DIAGRAMS_DIR = process.env.BROWSER_DIAGRAMS_DIR;
const FIXTURE_PAGES = readdirSync(join(REPO, "generator/tests/fixtures/diagrams/content"))
  .filter((name) => name.endsWith(".md") && name !== "_index.md")
  .map((name) => `/${name.slice(0, -".md".length)}/`);
/** Below this many CSS pixels, diagram text counts as shrunk out of reading size. */
const MIN_READABLE_FONT_PX = 11;

const harness = {};

before(async () => {
  assert.ok(DIAGRAMS_DIR, "BROWSER_DIAGRAMS_DIR names the built diagram fixture site (scripts/test-browser.sh builds it)");
  harness.server = await startServer(DIAGRAMS_DIR);
  harness.browser = await launchBrowser();
});

after(async () => {
  await harness.browser?.close();
  await harness.server?.close();
});

async function open(path, { viewport = WIDE, javaScriptEnabled = true } = {}) {
  const context = await harness.browser.newContext({ viewport, javaScriptEnabled, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const scripts = [];
  const errors = [];
  page.on("request", (request) => request.resourceType() === "script" && scripts.push(request.url()));
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(harness.server.url + path, { waitUntil: "networkidle" });
  return { context, page, scripts, errors };
}

/** The painted colours of every drawn element of the page's first diagram, as one string. */
async function diagramPaint(page) {
  return page.$eval("figure.diagram svg.dg", (svg) =>
    [...svg.querySelectorAll("[class]")]
      .map((element) => {
        const style = getComputedStyle(element);
        return `${style.fill}|${style.stroke}`;
      })
      .join(";"),
  );
}

test("the fixture site has a page for every diagram type", () => {
  assert.ok(FIXTURE_PAGES.length >= 14, `only ${FIXTURE_PAGES.length} fixture pages`);
});

describe("every diagram type", () => {
  for (const path of FIXTURE_PAGES) {
    test(`${path} recolours with the theme and loads no script for its diagram`, async () => {
      const { context, page, scripts, errors } = await open(path);
      try {
        assert.equal(await page.locator("figure.diagram svg.dg").count(), 1, "one diagram on the page");
        const inlineScripts = await page.$$eval("script:not([src])", (nodes) => nodes.map((node) => node.textContent));
        assert.ok(
          inlineScripts.every((text) => !/mermaid|diagram/i.test(text)),
          "no inline script draws the diagram",
        );
        assert.deepEqual(
          scripts.filter((url) => !url.endsWith(".js") || /mermaid|diagram/i.test(url)),
          [],
          "no script is fetched for the diagram",
        );
        const paints = new Set();
        for (const theme of colorThemes()) {
          await applyTheme(page, theme);
          paints.add(await diagramPaint(page));
        }
        assert.equal(paints.size, colorThemes().length, "each colour theme paints the diagram differently");
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test("with JavaScript off, every fixture page fetches no script at all and still draws", async () => {
    for (const path of FIXTURE_PAGES) {
      const { context, page, scripts } = await open(path, { javaScriptEnabled: false });
      try {
        assert.deepEqual(scripts, [], `${path} fetched a script`);
        const box = await page.locator("figure.diagram svg.dg").boundingBox();
        assert.ok(box && box.width > 50 && box.height > 20, `${path}: the diagram is not drawn: ${JSON.stringify(box)}`);
      } finally {
        await context.close();
      }
    }
  });
});

describe("a wide diagram at 375 px", () => {
  for (const javaScriptEnabled of [true, false]) {
    test(`scrolls in its frame at its drawn size and opens full size (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const { context, page } = await open("/wide/", { viewport: NARROW, javaScriptEnabled });
      try {
        const frame = page.locator("figure.diagram .diagram__frame");
        const geometry = await frame.evaluate((element) => {
          const svg = element.querySelector("svg.dg");
          const label = svg.querySelector("text");
          return {
            scrollWidth: element.scrollWidth,
            clientWidth: element.clientWidth,
            tabIndex: element.tabIndex,
            role: element.getAttribute("role"),
            name: document.getElementById(element.getAttribute("aria-labelledby"))?.textContent ?? "",
            scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
            fontSize: parseFloat(getComputedStyle(label).fontSize),
            labelHeight: label.getBoundingClientRect().height,
          };
        });
        assert.ok(geometry.scrollWidth > geometry.clientWidth, `the frame does not scroll: ${JSON.stringify(geometry)}`);
        assert.equal(geometry.tabIndex, 0, "the scroll region takes keyboard focus");
        assert.equal(geometry.role, "group");
        assert.match(geometry.name, /Load the configuration/, "the scroll region is named by the diagram's title");
        assert.ok(geometry.scale >= 0.99, `the SVG is shrunk to ${geometry.scale}`);
        assert.ok(
          geometry.fontSize * geometry.scale >= MIN_READABLE_FONT_PX && geometry.labelHeight >= MIN_READABLE_FONT_PX,
          `text drawn at ${geometry.fontSize * geometry.scale}px, ${geometry.labelHeight}px high`,
        );

        const before = await frame.evaluate((element) => element.scrollLeft);
        await frame.focus();
        await page.keyboard.press("ArrowRight");
        await page.keyboard.press("ArrowRight");
        // Polled from here: waitForFunction runs in the page, which has no script with JavaScript off.
        let scrolled = before;
        for (let attempt = 0; attempt < 50 && scrolled <= before; attempt += 1) {
          await page.waitForTimeout(20);
          scrolled = await frame.evaluate((element) => element.scrollLeft);
        }
        assert.ok(scrolled > before, "the arrow keys scroll the focused frame");

        const openLink = page.locator("figure.diagram .diagram__open");
        const close = page.locator("figure.diagram .diagram__close");
        assert.ok(await openLink.isVisible(), "the phone offers the full-size view");
        assert.ok(!(await close.isVisible()), "nothing to close before it opens");
        await openLink.click();
        const full = await page.evaluate(() => {
          const figure = document.querySelector("figure.diagram");
          const box = figure.getBoundingClientRect();
          const svg = figure.querySelector("svg.dg");
          return {
            position: getComputedStyle(figure).position,
            box: { x: box.x, y: box.y, width: box.width, height: box.height },
            scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
            topmost: document.elementFromPoint(innerWidth / 2, innerHeight / 2)?.closest("figure.diagram") === figure,
          };
        });
        assert.equal(full.position, "fixed", "the figure is laid over the page");
        assert.deepEqual(full.box, { x: 0, y: 0, width: NARROW.width, height: NARROW.height });
        assert.ok(full.scale >= 0.99, `full size is the drawn size, not ${full.scale}`);
        assert.ok(full.topmost, "nothing covers the full-size view");
        assert.ok(await close.isVisible(), "the full-size view can be closed");
        assert.ok(!(await openLink.isVisible()), "the open link hides while open");
        await close.click();
        assert.equal(await page.locator("figure.diagram").evaluate((figure) => getComputedStyle(figure).position), "static");
        assert.ok(await openLink.isVisible(), "back in the text");
        assert.ok(!(await close.isVisible()), "and nothing left to close");
      } finally {
        await context.close();
      }
    });
  }

  test("on a desktop column only a wide diagram offers the full-size view", async () => {
    for (const [path, offered] of [
      ["/wide/", true],
      ["/pie/", false],
    ]) {
      const { context, page } = await open(path, { viewport: WIDE });
      try {
        assert.equal(await page.locator("figure.diagram .diagram__open").isVisible(), offered, path);
      } finally {
        await context.close();
      }
    }
  });
});
