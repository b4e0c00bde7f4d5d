"""Time reading and counting every Scottish council ward file in one process.

    python benchmarks/scottish_wards.py                  # all 1,100 BLT files, 10 runs
    python benchmarks/scottish_wards.py --runs 20 --process
    python benchmarks/scottish_wards.py --limit 50 --runs 2   # a quick look

Input: the scot-elex BLT files (``$PSEPHOS_DATA/scotland-stv/blt_files/*/*.blt``, default
``../shared/data``): 1,100 ward elections of 2007-2022, 5.6 million ballots. Each file is
read as ``psephos count`` reads it (`psephos.ballots.readers.read_profile`: format found,
file checked, BLT read) and counted by `psephos.rules.stv_scotland` (the rule the registry
names ``stv-scotland``), with the seats the file declares; every count must fill its seats.

Prints the median over ``--runs`` runs (after one warm-up run, so that the files are in
the page cache) of: the time to read all the files, the time to count them, and the
total. With ``--process``, also the median wall time of ``--runs`` fresh processes that
each import psephos, read and count everything once (start-up included), as hyperfine
would time ``python benchmarks/scottish_wards.py --once``.

A benchmark, not a test: it asserts nothing about time. The goal on a 2-core machine:
all 1,100 files read and counted in one process in at most 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def ward_files(limit: int | None = None) -> list[Path]:
    root = Path(os.environ.get("PSEPHOS_DATA", REPO.parent / "shared" / "data"))
    files = sorted((root / "scotland-stv" / "blt_files").glob("*/*.blt"))
    if not files:
        raise SystemExit(f"no ward files under {root / 'scotland-stv' / 'blt_files'}")
    return files[:limit]


def read_and_count(files: list[Path]) -> tuple[float, float, int]:
    """Seconds to read all ``files``, seconds to count them all, and the ballots read."""
    from psephos.ballots.readers import read_profile
    from psephos.rules.stv_scotland import stv_scotland

    start = time.perf_counter()
    profiles = [read_profile(path) for path in files]
    read = time.perf_counter()
    for path, profile in zip(files, profiles, strict=True):
        result = stv_scotland(profile, profile.seats)
        if len(result.elected) != profile.seats:
            raise SystemExit(f"{path}: {len(result.elected)} elected for {profile.seats} seats")
    counted = time.perf_counter()
    return read - start, counted - read, sum(p.n_ballots + p.blank for p in profiles)


def whole_processes(runs: int, limit: int | None, source: Path | None) -> list[float]:
    """Wall seconds of fresh processes that each read and count the files once."""
    command = [sys.executable, str(Path(__file__).resolve()), "--once"]
    if source is not None:
        command += ["--source", str(source)]
    if limit is not None:
        command += ["--limit", str(limit)]
    subprocess.run(command, check=True)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True)
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs to take the median of")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--process", action="store_true",
                        help="also time whole processes (start-up included)")
    parser.add_argument("--once", action="store_true",
                        help="read and count once, print nothing (what --process runs)")
    parser.add_argument("--source", type=Path, default=None,
                        help="time the psephos in this src folder instead of this tree's "
                             "(e.g. a git worktree of an earlier commit, for before/after)")
    args = parser.parse_args(argv)
    if args.source is not None:
        sys.path.insert(0, str(args.source.resolve()))
    files = ward_files(args.limit)
    if args.once:
        read_and_count(files)
        return 0
    import numpy as np

    import psephos

    tree = Path(psephos.__file__).parent
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    print(f"psephos at {commit or 'an unknown commit'}: "
          f"{len(files):,} ward files; numpy {np.__version__}, Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs")
    _, _, ballots = read_and_count(files)  # warm-up: files into the page cache
    runs = [read_and_count(files)[:2] for _ in range(args.runs)]
    read = statistics.median(r for r, _ in runs)
    counted = statistics.median(c for _, c in runs)
    total = statistics.median(r + c for r, c in runs)
    print(f"{ballots:,} ballots; median of {args.runs} runs in one process:")
    print(f"  read   {read:.3f} s")
    print(f"  count  {counted:.3f} s")
    print(f"  total  {total:.3f} s   (goal: at most 1.5 s)")
    if args.process:
        times = whole_processes(args.runs, args.limit, args.source)
        print(f"  whole process, start-up included: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
