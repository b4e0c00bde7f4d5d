"""Every count in a contest file is bounded, by what it counts or by a ceiling, and a count
out of bounds is refused naming its key (``count = 50000000`` once exhausted memory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contests.helpers import SMALL

BODIES = """
[[nominations.bodies]]
slug = "plp"
name = "MPs"
size = 251
share = 0.2

[[nominations.bodies]]
slug = "aff"
name = "Affiliates"
kind = "affiliates"
min_count = 3
min_unions = 2
min_members_share = 0.05
total_members = 2000000
"""


def _load(tmp_path: Path, text: str) -> object:
    from psephos.contests.definition import load_definition

    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return load_definition(path)


@pytest.mark.parametrize(("extra", "expected"), [
    ('[[nominations.made]]\ncandidate = "Alice"\nbody = "plp"\ncount = 50000000\n',
     "nominations.made[0].count: 50000000 is more than the size of plp, 251"),
    ('[[nominations.made]]\ncandidate = "Alice"\nbody = "aff"\ncount = 50000000\n',
     "nominations.made[0].count: 50000000 is more than 100000"),
    ('[[nominations.made]]\ncandidate = "Alice"\nbody = "plp"\ncount = 200\n'
     '[[nominations.made]]\ncandidate = "Bob"\nbody = "plp"\ncount = 100\n',
     "nominations.made: 300 nominations from plp, more than its size, 251"),
    ('[[nominations.made]]\ncandidate = "Alice"\nbody = "aff"\nnominators = ["U"]\n'
     "members = 3000000\n",
     "nominations.made[0].members: 3000000 is more than the total_members of aff, 2000000"),
])
def test_nomination_counts_are_bounded(db: str, tmp_path: Path, extra: str,
                                       expected: str) -> None:
    from psephos.contests.errors import DefinitionError

    with pytest.raises(DefinitionError) as caught:
        _load(tmp_path, SMALL + BODIES + extra)
    assert expected in str(caught.value)


@pytest.mark.parametrize(("change", "expected"), [
    (("size = 251", "size = 50000000"), "nominations.bodies[0].size: 50000000 is more than"),
    (("min_count = 3", "min_count = 50000000"),
     "nominations.bodies[1].min_count: 50000000 is more than 100000"),
    (("min_unions = 2", "min_unions = 4"),
     "nominations.bodies[1].min_unions: 4 is more than min_count, 3"),
    (("total_members = 2000000", "total_members = 10000000000"),
     "nominations.bodies[1].total_members: 10000000000 is more than 100000000"),
])
def test_body_counts_are_bounded(db: str, tmp_path: Path, change: tuple[str, str],
                                 expected: str) -> None:
    from psephos.contests.errors import DefinitionError

    with pytest.raises(DefinitionError) as caught:
        _load(tmp_path, SMALL + BODIES.replace(*change))
    assert expected in str(caught.value)


def test_seats_at_most_the_candidates(db: str, tmp_path: Path) -> None:
    from psephos.contests.errors import DefinitionError

    plural = SMALL.replace('method = "av"', 'method = "plurality"\nseats = 3')
    assert _load(tmp_path, plural).seats == 3  # type: ignore[attr-defined]
    with pytest.raises(DefinitionError, match=r"contest\.seats: 4 seats but only 3 candidates"):
        _load(tmp_path, plural.replace("seats = 3", "seats = 4"))
    with pytest.raises(DefinitionError, match=r"contest\.seats: 50000000 is more than"):
        _load(tmp_path, plural.replace("seats = 3", "seats = 50000000"))
