"""Scenario files: TOML, one table per group of settings, every key checked.

    election = "ge2017"
    alliance = ["lab", "ld", "snp", "pc", "green"]
    [stand_aside]   rule, ranked_at, seats = { "Seat name" = "party" }
    [scope]         northern_ireland, speaker
    [transfer]      ally, preset, from = { party = { destination = share } }
    [swing]         model, by, poll = { party = share }, area_polls = { Area = { ... } }
    [draws]         n, seed, national_sd, seat_sd, transfer_sd
    [list]          new, withdrawn, regions, from = { party = { destination = share } }
                    (Scottish Parliament elections only: `psephos.model.list_plan`)

An unknown key, a wrong type or a bad value is a `ScenarioError` naming the file and
the key, and listing what is allowed. `scenario_to_toml` writes a scenario back as such
a file (the explorer's download), which reads back as the same scenario.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psephos.files import input_problem
from psephos.model.errors import ScenarioError
from psephos.model.list_plan import ListPlan
from psephos.model.presets import ALLIANCE, RENAMED
from psephos.model.scenario import AMS_ELECTIONS, NATIONAL_SD, SEAT_SD, Scenario

if TYPE_CHECKING:
    from psephos.model.ams import AmsScenario

# file key -> Scenario field, per table ("" is the top level)
FIELDS: Mapping[str, Mapping[str, str]] = {
    "": {"election": "election", "alliance": "alliance", "description": ""},
    "stand_aside": {"rule": "stand_aside", "ranked_at": "ranked_at", "seats": "seats"},
    "scope": {"northern_ireland": "northern_ireland", "speaker": "speaker"},
    "transfer": {"ally": "transfer", "preset": "preset", "from": "transfers"},
    "swing": {"model": "swing", "by": "swing_by", "poll": "poll", "area_polls": "area_polls"},
    "draws": {"n": "draws", "seed": "seed", "national_sd": "national_sd",
              "seat_sd": "seat_sd", "transfer_sd": "transfer_sd", "list_sd": "list_sd"},
}
TABLES = tuple(name for name in FIELDS if name)
#: The ``[list]`` table's keys -> `ListPlan` fields; its settings go under `LIST_SETTING`.
LIST_FIELDS: Mapping[str, str] = {"new": "new", "withdrawn": "withdrawn", "regions": "regions",
                                  "from": "transfers"}
LIST_SETTING = "lists"
BOOLEANS = ("northern_ireland", "speaker")
STRINGS = ("election", "stand_aside", "ranked_at", "preset", "swing", "swing_by")


def read_scenario(path: Path) -> Scenario:
    """The scenario in the TOML file at ``path``."""
    settings = scenario_settings(path)
    if LIST_SETTING in settings:
        raise ScenarioError("list", "a [list] table is for Scottish Parliament elections "
                            f"({', '.join(AMS_ELECTIONS)})", path=str(path))
    try:
        return Scenario(**settings)
    except ScenarioError as error:
        raise error.in_file(str(path)) from None


def scenario_settings(path: Path) -> dict[str, Any]:
    """The file's settings as `Scenario` keyword arguments (for flags to override)."""
    unreadable = input_problem(path, "a scenario file (TOML)")
    if unreadable is not None:
        raise ScenarioError("", f"cannot read the scenario file: {unreadable}", path=str(path))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise ScenarioError("", f"cannot read the scenario file: {reason}",
                            path=str(path)) from None
    try:
        return settings_from_toml(text)
    except ScenarioError as error:
        raise error.in_file(str(path)) from None


def scenario_from_toml(text: str) -> Scenario:
    """The scenario written as TOML in ``text``."""
    return Scenario(**settings_from_toml(text))


def settings_from_toml(text: str) -> dict[str, Any]:
    """Check every key of the TOML ``text``; `Scenario` keyword arguments."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError("", f"not valid TOML: {error}") from None
    settings: dict[str, Any] = {}
    for key, value in document.items():
        if key == "list":
            settings[LIST_SETTING] = _list_plan(value)
        elif key in TABLES:
            if not isinstance(value, dict):
                raise ScenarioError(key, "expected a table, e.g. [" + key + "]")
            _table(key, value, settings)
        else:
            _setting("", key, value, settings)
    if "election" not in settings:
        raise ScenarioError("election", "missing: give the base election, e.g. "
                            'election = "ge2019"')
    if settings["election"] in AMS_ELECTIONS:
        settings.setdefault("alliance", ())  # list tactics alone: no constituency pact
    else:
        for key, where in ((LIST_SETTING, "list"), ("list_sd", "draws.list_sd")):
            if key in settings:
                raise ScenarioError(where, "only for Scottish Parliament elections "
                                    f"({', '.join(AMS_ELECTIONS)})")
    if "alliance" not in settings:
        raise ScenarioError("alliance", 'missing: give the parties, e.g. alliance = ["lab", "ld"]')
    return settings


def _list_plan(values: object) -> ListPlan:
    """The ``[list]`` table as a `ListPlan` (its names are checked against the election when
    the scenario runs)."""
    if not isinstance(values, dict):
        raise ScenarioError("list", "expected a table, e.g. [list]")
    settings: dict[str, Any] = {}
    for key, value in values.items():
        if key not in LIST_FIELDS:
            raise ScenarioError(f"list.{key}", f"unknown key; choose one of "
                                f"{', '.join(LIST_FIELDS)}")
        settings[LIST_FIELDS[key]] = value
    return ListPlan(**settings)


def _table(table: str, values: dict[str, Any], settings: dict[str, Any]) -> None:
    for key, value in values.items():
        _setting(table, key, value, settings)


def _setting(table: str, key: str, value: Any, settings: dict[str, Any]) -> None:
    allowed = FIELDS[table]
    where = f"{table}.{key}" if table else key
    if table == "transfer" and key == RENAMED:
        raise ScenarioError(where, f"renamed: write {ALLIANCE} = SHARE for the share that goes "
                            f"to the candidate standing for the alliance ({RENAMED!r} is also "
                            "the Alliance Party's code)")
    if key not in allowed:
        choices = [*allowed, *TABLES] if not table else list(allowed)
        raise ScenarioError(where, f"unknown key; choose one of {', '.join(choices)}")
    name = allowed[key]
    if not name:
        return
    if name in BOOLEANS and not isinstance(value, bool):
        raise ScenarioError(where, f"{value!r} is not true or false")
    if name in STRINGS and not isinstance(value, str):
        raise ScenarioError(where, f"{value!r} is not a string")
    if name in ("seats", "transfers", "poll", "area_polls") and not isinstance(value, dict):
        raise ScenarioError(where, "expected a table")
    if name == "alliance" and isinstance(value, list):
        value = tuple(value)
    settings[name] = value


def scenario_to_toml(scenario: Scenario, *, description: str | None = None) -> str:
    """``scenario`` as a scenario file that `read_scenario` reads back as the same scenario.

    Without draws the draw settings are left out: they change nothing, and a file that
    gives them without ``draws.n`` is refused as a likely mistake.
    """
    lines: list[str] = []
    if description:
        lines.append(f"description = {_string(description)}")
    lines += [f"election = {_string(scenario.election)}",
              "alliance = [" + ", ".join(_string(p) for p in scenario.alliance) + "]",
              "", "[stand_aside]", f"rule = {_string(scenario.stand_aside)}"]
    if scenario.ranked_at is not None:
        lines.append(f"ranked_at = {_string(scenario.ranked_at)}")
    if scenario.seats:
        lines += ["", "[stand_aside.seats]", *_pairs(scenario.seats)]
    lines += ["", "[scope]", f"northern_ireland = {_boolean(scenario.northern_ireland)}",
              f"speaker = {_boolean(scenario.speaker)}",
              "", "[transfer]", f"ally = {scenario.transfer!r}",
              f"preset = {_string(scenario.preset)}"]
    for party, row in scenario.transfers.items():
        lines += ["", f"[transfer.from.{_key(party)}]", *_pairs(row)]
    lines += ["", "[swing]", f"model = {_string(scenario.swing)}",
              f"by = {_string(scenario.swing_by)}"]
    if scenario.poll:
        lines += ["", "[swing.poll]", *_pairs(scenario.poll)]
    for area, poll in scenario.area_polls.items():
        lines += ["", f"[swing.area_polls.{_key(area)}]", *_pairs(poll)]
    if scenario.draws:
        lines += ["", "[draws]", f"n = {scenario.draws}", f"seed = {scenario.seed}",
                  f"national_sd = {scenario.national_sd!r}", f"seat_sd = {scenario.seat_sd!r}",
                  f"transfer_sd = {scenario.transfer_sd!r}"]
    return "\n".join(lines) + "\n"


#: The draw settings' defaults, which a file without draws leaves as they are.
DRAW_DEFAULTS = {"seed": 0, "national_sd": NATIONAL_SD, "seat_sd": SEAT_SD, "transfer_sd": 0.0}


def _pairs(values: Mapping[str, object]) -> list[str]:
    return [f"{_key(key)} = {_value(value)}" for key, value in values.items()]


def _value(value: object) -> str:
    if isinstance(value, bool):
        return _boolean(value)
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return _string(str(value))


def _key(key: str) -> str:
    """A bare key where TOML allows one, else a quoted one ("Ynys Môn")."""
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else _string(key)


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's."""
    return json.dumps(text, ensure_ascii=False)


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def read_ams_scenario(path: Path) -> AmsScenario:
    """The Scottish Parliament scenario in the TOML file at ``path`` (with its ``[list]``)."""
    from psephos.model.ams import AmsScenario

    settings = scenario_settings(path)
    lists = settings.pop(LIST_SETTING, ListPlan())
    extra = {"list_sd": settings.pop("list_sd")} if "list_sd" in settings else {}
    try:
        return AmsScenario(Scenario(**settings), lists, **extra)
    except ScenarioError as error:
        raise error.in_file(str(path)) from None
