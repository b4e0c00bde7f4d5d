"""Whole-process timings of `psephos count --rctab-config` on each CVR format RCTab reads.

The same ballots (`synthetic.generate_ballots`, 8 candidates, a fixed seed) are written
as psephos's plain CSV and as each CVR format with an RCTab config beside it: RCTab's
generic CSV, Clear Ballot CSV, NIST CDF JSON, ES&S xlsx, a Dominion export folder and a
Hart folder (one XML file per ballot sheet). Each file is then counted by ``psephos
count`` as a separate process, with hyperfine when it is installed, else a median of
``--runs`` runs; the table gives each format's median and its ratio to the plain CSV.

    python benchmarks/cvr_readers.py                       # 1M ballots, every format
    python benchmarks/cvr_readers.py --ballots 10000 --runs 3 --formats generic,clearballot
    python benchmarks/cvr_readers.py --out cvrs --keep    # keep the generated files

Writing the 1M-ballot files takes minutes (xlsx, and a million Hart files, most);
``--hart-ballots`` caps the Hart folder, whose ratio is then per ballot.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # the benchmarks' shared ballot generator, beside this file

Rankings = synthetic.Rankings
FORMATS = ("plain", "generic", "clearballot", "cdf", "ess", "dominion", "hart")
CONTEST = "Benchmark Mayor"


def _config(folder: Path, name: str, source: dict[str, Any], names: Sequence[str],
            aliases: dict[str, list[str]] | None = None) -> Path:
    """An RCTab config for one source: single winner, RCTab's defaults otherwise."""
    config = {
        "tabulatorVersion": "2.0.1",
        "outputSettings": {"contestName": CONTEST, "outputDirectory": "output"},
        "cvrFileSources": [{"contestId": "", "overvoteLabel": "", "skippedRankLabel": "",
                            "undeclaredWriteInLabel": "", "overvoteDelimiter": "",
                            "treatBlankAsUndeclaredWriteIn": False, **source}],
        "candidates": [{"name": n, "aliases": (aliases or {}).get(n, []), "excluded": False}
                       for n in names],
        "rules": {"tiebreakMode": "useCandidateOrder", "overvoteRule": "exhaustImmediately",
                  "winnerElectionMode": "singleWinnerMajority", "numberOfWinners": "1",
                  "maxRankingsAllowed": "max", "maxSkippedRanksAllowed": "unlimited",
                  "decimalPlacesForVoteArithmetic": "4"},
    }
    path = folder / f"{name}_config.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def _rank_table(ballots: Rankings) -> np.ndarray:
    """(ballots, candidates) -> the rank (1-based) each ballot gives each candidate, 0 if none."""
    n, width = ballots.shape
    ranks = np.zeros((n, synthetic.N_CANDIDATES), dtype=np.int64)
    for position in range(width):
        marked = ballots[:, position] >= 0
        ranks[np.flatnonzero(marked), ballots[marked, position]] = position + 1
    return ranks


def _write_lines(path: Path, header: str, lines: Sequence[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        handle.write("\n".join(lines))
        handle.write("\n")


def write_plain(folder: Path, ballots: Rankings, names: list[str]) -> list[str]:
    path = folder / "plain.csv"
    synthetic.write_cvr_csv(path, ballots, names)
    return [str(path)]


def write_generic(folder: Path, ballots: Rankings, names: list[str]) -> list[str]:
    """RCTab's generic CSV: a ballot id, then one column per candidate holding its rank."""
    cells = np.where(_rank_table(ballots) > 0, _rank_table(ballots).astype(str), "")
    lines = [f"B{i}," + ",".join(row) for i, row in enumerate(cells.tolist())]
    _write_lines(folder / "generic_cvr.csv", "Ballot ID," + ",".join(names), lines)
    source = {"provider": "genericCsv", "filePath": "generic_cvr.csv",
              "firstVoteColumnIndex": "2", "firstVoteRowIndex": "2", "idColumnIndex": "1"}
    return ["--rctab-config", str(_config(folder, "generic", source, names))]


def write_clearballot(folder: Path, ballots: Rankings, names: list[str]) -> list[str]:
    """ClearVote CSV: ballot columns, then a 0/1 column per (candidate, rank)."""
    ranks = _rank_table(ballots)
    width = synthetic.N_CANDIDATES
    titles = [f"Choice_{c + 1}_1:{CONTEST}:{r}:Number of Winners 1:{names[c]}:NON"
              for r in range(1, width + 1) for c in range(width)]
    marks = np.stack([(ranks[:, c] == r) for r in range(1, width + 1) for c in range(width)],
                     axis=1).astype(np.int8).astype(str)
    lines = [f"{i + 1},\"BOX-1\",{i + 1},\"BOX-1+{10000 + i}\",1,1,\"P1\",\"Scan1\",0,0,"
             + ",".join(row) for i, row in enumerate(marks.tolist())]
    header = ("RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,"
              "PrecinctStyleName,ScanComputerName,Status,Remade," + ",".join(titles))
    _write_lines(folder / "clearballot.cvr.csv", header, lines)
    source = {"provider": "clearBallot", "filePath": "clearballot.cvr.csv",
              "contestId": CONTEST}
    return ["--rctab-config", str(_config(folder, "clearballot", source, names))]


def write_cdf(folder: Path, ballots: Rankings, names: list[str]) -> list[str]:
    """A NIST SP 1500-103 cast-vote-record report in JSON."""
    selections = [{"@id": f"cs{c}", "@type": "CVR.CandidateSelection",
                   "CandidateIds": [f"cand{c}"]} for c in range(len(names))]
    with (folder / "cdf_cvr.json").open("w", encoding="utf-8") as handle:
        head = {"@type": "CVR.CastVoteRecordReport", "GpUnit": [], "Party": [],
                "Election": [{"@id": "e1", "@type": "CVR.Election",
                              "Candidate": [{"@id": f"cand{c}", "Name": n}
                                            for c, n in enumerate(names)],
                              "Contest": [{"@id": "contest1", "Name": CONTEST,
                                           "@type": "CVR.CandidateContest",
                                           "ContestSelection": selections}]}]}
        handle.write(json.dumps(head)[:-1] + ', "CVR": [')
        for i, row in enumerate(ballots.tolist()):
            chosen = [{"ContestSelectionId": f"cs{c}", "SelectionPosition": [
                {"HasIndication": "yes", "NumberVotes": 1, "Rank": rank + 1}]}
                for rank, c in enumerate(row) if c >= 0]
            cvr = {"@type": "CVR.CVR", "BallotPrefix": str(i), "CurrentSnapshotId": f"s{i}",
                   "CVRSnapshot": [{"@id": f"s{i}", "Type": "original", "CVRContest": [
                       {"ContestId": "contest1", "CVRContestSelection": chosen}]}]}
            handle.write(("," if i else "") + json.dumps(cvr))
        handle.write("]}\n")
    source = {"provider": "cdf", "filePath": "cdf_cvr.json", "contestId": "contest1"}
    return ["--rctab-config", str(_config(folder, "cdf", source, names))]


def write_ess(folder: Path, ballots: Rankings, names: list[str]) -> list[str]:
    """An ES&S workbook: a ballot id and precinct, then one column per rank."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    width = ballots.shape[1]
    sheet.append(["Cast Vote Record", "Precinct", *(f"Choice {r}" for r in range(1, width + 1))])
    for i, row in enumerate(ballots.tolist()):
        sheet.append([i + 1, "P1", *(names[c] if c >= 0 else "undervote" for c in row)])
    book.save(folder / "ess_cvr.xlsx")
    source = {"provider": "ess", "filePath": "ess_cvr.xlsx", "firstVoteColumnIndex": "3",
              "firstVoteRowIndex": "2", "idColumnIndex": "1", "precinctColumnIndex": "2",
              "overvoteLabel": "overvote", "skippedRankLabel": "undervote"}
    return ["--rctab-config", str(_config(folder, "ess", source, names))]


def write_dominion(folder: Path, ballots: Rankings, names: list[str],
                   per_file: int = 100_000) -> list[str]:
    """A Dominion export folder: ``CvrExport_N.json`` files of sessions, marks by Id."""
    export = folder / "dominion"
    export.mkdir(exist_ok=True)
    rows = ballots.tolist()
    for number, start in enumerate(range(0, len(rows), per_file)):
        sessions = []
        for i, row in enumerate(rows[start:start + per_file], start=start):
            marks = [{"CandidateId": 100 + c, "Rank": rank + 1, "IsAmbiguous": False,
                      "IsVote": True, "OutstackConditionIds": []}
                     for rank, c in enumerate(row) if c >= 0]
            sessions.append({"TabulatorId": 1, "BatchId": 1, "RecordId": i,
                             "Original": {"IsCurrent": True, "Cards": [
                                 {"Id": i, "Contests": [{"Id": 1, "Marks": marks,
                                                         "OutstackConditionIds": []}]}]}})
        (export / f"CvrExport_{number}.json").write_text(
            json.dumps({"Version": "5.10", "ElectionId": CONTEST, "Sessions": sessions}),
            encoding="utf-8")
    source = {"provider": "dominion", "filePath": "dominion", "contestId": "1"}
    aliases = {n: [str(100 + c)] for c, n in enumerate(names)}
    return ["--rctab-config", str(_config(folder, "dominion", source, names, aliases))]


def write_hart(folder: Path, ballots: Rankings, names: list[str]) -> list[str]:
    """A Hart folder: one CVR XML file per ballot sheet, a 0/1 digit per rank."""
    export = folder / "hart"
    export.mkdir(exist_ok=True)
    width = ballots.shape[1]
    ranks = _rank_table(ballots).tolist()
    for i, row in enumerate(ranks):
        options = "".join(
            f"<Option><Name>{names[c]}</Name><Id>opt-{c}</Id><Value>"
            f"{''.join('1' if row[c] == r else '0' for r in range(1, width + 1))}</Value></Option>"
            for c in range(len(names)) if row[c])
        (export / f"{i:07d}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><Cvr xmlns="http://tempuri.org/CVRDesign.xsd">'
            f"<Contests><Contest><Name>{CONTEST}</Name><Id>contest-1</Id><Options>{options}"
            f"</Options></Contest></Contests><CvrGuid>{i}</CvrGuid></Cvr>", encoding="utf-8")
    source = {"provider": "hart", "filePath": "hart", "contestId": "contest-1"}
    aliases = {n: [f"opt-{c}"] for c, n in enumerate(names)}
    return ["--rctab-config", str(_config(folder, "hart", source, names, aliases))]


WRITERS: dict[str, Callable[[Path, Rankings, list[str]], list[str]]] = {
    "plain": write_plain, "generic": write_generic, "clearballot": write_clearballot,
    "cdf": write_cdf, "ess": write_ess, "dominion": write_dominion, "hart": write_hart,
}


def command(arguments: Sequence[str]) -> list[str]:
    """``psephos count`` on one input, as a user would run it (JSON, so no table is drawn)."""
    return [sys.executable, "-m", "psephos", "count", *arguments, "--json"]


def winner(arguments: Sequence[str]) -> str:
    """The winner ``psephos count`` reports (every format must agree)."""
    done = subprocess.run(command(arguments), capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"psephos count {' '.join(arguments)} failed:\n{done.stderr}")
    return ", ".join(json.loads(done.stdout)["elected"])


def median_seconds(arguments: Sequence[str], runs: int, folder: Path) -> float:
    """The median wall time of ``runs`` runs: hyperfine's when it is installed."""
    cmd = command(arguments)
    if shutil.which("hyperfine"):
        export = folder / "hyperfine.json"
        subprocess.run(["hyperfine", "--warmup", "1", "--runs", str(runs), "--style", "none",
                        "--export-json", str(export), "--",
                        " ".join(f"'{part}'" for part in cmd)],
                       check=True, stdout=subprocess.DEVNULL)
        return float(json.loads(export.read_text())["results"][0]["median"])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(folder: Path, ballots: int, formats: Sequence[str], runs: int,
        hart_ballots: int | None) -> list[str]:
    """Write each format's files, time each count; the markdown table's lines."""
    names = synthetic.candidate_names()
    drawn = synthetic.generate_ballots(ballots)
    rows = ["| format | ballots | median (s) | × plain CSV | winner |",
            "| --- | ---: | ---: | ---: | --- |"]
    plain: float | None = None
    for name in ("plain", *(f for f in formats if f != "plain")):
        sample = drawn[:hart_ballots] if name == "hart" and hart_ballots else drawn
        arguments = WRITERS[name](folder, sample, names)
        seconds = median_seconds(arguments, runs, folder)
        if name == "plain":
            plain = seconds
        ratio = "1.00" if plain is None or name == "plain" else f"{seconds / plain:.2f}"
        rows.append(f"| {name} | {len(sample):,} | {seconds:.3f} | {ratio} | "
                    f"{winner(arguments)} |")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated, of {', '.join(FORMATS)}")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hart-ballots", type=int, default=None,
                        help="write only this many Hart files (one file per ballot)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the inputs here (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        rows = run(args.out, args.ballots, formats, args.runs, args.hart_ballots)
    else:
        folder = Path(tempfile.mkdtemp(prefix="psephos-cvr-bench-"))
        try:
            rows = run(folder, args.ballots, formats, args.runs, args.hart_ballots)
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
