#!/usr/bin/env python3
"""Write a synthetic documentation corpus as an edgedocs site and an equivalent Hugo site.

    gen_corpus.py --pages N --out DIR [--seed S]

writes

    DIR/edgedocs/site.toml, DIR/edgedocs/content/...   (the theme is copied in by build-bench.sh)
    DIR/hugo/hugo.toml, DIR/hugo/content/..., DIR/hugo/layouts/..., DIR/hugo/assets/...
    DIR/mdbook/book.toml, DIR/mdbook/src/SUMMARY.md, DIR/mdbook/src/...   (with --mdbook)

N regular pages are spread over 10 top-level sections; a section with more than
--pages-per-folder pages is split into subsections of at most that many pages, the way a real
docs tree grows. Every page has ~800 words of prose under h2/h3 headings, a bullet list, a
numbered list, a table, 5-6 internal links written as relative `.md` paths (some with an
anchor to a heading of the target page), and 3-5 fenced code blocks (ts, rust, json, toml, bash)
of 10-30 lines whose identifiers, literals and lengths differ from page to page.

Both sites get byte-identical Markdown except the fences' info strings: edgedocs writes
    ```ts title="src/handlers/kv.ts" {3-5}
and Hugo
    ```ts {title="src/handlers/kv.ts" hl_lines=["3-5"]}
and mdBook, which highlights in the browser and has no titles or marked lines, only
    ```ts
with the title as the page's `# ` heading instead of front matter.

The output depends only on --pages, --seed and this file (standard library only).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import posixpath
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 1

SECTIONS = [
    ("get-started", "Get started"),
    ("workers", "Workers"),
    ("storage", "Storage"),
    ("networking", "Networking"),
    ("security", "Security"),
    ("observability", "Observability"),
    ("deployment", "Deployment"),
    ("configuration", "Configuration"),
    ("reference", "Reference"),
    ("tutorials", "Tutorials"),
]

SUBSECTION_TOPICS = [
    "kv", "queues", "caching", "routing", "sessions", "webhooks", "analytics", "durable-objects",
    "cron-triggers", "secrets", "custom-domains", "redirects", "headers", "rate-limiting", "logging",
    "tracing", "metrics", "alerts", "rollbacks", "previews", "environments", "bindings", "limits",
    "pricing", "migrations", "websockets", "streams", "images", "email", "search", "auth", "tokens",
    "access", "firewall", "certificates", "dns", "load-balancing", "health-checks", "storage-classes",
    "backups",
]

VERBS = [
    "Configure", "Deploy", "Debug", "Migrate", "Monitor", "Secure", "Cache", "Route", "Test", "Scale",
    "Inspect", "Rotate", "Bind", "Publish", "Validate", "Stream", "Batch", "Replicate", "Throttle",
    "Observe", "Tune", "Preview", "Roll back", "Version",
]
ADJECTIVES = [
    "regional", "global", "private", "shared", "versioned", "scheduled", "encrypted", "cached",
    "durable", "temporary", "custom", "default", "staged", "signed", "streaming", "batched",
    "isolated", "public", "incremental", "compressed",
]
NOUNS = [
    "namespaces", "workers", "routes", "queues", "buckets", "sessions", "secrets", "tokens",
    "headers", "redirects", "webhooks", "bindings", "environments", "deployments", "previews",
    "domains", "certificates", "logs", "metrics", "traces", "alerts", "requests", "responses",
    "objects", "keys", "values", "caches", "origins", "assets", "pages", "forms", "uploads",
    "streams", "jobs", "schedules", "limits", "policies", "rules", "filters", "handlers",
]

H2_PHRASES = [
    "Before you begin", "How it works", "Set up the binding", "Write the handler", "Read values",
    "Write values", "List keys", "Handle errors", "Limits and quotas", "Local development",
    "Deploy to production", "Test the integration", "Monitor usage", "Clean up", "Next steps",
    "Choose a region", "Configure retries", "Migrate existing data", "Secure the endpoint",
    "Tune performance", "Understand consistency", "Use environments", "Roll out gradually",
    "Troubleshooting", "Request lifecycle", "Response headers", "Expiration and eviction",
    "Batch operations", "Pagination", "Authentication", "Authorization", "Observability",
    "Pricing", "Known limitations", "Compatibility", "Common patterns", "Example project",
    "Architecture", "Data model", "Access control", "Versioning", "Rate limits",
]
H3_PHRASES = [
    "Prerequisites", "Install the CLI", "Create a namespace", "Add the binding", "Generate types",
    "Run locally", "Check the logs", "Inspect metrics", "Set a TTL", "Use metadata", "Cache the result",
    "Retry with backoff", "Return a custom error", "Validate input", "Stream the body",
    "Paginate results", "Use a cursor", "Sign the request", "Verify the signature", "Rotate the key",
    "Pin the version", "Use a preview", "Promote the deployment", "Delete old versions",
    "Measure latency", "Reduce cold starts", "Split traffic", "Add a route", "Match wildcards",
    "Set headers", "Compress responses", "Handle timeouts", "Schedule a job", "Cancel a job",
    "Bulk import", "Export data", "Restore a backup", "Grant access", "Revoke access", "Audit changes",
    "Configure alerts", "Silence an alert", "Filter events", "Sample traces", "Tag resources",
]

PROSE_SUBJECTS = [
    "The runtime", "Each request", "Your handler", "The platform", "A binding", "The edge cache",
    "The scheduler", "Every deployment", "The dashboard", "The CLI", "A preview environment",
    "The control plane", "The storage layer", "The router", "A background job", "The API",
]
PROSE_VERBS = [
    "reads", "writes", "validates", "caches", "replicates", "forwards", "rejects", "retries",
    "streams", "records", "compresses", "signs", "routes", "batches", "expires", "measures",
]
PROSE_OBJECTS = [
    "the value", "each key", "the response body", "incoming requests", "the stored metadata",
    "the configuration", "every header", "the upstream origin", "the session token", "the payload",
    "pending writes", "the query string", "the deployment manifest", "the access log",
    "the cached entry", "a signed URL",
]
PROSE_TAILS = [
    "before the response is sent", "within a few seconds", "in every region", "on the first request",
    "after the deployment finishes", "when the limit is reached", "without blocking the handler",
    "for the lifetime of the isolate", "once per minute", "as soon as the binding is ready",
    "only when the request is authenticated", "unless you disable it", "in the order they arrive",
    "for up to sixty seconds", "while the previous version keeps serving traffic",
    "when the cache entry is stale",
]
PROSE_EXTRAS = [
    "This keeps latency low for readers far from the origin.",
    "You can change this behaviour in the configuration file.",
    "The default is safe for most projects and needs no tuning.",
    "Reads are eventually consistent across regions.",
    "Writes to the same key are applied in order.",
    "Errors are reported with the key and the operation that failed.",
    "The limit applies per account, not per project.",
    "Local development uses the same code path as production.",
    "Nothing is billed for requests that never reach your code.",
    "Logs are kept for seven days on the free plan.",
    "Use a separate namespace for each environment to avoid surprises.",
    "The setting takes effect on the next deployment.",
]
INLINE_CODE = [
    "env.KV", "ctx.waitUntil()", "fetch()", "wrangler.toml", "expirationTtl", "cacheTtl",
    "Response.json()", "list({ prefix })", "getWithMetadata()", "request.cf", "crypto.subtle",
    "Cache-Control", "compatibility_date", "--env production", "max_batch_size", "x-request-id",
]
LIST_ITEMS = [
    "an account with access to the project", "the CLI installed and logged in",
    "a namespace for each environment", "the binding declared in the configuration",
    "a route that points at the worker", "a secret for the signing key",
    "tests that run against a local instance", "alerts for error rate and latency",
    "a rollback plan for the deployment", "retention settings for the logs",
    "a dashboard for request volume", "rate limits that match your traffic",
    "a custom domain with a valid certificate", "a health check on the origin",
]
TABLE_HEADERS = [
    ("Setting", "Default", "Description"),
    ("Limit", "Free plan", "Paid plan"),
    ("Method", "Returns", "Notes"),
    ("Field", "Type", "Required"),
]

IDENT_WORDS = [
    "user", "session", "cache", "route", "token", "payload", "record", "entry", "bucket", "queue",
    "event", "batch", "config", "handler", "origin", "header", "cursor", "metric", "trace", "job",
    "upload", "asset", "policy", "rule", "filter", "tenant", "account", "order", "invoice", "report",
]
BINDINGS = ["KV", "CACHE", "SESSIONS", "USERS", "ASSETS", "QUEUE", "CONFIG", "RATES", "TOKENS", "JOBS"]
TS_TYPES = ["string", "number", "boolean", "string[]", "Record<string, string>", "Date", "URL"]
RUST_TYPES = ["String", "u32", "u64", "bool", "Vec<String>", "Option<String>", "i64", "f64"]
SHELL_CMDS = [
    "wrangler kv namespace create {n}", "wrangler deploy --env {env}", "wrangler tail --format pretty",
    "curl -sS https://{host}/api/{n}/{id}", "cargo build --release --target wasm32-unknown-unknown",
    "npm run test -- --filter {n}", "wrangler secret put {N}_KEY", "edgedocs build --output public",
    "git tag v{maj}.{min}.{patch} && git push --tags", "jq '.{n}[] | .id' response.json",
]
ENVS = ["staging", "production", "preview", "development", "canary"]
HOSTS = ["api.example.com", "docs.example.com", "edge.example.net", "status.example.org"]


def slugify(text: str) -> str:
    return "-".join(text.lower().split())


def words(text: str) -> int:
    return len(text.split())


# ---------------------------------------------------------------------------------------------
# Site plan: which pages exist, where, with which headings (needed before writing, for links).
# ---------------------------------------------------------------------------------------------


@dataclass
class Page:
    rel_path: str  # content-relative path, e.g. "storage/kv/read-values.md" or "storage/_index.md"
    title: str
    description: str
    weight: int
    headings: list[str] = field(default_factory=list)  # h2 and h3 texts (anchors are their slugs)
    is_section: bool = False
    slug: str | None = None
    extra: dict[str, str] | None = None

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.rel_path)


def plan_site(n_pages: int, per_folder: int, rng: random.Random) -> tuple[list[Page], list[Page]]:
    """Return (regular pages, section pages) in navigation order, with global increasing weights."""
    pages: list[Page] = []
    sections: list[Page] = []
    weight = 0
    base, rest = divmod(n_pages, len(SECTIONS))
    for s_idx, (s_slug, s_title) in enumerate(SECTIONS):
        count = base + (1 if s_idx < rest else 0)
        weight += 10
        sections.append(Page(f"{s_slug}/_index.md", s_title, f"{s_title}: guides and reference.",
                             weight, is_section=True))
        if count <= per_folder:
            groups = [(s_slug, count)]
        else:
            n_groups = math.ceil(count / per_folder)
            g_base, g_rest = divmod(count, n_groups)
            groups = []
            for g in range(n_groups):
                topic = SUBSECTION_TOPICS[(s_idx * 7 + g) % len(SUBSECTION_TOPICS)]
                if g >= len(SUBSECTION_TOPICS):
                    topic = f"{topic}-{g // len(SUBSECTION_TOPICS) + 1}"
                folder = f"{s_slug}/{topic}"
                g_title = topic.replace("-", " ").capitalize()
                weight += 10
                sections.append(Page(f"{folder}/_index.md", g_title,
                                     f"{g_title} in {s_title.lower()}.", weight, is_section=True))
                groups.append((folder, g_base + (1 if g < g_rest else 0)))
        for folder, group_count in groups:
            used: set[str] = set()
            for _ in range(group_count):
                while True:
                    title = f"{rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
                    stem = slugify(title)
                    if stem not in used:
                        used.add(stem)
                        break
                weight += 10
                page = Page(f"{folder}/{stem}.md", title,
                            f"How to {title.lower()} with bindings, limits and examples.", weight)
                if rng.random() < 0.05:
                    page.slug = f"{stem}-guide"
                if rng.random() < 0.2:
                    page.extra = {"status": rng.choice(["beta", "stable", "deprecated"]),
                                  "owner": rng.choice(["platform", "storage", "edge"])}
                pages.append(page)
    # Headings for every page (sections get a couple too, so they can be link targets).
    for page in pages + sections:
        n_h2 = 2 if page.is_section else rng.randint(4, 6)
        h2s = rng.sample(H2_PHRASES, n_h2)
        h3_pool = rng.sample(H3_PHRASES, 12)
        headings = []
        for h2 in h2s:
            headings.append(("h2", h2))
            for _ in range(0 if page.is_section else rng.randint(0, 2)):
                headings.append(("h3", h3_pool.pop()))
        page.headings = headings  # type: ignore[assignment]
    return pages, sections


# ---------------------------------------------------------------------------------------------
# Code blocks: per-language generators fed by a page's own RNG so every block differs.
# ---------------------------------------------------------------------------------------------


def fill(rng: random.Random, lines: list[str], chunks: list, limit: int) -> None:
    """Append random chunks (callables returning lines) while the result stays within `limit` lines."""
    misses = 0
    while misses < 6:
        chunk = rng.choice(chunks)()
        if len(lines) + len(chunk) <= limit:
            lines += chunk
            misses = 0
        else:
            misses += 1


def ident(rng: random.Random, parts: int = 2) -> list[str]:
    return rng.sample(IDENT_WORDS, parts)


def camel(ws: list[str]) -> str:
    return ws[0] + "".join(w.capitalize() for w in ws[1:])


def pascal(ws: list[str]) -> str:
    return "".join(w.capitalize() for w in ws)


def snake(ws: list[str]) -> str:
    return "_".join(ws)


def code_ts(rng: random.Random, target: int) -> tuple[str, list[str]]:
    name = ident(rng)
    binding = rng.choice(BINDINGS)
    fields = rng.sample(IDENT_WORDS, 4)
    lines = [
        'import type { Env } from "../env";',
        "",
        f"export interface {pascal(name)}Options {{",
    ]
    for f in fields[: rng.randint(1, 4 if target > 20 else 2)]:
        opt = "?" if rng.random() < 0.4 else ""
        lines.append(f"  {f}{opt}: {rng.choice(TS_TYPES)};")
    lines += [
        "}",
        "",
        f"export async function {camel(['handle'] + name)}(request: Request, env: Env, options: {pascal(name)}Options) {{",
        f'  const key = `{name[0]}:${{new URL(request.url).searchParams.get("{name[1]}") ?? "default"}}`;',
    ]
    body = [
        lambda: [f'  const cached = await env.{binding}.get(key, {{ type: "json", cacheTtl: {rng.choice([30, 60, 300, 3600])} }});',
                 "  if (cached !== null) {",
                 f'    return Response.json(cached, {{ headers: {{ "x-cache": "hit" }} }});',
                 "  }"],
        lambda: [f"  // Reject {rng.choice(IDENT_WORDS)} payloads larger than {rng.randint(1, 64)} KiB.",
                 f'  const length = Number(request.headers.get("content-length") ?? "0");',
                 f"  if (length > {rng.randint(1, 64) * 1024}) {{",
                 f'    return new Response("payload too large", {{ status: 413 }});',
                 "  }"],
        lambda: [f"  const {camel(ident(rng))} = await request.json<Record<string, unknown>>();"],
        lambda: [f'  await env.{binding}.put(key, JSON.stringify({{ at: Date.now(), n: {rng.randint(0, 9999)} }}), {{',
                 f"    expirationTtl: {rng.choice([60, 120, 900, 86400])},",
                 "  });"],
        lambda: [f"  const started = performance.now();",
                 f'  console.log("{snake(ident(rng))}", {{ key, ms: performance.now() - started }});'],
        lambda: [f"  for (const item of options.{fields[0]} ? [options.{fields[0]}] : []) {{",
                 f"    await env.{binding}.delete(`${{key}}:${{item}}`);",
                 "  }"],
        lambda: [f'  const list = await env.{binding}.list({{ prefix: "{name[0]}:", limit: {rng.choice([10, 100, 1000])} }});',
                 f"  const keys = list.keys.map((k) => k.name).filter((n) => n.endsWith(\"{rng.choice(IDENT_WORDS)}\"));"],
    ]
    fill(rng, lines, body, target - 2)
    lines += [f'  return Response.json({{ key, ok: true, version: "{rng.randint(1, 9)}.{rng.randint(0, 20)}" }});', "}"]
    return "\n".join(lines), [f"src/handlers/{name[0]}.ts", f"src/{snake(name)}.ts"]


def code_rust(rng: random.Random, target: int) -> tuple[str, list[str]]:
    name = ident(rng)
    fields = rng.sample(IDENT_WORDS, 5)
    lines = [
        "use serde::{Deserialize, Serialize};",
        "use worker::{Env, Request, Response, Result};",
        "#[derive(Debug, Serialize, Deserialize)]",
        f"pub struct {pascal(name)} {{",
    ]
    for f in fields[: rng.randint(1, 5 if target > 20 else 2)]:
        lines.append(f"    pub {f}: {rng.choice(RUST_TYPES)},")
    lines += [
        "}",
        "",
        f"/// Handles `{rng.choice(['GET', 'POST', 'PUT', 'DELETE'])} /{name[0]}/:{name[1]}`.",
        f"pub async fn {snake(['handle'] + name)}(req: Request, env: Env) -> Result<Response> {{",
        f'    let kv = env.kv("{rng.choice(BINDINGS)}")?;',
    ]
    body = [
        lambda: [f'    let key = format!("{name[0]}:{{}}", req.path());'],
        lambda: [f"    let limit: u32 = {rng.randint(1, 500)};",
                 f"    if req.headers().get(\"x-{rng.choice(IDENT_WORDS)}\")?.is_none() {{",
                 f'        return Response::error("missing header", {rng.choice([400, 401, 403])});',
                 "    }"],
        lambda: [f"    let {snake(ident(rng))} = kv.get(\"{rng.choice(IDENT_WORDS)}\").text().await?;"],
        lambda: [f"    // Entries expire after {rng.randint(1, 48)} hours.",
                 f'    kv.put("{name[1]}", "{rng.randint(1000, 99999)}")?',
                 f"        .expiration_ttl({rng.choice([60, 3600, 86400])})",
                 "        .execute()",
                 "        .await?;"],
        lambda: [f"    let values: Vec<u64> = (0..{rng.randint(2, 64)}).map(|i| i * {rng.randint(2, 9)}).collect();",
                 f"    let total: u64 = values.iter().sum();"],
        lambda: [f"    match kv.get(\"{name[0]}\").text().await? {{",
                 "        Some(value) if !value.is_empty() => {",
                 f"            return Response::ok(value);",
                 "        }",
                 f'        _ => worker::console_log!("miss for {snake(name)}"),',
                 "    }"],
    ]
    fill(rng, lines, body, target - 2)
    lines += [f'    Response::ok("{snake(name)} {rng.randint(1, 999)}")', "}"]
    return "\n".join(lines), [f"src/{name[0]}.rs", f"src/handlers/{snake(name)}.rs"]


def code_json(rng: random.Random, target: int) -> tuple[str, list[str]]:
    def scalar() -> list[str]:
        key = snake(ident(rng))
        value = rng.choice([str(rng.randint(0, 100000)), "true", "false",
                            f'"{rng.choice(ENVS)}-{rng.randint(1, 99)}"'])
        return [f'  "{key}": {value},']

    def nested() -> list[str]:
        inner = [f'    "{w}": {rng.randint(1, 500)},' for w in rng.sample(IDENT_WORDS, rng.randint(2, 4))]
        inner[-1] = inner[-1].rstrip(",")
        return [f'  "{snake(ident(rng))}": {{'] + inner + ["  },"]

    lines = ["{", f'  "name": "{"-".join(ident(rng))}",',
             f'  "version": "{rng.randint(0, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",']
    fill(rng, lines, [scalar, scalar, nested], target - 1)
    while len(lines) < target - 1:
        lines += scalar()
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines), ["package.json", f"fixtures/{rng.choice(IDENT_WORDS)}.json"]


def code_toml(rng: random.Random, target: int) -> tuple[str, list[str]]:
    name = "-".join(ident(rng))
    lines = [f'name = "{name}"', 'main = "src/index.ts"',
             f'compatibility_date = "2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"', ""]
    used_tables: set[str] = set()

    def once(table: str, body: list[str]) -> list[str]:
        if table in used_tables:
            return []
        used_tables.add(table)
        return [table] + body + [""]

    blocks = [
        lambda: ["[[kv_namespaces]]", f'binding = "{rng.choice(BINDINGS)}"',
                 f'id = "{rng.getrandbits(128):032x}"', ""],
        lambda: once(f"[env.{rng.choice(ENVS)}]",
                     [f'route = "{rng.choice(HOSTS)}/{rng.choice(IDENT_WORDS)}/*"',
                      f"workers_dev = {'true' if rng.random() < 0.5 else 'false'}"]),
        lambda: once("[vars]", [f'{snake(ident(rng)).upper()} = "{rng.randint(1, 9999)}"',
                                f'{snake(ident(rng)).upper()} = "{rng.choice(ENVS)}"',
                                f"{snake(ident(rng)).upper()} = {rng.randint(1, 600)}"]),
        lambda: ["[[queues.consumers]]", f'queue = "{"-".join(ident(rng))}"',
                 f"max_batch_size = {rng.choice([10, 25, 50, 100])}",
                 f"max_retries = {rng.randint(0, 10)}", ""],
        lambda: ["[[r2_buckets]]", f'binding = "{rng.choice(BINDINGS)}_BUCKET"',
                 f'bucket_name = "{"-".join(ident(rng))}"', ""],
        lambda: once("[triggers]", [f'crons = ["{rng.randint(0, 59)} {rng.randint(0, 23)} * * *", '
                                    f'"*/{rng.choice([5, 10, 15, 30])} * * * *"]']),
        lambda: once("[observability]", ["enabled = true",
                                         f"head_sampling_rate = {rng.choice([0.01, 0.1, 0.25, 1])}"]),
    ]
    fill(rng, lines, blocks, target + 1)
    if len(lines) < target:
        lines += ["[limits]"] + [f"{k} = {rng.randint(10, 30000)}" for k in
                                 ["cpu_ms", "memory_mb", "subrequests", "max_body_kb"][: target - len(lines) - 1]]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines), ["wrangler.toml", f"config/{rng.choice(ENVS)}.toml"]


def code_bash(rng: random.Random, target: int) -> tuple[str, list[str]]:
    def command() -> list[str]:
        n = rng.choice(IDENT_WORDS)
        return [rng.choice(SHELL_CMDS).format(
            n=n, N=n.upper(), env=rng.choice(ENVS), host=rng.choice(HOSTS), id=rng.randint(1, 99999),
            maj=rng.randint(0, 3), min=rng.randint(0, 20), patch=rng.randint(0, 9))]

    def comment() -> list[str]:
        return [f"# {rng.choice(PROSE_VERBS).capitalize()} {rng.choice(PROSE_OBJECTS)} {rng.choice(PROSE_TAILS)}"]

    def variable() -> list[str]:
        n = rng.choice(IDENT_WORDS).upper()
        return [f'{n}_{rng.choice(["ID", "URL", "TTL", "ENV"])}="{rng.choice(ENVS)}-{rng.randint(1, 999)}"']

    def guard() -> list[str]:
        n = rng.choice(IDENT_WORDS)
        return [f'if [ -z "${{{n.upper()}_ID:-}}" ]; then', f'  echo "{n} is not set" >&2',
                f"  exit {rng.randint(1, 3)}", "fi"]

    lines = ["#!/usr/bin/env bash", "set -euo pipefail", ""]
    fill(rng, lines, [command, command, command, comment, variable, guard], target)
    while len(lines) < target:
        lines += command()
    return "\n".join(lines), ["scripts/deploy.sh", f"scripts/{rng.choice(IDENT_WORDS)}.sh"]


CODE_GENERATORS = {"ts": code_ts, "rust": code_rust, "json": code_json, "toml": code_toml, "bash": code_bash}


# ---------------------------------------------------------------------------------------------
# Real code: windows of 10-40 lines cut from source files found on the machine, from a fixed set of
# sources so that the corpus is the same wherever the same dependencies are installed: the crates
# Cargo.lock names (Rust, and their Cargo.toml for TOML), the npm packages the root package-lock.json
# names (TypeScript declarations and sources, JSON), and shell scripts from both and from this repository.
# ---------------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
MAX_LINE = 160  # longer lines are minified or generated code: a window with one is skipped
FRESH_SHARE = 0.25  # a window whose lines the corpus already has more than this share of is skipped


def _cargo_crate_dirs() -> list[Path]:
    lock = (REPO / "Cargo.lock").read_text()
    locked = re.findall(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"\nsource = "registry', lock)
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    registries = sorted((cargo_home / "registry" / "src").glob("*"))
    dirs = []
    for name, version in sorted(locked):
        for registry in registries:
            candidate = registry / f"{name}-{version}"
            if candidate.is_dir():
                dirs.append(candidate)
                break
    return dirs


def _npm_package_dirs() -> list[Path]:
    dirs = set()
    for lock_path in sorted(REPO.glob("**/package-lock.json")):
        if "node_modules" in lock_path.parts:
            continue
        packages = json.loads(lock_path.read_text()).get("packages", {})
        for key in packages:
            if key.startswith("node_modules/") and (lock_path.parent / key).is_dir():
                dirs.add(lock_path.parent / key)
    return sorted(dirs)


def _files(roots: list[Path], suffixes: tuple[str, ...], skip_nested_node_modules: bool = True) -> list[tuple[str, Path]]:
    """(stable name, path) of every file under `roots` ending with one of `suffixes`, sorted by name."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file() or not path.name.endswith(suffixes):
                continue
            relative = path.relative_to(root)
            if skip_nested_node_modules and "node_modules" in relative.parts:
                continue
            found.append((f"{root.name}/{relative.as_posix()}", path))
    found.sort()
    return found


def _system_files(suffixes: tuple[str, ...]) -> list[tuple[str, Path]]:
    """Files of the operating system's packages under /usr/share and /usr/lib ending with `suffixes`,
    under 64 KB."""
    found = []
    for folder in ("/usr/share", "/usr/lib"):
        for path in Path(folder).rglob("*"):
            try:
                if path.name.endswith(suffixes) and not path.is_symlink() and path.is_file() \
                        and path.stat().st_size <= 65_536:
                    found.append((f"system{path.as_posix()}", path))
            except OSError:
                continue
    found.sort()
    return found


def _system_shell_scripts() -> list[tuple[str, Path]]:
    """Shell scripts of the operating system's packages (`#!/bin/sh` or bash in /usr), under 64 KB."""
    found = []
    for folder in ("/usr/bin", "/usr/sbin", "/usr/lib", "/usr/share"):
        for path in Path(folder).rglob("*"):
            try:
                if path.is_symlink() or not path.is_file() or path.stat().st_size > 65_536:
                    continue
                with path.open("rb") as file:
                    head = file.readline(64)
            except OSError:
                continue
            if head.startswith((b"#!/bin/sh", b"#!/bin/bash", b"#!/usr/bin/env bash", b"#! /bin/sh")):
                found.append((f"system{path.as_posix()}", path))
    found.sort()
    return found


class RealCode:
    """Windows of real source files, per fence language."""

    def __init__(self) -> None:
        crates = _cargo_crate_dirs()
        npm = _npm_package_dirs()
        toml_files = []
        for crate in crates:
            original = crate / "Cargo.toml.orig"
            toml_files.append((f"{crate.name}/Cargo.toml", original if original.is_file() else crate / "Cargo.toml"))
        repo_scripts = [(f"edgedocs/{p.relative_to(REPO).as_posix()}", p) for p in sorted(REPO.glob("**/*.sh"))
                        if "node_modules" not in p.parts and ".corpus" not in p.parts and ".work" not in p.parts]
        self.sources: dict[str, list[tuple[str, Path]]] = {
            "rust": _files(crates, (".rs",)),
            "ts": _files(npm, (".ts", ".mts", ".cts")),
            "json": sorted([f for f in _files(npm, (".json",)) if not f[0].endswith("package-lock.json")]
                           + _system_files((".json",))),
            "toml": sorted(toml_files + [f for f in _files(crates, (".toml",)) if not f[0].endswith("Cargo.toml")]),
            "bash": sorted(_files(crates + npm, (".sh", ".bash")) + repo_scripts + _system_shell_scripts()),
        }
        self._lines: dict[Path, list[str] | None] = {}
        self._used: dict[Path, list[tuple[int, int]]] = {}
        self._seen: dict[str, set[str]] = {}
        missing = [lang for lang, files in self.sources.items() if not files]
        if missing:
            sys.exit(f"no source files for {', '.join(missing)}: run `cargo fetch --locked` and "
                     "scripts/install-node-packages.sh first (see bench/README.md)")

    def counts(self) -> dict[str, int]:
        return {lang: len(files) for lang, files in self.sources.items()}

    def lines_of(self, path: Path) -> list[str] | None:
        if path not in self._lines:
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                text = None
            self._lines[path] = None if text is None else [line.rstrip() for line in text.splitlines()]
        return self._lines[path]

    def window(self, rng: random.Random, lang: str, target: int) -> tuple[str, list[str]]:
        """A window of about `target` lines from a random file of `lang`, overlapping no window taken
        before while untouched text remains (real docs rarely show the same lines twice)."""
        files = self.sources[lang]
        for attempt in range(400):
            name, path = files[rng.randrange(len(files))]
            lines = self.lines_of(path)
            if not lines or len(lines) < 10:
                continue
            length = min(target, len(lines))
            start = rng.randrange(len(lines) - length + 1)
            used = self._used.setdefault(path, [])
            if attempt < 300 and any(start < end and begin < start + length for begin, end in used):
                continue
            window = lines[start:start + length]
            while window and not window[0].strip():
                window.pop(0)
            while window and not window[-1].strip():
                window.pop()
            text = "\n".join(window)
            usable = (
                len(window) >= 8
                and sum(1 for line in window if line.strip()) >= len(window) * 0.6
                and all(len(line) <= MAX_LINE for line in window)
                and "```" not in text and "~~~" not in text and "{{<" not in text and "{{%" not in text
            )
            seen = self._seen.setdefault(lang, set())
            content = [line.strip() for line in window if line.strip()]
            # Real docs rarely repeat a snippet: prefer windows whose lines are mostly new to the corpus.
            fresh = attempt >= 300 or sum(1 for line in content if line in seen) <= len(content) * FRESH_SHARE
            if usable and fresh:
                used.append((start, start + length))
                seen.update(content)
                return text, [name]
        raise SystemExit(f"could not find a usable {lang} window in 400 tries")


def real_code_generators(real: RealCode) -> dict:
    return {lang: (lambda rng, target, lang=lang: real.window(rng, lang, target)) for lang in CODE_GENERATORS}


@dataclass
class Fence:
    lang: str
    code: str
    title: str | None
    highlight: tuple[int, int] | None

    def edgedocs(self) -> str:
        info = self.lang
        if self.title:
            info += f' title="{self.title}"'
        if self.highlight:
            a, b = self.highlight
            info += f" {{{a}}}" if a == b else f" {{{a}-{b}}}"
        return f"```{info}\n{self.code}\n```"

    def hugo(self) -> str:
        attrs = []
        if self.title:
            attrs.append(f'title="{self.title}"')
        if self.highlight:
            a, b = self.highlight
            attrs.append(f'hl_lines=["{a}"]' if a == b else f'hl_lines=["{a}-{b}"]')
        info = self.lang + (" {" + " ".join(attrs) + "}" if attrs else "")
        return f"```{info}\n{self.code}\n```"

    def mdbook(self) -> str:
        return f"```{self.lang}\n{self.code}\n```"


GENERATORS = CODE_GENERATORS  # replaced by real_code_generators() in the real-code mode
TARGET_LINES = (10, 30)        # (10, 40) in the real-code mode


def make_fence(rng: random.Random, lang: str) -> Fence:
    target = rng.randint(*TARGET_LINES)
    code, titles = GENERATORS[lang](rng, target)
    title = rng.choice(titles) if rng.random() < 0.6 else None
    n_lines = code.count("\n") + 1
    highlight = None
    if rng.random() < 0.4 and n_lines > 4:
        a = rng.randint(2, n_lines - 2)
        highlight = (a, min(n_lines, a + rng.randint(0, 3)))
    return Fence(lang, code, title, highlight)


# ---------------------------------------------------------------------------------------------
# Page bodies. A body is a list of parts: strings (shared Markdown) and Fences (per tool).
# ---------------------------------------------------------------------------------------------


def link_to(src: Page, dst: Page, anchor: str | None) -> str:
    rel = posixpath.relpath(dst.rel_path, src.folder or ".")
    return rel + (f"#{anchor}" if anchor else "")


class Linker:
    def __init__(self, pages: list[Page], sections: list[Page]):
        self.pages = pages
        self.sections = sections
        self.by_folder: dict[str, list[Page]] = {}
        for p in pages:
            self.by_folder.setdefault(p.folder, []).append(p)
        self.section_by_folder = {s.folder: s for s in sections}

    def targets(self, rng: random.Random, src: Page) -> list[tuple[str, str]]:
        """Return (text, href) pairs: siblings, a far page, the parent section, sometimes anchors."""
        out: list[tuple[Page, bool]] = []
        siblings = [p for p in self.by_folder.get(src.folder, []) if p is not src]
        for p in rng.sample(siblings, min(len(siblings), 2)):
            out.append((p, rng.random() < 0.5))
        for _ in range(rng.randint(1, 2)):
            out.append((rng.choice(self.pages), rng.random() < 0.5))
        parent = self.section_by_folder.get(src.folder if not src.is_section else posixpath.dirname(src.folder))
        if parent is not None and parent is not src:
            out.append((parent, False))
        out.append((rng.choice(self.sections), rng.random() < 0.3))
        result = []
        for dst, with_anchor in out:
            if dst is src:
                continue
            heading = rng.choice(dst.headings)[1]
            anchor = slugify(heading) if with_anchor else None
            text = f"{dst.title}: {heading.lower()}" if anchor else dst.title
            result.append((text, link_to(src, dst, anchor)))
        return result


def sentence(rng: random.Random) -> str:
    s = f"{rng.choice(PROSE_SUBJECTS)} {rng.choice(PROSE_VERBS)} {rng.choice(PROSE_OBJECTS)} {rng.choice(PROSE_TAILS)}."
    r = rng.random()
    if r < 0.15:
        s = s[:-1] + f" through `{rng.choice(INLINE_CODE)}`."
    elif r < 0.25:
        s = s[:-1] + f", so **{rng.choice(PROSE_OBJECTS)}** stays consistent."
    elif r < 0.32:
        s = s[:-1] + f" and *{rng.choice(PROSE_VERBS)}* {rng.choice(PROSE_OBJECTS)} in the background."
    return s


def paragraph(rng: random.Random, links: list[tuple[str, str]], n: int | None = None) -> str:
    parts = []
    for _ in range(n or rng.randint(3, 6)):
        parts.append(sentence(rng))
        if rng.random() < 0.3:
            parts.append(rng.choice(PROSE_EXTRAS))
        if links and rng.random() < 0.35:
            text, href = links.pop()
            parts.append(f"See [{text}]({href}) for details.")
    return " ".join(parts)


def bullet_list(rng: random.Random, ordered: bool) -> str:
    items = rng.sample(LIST_ITEMS, rng.randint(3, 6))
    out = []
    for i, item in enumerate(items, 1):
        marker = f"{i}." if ordered else "-"
        if rng.random() < 0.25:
            item += f" (set `{rng.choice(INLINE_CODE)}`)"
        out.append(f"{marker} {item[0].upper()}{item[1:]}.")
    return "\n".join(out)


def table(rng: random.Random) -> str:
    header = rng.choice(TABLE_HEADERS)
    rows = [f"| {' | '.join(header)} |", f"|{'|'.join('---' for _ in header)}|"]
    for _ in range(rng.randint(3, 7)):
        name = f"`{snake(ident(rng))}`"
        val = rng.choice([str(rng.randint(1, 10000)), "none", "`true`", f"{rng.randint(1, 60)} s",
                          f"{rng.randint(1, 512)} MiB", "unlimited"])
        desc = f"{rng.choice(PROSE_SUBJECTS)} {rng.choice(PROSE_VERBS)} {rng.choice(PROSE_OBJECTS)}"
        rows.append(f"| {name} | {val} | {desc} |")
    return "\n".join(rows)


def front_matter(page: Page) -> str:
    lines = ["+++", f'title = "{page.title}"', f'description = "{page.description}"', f"weight = {page.weight}"]
    if page.slug:
        lines.append(f'slug = "{page.slug}"')
    if page.extra:
        lines.append("")
        lines.append("[extra]")
        for k, v in page.extra.items():
            lines.append(f'{k} = "{v}"')
    lines.append("+++")
    return "\n".join(lines)


def render_item(rng: random.Random, item: str) -> str | Fence:
    if item.startswith("fence:"):
        return make_fence(rng, item.removeprefix("fence:"))
    if item == "table":
        return table(rng)
    return bullet_list(rng, ordered=item == "ol")


def page_body(rng: random.Random, page: Page, linker: Linker, target_words: int) -> list[str | Fence]:
    links = linker.targets(rng, page)
    rng.shuffle(links)
    parts: list[str | Fence] = [front_matter(page), paragraph(rng, links, 3)]
    if page.is_section:
        for _, text in page.headings:
            parts += [f"## {text}", paragraph(rng, links)]
        while links:
            text, href = links.pop()
            parts.append(f"Continue with [{text}]({href}).")
        return parts
    n_fences = rng.randint(3, 5)
    langs = [rng.choice(list(CODE_GENERATORS)) for _ in range(n_fences)]
    # Spread the fences, the list, the numbered list and the table over the headings.
    slots: list[list[str]] = [[] for _ in page.headings]
    for lang in langs:
        slots[rng.randrange(len(slots))].append("fence:" + lang)
    for extra in ("ul", "ol", "table"):
        slots[rng.randrange(len(slots))].append(extra)
    written = words(parts[1])
    remaining_headings = len(page.headings)
    for (level, text), slot in zip(page.headings, slots):
        parts.append(("## " if level == "h2" else "### ") + text)
        budget = max(30, (target_words - written) // remaining_headings)
        remaining_headings -= 1
        first = True
        while budget > 0 or first:
            p = paragraph(rng, links, max(2, min(6, budget // 13)))
            parts.append(p)
            budget -= words(p)
            written += words(p)
            first = False
            if slot and budget > 0:
                parts.append(render_item(rng, slot.pop(0)))
                if isinstance(parts[-1], str):
                    budget -= words(parts[-1])
                    written += words(parts[-1])
        for item in slot:
            parts.append(render_item(rng, item))
            if isinstance(parts[-1], str):
                written += words(parts[-1])
    if links:
        parts.append("## Related pages")
        parts.append("\n".join(f"- [{text}]({href})" for text, href in links))
    return parts


def render(parts: list[str | Fence], flavour: str) -> str:
    out = []
    for p in parts:
        if isinstance(p, Fence):
            out.append({"edgedocs": p.edgedocs, "hugo": p.hugo, "mdbook": p.mdbook}[flavour]())
        else:
            out.append(p)
    return "\n\n".join(out) + "\n"


MDBOOK_TOML = """\
[book]
title = "Bench docs"
description = "A synthetic documentation corpus for build benchmarks."
language = "en"
src = "src"

[output.html]
site-url = "/"
"""


def mdbook_chapter(page: Page, parts: list[str | Fence]) -> str:
    """mdBook reads no front matter: the title becomes the page's heading."""
    return f"# {page.title}\n\n" + render(parts[1:], "mdbook")


def mdbook_summary(pages: list[Page], sections: list[Page]) -> str:
    """SUMMARY.md: the root page, then each section with its subsections and pages, nested by folder."""
    children: dict[str, list[Page]] = {}
    for section in sections:
        children.setdefault(posixpath.dirname(section.folder), []).append(section)
    for page in pages:
        children.setdefault(page.folder, []).append(page)
    lines = ["# Summary", "", "[Bench docs](_index.md)", ""]

    def walk(folder: str, depth: int) -> None:
        for item in children.get(folder, []):
            lines.append(f"{'  ' * depth}- [{item.title}]({item.rel_path})")
            if item.is_section:
                walk(item.folder, depth + 1)

    walk("", 0)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Hugo's side: configuration, layouts and assets comparable to the edgedocs default theme, kept as
# files in bench/hugo-site/ (hugo.toml, layouts/, assets/) and copied into every corpus.
# ---------------------------------------------------------------------------------------------

HUGO_SITE = Path(__file__).resolve().parent / "hugo-site"


def write_hugo_skeleton(root: Path) -> None:
    # build-bench.sh replaces assets/theme.css and assets/site.js with the repo theme's stylesheet (its
    # @imports concatenated) and script, and writes assets/chroma.css (hugo gen chromastyles); the
    # copies here are fallbacks.
    shutil.copytree(HUGO_SITE, root, dirs_exist_ok=True)


EDGEDOCS_SITE_TOML = """\
title = "Bench docs"
description = "A synthetic documentation corpus for build benchmarks."
base_url = "https://docs.example.com"
language = "en"
theme = "default"

# Hugo writes no search index, so the build comparison leaves edgedocs' out too (bench/search-bench.sh
# measures the index on its own, against Pagefind).
[search]
enabled = false
"""

ROOT_INDEX = """\
+++
title = "Bench docs"
description = "A synthetic documentation corpus for build benchmarks."
+++

This site is generated for build benchmarks. Every page has prose, lists, a table, links to other
pages and highlighted code blocks in several languages.
"""


def generator_fingerprint(code: str = "real") -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(code.encode())
    if code == "real":
        # The real-code corpus is cut from the locked dependencies: a new lock file is a new corpus.
        for lock in [REPO / "Cargo.lock", *sorted(REPO.glob("**/package-lock.json"))]:
            if "node_modules" not in lock.parts and lock.is_file():
                digest.update(lock.read_bytes())
    for path in sorted(HUGO_SITE.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(HUGO_SITE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, help="number of regular pages")
    ap.add_argument("--out", type=Path, help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--words", type=int, default=720, help="target prose words per page")
    ap.add_argument("--pages-per-folder", type=int, default=50,
                    help="split a section into subsections above this many pages")
    ap.add_argument("--code", choices=["real", "synthetic"], default="real",
                    help="code blocks cut from real source files (default) or generated from word lists")
    ap.add_argument("--mdbook", action="store_true", help="also write the corpus as an mdBook book")
    ap.add_argument("--fingerprint", action="store_true", help="print the generator's fingerprint and exit")
    args = ap.parse_args(argv)
    if args.fingerprint:
        print(f"v{GENERATOR_VERSION}-{args.code}-{generator_fingerprint(args.code)}")
        return 0
    global GENERATORS, TARGET_LINES
    if args.code == "real":
        real = RealCode()
        GENERATORS = real_code_generators(real)
        TARGET_LINES = (10, 40)
    if args.pages is None or args.out is None:
        ap.error("--pages and --out are required")
    if args.pages < len(SECTIONS):
        ap.error(f"--pages must be at least {len(SECTIONS)}")

    plan_rng = random.Random(args.seed)
    pages, sections = plan_site(args.pages, args.pages_per_folder, plan_rng)
    linker = Linker(pages, sections)

    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    ed_root, hugo_root = out / "edgedocs", out / "hugo"
    for root in (ed_root, hugo_root):
        (root / "content").mkdir(parents=True)
        (root / "content" / "_index.md").write_text(ROOT_INDEX)
    (ed_root / "site.toml").write_text(EDGEDOCS_SITE_TOML)
    write_hugo_skeleton(hugo_root)
    book_root = out / "mdbook"
    if args.mdbook:
        (book_root / "src").mkdir(parents=True)
        (book_root / "book.toml").write_text(MDBOOK_TOML)
        (book_root / "src" / "SUMMARY.md").write_text(mdbook_summary(pages, sections))
        (book_root / "src" / "_index.md").write_text(
            "# Bench docs\n\n" + ROOT_INDEX.split("+++\n", 2)[2].lstrip("\n"))

    total_words = 0
    fences = 0
    code_lines: dict[str, list[str]] = {}
    for i, page in enumerate(sections + pages):
        rng = random.Random(args.seed * 1_000_003 + i)
        parts = page_body(rng, page, linker, args.words)
        fences += sum(isinstance(p, Fence) for p in parts)
        for part in parts:
            if isinstance(part, Fence):
                code_lines.setdefault(part.lang, []).extend(part.code.split("\n"))
        total_words += sum(words(p) for p in parts[1:] if isinstance(p, str))
        for root, flavour in ((ed_root, "edgedocs"), (hugo_root, "hugo")):
            path = root / "content" / page.rel_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(parts, flavour))
        if args.mdbook:
            path = book_root / "src" / page.rel_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(mdbook_chapter(page, parts))
    stats = code_statistics(code_lines)
    stats["code"] = args.code
    if args.code == "real":
        stats["source_files"] = real.counts()
    (out / "corpus-stats.json").write_text(json.dumps(stats, indent=2) + "\n")
    print(f"wrote {len(pages)} pages and {len(sections) + 1} section pages "
          f"({total_words // max(1, len(pages) + len(sections))} prose words and "
          f"{fences / max(1, len(pages)):.1f} code blocks per page on average) to {out}")
    print(f"{args.code} code: " + ", ".join(
        f"{lang} {s['lines']} lines, {s['repeated'] * 100:.0f}% repeated" for lang, s in stats["languages"].items()))
    return 0


def code_statistics(code_lines: dict[str, list[str]]) -> dict:
    """Per language: non-blank code lines, and the share of them that repeat a line seen before (the
    work a cache of highlighted lines could skip)."""
    languages = {}
    for lang in sorted(code_lines):
        lines = [line.strip() for line in code_lines[lang] if line.strip()]
        distinct = len(set(lines))
        languages[lang] = {
            "lines": len(lines),
            "distinct": distinct,
            "repeated": round(1 - distinct / len(lines), 4) if lines else 0.0,
        }
    return {"languages": languages}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
