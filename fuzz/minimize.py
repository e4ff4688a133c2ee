#!/usr/bin/env python3
"""Shrinks a failing hand-written input: drops lines, then characters, while the checks still fail
with the same message prefix.

    python3 fuzz/minimize.py --target markdown --text page.md --expect "begin > end"

Writes the smallest failing text beside the input as `<name>.min<ext>` and prints it.
"""
import argparse
import os
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--target", required=True)
parser.add_argument("--text", required=True)
parser.add_argument("--expect", required=True, help="text the failure output must contain")
parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "edgedocs-fuzz"))
parser.add_argument("--timeout", type=float, default=10.0)
args = parser.parse_args()

stem, ext = os.path.splitext(args.text)
scratch = f"{stem}.try{ext}"


def fails(text: str) -> bool:
    with open(scratch, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    try:
        run = subprocess.run([args.binary, "--target", args.target, "--text", scratch],
                             capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return args.expect == "timeout"
    return run.returncode != 0 and args.expect in (run.stdout + run.stderr)


def shrink(parts: list, join: str) -> list:
    chunk = max(len(parts) // 2, 1)
    while chunk >= 1:
        index = 0
        progress = False
        while index < len(parts):
            candidate = parts[:index] + parts[index + chunk:]
            if candidate and fails(join.join(candidate)):
                parts = candidate
                progress = True
            else:
                index += chunk
        if not progress:
            chunk //= 2
    return parts


with open(args.text, encoding="utf-8", newline="") as f:
    text = f.read()
if not fails(text):
    sys.exit("the input does not fail with that message")
lines = shrink(text.split("\n"), "\n")
text = "\n".join(lines)
text = "".join(shrink(list(text), ""))
os.remove(scratch)
with open(f"{stem}.min{ext}", "w", encoding="utf-8", newline="") as f:
    f.write(text)
print(repr(text))
