"""Published pact claims recomputed from the official results (House of Commons Library
and Electoral Commission files, read by `psephos.uk.load_general_election`).

Each test cites its source; docs/pact.md lists them, numbered as the tests are.
Where the published figure reproduces, it is asserted as published. Where it does not,
the test asserts OUR number, says so, and records which variants were tried; the same
account is in docs/pact.md ("Published claims, recomputed").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from psephos.model import PactResult, Scenario, run_pact
from psephos.uk import GeneralElection, load_general_election

PROGRESSIVE = ("lab", "ld", "snp", "pc", "green")


@pytest.fixture(scope="module")
def elections(uk_data: Path) -> dict[str, GeneralElection]:
    return {name: load_general_election(name, mirror=uk_data / "raw")
            for name in ("ge2015", "ge2017", "ge2019")}


def pact(elections: dict[str, GeneralElection], name: str, alliance: tuple[str, ...],
         **settings: object) -> PactResult:
    ranked_at = settings.get("ranked_at")
    ranking = elections[str(ranked_at)] if ranked_at else None
    return run_pact(elections[name], Scenario(election=name, alliance=alliance, **settings),  # type: ignore[arg-type]
                    ranking=ranking)


def con_lost(result: PactResult) -> int:
    return result.seats_before["con"] - result.seats_after.get("con", 0)


def gains(result: PactResult, party: str) -> int:
    return result.seats_after.get(party, 0) - result.seats_before.get(party, 0)


def test_claim_1_green_votes_to_labour_2015(elections: dict[str, GeneralElection]) -> None:
    """Claim 1, reproduced exactly: every Green vote to Labour at GE2015 gives Con 320
    (-10), Lab 244 (+12); UKIP keeps Clacton; the LDs lose Leeds North West, keep 7.

    Source: electionpolling.co.uk/blog/2015/05/31/did-the-green-party-cost-labour-the-election
    Variant pinned: Labour stands in every seat (``stand_aside = "lab"``), so the Greens
    stand down in Brighton Pavilion too. With best-placed instead, Caroline Lucas keeps
    Brighton Pavilion and Labour gets 243: the published 244 counts Pavilion for Labour.
    """
    result = pact(elections, "ge2015", ("lab", "green"), stand_aside="lab")
    assert (result.seats_after["con"], result.seats_after["lab"]) == (320, 244)
    assert result.seats_after["ukip"] == 1
    assert next(s for s in result.seats if s.name == "Clacton").after == "ukip"
    assert result.seats_after["ld"] == 7
    assert next(s for s in result.seats if s.name == "Leeds North West").after == "lab"
    best_placed = pact(elections, "ge2015", ("lab", "green"))
    assert (best_placed.seats_after["lab"], best_placed.seats_after["green"]) == (243, 1)


def test_claim_2_smaller_pacts_2015(elections: dict[str, GeneralElection]) -> None:
    """Claim 2, the two smaller pacts reproduce: a Greens + Plaid pact is worth 13 seats,
    a Labour-SNP pact 1 (counted as seats the Conservatives lose).

    Source: josephfinlay.com (first in HuffPost), "A Progressive Alliance is the only
    way...". Variant pinned: "Greens + Plaid" read as the Greens and Plaid pooling their
    votes with Labour (alliance lab + green + pc, best-placed), since the two alone are
    not second anywhere the Conservatives won and take no seat from them (0).
    """
    assert con_lost(pact(elections, "ge2015", ("lab", "green", "pc"))) == 13
    assert con_lost(pact(elections, "ge2015", ("green", "pc"))) == 0
    assert con_lost(pact(elections, "ge2015", ("lab", "snp"))) == 1


def test_claim_2_full_progressive_alliance_2015(elections: dict[str, GeneralElection]) -> None:
    """Claim 2, NOT reproduced: published 37 seats where the combined Lab + LD + Green +
    SNP + Plaid vote beat the Conservatives at GE2015; we count 48.

    Source: josephfinlay.com (first in HuffPost), "A Progressive Alliance is the only
    way...". Our 48 (Con 330 -> 282; Lab +29, LD +18, SNP +1) does not depend on the
    stand-aside rule (with full transfer only the alliance's total matters) nor on
    scope (the Conservatives won nothing in Northern Ireland or Buckingham). Variants
    tried, none giving 37: without SNP 47, without Plaid 46, England and Wales only 47,
    Lab + LD + Green 45, Lab + LD 32. The published method is not stated in enough
    detail to say which data or rule produced 37.
    """
    result = pact(elections, "ge2015", PROGRESSIVE)
    assert con_lost(result) == 48  # ours, not the published 37
    assert (gains(result, "lab"), gains(result, "ld"), gains(result, "snp")) == (29, 18, 1)
    everything = pact(elections, "ge2015", PROGRESSIVE, northern_ireland=True, speaker=True)
    assert con_lost(everything) == 48
    assert con_lost(pact(elections, "ge2015", ("lab", "ld", "green", "pc"))) == 47


def test_claim_3_progressive_alliance_2017(elections: dict[str, GeneralElection]) -> None:
    """Claim 3 (two sources), NOT reproduced: published Con -50; we get Con -61 (317 -> 256).

    Sources: jackdean.co.uk/how-parliament-would-have-looked-if-the-progressive-alliance-
    had-happened-and-how-it-would-look-if-it-happened-again/ (Lab + LD + SNP + PC +
    Green, every vote to the most popular of them; NI and the Speaker's seat ignored;
    "2015 rules" and "2017 rules") and infacts.org/progressive-alliances-changed-election-
    result ("an extra 50 seats"). With full transfer the Conservative total does not
    depend on who stands, so the 2015 and 2017 rules both give 256 (they differ in who
    gains: Lab 290 / LD 25 / SNP 56 under 2015 rules, Lab 302 / LD 21 / SNP 47 under
    2017 rules). By nation our 61 is England 43, Wales 6, Scotland 12. Variants tried:
    without SNP 49, Lab + LD + SNP 51, Lab + LD + Green 45, without LD ("Left Alliance")
    20. None gives 50.
    """
    rules_2017 = pact(elections, "ge2017", PROGRESSIVE)
    rules_2015 = pact(elections, "ge2017", PROGRESSIVE, ranked_at="ge2015")
    assert con_lost(rules_2017) == con_lost(rules_2015) == 61  # ours, not the published 50
    assert {p: rules_2015.seats_after[p] for p in ("lab", "ld", "snp")} == {
        "lab": 290, "ld": 25, "snp": 56}
    assert con_lost(pact(elections, "ge2017", ("lab", "ld", "pc", "green"))) == 49
    assert con_lost(pact(elections, "ge2017", ("lab", "snp", "pc", "green"))) == 20


def test_claim_4_calderdale_greens_2017(elections: dict[str, GeneralElection]) -> None:
    """Claim 4, NOT reproduced exactly: published Con 259, Lab 299, LD 21, SNP 47 (and
    "59 fewer Conservative MPs", though 317 - 259 is 58). We get LD 21 and SNP 47 as
    published, but Con 256 and Lab 302 with Plaid in the alliance.

    Source: greenjennyhebden.wordpress.com/2017/06/12/with-no-brainer-progressive-
    electoral-alliances-wed-have-had-a-progressive-alliance-government-today/ (Guardian
    results data). The published totals (with PC 4, DUP 10, SF 7, Ind 1, Speaker 1)
    make 650, so Plaid keeps its 4 seats there. Variants: without Plaid in the alliance,
    Con 260, Lab 300, LD 21, SNP 47, Plaid 2 (59 seats change hands): one seat off on
    each of Con and Lab, but Plaid loses Arfon and Ceredigion, which the published
    table does not. Our three narrowest Con losses are Filton and Bradley Stoke (the
    alliance ahead by 24 votes), Pendle (164) and Middlesbrough South and East
    Cleveland (334): a small difference in the data would move them.
    """
    result = pact(elections, "ge2017", PROGRESSIVE)
    assert {p: result.seats_after[p] for p in ("con", "lab", "ld", "snp", "pc")} == {
        "con": 256, "lab": 302, "ld": 21, "snp": 47, "pc": 4}  # ours: LD, SNP as published
    no_plaid = pact(elections, "ge2017", ("lab", "ld", "snp", "green"))
    assert {p: no_plaid.seats_after[p] for p in ("con", "lab", "ld", "snp", "pc")} == {
        "con": 260, "lab": 300, "ld": 21, "snp": 47, "pc": 2}
    assert len(no_plaid.flips) == 59
    closest = [s.name for s in sorted(result.flips, key=lambda s: s.margin_after)[:3]]
    assert closest == ["Filton and Bradley Stoke", "Pendle",
                       "Middlesbrough South and East Cleveland"]


def test_claim_5_united_left_2019(elections: dict[str, GeneralElection]) -> None:
    """Claim 5, reproduced exactly: Lab + LD + SNP + Green + Plaid with full transfer at
    GE2019: 65 Conservative seats flip, Con 300; gains LD 17, SNP 5, Labour 43.

    Source: elections-daily.com 2021-07-22 (quoting TLDR News). Variant pinned: Plaid in
    the alliance ("(+PC)"); without Plaid it is 61 flips, Con 304, Labour +39.
    """
    result = pact(elections, "ge2019", PROGRESSIVE)
    assert len(result.flips) == 65 and all(s.before == "con" for s in result.flips)
    assert result.seats_after["con"] == 300
    assert (gains(result, "ld"), gains(result, "snp"), gains(result, "lab")) == (17, 5, 43)
    no_plaid = pact(elections, "ge2019", ("lab", "ld", "snp", "green"))
    assert (len(no_plaid.flips), no_plaid.seats_after["con"], gains(no_plaid, "lab")) == (
        61, 304, 39)
