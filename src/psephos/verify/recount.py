"""The recount: the published ballots counted again with `psephos.rules` (the rule, seats
and options the declaration names) and compared with the declaration, stage by stage, and
each section's declared figures worked out again from its ballots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from psephos.ballots.profile import profile_from_rankings
from psephos.count import Count
from psephos.reports.json import count_to_dict
from psephos.rules.errors import RuleError
from psephos.rules.registry import LOT_OPTIONS, parse_options
from psephos.rules.registry import count as run_count
from psephos.verify.reading import Ranking, Record
from psephos.verify.report import Check, failed, passed
from psephos.verify.sections import compare_rankings


def _plain(value: Decimal) -> int | str:
    """A vote figure as the declaration writes it: a whole number, else decimal text."""
    return int(value) if value == value.to_integral_value() else format(value, "f")


def check_all_ballots(record: Record) -> Check:
    """ballots.csv holds every section's ballots, and no other."""
    sections: Counter[Ranking] = Counter()
    for section in record.sections:
        sections.update(section.ballots.rankings)
    return compare_rankings("all ballots", record.candidates, sections,
                            record.ballots.candidates, record.ballots.rankings, "ballots.csv",
                            "of the sections' files are")


def _options(declared: Any, method: str) -> dict[str, Any]:
    """The rule's options as the declaration's count records them."""
    if not isinstance(declared, Mapping):
        return {}
    options: dict[str, Any] = {}
    pairs = []
    for key, value in declared.items():
        if value is None:
            continue
        if key == "seed" and isinstance(value, int):
            options["seed"] = value
        elif key == "lot_order" and isinstance(value, list):
            options["lot_order"] = tuple(value)
        elif key not in LOT_OPTIONS:
            pairs.append(f"{key}={str(value).lower() if isinstance(value, bool) else value}")
    return {**options, **parse_options(method, pairs)}


def recount(record: Record) -> Count:
    """The count of ballots.csv by the declared rule (RuleError if it cannot be made)."""
    declaration = record.declaration
    rankings = Counter(record.ballots.rankings)
    blank = rankings.pop((), 0)
    if not rankings:
        raise RuleError("ballots.csv holds no ballot that ranks anyone")
    merged: dict[tuple[int, ...], int] = dict(rankings)
    try:
        profile = profile_from_rankings(record.candidates, merged, blank=blank,
                                        title=str(declaration.get("name", "")),
                                        seats=declaration["seats"])
        options = _options(declaration["count"].get("options"), declaration["method"])
        return run_count(profile, declaration["method"], declaration["seats"], **options)
    except ValueError as error:
        raise RuleError(str(error)) from None


def _first_difference(declared: Mapping[str, Any], recounted: Mapping[str, Any]) -> str | None:
    """Where the declared count first differs from the recount: a field, then a stage."""
    for key in recounted:
        if key != "stages" and declared.get(key) != recounted[key]:
            return f"{key}: declared {declared.get(key)!r}, recounted {recounted[key]!r}"
    stages = declared.get("stages")
    if not isinstance(stages, list) or len(stages) != len(recounted["stages"]):
        got = len(stages) if isinstance(stages, list) else stages
        return f"stages: declared {got!r}, recounted {len(recounted['stages'])}"
    for mine, theirs in zip(recounted["stages"], stages, strict=True):
        if mine != theirs:
            keys = [k for k in mine if not isinstance(theirs, dict) or theirs.get(k) != mine[k]]
            key = keys[0] if keys else "fields"
            got = theirs.get(key) if isinstance(theirs, dict) else theirs
            return f"stage {mine['number']} {key}: declared {got!r}, recounted {mine[key]!r}"
    return None


def _rounds(result: Count) -> list[dict[str, Any]]:
    names = result.candidates
    return [{"stage": s.number, "action": s.action,
             "tallies": {n: _plain(v) for n, v in zip(names, s.tallies, strict=True)},
             "exhausted": _plain(s.exhausted), "elected": [names[c] for c in s.elected],
             "excluded": [names[c] for c in s.excluded]} for s in result.stages]


def _first_preferences(names: Sequence[str], rankings: Mapping[Ranking, int]) -> dict[str, int]:
    votes = dict.fromkeys(names, 0)
    for ranking, n in rankings.items():
        if ranking:
            votes[names[ranking[0]]] += n
    return votes


def check_count(record: Record) -> tuple[list[Check], Count | None]:
    """The recount against the declaration's count, and its declared headline figures."""
    declaration = record.declaration
    try:
        result = recount(record)
    except RuleError as error:
        return [failed("recount", f"ballots.csv cannot be counted by "
                                  f"{declaration['method']}: {error}")], None
    recounted = count_to_dict(result)
    difference = _first_difference(declaration["count"], recounted)
    elected = ", ".join(result.elected_names)
    checks = [failed("recount", f"the declared count differs from the recount at {difference}")
              if difference else
              passed("recount", f"{declaration['method']} for {result.seats} seat(s) over "
                                f"{_plain(result.valid)} valid votes: all "
                                f"{len(result.stages)} stages agree; elected {elected}")]
    names = record.candidates
    figures = {"elected": result.elected_names,
               "ballots": sum(record.ballots.rankings.values()),
               "votes": _first_preferences(names, record.ballots.rankings),
               "rounds": _rounds(result)}
    wrong = [key for key, value in figures.items() if declaration.get(key) != value]
    checks.append(failed("declared result", "; ".join(
        f"{key}: declared {declaration.get(key)!r}, recounted {figures[key]!r}"
        for key in wrong)) if wrong else passed(
        "declared result", f"elected {elected}; {figures['ballots']} ballots; first "
                           "preferences and every round as recounted"))
    return checks, result


def _section_rounds(names: Sequence[str], rankings: Mapping[Ranking, int],
                    result: Count) -> list[dict[str, Any]]:
    """A section's share of each round of a count that only excludes: each ballot with its
    highest preference not yet excluded."""
    if not all(stage.action in ("first", "exclude") for stage in result.stages):
        return []
    rounds: list[dict[str, Any]] = []
    gone: set[int] = set()
    for stage in result.stages:
        gone.update(stage.excluded)
        tallies, exhausted = dict.fromkeys(names, 0), 0
        for ranking, n in rankings.items():
            current = next((c for c in ranking if c not in gone), None)
            if current is None:
                exhausted += n
            else:
                tallies[names[current]] += n
        rounds.append({"stage": stage.number, "action": stage.action, "tallies": tallies,
                       "exhausted": exhausted, "elected": [names[c] for c in stage.elected],
                       "excluded": [names[c] for c in stage.excluded]})
    return rounds


def check_sections(record: Record, result: Count | None) -> list[Check]:
    """Each section's declared ballots, first preferences and rounds, from its ballots."""
    checks = []
    declared = {s["slug"]: s for s in record.declaration["sections"]}
    for section in record.sections:
        name = f"declared result of {section.slug}"
        rankings = section.ballots.rankings
        figures: dict[str, Any] = {
            "ballots": sum(rankings.values()),
            "votes": _first_preferences(record.candidates, rankings)}
        if result is not None:
            figures["rounds"] = _section_rounds(record.candidates, rankings, result)
        wrong = [key for key, value in figures.items()
                 if declared[section.slug].get(key) != value]
        if wrong:
            checks.append(failed(name, "; ".join(
                f"{key}: declared {declared[section.slug].get(key)!r}, from "
                f"ballots-{section.slug}.csv {figures[key]!r}" for key in wrong)))
        else:
            checks.append(passed(name, f"{figures['ballots']} ballots; first preferences"
                                       + (" and every round" if figures.get("rounds") else "")
                                       + f" as in ballots-{section.slug}.csv"))
    return checks
