// `edgedocs serve` against other sites' pages, in a real browser. Chromium resolves `rebound.test` to
// 127.0.0.1 (--host-resolver-rules), as a DNS-rebinding attacker's name would resolve once rebound: its
// pages get 421 and cannot write the local KV store. A page of another origin (a second local server)
// cannot follow the live reload, which would show it the build errors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { launchOptions } from "../../chromium.mjs";
import { copySite, edgedocs, freePort, removeSite, startServer } from "../harness.mjs";

const REBOUND_NAME = "rebound.test";

describe("edgedocs serve and other sites' pages", () => {
  let site;
  let port;
  let server;
  let browser;
  let otherSite;
  let otherOrigin;

  before(async () => {
    site = await copySite();
    port = await freePort();
    server = await startServer(site, port);
    const defaults = launchOptions();
    browser = await chromium.launch(
      launchOptions({
        timeout: 60_000,
        args: [...defaults.args, `--host-resolver-rules=MAP ${REBOUND_NAME} 127.0.0.1`],
      }),
    );
    otherSite = createServer((request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end("<!doctype html><title>Another site</title><p>Another site</p>");
    });
    await new Promise((resolve) => otherSite.listen(0, "127.0.0.1", resolve));
    otherOrigin = `http://127.0.0.1:${otherSite.address().port}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => (otherSite ? otherSite.close(resolve) : resolve()));
    if (site) await removeSite(site);
  });

  test("a page under a rebound name gets 421, and its script cannot write the KV store", async () => {
    const page = await browser.newPage();
    const rebound = `http://${REBOUND_NAME}:${port}`;
    const response = await page.goto(`${rebound}/storage/kv/`, { waitUntil: "load", timeout: 30_000 });
    assert.equal(response.status(), 421);
    assert.match(await page.innerText("body"), new RegExp(`does not answer to the host \`${REBOUND_NAME}:${port}\``));
    // The attacker's script runs in that origin, so to the browser the API is same-origin.
    const status = await page.evaluate(async (url) => {
      const posted = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tenant: "acme", name: "rebound" }),
      });
      return posted.status;
    }, `${rebound}/api/kv/flags`);
    assert.equal(status, 421);
    assert.equal(await edgedocs(site, ["kv", "list"]), "[]\n", "nothing was written");
    await page.close();
  });

  test("a page of another origin cannot follow the live reload; the preview's own page can", async () => {
    const socketFrom = async (origin) => {
      const page = await browser.newPage();
      await page.goto(`${origin}/`, { waitUntil: "load", timeout: 30_000 });
      const outcome = await page.evaluate(
        (url) =>
          new Promise((resolve) => {
            const socket = new WebSocket(url);
            socket.onmessage = (message) => resolve(`message: ${JSON.parse(message.data).type}`);
            socket.onerror = () => resolve("refused");
            setTimeout(() => resolve("no answer"), 15_000);
          }),
        `ws://127.0.0.1:${port}/__edgedocs/socket`,
      );
      await page.close();
      return outcome;
    };
    assert.equal(await socketFrom(otherOrigin), "refused");
    assert.equal(await socketFrom(server.url), "message: hello");
  });
});
