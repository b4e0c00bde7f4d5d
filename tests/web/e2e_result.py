"""The end-to-end test's own count of the ballots it cast (the alternative vote, counted
here, not by `psephos.rules`), and the checks of the declaration, its page, the published
files and the exported record against it."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.web.e2e_steps import Admin

#: Each stage: every candidate's votes (0 once excluded), and the votes exhausted.
Stage = tuple[dict[str, int], int]


@dataclass(frozen=True)
class Expected:
    """What the test cast, section by section, and the result it must give."""

    candidates: list[str]
    #: Section slug -> name, in the declaration's order.
    sections: dict[str, str]
    electorate: dict[str, int]
    cast: dict[str, list[list[str]]]
    trackers: set[str]

    @property
    def total(self) -> tuple[int, int]:
        return sum(self.electorate.values()), sum(map(len, self.cast.values()))

    def ballots(self, section: str) -> int:
        return len(self.cast[section])

    def votes(self, section: str) -> dict[str, int]:
        return stage(self.candidates, self.cast[section], [])[0]

    @property
    def everyone(self) -> list[list[str]]:
        return [r for rankings in self.cast.values() for r in rankings]

    def counted(self) -> tuple[list[str], list[Stage], dict[str, list[Stage]]]:
        """Who is elected, the stages, and each section's share of every stage."""
        elected, exclusions = alternative_vote(self.candidates, self.everyone)
        return elected, stages(self.candidates, self.everyone, exclusions), {
            s: stages(self.candidates, self.cast[s], exclusions) for s in self.sections}

    def as_cast(self, section: str) -> Counter[tuple[str, ...]]:
        return Counter(tuple(r) for r in self.cast[section])


def alternative_vote(candidates: list[str], rankings: list[list[str]]
                     ) -> tuple[list[str], list[str]]:
    """Who wins a majority of the continuing votes, excluding the last each round (the
    test's votes leave no tie to break); and the exclusions in order."""
    excluded: list[str] = []
    while True:
        tallies, _ = stage(candidates, rankings, excluded)
        leader = max(tallies, key=tallies.__getitem__)
        if 2 * tallies[leader] > sum(tallies.values()):
            return [leader], excluded
        live = {n: t for n, t in tallies.items() if n not in excluded}
        last = min(live.values())
        assert list(live.values()).count(last) == 1, "the test's votes must not tie"
        excluded.append(next(n for n, t in live.items() if t == last))


def stage(candidates: list[str], rankings: list[list[str]], excluded: list[str]) -> Stage:
    tallies = dict.fromkeys(candidates, 0)
    exhausted = 0
    for ranking in rankings:
        top = next((n for n in ranking if n not in excluded), None)
        if top is None:
            exhausted += 1
        else:
            tallies[top] += 1
    return tallies, exhausted


def stages(candidates: list[str], rankings: list[list[str]], exclusions: list[str]
           ) -> list[Stage]:
    return [stage(candidates, rankings, exclusions[:n]) for n in range(len(exclusions) + 1)]


def turnout(ballots: int, electorate: int) -> str:
    return str((Decimal(100 * ballots) / electorate).quantize(Decimal("0.1")))


def check_declaration(declared: dict[str, Any], expected: Expected) -> None:
    """`contest count --json` is the test's own count, overall and section by section."""
    electorate, ballots = expected.total
    elected, rounds, by_section = expected.counted()
    assert len(rounds) > 1, "the votes make the count transfer, not just add up"
    assert (declared["elected"], declared["electorate"], declared["ballots"]) == (
        elected, electorate, ballots)
    assert [(r["tallies"], r["exhausted"]) for r in declared["rounds"]] == rounds
    assert [s["slug"] for s in declared["sections"]] == list(expected.sections)
    for section in declared["sections"]:
        slug = section["slug"]
        assert (section["electorate"], section["ballots"], section["votes"]) == (
            expected.electorate[slug], expected.ballots(slug), expected.votes(slug))
        assert section["turnout"] == turnout(expected.ballots(slug), expected.electorate[slug])
        assert [(r["tallies"], r["exhausted"]) for r in section["rounds"]] == by_section[slug]


def check_declaration_page(browser: Any, url: str, slug: str, expected: Expected
                           ) -> dict[str, Any]:
    """Totals and each section as a visitor reads them in the first-preferences table; the
    audit log's head printed on the page, returned as an anchor."""
    electorate, ballots = expected.total
    order = list(expected.sections)
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    assert page.goto(f"{url}contests/{slug}/declaration").status == 200
    assert page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 0
    assert page.locator(".panel").inner_text().strip() == f"Elected: {expected.counted()[0][0]}"
    summary = dict(zip(page.locator("dl.summary dt").all_inner_texts(),
                       page.locator("dl.summary dd").all_inner_texts(), strict=True))
    assert (summary["Electorate"], summary["Ballots returned"], summary["Turnout"]) == (
        str(electorate), str(ballots), f"{turnout(ballots, electorate)}%")
    table = page.locator("table", has=page.locator("caption", has_text="First preferences"))
    rows = {r[0]: r[1:] for r in table.evaluate(
        "t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim()))")}
    assert rows["Candidate"] == [*expected.sections.values(), "Total", "Share"]
    for name in expected.candidates:
        per_section = [expected.votes(s)[name] for s in order]
        assert rows[name][:3] == [str(n) for n in (*per_section, sum(per_section))]
    assert rows["Ballots returned"][:3] == [str(expected.ballots(s)) for s in order] + [
        str(ballots)]
    assert rows["Electorate"][:3] == [str(expected.electorate[s]) for s in order] + [
        str(electorate)]
    assert rows["Turnout"][:3] == [
        f"{turnout(expected.ballots(s), expected.electorate[s])}%" for s in order] + [
        f"{turnout(ballots, electorate)}%"]
    anchor = {"seq": int(summary["Entry"]), "hash": summary["Hash"],
              "public_key": summary["Signing key (public)"]}
    chart = page.goto(f"{url}contests/{slug}/declaration/chart.svg")
    assert chart.status == 200 and chart.headers["content-type"] == "image/svg+xml"
    assert refused == [], "nothing on the page is refused by the Content-Security-Policy"
    page.close()
    return anchor


def check_downloads(url: str, slug: str, folder: Path, expected: Expected) -> None:
    """The files the declaration page links to hold the ballots cast, section by section."""
    from psephos.ballots.csv_ballots import read_csv_ballots

    folder.mkdir()
    for section in expected.sections:
        with urllib.request.urlopen(f"{url}contests/{slug}/published/ballots-{section}.csv",
                                    timeout=30) as response:
            path = folder / f"{section}.csv"
            path.write_bytes(response.read())
        assert rankings(read_csv_ballots(path)) == expected.as_cast(section)


def check_export(admin: Admin, folder: Path, declared: dict[str, Any],
                 expected: Expected) -> None:
    """The exported ballots are the ballots cast, and `psephos count` of them gives the
    declaration, overall and in every section (first preferences, and who would win)."""
    from psephos.ballots.csv_ballots import read_csv_ballots

    admin("export", admin.slug, str(folder))
    overall = psephos_count(admin, folder / "ballots.csv")
    assert overall["elected"] == declared["elected"]
    assert [{n: int(v) for n, v in s["tallies"].items()} for s in overall["stages"]] == [
        r["tallies"] for r in declared["rounds"]]
    for section in declared["sections"]:
        path = folder / f"ballots-{section['slug']}.csv"
        assert rankings(read_csv_ballots(path)) == expected.as_cast(section["slug"]), \
            "the published ballots are the ballots cast"
        alone = psephos_count(admin, path)
        assert {n: int(v) for n, v in alone["stages"][0]["tallies"].items()} == \
            section["votes"]
        assert int(alone["valid"]) == section["ballots"]
    trackers = (folder / "trackers.txt").read_text().split()
    assert len(trackers) == expected.total[1] and expected.trackers <= set(trackers)


def psephos_count(admin: Admin, path: Path) -> dict[str, Any]:
    """`psephos count FILE --method av --json`, as anyone recounting the record runs it."""
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(path), "--method",
                           "av", "--json"], env=admin.env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def rankings(profile: Any) -> Counter[tuple[str, ...]]:
    names = profile.candidates
    return Counter({tuple(names[c] for c in ranking): int(weight)
                    for ranking, weight in profile.iter_rankings()})


def check_board(board: dict[str, Any], record: Path, removed: tuple[str, str, str],
                audited: list[str]) -> None:
    """The board downloaded from the contest's page shows the voter revoked after voting
    (``removed``: section, reason, tracker) with their removed ballot, which no sealed list
    (the mix's input) or tracker list of the record holds; the record publishes that board
    (the same key, the downloaded checkpoints first); and no ballot its voter opened to
    check the sealing (``audited``, sealed hex) is on it or in the record."""
    published = json.loads((record / "board.json").read_text(encoding="utf-8"))
    assert board["key"] == published["key"] and board["contest"] == published["contest"]
    assert board["blocks"] == published["blocks"][:len(board["blocks"])]
    events = [e for block in board["blocks"] for e in block["events"]]
    with_ballot = [e for e in events if e["kind"] == "revoked" and "ballot" in e]
    section, reason, tracker = removed
    assert [(e["section"], e["reason"], e["ballot"]["tracker"]) for e in with_ballot] == [
        (section, reason, tracker)], with_ballot
    taken_out = with_ballot[0]["ballot"]["sealed"]
    sealed = {b["sealed"]: b["tracker"] for path in record.glob("sealed-*.json")
              for b in json.loads(path.read_text(encoding="utf-8"))["ballots"]}
    assert taken_out not in sealed and tracker not in sealed.values()
    assert tracker not in (record / "trackers.txt").read_text().split()
    on_board = json.dumps(published)
    assert audited and not any(opened in sealed or opened in on_board for opened in audited)


def check_verification(admin: Admin, record: Path, board_key: str,
                       declared: dict[str, Any], removed: int) -> None:
    """`psephos verify RECORD --board-key KEY`, as anyone run it on a machine of their own
    (no server setting): every check passes, the board's, the eligibility and each
    section's chain of three mixes among them; and, read as JSON, its recount is the
    declaration, overall and in each section's ballots; the board holds the ``removed``
    ballots of revocations besides the ones counted."""
    env = {k: v for k, v in admin.env.items() if not k.startswith("PSEPHOS_")}
    command = [sys.executable, "-m", "psephos", "verify", str(record), "--board-key", board_key]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    *lines, summary = done.stdout.splitlines()
    assert summary == f"{len(lines)} checks: {len(lines)} passed", done.stdout
    assert all(line.startswith("ok  ") for line in lines), done.stdout

    report = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True,
                            timeout=180, check=False)
    assert report.returncode == 0, report.stdout + report.stderr
    verified = json.loads(report.stdout)
    assert (verified["verified"], verified["exit_status"]) == (True, 0)
    checks = {c["check"]: (c["result"], c["detail"]) for c in verified["checks"]}
    assert lines == [f"ok    {name}: {detail}" for name, (_, detail) in checks.items()], \
        "the lines printed are the checks of the JSON report, in order"
    sections = [s["slug"] for s in declared["sections"]]
    for name in ("eligibility", "board chain", "board ballots", "recount", "declared result",
                 *(f"mix of {s}" for s in sections),
                 *(f"declared result of {s}" for s in sections)):
        assert checks.get(name, ("missing",))[0] == "pass", f"{name}:\n{done.stdout}"
    for section in sections:
        assert "chain of 3 mixes" in checks[f"mix of {section}"][1], checks
    assert f" over {declared['ballots']} valid votes: " in checks["recount"][1], checks
    assert (f"({declared['ballots']} counted, {removed} removed by revocations)"
            in checks["board ballots"][1]), checks["board ballots"]
    for section in declared["sections"]:
        detail = checks[f"declared result of {section['slug']}"][1]
        assert detail.startswith(f"{section['ballots']} ballots; "), detail
