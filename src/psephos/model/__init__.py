"""Pacts, transfers, swing and uncertainty on real Westminster results.

`run_pact` takes an election (``psephos.uk``) and a `Scenario` and returns a
`PactResult`; `explain` traces one seat; `read_scenario` reads a TOML scenario file.
Scottish Parliament pacts (both votes) are `psephos.model.ams.run_ams_pact`.
"""

from psephos.model.errors import ScenarioError
from psephos.model.explain import SeatTrace, explain
from psephos.model.project import run_pact
from psephos.model.results import DrawSummary, PactResult, SeatResult
from psephos.model.scenario import Scenario
from psephos.model.scenario_file import read_scenario, scenario_from_toml

__all__ = [
    "DrawSummary",
    "PactResult",
    "Scenario",
    "ScenarioError",
    "SeatResult",
    "SeatTrace",
    "explain",
    "read_scenario",
    "run_pact",
    "scenario_from_toml",
]
