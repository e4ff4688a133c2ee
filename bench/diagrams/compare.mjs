// edgedocs' build-time diagrams against Mermaid itself: every diagram of corpus/ drawn by Mermaid
// (dist/mermaid.min.js from this folder's node_modules, in the system's headless Chromium through
// playwright-core from the repository's node_modules) and compared with what edgedocs drew
// (out/edgedocs/*.svg and out/edgedocs.json, written by the render_corpus example; compare.sh runs both).
//
// Per diagram: whether each renders; whether every label Mermaid draws is also in edgedocs' drawing;
// the node and edge counts of both (what counts per type is COUNTS below); the time per diagram; the
// bytes a page with that one diagram costs a reader. Writes out/report.json, results.md (the table),
// sheet.html (both drawings side by side) and, with --shots, one PNG per type under shots/.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { launchOptions } from "../../tests/chromium.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");
const corpusDir = join(here, "corpus");
const outDir = join(here, "out");
const mermaidPath = join(here, "node_modules/mermaid/dist/mermaid.min.js");
const mermaidVersion = JSON.parse(readFileSync(join(here, "node_modules/mermaid/package.json"), "utf8")).version;
const RUNS = Number(process.env.RUNS || 9);
const takeShots = process.argv.includes("--shots");
const edgedocsProfile = process.env.EDGEDOCS_PROFILE || "release";

/**
 * What is counted per diagram type, as CSS selectors on each drawing: Mermaid's own classes on its
 * SVG, the theme's dg-* classes on edgedocs'. "Nodes" are the things a reader names (actors,
 * classes, states, entities, tasks, slices, commits, points, bars, services); "edges" the lines
 * between them (messages, relations, transitions, the arrows between commits). A type with nothing
 * to connect counts only nodes. `by` says how matches are counted: each element (the default),
 * each distinct text (a sequence diagram draws every actor twice, at the top and the bottom), or
 * each distinct place (a git commit is drawn with several shapes around one centre).
 */
const COUNTS = {
  flowchart: {
    nodes: { mermaid: "g.node", edgedocs: "g.dg-node" },
    edges: { mermaid: "path.flowchart-link", edgedocs: "path.dg-edge" },
  },
  sequence: {
    nodes: { mermaid: "text.actor", edgedocs: "text.dg-node-label", by: "text" },
    edges: { mermaid: ".messageLine0, .messageLine1", edgedocs: ".dg-edge" },
  },
  class: {
    nodes: { mermaid: "g.node", edgedocs: "g.dg-node" },
    edges: { mermaid: "path.relation", edgedocs: "path.dg-edge" },
  },
  state: {
    nodes: { mermaid: "g.node", edgedocs: "g.dg-node" },
    edges: { mermaid: "path.transition", edgedocs: "path.dg-edge" },
  },
  er: {
    nodes: { mermaid: "g.node", edgedocs: "g.dg-node" },
    edges: { mermaid: "path.relationshipLine", edgedocs: "path.dg-edge" },
  },
  gantt: { nodes: { mermaid: "rect.task", edgedocs: ".dg-task" } },
  pie: { nodes: { mermaid: "path.pieCircle", edgedocs: "path.dg-slice" } },
  mindmap: {
    nodes: { mermaid: "g.node", edgedocs: "g.dg-node" },
    edges: { mermaid: "path.edge", edgedocs: "path.dg-edge" },
  },
  timeline: { nodes: { mermaid: "g.timeline-node", edgedocs: ".dg-node-shape" } },
  gitgraph: {
    nodes: { mermaid: "g.commit-bullets > *", edgedocs: ".dg-commit", by: "centre" },
    edges: { mermaid: "path.arrow", edgedocs: "path.dg-edge" },
  },
  journey: { nodes: { mermaid: "rect.task", edgedocs: "rect.dg-node-shape:not(.dg-node--accent-fill)" } },
  quadrant: { nodes: { mermaid: "g.data-point circle", edgedocs: "circle.dg-fill-fg" } },
  xychart: {
    nodes: { mermaid: "g[class^=bar-plot] rect", edgedocs: "rect.dg-bar" },
    edges: { mermaid: "g[class^=line-plot] path", edgedocs: "path.dg-plot-line" },
  },
  block: {
    nodes: { mermaid: "g.node", edgedocs: "g.dg-node" },
    edges: { mermaid: "path.flowchart-link", edgedocs: "path.dg-edge" },
  },
  architecture: {
    nodes: { mermaid: "g.architecture-service, g.architecture-junction", edgedocs: "g.dg-node" },
    edges: { mermaid: "g.architecture-edges path.edge", edgedocs: "path.dg-edge" },
  },
};

function typeOf(name) {
  return name.split("-")[0];
}

const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

async function main() {
  const edgedocs = JSON.parse(readFileSync(join(outDir, "edgedocs.json"), "utf8"));
  const names = readdirSync(corpusDir)
    .filter((file) => file.endsWith(".mmd"))
    .map((file) => file.slice(0, -4))
    .sort();
  const diagramCss = readFileSync(join(repo, "diagram/src/diagram.css"), "utf8");
  const mermaidJs = readFileSync(mermaidPath);

  const browser = await chromium.launch(launchOptions());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><meta charset="utf-8"><body><div id="work"></div></body>`);
  await page.addScriptTag({ path: mermaidPath });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }));

  const rows = [];
  for (const name of names) {
    const source = readFileSync(join(corpusDir, `${name}.mmd`), "utf8");
    const type = typeOf(name);
    const ours = edgedocs[name] ?? { ok: false, error: "not rendered" };
    const ourSvg = ours.ok ? readFileSync(join(outDir, "edgedocs", `${name}.svg`), "utf8") : "";
    // The first render of a type loads and parses its code; it is reported apart from the median.
    const theirs = await page.evaluate(
      async ({ source, name, runs }) => {
        const times = [];
        let svg = "";
        let error = null;
        for (let run = 0; run <= runs; run += 1) {
          const start = performance.now();
          try {
            ({ svg } = await window.mermaid.render(`${name.replace(/[^a-z0-9]/gi, "")}${run}`, source));
          } catch (caught) {
            error = String(caught?.message ?? caught);
            break;
          }
          times.push(performance.now() - start);
        }
        const first = times.shift();
        times.sort((a, b) => a - b);
        return { svg, error, firstMs: first, medianMs: times[Math.floor(times.length / 2)] };
      },
      { source, name, runs: RUNS },
    );
    const compared = await page.evaluate(
      ({ ourSvg, theirSvg, counts }) => {
        const work = document.getElementById("work");
        const texts = (root) => {
          const found = [];
          for (const element of root.querySelectorAll("text, foreignObject")) {
            if (element.tagName !== "foreignObject" && element.closest("foreignObject")) continue;
            const text = element.textContent.replace(/\s+/g, " ").trim();
            if (text) found.push(text);
          }
          return found;
        };
        const measure = (svgText, which) => {
          work.innerHTML = svgText;
          const svg = work.querySelector("svg");
          if (!svg) return null;
          const count = (rule) => {
            if (!rule) return null;
            const found = [...svg.querySelectorAll(rule[which])];
            if (rule.by === "text") return new Set(found.map((element) => element.textContent.trim())).size;
            if (rule.by === "centre") {
              const centres = [];
              for (const element of found) {
                const box = element.getBBox();
                const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
                if (!centres.some(([cx, cy]) => Math.hypot(cx - x, cy - y) < 8)) centres.push([x, y]);
              }
              return centres.length;
            }
            return found.length;
          };
          return { labels: texts(svg), nodes: count(counts?.nodes), edges: count(counts?.edges) };
        };
        const mine = ourSvg ? measure(ourSvg, "edgedocs") : null;
        const theirs = theirSvg ? measure(theirSvg, "mermaid") : null;
        work.innerHTML = "";
        return { mine, theirs };
      },
      { ourSvg, theirSvg: theirs.svg, counts: COUNTS[type] },
    );
    const squash = (text) => text.replace(/\s+/g, "").toLowerCase();
    const ourText = squash((compared.mine?.labels ?? []).join(" "));
    const missing = [...new Set(compared.theirs?.labels ?? [])].filter((label) => !ourText.includes(squash(label)));
    rows.push({
      name,
      type,
      source,
      edgedocs: {
        ok: ours.ok,
        error: ours.error ?? null,
        medianMs: ours.median_micros / 1000,
        svgBytes: ourSvg.length,
        svgGzip: ourSvg ? gz(ourSvg) : 0,
        nodes: compared.mine?.nodes ?? null,
        edges: compared.mine?.edges ?? null,
        svg: ourSvg,
      },
      mermaid: {
        ok: !theirs.error,
        error: theirs.error,
        firstMs: theirs.firstMs,
        medianMs: theirs.medianMs,
        svgBytes: theirs.svg.length,
        nodes: compared.theirs?.nodes ?? null,
        edges: compared.theirs?.edges ?? null,
        svg: theirs.svg,
      },
      missingLabels: missing,
    });
    console.error(`${name}: edgedocs ${ours.ok ? "ok" : "FAILED"}, mermaid ${theirs.error ? "FAILED" : "ok"}, missing ${missing.length}`);
  }

  if (takeShots) await screenshots(browser, rows, diagramCss);
  await browser.close();

  const bytes = {
    mermaidJs: mermaidJs.length,
    mermaidJsGzip: gzipSync(mermaidJs, { level: 9 }).length,
    diagramCss: diagramCss.length,
    diagramCssGzip: gz(diagramCss),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "report.json"), JSON.stringify({ mermaidVersion, bytes, rows }, null, 1));
  writeFileSync(join(here, "results.md"), table(rows, bytes));
  writeFileSync(join(here, "sheet.html"), sheet(rows, diagramCss));
  console.log(table(rows, bytes));
}

function fmt(value, digits = 1) {
  return value == null || Number.isNaN(value) ? "–" : value.toFixed(digits);
}

function count(row, key) {
  const ours = row.edgedocs[key];
  const theirs = row.mermaid[key];
  if (ours == null && theirs == null) return "–";
  return ours === theirs ? `${ours} = ${theirs}` : `**${ours} ≠ ${theirs}**`;
}

function table(rows, bytes) {
  const lines = [
    `Mermaid ${mermaidVersion} (dist/mermaid.min.js in headless Chromium) against edgedocs (the render_corpus example, ${edgedocsProfile} build); times are medians of ${RUNS} renders after a first one.`,
    "",
    "| diagram | renders (edgedocs / Mermaid) | labels missing | nodes (edgedocs = Mermaid) | edges | edgedocs ms | Mermaid ms (first) | inline SVG, gzip (kB) | Mermaid: script + SVG, gzip (kB) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const renders = `${row.edgedocs.ok ? "yes" : "**no**"} / ${row.mermaid.ok ? "yes" : "**no**"}`;
    const missing = row.missingLabels.length === 0 ? "none" : `**${row.missingLabels.map((label) => `\`${label}\``).join(", ")}**`;
    const ourKb = (row.edgedocs.svgGzip + bytes.diagramCssGzip) / 1024;
    const theirKb = (bytes.mermaidJsGzip + gz(row.source)) / 1024;
    lines.push(
      `| ${row.name} | ${renders} | ${missing} | ${count(row, "nodes")} | ${count(row, "edges")} | ${fmt(row.edgedocs.medianMs, 2)} | ${fmt(row.mermaid.medianMs)} (${fmt(row.mermaid.firstMs)}) | ${fmt(ourKb)} | ${fmt(theirKb)} |`,
    );
  }
  lines.push(
    "",
    `Bytes a reader downloads for a page with one diagram, beyond the page itself, gzip -9: edgedocs sends the inline SVG plus the diagram rules of the stylesheet (${fmt(bytes.diagramCssGzip / 1024)} kB, shared by every page); Mermaid sends mermaid.min.js (${fmt(bytes.mermaidJs / 1024 / 1024, 2)} MB, ${fmt(bytes.mermaidJsGzip / 1024)} kB gzip) plus the diagram's source, and draws the SVG in the reader's browser.`,
    "",
  );
  return lines.join("\n");
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[character]);
}

/** The light theme's colours for the dg-* classes, so the sheet shows edgedocs' drawing as a page would. */
const SHEET_TOKENS = `:root{--diagram-fg:#1f2328;--diagram-bg:#f6f8fa;--diagram-node-bg:#fff;--diagram-node-border:#8c959f;--diagram-accent:#0b57d0;--diagram-muted:#59636e}`;

function sheet(rows, diagramCss) {
  const sections = rows
    .map(
      (row) => `<section id="${row.name}"><h2>${row.name}</h2>
<div class="pair"><figure class="diagram"><figcaption>edgedocs${row.edgedocs.ok ? "" : ": " + escapeHtml(row.edgedocs.error ?? "")}</figcaption>${row.edgedocs.svg}</figure>
<figure class="mermaid"><figcaption>Mermaid ${mermaidVersion}${row.mermaid.ok ? "" : ": " + escapeHtml(row.mermaid.error ?? "")}</figcaption>${row.mermaid.svg}</figure></div>
<details><summary>source</summary><pre>${escapeHtml(row.source)}</pre></details></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edgedocs against Mermaid ${mermaidVersion}</title>
<style>${SHEET_TOKENS}
body{font:14px system-ui,sans-serif;margin:1rem;color:#1f2328}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem;align-items:start}
figure{margin:0;padding:.5rem;border:1px solid #d0d7de;overflow:auto;background:#fff}
figure.diagram{background:var(--diagram-bg)}
figcaption{font-weight:600;margin-bottom:.5rem}
figure svg{max-width:100%;height:auto}
${diagramCss}</style></head><body>
<h1>edgedocs (left, build time) and Mermaid ${mermaidVersion} (right, in the browser)</h1>
${sections}
</body></html>
`;
}

/** One PNG per diagram type (its first corpus diagram): both drawings side by side. */
async function screenshots(browser, rows, diagramCss) {
  const shots = join(here, "shots");
  mkdirSync(shots, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1200, height: 600 }, deviceScaleFactor: 1 });
  const seen = new Set();
  for (const row of rows) {
    if (seen.has(row.type)) continue;
    seen.add(row.type);
    await page.setContent(sheet([row], diagramCss));
    await page.locator(".pair").screenshot({ path: join(shots, `${row.type}.png`) });
  }
  await page.close();
  const total = readdirSync(shots).reduce((sum, file) => sum + statSync(join(shots, file)).size, 0);
  console.error(`screenshots: ${seen.size} files, ${(total / 1024).toFixed(0)} kB`);
}

await main();
