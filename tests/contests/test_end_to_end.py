"""A whole members' ballot, headless: define, import (with bad rows), nominate, open, issue,
vote, reissue, revoke, close, count, declare, export; then recount the published ballots
independently and check the declaration, overall and section by section."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.contests.helpers import (
    HEADER,
    decrypt_with,
    example_still_open,
    local_ceremony,
    member,
    supporter,
    write_roll,
)

CANDIDATES = ["Jeremy Corbyn", "Owen Smith", "Angela Eagle"]


def _rolls(tmp_path: Path) -> dict[str, Path]:
    members = [member(i) for i in range(1, 121)]
    members += [member(900, joined="2016-02-01"), member(901, arrears_paid="no"),
                member(902, email="m1@example.org")]
    supporters = [supporter(i, joined="2016-07-19") for i in range(1, 61)]
    supporters += [supporter(900, fee_paid_on="2016-07-25"),
                   supporter(901, email="m5@example.org")]  # a member too: votes as a member
    affiliates = [[f"A{i}", f"Affiliate {i}", f"a{i}@example.org", "2015-03-01", "yes", "",
                   "no"] for i in range(1, 41)]
    affiliates.append(["A900", "Late Joiner", "late@example.org", "2016-05-01", "", "", ""])
    return {"members": write_roll(tmp_path / "members.csv", members),
            "registered-supporters": write_roll(tmp_path / "supporters.csv", supporters),
            "affiliated-supporters": write_roll(tmp_path / "affiliates.csv", affiliates,
                                                HEADER)}


def _ranking(rng: random.Random, section: str) -> list[str]:
    lean = {"members": [0.45, 0.35, 0.2], "registered-supporters": [0.6, 0.25, 0.15],
            "affiliated-supporters": [0.4, 0.3, 0.3]}[section]
    first = rng.choices(CANDIDATES, lean)[0]
    rest = [c for c in CANDIDATES if c != first]
    rng.shuffle(rest)
    return [first, *rest[: rng.randrange(3)]]


def _section_recount(path: Path, excluded_by_stage: list[list[str]]) -> dict[str, Any]:
    """Votes and rounds of one section's published ballots, counted here from scratch."""
    from psephos.ballots.csv_ballots import read_csv_ballots

    profile = read_csv_ballots(path)
    names = profile.candidates
    gone: set[str] = set()
    rounds = []
    for excluded in excluded_by_stage:
        gone.update(excluded)
        tallies = Counter({n: 0 for n in names})
        exhausted = 0
        for ranking, weight in profile.iter_rankings():
            live = [names[c] for c in ranking if names[c] not in gone]
            if live:
                tallies[live[0]] += weight
            else:
                exhausted += weight
        rounds.append((dict(tallies), exhausted))
    first = dict(zip(names, profile.first_preferences().tolist(), strict=True))
    return {"ballots": profile.n_ballots, "votes": first, "rounds": rounds}


def test_members_ballot_end_to_end(db: str, tmp_path: Path) -> None:
    from psephos.cli.main import app
    from psephos.contests.audit import verify_log
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.counting import count_contest, export_contest
    from psephos.contests.credentials import issue_credentials, reissue
    from psephos.contests.definition import create_contest, load_definition
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import UnknownCredential
    from psephos.contests.lifecycle import close_contest, open_contest, revoke
    from psephos.contests.nominations import add_candidate, consent, nominate
    from psephos.rules.registry import count as run_count

    contest = create_contest(load_definition(example_still_open(tmp_path)), actor="ro")
    reports = {section: import_electorate(contest, path, section, actor="ro")
               for section, path in _rolls(tmp_path).items()}
    assert [len(r.rejected) for r in reports.values()] == [2, 1, 1]
    assert reports["members"].duplicates[0].line == 124  # m1@ twice
    assert reports["registered-supporters"].duplicates[0].kept == "members"
    assert contest.voters.count() == 120 + 60 + 40

    eagle = add_candidate(contest, "Angela Eagle", actor="ro")
    for i in range(51):
        nominate(eagle, "plp", f"MP {i}", actor="ro")
    consent(eagle, actor="ro")

    secrets: dict[str, Any] = {}
    issue_credentials(contest, sink=lambda v, s: secrets.__setitem__(v.member_number, s))
    local_ceremony(contest, tmp_path)
    open_contest(contest, actor="ro")

    rng = random.Random(2016)
    voters = list(contest.voters.select_related("section").order_by("pk"))
    trackers = []
    for voter in voters:
        if voter.member_number == "M7":
            fresh = reissue(voter, actor="helpdesk")
            try:
                cast_ballot(contest, secrets["M7"].link_token, ["Owen Smith"])
                raise AssertionError("a rotated credential voted")
            except UnknownCredential:
                pass
            secrets["M7"] = fresh
        if rng.random() < 0.8:
            secret = secrets[voter.member_number]
            credential = secret.postal_code if rng.random() < 0.3 else secret.link_token
            trackers.append(cast_ballot(contest, credential,
                                        _ranking(rng, voter.section.slug)).tracker)
    voted = contest.voters.filter(voted__isnull=False)
    revoke(voted.first(), actor="ro", reason="suspended")
    revoke(contest.voters.filter(voted__isnull=True).first(), actor="ro", reason="lapsed")
    close_contest(contest, actor="ro")
    decrypt_with(contest)
    declaration = count_contest(contest, actor="ro")
    files = export_contest(contest, tmp_path / "record")

    # The declaration adds up.
    assert declaration.ballots == len(trackers) - 1
    assert declaration.electorate == 220 - 2
    assert sum(s.ballots for s in declaration.sections) == declaration.ballots
    assert sum(s.electorate for s in declaration.sections) == declaration.electorate
    assert len(declaration.rounds) >= 2  # Eagle is excluded and transferred
    published = (tmp_path / "record" / "trackers.txt").read_text().split()
    assert published == sorted(published) and len(published) == declaration.ballots
    assert set(published) < set(trackers)

    # An independent recount of the published ballots gives the same result ...
    from psephos.ballots.csv_ballots import read_csv_ballots

    everything = read_csv_ballots(tmp_path / "record" / "ballots.csv")
    recount = run_count(everything, "av", 1)
    assert recount.elected_names == list(declaration.elected)
    assert [dict(zip(recount.candidates, map(int, s.tallies), strict=True))
            for s in recount.stages] == [r.tallies for r in declaration.rounds]
    excluded = [[recount.candidates[c] for c in s.excluded] for s in recount.stages]
    # ... section by section, round by round.
    for section in declaration.sections:
        mine = _section_recount(tmp_path / "record" / f"ballots-{section.slug}.csv", excluded)
        assert mine["ballots"] == section.ballots
        assert mine["votes"] == section.votes
        assert mine["rounds"] == [(r.tallies, r.exhausted) for r in section.rounds]
    # ... and so does `psephos count` on the exported file.
    done = CliRunner().invoke(app, ["count", str(files[0]), "--method", "av", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["elected"] == list(declaration.elected)
    saved = json.loads((tmp_path / "record" / "declaration.json").read_text())
    assert saved["elected"] == list(declaration.elected)
    assert saved["sections"][0]["votes"] == declaration.sections[0].votes

    log = verify_log()
    assert log.ok and log.entries > 50
