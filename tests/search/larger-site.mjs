// A documentation site of 160 pages for the search tests, written from the repository's own README and
// ARCHITECTURE (real English, code identifiers, a few accented and CJK words) and built with edgedocs:
// enough text for several term shards and fragment files, and for more results than the dialog shows
// at first.
//
//   EDGEDOCS_BIN   the edgedocs binary (default: target/debug/edgedocs, built with cargo if missing)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The edgedocs binary, built first when it is missing. */
export function edgedocsBinary() {
  const binary = process.env.EDGEDOCS_BIN || join(REPO, "target/debug/edgedocs");
  if (!existsSync(binary)) execFileSync("cargo", ["build", "-q", "-p", "edgedocs", "--locked"], { cwd: REPO, stdio: "inherit" });
  return binary;
}

/** Writes the site into `root` (a new folder) and builds it into `root/public`; returns `root`. */
export function buildLargerSite(root) {
  mkdirSync(root, { recursive: true });
  writeLargerSite(root);
  execFileSync(edgedocsBinary(), ["build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return root;
}

/** A site with many pages of real English and identifiers, cut from the repository's own docs. */
function writeLargerSite(root) {
  const text = ["README.md", "ARCHITECTURE.md"].map((file) => readFileSync(join(REPO, file), "utf8")).join("\n");
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((block) => block.replace(/[#`|*<>[\]{}]/g, " ").trim())
    .filter((block) => block.length > 40);
  writeFileSync(join(root, "site.toml"), 'title = "Parity"\nbase_url = "https://parity.example"\n\n[search]\nenabled = true\n');
  mkdirSync(join(root, "content/docs"), { recursive: true });
  writeFileSync(join(root, "content/_index.md"), "+++\ntitle = \"Home\"\n+++\n\nCrème brûlée, 東京都に行く, naïve café.\n");
  writeFileSync(join(root, "content/docs/_index.md"), '+++\ntitle = "Docs"\n+++\n');
  const pages = 160;
  for (let page = 0; page < pages; page++) {
    const pick = (offset) => paragraphs[(page * 7 + offset * 13) % paragraphs.length];
    const title = pick(0).split(/\s+/).slice(0, 4).join(" ").replace(/[^\p{L}\p{N} .-]/gu, "") || `Page ${page}`;
    const body = [
      pick(1),
      `## ${pick(2).split(/\s+/).slice(0, 3).join(" ").replace(/[^\p{L}\p{N} ]/gu, "")} ${page}`,
      pick(3),
      `### Details ${page}`,
      pick(4),
      pick(5),
    ].join("\n\n");
    writeFileSync(join(root, `content/docs/page-${page}.md`), `+++\ntitle = "${title} ${page}"\n+++\n\n${body}\n`);
  }
}
