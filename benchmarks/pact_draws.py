"""Time the pact model's Monte Carlo draws on a real election: 10,000 draws x 650 seats.

    python benchmarks/pact_draws.py                 # GE2019, progressive alliance, 10k draws
    python benchmarks/pact_draws.py --draws 100000 --runs 3
    python benchmarks/pact_draws.py --process       # also the whole command, start to end

Input: GE2019 read from the publishers' files (``$PSEPHOS_DATA/uk/raw``, default
``../shared/data/uk/raw``). Scenario: Lab + LD + SNP + Plaid + Green, best-placed stands,
full transfer, transfer noise on (so every noise source is drawn), default noise.

Prints, as the minimum over ``--runs`` runs (after one warm-up): the central projection
alone, and the whole run with draws; then seconds per 1,000 draws and the peak memory
the draws allocate (tracemalloc, which numpy reports to). With ``--process``, also the
median wall time of the whole command a user runs (start-up, reading the files, the
draws and the JSON) over ``--runs`` fresh processes:

    psephos pact ge2019 --alliance lab,ld,green,snp,pc --draws 10000 --seed 1 --json

A benchmark, not a test: it asserts nothing about time. The goals on a 2-core machine:
1 s for 10,000 draws, and 1 s for that whole command.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from psephos.model import Scenario, run_pact  # noqa: E402
from psephos.uk import load_general_election  # noqa: E402

ALLIANCE = ("lab", "ld", "snp", "pc", "green")


def data_mirror() -> Path:
    root = Path(os.environ.get("PSEPHOS_DATA", REPO.parent / "shared" / "data"))
    return root / "uk" / "raw"


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Seconds for the fastest of ``runs`` calls of ``work`` (after one warm-up call)."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--election", default="ge2019")
    parser.add_argument("--process", action="store_true",
                        help="also time the whole psephos pact command in fresh processes")
    args = parser.parse_args(argv)
    election = load_general_election(args.election, mirror=data_mirror())
    central = Scenario(election=args.election, alliance=ALLIANCE)
    drawn = Scenario(election=args.election, alliance=ALLIANCE, draws=args.draws, seed=1,
                     transfer_sd=0.05)
    rows = sum(len(c.candidates) for c in election.constituencies)
    print(f"{args.election}: {len(election.constituencies)} seats, {rows} candidates; "
          f"numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")
    alone = best_of(args.runs, lambda: run_pact(election, central))
    whole = best_of(args.runs, lambda: run_pact(election, drawn))
    tracemalloc.start()
    result = run_pact(election, drawn)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.draws is not None
    print(f"central projection:        {alone:8.3f} s")
    print(f"with {args.draws:,} draws:      {whole:8.3f} s  (min of {args.runs})")
    print(f"per 1,000 draws:           {1000 * (whole - alone) / args.draws:8.3f} s")
    print(f"peak memory of a run:      {peak / 2**20:8.1f} MiB")
    low, high = result.draws.intervals["con"]
    print(f"con seats: central {result.seats_after['con']}, 5-95 % of draws {low}-{high}")
    if args.process:
        command = [sys.executable, "-m", "psephos", "pact", args.election, "--alliance",
                   ",".join(ALLIANCE), "--draws", str(args.draws), "--seed", "1", "--json",
                   "--mirror", str(data_mirror())]
        print(f"whole command:             {whole_process(command, args.runs):8.3f} s  "
              f"(median of {args.runs} processes)")
    return 0


def whole_process(command: list[str], runs: int) -> float:
    """Median wall time of ``command`` in fresh processes (after one warm-up run)."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    times = []
    for run in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        if run:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    raise SystemExit(main())
