// Shared set-up for the browser tests: the site under test, the colour themes from theme.toml (the
// single source of truth), a page with request and console tracking, and WCAG contrast arithmetic.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../browser.mjs";
import { startServer } from "../serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "../../..");
export const SITE_DIR = process.env.BROWSER_SITE_DIR || join(REPO, "public");
export const ARTIFACTS = process.env.BROWSER_ARTIFACTS || join(REPO, "test-artifacts/browser");
export const KV_PATH = "/storage/kv/";
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 375, height: 812 };

/** The colour theme names listed in the default theme's theme.toml, in order. */
export function colorThemes() {
  const manifest = readFileSync(join(REPO, "themes/default/theme.toml"), "utf8");
  const names = [];
  for (const block of manifest.split(/^\[\[color_themes\]\]\s*$/m).slice(1)) {
    const name = /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    if (name) names.push(name);
  }
  if (names.length === 0) throw new Error("theme.toml lists no colour themes");
  return names;
}

/** Starts the static server and the browser once for a test file. */
export async function startHarness() {
  const server = await startServer(SITE_DIR);
  const browser = await launchBrowser();
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens a page in a fresh context and records what would make a test fail: requests to any other
 * origin, console errors (CSP violations land there too) and uncaught exceptions.
 */
export async function openPage(harness, { viewport = WIDE, javaScriptEnabled = true, fakeEdge = false } = {}) {
  const context = await harness.browser.newContext({ viewport, javaScriptEnabled, deviceScaleFactor: 1 });
  if (fakeEdge) await context.addCookies([{ name: "fake-edge", value: "1", url: harness.server.url }]);
  const page = await context.newPage();
  const origin = new URL(harness.server.url).origin;
  const problems = { foreignRequests: [], consoleErrors: [], pageErrors: [] };
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== origin) problems.foreignRequests.push(url);
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => problems.pageErrors.push(String(error)));
  return { context, page, problems, url: (path) => harness.server.url + path };
}

/** Puts `theme-<name>` on <html>, as the edge does, replacing any other theme class. */
export async function applyTheme(page, name) {
  await page.evaluate((theme) => {
    const root = document.documentElement;
    for (const className of [...root.classList]) if (className.startsWith("theme-")) root.classList.remove(className);
    root.classList.add(`theme-${theme}`);
  }, name);
}

// --- WCAG 2 contrast --------------------------------------------------------------------------------

/** Parses a computed CSS colour: rgb()/rgba() or color(srgb r g b / a). Returns [r, g, b, a] in 0..1. */
export function parseColor(text) {
  let match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(text.trim());
  if (match) {
    const alpha = match[4] === undefined ? 1 : match[4].endsWith("%") ? parseFloat(match[4]) / 100 : Number(match[4]);
    return [Number(match[1]) / 255, Number(match[2]) / 255, Number(match[3]) / 255, alpha];
  }
  match = /^color\(srgb\s+([\d.e-]+)\s+([\d.e-]+)\s+([\d.e-]+)(?:\s*\/\s*([\d.]+%?))?\s*\)$/.exec(text.trim());
  if (match) {
    const alpha = match[4] === undefined ? 1 : match[4].endsWith("%") ? parseFloat(match[4]) / 100 : Number(match[4]);
    return [Number(match[1]), Number(match[2]), Number(match[3]), alpha];
  }
  throw new Error(`cannot parse colour ${text}`);
}

/** Paints `top` (with its alpha) over an opaque `bottom`. */
export function composite(top, bottom) {
  const [r, g, b, a] = top;
  return [r * a + bottom[0] * (1 - a), g * a + bottom[1] * (1 - a), b * a + bottom[2] * (1 - a), 1];
}

function luminance([r, g, b]) {
  const channel = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(foreground, background) {
  const fg = composite(foreground, background);
  const [lighter, darker] = [luminance(fg), luminance(background)].sort((a, b) => b - a);
  return (lighter + 0.05) / (darker + 0.05);
}

/**
 * The computed text colour of the first element matching `selector`, and the opaque background behind
 * it (its own and its ancestors' backgrounds painted over each other), as CSS strings.
 */
export async function colorsOf(page, selector) {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel);
    if (!element) return null;
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const background = getComputedStyle(node).backgroundColor;
      layers.push(background);
    }
    return { color: getComputedStyle(element).color, layers };
  }, selector);
}

/** The contrast ratio of `selector`'s text against what is painted behind it. */
export async function contrastOf(page, selector) {
  const colors = await colorsOf(page, selector);
  if (!colors) return null;
  let background = [1, 1, 1, 1]; // the canvas behind everything
  for (const layer of colors.layers.reverse()) background = composite(parseColor(layer), background);
  return contrastRatio(parseColor(colors.color), background);
}
