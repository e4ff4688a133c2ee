// KV failing or not answering: pages are still served (without KV content, never a 5xx) and the APIs
// answer 503 with a JSON error that carries no internal detail. The failure is simulated by the
// test-only wrapper in support/kv-wrapper-worker.mjs, which hands the unchanged Worker a KV binding
// whose every call rejects (throw) or never settles (hang). Then the assets binding failing: a plain
// 500 without internal detail. Last, the Worker's own failure: after its wasm instance aborts (as on
// a Rust panic), the next request runs in a fresh instance, and pages that were on their way get at
// worst that plain 500.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CSP, SESSION_COOKIE, postJson, prepareSite, startEdge } from "./support/harness.mjs";

const VISITOR = "0123456789abcdef0123456789abcdef";
let site;

before(async () => {
  site = await prepareSite();
});

after(async () => {
  await site?.remove();
});

for (const kvMode of ["throw", "hang"]) {
  describe(`KV that ${kvMode === "throw" ? "errors" : "never answers"}`, () => {
    let edge;
    before(async () => {
      edge = await startEdge({ siteDirectory: site.directory, kvMode });
    });
    after(async () => {
      await edge?.dispose();
    });

    test("pages are served without KV content", async () => {
      const started = Date.now();
      const response = await edge.fetch("/storage/kv/", { cookies: { [SESSION_COOKIE]: VISITOR } });
      assert.equal(response.status, 200);
      const html = await response.text();
      const htmlTag = html.match(/<html[^>]*>/)[0];
      assert.match(htmlTag, /\sdata-edge="cloudflare"/);
      assert.doesNotMatch(htmlTag, /theme-/);
      assert.match(html, /<div id="pinned-message" class="pinned-message" role="status" hidden><\/div>/);
      assert.equal(response.headers.get("content-security-policy"), CSP);
      if (kvMode === "hang") {
        assert.ok(Date.now() - started < 4000, "the page waited for KV no longer than its budget");
      }
    });

    test("a theme hint still applies without KV", async () => {
      const response = await edge.fetch("/", { cookies: { [SESSION_COOKIE]: VISITOR, theme_hint: "dark" } });
      const htmlTag = (await response.text()).match(/<html[^>]*>/)[0];
      assert.match(htmlTag, /\sclass="(?:[^"]*\s)?theme-dark"/);
    });

    if (kvMode === "throw") {
      test("the APIs answer 503 with a JSON error and no internal detail", async () => {
        const responses = [
          await edge.fetch("/api/kv/theme", { cookies: { [SESSION_COOKIE]: VISITOR } }),
          await postJson(edge, "/api/kv/theme", { theme: "dark" }, { cookies: { [SESSION_COOKIE]: VISITOR } }),
          await edge.fetch("/api/kv/flags?tenant=acme", { cookies: { [SESSION_COOKIE]: VISITOR } }),
          await postJson(edge, "/api/kv/flags", { tenant: "acme", name: "x" }, { cookies: { [SESSION_COOKIE]: VISITOR } }),
        ];
        for (const response of responses) {
          assert.equal(response.status, 503);
          const text = await response.text();
          const { error } = JSON.parse(text);
          assert.equal(error.code, "kv_unavailable");
          assert.doesNotMatch(text, /DEADBEEF|simulated|internal/i);
          assert.deepEqual(response.headers.getSetCookie(), [], "a failed write sets no cookie");
        }
      });
    }
  });
}

describe("an assets binding that fails", () => {
  let edge;
  before(async () => {
    edge = await startEdge({ siteDirectory: site.directory, kvMode: "record" });
  });
  after(async () => {
    await edge?.dispose();
  });

  // `/storage/kv/` takes the page fast path (asset and KV at once); `/robots.txt` does not look like a
  // page, so the asset is fetched first on the general path.
  for (const pathname of ["/storage/kv/", "/robots.txt"]) {
    test(`${pathname} answers a plain 500 with no internal detail`, async () => {
      const response = await edge.fetch(`/__test/assets-down${pathname}`, { cookies: { [SESSION_COOKIE]: VISITOR } });
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.equal(text, "The server could not answer this request. Please try again later.");
      const next = await edge.fetch(pathname, { cookies: { [SESSION_COOKIE]: VISITOR } });
      assert.equal(next.status, 200, "the next request with working assets is served");
    });
  }
});

describe("an aborted wasm instance", () => {
  let edge;
  before(async () => {
    edge = await startEdge({ siteDirectory: site.directory, kvMode: "record" });
  });
  after(async () => {
    await edge?.dispose();
  });

  test("is replaced before the next request, which is served as usual", async () => {
    await edge.kv.put("pinned_message", "Back after a crash.");
    const instance = async () => (await edge.fetch("/__test/instance")).json();
    const before = await instance();
    assert.equal(typeof before, "number");
    const aborted = await edge.fetch("/__test/abort");
    assert.match(await aborted.text(), /^aborted: /, "the broken call threw out of the wasm");
    const response = await edge.fetch("/storage/kv/", { cookies: { [SESSION_COOKIE]: VISITOR } });
    assert.equal(await instance(), before + 1, "the next request ran in a fresh instance");
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<div id="pinned-message"[^>]*>Back after a crash\.<\/div>/);
    assert.match(html.match(/<html[^>]*>/)[0], /\sdata-edge="cloudflare"/);
  });
});

describe("pages in flight when the wasm instance aborts", () => {
  let edge;
  before(async () => {
    // KV answers after 300 ms, so the pages are still waiting when the instance aborts.
    edge = await startEdge({ siteDirectory: site.directory, kvMode: "slow" });
  });
  after(async () => {
    await edge?.dispose();
  });

  test("get the plain 500 at worst, never internal detail, and the next page is served", async () => {
    await edge.kv.put("pinned_message", "Back after a crash.");
    const instance = async () => (await edge.fetch("/__test/instance")).json();
    const before = await instance();
    const inFlight = [1, 2, 3].map(() => edge.fetch("/storage/kv/", { cookies: { [SESSION_COOKIE]: VISITOR } }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const aborted = await edge.fetch("/__test/abort");
    assert.match(await aborted.text(), /^aborted: /);
    for (const pending of inFlight) {
      const response = await pending;
      const text = await response.text();
      if (response.status === 200) {
        assert.match(text, /Back after a crash\./);
      } else {
        assert.equal(response.status, 500);
        assert.equal(text, "The server could not answer this request. Please try again later.");
      }
    }
    const next = await edge.fetch("/storage/kv/", { cookies: { [SESSION_COOKIE]: VISITOR } });
    assert.equal(next.status, 200);
    assert.match(await next.text(), /<div id="pinned-message"[^>]*>Back after a crash\.<\/div>/);
    // One fresh instance: no page on its way ran the old instance's callback in the new one (which
    // breaks the new instance's memory and aborts it in turn).
    assert.equal(await instance(), before + 1);
  });
});
