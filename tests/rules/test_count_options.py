"""`count_options`: the rule and options a count starts from, for the CLI and the explorer."""

from __future__ import annotations

import numpy as np
import pytest

from psephos.ballots.profile import Profile
from psephos.rules.errors import OptionError, RuleError
from psephos.rules.registry import count_options, default_method


def _profile(seats: int | None) -> Profile:
    return Profile(candidates=("A", "B", "C"), rankings=np.array([[0, 1, 2]], dtype=np.int32),
                   weights=np.array([1], dtype=np.int64), seats=seats)


def test_the_default_rule_follows_the_seats() -> None:
    assert default_method(1) == "av"
    assert default_method(4) == "stv-scotland"
    assert count_options(_profile(None), None, None)[0] == "av"
    assert count_options(_profile(3), None, None)[0] == "stv-scotland"
    assert count_options(_profile(3), None, 1)[0] == "av"


def test_options_are_parsed_and_lots_kept() -> None:
    name, options = count_options(_profile(2), "meek", None, seed=5, lot_order=["B", "A"],
                                  pairs=["split=openstv"])
    assert name == "meek"
    assert options == {"seed": 5, "split": "openstv", "lot_order": ("B", "A")}


def test_an_unknown_rule_or_option_is_refused_before_counting() -> None:
    with pytest.raises(RuleError, match="unknown method 'nope'; choose one of plurality"):
        count_options(_profile(1), "nope", None)
    with pytest.raises(OptionError, match="meek takes KEY=VALUE"):
        count_options(_profile(2), "meek", None, pairs=["colour=red"])
