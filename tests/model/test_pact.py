"""The pact model on hand-built elections, where every number can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from psephos.model import Scenario, ScenarioError, explain, run_pact
from psephos.model.report import result_to_dict
from psephos.uk.results import count_general_election, winner
from tests.model.elections import election

SIMPLE = election({
    "Ayton": [("con", 100), ("lab", 60), ("ld", 50)],  # lab stands: 110 beats 100
    "Beeby": [("con", 100), ("lab", 30), ("ld", 40)],  # ld stands: 70, con holds
    "Ceeton": [("lab", 90), ("con", 80), ("green", 20)],  # no ld: lab holds
})


def scenario(**settings: object) -> Scenario:
    base: dict[str, object] = {"election": "test", "alliance": ("lab", "ld")}
    base.update(settings)
    return Scenario(**base)  # type: ignore[arg-type]


def winners(result: object) -> dict[str, str]:
    return {s.name: s.after for s in result.seats}  # type: ignore[attr-defined]


def test_best_placed_full_transfer() -> None:
    result = run_pact(SIMPLE, scenario())
    assert winners(result) == {"Ayton": "lab", "Beeby": "con", "Ceeton": "lab"}
    assert [s.standing for s in result.seats] == ["lab", "ld", "lab"]
    assert result.seats_before == {"con": 2, "lab": 1}
    assert result.seats_after == {"lab": 2, "con": 1}
    (flip,) = result.flips
    assert (flip.name, flip.before, flip.after) == ("Ayton", "con", "lab")
    assert (flip.margin_before, flip.margin_after) == (40, 10)
    assert (flip.cast_before, flip.cast_after) == (210, 210)


def test_partial_transfer_abstains_the_rest_in_whole_votes() -> None:
    result = run_pact(SIMPLE, scenario(transfer=0.5))
    ayton = result.seats[0]
    assert ayton.after == "con"  # 60 + 25 = 85 < 100
    assert ayton.cast_after == 210 - 25
    trace = explain(result, "Ayton")
    (line,) = trace.transfers
    assert (line.party, line.votes, line.to, line.abstained) == ("ld", 50, {"ally": 25}, 25)


def test_a_third_is_split_by_largest_remainder() -> None:
    result = run_pact(election({"X": [("con", 10), ("lab", 5), ("ld", 100)]}),
                      scenario(stand_aside="lab", transfer=1 / 3))
    (line,) = explain(result, "X").transfers
    assert line.to == {"ally": 33} and line.abstained == 67  # 33.33 / 66.67


def test_fixed_party_stands_everywhere_even_where_it_did_not_stand() -> None:
    seats = election({"Green seat": [("green", 120), ("con", 100)],
                      "Lab seat": [("con", 100), ("lab", 80), ("green", 30)]})
    result = run_pact(seats, scenario(alliance=("lab", "green"), stand_aside="lab"))
    assert winners(result) == {"Green seat": "lab", "Lab seat": "lab"}
    trace = explain(result, "Green seat")
    added = [row for row in trace.rows if row.added]
    assert [(r.party, r.base, r.received, r.after) for r in added] == [("lab", 0, 120, 120)]
    assert trace.standing == "lab" and trace.before == "green" and trace.after == "lab"


def test_incumbent_keeps_the_seat_it_won_else_best_placed_at_the_ranking_election() -> None:
    now = election({"A": [("ld", 100), ("lab", 90), ("con", 95)],
                    "B": [("con", 100), ("lab", 50), ("ld", 40)]})
    then = election({"A": [("lab", 100), ("ld", 10), ("con", 90)],
                     "B": [("ld", 100), ("lab", 10), ("con", 90)]}, name="then")
    best = run_pact(now, scenario(ranked_at="then"), ranking=then)
    assert [s.standing for s in best.seats] == ["lab", "ld"]
    incumbent = run_pact(now, scenario(ranked_at="then", stand_aside="incumbent"), ranking=then)
    assert [s.standing for s in incumbent.seats] == ["ld", "ld"]


def test_listed_rule_and_seat_overrides_by_name_or_id() -> None:
    listed = run_pact(SIMPLE, scenario(stand_aside="listed", seats={"S2": "lab"}))
    assert [s.standing for s in listed.seats] == [None, "lab", None]
    override = run_pact(SIMPLE, scenario(seats={"Ayton": "ld"}))
    assert [s.standing for s in override.seats] == ["ld", "ld", "lab"]
    assert override.seats[0].after == "ld"


def test_seat_names_ignore_case_accents_ampersands_and_punctuation() -> None:
    # Before: only the exact name matched ("ayton" was refused).
    seats = election({"Ynys Môn": [("con", 100), ("lab", 60), ("ld", 50)],
                      "Brighton, Pavilion": [("green", 100), ("lab", 60), ("ld", 50)],
                      "Bexhill & Battle": [("con", 100), ("lab", 60), ("ld", 50)]})
    chosen = run_pact(seats, scenario(stand_aside="listed", seats={
        "ynys mon": "ld", "Brighton Pavilion": "ld", "BEXHILL AND BATTLE": "ld"}))
    assert [s.standing for s in chosen.seats] == ["ld", "ld", "ld"]
    assert explain(chosen, "brighton pavilion").name == "Brighton, Pavilion"


def test_every_unknown_seat_is_named_at_once_with_suggestions() -> None:
    # Before: only the first unknown name was reported.
    with pytest.raises(ScenarioError) as caught:
        run_pact(SIMPLE, scenario(seats={"Aytn": "lab", "Beby": "ld", "Nowhere": "ld"}))
    assert caught.value.key == "stand_aside.seats"
    message = str(caught.value)
    assert "no constituency 'Aytn' in test (did you mean 'Ayton'?)" in message
    assert "no constituency 'Beby' in test (did you mean 'Beeby'?)" in message
    assert "no constituency 'Nowhere' in test" in message


def test_transfer_rows_send_votes_to_other_parties_or_abstain_if_absent() -> None:
    seats = election({"A": [("con", 100), ("lab", 70), ("green", 40), ("ukip", 5)],
                      "B": [("con", 100), ("lab", 70), ("green", 40)]})
    chosen = scenario(alliance=("lab", "green"),
                      transfers={"green": {"ally": 0.5, "ukip": 0.25}})
    result = run_pact(seats, chosen)
    a, b = (explain(result, name).transfers[0] for name in ("A", "B"))
    assert a.to == {"ally": 20, "ukip": 10} and a.abstained == 10
    assert b.to == {"ally": 20} and b.abstained == 20  # no ukip candidate in B


def test_preset_rows_and_flat_share_for_parties_without_a_row() -> None:
    chosen = scenario(alliance=("lab", "ld", "green"), preset="ec-close-contest-2024",
                      transfer=0.8)
    assert chosen.transfer_row("ld") == {"ally": 0.65, "reform": 0.09}
    assert chosen.transfer_row("lab") == {"ally": 0.8}


def test_northern_ireland_and_the_speaker_are_out_of_scope_by_default() -> None:
    seats = election({"Belfast": [("con", 100), ("lab", 60), ("ld", 50)],
                      "Chair": [("speaker", 100), ("lab", 60), ("ld", 50)],
                      "Ayton": [("con", 100), ("lab", 60), ("ld", 50)]},
                     nations={"Belfast": "Northern Ireland"})
    default = run_pact(seats, scenario())
    assert winners(default) == {"Belfast": "con", "Chair": "speaker", "Ayton": "lab"}
    assert [s.in_scope for s in default.seats] == [False, False, True]
    everything = run_pact(seats, scenario(northern_ireland=True, speaker=True))
    assert winners(everything) == {"Belfast": "lab", "Chair": "lab", "Ayton": "lab"}


def test_uniform_swing_adds_the_national_change_to_every_seat() -> None:
    seats = election({"A": [("con", 500), ("lab", 400), ("ld", 100)],
                      "B": [("con", 300), ("lab", 600), ("ld", 100)]})
    # National con 40%, lab 50%, ld 10% -> con +5 points, lab -5 points everywhere.
    result = run_pact(seats, scenario(swing="uniform",
                                      poll={"con": 0.45, "lab": 0.45, "ld": 0.1}))
    assert result.stages.swung.tolist() == [550, 350, 100, 350, 550, 100]
    assert [s.before for s in result.seats] == ["con", "lab"]


def test_proportional_swing_scales_each_seat_by_the_national_ratio() -> None:
    seats = election({"A": [("con", 600), ("lab", 300), ("ld", 100)],
                      "B": [("con", 200), ("lab", 500), ("ld", 300)]})
    # National: con 40%, lab 40%, ld 20%. Poll ld 10%: ld halves; con and lab share the rest
    # in proportion (45% each, ratio 1.125). Seat A: 675 + 337.5 + 50 = 1062.5, scaled back
    # to its 1000 valid votes: 635.29, 317.65, 47.06.
    result = run_pact(seats, scenario(swing="proportional", poll={"ld": 0.1}))
    assert result.stages.swung.tolist()[:3] == [635, 318, 47]


def test_negative_shares_are_floored_and_seats_keep_their_valid_vote() -> None:
    seats = election({"A": [("con", 900), ("ld", 50), ("lab", 50)],
                      "B": [("con", 100), ("ld", 500), ("lab", 400)]})
    # National ld 27.5% -> 0: -27.5 points. A: 5% - 27.5 < 0, floored; B: 50% -> 22.5%.
    result = run_pact(seats, scenario(swing="uniform", poll={"ld": 0.0}))
    swung = result.stages.swung.tolist()
    assert swung[1] == 0 and swung[4] == 225
    assert sum(swung[:3]) == 1000 and sum(swung[3:]) == 1000


def test_swing_by_nation_uses_each_nations_own_poll() -> None:
    seats = election({"Eng": [("con", 500), ("lab", 500)],
                      "Scot": [("snp", 500), ("lab", 500)]}, nations={"Scot": "Scotland"})
    result = run_pact(seats, Scenario(election="test", alliance=("lab", "snp"),
                                      stand_aside="listed", seats={"Eng": "lab"},
                                      swing="uniform", swing_by="nation",
                                      area_polls={"Scotland": {"snp": 0.6}}))
    assert result.stages.swung.tolist() == [500, 500, 600, 400]


def test_scenario_errors_name_the_setting() -> None:
    with pytest.raises(ScenarioError, match="alliance: reform had no candidates"):
        run_pact(SIMPLE, scenario(alliance=("lab", "reform")))
    with pytest.raises(ScenarioError, match=r"swing\.poll\.ukip: ukip had no candidates"):
        run_pact(SIMPLE, scenario(swing="uniform", poll={"ukip": 0.1}))
    with pytest.raises(ScenarioError, match=r"swing\.area_polls\.Wales: no nation"):
        run_pact(SIMPLE, scenario(swing="uniform", swing_by="nation",
                                  area_polls={"Wales": {"lab": 0.5}}))
    with pytest.raises(ScenarioError, match="the scenario is for ge2019"):
        run_pact(SIMPLE, scenario(election="ge2019"))
    with pytest.raises(ScenarioError, match="explain: no constituency 'Nowhere'"):
        explain(run_pact(SIMPLE, scenario()), "Nowhere")


def test_proportional_swing_cannot_grow_a_party_from_nothing() -> None:
    seats = election({"A": [("con", 600), ("lab", 400)], "B": [("con", 500), ("green", 500)]},
                     regions={"A": "North", "B": "South"})
    with pytest.raises(ScenarioError, match="green had no votes there"):
        run_pact(seats, Scenario(election="test", alliance=("lab", "green"),
                                 swing="proportional", swing_by="region",
                                 area_polls={"North": {"green": 0.1}}))


def test_explain_follows_every_step() -> None:
    result = run_pact(SIMPLE, scenario(swing="uniform", poll={"con": 0.4}))
    trace = explain(result, "S1")
    assert trace.name == "Ayton" and trace.standing == "lab"
    for row, r in zip(trace.rows, range(3), strict=True):
        assert row.base == SIMPLE.constituencies[0].candidates[r].votes
        assert row.swung == int(result.stages.swung[r])
        assert row.after == int(result.stages.transferred.votes[r])
    assert sum(row.after for row in trace.rows) + sum(t.abstained for t in trace.transfers) \
        == sum(row.swung for row in trace.rows)
    assert trace.swing.startswith("uniform by national: con -")


def test_two_candidates_of_one_party_stay_apart() -> None:
    seats = election({"A": [("ind", 50), ("ind", 45), ("con", 60), ("lab", 10)]})
    result = run_pact(seats, scenario(alliance=("lab", "ind"), stand_aside="best-placed"))
    trace = explain(result, "A")
    assert [(r.party, r.stood_down) for r in trace.rows] == [
        ("ind", False), ("ind", True), ("con", False), ("lab", True)]
    assert result.seats[0].after == "ind"  # 50 + 45 + 10 = 105 > 60
    assert int(np.sum(result.stages.transferred.votes)) == 165


def test_an_exact_tie_is_settled_by_the_counts_own_lot_and_recorded() -> None:
    # Before: the first-listed candidate won a tie (con, then lab). Now the lot of
    # `psephos results` (plurality, seeded lot) picks, and the JSON names it.
    tie = election({"Level": [("con", 100), ("lab", 60), ("ld", 40)],
                    "Level too": [("lab", 60), ("con", 100), ("ld", 40)]})
    result = run_pact(tie, scenario())
    assert [(s.after, s.tied, s.margin_after) for s in result.seats] == [
        ("lab", True, 0), ("con", True, 0)]
    (lot,) = result.seats[0].lots
    assert lot.result == "with pact" and lot.chosen == "LAB Level 1 (lab)"
    assert lot.tied == ("CON Level 0 (con)", "LAB Level 1 (lab)") and "seed" in lot.how
    assert result_to_dict(result)["constituencies"][0]["lots"][0]["chosen"] == lot.chosen


def test_a_tied_base_seat_has_the_winner_psephos_results_gives_it() -> None:
    tie = election({"Even": [("con", 70), ("lab", 70), ("ld", 10), ("green", 5)]})
    official = winner(tie.constituencies[0].candidates)
    result = run_pact(tie, scenario(alliance=("ld", "green")))
    seat = result.seats[0]
    assert seat.base == seat.before == seat.after == official.party_code == "lab"
    assert [lot.result for lot in seat.lots] == ["base", "without pact", "with pact"]
    assert count_general_election(tie).seats == {"lab": 1}
