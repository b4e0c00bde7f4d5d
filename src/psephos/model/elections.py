"""The results a scenario runs on: its base election and the one it ranks best-placed at.

`psephos.uk.load_general_election` keeps what it has read for the life of the process,
so a front door that runs many scenarios (the explorer, on every slider move) reads
each election's files once.
"""

from __future__ import annotations

from pathlib import Path

from psephos.model.scenario import Scenario
from psephos.uk.general import load_general_election
from psephos.uk.tables import GeneralElection


def scenario_elections(scenario: Scenario, *, mirror: Path | None = None,
                       cache_dir: Path | None = None
                       ) -> tuple[GeneralElection, GeneralElection | None]:
    """The base election and, when best-placed is judged at another election, that one
    (else `None`), for `run_pact`. Raises `psephos.uk.errors.UKDataError` when the
    files are missing or unreadable."""
    base = load_general_election(scenario.election, mirror=mirror, cache_dir=cache_dir)
    ranking = None
    if scenario.ranked_at is not None and scenario.ranked_at != scenario.election:
        ranking = load_general_election(scenario.ranked_at, mirror=mirror, cache_dir=cache_dir)
    return base, ranking
