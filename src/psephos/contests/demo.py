"""A demonstration contest shaped like Labour's 2016 leadership election.

Three sections, Corbyn and Smith, the 2016 timetable (with the Glasgow debate) and a few
thousand synthetic voters split between the sections as the 2016 ballots were, opened for
voting. Its key ceremony is run locally (3 trustees, any 2 decrypt), their private files
written into ``demo-trustees/`` in the data folder so the demonstration can be closed,
decrypted and counted. With ``turnout`` some of them vote at random, leaning as each
section did in 2016.

The timetable runs the ballot, so 2016's dates would close it before it opened: every
date of the definition (freeze, windows, events) and of the synthetic roll is moved by the
same whole number of days, so that the ballot closes at noon `OPEN_FOR` from today (UK
time) with the 2016 spacing and times of day kept (`moved_definition`).
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from django.conf import settings

from psephos.contests import timetable
from psephos.contests.casting.service import cast_ballot
from psephos.contests.credentials import IssuedCredential, issue_credentials
from psephos.contests.definition import create_contest, parse_definition
from psephos.contests.electorate import import_rows
from psephos.contests.lifecycle import open_contest
from psephos.contests.models import Contest, Voter
from psephos.contests.trustees import run_local_ceremony

#: Ballots returned per section in 2016, which sets the synthetic sections' sizes.
SECTION_SHARE = {"members": 285_176, "registered-supporters": 121_517,
                 "affiliated-supporters": 99_745}
#: Corbyn's share of each section's votes in 2016.
CORBYN_SHARE = {"members": 0.59, "registered-supporters": 0.70, "affiliated-supporters": 0.60}
#: How long the demonstration's ballot stays open from the day it is made (2016: 30 days
#: from the first ballots sent to the close; the demonstration opens half-way through).
OPEN_FOR = timedelta(days=14)
#: The day the 2016 ballot closed, at noon.
CLOSED_2016 = date(2016, 9, 21)
_FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Morgan", "Jamie", "Robin", "Kim", "Lee")
_LAST = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Khan", "Patel",
         "Campbell")


def definition_text() -> str:
    """The packaged Labour 2016 definition (the same as ``examples/labour-2016.toml``)."""
    return resources.files("psephos.contests").joinpath("data/labour-2016.toml").read_text(
        encoding="utf-8")


def definition_closing_later() -> dict[str, Any]:
    """The Labour 2016 definition as data, 2016's dates kept but its ballot close moved
    to the same moment in 2099: for runs whose rolls are dated 2016 (the benchmarks) and
    that must open today (a ballot whose close has passed does not open)."""
    data = tomllib.loads(definition_text())
    for event in data["timetable"]:
        if event["kind"] == "ballot_close":
            event["start"] = event["start"].replace(year=2099)
    return data


def days_to_move(today: date) -> timedelta:
    """How far 2016 moves so that the ballot closes `OPEN_FOR` after ``today``."""
    return today + OPEN_FOR - CLOSED_2016


def moved_definition(shift: timedelta) -> dict[str, Any]:
    """The Labour 2016 definition with every date and time in it ``shift`` later; a time
    keeps its time of day in UK time (the definition's times are UK wall-clock times)."""
    def move(value: Any) -> Any:
        if isinstance(value, date | datetime):  # datetime is a date too
            return value + shift
        if isinstance(value, dict):
            return {key: move(item) for key, item in value.items()}
        if isinstance(value, list):
            return [move(item) for item in value]
        return value

    return move(tomllib.loads(definition_text()))


def _rows(section: str, count: int, start: int, rng: random.Random, shift: timedelta
          ) -> Iterator[tuple[int, dict[str, Any]]]:
    for i in range(start, start + count):
        joined = date(2010, 1, 1) + timedelta(days=rng.randrange(2200)) + shift
        row: dict[str, Any] = {
            "member_number": f"L{i:07d}", "email": f"voter{i}@example.org",
            "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", "joined": joined,
            "arrears_paid": True}
        if section == "registered-supporters":
            row["joined"] = date(2016, 7, 19) + shift
            row["fee_paid_on"] = date(2016, 7, 18) + timedelta(days=rng.randrange(3)) + shift
        yield i - start + 2, row


#: The demonstration's trustees: n and k.
DEMO_TRUSTEES, DEMO_THRESHOLD = 3, 2


def demo_trustee_folder(contest: Contest) -> Path:
    """Where the demonstration's trustees' private files go: one folder per contest made."""
    return (Path(settings.PSEPHOS_DATA_DIR) / "demo-trustees"
            / f"{contest.slug}-{contest.created_at:%Y%m%d-%H%M%S-%f}")


def create_demo(*, voters: int = 3000, seed: int = 0, slug: str = "labour-2016-demo",
                turnout: float = 0.0) -> Contest:
    """Create, fill and open the demonstration contest, its ballot closing at noon
    `OPEN_FOR` from today (UK time) and its key ceremony run locally; ``turnout`` of the
    voters vote."""
    shift = days_to_move(timetable.now().astimezone(timetable.UK_TIME).date())
    data = moved_definition(shift)
    data["contest"]["slug"] = slug
    data["contest"]["name"] += " (demonstration)"
    contest = create_contest(parse_definition(data, "labour-2016.toml"), actor="demo")
    rng = random.Random(seed)
    total = sum(SECTION_SHARE.values())
    start = 1
    sections = list(contest.sections.all())
    for n, section in enumerate(sections):
        size = (voters - start + 1 if n == len(sections) - 1
                else round(voters * SECTION_SHARE[section.slug] / total))
        import_rows(contest, section, _rows(section.slug, size, start, rng, shift))
        start += size
    issued: list[tuple[Voter, IssuedCredential]] = []
    issue_credentials(contest, sink=lambda voter, secret: issued.append((voter, secret)),
                      actor="demo")
    run_local_ceremony(contest, DEMO_TRUSTEES, DEMO_THRESHOLD, demo_trustee_folder(contest),
                       actor="demo")
    open_contest(contest, actor="demo")
    for voter, secret in issued:
        if rng.random() < turnout:
            corbyn = rng.random() < CORBYN_SHARE.get(voter.section.slug, 0.6)
            ranking = ["Jeremy Corbyn", "Owen Smith"] if corbyn else ["Owen Smith"]
            if not corbyn and rng.random() < 0.5:
                ranking.append("Jeremy Corbyn")
            cast_ballot(contest, secret.postal_code if rng.random() < 0.2 else
                        secret.link_token, ranking, channel="web")
    return contest
