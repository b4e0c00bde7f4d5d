"""Counts for the view tests: real Scottish wards (counted once a session), and a list count."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from psephos.ballots.blt import read_blt
from psephos.count import Count, Stage
from psephos.rules.stv_scotland import stv_scotland
from tests.conftest import data_root

#: Coatbridge South 2017: 8 candidates, 8 stages, the 0.12-vote stage-6 margin.
COATBRIDGE = "north_lanarkshire_2017_ward11"
#: Almond 2017: 10 candidates, 10 stages, the largest ward.
ALMOND = "edinburgh_2017_ward1"
#: Govan 2012: 14 candidates, 13 stages.
GOVAN = "glasgow_2012_ward5"


@cache
def counted(stem: str) -> tuple[Count, str]:
    """The ward's count under the Scottish rules, and its title (the ward name)."""
    path = next((data_root() / "scotland-stv").glob(f"blt_files/*/{stem}.blt"))
    profile = read_blt(path)
    assert profile.seats is not None
    return stv_scotland(profile, profile.seats), profile.title


def list_count() -> Count:
    """d'Hondt by hand: A 600, B 400 for 3 seats -> A (600), B (400), A (300)."""
    stages = (Stage(number=1, action="allocate", tallies=(Decimal(600), Decimal(400)),
                    subjects=(0,), elected=(0,)),
              Stage(number=2, action="allocate", tallies=(Decimal(300), Decimal(400)),
                    subjects=(1,), elected=(1,)),
              Stage(number=3, action="allocate", tallies=(Decimal(300), Decimal(200)),
                    subjects=(0,), elected=(0,)))
    return Count(method="dhondt", candidates=("Alpha", "Beta"), seats=3, elected=(0, 1, 0),
                 stages=stages, valid=Decimal(1000))
