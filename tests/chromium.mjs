// How the browser suites (browser/ and preview/) launch the system's Chromium through playwright-core.
// Never `npx playwright install`: the tests use Debian's chromium (see scripts/ensure-chromium.sh), and
// these flags keep it from reaching for the network on an offline machine. No imports: each suite imports
// playwright-core itself (from the repository's root node_modules/).

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Options for playwright-core's `chromium.launch`, with `extra` on top. */
export function launchOptions(extra = {}) {
  return { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, ...extra };
}
