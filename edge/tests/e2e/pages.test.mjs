// HTML pages through the Worker: injection, fail-safe defaults, security and caching headers,
// streaming of a large page, non-HTML assets passing through untouched, and documents that are not
// pages (SVG, XML) served with the locked-down policy, by _headers or by the Worker.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CSP,
  DOCUMENT_CSP,
  FIXTURE_SITE,
  PLAIN_JSON,
  PLAIN_SESSION_COOKIE,
  SESSION_COOKIE,
  XML_FEED,
  largePage,
  prepareSite,
  startEdge,
} from "./support/harness.mjs";

const VISITOR = "0123456789abcdef0123456789abcdef";
let site;
let edge;

before(async () => {
  site = await prepareSite();
  edge = await startEdge({ siteDirectory: site.directory });
});

after(async () => {
  await edge?.dispose();
  await site?.remove();
});

function htmlTag(html) {
  return html.match(/<html[^>]*>/)[0];
}

function pinnedSlot(html) {
  return html.match(/<div id="pinned-message"[^>]*>[\s\S]*?<\/div>/)[0];
}

describe("a first visit", () => {
  test("gets the page marked by the edge, no cookie, the slot left hidden and empty", async () => {
    await edge.kv.delete("pinned_message");
    const response = await edge.fetch("/");
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(htmlTag(html), /data-edge="cloudflare"/);
    assert.doesNotMatch(htmlTag(html), /theme-/);
    assert.match(pinnedSlot(html), /^<div id="pinned-message" class="pinned-message" role="status" hidden><\/div>$/);
    assert.deepEqual(response.headers.getSetCookie(), [], "pages never mint the session: it is minted lazily by the API");
  });

  test("carries the security headers and personalised caching", async () => {
    const response = await edge.fetch("/");
    await response.arrayBuffer();
    assert.equal(response.headers.get("content-security-policy"), CSP);
    assert.ok(CSP.split("; ").includes("object-src 'none'"), "no plugins on pages");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
    assert.equal(response.headers.get("cache-control"), "private, no-store");
    assert.match(response.headers.get("vary"), /\bCookie\b/);
    assert.equal(response.headers.get("etag"), null);
    assert.match(response.headers.get("content-type"), /^text\/html/);
  });
});

describe("the pinned message", () => {
  test("appears in the first HTML when the key is set", async () => {
    await edge.kv.put("pinned_message", "Scheduled maintenance on Saturday, 10:00 UTC.");
    const html = await (await edge.fetch("/")).text();
    assert.equal(
      pinnedSlot(html),
      '<div id="pinned-message" class="pinned-message" role="status">Scheduled maintenance on Saturday, 10:00 UTC.</div>',
    );
  });

  test("is inserted as text: markup in it comes out escaped", async () => {
    await edge.kv.put("pinned_message", '<script>alert("x")</script><b>bold</b> & more');
    const html = await (await edge.fetch("/storage/kv/")).text();
    assert.equal(
      pinnedSlot(html),
      '<div id="pinned-message" class="pinned-message" role="status">&lt;script&gt;alert("x")&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; more</div>',
    );
    assert.doesNotMatch(html, /<script>alert/);
    if (site.source === FIXTURE_SITE) {
      assert.match(html, /<code>&lt;div id="pinned-message"&gt;&lt;\/div&gt;<\/code>/, "escaped markup in the page is not a slot");
    }
    await edge.kv.delete("pinned_message");
  });
});

describe("the visitor's theme", () => {
  test("comes from theme:<sessionId> in KV", async () => {
    await edge.kv.put(`theme:${VISITOR}`, "sepia");
    const html = await (await edge.fetch("/storage/kv/", { cookies: { [SESSION_COOKIE]: VISITOR } })).text();
    assert.match(htmlTag(html), /\sclass="(?:[^"]*\s)?theme-sepia"/);
    assert.match(htmlTag(html), /\sdata-edge="cloudflare"/);
  });

  test("is ignored when the stored value is not an allowed theme", async () => {
    await edge.kv.put(`theme:${VISITOR}`, '"><script>alert(1)</script>');
    const html = await (await edge.fetch("/", { cookies: { [SESSION_COOKIE]: VISITOR } })).text();
    assert.doesNotMatch(htmlTag(html), /theme-/);
    assert.doesNotMatch(html, /<script>alert/);
  });

  test("still comes from a visitor's session cookie from before the __Host- prefix", async () => {
    await edge.kv.put(`theme:${VISITOR}`, "dark");
    const html = await (await edge.fetch("/", { cookies: { [PLAIN_SESSION_COOKIE]: VISITOR } })).text();
    assert.match(htmlTag(html), /\sclass="(?:[^"]*\s)?theme-dark"/);
  });

  test("ignores a theme_hint cookie that names no allowed theme", async () => {
    await edge.kv.delete(`theme:${VISITOR}`);
    const html = await (await edge.fetch("/", { cookies: { [SESSION_COOKIE]: VISITOR, theme_hint: "neon" } })).text();
    assert.doesNotMatch(htmlTag(html), /theme-/);
  });
});

describe("other responses", () => {
  test("the 404 page is served with status 404 and injected", async () => {
    const response = await edge.fetch("/no/such/page/");
    assert.equal(response.status, 404);
    const html = await response.text();
    assert.match(htmlTag(html), /data-edge="cloudflare"/);
    assert.equal(response.headers.get("content-security-policy"), CSP);
  });

  test("a HEAD request gets the page headers and no body", async () => {
    const response = await edge.fetch("/", { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-security-policy"), CSP);
    assert.equal((await response.arrayBuffer()).byteLength, 0);
  });

  test("fingerprinted assets are served untouched, without the Worker", async () => {
    const cssPath = path.join(site.directory, "assets");
    const { readdir } = await import("node:fs/promises");
    const css = (await readdir(cssPath)).find((name) => name.endsWith(".css"));
    const response = await edge.fetch(`/assets/${css}`);
    assert.equal(response.status, 200);
    const body = Buffer.from(await response.arrayBuffer());
    assert.deepEqual(body, await readFile(path.join(cssPath, css)));
    assert.equal(response.headers.get("content-security-policy"), null, "the Worker did not run");
    assert.match(response.headers.get("content-type"), /^text\/css/);
  });

  test("non-HTML files the Worker does run for pass through unchanged", async () => {
    const response = await edge.fetch("/data/versions.json", { cookies: { [SESSION_COOKIE]: VISITOR } });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), PLAIN_JSON);
    assert.match(response.headers.get("content-type"), /^application\/json/);
    assert.equal(response.headers.get("content-security-policy"), null);
    assert.equal(response.headers.get("cache-control")?.includes("private") ?? false, false);
  });
});

describe("documents that are not pages", () => {
  test("an SVG skips the Worker and gets the locked-down policy from _headers", async () => {
    const response = await edge.fetch("/images/diagram.svg", { cookies: { [SESSION_COOKIE]: VISITOR } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /^image\/svg\+xml/);
    assert.equal(response.headers.get("content-security-policy"), DOCUMENT_CSP);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("vary"), null, "the Worker did not run: nothing personalised");
    assert.deepEqual(
      Buffer.from(await response.arrayBuffer()),
      await readFile(path.join(site.directory, "images/diagram.svg")),
    );
  });

  test("an SVG whose name the _headers rule misses gets the same policy from the Worker", async () => {
    // Rules and run_worker_first match paths case-sensitively: `.SVG` reaches the Worker.
    const response = await edge.fetch("/images/DIAGRAM.SVG");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /^image\/svg\+xml/);
    assert.equal(response.headers.get("content-security-policy"), DOCUMENT_CSP);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(
      Buffer.from(await response.arrayBuffer()),
      await readFile(path.join(site.directory, "images/DIAGRAM.SVG")),
    );
  });

  test("an XML file through the Worker gets it too", async () => {
    const response = await edge.fetch("/data/feed.xml");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /xml/);
    assert.equal(response.headers.get("content-security-policy"), DOCUMENT_CSP);
    assert.equal(await response.text(), XML_FEED);
  });
});

describe("a 1 MiB page", () => {
  test("streams through intact, rewritten", async () => {
    await edge.kv.put("pinned_message", "Large page banner");
    await edge.kv.put(`theme:${VISITOR}`, "dark");
    const response = await edge.fetch("/large/", { cookies: { [SESSION_COOKIE]: VISITOR } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-length"), null, "a rewritten page is streamed, not sized up front");
    const reader = response.body.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
    }
    const html = Buffer.concat(chunks).toString("utf8");
    const expected = largePage(1024 * 1024)
      .replace('<html lang="en" class="large">', '<html lang="en" class="large theme-dark" data-edge="cloudflare">')
      .replace(
        '<div id="pinned-message" class="pinned-message" role="status" hidden></div>',
        '<div id="pinned-message" class="pinned-message" role="status">Large page banner</div>',
      );
    assert.equal(html.length, expected.length);
    assert.ok(html === expected, "the rewritten page equals the original with only the two injections");
    assert.ok(chunks.length > 1, `the body arrived in ${chunks.length} chunks`);
    await edge.kv.delete("pinned_message");
    await edge.kv.delete(`theme:${VISITOR}`);
  });
});
