"""Whole-process timings of the command line: start-up, a small count, a pact with draws.

    python benchmarks/startup.py                       # this tree, 20 runs each (hyperfine)
    python benchmarks/startup.py --baseline 433e8fe    # the same commands at an earlier commit
    python benchmarks/startup.py --markdown startup.md

Each command runs as a user runs it (``python -m psephos ...``, a fresh interpreter every
time) under hyperfine when it is installed (``apt-get install hyperfine``), else under a
plain loop; the table gives the median, mean and spread of the runs. ``--baseline REV``
checks REV out into a temporary git worktree and times the same commands there with the
same interpreter, interleaved command by command, so both columns share the machine's
state. The pact command reads GE2019 from a temporary cache filled from the publishers'
files in ``$PSEPHOS_DATA/uk/raw`` (default ``../shared/data/uk/raw``). A benchmark, not a
test: it asserts nothing about time; the goals of issue #9 are printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Case:
    label: str
    args: tuple[str, ...]
    goal: float | None


CASES = (
    Case("`python -c pass` (the interpreter alone)", ("-c", "pass"), None),
    Case("`python -c 'import numpy'`", ("-c", "import numpy"), None),
    Case("`psephos --version`", ("-m", "psephos", "--version"), 0.15),
    Case("`psephos count examples/example-ward.blt`",
         ("-m", "psephos", "count", "examples/example-ward.blt"), 0.25),
    Case("`psephos pact ge2019 --alliance lab,ld,green,snp,pc --draws 10000 --seed 1 --json`",
         ("-m", "psephos", "pact", "ge2019", "--alliance", "lab,ld,green,snp,pc",
          "--draws", "10000", "--seed", "1", "--json"), 1.0),
)


def raw_data() -> Path:
    root = Path(os.environ.get("PSEPHOS_DATA", REPO.parent / "shared" / "data"))
    return root / "uk" / "raw"


def fill_cache(cache: Path, source: Path) -> None:
    """Cache GE2019 from the publishers' files with this tree's own ``psephos data get``."""
    env = {**os.environ, "PSEPHOS_CACHE": str(cache), "PYTHONPATH": str(source)}
    subprocess.run([sys.executable, "-m", "psephos", "data", "get", "ge2019", "--mirror",
                    str(raw_data())], check=True, env=env, capture_output=True)


def time_runs(args: tuple[str, ...], env: dict[str, str], runs: int, warmup: int) -> list[float]:
    """Wall-clock seconds of ``runs`` runs of ``python ARGS`` (after ``warmup`` untimed)."""
    command = [sys.executable, *args]
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as export:
            subprocess.run(["hyperfine", "--runs", str(runs), "--warmup", str(warmup),
                            "--shell=none", "--export-json", export.name, "--style", "none",
                            "--", " ".join(_quote(a) for a in command)],
                           check=True, env=env, cwd=REPO, capture_output=True)
            return list(json.loads(Path(export.name).read_text())["results"][0]["times"])
    times = []
    for number in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
        if number >= warmup:
            times.append(time.perf_counter() - start)
    return times


def _quote(arg: str) -> str:
    return f"'{arg}'" if any(c in arg for c in " ,'") else arg


def summary(times: list[float]) -> str:
    spread = statistics.stdev(times) if len(times) > 1 else 0.0
    return f"{statistics.median(times):.3f} s (mean {statistics.mean(times):.3f} ± {spread:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--baseline", help="a git revision to time beside this tree")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--skip-pact", action="store_true", help="leave out the pact command")
    options = parser.parse_args()

    trees = {"this tree": REPO / "src"}
    with tempfile.TemporaryDirectory(prefix="psephos-startup-") as scratch:
        if options.baseline:
            checkout = Path(scratch) / "baseline"
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q",
                            str(checkout), options.baseline], check=True)
            trees[f"at {options.baseline}"] = checkout / "src"
        try:
            cache = Path(scratch) / "cache"
            cases = [c for c in CASES if not (options.skip_pact and "pact" in c.args)]
            if any("pact" in c.args for c in cases):
                fill_cache(cache, REPO / "src")
            rows = []
            for case in cases:
                medians = {}
                cells = []
                for name, source in trees.items():
                    env = {**os.environ, "PYTHONPATH": str(source), "PSEPHOS_CACHE": str(cache)}
                    times = time_runs(case.args, env, options.runs, options.warmup)
                    medians[name] = statistics.median(times)
                    cells.append(summary(times))
                goal = "" if case.goal is None else f"≤ {case.goal:.2f} s"
                met = "" if case.goal is None else (
                    "met" if medians["this tree"] <= case.goal else "not met")
                ratio = ""
                if len(medians) == 2:
                    before, after = medians[list(trees)[1]], medians["this tree"]
                    ratio = f"{before / after:.2f}x"
                rows.append((case.label, *cells, ratio, goal, met))
        finally:
            if options.baseline:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                                str(Path(scratch) / "baseline")], check=False)
    header = ["command", *[f"median, {name}" for name in trees]]
    header += ["speed-up" if len(trees) == 2 else "", "goal", ""]
    tool = "hyperfine" if shutil.which("hyperfine") else "a subprocess loop"
    lines = [f"{options.runs} runs each after {options.warmup} warm-up runs, timed with {tool}; "
             f"Python {sys.version.split()[0]}, {os.cpu_count()} cores.", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    text = "\n".join(lines)
    print(text)
    if options.markdown:
        options.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
