"""Monte Carlo draws: seeded, centred on the exact projection, noise where it is said to be."""

from __future__ import annotations

import pytest

from psephos.model import Scenario, run_pact
from psephos.model import draws as draws_module
from tests.model.elections import election

SEATS = election({
    "Ayton": [("con", 100), ("lab", 60), ("ld", 50)],
    "Beeby": [("con", 100), ("lab", 30), ("ld", 40)],
    "Ceeton": [("lab", 90), ("con", 80), ("green", 20)],
    "Deeham": [("con", 5000), ("lab", 4000), ("ld", 2000), ("green", 900)],
})


def scenario(**settings: object) -> Scenario:
    base: dict[str, object] = {"election": "test", "alliance": ("lab", "ld"), "draws": 2000,
                               "seed": 7}
    base.update(settings)
    return Scenario(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("chunk", [draws_module.CHUNK_CELLS, 37])
def test_without_noise_every_draw_is_the_central_projection(
        monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(draws_module, "CHUNK_CELLS", chunk)
    result = run_pact(SEATS, scenario(national_sd=0.0, seat_sd=0.0))
    assert result.draws is not None
    assert result.draws.intervals == {p: (n, n) for p, n in result.seats_after.items()}
    assert [dict(w) for w in result.draws.win] == [{s.after: 1.0} for s in result.seats]


def test_draws_are_reproducible_from_the_seed() -> None:
    first = run_pact(SEATS, scenario()).draws
    again = run_pact(SEATS, scenario()).draws
    other = run_pact(SEATS, scenario(seed=8)).draws
    assert first == again
    assert other is not None and first is not None and other.win != first.win


def test_each_seats_chances_add_up_to_one() -> None:
    result = run_pact(SEATS, scenario(seat_sd=0.1))
    assert result.draws is not None
    for win in result.draws.win:
        assert sum(win.values()) == pytest.approx(1.0)
    assert 0 < result.draws.win[0].get("lab", 0) < 1  # Ayton is close: lab 110 v con 100


def test_transfer_noise_moves_a_seat_on_the_edge_half_the_time() -> None:
    # Ayton: lab 60 + t * 50 beats con 100 exactly when t > 0.8.
    result = run_pact(SEATS, scenario(transfer=0.8, transfer_sd=0.1, national_sd=0.0,
                                      seat_sd=0.0, draws=4000))
    assert result.draws is not None
    assert result.draws.win[0]["lab"] == pytest.approx(0.5, abs=0.05)
    assert result.draws.win[1] == {"con": 1.0}  # Beeby: 30 + 40 * t never reaches 100


def test_out_of_scope_seats_keep_their_result_in_every_draw() -> None:
    seats = election({"Belfast": [("con", 100), ("lab", 99), ("ld", 50)],
                      "Ayton": [("con", 100), ("lab", 60), ("ld", 50)]},
                     nations={"Belfast": "Northern Ireland"})
    result = run_pact(seats, scenario(seat_sd=0.2))
    assert result.draws is not None
    assert result.draws.win[0] == {"con": 1.0}
    low, _ = result.draws.intervals["con"]
    assert low >= 1


def test_a_tie_for_first_in_a_draw_is_settled_by_a_fair_seeded_lot() -> None:
    # Even is tied in every draw (no noise). Before: the first-listed contender (con)
    # took all 4,000 draws; now each tied contender wins about half, and the lots count.
    seats = election({"Even": [("con", 50), ("lab", 50)],
                      "Other": [("con", 60), ("ld", 30), ("lab", 20)]})
    result = run_pact(seats, scenario(national_sd=0.0, seat_sd=0.0, draws=4000))
    assert result.draws is not None
    assert result.draws.win[0]["con"] == pytest.approx(0.5, abs=0.05)
    assert result.draws.win[0]["con"] + result.draws.win[0]["lab"] == pytest.approx(1.0)
    assert result.draws.lots == 4000
    assert result.draws == run_pact(seats, scenario(national_sd=0.0, seat_sd=0.0,
                                                    draws=4000)).draws
