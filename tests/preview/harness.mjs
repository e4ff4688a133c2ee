// What the preview tests share: a temporary copy of the repo's site, `edgedocs serve` on a free loopback
// port, the system's Chromium through playwright-core, and bounded waiting. Never `npx playwright
// install`: the tests use Debian's chromium, launched as ../chromium.mjs says.
import { spawn, execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";
import { launchOptions } from "../chromium.mjs";

export const REPO_ROOT = process.env.REPO_ROOT || new URL("../..", import.meta.url).pathname;
export const EDGEDOCS_BIN = process.env.EDGEDOCS_BIN || join(REPO_ROOT, "target/debug/edgedocs");

export function launchBrowser() {
  return chromium.launch(launchOptions({ timeout: 60_000 }));
}

/** A copy of the repo's site in a temporary folder; the KV page includes code from edge/src. */
export async function copySite() {
  const dir = await mkdtemp(join(tmpdir(), "edgedocs-preview-"));
  for (const path of ["site.toml", "content", "themes", "templates", "assets", "edge/src"]) {
    await cp(join(REPO_ROOT, path), join(dir, path), { recursive: true });
  }
  return dir;
}

export async function removeSite(dir) {
  await rm(dir, { recursive: true, force: true });
}

/** A port nobody listens on right now, on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `edgedocs serve` on `port`; resolves once it prints its URL (after the first build). */
export async function startServer(root, port, { timeoutMs = 120_000, bin = EDGEDOCS_BIN } = {}) {
  const child = spawn(bin, ["--root", root, "serve", "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const started = Date.now();
  while (!/Serving .* at http:\/\//.test(output)) {
    if (child.exitCode !== null) throw new Error(`edgedocs serve exited (${child.exitCode}):\n${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill("SIGKILL");
      throw new Error(`edgedocs serve did not start in ${timeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    /** Resolves once the server printed `pattern` after `from` characters of output. */
    async waitForOutput(pattern, from = 0, waitMs = 20_000) {
      const until = Date.now() + waitMs;
      while (!pattern.test(output.slice(from))) {
        if (Date.now() > until) throw new Error(`the server did not print ${pattern}:\n${output.slice(from)}`);
        await sleep(25);
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!stopped) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Runs `edgedocs --root <root> <args...>` and resolves with its stdout. */
export function edgedocs(root, args) {
  return new Promise((resolve, reject) => {
    execFile(EDGEDOCS_BIN, ["--root", root, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`edgedocs ${args.join(" ")} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Replaces the first `from` in the site's `file` with `to` (an in-place save, like most editors). */
export async function edit(root, file, from, to) {
  const path = join(root, file);
  const text = await readFile(path, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  await writeFile(path, text.replace(from, to));
}

/** Polls `check` (which may throw while a page reloads) until it returns a truthy value. */
export async function waitFor(what, check, { timeoutMs = 15_000, intervalMs = 50 } = {}) {
  const until = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error; // a navigation in progress destroys the page's context
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ""}`);
}

/** Whether the page's visible text includes `text` now. */
export async function pageShows(page, text) {
  return (await page.evaluate(() => document.body.innerText)).includes(text);
}

/** Collects console errors and CSP violations of a page. */
export function watchConsole(page) {
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}
