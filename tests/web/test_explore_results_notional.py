"""The explorer's GE2024 page measures gains against ge2019-notional, the 2019 votes on the
same seats: the changes and the hatched seats are those `psephos.uk.compare` finds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from psephos.uk.compare import compare_general_elections
from psephos.uk.general import load_general_election
from tests.web.test_explore_results import _forget, _get, _rows


@pytest.fixture(scope="module", autouse=True)
def _data(uk_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PSEPHOS_MIRROR", str(uk_data))
        patch.setenv("PSEPHOS_CACHE", str(tmp_path_factory.mktemp("empty-cache")))
        _forget()
        yield
    _forget()


def test_ge2024_gains_are_measured_against_the_notional_2019_result() -> None:
    comparison = compare_general_elections(load_general_election("ge2024"),
                                           load_general_election("ge2019-notional"))
    page = _get("/explore/results/ge2024")
    assert "change in seats since UK general election, 12 December 2019, notional" in page
    rows = _rows(page, "parties", "party")
    for party in comparison.parties:
        change = party.seats - party.seats_before
        if change:
            shown = f"+{change}" if change > 0 else f"−{-change}"
            assert rows[party.party]["change"] == shown, party.party
    assert rows["lab"]["change"] == "+211" and rows["con"]["change"] == "−251"
    flipped = set(re.findall(r'id="hex-(\w+)" data-code="\w+" class="hex hex-flipped"', page))
    assert flipped == {s.id for s in comparison.seats if s.changed_hands}
    assert len(flipped) == comparison.changed_hands == 303


def test_the_notional_page_has_no_earlier_election_on_its_seats() -> None:
    page = _get("/explore/results/ge2019-notional")
    rows = _rows(page, "parties", "party")
    assert {p: rows[p]["seats"] for p in ("con", "lab", "snp", "ld")} == {
        "con": "372", "lab": "200", "snp": "48", "ld": "8"}
    assert 'class="hex hex-flipped"' not in page and "change in seats since" not in page
