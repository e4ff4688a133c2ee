// A tiny static server for a built site directory, for the browser tests (node's own http module, no
// packages). It answers like a static host: index.html for folders, 404.html with status 404, the
// right Content-Type, and the edge's Content-Security-Policy, so a CSP violation shows up as a console
// error in the tests.
//
// With the cookie `fake-edge=1` it also plays a minimal edge (see README.md): it marks <html> with
// data-edge="test", applies a `theme=<name>` cookie as the theme class, and answers /api/kv/theme and
// /api/kv/flags from memory, following the documented request and response shapes.
//
// Usage: node serve.mjs <site-dir> [port]   (prints "listening on http://127.0.0.1:<port>")

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".xml": "application/xml",
  ".woff2": "font/woff2",
};

function cookies(request) {
  const jar = new Map();
  for (const pair of (request.headers.cookie || "").split(";")) {
    const index = pair.indexOf("=");
    if (index > 0) jar.set(pair.slice(0, index).trim(), decodeURIComponent(pair.slice(index + 1).trim()));
  }
  return jar;
}

async function fileFor(root, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  for (const path of [candidate, join(candidate, "index.html")]) {
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // Try the next candidate.
    }
  }
  return null;
}

function sendJson(response, status, body, headers = {}) {
  response.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** The in-memory stand-in for the edge's KV APIs. */
function fakeEdgeApi(state) {
  return async (request, response, url) => {
    const jar = cookies(request);
    if (url.pathname === "/api/kv/theme") {
      if (request.method === "GET") return sendJson(response, 200, { theme: jar.get("theme") || null });
      if (request.method !== "POST") return sendJson(response, 405, { error: { code: "method_not_allowed", message: "Use GET or POST." } });
      const text = await readBody(request);
      const theme = (request.headers["content-type"] || "").includes("json")
        ? JSON.parse(text || "{}").theme
        : new URLSearchParams(text).get("theme");
      if (!state.themes.includes(theme)) {
        return sendJson(response, 400, { error: { code: "unknown_theme", message: `Unknown theme ${theme}.` } });
      }
      const cookie = `theme=${theme}; Path=/; SameSite=Lax`;
      if (!(request.headers["content-type"] || "").includes("json")) {
        response.writeHead(303, { Location: request.headers.referer || "/", "Set-Cookie": cookie });
        return response.end();
      }
      return sendJson(response, 200, { ok: true, theme }, { "Set-Cookie": cookie });
    }
    if (url.pathname === "/api/kv/flags") {
      if (state.failFlags) return sendJson(response, 503, { error: { code: "kv_unavailable", message: "KV did not answer in time." } });
      if (request.method === "GET") {
        const tenant = url.searchParams.get("tenant") || "";
        if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(tenant)) {
          return sendJson(response, 400, { error: { code: "invalid_query", message: "tenant must be a-z, 0-9 and '-'." } });
        }
        return sendJson(response, 200, { flags: state.flags.get(tenant) || [] });
      }
      if (request.method === "POST") {
        const body = JSON.parse((await readBody(request)) || "{}");
        const list = state.flags.get(body.tenant) || [];
        const flag = { name: body.name, enabled: body.enabled !== false, createdAt: new Date().toISOString() };
        if (body.createdBy) flag.createdBy = body.createdBy;
        state.flags.set(body.tenant, [...list.filter((f) => f.name !== body.name), flag].sort((a, b) => a.name.localeCompare(b.name)));
        return sendJson(response, 200, { flag });
      }
      return sendJson(response, 405, { error: { code: "method_not_allowed", message: "Use GET or POST." } });
    }
    return false;
  };
}

/** Starts the server; resolves to { url, close, state }. */
export async function startServer(siteDir, port = 0) {
  const root = resolve(siteDir);
  const state = { themes: ["light", "dark", "sepia", "high-contrast"], flags: new Map(), failFlags: false };
  const api = fakeEdgeApi(state);

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url, "http://127.0.0.1");
      const jar = cookies(request);
      const fakeEdge = jar.get("fake-edge") === "1";
      if (fakeEdge && url.pathname.startsWith("/api/")) {
        if ((await api(request, response, url)) !== false) return;
      }
      let path = await fileFor(root, url.pathname);
      let status = 200;
      if (path && !extname(path) && !url.pathname.endsWith("/")) {
        response.writeHead(301, { Location: url.pathname + "/" });
        return response.end();
      }
      if (!path) {
        status = 404;
        path = await fileFor(root, "/404.html");
        if (!path) {
          response.writeHead(404, { "Content-Type": "text/plain" });
          return response.end("not found");
        }
      }
      const type = TYPES[extname(path)] || "application/octet-stream";
      let body = await readFile(path);
      const headers = { "Content-Type": type, "Cache-Control": "no-store" };
      if (type.startsWith("text/html")) {
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY;
        if (fakeEdge) {
          const theme = jar.get("theme");
          const themeClass = theme && state.themes.includes(theme) ? `theme-${theme}` : "";
          body = Buffer.from(body.toString("utf8").replace(/<html([^>]*)>/, (_, attributes) => {
            let rest = attributes;
            if (themeClass && /\sclass="/.test(rest)) rest = rest.replace(/\sclass="([^"]*)"/, ` class="$1 ${themeClass}"`);
            else if (themeClass) rest += ` class="${themeClass}"`;
            return `<html${rest} data-edge="test">`;
          }));
        }
      }
      response.writeHead(status, headers);
      response.end(body);
    } catch (error) {
      response.writeHead(500, { "Content-Type": "text/plain" });
      response.end(String(error && error.message));
    }
  });

  await new Promise((ready) => server.listen(port, "127.0.0.1", ready));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    state,
    close: () => new Promise((done) => server.close(done)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [siteDir = "public", port = "8787"] = process.argv.slice(2);
  const { url } = await startServer(siteDir, Number(port));
  console.log(`listening on ${url}`);
}
