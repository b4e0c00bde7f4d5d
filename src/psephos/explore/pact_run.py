"""Run the pact builder's scenario: the parameters to a `Scenario`, then `psephos.model`
exactly as ``psephos pact`` runs it (`scenario_elections`, `run_pact`, `explain`).

A mistake in the parameters is a `PactProblem` naming the parameter (status 400); results
the server cannot read are one too (status 503), said without the server's paths.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError

from psephos.explore.pact_params import (
    MAX_WEB_DRAWS,
    ScenarioParams,
    describe_invalid,
    params_from_query,
)
from psephos.model.elections import scenario_elections
from psephos.model.errors import ScenarioError
from psephos.model.explain import SeatTrace, explain
from psephos.model.options import SCOPES, option_settings, poll_text
from psephos.model.presets import ALLIANCE
from psephos.model.project import parties_that_stood, run_pact
from psephos.model.results import PactResult
from psephos.model.scenario import Scenario
from psephos.model.scenario_file import DRAW_DEFAULTS
from psephos.uk.catalogue import GENERAL_ELECTIONS
from psephos.uk.errors import UKDataError
from psephos.uk.general import load_general_election

log = logging.getLogger(__name__)

#: A scenario file's setting -> the parameter that sets it, to name it in an error.
PARAMS = {
    "election": "election", "alliance": "alliance", "scope": "scope",
    "stand_aside.rule": "stand_aside", "stand_aside.seats": "stand_aside",
    "stand_aside.ranked_at": "ranked_at", "transfer.ally": "transfer",
    "transfer.preset": "preset", "swing.model": "swing", "swing.by": "swing_by",
    "swing.poll": "poll", "swing.area_polls": "poll", "draws.n": "draws", "draws.seed": "seed",
    "draws.national_sd": "national_sd", "draws.seat_sd": "seat_sd",
    "draws.transfer_sd": "transfer_sd", "explain": "explain",
}


class PactProblem(Exception):
    """What the page and the API answer instead of a result: a status and a message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class PactRun:
    """One scenario run: the result, the trace asked for, and what the form offers."""

    scenario: Scenario
    result: PactResult
    trace: SeatTrace | None
    parties: tuple[str, ...]  # the parties an alliance can be made of, most votes first


def run_query(query: Any) -> PactRun:
    """The run a query (a ``QueryDict``: the page's or the API's) asks for."""
    try:
        params = params_from_query(query)
    except ValidationError as error:
        raise PactProblem(describe_invalid(error.errors())) from None
    return run_params(params)


def run_params(params: ScenarioParams) -> PactRun:
    """Run the scenario ``params`` describe, as ``psephos pact`` would."""
    try:
        scenario = scenario_of(params)
        base, ranking = _elections(scenario)
        result = run_pact(base, scenario, ranking=ranking)
        trace = explain(result, params.explain) if params.explain else None
    except ScenarioError as error:
        raise PactProblem(f"{param_of(error.key)}: {error.message}") from None
    northern_ireland, speaker = scenario.northern_ireland, scenario.speaker
    return PactRun(scenario, result, trace,
                   standing_parties(scenario.election, northern_ireland, speaker))


def scenario_of(params: ScenarioParams) -> Scenario:
    """The `Scenario` the parameters describe (a `ScenarioError` keyed as in a file)."""
    if params.election is None:
        raise ScenarioError("election", "missing: give the base election, e.g. election=ge2019")
    for key, election in (("election", params.election),
                          ("stand_aside.ranked_at", params.ranked_at)):
        if election is not None and election not in GENERAL_ELECTIONS:
            raise ScenarioError(key, f"{election!r} is not a choice; choose one of "
                                f"{', '.join(GENERAL_ELECTIONS)}")
    if params.draws > MAX_WEB_DRAWS:
        raise ScenarioError("draws.n", f"{params.draws:,} is over {MAX_WEB_DRAWS:,}, the most "
                            "draws one request may ask for here (psephos pact runs more)")
    with_draws = params.draws > 0
    settings = option_settings(
        election=params.election, alliance=",".join(params.alliance),
        stand_aside=params.stand_aside, ranked_at=params.ranked_at, transfer=params.transfer,
        preset=params.preset, poll=_polls(params.poll), swing=params.swing,
        swing_by=params.swing_by,
        scope=params.scope, draws=params.draws,
        # Without draws these change nothing; a form sends them all the same.
        seed=params.seed if with_draws else None,
        national_sd=params.national_sd if with_draws else None,
        seat_sd=params.seat_sd if with_draws else None,
        transfer_sd=params.transfer_sd if with_draws else None)
    rates = {party: {ALLIANCE: rate} for party in settings["alliance"]
             if (rate := params.rate(party.casefold())) is not None}
    if rates:
        settings["transfers"] = rates
    return Scenario(**settings)


def _polls(values: list[str]) -> list[str]:
    """Poll values; a form's one box may hold several, separated by ``;``."""
    return [part.strip() for value in values for part in value.split(";") if part.strip()]


def param_of(key: str) -> str:
    """The parameter that sets the scenario setting ``key``."""
    if key.startswith("transfer.from."):
        return "transfer_" + key.split(".")[2].casefold()
    if key.startswith("scope."):
        return "scope"
    return next((param for setting, param in PARAMS.items()
                 if key == setting or key.startswith(setting + ".")), key)


def scenario_query(scenario: Scenario, *, seat: str | None = None) -> str:
    """The query string that describes ``scenario`` (and the seat explained): what the page's
    address and every link on it carry."""
    pairs: list[tuple[str, str]] = [("election", scenario.election)]
    pairs += [("alliance", party) for party in scenario.alliance]
    pairs.append(("stand_aside", scenario.stand_aside))
    if scenario.ranked_at is not None:
        pairs.append(("ranked_at", scenario.ranked_at))
    scope = next(name for name, flags in SCOPES.items()
                 if flags == (scenario.northern_ireland, scenario.speaker))
    pairs.append(("scope", scope))
    if scenario.transfer != 1.0:
        pairs.append(("transfer", _number(scenario.transfer)))
    if scenario.preset != "flat":
        pairs.append(("preset", scenario.preset))
    pairs += [(f"transfer_{party}", _number(row[ALLIANCE]))
              for party, row in scenario.transfers.items() if ALLIANCE in row]
    pairs += [("swing", scenario.swing), ("swing_by", scenario.swing_by)]
    pairs += [("poll", text) for text in poll_text(scenario.poll, scenario.area_polls)]
    pairs.append(("draws", str(scenario.draws)))
    if scenario.draws:
        pairs.append(("seed", str(scenario.seed)))
        for name in ("national_sd", "seat_sd", "transfer_sd"):
            if getattr(scenario, name) != DRAW_DEFAULTS[name]:
                pairs.append((name, _number(getattr(scenario, name))))
    if seat:
        pairs.append(("explain", seat))
    return urlencode(pairs)


def _number(value: float) -> str:
    return f"{value:g}" if float(f"{value:g}") == value else repr(value)


def _elections(scenario: Scenario) -> Any:
    try:
        return scenario_elections(scenario)
    except UKDataError as error:
        log.warning("pact builder: cannot read %s: %s", scenario.election, error)
        raise PactProblem(f"the results of {scenario.election} (or the election it ranks at) "
                          "are not available on this server; its operator can fetch them with "
                          f"`psephos data get {scenario.election}`", status=503) from None


@lru_cache(maxsize=32)
def standing_parties(election: str, northern_ireland: bool, speaker: bool) -> tuple[str, ...]:
    """`parties_that_stood`, once per election and scope in this process."""
    return parties_that_stood(load_general_election(election),
                              northern_ireland=northern_ireland, speaker=speaker)
