// What one client can make the Worker hold or write: a request body without a length is read only
// until it passes the 8 KiB limit (the rest is never received into the isolate), and with the
// rate-limiting binding configured, a client's API calls that cost KV a write or a list are counted.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import {
  ORIGIN,
  SESSION_COOKIE,
  allKeys,
  postJson,
  prepareSite,
  readCommentedRateLimits,
  setCookies,
  startEdge,
} from "./support/harness.mjs";

const MIB = 1024 * 1024;

let site;

before(async () => {
  site = await prepareSite();
});

after(async () => {
  await site?.remove();
});

/** A request body of `total` bytes that is produced only as it is read, and says how much was read. */
function streamedBody(total, { chunkBytes = 64 * 1024, fill = 0x61 } = {}) {
  const chunk = new Uint8Array(chunkBytes).fill(fill);
  const state = { pulled: 0 };
  state.stream = new ReadableStream({
    pull(controller) {
      if (state.pulled >= total) {
        controller.close();
        return;
      }
      const next = chunk.subarray(0, Math.min(chunkBytes, total - state.pulled));
      controller.enqueue(next);
      state.pulled += next.length;
    },
  });
  return state;
}

/** The resident memory of this test process's workerd, in MiB (Linux), or null when it cannot be read. */
function workerdMemoryMib() {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (/^Name:\s*workerd$/m.test(status) && new RegExp(`^PPid:\\s*${process.pid}$`, "m").test(status)) {
        return Number(status.match(/^VmRSS:\s*(\d+) kB$/m)[1]) / 1024;
      }
    } catch {
      // The process ended between readdir and read.
    }
  }
  return null;
}

describe("a request body without a Content-Length", () => {
  let edge;
  before(async () => {
    // The test-only wrapper can hand the Worker a body produced as it is read (/__test/streamed-post).
    edge = await startEdge({ siteDirectory: site.directory, kvMode: "record" });
  });
  after(async () => {
    await edge?.dispose();
  });

  test("within the limit is read whole, chunk by chunk", async () => {
    const json = new TextEncoder().encode(JSON.stringify({ theme: "dark", padding: "x".repeat(6000) }));
    const chunks = [json.subarray(0, 10), json.subarray(10, 4000), json.subarray(4000)];
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const response = await edge.fetch("/api/kv/theme", {
      method: "POST",
      body,
      duplex: "half",
      headers: { "content-type": "application/json", origin: ORIGIN },
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { ok: true, theme: "dark" });
  });

  for (const pathname of ["/api/kv/theme", "/api/kv/flags"]) {
    test(`100 MiB to ${pathname}: 413, and the Worker stops reading and cancels the body just past 8 KiB`, async () => {
      const session = setCookies(await edge.fetch("/api/kv/theme")).values[SESSION_COOKIE];
      const response = await edge.fetch(`/__test/streamed-post${pathname}?bytes=${100 * MIB}`, {
        cookies: { [SESSION_COOKIE]: session },
        headers: { "content-type": "application/json", origin: ORIGIN },
      });
      const { status, body, pulled, cancelled } = await response.json();
      assert.equal(status, 413);
      const { error } = JSON.parse(body);
      assert.equal(error.code, "body_too_large");
      assert.match(error.message, /at most 8192 are accepted/);
      assert.equal(cancelled, true, "the body stream was cancelled");
      assert.ok(pulled <= 256 * 1024, `the Worker pulled ${pulled} bytes of ${100 * MIB}`);
      assert.deepEqual(await allKeys(edge.kv, `flag:${session}:`), [], "nothing was written");
      assert.equal(await edge.kv.get(`theme:${session}`), null);
    });
  }

  test("sent over the wire again and again, it never makes workerd hold it, and the next request is served", async () => {
    const session = setCookies(await edge.fetch("/api/kv/theme")).values[SESSION_COOKIE];
    const memoryBefore = workerdMemoryMib();
    const total = 200 * MIB;
    for (let round = 0; round < 5; round += 1) {
      const body = streamedBody(total);
      const started = Date.now();
      let status;
      try {
        const response = await edge.fetch("/api/kv/theme", {
          method: "POST",
          body: body.stream,
          duplex: "half",
          cookies: { [SESSION_COOKIE]: session },
          headers: { "content-type": "application/json", origin: ORIGIN },
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        // workerd closes a connection whose request body was left unread; a client still sending
        // can see that reset before it has read the 413 (the 413 itself is checked above).
        assert.equal(error.cause?.code, "ECONNRESET", `round ${round}: ${error}`);
        status = "reset";
      }
      assert.ok(status === 413 || status === "reset", `round ${round}: ${status}`);
      // What the client got to send is what the sockets in between buffer, a few MiB, not 200 MiB.
      assert.ok(body.pulled < 32 * MIB, `round ${round}: sent ${(body.pulled / MIB).toFixed(1)} MiB of ${total / MIB}`);
      assert.ok(Date.now() - started < 5000, `round ${round}: took ${Date.now() - started} ms`);
    }
    const memoryAfter = workerdMemoryMib();
    if (memoryBefore !== null && memoryAfter !== null) {
      assert.ok(
        memoryAfter - memoryBefore < 64,
        `workerd grew by ${(memoryAfter - memoryBefore).toFixed(0)} MiB over 1 GiB sent (read whole, one 200 MiB body grew it by ~600)`,
      );
    }
    const next = await postJson(edge, "/api/kv/theme", { theme: "sepia" }, { cookies: { [SESSION_COOKIE]: session } });
    assert.equal(next.status, 200, "the isolate still serves the next request");
    assert.deepEqual(await next.json(), { ok: true, theme: "sepia" });
  });
});

describe("with the rate-limiting binding of wrangler.jsonc uncommented", () => {
  // The documented binding, with a lower limit so the test reaches it quickly.
  const LIMIT = 3;
  let edge;
  before(async () => {
    const [binding] = await readCommentedRateLimits();
    assert.equal(binding.name, "API_RATE_LIMITER", "the name the Worker looks for");
    assert.equal(binding.simple.period, 60);
    edge = await startEdge({
      siteDirectory: site.directory,
      ratelimits: { [binding.name]: { simple: { ...binding.simple, limit: LIMIT } } },
    });
  });
  after(async () => {
    await edge?.dispose();
  });

  /** Waits, when needed, so that the next few seconds fall inside one of the limiter's minutes. */
  async function awayFromTheMinuteBoundary() {
    const intoTheMinute = Date.now() % 60_000;
    if (intoTheMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoTheMinute + 100));
  }

  test("a client's writes past the limit get 429 and write nothing; another client is not held up", async () => {
    await awayFromTheMinuteBoundary();
    const session = setCookies(await edge.fetch("/api/kv/theme")).values[SESSION_COOKIE];
    const save = (theme, client) =>
      postJson(edge, "/api/kv/theme", { theme }, { cookies: { [SESSION_COOKIE]: session }, headers: { "cf-connecting-ip": client } });
    for (let index = 0; index < LIMIT; index += 1) {
      const response = await save("dark", "203.0.113.7");
      assert.equal(response.status, 200, `save ${index + 1} of ${LIMIT}`);
      await response.arrayBuffer();
    }
    const refused = await save("sepia", "203.0.113.7");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "60");
    assert.equal((await refused.json()).error.code, "rate_limited");
    assert.equal(await edge.kv.get(`theme:${session}`), "dark", "the refused save wrote nothing");
    const listing = await edge.fetch("/api/kv/flags?tenant=acme", {
      cookies: { [SESSION_COOKIE]: session },
      headers: { "cf-connecting-ip": "203.0.113.7" },
    });
    assert.equal(listing.status, 429, "listing flags costs a KV list: it counts too");
    await listing.arrayBuffer();
    const reading = await edge.fetch("/api/kv/theme", {
      cookies: { [SESSION_COOKIE]: session },
      headers: { "cf-connecting-ip": "203.0.113.7" },
    });
    assert.equal(reading.status, 200, "reading the theme costs no write or list: never limited");
    await reading.arrayBuffer();
    const otherClient = await save("sepia", "198.51.100.20");
    assert.equal(otherClient.status, 200);
    await otherClient.arrayBuffer();
    assert.equal(await edge.kv.get(`theme:${session}`), "sepia");
  });
});
