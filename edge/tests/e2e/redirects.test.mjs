// Redirects on Workers Static Assets: the `_redirects` file a build writes is answered by the assets,
// and the Worker in front passes the 3xx through untouched (status, Location, no body rewriting).
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { prepareSite, startEdge } from "./support/harness.mjs";

let site;
let edge;

before(async () => {
  site = await prepareSite();
  await writeFile(
    path.join(site.directory, "_redirects"),
    "# as `edgedocs build` writes it\n/old-kv/ /storage/kv/ 301\n/kv.html /storage/kv/#list 308\n",
  );
  edge = await startEdge({ siteDirectory: site.directory });
});

after(async () => {
  await edge?.dispose();
  await site?.remove();
});

for (const [from, status, location] of [
  ["/old-kv/", 301, "/storage/kv/"],
  ["/kv.html", 308, "/storage/kv/#list"],
]) {
  test(`${from} answers ${status} to ${location}`, async () => {
    const response = await edge.fetch(from);
    await response.arrayBuffer();
    assert.equal(response.status, status);
    const target = new URL(response.headers.get("location"), "http://edge.test");
    assert.equal(target.pathname + target.hash, location);
  });
}

test("the page the redirects lead to is still a page", async () => {
  const response = await edge.fetch("/storage/kv/");
  assert.equal(response.status, 200);
  assert.match(await response.text(), /data-edge=/);
});
