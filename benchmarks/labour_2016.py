"""Labour's 2016 leadership ballot at full size, from the rolls to the declaration, timed.

    python benchmarks/labour_2016.py                       # 654,006 voters, SQLite
    python benchmarks/labour_2016.py --database postgresql://postgres@127.0.0.1/test
    python benchmarks/labour_2016.py --scale 0.001         # a smoke run (tests use it)
    python benchmarks/labour_2016.py --candidates 4 --verify   # four candidates, full rankings

Step by step, as the platform would run it: write the three sections' electorate CSV files
(with planted bad rows: joined after the freeze, arrears unpaid, fee outside the window, bad
e-mail, and people on two rolls), import them, issue credentials, run a local key ceremony
(3 trustees, any 2 decrypt), open, cast a sample of ballots through `cast_ballot` (the
web's code path), record the rest as returned paper ballots in batch files through the
postal import (with planted refusals: codes already used online, unknown codes), close,
shuffle each section, have 2 trustees decrypt (their shares checked), count and declare.
The declaration must equal 2016's: Corbyn 313,209 to Smith 193,229; by section Corbyn
168,216 / 84,918 / 60,075 and Smith 116,960 / 36,599 / 39,670 (506,438 ballots). Prints
each step's time and the peak RSS.

With ``--candidates 4`` the same electorate and turnout vote on a paper of four (2016's
two and two more), every ballot ranking all four: the sealed ballots are twice as wide,
and the declaration is whatever the count gives (there is no 2016 result to equal).
``--postal-iterations`` sets the contest's PBKDF2 iterations for postal credentials
(issuing derives one a voter, and every returned paper one more).

The electorate by section is not in the sources (only the total, 654,006, and the ballots
by section); it is split here in proportion to each section's ballots, i.e. the same
turnout (77.4 %) in every section: 368,272 / 156,925 / 128,809.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ELECTORATE = 654_006
SECTIONS = ("members", "registered-supporters", "affiliated-supporters")
#: First preferences declared in 2016, by section.
CORBYN = {"members": 168_216, "registered-supporters": 84_918, "affiliated-supporters": 60_075}
SMITH = {"members": 116_960, "registered-supporters": 36_599, "affiliated-supporters": 39_670}
BALLOTS = {s: CORBYN[s] + SMITH[s] for s in SECTIONS}
#: Bad rows planted in each section's file at full size: (what, how many).
PLANTED = {
    "members": (("joined after the freeze", 600), ("arrears not paid", 400)),
    "registered-supporters": (("fee paid outside the window", 500),),
    "affiliated-supporters": (("bad e-mail", 200), ("also a member", 1500)),
}
#: Refusals planted in the postal batches at full size.
PLANTED_POSTAL = (("code already used online", 300), ("unknown code", 200))
HEADER = ("member_number", "name", "email", "joined", "arrears_paid", "fee_paid_on")


def split_electorate(scale: float) -> dict[str, int]:
    """Eligible voters per section: the total split as the ballots were (equal turnout)."""
    total = round(ELECTORATE * scale)
    ballots = sum(BALLOTS.values())
    sizes = {s: round(total * BALLOTS[s] / ballots) for s in SECTIONS[:-1]}
    sizes[SECTIONS[-1]] = total - sum(sizes.values())
    return sizes


def scaled(figures: dict[str, int], scale: float) -> dict[str, int]:
    return {s: round(n * scale) for s, n in figures.items()}


def planted(scale: float) -> dict[str, list[tuple[str, int]]]:
    return {s: [(what, max(1, round(n * scale))) for what, n in rows]
            for s, rows in PLANTED.items()}


class Steps:
    """Each step's wall time, CPU time (this process; a PostgreSQL server's own work is not
    in it) and the rows it handled, and the load average at its end, printed as a table at
    the end: on a shared machine the wall clock also counts the time spent waiting for a
    CPU."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, int, float]] = []

    @contextmanager
    def step(self, name: str, count: int = 0) -> Iterator[list[int]]:
        counted = [count]
        started, cpu = time.perf_counter(), time.process_time()
        yield counted
        elapsed, used = time.perf_counter() - started, time.process_time() - cpu
        load = os.getloadavg()[0]
        self.rows.append((name, elapsed, used, counted[0], load))
        rate = f"  {counted[0] / elapsed:>10,.0f}/s" if counted[0] and elapsed > 0 else ""
        print(f"  {name:<44} {elapsed:8.2f} s (CPU {used:8.2f} s, load {load:4.2f}){rate}",
              flush=True)

    def table(self) -> str:
        lines = [f"{'step':<44} {'seconds':>9} {'CPU s':>9} {'rows':>10} {'rows/s':>10} "
                 f"{'load':>5}"]
        for name, elapsed, used, count, load in self.rows:
            rate = f"{count / elapsed:10,.0f}" if count and elapsed > 0 else " " * 10
            lines.append(f"{name:<44} {elapsed:9.2f} {used:9.2f} {count:>10,} {rate} "
                         f"{load:5.2f}")
        total = sum(row[1] for row in self.rows)
        lines.append(f"{'total':<44} {total:9.2f} {sum(row[2] for row in self.rows):9.2f}")
        return "\n".join(lines)


def write_rolls(folder: Path, sizes: dict[str, int], bad: dict[str, list[tuple[str, int]]]
                ) -> dict[str, Path]:
    """One CSV per section: its eligible voters, then its planted bad rows."""
    paths: dict[str, Path] = {}
    number = 0
    for section in SECTIONS:
        path = folder / f"{section}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            for _ in range(sizes[section]):
                number += 1
                writer.writerow(_row(section, number))
            for what, count in bad[section]:
                for i in range(count):
                    number += 1
                    writer.writerow(_bad_row(section, what, number, i))
        paths[section] = path
    return paths


def _row(section: str, number: int, **changes: str) -> list[str]:
    row = {"member_number": f"L{number:07d}", "name": f"Voter {number}",
           "email": f"voter{number}@example.org", "joined": "2014-05-01",
           "arrears_paid": "yes", "fee_paid_on": ""}
    if section == "registered-supporters":
        row.update(joined="2016-07-19", fee_paid_on="2016-07-19")
    row.update(changes)
    return [row[h] for h in HEADER]


def _bad_row(section: str, what: str, number: int, i: int) -> list[str]:
    change = {
        "joined after the freeze": {"joined": "2016-03-01"},
        "arrears not paid": {"arrears_paid": "no"},
        "fee paid outside the window": {"fee_paid_on": "2016-07-25"},
        "bad e-mail": {"email": f"voter{number}-at-example.org"},
        "also a member": {"email": f"voter{i + 1}@example.org"},  # the first members
    }[what]
    return _row(section, number, **change)


def rankings(section: str, corbyn: int, smith: int, rng: random.Random) -> list[list[str]]:
    """The section's ballots in a random order: first preferences as declared, and about
    half of them with a second preference (which a two-candidate AV count never uses)."""
    papers = ([["Jeremy Corbyn"]] * corbyn) + ([["Owen Smith"]] * smith)
    out = [[*p, "Owen Smith" if p[0] == "Jeremy Corbyn" else "Jeremy Corbyn"]
           if rng.random() < 0.5 else p for p in papers]
    rng.shuffle(out)
    return out


#: The two candidates added by ``--candidates 4``, and every candidate's share of first
#: preferences in that variant (the same in every section).
EXTRA = ("Candidate Three", "Candidate Four")
FOUR_SHARES = {"Jeremy Corbyn": 0.50, "Owen Smith": 0.30, EXTRA[0]: 0.12, EXTRA[1]: 0.08}


def full_rankings(total: int, rng: random.Random) -> list[list[str]]:
    """``total`` ballots ranking all four candidates: first preferences in `FOUR_SHARES`,
    the other three in a random order."""
    names = list(FOUR_SHARES)
    out = []
    for name in names:
        for _ in range(round(total * FOUR_SHARES[name])):
            rest = [n for n in names if n != name]
            rng.shuffle(rest)
            out.append([name, *rest])
    while len(out) < total:
        out.append(list(names))
    rng.shuffle(out)
    return out[:total]


def write_batches(folder: Path, papers: list[tuple[str, list[str]]], size: int
                  ) -> list[Path]:
    paths = []
    ranks = max((len(ranking) for _, ranking in papers), default=1)
    for n, start in enumerate(range(0, len(papers), size), start=1):
        path = folder / f"postal-batch-{n:04d}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["postal_code", *[f"rank{i}" for i in range(1, ranks + 1)]])
            for code, ranking in papers[start:start + size]:
                writer.writerow([code, *ranking, *[""] * (ranks - len(ranking))])
        paths.append(path)
    return paths


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(args: argparse.Namespace, folder: Path) -> int:
    from psephos.web import setup

    url = args.database or f"sqlite:///{folder}/labour-2016.sqlite3"
    setup(url)

    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.counting import count_contest
    from psephos.contests.credentials import issue_credentials
    from psephos.contests.definition import create_contest, parse_definition
    from psephos.contests.demo import definition_closing_later
    from psephos.contests.electorate import import_electorate
    from psephos.contests.lifecycle import close_contest, open_contest
    from psephos.contests.mixing import mix_contest, requests_of
    from psephos.contests.opening import add_shares, open_ballots
    from psephos.contests.postal import import_postal
    from psephos.contests.trustees import run_local_ceremony
    from psephos.crypto.decryption import decrypt_shares

    scale = args.scale
    sizes = split_electorate(scale)
    corbyn, smith = scaled(CORBYN, scale), scaled(SMITH, scale)
    ballots = {s: corbyn[s] + smith[s] for s in SECTIONS}
    bad = planted(scale)
    web_total = max(3, round(args.web * min(1.0, scale * 10)))
    web = {s: round(web_total * ballots[s] / sum(ballots.values())) for s in SECTIONS}
    refusals = [(what, max(1, round(n * scale))) for what, n in PLANTED_POSTAL]
    slug = f"labour-2016-bench-{os.getpid()}"
    rng = random.Random(args.seed)
    print(f"Labour 2016 at scale {scale:g} on {url.split(':')[0]}, {args.candidates} "
          f"candidates, postal iterations {args.postal_iterations:,}: electorate "
          f"{sum(sizes.values()):,}, ballots {sum(ballots.values()):,}")
    print("electorate by section (not published; split as the ballots were, i.e. equal "
          "turnout): " + ", ".join(f"{s} {sizes[s]:,}" for s in SECTIONS))
    print(f"casting: {sum(web.values()):,} through cast_ballot (web path), the rest as "
          f"postal batches of {args.batch:,}")
    steps = Steps()
    with steps.step("write electorate CSV files",
                    sum(sizes.values()) + sum(n for b in bad.values() for _, n in b)):
        rolls = write_rolls(folder, sizes, bad)
    data = definition_closing_later()
    data["contest"]["slug"] = slug
    four = args.candidates == 4
    if four:
        data["candidates"] += [{"name": name, "consented": True} for name in EXTRA]
        data["nominations"]["made"] += [{"candidate": name, "body": "plp", "count": 60}
                                        for name in EXTRA]
    with steps.step("create the contest"):
        contest = create_contest(parse_definition(data, "labour-2016.toml"), actor="bench")
    for section in SECTIONS:
        with steps.step(f"import {section}") as counted:
            report = import_electorate(contest, rolls[section], section, actor="bench")
            counted[0] = report.rows
        expected_bad = sum(n for _, n in bad[section])
        found_bad = len(report.rejected) + len(report.duplicates)
        print(f"    {report.rows:,} rows: {report.accepted:,} accepted, "
              f"{len(report.rejected):,} rejected, {len(report.duplicates):,} duplicates "
              f"(planted {expected_bad:,}); e.g. "
              + "; ".join([f"line {r.line}: {r.reason}" for r in report.rejected[:1]]
                          + [f"line {d.line}: {d.reason}" for d in report.duplicates[:1]]))
        assert report.accepted == sizes[section] and found_bad == expected_bad, report.rows
    voting: dict[str, list[tuple[str, str]]] = {s: [] for s in SECTIONS}
    section_of = {s.pk: s.slug for s in contest.sections.all()}

    def keep(voter: Any, secret: Any) -> None:
        mine = voting[section_of[voter.section_id]]
        if len(mine) < ballots[section_of[voter.section_id]]:
            mine.append((secret.link_token, secret.postal_code))

    with steps.step("issue credentials", sum(sizes.values())):
        issued = issue_credentials(contest, sink=keep, actor="bench")
    assert issued == sum(sizes.values())
    with steps.step("key ceremony (local: 3 trustees, 2 decrypt)"):
        trustees = run_local_ceremony(contest, 3, 2, folder / "trustees", actor="bench")
    with steps.step("open the ballot"):
        open_contest(contest, actor="bench")
    papers: list[tuple[str, list[str]]] = []
    cast: list[tuple[str, list[str]]] = []
    for section in SECTIONS:
        marked = (full_rankings(ballots[section], rng) if four
                  else rankings(section, corbyn[section], smith[section], rng))
        for (link, code), ranking in zip(voting[section], marked, strict=True):
            if len(cast) < sum(web[s] for s in SECTIONS[:SECTIONS.index(section) + 1]):
                cast.append((link, ranking))
            else:
                papers.append((code, ranking))
    used_online = [code for s in SECTIONS for _, code in voting[s][:1]]
    planted_papers = ([(used_online[i % len(used_online)], ["Owen Smith"])
                       for i in range(refusals[0][1])]
                      + [(f"ZZZZ-ZZZZ-ZZZZ-{i:04d}", ["Jeremy Corbyn"])
                         for i in range(refusals[1][1])])
    for i, extra in enumerate(planted_papers):
        papers.insert((i * 7919) % (len(papers) + 1), extra)
    with steps.step("cast through cast_ballot (web path)", len(cast)):
        for link, ranking in cast:
            cast_ballot(contest, link, ranking, channel="web")
    with steps.step("write postal batch files", len(papers)):
        batches = write_batches(folder, papers, args.batch)
    recorded = rejected = 0
    with steps.step(f"postal import ({len(batches)} batches)", len(papers)):
        for path in batches:
            batch = import_postal(contest, path, actor="scrutineer")
            recorded += batch.recorded
            rejected += len(batch.rejected)
    print(f"    {recorded:,} recorded, {rejected:,} rejected (planted "
          f"{sum(n for _, n in refusals):,}: "
          + ", ".join(f"{n:,} {what}" for what, n in refusals) + ")")
    assert rejected == sum(n for _, n in refusals)
    with steps.step("close (destroy the seals)"):
        close_contest(contest, actor="bench")
    with steps.step("shuffle and re-encrypt each section", sum(ballots.values())):
        mix_contest(contest, actor="bench")
    for path in trustees[:2]:
        private = json.loads(path.read_text(encoding="utf-8"))
        with steps.step(f"{path.stem}: decryption shares", sum(ballots.values())):
            responses = [decrypt_shares(private, r.request) for r in requests_of(contest)]
        with steps.step(f"{path.stem}: shares checked and stored", sum(ballots.values())):
            for response in responses:
                add_shares(contest, response, actor="bench")
    with steps.step("combine shares, open the ballots", sum(ballots.values())):
        open_ballots(contest, actor="bench")
    with steps.step("count and declare", sum(ballots.values())):
        declaration = count_contest(contest, actor="bench")
    if args.verify:
        from psephos.contests.counting import export_contest
        from psephos.verify.record import verify_record

        record = folder / "record"
        with steps.step("export the published record", sum(ballots.values())):
            export_contest(contest, record)
        with steps.step("psephos verify the record", sum(ballots.values())):
            report = verify_record(record)
        failed = [check for check in report.checks if not check.ok]
        print(f"psephos verify: {report.summary()}")
        assert not failed, failed
    print()
    print(f"declared: electorate {declaration.electorate:,}, ballots {declaration.ballots:,}, "
          f"turnout {declaration.turnout}%, elected {', '.join(declaration.elected)}")
    print(f"{'section':<24} {'electorate':>10} {'ballots':>9} {'Corbyn':>9} {'Smith':>9} "
          f"{'Corbyn %':>8}")
    if four:
        for result in declaration.sections:
            print(f"{result.slug:<24} {result.electorate:>10,} {result.ballots:>9,} "
                  + ", ".join(f"{n} {v:,}" for n, v in result.votes.items()))
            assert result.ballots == ballots[result.slug], result
        assert declaration.ballots == sum(ballots.values())
        print()
        print(steps.table())
        print(f"peak RSS {peak_rss_mb():,.0f} MB")
        return 0
    for result in declaration.sections:
        c, s = result.votes["Jeremy Corbyn"], result.votes["Owen Smith"]
        print(f"{result.slug:<24} {result.electorate:>10,} {result.ballots:>9,} {c:>9,} "
              f"{s:>9,} {100 * c / (c + s):>8.1f}")
        assert (c, s) == (corbyn[result.slug], smith[result.slug]), result
        assert result.electorate == sizes[result.slug]
    assert declaration.votes == {"Jeremy Corbyn": sum(corbyn.values()),
                                 "Owen Smith": sum(smith.values())}, declaration.votes
    assert declaration.electorate == sum(sizes.values())
    assert declaration.ballots == sum(ballots.values())
    print(f"{'total':<24} {declaration.electorate:>10,} {declaration.ballots:>9,} "
          f"{declaration.votes['Jeremy Corbyn']:>9,} {declaration.votes['Owen Smith']:>9,}")
    print("declaration equals the 2016 result" if scale == 1 else
          f"declaration equals the 2016 result scaled by {scale:g}")
    print()
    print(steps.table())
    print(f"peak RSS {peak_rss_mb():,.0f} MB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the real size (default 1: 654,006 voters)")
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--web", type=int, default=5000,
                        help="ballots cast through cast_ballot at full size (default 5,000)")
    parser.add_argument("--batch", type=int, default=50_000, help="papers per postal batch")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--candidates", type=int, choices=(2, 4), default=2,
                        help="2: 2016's paper; 4: two more candidates, every ballot ranking "
                             "all four")
    parser.add_argument("--postal-iterations", type=int, default=20_000,
                        help="PBKDF2 iterations of the contest's postal credentials")
    parser.add_argument("--verify", action="store_true",
                        help="also export the published record and check it with psephos verify")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale must be in (0, 1]")
    folder = Path(tempfile.mkdtemp(prefix="psephos-labour-2016-"))
    os.environ.setdefault("PSEPHOS_DATA_DIR", str(folder))
    os.environ.setdefault("PSEPHOS_SECRET_KEY", "labour-2016-benchmark-" + "x" * 30)
    os.environ["PSEPHOS_POSTAL_ITERATIONS"] = str(args.postal_iterations)
    server = args.database
    if server:  # a shared server: a fresh database of the run's own, dropped afterwards
        args.database = fresh_postgres(server)
    try:
        return run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if server:
            drop_postgres(server, args.database)


def fresh_postgres(server: str) -> str:
    """A new empty database beside the one ``server`` names; its URL. (Deleting the run's
    rows instead is refused: a counted contest's roll is locked.)"""
    import psycopg

    name = f"psephos_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres(server: str, url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" '
                           "WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
