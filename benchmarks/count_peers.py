"""psephos against the PyPI counting peers on the same ballot files, in one run.

    python benchmarks/count_peers.py            # 10k, 100k, 1M synthetic ballots + Almond ward
    python benchmarks/count_peers.py --quick    # 10k, 100k + Almond only (smoke run)

Inputs: fixed-seed synthetic profiles (``benchmarks/synthetic.py``: 8 candidates,
truncated Plackett-Luce rankings) written as one CSV row per ballot (the 1M profile
also a second time as one row per distinct ranking with a ``count`` column), and
Edinburgh 2017 Ward 1 (Almond, the largest Scottish ward file) converted from its BLT
to a CSV with a ``count`` column. Files go to a temporary folder (never the repository).

Rules: AV/IRV for one seat, and STV for 3 seats (Almond: 4). psephos runs
``alternative_vote`` and ``stv_scotland``; the peers run their closest rules
(votekit ``FastSTV``; pyrankvote ``instant_runoff_voting`` /
``single_transferable_vote``; pref_voting ``instant_runoff`` / ``stv_scottish``;
votelib ``TransferableVoteSelector`` with Gregory transfers and the Droop quota).

Each (input, engine) pair runs in its own subprocess, one after another, so peak RSS
(``ru_maxrss``) is that engine's alone and no engine warms another's caches. Two timings:

* end to end: read the CSV file from disk, build the engine's own ballot structure,
  count. psephos uses ``read_profile``; votekit its ``load_ranking_csv``; the others
  have no loader for this CSV, so they get the same ``csv``-module parser
  (`read_ranked_csv`), then their object building, both inside the timing.
* count only: the engine's structure already built in memory, time the count call.
  votekit gets its profile grouped (``group_ballots()``), the form it counts fastest.

A measurement is repeated ``--runs`` times (default 5) but stops after the first run
that brings its total past ``--budget`` seconds (default 30), so slow peers at 1M
ballots are timed fewer times; a quick one goes on until its runs add up to
``--min-time`` seconds (default 1; at most 1,000 runs), so a median of milliseconds
is not left to five samples. The table shows the median and how many runs.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

DATA_ROOT = Path(os.environ.get("PSEPHOS_DATA", Path(__file__).resolve().parents[2] / "shared" /
                                "data"))
ALMOND = Path("scotland-stv/blt_files/10_cands/edinburgh_2017_ward1.blt")

ENGINES = ("psephos", "votekit", "pyrankvote", "pref_voting", "votelib")
PACKAGES = {"psephos": "psephos", "votekit": "votekit", "pyrankvote": "pyrankvote",
            "pref_voting": "pref_voting", "votelib": "votelib"}
METHODS = {
    "psephos": ("alternative_vote", "stv_scotland"),
    "votekit": ("FastSTV(n_seats=1)", "FastSTV"),
    "pyrankvote": ("instant_runoff_voting", "single_transferable_vote"),
    "pref_voting": ("instant_runoff", "stv_scottish"),
    "votelib": ("TransferableVoteSelector", "TransferableVoteSelector(Gregory)"),
}
RULES = ("av", "stv")
RESULT_MARK = "RESULT "
MAX_RUNS = 1000


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    stv_seats: int
    ballots: int
    distinct: int


# --------------------------------------------------------------------------- inputs


def prepare_datasets(folder: Path, sizes: Sequence[int], almond: bool,
                     grouped: Sequence[int] = ()) -> list[Dataset]:
    """Write the benchmark CSVs into ``folder``: synthetic sizes, then the Almond ward.

    Synthetic files have one row per ballot; sizes in ``grouped`` are also written a second
    time as one row per distinct ranking with a ``count`` column.
    """
    names = synthetic.candidate_names()
    datasets = []
    for n in sizes:
        ballots = synthetic.generate_ballots(n)
        path = folder / f"synthetic_{n}.csv"
        synthetic.write_cvr_csv(path, ballots, names)
        merged = synthetic.aggregate(ballots)
        datasets.append(Dataset(f"{_short(n)} synthetic", path, 3, n, len(merged)))
        if n in grouped:
            path = folder / f"synthetic_{n}_grouped.csv"
            named = {tuple(names[c] for c in r): w for r, w in merged.items()}
            synthetic.write_grouped_csv(path, named, synthetic.N_CANDIDATES)
            datasets.append(Dataset(f"{_short(n)} synthetic, grouped CSV", path, 3, n,
                                    len(merged)))
    if almond:
        source = DATA_ROOT / ALMOND
        if not source.is_file():
            print(f"warning: {source} not found (set PSEPHOS_DATA); Almond ward skipped",
                  file=sys.stderr)
        else:
            from psephos.ballots.readers import read_profile

            profile = read_profile(source)
            merged = {tuple(profile.candidates[c] for c in ranking): weight
                      for ranking, weight in profile.iter_rankings()}
            path = folder / "edinburgh_2017_ward1.csv"
            synthetic.write_grouped_csv(path, merged, profile.rankings.shape[1])
            datasets.append(Dataset("Almond ward (Edinburgh 2017 W1)", path,
                                    profile.seats or 4, profile.n_ballots, len(merged)))
    return datasets


def _short(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def read_ranked_csv(path: Path) -> tuple[list[str], dict[tuple[str, ...], int]]:
    """The plain parser the peers without a CSV loader get: candidates, ranking -> ballots.

    Header ``rank1..rankN`` with an optional ``count`` column; empty cells are unused ranks.
    """
    merged: dict[tuple[str, ...], int] = {}
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().casefold() for h in next(reader)]
        weight_col = header.index("count") if "count" in header else None
        rank_cols = [i for i, h in enumerate(header) if h.startswith("rank")]
        for row in reader:
            ranking = tuple(row[i] for i in rank_cols if row[i])
            weight = int(row[weight_col]) if weight_col is not None else 1
            merged[ranking] = merged.get(ranking, 0) + weight
    for ranking in merged:
        for name in ranking:
            seen.setdefault(name, None)
    return list(seen), merged


# --------------------------------------------------------------------------- engines
# Each engine: load(path) -> native structure (timed in end to end), optional
# for_count(native) -> structure for count-only, and count(native, seats) -> winners.


class Engine:
    def load(self, path: Path) -> Any:
        raise NotImplementedError

    def for_count(self, native: Any) -> Any:
        return native

    def count(self, native: Any, seats: int) -> list[str]:
        raise NotImplementedError


class Psephos(Engine):
    def __init__(self) -> None:
        from psephos.ballots.readers import read_profile
        from psephos.rules.alternative_vote import alternative_vote
        from psephos.rules.stv_scotland import stv_scotland

        self.read_profile, self.av, self.stv = read_profile, alternative_vote, stv_scotland

    def load(self, path: Path) -> Any:
        return self.read_profile(path)

    def count(self, native: Any, seats: int) -> list[str]:
        result = self.av(native) if seats == 1 else self.stv(native, seats)
        return list(result.elected_names)


class Votekit(Engine):
    def __init__(self) -> None:
        from votekit.cvr_loaders import load_ranking_csv
        from votekit.elections import FastSTV

        self.load_csv, self.fast_stv = load_ranking_csv, FastSTV

    def load(self, path: Path) -> Any:
        with path.open(encoding="utf-8") as handle:
            header = [h.strip().casefold() for h in handle.readline().rstrip("\n").split(",")]
        rank_cols = [i for i, h in enumerate(header) if h.startswith("rank")]
        weight_col = header.index("count") if "count" in header else None
        return self.load_csv(path, rank_cols, weight_col=weight_col, header_row=0,
                             print_profile=False)

    def for_count(self, native: Any) -> Any:
        return native.group_ballots()

    def count(self, native: Any, seats: int) -> list[str]:
        election = self.fast_stv(native, n_seats=seats)
        return [c for group in election.get_elected() for c in sorted(group)]


class Pyrankvote(Engine):
    """No ballot weights: one shared `Ballot` per distinct ranking, referenced once per paper."""

    def __init__(self) -> None:
        import pyrankvote

        self.pv = pyrankvote

    def load(self, path: Path) -> Any:
        names, merged = read_ranked_csv(path)
        candidates = {name: self.pv.Candidate(name) for name in names}
        ballots: list[Any] = []
        for ranking, weight in merged.items():
            ballots.extend([self.pv.Ballot([candidates[c] for c in ranking])] * weight)
        return list(candidates.values()), ballots

    def count(self, native: Any, seats: int) -> list[str]:
        candidates, ballots = native
        if seats == 1:
            result = self.pv.instant_runoff_voting(candidates, ballots)
        else:
            result = self.pv.single_transferable_vote(candidates, ballots, number_of_seats=seats)
        return [c.name for c in result.get_winners()]


class PrefVoting(Engine):
    """``ProfileWithTies`` (truncated rankings) with one entry per distinct ranking."""

    def __init__(self) -> None:
        from pref_voting.iterative_methods import instant_runoff
        from pref_voting.profiles_with_ties import ProfileWithTies
        from pref_voting.proportional_methods import stv_scottish

        self.profile_cls, self.irv, self.stv = ProfileWithTies, instant_runoff, stv_scottish

    def load(self, path: Path) -> Any:
        names, merged = read_ranked_csv(path)
        rankings = [{c: r for r, c in enumerate(ranking, start=1)} for ranking in merged]
        return self.profile_cls(rankings, rcounts=list(merged.values()), candidates=names)

    def count(self, native: Any, seats: int) -> list[str]:
        winners = self.irv(native) if seats == 1 else self.stv(native, num_seats=seats)
        return [str(c) for c in winners]


class Votelib(Engine):
    """``{ranking tuple: ballots}``, counted exactly (Fractions) by the Droop quota."""

    def __init__(self) -> None:
        from votelib.evaluate.sequential import TransferableVoteSelector

        self.selector = TransferableVoteSelector(transferer="Gregory", quota_function="droop")

    def load(self, path: Path) -> Any:
        return read_ranked_csv(path)[1]

    def count(self, native: Any, seats: int) -> list[str]:
        return [str(c) for c in self.selector.evaluate(native, seats)]


ENGINE_CLASSES: dict[str, Callable[[], Engine]] = {
    "psephos": Psephos, "votekit": Votekit, "pyrankvote": Pyrankvote,
    "pref_voting": PrefVoting, "votelib": Votelib,
}


# --------------------------------------------------------------------------- worker


def timed_runs(step: Callable[[], list[str]], runs: int, budget: float,
               min_time: float = 0.0) -> dict[str, Any]:
    """Run ``step`` ``runs`` times, stopping once the total passes ``budget`` seconds, and
    going on (up to 1,000 runs) while the total is under ``min_time`` seconds."""
    times: list[float] = []
    cpu: list[float] = []
    winners: list[list[str]] = []
    try:
        while ((len(times) < runs and sum(times) <= budget)
               or (sum(times) < min_time and len(times) < MAX_RUNS)):
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            result = step()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            winners.append(result)
    except Exception as error:  # a peer failing is a result, not a crash
        return {"error": f"{type(error).__name__}: {error}"[:160], "times": times,
                "trace": traceback.format_exc(limit=3)}
    stable = all(w == winners[0] for w in winners)
    return {"times": times, "cpu": cpu, "winners": winners[0], "stable": stable}


def worker(engine_name: str, path: Path, stv_seats: int, runs: int,
           budget: float, min_time: float = 0.0) -> dict[str, Any]:
    start = time.perf_counter()
    engine = ENGINE_CLASSES[engine_name]()
    out: dict[str, Any] = {"import_s": time.perf_counter() - start, "e2e": {}, "count": {},
                           "import_rss_mb": rss_mb()}
    seats_for = {"av": 1, "stv": stv_seats}
    for rule in RULES:
        def end_to_end(seats: int = seats_for[rule]) -> list[str]:
            return engine.count(engine.load(path), seats)
        out["e2e"][rule] = timed_runs(end_to_end, runs, budget, min_time)
    try:
        native = engine.for_count(engine.load(path))
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:160]
        out["count"] = {rule: {"error": message, "times": []} for rule in RULES}
    else:
        for rule in RULES:
            def count_only(seats: int = seats_for[rule]) -> list[str]:
                return engine.count(native, seats)
            out["count"][rule] = timed_runs(count_only, runs, budget, min_time)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def rss_mb(field: str = "VmRSS") -> float | None:
    """A ``/proc/self/status`` memory field in MB (None where there is no /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    ``VmHWM`` belongs to the current address space, so unlike ``ru_maxrss`` (which Linux
    carries over from the parent across fork + exec) it is this worker's own peak.
    """
    peak = rss_mb("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(engine: str, dataset: Dataset, runs: int, budget: float, min_time: float,
               timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", engine,
               "--csv", str(dataset.path), "--stv-seats", str(dataset.stv_seats),
               "--runs", str(runs), "--budget", str(budget), "--min-time", str(min_time)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return _failed(f"timeout after {timeout:.0f} s")
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK):])
            return result
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return _failed(f"worker exited {done.returncode}: {tail}"[:160])


def _failed(message: str) -> dict[str, Any]:
    failure = {rule: {"error": message, "times": []} for rule in RULES}
    return {"e2e": failure, "count": dict(failure), "peak_rss_mb": None}


# --------------------------------------------------------------------------- report


def median(entry: dict[str, Any], key: str = "times") -> float | None:
    """Median wall-clock (``key="times"``) or CPU (``key="cpu"``) seconds; None if it failed."""
    if entry.get("error") or not entry.get(key):
        return None
    return statistics.median(entry[key])


def fmt_time(entry: dict[str, Any]) -> str:
    wall, cpu = median(entry), median(entry, "cpu")
    if wall is None or cpu is None:
        return f"FAILED ({str(entry.get('error', 'no result')).split(':')[0]})"
    return f"{_seconds(wall)} (cpu {_seconds(cpu)}, n={len(entry['times'])})"


def _seconds(value: float) -> str:
    return f"{value:.4f}" if value < 0.1 else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def ratio(peer: float | None, ours: float | None) -> str:
    if peer is None or ours is None or ours == 0:
        return "–"
    return f"{peer / ours:.1f}×"


def ratios(peer: dict[str, Any], ours: dict[str, Any]) -> str:
    """How many times faster psephos is, on wall-clock and on CPU medians."""
    wall = ratio(median(peer), median(ours))
    if wall == "–":
        return wall
    return f"{wall} (cpu {ratio(median(peer, 'cpu'), median(ours, 'cpu'))})"


def winners_of(result: dict[str, Any], rule: str) -> list[str] | None:
    for mode in ("e2e", "count"):
        entry = result[mode][rule]
        if not entry.get("error") and entry.get("winners") is not None:
            return list(entry["winners"])
    return None


def report(datasets: list[Dataset], results: dict[tuple[str, str], dict[str, Any]],
           engines: Sequence[str]) -> tuple[list[str], list[str], bool]:
    """Markdown tables; goals and findings (failures, disagreements); whether the goals hold."""
    lines: list[str] = []
    findings: list[str] = []
    goal_lines: list[str] = []
    e2e_goal_lines: list[str] = []
    goals_ok = True
    for dataset in datasets:
        for rule in RULES:
            seats = 1 if rule == "av" else dataset.stv_seats
            title = "AV/IRV, 1 seat" if rule == "av" else f"STV, {seats} seats"
            lines += ["", f"### {dataset.name}: {dataset.ballots:,} ballots, "
                      f"{dataset.distinct:,} distinct rankings — {title}", "",
                      "| engine (rule) | winners | agrees | end to end: median s (cpu s, runs) "
                      "| psephos faster by | count only: median s (cpu s, runs) "
                      "| psephos faster by | peak RSS MB (after imports) |",
                      "|---|---|---|---|---|---|---|---|"]
            ours = results[("psephos", dataset.name)]
            our_winners = winners_of(ours, rule)
            fastest: dict[str, tuple[float, str] | None] = {"e2e": None, "count": None}
            for engine in engines:
                result = results[(engine, dataset.name)]
                winners = winners_of(result, rule)
                agree = _agreement(engine, winners, our_winners, dataset, rule, result, findings)
                cells = []
                for mode in ("e2e", "count"):
                    entry = result[mode][rule]
                    cells.append(fmt_time(entry))
                    cells.append("—" if engine == "psephos" else ratios(entry, ours[mode][rule]))
                    wall, best = median(entry), fastest[mode]
                    if engine != "psephos" and wall is not None and (best is None
                                                                     or wall < best[0]):
                        fastest[mode] = (wall, engine)
                rss, base = result.get("peak_rss_mb"), result.get("import_rss_mb")
                memory = f"{rss:.0f} ({base:.0f})" if rss and base else "—"
                names = ", ".join(sorted(winners)) if winners else "—"
                lines.append(f"| {engine} ({METHODS[engine][RULES.index(rule)]}) | {names} | "
                             f"{agree} | {' | '.join(cells)} | {memory} |")
            row = ["| **fastest peer** | | |"]
            for mode in ("e2e", "count"):
                best = fastest[mode]
                if best is None:
                    row.append(" none | – |")
                    continue
                peer_entry = results[(best[1], dataset.name)][mode][rule]
                row.append(f" {best[1]} {_seconds(best[0])} s | "
                           f"**{ratios(peer_entry, ours[mode][rule])}** |")
            lines.append("".join(row) + " |")
            best = fastest["count"]
            our_count = median(ours["count"][rule])
            if best is not None and our_count:
                speedup = best[0] / our_count
                cpu_speedup = ratios(results[(best[1], dataset.name)]["count"][rule],
                                     ours["count"][rule])
                goals_ok &= speedup >= 10
                goal_lines.append(f"- count only ≥10× the fastest peer, {dataset.name}, {title}: "
                                  f"{cpu_speedup} vs {best[1]} — "
                                  f"{'met' if speedup >= 10 else '**NOT MET**'}")
            if rule == "av" and dataset.name.startswith("1M synthetic"):
                wall, cpu = median(ours["e2e"][rule]), median(ours["e2e"][rule], "cpu")
                if wall is None or cpu is None:
                    verdict, shown_time = "**NOT MET** (psephos failed)", "—"
                else:
                    shown_time = f"{_seconds(wall)} s (cpu {_seconds(cpu)} s)"
                    verdict = ("met" if wall < 0.5 else "under 1 s but **not well under**"
                               if wall < 1.0 else "**NOT MET**")
                goals_ok &= wall is not None and wall < 0.5
                e2e_goal_lines.append("- AV, 1M ballots end to end (CSV file on disk to winner) "
                                      f"well under 1 s, {dataset.name}: psephos {shown_time} "
                                      f"— {verdict}")
    if not findings:
        findings.append("every engine returned a result, and every result agrees with psephos "
                        "on the winners")
    summary = ["", "### Goals", "", *e2e_goal_lines, *goal_lines, "", "### Findings", "",
               *(f"- {f}" for f in findings)]
    return lines, summary, goals_ok


def _agreement(engine: str, winners: list[str] | None, ours: list[str] | None, dataset: Dataset,
               rule: str, result: dict[str, Any], findings: list[str]) -> str:
    """The "agrees" cell; failures and disagreements are also added to ``findings``."""
    where = f"{dataset.name}, {rule.upper()}"
    for mode, label in (("e2e", "end to end"), ("count", "count only")):
        entry = result[mode][rule]
        if entry.get("error"):
            findings.append(f"{engine} {label} FAILED on {where}: {entry['error']}")
        elif entry.get("stable") is False:
            findings.append(f"{engine} {label} gave different winners across runs on {where}")
    if engine == "psephos":
        return "—"
    if winners is None:
        return "FAILED"
    if ours is not None and sorted(winners) == sorted(ours):
        return "yes"
    findings.append(f"DISAGREEMENT on {where}: {engine} elects {sorted(winners)}, "
                    f"psephos {sorted(ours or [])}")
    return "**NO**"


def environment(engines: Sequence[str]) -> list[str]:
    versions = []
    for engine in engines:
        try:
            versions.append(f"{engine} {metadata.version(PACKAGES[engine])}")
        except metadata.PackageNotFoundError:
            versions.append(f"{engine} (not installed)")
    load = os.getloadavg()
    repo = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
        source = f"git {head}" + (" + uncommitted changes under src/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        source = "not a git checkout"
    return [f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"load average at start {load[0]:.2f}",
            f"- Python {platform.python_version()}, numpy {metadata.version('numpy')}; "
            f"psephos source: {source}",
            f"- versions: {', '.join(versions)}",
            f"- command: `{' '.join(['python', *sys.argv])}`"]


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k, 100k and Almond only")
    parser.add_argument("--runs", type=int, default=5, help="most runs per timing (median)")
    parser.add_argument("--min-time", type=float, default=1.0,
                        help="repeat a quick timing until its runs total this many seconds")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="stop repeating a timing once its runs total this many seconds")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds before one engine's worker on one input is abandoned")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated subset of " + ",".join(ENGINES))
    parser.add_argument("--data-dir", type=Path, help="write the input CSVs here and keep them")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a goal is not met")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stv-seats", type=int, default=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        out = worker(args.worker, args.csv, args.stv_seats, args.runs, args.budget,
                     args.min_time)
        print(RESULT_MARK + json.dumps(out), flush=True)
        return 0

    engines = [e for e in args.engines.split(",") if e]
    if "psephos" not in engines:
        engines.insert(0, "psephos")
    sizes = (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000)
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="psephos-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    header = ["## psephos vs peers — " + ("quick run" if args.quick else "full run"), "",
              *environment(engines)]
    print("\n".join(header), flush=True)
    try:
        started = time.perf_counter()
        datasets = prepare_datasets(folder, sizes, almond=True,
                                    grouped=() if args.quick else (1_000_000,))
        print(f"- inputs written to {folder} in {time.perf_counter() - started:.1f} s", flush=True)
        results: dict[tuple[str, str], dict[str, Any]] = {}
        for dataset in datasets:
            for engine in engines:
                t0 = time.perf_counter()
                results[(engine, dataset.name)] = run_worker(engine, dataset, args.runs,
                                                             args.budget, args.min_time,
                                                             args.timeout)
                print(f"  ... {dataset.name}: {engine} done in {time.perf_counter() - t0:.1f} s",
                      file=sys.stderr, flush=True)
        tables, summary, goals_ok = report(datasets, results, engines)
        footer = [f"- wall time of the whole run: {time.perf_counter() - started:.0f} s; "
                  f"load average at the end {os.getloadavg()[0]:.2f}"]
    finally:
        if args.data_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    text = "\n".join([*tables, *summary, "", *footer])
    print(text)
    if args.markdown:
        args.markdown.write_text("\n".join([*header, *tables, *summary, "", *footer]) + "\n",
                                 encoding="utf-8")
    return 1 if args.strict and not goals_ok else 0


if __name__ == "__main__":
    sys.exit(main())
