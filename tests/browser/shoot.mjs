// Screenshots for looking at the theme by eye: node shoot.mjs <site-dir> <out-dir> <path> [path...]
// Takes each path at 1280 and 375 px wide in every colour theme (full page). THEMES and WIDTHS in the
// environment narrow it down, e.g. THEMES=dark WIDTHS=375.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { launchBrowser } from "./browser.mjs";
import { startServer } from "./serve.mjs";

const [siteDir, outDir, ...paths] = process.argv.slice(2);
const themes = (process.env.THEMES || "light,dark,sepia,high-contrast").split(",");
const widths = (process.env.WIDTHS || "1280,375").split(",").map(Number);
const fullPage = process.env.FULL !== "0";
await mkdir(outDir, { recursive: true });
const server = await startServer(siteDir);
const browser = await launchBrowser();
try {
  for (const width of widths) {
    const context = await browser.newContext({ viewport: { width, height: width > 800 ? 900 : 800 }, deviceScaleFactor: 1 });
    if (process.env.FAKE_EDGE === "1") {
      await context.addCookies([{ name: "fake-edge", value: "1", url: server.url }]);
    }
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && console.log(`console error: ${m.text()}`));
    for (const path of paths) {
      await page.goto(server.url + path, { waitUntil: "networkidle" });
      for (const theme of themes) {
        await page.evaluate((name) => {
          const root = document.documentElement;
          for (const c of [...root.classList]) if (c.startsWith("theme-")) root.classList.remove(c);
          if (name !== "auto") root.classList.add(`theme-${name}`);
        }, theme);
        const file = join(outDir, `${path.replace(/\W+/g, "_") || "root"}-${width}-${theme}.png`);
        await page.screenshot({ path: file, fullPage });
        console.log(file);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
