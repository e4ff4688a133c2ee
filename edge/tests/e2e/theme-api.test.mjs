// /api/kv/theme end to end: lazy session minting, saving a theme (JSON and form posts), the next page
// showing it even before KV has propagated, and every refusal writing nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ORIGIN, PLAIN_SESSION_COOKIE, SESSION_COOKIE, allKeys, postJson, prepareSite, setCookies, startEdge } from "./support/harness.mjs";

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

/** Mints a session through the API, as the demo's first request would. */
async function newSession() {
  const response = await edge.fetch("/api/kv/theme");
  await response.arrayBuffer();
  return setCookies(response).values[SESSION_COOKIE];
}

function htmlTag(html) {
  return html.match(/<html[^>]*>/)[0];
}

describe("GET /api/kv/theme", () => {
  test("mints the session cookie on the first visit", async () => {
    const response = await edge.fetch("/api/kv/theme");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { theme: null });
    const { lines, values } = setCookies(response);
    assert.equal(lines.length, 1);
    assert.match(values[SESSION_COOKIE], /^[0-9a-f]{32}$/, "128 random bits");
    assert.ok(lines[0].startsWith("__Host-session="), "the __Host- prefix: only this host can set it");
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=7776000"]) {
      assert.ok(lines[0].split("; ").includes(attribute), `${attribute} in ${lines[0]}`);
    }
    assert.doesNotMatch(lines[0], /domain=/i, "a __Host- cookie has no Domain");
    assert.notEqual(values[SESSION_COOKIE], await newSession(), "every first visit gets its own session");
  });

  test("does not mint again for a known session, and reads its theme", async () => {
    const session = await newSession();
    await edge.kv.put(`theme:${session}`, "dark");
    const response = await edge.fetch("/api/kv/theme", { cookies: { [SESSION_COOKIE]: session } });
    assert.deepEqual(await response.json(), { theme: "dark" });
    assert.deepEqual(response.headers.getSetCookie(), []);
    assert.equal(response.headers.get("cache-control"), "no-store");
  });
});

describe("a visitor's session cookie from before the __Host- prefix", () => {
  test("is still their session, and moves to the prefixed name", async () => {
    const session = "00112233445566778899aabbccddeeff";
    await edge.kv.put(`theme:${session}`, "sepia");
    const response = await edge.fetch("/api/kv/theme", { cookies: { [PLAIN_SESSION_COOKIE]: session } });
    assert.deepEqual(await response.json(), { theme: "sepia" });
    const { lines, values } = setCookies(response);
    assert.equal(values[SESSION_COOKIE], session, "the same session under the new name");
    const expired = lines.find((line) => line.startsWith(`${PLAIN_SESSION_COOKIE}=;`));
    assert.ok(expired?.includes("Max-Age=0"), `the plain cookie is expired: ${lines}`);

    const saved = await postJson(edge, "/api/kv/theme", { theme: "dark" }, { cookies: { [PLAIN_SESSION_COOKIE]: session } });
    assert.equal(saved.status, 200);
    assert.equal(await edge.kv.get(`theme:${session}`), "dark", "saved under the same session");
    assert.equal(setCookies(saved).values[SESSION_COOKIE], session);
  });

  test("loses to the prefixed cookie when both are sent", async () => {
    const session = await newSession();
    await edge.kv.put(`theme:${session}`, "dark");
    const planted = "ffeeddccbbaa99887766554433221100";
    await edge.kv.put(`theme:${planted}`, "light");
    const response = await edge.fetch("/api/kv/theme", {
      headers: { cookie: `${PLAIN_SESSION_COOKIE}=${planted}; ${SESSION_COOKIE}=${session}` },
    });
    assert.deepEqual(await response.json(), { theme: "dark" });
    assert.deepEqual(response.headers.getSetCookie(), []);
  });
});

describe("POST /api/kv/theme", () => {
  test("saves the theme for 90 days and the next page already has it", async () => {
    const session = await newSession();
    const response = await postJson(edge, "/api/kv/theme", { theme: "dark" }, { cookies: { [SESSION_COOKIE]: session } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, theme: "dark" });
    const { values, lines } = setCookies(response);
    assert.equal(values[SESSION_COOKIE], session);
    assert.equal(values.theme_hint, "dark");
    assert.ok(lines.find((line) => line.startsWith("theme_hint=")).includes("Max-Age=300"));

    const [key] = await allKeys(edge.kv, `theme:${session}`);
    assert.equal(key.name, `theme:${session}`);
    const ttl = key.expiration - Date.now() / 1000;
    assert.ok(ttl > 89 * 86_400 && ttl <= 90 * 86_400 + 5, `expires in ${ttl} s`);
    assert.equal(await edge.kv.get(`theme:${session}`), "dark");

    const page = await edge.fetch("/", { cookies: { [SESSION_COOKIE]: session, theme_hint: values.theme_hint } });
    assert.match(htmlTag(await page.text()), /\sclass="(?:[^"]*\s)?theme-dark"/);
  });

  test("the next page shows the new theme even before KV has the write", async () => {
    const session = await newSession();
    await edge.kv.put(`theme:${session}`, "light");
    const response = await postJson(edge, "/api/kv/theme", { theme: "sepia" }, { cookies: { [SESSION_COOKIE]: session } });
    await response.arrayBuffer();
    // Simulate a KV location that has not seen the write yet: it still answers the old value.
    await edge.kv.put(`theme:${session}`, "light");
    const { values } = setCookies(response);
    const page = await edge.fetch("/storage/kv/", { cookies: { [SESSION_COOKIE]: session, theme_hint: values.theme_hint } });
    assert.match(htmlTag(await page.text()), /\sclass="(?:[^"]*\s)?theme-sepia"/);
    const api = await edge.fetch("/api/kv/theme", { cookies: { [SESSION_COOKIE]: session, theme_hint: values.theme_hint } });
    assert.deepEqual(await api.json(), { theme: "sepia" });
  });

  test("a form post answers 303 back to the same-origin page it came from", async () => {
    const session = await newSession();
    const post = (referer) =>
      edge.fetch("/api/kv/theme", {
        method: "POST",
        cookies: { [SESSION_COOKIE]: session },
        headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...(referer ? { referer } : {}) },
        body: "theme=sepia",
      });
    const back = await post(`${ORIGIN}/storage/kv/#try-it`.replace("#try-it", ""));
    assert.equal(back.status, 303);
    assert.equal(back.headers.get("location"), "/storage/kv/");
    assert.equal(setCookies(back).values.theme_hint, "sepia");
    assert.equal(await edge.kv.get(`theme:${session}`), "sepia");
    const elsewhere = await post("https://elsewhere.example/storage/kv/");
    assert.equal(elsewhere.status, 303);
    assert.equal(elsewhere.headers.get("location"), "/");
  });

  test("a Referer trick never sends the visitor to another host", async () => {
    const session = await newSession();
    const cases = [
      [`${ORIGIN}/\\evil.example/`, "/"],
      [`${ORIGIN}//evil.example/`, "/"],
      [`${ORIGIN}@evil.example/`, "/"],
      [`${ORIGIN}:8443/storage/kv/`, "/"],
      ["https:evil.example", "/"],
      [`${ORIGIN}/%2F%2Fevil.example`, "/%2F%2Fevil.example"],
      [`${ORIGIN}/storage/kv/?tab=rust#try-it`, "/storage/kv/?tab=rust"],
    ];
    for (const [referer, location] of cases) {
      const response = await edge.fetch("/api/kv/theme", {
        method: "POST",
        cookies: { [SESSION_COOKIE]: session },
        headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, referer },
        body: "theme=dark",
      });
      assert.equal(response.status, 303, referer);
      assert.equal(response.headers.get("location"), location, referer);
      // How a browser reads the Location: always this origin.
      assert.equal(new URL(response.headers.get("location"), `${ORIGIN}/api/kv/theme`).origin, ORIGIN, referer);
    }
  });

  test("a post without a session mints one and saves under it", async () => {
    const response = await postJson(edge, "/api/kv/theme", { theme: "light" });
    assert.equal(response.status, 200);
    const { values } = setCookies(response);
    assert.match(values[SESSION_COOKIE], /^[0-9a-f]{32}$/);
    assert.equal(await edge.kv.get(`theme:${values[SESSION_COOKIE]}`), "light");
  });
});

describe("refused theme requests write nothing", () => {
  const cases = [
    { name: "malformed JSON", body: '{"theme":', status: 400, code: "malformed_json" },
    { name: "unknown theme", body: { theme: "neon" }, status: 422, code: "unknown_theme" },
    { name: "missing theme", body: {}, status: 422, code: "invalid_field" },
    { name: "body over 8 KiB", body: { theme: "d".repeat(9000) }, status: 413, code: "body_too_large" },
    { name: "text/plain body", body: '{"theme":"dark"}', headers: { "content-type": "text/plain" }, status: 415, code: "unsupported_media_type" },
    { name: "another Origin", body: { theme: "dark" }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, status: 403, code: "cross_origin" },
    { name: "cross-site fetch", body: { theme: "dark" }, headers: { "sec-fetch-site": "cross-site", origin: ORIGIN }, status: 403, code: "cross_origin" },
  ];
  for (const { name, body, headers, status, code } of cases) {
    test(name, async () => {
      const session = await newSession();
      const response = await postJson(edge, "/api/kv/theme", body, { cookies: { [SESSION_COOKIE]: session }, headers });
      assert.equal(response.status, status);
      assert.match(response.headers.get("content-type"), /^application\/json/);
      const json = await response.json();
      assert.equal(json.error.code, code);
      assert.equal(typeof json.error.message, "string");
      if (code === "unknown_theme") {
        assert.deepEqual(json.error.allowed.slice(0, 3), ["light", "dark", "sepia"]);
        assert.match(json.error.message, /light, dark, sepia/);
      }
      assert.deepEqual(response.headers.getSetCookie(), []);
      assert.deepEqual(await allKeys(edge.kv, `theme:${session}`), []);
    });
  }

  test("wrong method: 405 with Allow", async () => {
    const response = await edge.fetch("/api/kv/theme", { method: "DELETE" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "GET, POST");
    assert.equal((await response.json()).error.code, "method_not_allowed");
  });

  test("unknown API path: 404 JSON, and the pinned message is not reachable", async () => {
    for (const pathname of ["/api/kv/pinned_message", "/api/kv/theme/", "/api/kv"]) {
      const response = await edge.fetch(pathname);
      assert.equal(response.status, 404, pathname);
      assert.equal((await response.json()).error.code, "not_found");
    }
  });
});
