// Search without JavaScript and Markdown for agents, through the Worker in workerd: `/search?q=` is
// answered from the index the build wrote (read through the assets binding) as the theme's results
// page with the page injection, bounded and escaped; a page URL answers its Markdown twin to a request
// that prefers text/markdown, and both answers vary on Accept. The site is tests/e2e/search-site built
// by the binary under test (EDGEDOCS_BIN, else target/debug/edgedocs), so the index is in its format.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { EDGE_DIR, startEdge } from "./support/harness.mjs";

const SOURCE = path.join(EDGE_DIR, "tests/e2e/search-site");
const BINARY = process.env.EDGEDOCS_BIN || path.join(EDGE_DIR, "../target/debug/edgedocs");
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

let output;
let edge;

before(async () => {
  assert.ok(existsSync(BINARY), `build the binary first (cargo build -p edgedocs) or set EDGEDOCS_BIN: ${BINARY}`);
  // Built from a copy, so the build's own files (.edgedocs/) stay out of the repository.
  output = await mkdtemp(path.join(tmpdir(), "edgedocs-e2e-search-"));
  await cp(SOURCE, path.join(output, "source"), { recursive: true });
  execFileSync(BINARY, ["build", "--output", path.join(output, "public")], { cwd: path.join(output, "source"), stdio: "pipe" });
  edge = await startEdge({ siteDirectory: path.join(output, "public") });
});

after(async () => {
  await edge?.dispose();
  if (output) await rm(output, { recursive: true, force: true });
});

async function search(query, init) {
  const response = await edge.fetch(`/search?q=${encodeURIComponent(query)}`, init);
  return { response, html: await response.text() };
}

/** The results the page lists: each page's title and its section links. */
function results(html) {
  return [...html.matchAll(/<li class="search-hit"><h2 class="search-hit__title"><a href="([^"]*)">([^<]*)<\/a>/g)].map(
    ([, href, title]) => ({ href, title }),
  );
}

describe("/search", () => {
  test("finds a known term's section, with its trail, link and marked excerpt, in the themed page", async () => {
    await edge.kv.put("pinned_message", "Search moved to the edge");
    const { response, html } = await search("keyspace");
    assert.equal(response.status, 200);
    assert.deepEqual(results(html), [{ href: "/storage/kv/?highlight=keyspac", title: "Workers KV" }]);
    assert.match(html, /1 page found for <bdi>keyspace<\/bdi>/);
    assert.match(html, /href="\/storage\/kv\/\?highlight=keyspac#the-keyspace-as-an-index"><span class="search-hit__trail">Design › <\/span>/);
    assert.match(html, /the <mark>keyspace<\/mark> as an index/);
    assert.match(html, /<input class="search-page__input" id="search-page-input" type="search" name="q" autocomplete="off" maxlength="256" value="keyspace">/);
    assert.match(html, /<title>keyspace – Search · Edge search fixture<\/title>/);
    // An HTML page like any other: the edge's marker, the pinned message, the page headers.
    assert.match(html, /<html[^>]*data-edge="cloudflare"/);
    assert.match(html, /role="status">Search moved to the edge<\/div>/);
    assert.equal(response.headers.get("cache-control"), "private, no-store");
    assert.match(response.headers.get("content-type"), /^text\/html/);
    await edge.kv.delete("pinned_message");
  });

  test("matches a phrase only with its words side by side", async () => {
    const phrase = await search('"keyspace as an index"');
    assert.deepEqual(results(phrase.html).map((result) => result.title), ["Workers KV"]);
    const apart = await search('"index keyspace"');
    assert.match(apart.html, /No results for/);
  });

  test("says so when nothing matches", async () => {
    const { response, html } = await search("zzyzx");
    assert.equal(response.status, 200);
    assert.match(html, /No results for <bdi>zzyzx<\/bdi>\./);
    assert.deepEqual(results(html), []);
  });

  test("asks for words on an empty query", async () => {
    for (const url of ["/search", "/search?q=", "/search?q=%20%20"]) {
      const response = await edge.fetch(url);
      assert.equal(response.status, 200, url);
      assert.match(await response.text(), /Type the words to look for\./, url);
    }
  });

  test("cuts a 10 KB query and still answers", async () => {
    const { response, html } = await search("keyspace ".repeat(1200));
    assert.equal(response.status, 200);
    assert.match(html, /Only the first 256 bytes of the query were searched\./);
  });

  test("escapes markup in the query everywhere it is shown", async () => {
    const { response, html } = await search('<script>alert("x")</script>');
    assert.equal(response.status, 200);
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /value="&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;"/);
    assert.match(html, /<bdi>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/bdi>/);
  });

  test("answers odd Unicode with a page, never a 500", async () => {
    for (const query of ["\u0000", "a\u0000b", "\u200F\u05E9\u05DC\u05D5\u05DD", "e\u0301\u0301", "🦀🦀", '"""']) {
      const { response } = await search(query);
      assert.equal(response.status, 200, JSON.stringify(query));
    }
    const invalid = await edge.fetch("/search?q=%FF%C0%AF");
    assert.equal(invalid.status, 200);
    await invalid.arrayBuffer();
  });

  test("a HEAD gets the headers alone", async () => {
    const response = await edge.fetch("/search?q=kv", { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal((await response.arrayBuffer()).byteLength, 0);
  });
});

describe("Accept: text/markdown", () => {
  test("a page URL answers its Markdown twin when Markdown is preferred", async () => {
    for (const accept of ["text/markdown", "text/markdown, text/html;q=0.9"]) {
      const response = await edge.fetch("/storage/kv/", { headers: { accept } });
      assert.equal(response.status, 200, accept);
      assert.equal(response.headers.get("content-type"), "text/markdown; charset=utf-8", accept);
      assert.equal(response.headers.get("vary"), "Accept", accept);
      const markdown = await response.text();
      assert.match(markdown, /^# Workers KV/m, accept);
      assert.match(markdown, /The keyspace as an index/, accept);
    }
  });

  test("a browser, or a tie, gets the HTML page, which varies on Accept too", async () => {
    for (const accept of [BROWSER_ACCEPT, "text/markdown, text/html", "*/*"]) {
      const response = await edge.fetch("/storage/kv/", { headers: { accept } });
      assert.match(response.headers.get("content-type"), /^text\/html/, accept);
      assert.match(response.headers.get("vary"), /\bAccept\b/, accept);
      assert.match(await response.text(), /<html[^>]*data-edge="cloudflare"/, accept);
    }
  });

  test("a path without a twin gets what it always got", async () => {
    const response = await edge.fetch("/no/such/page/", { headers: { accept: "text/markdown" } });
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type"), /^text\/html/);
    await response.arrayBuffer();
  });
});
