// What the theme's scripts and markup do for a reader: copy buttons, remembered tabs, the navigation
// drawer with and without JavaScript, the colour-theme menu, the pinned-message slot, and the KV demos both on a plain static
// host (they must say they need the edge) and behind a stand-in edge (serve.mjs's fake-edge mode).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KV_PATH, NARROW, WIDE, openPage, startHarness } from "./support.mjs";

const harness = {};
before(async () => Object.assign(harness, await startHarness()));
after(async () => harness.close?.());

async function withPage(options, body) {
  const { expectedConsoleErrors, ...pageOptions } = options;
  const opened = await openPage(harness, pageOptions);
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

describe("code frames", () => {
  test("copy buttons appear and copy the code without removed lines", async () => {
    await withPage({}, async ({ context, page, url }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url("/")).origin });
      await page.goto(url(KV_PATH));
      const frame = page.locator(".code-frame:visible").filter({ has: page.locator(".code-frame__title") }).first();
      const button = frame.locator(".code-frame__copy");
      assert.ok(await button.isVisible(), "the copy button stayed hidden");
      await button.click();
      // The label changes once the asynchronous clipboard write has finished.
      await button.filter({ hasText: /^\s*(Copied|Press Ctrl\+C)\s*$/ }).waitFor();
      assert.equal((await button.textContent()).trim(), "Copied");
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const expected = await frame.evaluate((figure) =>
        Array.from(figure.querySelectorAll("code .line"))
          .filter((line) => !line.classList.contains("del"))
          .map((line) => line.textContent)
          .join("\n"),
      );
      assert.equal(copied, expected);
      assert.ok(copied.length > 40);
    });
  });

  test("Copy page as Markdown works from the keyboard, copies the twin and announces it", async () => {
    await withPage({}, async ({ context, page, url }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url("/")).origin });
      await page.goto(url(KV_PATH));
      const button = page.locator("[data-copy-markdown]");
      const status = page.locator("[data-copy-markdown-status]");
      assert.ok(await button.isVisible(), "the script un-hides the button");
      const href = await button.getAttribute("data-copy-markdown");
      assert.equal(href, `${KV_PATH}index.md`);
      assert.equal(await page.locator('link[rel="alternate"][type="text/markdown"]').getAttribute("href"), href);
      assert.equal(await page.getByRole("link", { name: "View as Markdown" }).getAttribute("href"), href);
      assert.equal(await status.textContent(), "", "nothing announced before the copy");

      await button.focus();
      await page.keyboard.press("Enter");
      await button.filter({ hasText: /^\s*Copied\s*$/ }).waitFor();
      assert.equal(await status.textContent(), "Copied", "the status line announces the copy");
      assert.equal(await status.getAttribute("aria-live"), "polite");
      assert.ok(await button.evaluate((element) => element === document.activeElement), "focus stays on the button");
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const twin = await page.evaluate(async (markdownHref) => (await fetch(markdownHref)).text(), href);
      assert.equal(copied, twin);
      assert.ok(copied.startsWith("# KV\n"), copied.slice(0, 80));
      assert.ok(!copied.includes("+++"), "no front matter");

      await button.filter({ hasText: /^\s*Copy page as Markdown\s*$/ }).waitFor();
      assert.equal(await status.textContent(), "", "the announcement clears with the label");
      await page.keyboard.press("Space");
      await button.filter({ hasText: /^\s*Copied\s*$/ }).waitFor();
    });
  });

  test("without JavaScript the Markdown is a plain link and the copy button stays hidden", async () => {
    await withPage({ javaScriptEnabled: false }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      assert.ok(await page.locator("[data-copy-markdown]").isHidden());
      const link = page.getByRole("link", { name: "View as Markdown" });
      assert.ok(await link.isVisible());
      const response = await page.request.get(url(await link.getAttribute("href")));
      assert.equal(response.status(), 200);
      assert.match(response.headers()["content-type"], /^text\/markdown/);
    });
  });

  test("tab groups build a tablist, follow the arrow keys and remember the choice", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      const groups = page.locator("[data-tabs]");
      assert.ok((await groups.count()) >= 1, "the KV page should have a tab group");
      const first = groups.first();
      const labels = await first.locator(":scope > .tabs__panel").evaluateAll((panels) => panels.map((p) => p.dataset.tab));
      const tabs = first.locator('[role="tab"]');
      assert.deepEqual(await tabs.allTextContents(), labels);
      assert.ok(labels.length >= 2);
      assert.equal(await tabs.first().getAttribute("aria-selected"), "true");

      await tabs.first().focus();
      await page.keyboard.press("ArrowRight");
      assert.equal(await tabs.nth(1).getAttribute("aria-selected"), "true");
      assert.equal(await page.evaluate(() => document.activeElement.textContent), labels[1]);
      assert.equal(await tabs.nth(1).getAttribute("tabindex"), "0");
      assert.equal(await tabs.first().getAttribute("tabindex"), "-1");
      await page.keyboard.press("End");
      assert.equal(await tabs.last().getAttribute("aria-selected"), "true");
      await page.keyboard.press("Home");
      assert.equal(await tabs.first().getAttribute("aria-selected"), "true");
      await page.keyboard.press("ArrowRight");

      // Every group on the page that has the same label follows.
      const others = page.locator(`[data-tabs] [role="tab"]:text-is("${labels[1]}")`);
      for (let i = 0; i < (await others.count()); i++) {
        assert.equal(await others.nth(i).getAttribute("aria-selected"), "true");
      }
      assert.ok(await first.locator(`.tabs__panel[data-tab="${labels[1]}"]`).isVisible());
      assert.ok(!(await first.locator(`.tabs__panel[data-tab="${labels[0]}"]`).isVisible()));

      await page.reload();
      assert.equal(await page.locator("[data-tabs]").first().locator('[aria-selected="true"]').textContent(), labels[1]);
    });
  });

  test("without JavaScript every tab panel shows", async () => {
    await withPage({ javaScriptEnabled: false }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      const panels = page.locator(".tabs__panel");
      for (let i = 0; i < (await panels.count()); i++) assert.ok(await panels.nth(i).isVisible());
      assert.ok(!(await page.locator(".tabs__list").first().isVisible()));
      assert.equal(await page.locator(".code-frame__copy:visible").count(), 0);
    });
  });
});

describe("navigation", () => {
  test("the drawer opens without JavaScript through its link", async () => {
    await withPage({ viewport: NARROW, javaScriptEnabled: false }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      const nav = page.locator("#site-nav");
      assert.ok(!(await nav.isVisible()));
      await page.locator("[data-nav-toggle]").click();
      assert.ok(await nav.isVisible(), "#site-nav:target did not show the drawer");
      await page.locator("[data-nav-close]").click();
      assert.ok(!(await nav.isVisible()), "the close link did not close the drawer");
    });
  });

  test("skip link, landmarks and the current page", async () => {
    await withPage({ viewport: WIDE }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      await page.keyboard.press("Tab");
      const skip = page.locator(".skip-link");
      assert.ok(await skip.isVisible(), "the skip link does not show on focus");
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement.id), "content");
      for (const selector of ["body > header", "nav#site-nav", "main#content", "body > footer", 'nav[aria-label="Breadcrumbs"]']) {
        assert.equal(await page.locator(selector).count(), 1, `missing ${selector}`);
      }
      assert.equal(await page.locator('#site-nav a[aria-current="page"]').getAttribute("href"), KV_PATH);
    });
  });
});

describe("colour themes", () => {
  test("with no theme class the page follows prefers-color-scheme", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      await page.emulateMedia({ colorScheme: "light" });
      assert.equal(await background(), "rgb(255, 255, 255)");
      await page.emulateMedia({ colorScheme: "dark" });
      assert.equal(await background(), "rgb(17, 19, 23)");
      // An explicit class wins over the system setting.
      await page.evaluate(() => document.documentElement.classList.add("theme-sepia"));
      assert.equal(await background(), "rgb(246, 239, 223)");
    });
  });
});

describe("small screens", () => {
  test("at 375 px a wide table scrolls sideways instead of breaking inline code a letter per line", async () => {
    await withPage({ viewport: NARROW }, async ({ page, url }) => {
      await page.goto(url("/storage/"));
      await page.evaluate(() => {
        const table = document.createElement("table");
        table.id = "wide-table";
        const row = (cells) => `<tr>${cells.map((cell) => `<td><code>${cell}</code></td>`).join("")}</tr>`;
        table.innerHTML = `<tbody>${row(["CLOUDFLARE_ACCOUNT_IDENTIFIER", "namespace_binding_name", "application/x-www-form-urlencoded"])}</tbody>`;
        const prose = document.querySelector(".prose");
        prose.append(table);
        prose.dispatchEvent(new CustomEvent("edgedocs:content", { bubbles: true }));
      });
      const table = page.locator("#wide-table");
      const { scrollWidth, clientWidth } = await table.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
      assert.ok(scrollWidth > clientWidth, "the table scrolls");
      const code = table.locator("code").first();
      const lineHeight = await code.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20);
      assert.ok((await code.boundingBox()).height < lineHeight * 1.8, "the identifier stays on one line");
      await page.waitForFunction(() => document.getElementById("wide-table").tabIndex === 0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
    });
  });

  test("no page scrolls sideways at 360 px", async () => {
    // The browser logs the 404 page's own status as a failed load.
    await withPage({ viewport: { width: 360, height: 740 }, expectedConsoleErrors: /status of 404/ }, async ({ page, url }) => {
      for (const path of ["/", "/storage/", KV_PATH, "/no-such-page/"]) {
        await page.goto(url(path));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the viewport`);
      }
    });
  });
});

describe("colour-theme menu", () => {
  const menuOption = (page, name) => page.locator(`[data-theme-menu] button[name="theme"][value="${name}"]`);
  const hasTheme = (page, name) => page.evaluate((n) => document.documentElement.classList.contains(`theme-${n}`), name);

  test("at 375 px it opens, switches and saves by keyboard alone, and the choice lasts", async () => {
    await withPage({ viewport: NARROW }, async ({ page, url }) => {
      await page.goto(url("/storage/"));
      const summary = page.locator("[data-theme-menu] summary");
      assert.ok(await summary.isVisible(), "the menu button shows on a static host with JavaScript");
      await summary.focus();
      await page.keyboard.press("Enter");
      assert.equal(await page.locator("[data-theme-menu]").getAttribute("open"), "");
      const panel = await page.locator("[data-theme-menu] form").boundingBox();
      assert.ok(panel.x >= 0 && panel.x + panel.width <= NARROW.width, `the panel fits: ${JSON.stringify(panel)}`);
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      assert.equal(await page.evaluate(() => document.activeElement.value), "sepia");
      await page.keyboard.press("Enter");
      assert.ok(await hasTheme(page, "sepia"));
      assert.equal(await page.locator("[data-theme-menu]").getAttribute("open"), null, "the menu closes");
      assert.ok(await summary.evaluate((el) => el === document.activeElement), "focus returns to the button");
      assert.equal(await menuOption(page, "sepia").getAttribute("aria-pressed"), "true");
      assert.equal(await menuOption(page, "light").getAttribute("aria-pressed"), "false");

      await page.keyboard.press("Enter");
      await page.keyboard.press("Escape");
      assert.equal(await page.locator("[data-theme-menu]").getAttribute("open"), null, "Escape closes it");

      await page.goto(url(KV_PATH));
      assert.ok(await hasTheme(page, "sepia"), "the next page comes back in the saved theme");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the header is ${overflow}px too wide`);
    });
  });

  test("behind the edge it posts the choice to the theme API", async () => {
    await withPage({ fakeEdge: true }, async ({ page, url }) => {
      await page.goto(url("/storage/"));
      await page.locator("[data-theme-menu] summary").click();
      const saved = page.waitForResponse((r) => r.url().endsWith("/api/kv/theme") && r.request().method() === "POST");
      await menuOption(page, "dark").click();
      assert.ok(await hasTheme(page, "dark"));
      assert.deepEqual(JSON.parse((await saved).request().postData()), { theme: "dark" });
      await page.reload();
      assert.ok(await hasTheme(page, "dark"));
      assert.equal(await menuOption(page, "dark").getAttribute("aria-pressed"), "true");
    });
  });

  test("without JavaScript it is a form the edge answers, and hidden on a static host", async () => {
    await withPage({ fakeEdge: true, javaScriptEnabled: false, viewport: NARROW }, async ({ page, url }) => {
      await page.goto(url("/storage/"));
      await page.locator("[data-theme-menu] summary").click();
      await menuOption(page, "high-contrast").click();
      await page.waitForURL(url("/storage/"));
      assert.ok(await hasTheme(page, "high-contrast"));
    });
    await withPage({ javaScriptEnabled: false }, async ({ page, url }) => {
      await page.goto(url("/storage/"));
      assert.ok(!(await page.locator("[data-theme-menu]").isVisible()));
    });
  });
});

describe("pinned message slot", () => {
  test("empty, it is hidden and takes no space", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      const slot = page.locator("#pinned-message");
      assert.equal(await slot.getAttribute("role"), "status");
      assert.ok(!(await slot.isVisible()));
      const height = await slot.evaluate((el) => el.getBoundingClientRect().height);
      assert.equal(height, 0);
    });
  });

  test("filled as the edge does, it shows the note", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      await page.evaluate(() => {
        const slot = document.getElementById("pinned-message");
        slot.textContent = "Maintenance on Sunday";
        slot.hidden = false;
      });
      const slot = page.locator("#pinned-message");
      assert.ok(await slot.isVisible());
      assert.ok((await slot.boundingBox()).height > 30);
    });
  });
});

describe("KV demos on a static host (no edge)", () => {
  test("each demo says that it needs the edge or the preview server", async () => {
    await withPage({}, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      for (const demo of ["theme-picker", "pinned-message", "kv-flags"]) {
        const text = await page.locator(`[data-demo="${demo}"]`).innerText();
        assert.match(text, /needs the edge/, `${demo} does not explain what it needs`);
        assert.match(text, /cargo run -- serve/, `${demo} does not name the preview server`);
      }
      // The theme buttons still preview a theme on this page.
      await page.locator('[data-theme-picker] button[name="theme"][value="dark"]').click();
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains("theme-dark")));
      assert.equal(await page.locator('[data-theme-picker] button[name="theme"][value="dark"]').getAttribute("aria-pressed"), "true");
      assert.equal(await page.locator('[data-flags-write]').isDisabled(), true);
    });
  });
});

describe("KV demos behind the edge (stand-in)", () => {
  test("theme buttons save the theme, switch it at once and mark the pressed one", async () => {
    await withPage({ fakeEdge: true }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      assert.equal(await page.evaluate(() => document.documentElement.dataset.edge), "test");
      const buttons = page.locator('[data-theme-picker] button[name="theme"]');
      for (const value of await buttons.evaluateAll((all) => all.map((b) => b.getAttribute("aria-pressed")))) {
        assert.equal(value, "false");
      }
      const saved = page.waitForResponse((r) => r.url().endsWith("/api/kv/theme") && r.request().method() === "POST");
      await page.locator('[data-theme-picker] button[name="theme"][value="sepia"]').click();
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains("theme-sepia")));
      const response = await saved;
      assert.deepEqual(JSON.parse(response.request().postData()), { theme: "sepia" });
      // The status line changes once the response body has been read.
      await page.locator('[data-demo="theme-picker"] [data-demo-status]').filter({ hasText: /Saved|Not saved/ }).waitFor();
      assert.match(await page.locator('[data-demo="theme-picker"] [data-demo-status]').innerText(), /Saved/);
      assert.equal(await page.locator('[data-theme-picker] button[value="sepia"]').getAttribute("aria-pressed"), "true");
      assert.equal(await page.locator('[data-theme-picker] button[value="light"]').getAttribute("aria-pressed"), "false");

      await page.reload();
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains("theme-sepia")));
      assert.equal(await page.locator('[data-theme-picker] button[value="sepia"]').getAttribute("aria-pressed"), "true");
    });
  });

  test("with JavaScript off the theme form posts and comes back themed", async () => {
    await withPage({ fakeEdge: true, javaScriptEnabled: false }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      await page.locator('[data-theme-picker] button[name="theme"][value="dark"]').click();
      await page.waitForURL(url(KV_PATH));
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains("theme-dark")));
    });
  });

  test("the flags demo lists, shows the empty state, writes and reports errors", async () => {
    harness.server.state.flags.clear();
    harness.server.state.failFlags = false;
    // The browser logs the deliberate 503 as a failed resource load.
    await withPage({ fakeEdge: true, expectedConsoleErrors: /status of 503/ }, async ({ page, url }) => {
      await page.goto(url(KV_PATH));
      const demo = page.locator('[data-demo="kv-flags"]');
      const status = demo.locator("[data-flags-status]");
      await assert.doesNotReject(status.filter({ hasText: "No keys under" }).waitFor());
      assert.ok(!(await demo.locator("[data-flags-nojs]").isVisible()));

      await demo.locator("#flags-name").fill("bulk-export");
      await demo.locator("#flags-by").fill("ops@acme.example");
      await demo.locator("[data-flags-write]").click();
      const row = demo.locator("[data-flags-rows] tr");
      await row.first().waitFor();
      assert.equal(await row.count(), 1);
      assert.match(await row.first().innerText(), /bulk-export\s+On/);
      assert.match(await row.first().innerText(), /ops@acme\.example/);
      assert.match(await demo.locator("[data-flags-summary]").innerText(), /1 key, 0 get\(\) calls/);

      harness.server.state.failFlags = true;
      await demo.locator("[data-flags-list]").click();
      await status.filter({ hasText: "KV did not answer in time" }).waitFor();
      assert.equal(await status.getAttribute("data-state"), "error");
      harness.server.state.failFlags = false;
    });
  });
});
