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

``--rctab-jar JAR`` also runs RCTab (the Ranked Choice Voting Tabulator) on every CVR format,
with the very same config, as a whole process ``JAVA -jar JAR --cli CONFIG --name NAME``
(RCTab's own command line), timed the same way and the same number of times. The table then
gains RCTab's median, the ratio RCTab / psephos and RCTab's winner; the script exits 1 when
RCTab and psephos elect different candidates. ``JAR`` must be runnable with ``java -jar``
(its ``Main-Class`` starting RCTab's ``network.brightspots.rcv.Main``, its dependencies on
its ``Class-Path``); RCTab 2.0 needs Java 21 or newer, which ``--java`` names when the
``java`` on the path is older. RCTab runs in the benchmark's folder (it writes its log where
it starts) and writes its reports under each config's output folder there, emptied before
every run:

    python benchmarks/cvr_readers.py --formats generic --rctab-jar rctab.jar
    python benchmarks/cvr_readers.py --ballots 100000 --runs 3 --formats generic \
        --rctab-jar rctab.jar --java "$JAVA_HOME/bin/java"
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # the benchmarks' shared ballot generator, beside this file

Rankings = synthetic.Rankings
FORMATS = ("plain", "generic", "clearballot", "cdf", "ess", "dominion", "hart")
CONTEST = "Benchmark Mayor"
RCTAB_OPERATOR = "psephos benchmark"  # RCTab's audit log asks who ran the count


class Rctab(NamedTuple):
    """How to start RCTab: a Java runtime and a jar runnable with ``java -jar``."""

    java: str
    jar: Path

    def command(self, config: Path) -> list[str]:
        return [self.java, "-jar", str(self.jar), "--cli", str(config),
                "--name", RCTAB_OPERATOR]


def _config(folder: Path, name: str, source: dict[str, Any], names: Sequence[str],
            aliases: dict[str, list[str]] | None = None) -> Path:
    """An RCTab config for one source: single winner, RCTab's defaults otherwise."""
    config = {
        "tabulatorVersion": "2.0.1",
        "outputSettings": {"contestName": CONTEST, "outputDirectory": f"{name}_output"},
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
    # RCTab finds the contest by its Name (psephos also takes the @id)
    source = {"provider": "cdf", "filePath": "cdf_cvr.json", "contestId": CONTEST}
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
    # RCTab refuses an export without these manifests (psephos reads the aliases instead)
    manifests = {
        "PrecinctManifest": [{"Description": "P1", "Id": 1}],
        "PrecinctPortionManifest": [{"Description": "P1", "Id": 1}],
        "ContestManifest": [{"Description": CONTEST, "Id": 1, "VoteFor": 1,
                             "NumOfRanks": ballots.shape[1]}],
        "CandidateManifest": [{"Description": n, "Id": 100 + c, "ContestId": 1}
                              for c, n in enumerate(names)],
    }
    for manifest, entries in manifests.items():
        (export / f"{manifest}.json").write_text(json.dumps({"List": entries}), encoding="utf-8")
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
            f"</Options></Contest></Contests><BatchSequence>1</BatchSequence>"  # RCTab needs
            "<SheetNumber>1</SheetNumber><PrecinctSplit><Name>P1</Name><Id>p-1</Id>"  # these
            f"</PrecinctSplit><BatchNumber>1</BatchNumber><CvrGuid>{i}</CvrGuid></Cvr>",
            encoding="utf-8")
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


def median_seconds(cmd: Sequence[str], runs: int, folder: Path,
                   clean: Path | None = None, cwd: Path | None = None) -> float:
    """The median wall time of ``runs`` runs of ``cmd`` (in ``cwd``): hyperfine's when it is
    installed.

    ``clean`` is a folder removed before every run (RCTab's output folder), outside the time.
    """
    if shutil.which("hyperfine"):
        export = folder / "hyperfine.json"
        prepare = ["--prepare", f"rm -rf '{clean}'"] if clean is not None else []
        subprocess.run(["hyperfine", "--warmup", "1", "--runs", str(runs), "--style", "none",
                        *prepare, "--export-json", str(export), "--",
                        " ".join(f"'{part}'" for part in cmd)],
                       check=True, stdout=subprocess.DEVNULL, cwd=cwd)
        return float(json.loads(export.read_text())["results"][0]["median"])
    times = []
    for _ in range(runs):
        if clean is not None:
            shutil.rmtree(clean, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class RctabFailed(Exception):
    """RCTab did not count a file: it exited non-zero, or wrote no report."""


def rctab_winner(output: Path) -> str:
    """The candidates RCTab elected, from the detailed JSON report it wrote under ``output``.

    RCTab exits 0 even when it refuses a config, so a missing report is the failure sign.
    """
    reports = sorted(output.glob("*/*_detailed_report.json"))
    if not reports:
        raise RctabFailed("it wrote no detailed report")
    rounds = json.loads(reports[-1].read_text(encoding="utf-8"))["results"]
    elected = [result["elected"] for stage in rounds
               for result in stage.get("tallyResults", []) if "elected" in result]
    return ", ".join(elected)


def rctab_figures(rctab: Rctab, config: Path, runs: int, folder: Path) -> tuple[float, str]:
    """RCTab's median wall time on ``config`` and the winner of its last run.

    RCTab runs in ``folder``, as it writes its log (``rcv_0.log``) where it is started.
    """
    folder, config = folder.resolve(), config.resolve()
    output = folder / json.loads(config.read_text(encoding="utf-8"))[
        "outputSettings"]["outputDirectory"]
    try:
        seconds = median_seconds(rctab.command(config), runs, folder, clean=output, cwd=folder)
    except subprocess.CalledProcessError as error:
        raise RctabFailed(f"it exited with status {error.returncode}") from error
    return seconds, rctab_winner(output)


def run(folder: Path, ballots: int, formats: Sequence[str], runs: int,
        hart_ballots: int | None, rctab: Rctab | None = None) -> tuple[list[str], bool]:
    """Write each format's files, time each count; the markdown table's lines, and whether
    RCTab (when given) elected what psephos elected on every format."""
    names = synthetic.candidate_names()
    drawn = synthetic.generate_ballots(ballots)
    header = "| format | ballots | median (s) | × plain CSV | winner |"
    rule = "| --- | ---: | ---: | ---: | --- |"
    if rctab is not None:
        header += " RCTab median (s) | RCTab / psephos | RCTab winner |"
        rule += " ---: | ---: | --- |"
    rows = [header, rule]
    agree = True
    plain: float | None = None
    for name in ("plain", *(f for f in formats if f != "plain")):
        sample = drawn[:hart_ballots] if name == "hart" and hart_ballots else drawn
        arguments = WRITERS[name](folder, sample, names)
        seconds = median_seconds(command(arguments), runs, folder)
        if name == "plain":
            plain = seconds
        ratio = "1.00" if plain is None or name == "plain" else f"{seconds / plain:.2f}"
        elected = winner(arguments)
        row = f"| {name} | {len(sample):,} | {seconds:.3f} | {ratio} | {elected} |"
        if rctab is not None and name == "plain":
            row += " – | – | – |"  # the plain CSV is psephos's own format, not RCTab's
        elif rctab is not None:
            config = Path(arguments[-1])
            try:
                rctab_seconds, rctab_elected = rctab_figures(rctab, config, runs, folder)
            except RctabFailed as failure:
                print(f"RCTab did not count {config.name}: {failure}; to see why, run "
                      f"{shlex.join(rctab.command(config))} (with --keep)", file=sys.stderr)
                rows.append(row + " – | – | RCTab failed |")
                continue
            same = rctab_elected == elected
            agree = agree and same
            row += (f" {rctab_seconds:.3f} | {rctab_seconds / seconds:.2f} | {rctab_elected}"
                    f"{'' if same else ' (DIFFERENT)'} |")
        rows.append(row)
    return rows, agree


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
    parser.add_argument("--rctab-jar", type=Path, default=None,
                        help="also time RCTab on each CVR format: its jar, run as "
                             "'java -jar JAR --cli CONFIG'")
    parser.add_argument("--java", default="java",
                        help="the Java runtime for --rctab-jar (RCTab 2.0 needs Java 21+)")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    rctab = None
    if args.rctab_jar is not None:
        if not args.rctab_jar.is_file():
            parser.error(f"--rctab-jar {args.rctab_jar}: no such file")
        if shutil.which(args.java) is None:
            parser.error(f"--java {args.java}: no such program")
        rctab = Rctab(args.java, args.rctab_jar.resolve())
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        rows, agree = run(args.out, args.ballots, formats, args.runs, args.hart_ballots, rctab)
    else:
        folder = Path(tempfile.mkdtemp(prefix="psephos-cvr-bench-"))
        try:
            rows, agree = run(folder, args.ballots, formats, args.runs, args.hart_ballots, rctab)
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(rows))
    if not agree:
        print("RCTab and psephos elected different candidates (rows marked DIFFERENT)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
