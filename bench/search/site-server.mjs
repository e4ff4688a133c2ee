// The static server both search benchmarks query a built site through: folders answer with their
// index.html, every file with its type and `Cache-Control: no-store`, nothing compressed; and a
// percentile helper.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** A static server for the built site: folders answer with index.html, nothing is cached. */
export async function serveSite(dir) {
  const root = resolve(dir);
  const server = createServer(async (request, response) => {
    let candidate = null;
    try {
      candidate = normalize(join(root, decodeURIComponent(new URL(request.url, "http://127.0.0.1").pathname)));
    } catch {
      // A malformed escape: no such file.
    }
    if (!candidate || (candidate !== root && !candidate.startsWith(root + sep))) {
      response.writeHead(403);
      return response.end();
    }
    for (const path of [candidate, join(candidate, "index.html")]) {
      try {
        if (!(await stat(path)).isFile()) continue;
        response.writeHead(200, {
          "Content-Type": TYPES[extname(path)] || "application/octet-stream",
          "Cache-Control": "no-store",
        });
        return response.end(await readFile(path));
      } catch {
        // The next candidate.
      }
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) };
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))];
}

