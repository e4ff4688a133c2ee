// /api/kv/flags end to end: the keyspace as an index, scoped to the visitor's session, answered from
// key metadata alone, with every limit refused before anything is written.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SESSION_COOKIE, allKeys, postJson, prepareSite, setCookies, startEdge } from "./support/harness.mjs";

let site;
let edge;

before(async () => {
  site = await prepareSite();
  // The wrapper records the Worker's KV calls, so the test can check that listing fetches no value.
  edge = await startEdge({ siteDirectory: site.directory, kvMode: "record" });
});

after(async () => {
  await edge?.dispose();
  await site?.remove();
});

async function newSession() {
  const response = await edge.fetch("/api/kv/theme");
  await response.arrayBuffer();
  return setCookies(response).values[SESSION_COOKIE];
}

async function kvCalls() {
  return (await edge.fetch("/__test/kv-calls")).json();
}

describe("flags", () => {
  test("a written flag is listed from its metadata, without a single get", async () => {
    const session = await newSession();
    const write = await postJson(
      edge,
      "/api/kv/flags",
      { tenant: "acme", name: "new-dashboard", enabled: true, createdBy: "ops@acme.example" },
      { cookies: { [SESSION_COOKIE]: session } },
    );
    assert.equal(write.status, 201);
    const { flag } = await write.json();
    assert.equal(flag.name, "new-dashboard");
    assert.equal(flag.enabled, true);
    assert.match(flag.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await postJson(edge, "/api/kv/flags", { tenant: "acme", name: "bulk-export", enabled: false }, { cookies: { [SESSION_COOKIE]: session } });

    const [key] = await allKeys(edge.kv, `flag:${session}:acme:new-dashboard`);
    assert.deepEqual(key.metadata, { enabled: true, createdAt: flag.createdAt, createdBy: "ops@acme.example", writes: 1 });
    assert.equal(flag.writes, undefined, "the write count is the edge's, not part of the flag");
    const ttl = key.expiration - Date.now() / 1000;
    assert.ok(ttl > 86_000 && ttl <= 86_405, `demo keys expire after a day (${ttl} s)`);

    await kvCalls();
    const list = await edge.fetch("/api/kv/flags?tenant=acme", { cookies: { [SESSION_COOKIE]: session } });
    assert.equal(list.status, 200);
    const { flags } = await list.json();
    assert.deepEqual(
      flags.map(({ name, enabled, createdBy }) => ({ name, enabled, createdBy })),
      [
        { name: "bulk-export", enabled: false, createdBy: undefined },
        { name: "new-dashboard", enabled: true, createdBy: "ops@acme.example" },
      ],
    );
    const calls = await kvCalls();
    assert.deepEqual(calls.map((call) => [call.method, call.prefix]), [["list", `flag:${session}:acme:`]]);
  });

  test("another session cannot see or reach a tenant's flags", async () => {
    const owner = await newSession();
    const stranger = await newSession();
    await postJson(edge, "/api/kv/flags", { tenant: "shared-name", name: "secret-flag" }, { cookies: { [SESSION_COOKIE]: owner } });
    const seen = await edge.fetch("/api/kv/flags?tenant=shared-name", { cookies: { [SESSION_COOKIE]: stranger } });
    assert.deepEqual(await seen.json(), { flags: [] });
    const anonymous = await edge.fetch("/api/kv/flags?tenant=shared-name");
    assert.deepEqual(await anonymous.json(), { flags: [] });
    const own = await edge.fetch("/api/kv/flags?tenant=shared-name", { cookies: { [SESSION_COOKIE]: owner } });
    assert.equal((await own.json()).flags.length, 1);
  });

  test("a tenant holds at most 50 flags", async () => {
    const session = await newSession();
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        edge.kv.put(`flag:${session}:full:flag-${index}`, "{}", { metadata: { enabled: true }, expirationTtl: 3600 }),
      ),
    );
    const refused = await postJson(edge, "/api/kv/flags", { tenant: "full", name: "one-more" }, { cookies: { [SESSION_COOKIE]: session } });
    assert.equal(refused.status, 409);
    assert.equal((await refused.json()).error.code, "too_many_flags");
    assert.equal((await allKeys(edge.kv, `flag:${session}:full:`)).length, 50);
    const replaced = await postJson(edge, "/api/kv/flags", { tenant: "full", name: "flag-3", enabled: false }, { cookies: { [SESSION_COOKIE]: session } });
    assert.equal(replaced.status, 200, "changing an existing flag is not a new one");
  });
});

describe("sessions and what one session can write", () => {
  test("a write without a session is refused with how to get one, and mints nothing", async () => {
    const response = await postJson(edge, "/api/kv/flags", { tenant: "no-session", name: "x" });
    assert.equal(response.status, 403);
    const { error } = await response.json();
    assert.equal(error.code, "session_required");
    assert.match(error.message, /GET \/api\/kv\/theme/);
    assert.deepEqual(response.headers.getSetCookie(), [], "a flags POST never mints a session");
    const written = (await allKeys(edge.kv, "flag:")).filter((key) => key.name.includes(":no-session:"));
    assert.deepEqual(written, []);
  });

  test("listing without a session mints one, which the next write uses", async () => {
    const listed = await edge.fetch("/api/kv/flags?tenant=acme");
    assert.deepEqual(await listed.json(), { flags: [] });
    const session = setCookies(listed).values[SESSION_COOKIE];
    assert.match(session, /^[0-9a-f]{32}$/);
    const written = await postJson(edge, "/api/kv/flags", { tenant: "acme", name: "first" }, { cookies: { [SESSION_COOKIE]: session } });
    assert.equal(written.status, 201);
  });

  // A session's counted writes are answered one after another, and each waits at most the API's KV
  // budget (5 s) for the earlier ones; 120 at once would make the last wait for 119 writes, which a
  // busy machine can stretch past the budget. So the writes come in concurrent waves, the last of which
  // straddles the limit: the race at the limit is the one that matters.
  async function inWaves(sizes, send) {
    const responses = [];
    let index = 0;
    for (const size of sizes) {
      const wave = await Promise.all(Array.from({ length: size }, () => send(index++)));
      responses.push(...wave);
    }
    return responses;
  }

  test("120 writes in concurrent waves to one tenant store no more than its 50 flags", async () => {
    const session = await newSession();
    const responses = await inWaves([15, 15, 15, 75], (index) =>
      postJson(edge, "/api/kv/flags", { tenant: "race", name: `flag-${index}` }, { cookies: { [SESSION_COOKIE]: session } }),
    );
    const statuses = responses.map((response) => response.status);
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    assert.equal(statuses.filter((status) => status === 201).length, 50, `statuses: ${statuses}`);
    assert.equal(statuses.filter((status) => status === 409).length, 70);
    assert.equal((await allKeys(edge.kv, `flag:${session}:race:`)).length, 50);
  });

  test("120 writes in concurrent waves across tenants stay within the session's 100 writes a day", async () => {
    const session = await newSession();
    const responses = await inWaves([30, 30, 30, 30], (index) =>
      postJson(
        edge,
        "/api/kv/flags",
        { tenant: `tenant-${index % 4}`, name: `flag-${index}` },
        { cookies: { [SESSION_COOKIE]: session } },
      ),
    );
    const statuses = responses.map((response) => response.status);
    const refusals = await Promise.all(
      responses.filter((response) => response.status !== 201).map((response) => response.json()),
    );
    await Promise.all(responses.filter((response) => response.status === 201).map((response) => response.arrayBuffer()));
    assert.equal(statuses.filter((status) => status === 201).length, 100, `statuses: ${statuses}`);
    assert.ok(refusals.every(({ error }) => error.code === "session_write_limit"), JSON.stringify(refusals));
    const retryAfter = Number(responses.find((response) => response.status === 429).headers.get("retry-after"));
    assert.ok(retryAfter > 86_000 && retryAfter <= 86_400, `retry when the first flag expires: ${retryAfter} s`);
    assert.equal((await allKeys(edge.kv, `flag:${session}:`)).length, 100);
    const change = await postJson(edge, "/api/kv/flags", { tenant: "tenant-0", name: "flag-0", enabled: false }, {
      cookies: { [SESSION_COOKIE]: session },
    });
    assert.equal(change.status, 429, "changing a flag is a write too");
  });
});

describe("refused flag requests write nothing", () => {
  const cases = [
    { name: "malformed JSON", body: "{", status: 400, code: "malformed_json" },
    { name: "tenant with a colon", body: { tenant: "acme:other", name: "x" }, status: 422, code: "invalid_field" },
    { name: "tenant too long", body: { tenant: "a".repeat(65), name: "x" }, status: 422, code: "invalid_field" },
    { name: "name with a slash", body: { tenant: "acme", name: "a/b" }, status: 422, code: "invalid_field" },
    { name: "key over 512 bytes", body: { tenant: "acme", name: "n".repeat(480) }, status: 422, code: "key_too_long" },
    { name: "metadata over 1024 bytes", body: { tenant: "acme", name: "x", description: "d".repeat(1100) }, status: 422, code: "metadata_too_large" },
    { name: "body over 8 KiB", body: { tenant: "acme", name: "x", description: "d".repeat(8300) }, status: 413, code: "body_too_large" },
    { name: "form body", body: "tenant=acme&name=x", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "unsupported_media_type" },
    { name: "cross-origin", body: { tenant: "acme", name: "x" }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, status: 403, code: "cross_origin" },
  ];
  for (const { name, body, headers, status, code } of cases) {
    test(name, async () => {
      const session = await newSession();
      const response = await postJson(edge, "/api/kv/flags", body, { cookies: { [SESSION_COOKIE]: session }, headers });
      assert.equal(response.status, status);
      assert.equal((await response.json()).error.code, code);
      assert.deepEqual(await allKeys(edge.kv, `flag:${session}:`), []);
    });
  }

  test("a missing or invalid tenant in the query is a 400", async () => {
    const session = await newSession();
    for (const query of ["", "?tenant=", "?tenant=ACME", "?tenant=a%3Ab"]) {
      const response = await edge.fetch(`/api/kv/flags${query}`, { cookies: { [SESSION_COOKIE]: session } });
      assert.equal(response.status, 400, query);
      assert.equal((await response.json()).error.code, "invalid_query");
    }
  });

  test("wrong method: 405 with Allow", async () => {
    const response = await edge.fetch("/api/kv/flags", { method: "PUT" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "GET, POST");
  });
});
