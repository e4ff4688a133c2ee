// How a page reads KV: the pinned message and the visitor's theme with a 60 s cacheTtl, both at once
// (one bulk get). KV is slowed down by the test-only wrapper (support/kv-wrapper-worker.mjs,
// KV_MODE=slow: 300 ms a call), so reads made one after the other would take twice as long.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SESSION_COOKIE, prepareSite, startEdge } from "./support/harness.mjs";

const VISITOR = "0123456789abcdef0123456789abcdef";
let site;
let edge;

before(async () => {
  site = await prepareSite();
  edge = await startEdge({ siteDirectory: site.directory, kvMode: "slow" });
});

after(async () => {
  await edge?.dispose();
  await site?.remove();
});

test("a page reads the pinned message (cacheTtl 60) and the theme concurrently", async () => {
  await edge.kv.put("pinned_message", "Concurrent reads");
  await edge.kv.put(`theme:${VISITOR}`, "dark");
  await (await edge.fetch("/__test/kv-calls")).arrayBuffer();

  const started = Date.now();
  const response = await edge.fetch("/", { cookies: { [SESSION_COOKIE]: VISITOR } });
  const html = await response.text();
  const elapsed = Date.now() - started;

  assert.match(html, /Concurrent reads/);
  assert.match(html.match(/<html[^>]*>/)[0], /theme-dark/);
  const calls = await (await edge.fetch("/__test/kv-calls")).json();
  assert.ok(calls.every((call) => call.method === "get"), "no other KV call for a page");
  assert.deepEqual(calls.flatMap((call) => call.keys).sort(), ["pinned_message", `theme:${VISITOR}`]);
  assert.ok(calls.every((call) => call.options.cacheTtl === 60));
  assert.ok(elapsed >= 300 && elapsed < 580, `two 300 ms reads took ${elapsed} ms together`);
});

test("a page without a session reads only the pinned message", async () => {
  await (await edge.fetch("/__test/kv-calls")).arrayBuffer();
  await (await edge.fetch("/")).arrayBuffer();
  const calls = await (await edge.fetch("/__test/kv-calls")).json();
  assert.deepEqual(calls.map((call) => [call.method, call.keys]), [["get", ["pinned_message"]]]);
});
