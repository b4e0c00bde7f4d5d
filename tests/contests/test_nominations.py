"""Nomination thresholds by body, the incumbent's bypass, consent and withdrawal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contests.helpers import EXAMPLE, member, open_sealed, small_contest, write_roll

RULES_2020 = """
[contest]
slug = "labour-2020"
name = "Labour leadership 2020"

[[sections]]
slug = "members"
name = "Members"

[[candidates]]
name = "Keir Starmer"
consented = true

[[candidates]]
name = "Rebecca Long-Bailey"
consented = true

[nominations]
require = [["plp"], ["clp", "affiliates"]]

[[nominations.bodies]]
slug = "plp"
name = "MPs and MEPs"
size = 215
share = 0.10

[[nominations.bodies]]
slug = "clp"
name = "Constituency Labour Parties"
size = 648
share = 0.05

[[nominations.bodies]]
slug = "affiliates"
name = "Affiliates"
kind = "affiliates"
min_count = 3
min_unions = 2
min_members_share = 0.05
total_members = 2000000
"""


def test_labour_2016_thresholds(db: str) -> None:
    from psephos.contests.definition import create_contest, load_definition
    from psephos.contests.nominations import ballot_candidates, nomination_status, threshold

    contest = create_contest(load_definition(EXAMPLE))
    plp = contest.bodies.get(slug="plp")
    assert threshold(plp) == 51  # 20 % of 251 = 50.2, rounded up
    corbyn, smith = contest.candidates.order_by("order")
    assert nomination_status(smith).bodies[0].nominations == 90
    assert nomination_status(corbyn).valid  # the incumbent needs no nominations
    assert [c.name for c in ballot_candidates(contest)] == ["Jeremy Corbyn", "Owen Smith"]


def test_challenger_short_of_51_is_off_the_ballot(db: str) -> None:
    import tomllib

    from psephos.contests.definition import create_contest, parse_definition
    from psephos.contests.nominations import ballot_candidates, nominate, nomination_status

    data = tomllib.loads(EXAMPLE.read_text())
    data["nominations"]["made"][0]["count"] = 50
    contest = create_contest(parse_definition(data))
    smith = contest.candidates.get(name="Owen Smith")
    status = nomination_status(smith)
    assert not status.valid and "50 of 51 needed" in status.reasons[0]
    assert [c.name for c in ballot_candidates(contest)] == ["Jeremy Corbyn"]
    nominate(smith, "plp", "Angela Eagle")
    assert nomination_status(smith).on_ballot


def test_2020_rule_either_local_parties_or_affiliates(db: str, tmp_path: Path) -> None:
    from psephos.contests.errors import NominationError
    from psephos.contests.nominations import nominate, nomination_status, threshold

    contest = small_contest(tmp_path, RULES_2020)
    starmer = contest.candidates.get(name="Keir Starmer")
    assert threshold(contest.bodies.get(slug="plp")) == 22
    assert threshold(contest.bodies.get(slug="clp")) == 33  # 5 % of 648 = 32.4
    for i in range(22):
        nominate(starmer, "plp", f"MP {i}")
    assert not nomination_status(starmer).valid  # stage 2 still missing
    nominate(starmer, "affiliates", "UNISON", union=True, members=60_000)
    nominate(starmer, "affiliates", "USDAW", union=True, members=30_000)
    nominate(starmer, "affiliates", "SERA", members=5_000)
    status = nomination_status(starmer)
    assert not status.valid and "95,000 members (need 100,000)" in status.reasons[0]
    nominate(starmer, "affiliates", "Unite", union=True, members=5_000)
    assert nomination_status(starmer).valid
    with pytest.raises(NominationError, match="already nominates a candidate"):
        nominate(starmer, "plp", "MP 0")
    with pytest.raises(NominationError, match="no nominating body 'nec'"):
        nominate(starmer, "nec", "someone")


def test_consent_withdrawal_and_renomination(db: str, tmp_path: Path) -> None:
    from psephos.contests.nominations import (
        add_candidate,
        ballot_candidates,
        consent,
        nominate,
        withdraw_candidate,
    )

    contest = small_contest(tmp_path, RULES_2020.replace("require = [[\"plp\"], [\"clp\", "
                                                         "\"affiliates\"]]", 'require = [["plp"]]'))
    eagle = add_candidate(contest, "Angela Eagle")
    for i in range(22):
        nominate(eagle, "plp", f"MP {i}")
    assert eagle.name not in [c.name for c in ballot_candidates(contest)]  # no consent yet
    consent(eagle)
    assert eagle.name in [c.name for c in ballot_candidates(contest)]
    withdraw_candidate(eagle)
    assert eagle.name not in [c.name for c in ballot_candidates(contest)]
    # Her nominators are free to nominate someone else.
    other = contest.candidates.get(name="Keir Starmer")
    nominate(other, "plp", "MP 0")


def test_open_needs_a_contest_and_an_electorate(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import NominationError, WrongState
    from psephos.contests.lifecycle import open_contest
    from psephos.contests.nominations import nominate

    contest = small_contest(tmp_path, RULES_2020.replace("require = [[\"plp\"], [\"clp\", "
                                                         "\"affiliates\"]]", 'require = [["plp"]]'))
    starmer = contest.candidates.get(name="Keir Starmer")
    for i in range(22):
        nominate(starmer, "plp", f"MP {i}")
    with pytest.raises(NominationError, match=r"only 1 validly nominated .*Keir Starmer"):
        open_contest(contest, actor="ro")
    rlb = contest.candidates.get(name="Rebecca Long-Bailey")
    for i in range(22, 44):
        nominate(rlb, "plp", f"MP {i}")
    with pytest.raises(WrongState, match="no electorate"):
        open_contest(contest, actor="ro")
    import_electorate(contest, write_roll(tmp_path / "m.csv", [member(1)]), "members")
    open_sealed(contest, tmp_path)
    assert sorted(contest.candidates.filter(on_ballot=True).values_list("name", flat=True)) == [
        "Keir Starmer", "Rebecca Long-Bailey"]
    with pytest.raises(WrongState, match="nominations are closed"):
        nominate(starmer, "plp", "MP 99")
