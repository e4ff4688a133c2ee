#!/usr/bin/env python3
"""Measure edgedocs' search index against Pagefind on one built site; rank a relevance set with both.

    search_bench.py speed --site DIR --work DIR --edgedocs BIN --pagefind BIN --queries FILE
                          [--rounds K] [--json OUT]
    search_bench.py relevance --site DIR --work DIR --edgedocs BIN --pagefind BIN --set FILE [--json OUT]
    search_bench.py report --speed JSON [--relevance JSON] [--markdown FILE]

`speed` builds the site (whose site.toml leaves search off) with and without `--search`
alternately, `--rounds` times each, clean builds into tmpfs: the index's build time is the
difference of the medians. Then it runs Pagefind on the search-off output (the same HTML, no edgedocs index in it),
counts both indexes' files and bytes and the site's files, and runs `query-bench.mjs` in Chromium.
`relevance` builds a real site (`--search`), runs Pagefind on it, and ranks each query of the set
with both engines (`relevance.mjs`). `report` prints the Markdown table. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Workers Static Assets: files per deployment.
WORKERS_FILE_LIMIT = 20_000
# The goal: the index takes at most this share of edgedocs' own build.
INDEX_SHARE_GOAL = 0.10
# Pagefind reads the article only (as a site marking its content with data-pagefind-body would), not
# the navigation, breadcrumbs and table of contents every page repeats.
PAGEFIND_ARGS = ["--root-selector", "article.doc__article", "--exclude-selectors", ".toc-mobile",
                 "--exclude-selectors", ".breadcrumbs", "--exclude-selectors", ".doc__meta"]


def log(message: str) -> None:
    print(f"search-bench: {message}", file=sys.stderr, flush=True)


def timed(argv: list[str], quiet_log: Path) -> tuple[float, float]:
    """Runs `argv`; returns (wall seconds, user + system CPU seconds) of the process."""
    start = time.monotonic()
    with quiet_log.open("w") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"error: `{' '.join(argv)}` failed; see {quiet_log}")
    return wall, usage.ru_utime + usage.ru_stime


def folder_stats(folder: Path) -> dict:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}


def tmpfs(work: Path) -> Path:
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else work
    out = base / f"edgedocs-search-bench-{os.getpid()}"
    out.mkdir(parents=True, exist_ok=True)
    return out


def node(script: str, *args: str) -> dict:
    result = subprocess.run(["node", str(HERE / script), *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {script} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def speed(args: argparse.Namespace) -> None:
    args.work.mkdir(parents=True, exist_ok=True)
    out = tmpfs(args.work)
    try:
        write_json(measure_speed(args, out), args.json)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def measure_speed(args: argparse.Namespace, out: Path) -> dict:
    search_flag = {"on": ["--search"], "off": []}
    times: dict[str, list[tuple[float, float]]] = {"on": [], "off": [], "pagefind": []}
    loads = [load_average()]
    for round_number in range(args.rounds):
        order = ["on", "off"] if round_number % 2 == 0 else ["off", "on"]
        for kind in order:
            target = out / kind
            for stale in (target, args.site / ".edgedocs"):
                if stale.exists():
                    shutil.rmtree(stale)
            argv = [str(args.edgedocs), "build", "--root", str(args.site), "--output", str(target), *search_flag[kind]]
            times[kind].append(timed(argv, args.work / f"build-{kind}.log"))
            log(f"round {round_number + 1}: search {kind}: {times[kind][-1][0]:.2f} s wall")
        # Pagefind on the search-off output: the same pages, no edgedocs index among them.
        pagefind_out = out / "off" / "pagefind"
        if pagefind_out.exists():
            shutil.rmtree(pagefind_out)
        argv = [str(args.pagefind), "--site", str(out / "off"), *PAGEFIND_ARGS]
        times["pagefind"].append(timed(argv, args.work / "pagefind.log"))
        log(f"round {round_number + 1}: pagefind: {times['pagefind'][-1][0]:.2f} s wall")
        loads.append(load_average())

    median = lambda values: statistics.median(values)  # noqa: E731
    wall = {kind: median([t[0] for t in runs]) for kind, runs in times.items()}
    cpu = {kind: median([t[1] for t in runs]) for kind, runs in times.items()}
    edgedocs_index = folder_stats(out / "on" / "search")
    pagefind_index = folder_stats(out / "off" / "pagefind")
    site_edgedocs = folder_stats(out / "on")
    # The site Pagefind would ship: the pages without edgedocs' index, with Pagefind's bundle.
    site_pagefind = folder_stats(out / "off")
    # Serve the search-on output (its pages have the search form) with Pagefind's bundle beside it.
    shutil.copytree(out / "off" / "pagefind", out / "on" / "pagefind", dirs_exist_ok=True)
    pages = sorted(p for p in (out / "on").rglob("index.html") if "/search/" not in str(p))
    page_path = "/" + str(pages[len(pages) // 2].parent.relative_to(out / "on")) + "/" if pages else "/"
    queries = node("query-bench.mjs", str(out / "on"), str(args.queries), page_path)
    result = {
        "site": str(args.site),
        "html_pages": len(pages),
        "rounds": args.rounds,
        "load_average": loads,
        "wall_s": wall,
        "cpu_s": cpu,
        "index_wall_s": wall["on"] - wall["off"],
        "index_cpu_s": cpu["on"] - cpu["off"],
        "edgedocs_index": edgedocs_index,
        "pagefind_index": pagefind_index,
        "site_files": {"edgedocs": site_edgedocs["files"], "pagefind": site_pagefind["files"]},
        "queries": {key: queries[key] for key in ("page", "edgedocs", "pagefind")},
        "query_runs": queries["runs"],
    }
    return result


def relevance(args: argparse.Namespace) -> None:
    args.work.mkdir(parents=True, exist_ok=True)
    out = tmpfs(args.work)
    try:
        target = out / "relevance"
        build = [str(args.edgedocs), "build", "--root", str(args.site), "--output", str(target), "--search"]
        timed(build, args.work / "relevance-build.log")
        timed([str(args.pagefind), "--site", str(target), *PAGEFIND_ARGS], args.work / "relevance-pagefind.log")
        write_json(node("relevance.mjs", str(target), str(args.set)), args.json)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def write_json(result: dict, path: Path | None) -> None:
    text = json.dumps(result, indent=1)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    else:
        print(text)


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} KB"


def report(args: argparse.Namespace) -> None:
    s = json.loads(args.speed.read_text())
    e, p = s["queries"]["edgedocs"], s["queries"]["pagefind"]
    share = s["index_wall_s"] / s["wall_s"]["off"] if s["wall_s"]["off"] else 0
    cpu_share = s["index_cpu_s"] / s["cpu_s"]["off"] if s["cpu_s"]["off"] else 0
    lines = [
        f"{s['html_pages']:,} HTML pages; median of {s['rounds']} rounds; load average {', '.join(s['load_average'])}.",
        "",
        "| | edgedocs | Pagefind |",
        "|---|---:|---:|",
        f"| index build time, wall (CPU) | {s['index_wall_s']:.2f} s ({s['index_cpu_s']:.2f} s) = "
        f"{share:.0%} ({cpu_share:.0%}) of the {s['wall_s']['off']:.2f} s ({s['cpu_s']['off']:.2f} s) build "
        f"{'(goal met)' if share <= INDEX_SHARE_GOAL else '(goal: 10%)'} "
        f"| {s['wall_s']['pagefind']:.2f} s ({s['cpu_s']['pagefind']:.2f} s) |",
        f"| index bytes | {kb(s['edgedocs_index']['bytes'])} | {kb(s['pagefind_index']['bytes'])} |",
        f"| index files | {s['edgedocs_index']['files']:,} | {s['pagefind_index']['files']:,} |",
        f"| site files (limit {WORKERS_FILE_LIMIT:,}) | {s['site_files']['edgedocs']:,} | {s['site_files']['pagefind']:,} |",
        f"| first query ({e['first_query']['query']!r}), gzip (raw) | {kb(e['first_query']['gzip'])} ({kb(e['first_query']['raw'])}, "
        f"{e['first_query']['files']} files) | {kb(p['first_query']['gzip'])} ({kb(p['first_query']['raw'])}, {p['first_query']['files']} files) |",
        f"| next {e['next_queries']} queries, median gzip (raw) | {kb(e['next_median_gzip'])} ({kb(e['next_median_raw'])}) "
        f"| {kb(p['next_median_gzip'])} ({kb(p['next_median_raw'])}) |",
        f"| latency p50 / p95 (next {e['next_queries']}) | {e['latency_p50_ms']:.1f} / {e['latency_p95_ms']:.1f} ms "
        f"| {p['latency_p50_ms']:.1f} / {p['latency_p95_ms']:.1f} ms |",
        f"| queries without results | {len(e['no_results'])} | {len(p['no_results'])} |",
    ]
    if args.relevance:
        r = json.loads(args.relevance.read_text())
        for level in ("section", "page"):
            er, pr = r["edgedocs"][level], r["pagefind"][level]
            lines.append(
                f"| relevance, {len(r['queries'])} queries, {level} level: MRR / top-1 | {er['mrr']:.3f} / {er['top1']:.0%} "
                f"| {pr['mrr']:.3f} / {pr['top1']:.0%} |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("speed", "relevance"):
        command = commands.add_parser(name)
        command.add_argument("--site", type=Path, required=True)
        command.add_argument("--work", type=Path, required=True)
        command.add_argument("--edgedocs", type=Path, required=True)
        command.add_argument("--pagefind", type=Path, required=True)
        command.add_argument("--json", type=Path)
    commands.choices["speed"].add_argument("--queries", type=Path, required=True)
    commands.choices["speed"].add_argument("--rounds", type=int, default=3)
    commands.choices["relevance"].add_argument("--set", type=Path, required=True)
    command = commands.add_parser("report")
    command.add_argument("--speed", type=Path, required=True)
    command.add_argument("--relevance", type=Path)
    command.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    {"speed": speed, "relevance": relevance, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
