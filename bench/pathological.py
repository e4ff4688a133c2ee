#!/usr/bin/env python3
"""Pathological pages: builds a tiny site holding one extreme page with the real `edgedocs build`, at
several sizes, and prints the time per size and its ratio to the smallest size. Time that grows with
the size (ratios near 2, 4, 8 for 250, 500 and 1,000 KB against 125 KB) is linear; more is a finding.

    bench/pathological.py                      every kind at 125, 250, 500 and 1000 KB, 3 rounds
    bench/pathological.py --kinds table,code --sizes 125,1000 --rounds 5
    EDGEDOCS_BIN=target/release/edgedocs bench/pathological.py

The page's time is the build's wall time minus that of the same site with an empty page (the theme's
CSS, templates and assets cost the same at every size); the table shows both. Standard library only;
builds target/release/edgedocs with cargo unless EDGEDOCS_BIN is set.
"""
import argparse
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KB = 1000


def deep_quotes(size):
    """Block quotes nested as deep as the page is long: one line of `> > > ... text`."""
    depth = size // 2 - 8
    return "> " * depth + "deep\n"


def deep_lists(size):
    """Bullet lists nested as deep as the page is long: one line of `- - - ... item`."""
    depth = size // 2 - 8
    return "- " * depth + "item\n"


def deep_mixed(size):
    """Quotes, ordered and bullet lists inside each other, one line: `> 1. - > 1. - ... text`."""
    unit = "> 1. - "
    return unit * ((size - 8) // len(unit)) + "mixed\n"


def nested_lists(size):
    """Lists nested 200 deep by indentation, again and again, with a paragraph between them."""
    blocks = []
    total = 0
    while total < size:
        lines = []
        for level in range(200):
            lines.append("  " * level + f"- item {level}")
        block = "\n".join(lines) + "\n\nA paragraph between lists.\n\n"
        blocks.append(block)
        total += len(block)
    return "".join(blocks)[:size]


def long_table(size):
    """One table with as many rows as fit (10,000+ at 1 MB)."""
    rows = ["| Key | Value | Expires | Notes |", "|:----|------:|:-------:|-------|"]
    total = sum(len(row) + 1 for row in rows)
    index = 0
    while total < size:
        row = f"| `key-{index}` | {index * 7 % 1000} | {index % 60}s | *note* {index} |"
        rows.append(row)
        total += len(row) + 1
        index += 1
    return "\n".join(rows) + "\n"


def reference_links(size):
    """As many reference definitions as uses: `[text][ref-i]` in paragraphs, `[ref-i]: url` after."""
    count = size // 70
    uses = []
    for start in range(0, count, 10):
        uses.append(" ".join(f"see [link {i}][ref-{i}]," for i in range(start, min(start + 10, count))))
    definitions = [f"[ref-{i}]: https://example.com/docs/{i} \"Title {i}\"" for i in range(count)]
    return "\n\n".join(uses) + "\n\n" + "\n".join(definitions) + "\n"


def rust_sources():
    sources = []
    for folder in ("generator/src", "edge/src", "fuzz/src"):
        for directory, _, files in os.walk(os.path.join(REPO, folder)):
            for name in sorted(files):
                if name.endswith(".rs"):
                    with open(os.path.join(directory, name), encoding="utf-8") as f:
                        sources.append(f.read())
    return "".join(sources).replace("```", "'''")


def huge_code_block(size):
    """One ```rust fence with the repository's own Rust sources (renamed on each repeat, so the
    highlighter's line cache cannot skip them), cut to size."""
    source = rust_sources()
    code = []
    total = 0
    round_number = 0
    while total < size:
        chunk = source if round_number == 0 else source.replace("fn ", f"fn r{round_number}_")
        code.append(chunk)
        total += len(chunk)
        round_number += 1
    text = "".join(code)[: size - 20]
    text = text[: text.rfind("\n") + 1]
    return "```rust\n" + text + "```\n"


def long_lines(size):
    """Paragraphs that are each one line of about 100 KB, with inline code, links and emphasis."""
    rng = random.Random(7)
    words = ["edge", "reads", "`get()`", "*cached*", "values", "**TTL**", "[docs](https://example.com/x)", "key"]
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(min(100 * KB, size - total) // 7 + 1))
        lines.append(line)
        total += len(line) + 2
    return "\n\n".join(lines) + "\n"


def many_headings(size):
    """Headings with a short paragraph each; every other one repeats a title (numbered ids)."""
    parts = []
    total = 0
    index = 0
    while total < size:
        title = "Reading values" if index % 2 else f"Section {index} of the guide"
        part = f"{'#' * (2 + index % 3)} {title}\n\nSome text under it.\n\n"
        parts.append(part)
        total += len(part)
        index += 1
    return "".join(parts)


def numbered_headings(size):
    """Headings `## a-1` ... `## a-n`, then `## a` n times: every repeat of `a` needs a free `a-<k>`."""
    count = size // 16
    half = count // 2
    parts = [f"## a-{i}\n" for i in range(1, half + 1)] + ["## a\n"] * half
    return "".join(parts)


def brackets(size):
    """Unclosed and nested link brackets: `[[[[ ... ]](x)` runs in paragraphs of about 10 KB."""
    unit = "[" * 20 + "text" + "]" * 10 + "(x) [a] "
    paragraph = unit * (10 * KB // len(unit))
    return (paragraph + "\n\n") * (size // (len(paragraph) + 2) + 1)


def backticks(size):
    """Backtick runs of growing length that never match, in paragraphs of about 10 KB."""
    paragraph = " ".join("`" * (i % 40 + 1) + "x" for i in range(10 * KB // 24))
    return (paragraph + "\n\n") * (size // (len(paragraph) + 2) + 1)


def emphasis_runs(size):
    """Inline emphasis of every kind, closed, in long paragraphs."""
    unit = "*a* **b** _c_ __d__ ~~e~~ `f` ***g*** "
    paragraph = unit * 50
    return (paragraph + "\n\n") * (size // (len(paragraph) + 2) + 1)


def unclosed_emphasis(size):
    """Emphasis openers that never close (`*a _b **c` ...), the classic quadratic case for a
    delimiter stack, in paragraphs of about 10 KB."""
    unit = "*a _b **c __d ~~e "
    paragraph = unit * (10 * KB // len(unit))
    return (paragraph + "\n\n") * (size // (len(paragraph) + 2) + 1)


KINDS = {
    "deep-quotes": deep_quotes,
    "deep-lists": deep_lists,
    "deep-mixed": deep_mixed,
    "nested-lists": nested_lists,
    "table": long_table,
    "reference-links": reference_links,
    "code-block": huge_code_block,
    "long-lines": long_lines,
    "headings": many_headings,
    "numbered-headings": numbered_headings,
    "brackets": brackets,
    "backticks": backticks,
    "emphasis": emphasis_runs,
    "unclosed-emphasis": unclosed_emphasis,
}


def write_site(root, body):
    shutil.copytree(os.path.join(REPO, "themes", "default"), os.path.join(root, "themes", "default"))
    with open(os.path.join(root, "site.toml"), "w", encoding="utf-8") as f:
        f.write('title = "Pathological"\nbase_url = "https://docs.example.com"\n')
    content = os.path.join(root, "content")
    os.makedirs(content)
    with open(os.path.join(content, "_index.md"), "w", encoding="utf-8") as f:
        f.write('+++\ntitle = "Home"\n+++\nThe home page.\n')
    with open(os.path.join(content, "page.md"), "w", encoding="utf-8") as f:
        f.write('+++\ntitle = "Pathological page"\n+++\n' + body)


def build_once(binary, root):
    """Wall seconds and peak resident KiB of one clean build, or raises with its output."""
    output = os.path.join(root, "public")
    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen([binary, "--root", root, "build", "--output", output],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError((stdout + stderr)[-2000:])
    return elapsed, usage.ru_maxrss


def measure(binary, body, rounds):
    with tempfile.TemporaryDirectory(prefix="edgedocs-pathological-") as root:
        write_site(root, body)
        build_once(binary, root)  # warm the file cache
        runs = [build_once(binary, root) for _ in range(rounds)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def exponent(sizes, times):
    """The slope of log(time) against log(size), over the points at least 10 ms long."""
    points = [(math.log(size), math.log(t)) for size, t in zip(sizes, times) if t is not None and t >= 0.010]
    if len(points) < 2:
        return "-"
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return f"{slope:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS))
    parser.add_argument("--sizes", default="125,250,500,1000", help="page sizes in KB (1 KB = 1000 bytes)")
    parser.add_argument("--rounds", type=int, default=3, help="builds per point; the median is shown")
    args = parser.parse_args()

    binary = os.environ.get("EDGEDOCS_BIN")
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "edgedocs"], cwd=REPO, check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "release", "edgedocs")
    sizes = [int(size) for size in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    for kind in kinds:
        if kind not in KINDS:
            sys.exit(f"unknown kind {kind}; the kinds are {', '.join(KINDS)}")

    baseline, baseline_kib = measure(binary, "Nothing here.\n", args.rounds)
    print(f"empty page: {baseline * 1000:.0f} ms, {baseline_kib / 1024:.0f} MiB "
          f"(subtracted below; median of {args.rounds} builds per point)\n")
    print("| page | " + " | ".join(f"{size} KB" for size in sizes)
          + " | ratios to the smallest | growth exponent | peak memory |")
    print("|---|" + "---:|" * len(sizes) + "---|---:|---:|")
    for kind in kinds:
        cells, net, peak = [], [], 0
        for size in sizes:
            body = KINDS[kind](size * KB)
            try:
                seconds, kib = measure(binary, body, args.rounds)
            except RuntimeError as error:
                cells.append("build failed")
                net.append(None)
                print(f"{kind} at {size} KB: the build failed:\n{error}", file=sys.stderr)
                continue
            page = max(seconds - baseline, 0.0)
            cells.append(f"{seconds * 1000:.0f} ms ({page * 1000:.0f})")
            net.append(page)
            peak = max(peak, kib)
        first = net[0]
        ratios = " / ".join(
            "-" if value is None or not first else f"{value / first:.1f}" for value in net
        )
        print(f"| {kind} | " + " | ".join(cells) + f" | {ratios} | {exponent(sizes, net)} | {peak / 1024:.0f} MiB |",
              flush=True)
    print("\ncells: the build's median wall time (the page's share, without the empty-page build);"
          " ratios: the page's share against the smallest size (linear: "
          + " / ".join(f"{size / sizes[0]:.0f}" for size in sizes) + "); growth exponent: k in"
          " time ~ size^k, fitted to the sizes whose share is at least 10 ms (1 is linear, 2 quadratic)")


if __name__ == "__main__":
    main()
