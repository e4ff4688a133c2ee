#!/usr/bin/env python3
"""Run clean builds of edgedocs and Hugo (and mdBook) alternately and report the edgedocs/Hugo ratios.

    measure.py run --label 1000 --corpus DIR --work DIR --edgedocs BIN --hugo BIN [--mdbook BIN] --rounds 5 --json OUT
    measure.py report --raw DIR [--markdown FILE] [LABEL...]

`run` alternates the two tools round by round (edgedocs first in even rounds, Hugo first in odd
ones) so that a burst of load from other processes hits both. Every run is a clean build: the
output folder and the tool's caches are removed first. Wall time comes from a monotonic clock
around the process; peak RSS, user and system time from GNU time (`/usr/bin/time`), which reads
the process's rusage. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = "/usr/bin/time"
# Targets from the product plan: ratio edgedocs/Hugo must be at most this.
WALL_RATIO_TARGET = 1 / 3
SMALL_SITE_TARGET_S = 0.050


@dataclass
class Tool:
    name: str
    site: Path
    out: Path
    argv: list[str]
    caches: list[Path]

    def clean(self) -> None:
        for path in [self.out, *self.caches]:
            if path.exists():
                shutil.rmtree(path)


def tools(args: argparse.Namespace) -> list[Tool]:
    ed_site, hugo_site = args.corpus / "edgedocs", args.corpus / "hugo"
    ed_out, hugo_out = args.work / "edgedocs", args.work / "hugo"
    return [
        Tool("edgedocs", ed_site, ed_out,
             [str(args.edgedocs), "build", "--root", str(ed_site), "--output", str(ed_out)],
             [ed_site / ".edgedocs"]),
        # No --minify: edgedocs minifies CSS only, and so does the Hugo layout (resources.Minify).
        Tool("hugo", hugo_site, hugo_out,
             [str(args.hugo), "--source", str(hugo_site), "--destination", str(hugo_out), "--quiet"],
             [hugo_site / "resources"]),
    ] + ([
        # mdBook highlights in the browser (highlight.js): its build writes the code as plain text.
        Tool("mdbook", args.corpus / "mdbook", args.work / "mdbook",
             [str(args.mdbook), "build", str(args.corpus / "mdbook"), "--dest-dir", str(args.work / "mdbook")],
             []),
    ] if args.mdbook else [])


def run_once(tool: Tool) -> dict:
    """One clean build. Peak RSS comes from GNU time; CPU time from the rusage of the GNU time process
    (which includes the build it waited for) at microsecond resolution, where GNU time prints 10 ms."""
    tool.clean()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as rusage, \
            tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        argv = [GNU_TIME, "-f", "%M", "-o", rusage.name, *tool.argv]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        fields = rusage.read().split()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code != 0:
        sys.stderr.write(f"\n{tool.name} failed (exit {code}): {' '.join(tool.argv)}\n")
        sys.stderr.write(stdout[-4000:] + stderr[-8000:] + "\n")
        raise SystemExit(f"{tool.name} build failed; see above")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "max_rss_kb": int(fields[-1]),
            "stdout": stdout.strip().splitlines()[-1:] if stdout.strip() else []}


# Markers counted in the HTML to check that both tools did the same work: every fence became a code
# frame, with highlighted tokens, and every heading got its anchor link.
MARKERS = {"code_frames": b'<figure class="code-frame"', "heading_anchors": b'class="anchor"',
           "highlighted_lines": b'class="line hl"'}


def output_stats(out: Path) -> dict:
    html = html_files = files = 0
    counts = dict.fromkeys(MARKERS, 0)
    for dirpath, _dirnames, filenames in os.walk(out):
        for name in filenames:
            path = os.path.join(dirpath, name)
            size = os.path.getsize(path)
            files += 1
            if name.endswith(".html"):
                html += size
                html_files += 1
                with open(path, "rb") as f:
                    data = f.read()
                for key, marker in MARKERS.items():
                    counts[key] += data.count(marker)
    du = subprocess.run(["du", "-sb", str(out)], capture_output=True, text=True, check=True)
    total = int(du.stdout.split()[0])
    return {"du_bytes": total, "html_bytes": html, "html_files": html_files, "files": files, **counts}


def load_average() -> float:
    return os.getloadavg()[0]


def cmd_run(args: argparse.Namespace) -> int:
    ts = tools(args)
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict = {"label": args.label, "rounds": args.rounds, "warmup": args.warmup,
                    "nproc": os.cpu_count(), "load_before": load_average(), "runs": {t.name: [] for t in ts},
                    "argv": {t.name: t.argv for t in ts}}
    for i in range(args.warmup):
        for tool in ts:
            run_once(tool)
    started = time.monotonic()
    for r in range(args.rounds):
        if r >= 2 and args.budget and time.monotonic() - started > args.budget:
            print(f"  n={args.label}: stopping after {r} rounds, over the {args.budget:.0f} s budget", flush=True)
            break
        order = ts if r % 2 == 0 else list(reversed(ts))
        for tool in order:
            m = run_once(tool)
            result["runs"][tool.name].append(m)
            print(f"  n={args.label} round {r + 1}/{args.rounds} {tool.name:8s} "
                  f"wall {m['wall_s']:7.3f} s  cpu {m['cpu_s']:7.2f} s  rss {m['max_rss_kb'] / 1024:7.1f} MiB",
                  flush=True)
    result["rounds"] = len(result["runs"]["edgedocs"])
    result["load_after"] = load_average()
    result["output"] = {t.name: output_stats(t.out) for t in ts}
    for t in ts:
        shutil.rmtree(t.out, ignore_errors=True)
    result["summary_line"] = result["runs"]["edgedocs"][-1]["stdout"]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    return 0


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def spread(runs: list[dict], key: str) -> float:
    values = [r[key] for r in runs]
    return max(values) / min(values) if min(values) > 0 else float("inf")


def fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def fmt_s(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report_one(res: dict) -> list[str]:
    ed, hu = res["runs"]["edgedocs"], res["runs"]["hugo"]
    out_ed, out_hu = res["output"]["edgedocs"], res["output"]["hugo"]
    ed_wall, hu_wall = median(ed, "wall_s"), median(hu, "wall_s")
    ed_cpu, hu_cpu = median(ed, "cpu_s"), median(hu, "cpu_s")
    ed_rss, hu_rss = median(ed, "max_rss_kb") * 1024, median(hu, "max_rss_kb") * 1024
    pages_ed, pages_hu = out_ed["html_files"], out_hu["html_files"]
    small = res["label"] == "10"
    rows = [
        ("wall time, median", fmt_s(ed_wall), fmt_s(hu_wall), ed_wall / hu_wall,
         "" if small else f"<= {WALL_RATIO_TARGET:.2f}", "" if small else verdict(ed_wall / hu_wall <= WALL_RATIO_TARGET)),
        ("wall time, fastest round", fmt_s(min(r["wall_s"] for r in ed)), fmt_s(min(r["wall_s"] for r in hu)),
         min(r["wall_s"] for r in ed) / min(r["wall_s"] for r in hu), "", ""),
        ("CPU time (user+sys), median", fmt_s(ed_cpu), fmt_s(hu_cpu), ed_cpu / hu_cpu, "", ""),
        ("peak RSS, median", fmt_bytes(ed_rss), fmt_bytes(hu_rss), ed_rss / hu_rss, "< 1", verdict(ed_rss < hu_rss)),
        ("HTML pages/s", f"{pages_ed / ed_wall:,.0f}", f"{pages_hu / hu_wall:,.0f}",
         (pages_ed / ed_wall) / (pages_hu / hu_wall), "", ""),
        ("output size (du -sb)", fmt_bytes(out_ed["du_bytes"]), fmt_bytes(out_hu["du_bytes"]),
         out_ed["du_bytes"] / out_hu["du_bytes"], "<= 1", verdict(out_ed["du_bytes"] <= out_hu["du_bytes"])),
        ("HTML bytes (sum)", fmt_bytes(out_ed["html_bytes"]), fmt_bytes(out_hu["html_bytes"]),
         out_ed["html_bytes"] / out_hu["html_bytes"], "", ""),
        ("HTML files / all files", f"{pages_ed} / {out_ed['files']}", f"{pages_hu} / {out_hu['files']}",
         pages_ed / pages_hu, "", ""),
    ]
    for key in MARKERS:
        a, b = out_ed.get(key, 0), out_hu.get(key, 0)
        rows.append((f"check: {key.replace('_', ' ')}", f"{a:,}", f"{b:,}", a / b if b else float("nan"), "= 1",
                     verdict(a == b) if key == "code_frames" else ""))
    lines = [
        f"### {res['label']} pages",
        "",
        f"{res['rounds']} rounds alternating (+{res['warmup']} warm-up), load average "
        f"{res['load_before']:.1f} before / {res['load_after']:.1f} after on {res['nproc']} cores. "
        f"Wall spread (max/min): edgedocs {spread(ed, 'wall_s'):.2f}, Hugo {spread(hu, 'wall_s'):.2f}.",
        "",
        "| metric | edgedocs | Hugo | edgedocs/Hugo | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, a, b, ratio, target, ok in rows:
        lines.append(f"| {name} | {a} | {b} | {ratio:.2f} | {target} | {ok} |")
    if small:
        lines.append(f"| 10-page site, wall median | {fmt_s(ed_wall)} | | | < 50 ms | "
                     f"{verdict(ed_wall < SMALL_SITE_TARGET_S)} |")
    noisy = spread(ed, "wall_s") > 1.25 or spread(hu, "wall_s") > 1.25 or res["load_before"] > res["nproc"]
    if noisy:
        lines += ["", "_Noisy run: spread above 1.25 or load above the core count; prefer re-running._"]
    md = res["runs"].get("mdbook")
    if md:
        md_wall, md_cpu, md_rss = median(md, "wall_s"), median(md, "cpu_s"), median(md, "max_rss_kb") * 1024
        lines += ["", "Against mdBook in the same rounds (it leaves highlighting to the browser):", "",
                  "| metric | edgedocs | mdBook | edgedocs/mdBook |", "|---|---:|---:|---:|",
                  f"| wall time, median | {fmt_s(ed_wall)} | {fmt_s(md_wall)} | {ed_wall / md_wall:.2f} |",
                  f"| CPU time (user+sys), median | {fmt_s(ed_cpu)} | {fmt_s(md_cpu)} | {ed_cpu / md_cpu:.2f} |",
                  f"| peak RSS, median | {fmt_bytes(ed_rss)} | {fmt_bytes(md_rss)} | {ed_rss / md_rss:.2f} |",
                  f"| output size (du -sb) | {fmt_bytes(out_ed['du_bytes'])} | "
                  f"{fmt_bytes(res['output']['mdbook']['du_bytes'])} | "
                  f"{out_ed['du_bytes'] / res['output']['mdbook']['du_bytes']:.2f} |"]
    if res.get("summary_line"):
        # The summary ends with the output folder, a path of this machine: keep it out of the report.
        said = re.sub(r" into \S+?(,|$)", r" into <output>\1", res["summary_line"][0])
        lines += ["", f"edgedocs said: `{said}`"]
    return lines + [""]


def cmd_report(args: argparse.Namespace) -> int:
    files = sorted(args.raw.glob("*.json"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0)
    if args.labels:
        files = [args.raw / f"{label}.json" for label in args.labels]
    results = [json.loads(f.read_text()) for f in files]
    lines = ["# edgedocs vs Hugo: clean build", ""]
    if args.header:
        lines += [args.header, ""]
    lines += ["Ratios are edgedocs/Hugo measured in the same run; below 1 means edgedocs is smaller/faster.", ""]
    summary = ["| pages | wall ratio | CPU ratio | RSS ratio | output ratio | edgedocs wall | Hugo wall "
               "| edgedocs/mdBook wall | mdBook wall |",
               "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for res in results:
        ed, hu = res["runs"]["edgedocs"], res["runs"]["hugo"]
        o = res["output"]
        summary.append(
            f"| {res['label']} | {median(ed, 'wall_s') / median(hu, 'wall_s'):.2f} "
            f"| {median(ed, 'cpu_s') / median(hu, 'cpu_s'):.2f} "
            f"| {median(ed, 'max_rss_kb') / median(hu, 'max_rss_kb'):.2f} "
            f"| {o['edgedocs']['du_bytes'] / o['hugo']['du_bytes']:.2f} "
            f"| {fmt_s(median(ed, 'wall_s'))} | {fmt_s(median(hu, 'wall_s'))} "
            + (f"| {median(ed, 'wall_s') / median(res['runs']['mdbook'], 'wall_s'):.2f} "
               f"| {fmt_s(median(res['runs']['mdbook'], 'wall_s'))} |" if res["runs"].get("mdbook") else "| | |"))
    lines += summary + [""]
    for res in results:
        lines += report_one(res)
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text)
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("--label", required=True)
    run.add_argument("--corpus", type=Path, required=True)
    run.add_argument("--work", type=Path, required=True)
    run.add_argument("--edgedocs", type=Path, required=True)
    run.add_argument("--hugo", type=Path, required=True)
    run.add_argument("--mdbook", type=Path, help="also build the corpus' mdBook copy with this mdbook")
    run.add_argument("--rounds", type=int, default=5)
    run.add_argument("--warmup", type=int, default=1)
    run.add_argument("--budget", type=float, default=0,
                     help="seconds: start no new round past this (at least 2 rounds run); 0 = no limit")
    run.add_argument("--json", type=Path, required=True)
    rep = sub.add_parser("report")
    rep.add_argument("--raw", type=Path, required=True)
    rep.add_argument("--markdown", type=Path)
    rep.add_argument("--header", default="")
    rep.add_argument("labels", nargs="*")
    args = ap.parse_args(argv)
    return cmd_run(args) if args.cmd == "run" else cmd_report(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
