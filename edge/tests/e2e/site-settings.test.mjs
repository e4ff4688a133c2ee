// The site's settings (edge-config.js, which `edgedocs build` writes beside the Worker) decide the
// colour-theme allow-list and whether the demo APIs answer; settings that do not read leave the edge
// with the pinned message only, never a failing page.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SESSION_COOKIE, postJson, prepareSite, startEdge } from "./support/harness.mjs";

const VISITOR = "0123456789abcdef0123456789abcdef";

let site;

before(async () => {
  site = await prepareSite();
});

after(async () => {
  await site?.remove();
});

function htmlTag(html) {
  return html.match(/<html[^>]*>/)[0];
}

/** Starts the Worker with `settings`, runs `check` against it and stops it. */
async function withEdge(settings, check) {
  const edge = await startEdge({ siteDirectory: site.directory, settings });
  try {
    await check(edge);
  } finally {
    await edge.dispose();
  }
}

describe("a site without the demo APIs", () => {
  test("has its own colour themes, the theme API and the pinned message, and no flags API", async () => {
    await withEdge({ color_themes: ["light", "ocean"], demo_apis: false }, async (edge) => {
      await edge.kv.put("pinned_message", "Deploy on Friday");
      await edge.kv.put(`theme:${VISITOR}`, "ocean");
      const page = await edge.fetch("/", { cookies: { [SESSION_COOKIE]: VISITOR } });
      const html = await page.text();
      assert.match(htmlTag(html), /\bclass="[^"]*\btheme-ocean"/);
      assert.match(html, /<div id="pinned-message"[^>]*>Deploy on Friday<\/div>/);

      const sepia = await postJson(edge, "/api/kv/theme", { theme: "sepia" }, { cookies: { [SESSION_COOKIE]: VISITOR } });
      assert.equal(sepia.status, 422, "sepia is not one of this site's themes");
      assert.deepEqual((await sepia.json()).error.allowed, ["light", "ocean"]);

      const flags = await edge.fetch("/api/kv/flags?tenant=acme");
      assert.equal(flags.status, 404);
      assert.equal((await flags.json()).error.code, "not_found");
    });
  });
});

describe("a site that adds sources to its pages' policy", () => {
  test("serves its pages with the policy its build wrote, not the theme contract's", async () => {
    const policy = "default-src 'self'; script-src 'self'; img-src 'self' data: https://img.shields.io";
    await withEdge({ color_themes: ["light"], page_policy: policy }, async (edge) => {
      const page = await edge.fetch("/");
      assert.equal(page.status, 200);
      assert.equal(page.headers.get("content-security-policy"), policy);
    });
    await withEdge({ color_themes: ["light"] }, async (edge) => {
      const page = await edge.fetch("/");
      assert.match(page.headers.get("content-security-policy"), /^default-src 'self'; script-src 'self';.*img-src 'self' data:;/);
    });
  });
});

describe("settings that do not read", () => {
  for (const [name, text] of [
    ["a name that is no CSS class", '{ "color_themes": ["Dark Mode"], "demo_apis": true }'],
    ["an unknown key", '{ "colour_themes": ["dark"] }'],
    ["a policy that would split the header", '{ "color_themes": ["dark"], "page_policy": "a\\r\\nSet-Cookie: x=y" }'],
    ["no object", "undefined"],
  ]) {
    test(`(${name}) give pages without a theme class and no demo APIs`, async () => {
      await withEdge(text, async (edge) => {
        await edge.kv.put("pinned_message", "Still here");
        await edge.kv.put(`theme:${VISITOR}`, "dark");
        const page = await edge.fetch("/", { cookies: { [SESSION_COOKIE]: VISITOR } });
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.doesNotMatch(htmlTag(html), /theme-/);
        assert.match(html, />Still here<\/div>/);
        assert.equal((await edge.fetch("/api/kv/flags?tenant=acme")).status, 404);
      });
    });
  }
});
