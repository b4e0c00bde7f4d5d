"""Pacts, transfers, swing and uncertainty on real Westminster results.

`run_pact` takes an election (``psephos.uk``) and a `Scenario` and returns a
`PactResult`; `explain` traces one seat; `read_scenario` reads a TOML scenario file.
The names are loaded on first use (PEP 562), so importing one module of the model (its
errors, say) does not load numpy and every step.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psephos.model.errors import ScenarioError
    from psephos.model.explain import SeatTrace, explain
    from psephos.model.project import run_pact
    from psephos.model.results import DrawSummary, PactResult, SeatResult
    from psephos.model.scenario import Scenario
    from psephos.model.scenario_file import read_scenario, scenario_from_toml

#: Public name -> the module that defines it.
_HOMES: dict[str, str] = {
    "ScenarioError": "errors",
    "SeatTrace": "explain",
    "explain": "explain",
    "run_pact": "project",
    "DrawSummary": "results",
    "PactResult": "results",
    "SeatResult": "results",
    "Scenario": "scenario",
    "read_scenario": "scenario_file",
    "scenario_from_toml": "scenario_file",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'psephos.model' has no attribute {name!r}")
    value = getattr(import_module(f"psephos.model.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
