"""ge2019-notional in the explorer: the GE2024 page measures gains against it (the changes and
the hatched seats are those `psephos.uk.compare` finds), and the pact builder runs on it as
``psephos pact`` does."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client
from typer.testing import CliRunner

from psephos.cli.main import app
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


def test_the_pact_builder_runs_on_the_notional_base(uk_data: Path) -> None:
    """The pact builder offers ge2019-notional and gives what ``psephos pact`` gives on it."""
    raw = uk_data / "raw"
    alliance = ["lab", "ld", "green"]
    run = CliRunner().invoke(app, ["pact", "ge2019-notional", "--alliance", ",".join(alliance),
                                   "--json", "--mirror", str(raw)])
    assert run.exit_code == 0, run.output
    expected = json.loads(run.stdout)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PSEPHOS_MIRROR", str(raw))
        answer = Client().get("/api/explore/pact?" + urlencode(
            {"election": "ge2019-notional", "alliance": alliance}, doseq=True))
        page = _get("/explore/pact?" + urlencode(
            {"election": "ge2019-notional", "alliance": alliance}, doseq=True))
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert {row["party"]: row["after"] for row in data["parties"]} == {
        p: n for p, n in expected["seats"].items() if n or expected["seats_before"][p]}
    assert {s["id"] for s in data["seats"] if s["flipped"]} == {
        f["id"] for f in expected["flips"]}
    assert '<option value="ge2019-notional" selected>GE 2019 (notional, 2024 seats)</option>' \
        in page
