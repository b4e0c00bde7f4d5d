"""Mayor of London 2016 by the supplementary vote, from London Elects' ward workbook."""

from __future__ import annotations

from pathlib import Path

from psephos.uk import load_london_mayor
from psephos.uk.london_mayor import mayor_rounds


def test_result_is_the_declared_one(raw: Path, cache: Path) -> None:
    """HoC Library CBP-7598 and London Elects: first preferences Khan 1,148,716, Goldsmith
    909,755 of 2,596,961 valid; after second preferences Khan 1,310,143, Goldsmith 994,614."""
    election = load_london_mayor("lm2016", mirror=raw, cache_dir=cache)
    report = mayor_rounds(election)
    first, second = report["rounds"]
    assert report["elected"] == "Sadiq Aman KHAN"
    assert report["seats"] == {"lab": 1}
    assert report["valid_first_choices"] == 2_596_961
    assert first["votes"]["Sadiq Aman KHAN"] == 1_148_716
    assert first["votes"]["Zac GOLDSMITH"] == 909_755
    assert second["votes"] == {"Sadiq Aman KHAN": 1_310_143, "Zac GOLDSMITH": 994_614}
    assert second["second_preferences_added"] == {"Sadiq Aman KHAN": 161_427,
                                                  "Zac GOLDSMITH": 84_859}
    assert second["non_transferable"] == 2_596_961 - 1_310_143 - 994_614


def test_workbook_totals(raw: Path, cache: Path) -> None:
    """The workbook's 663 ward and postal-batch rows sum to the declared first choices for all
    12 candidates (statinvestor / CBP-7598: Berry 150,673, Pidgeon 120,005, Whittle 94,373)
    and to 2,212,718 valid second choices (README, london_mayor2016_preferences)."""
    election = load_london_mayor("lm2016", mirror=raw, cache_dir=cache)
    assert election.wards == 663
    assert len(election.candidates) == 12
    first = {c.name.split()[-1]: c.first_choices for c in election.candidates}
    assert (first["BERRY"], first["PIDGEON"], first["WHITTLE"]) == (150_673, 120_005, 94_373)
    assert sum(c.second_choices for c in election.candidates) == 2_212_718
    khan = next(c for c in election.candidates if c.name.endswith("KHAN"))
    assert (khan.party_code, khan.second_choices) == ("lab", 388_090)


def test_profile_keeps_every_first_choice(raw: Path, cache: Path) -> None:
    """The constructed SV profile has exactly the workbook's first choices per candidate."""
    election = load_london_mayor("lm2016", mirror=raw, cache_dir=cache)
    profile = election.profile()
    assert profile.first_preferences().tolist() == [c.first_choices for c in election.candidates]
    assert profile.n_ballots == 2_596_961
