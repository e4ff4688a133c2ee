// The KV page at 1280 and 375 px wide, in every colour theme: the diagram, every code frame, the table of
// contents (wide) and the navigation are visible; nothing is fetched from another origin; the console
// stays clean; body text meets WCAG AA. A screenshot of each combination goes to test-artifacts/browser/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ARTIFACTS,
  KV_PATH,
  NARROW,
  WIDE,
  applyTheme,
  colorThemes,
  contrastOf,
  openPage,
  startHarness,
} from "./support.mjs";

/** Text that must reach 4.5:1 against whatever is painted behind it, in every theme. */
const TEXT_SAMPLES = {
  "body text": ".prose > p",
  "page title": ".doc__title",
  "lead paragraph": ".doc__lead",
  "link in text": ".prose p a",
  "breadcrumb": ".breadcrumbs a",
  "inline code": ".prose :not(pre) > code",
  "code frame title": ".code-frame__title",
  "code frame text": ".code-frame .line",
  "diagram caption": ".diagram figcaption",
  "admonition title": ".admonition__title",
  "admonition text": ".admonition p:not(.admonition__title)",
  "demo status": ".demo__status:not(:empty)",
  "footer": ".site-footer__built",
};
const WIDE_SAMPLES = {
  "navigation link": ".nav-link:not([aria-current])",
  "current navigation link": '.nav-link[aria-current="page"]',
  "table of contents link": ".doc__toc .toc-link",
};

const harness = {};
const contrastReport = [];

before(async () => {
  Object.assign(harness, await startHarness());
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await harness.close?.();
  if (contrastReport.length > 0) {
    console.log("\ncontrast (lowest per theme):");
    for (const line of contrastReport) console.log(`  ${line}`);
  }
});

for (const viewport of [WIDE, NARROW]) {
  describe(`KV page at ${viewport.width} px`, () => {
    for (const theme of colorThemes()) {
      test(`theme ${theme}`, async (t) => {
        const { context, page, problems, url } = await openPage(harness, { viewport });
        try {
          await page.goto(url(KV_PATH), { waitUntil: "networkidle" });
          await applyTheme(page, theme);

          await t.test("the diagram is visible", async () => {
            const diagram = page.locator("figure.diagram svg").first();
            assert.ok(await diagram.isVisible(), "figure.diagram svg is not visible");
            const box = await diagram.boundingBox();
            assert.ok(box && box.width > 200 && box.height > 40, `diagram is too small: ${JSON.stringify(box)}`);
          });

          await t.test("every code frame is visible (tab panels one at a time)", async () => {
            const frames = page.locator(".code-frame");
            const count = await frames.count();
            assert.ok(count >= 5, `expected at least 5 code frames, found ${count}`);
            for (let i = 0; i < count; i++) {
              const frame = frames.nth(i);
              const panel = frame.locator("xpath=ancestor::div[contains(@class,'tabs__panel')][1]");
              if ((await panel.count()) === 1 && (await panel.getAttribute("hidden")) !== null) {
                const label = await panel.getAttribute("data-tab");
                const tab = page.locator(`#${await panel.getAttribute("aria-labelledby")}`);
                assert.equal(await tab.textContent(), label);
                await tab.click();
              }
              await frame.scrollIntoViewIfNeeded();
              assert.ok(await frame.isVisible(), `code frame ${i} is not visible`);
              const box = await frame.boundingBox();
              assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 1, `code frame ${i} overflows the viewport`);
            }
          });

          await t.test("the page does not scroll sideways", async () => {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
          });

          await t.test("navigation and table of contents", async () => {
            const nav = page.locator("#site-nav");
            if (viewport.width >= 800) {
              assert.ok(await nav.isVisible(), "the sidebar is not visible");
              assert.ok(await page.locator('#site-nav [aria-current="page"]').isVisible());
              assert.ok(await page.locator(".doc__toc").isVisible(), "the table of contents is not visible");
              assert.ok((await page.locator(".doc__toc .toc-link").count()) >= 5);
            } else {
              assert.ok(!(await nav.isVisible()), "the drawer should start closed");
              const toggle = page.locator("[data-nav-toggle]");
              assert.ok(await toggle.isVisible(), "the menu button is not visible");
              assert.ok(await page.locator(".toc-mobile").isVisible(), "the mobile table of contents is not visible");
              await toggle.click();
              assert.ok(await nav.isVisible(), "the drawer did not open");
              assert.equal(await toggle.getAttribute("aria-expanded"), "true");
              assert.ok(await page.locator('#site-nav [aria-current="page"]').isVisible());
              await page.keyboard.press("Escape");
              assert.ok(!(await nav.isVisible()), "Escape did not close the drawer");
            }
          });

          await t.test("text contrast meets WCAG AA (4.5:1)", async () => {
            await page.evaluate(() => window.scrollTo(0, 0));
            const samples = { ...TEXT_SAMPLES, ...(viewport.width >= 1200 ? WIDE_SAMPLES : {}) };
            const failures = [];
            let lowest = { ratio: Infinity, name: "" };
            for (const [name, selector] of Object.entries(samples)) {
              const ratio = await contrastOf(page, selector);
              if (ratio === null) continue;
              if (ratio < lowest.ratio) lowest = { ratio, name };
              if (ratio < 4.5) failures.push(`${name} (${selector}): ${ratio.toFixed(2)}`);
            }
            const body = await contrastOf(page, TEXT_SAMPLES["body text"]);
            t.diagnostic(`${theme} @${viewport.width}: body ${body.toFixed(2)}, lowest ${lowest.ratio.toFixed(2)} (${lowest.name})`);
            if (viewport.width === WIDE.width) {
              contrastReport.push(`${theme}: body text ${body.toFixed(2)}:1, lowest ${lowest.ratio.toFixed(2)}:1 (${lowest.name})`);
            }
            assert.deepEqual(failures, []);
          });

          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: join(ARTIFACTS, `kv-${viewport.width}-${theme}.png`), fullPage: true });

          assert.deepEqual(problems.foreignRequests, [], "requests went to another origin");
          assert.deepEqual(problems.pageErrors, [], "uncaught exceptions");
          assert.deepEqual(problems.consoleErrors, [], "console errors");
        } finally {
          await context.close();
        }
      });
    }
  });
}
