"""What the pact builder shows of a run: one set of plain values for the page's template
and the API's answer alike, so the script redraws exactly what the server drew.

Labels, colours and links are chosen here; every number comes from the `PactResult`
(`psephos.model.report`'s own view of it for the trace).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from psephos.explore.colours import DARK, text_colour
from psephos.explore.pact_run import PactRun, scenario_query
from psephos.model.report import trace_to_dict
from psephos.model.results import SeatResult
from psephos.uk.parties import PARTIES, party_colour, party_label

#: The flip list's orders (the page's ``sort`` parameter; margin is the model's own order).
SORTS = ("margin", "name")


def pact_view(run: PactRun, *, page: str, downloads: dict[str, str],
              sort: str = "margin") -> dict[str, Any]:
    """The run as plain values: totals, flips, each seat for the map, the trace, links.

    ``page`` is the pact builder's address, ``downloads`` maps ``scenario_toml``,
    ``result_json`` and ``result_csv`` to the addresses of those downloads.
    """
    result = run.result
    draws = result.draws
    query = scenario_query(run.scenario)
    seat = run.trace.id if run.trace is not None else None
    with_seat = scenario_query(run.scenario, seat=seat)

    explain_base = f"{page}?{query}&explain="

    def explain_href(seat_id: str) -> str:
        return seat_href(explain_base, seat_id)

    parties = [{
        "party": p, "label": party_label(p), "name": _name(p), "colour": party_colour(p),
        "base": result.seats_base.get(p, 0), "before": result.seats_before.get(p, 0),
        "after": result.seats_after.get(p, 0),
        "change": result.seats_after.get(p, 0) - result.seats_before.get(p, 0),
        "low": draws.intervals[p][0] if draws is not None and p in draws.intervals else None,
        "high": draws.intervals[p][1] if draws is not None and p in draws.intervals else None,
        "median": draws.median.get(p) if draws is not None else None,
    } for p in result.parties]
    flips = [_flip(s, explain_href(s.id)) for s in result.flips]
    if sort == "name":
        flips.sort(key=lambda f: (f["constituency"], f["id"]))
    return {
        "title": result.title,
        "flips_title": result.flips_title,
        "query": with_seat,
        "page": f"{page}?{with_seat}",
        "parties": parties,
        "flips": flips,
        "seats": [_hex(s) for s in result.seats],
        "explain_href": explain_base,
        "draws_text": _draws_text(run),
        "draws": None if draws is None else {
            "n": draws.n, "seed": draws.seed, "majority_line": draws.majority_line,
            "majority": {p: round(v, 4) for p, v in draws.majority.items()},
        },
        "explain": _trace(run) if run.trace is not None else None,
        "downloads": {kind: f"{url}?{query if kind == 'scenario_toml' else with_seat}"
                      for kind, url in downloads.items()},
    }


def _flip(seat: SeatResult, href: str) -> dict[str, Any]:
    return {
        "id": seat.id, "constituency": seat.name, "nation": seat.nation,
        "before": seat.before, "before_label": party_label(seat.before),
        "after": seat.after, "after_label": party_label(seat.after),
        "standing": seat.standing,
        "standing_label": party_label(seat.standing) if seat.standing else None,
        "margin_before": seat.margin_before, "margin_after": seat.margin_after,
        "points_before": round(100 * seat.share_margin_before, 1),
        "points_after": round(100 * seat.share_margin_after, 1),
        "href": href,
    }


def _hex(seat: SeatResult) -> dict[str, Any]:
    after = party_label(seat.after)
    if seat.flipped:
        title = (f"{seat.name}: {after} with the pact, {party_label(seat.before)} without "
                 f"(changes hands)")
    elif not seat.in_scope:
        title = f"{seat.name}: {after} (outside the pact)"
    else:
        title = f"{seat.name}: {after}"
    fill = party_colour(seat.after)
    return {"id": seat.id, "after": seat.after, "fill": fill, "ink": _ink(fill),
            "flipped": seat.flipped, "title": title}


def seat_href(explain_href: str, seat_id: str) -> str:
    """The page explaining one seat, from the view's ``explain_href``."""
    return f"{explain_href}{seat_id if seat_id.isalnum() else quote(seat_id, safe='')}#explain"


@lru_cache(maxsize=64)
def _ink(fill: str) -> str:
    """The map's mark colour on ``fill``: ``dark`` or ``light`` (`text_colour`)."""
    return "dark" if text_colour(fill) == DARK else "light"


def _trace(run: PactRun) -> dict[str, Any]:
    assert run.trace is not None
    out = trace_to_dict(run.trace)
    out["before_label"] = party_label(run.trace.before)
    out["after_label"] = party_label(run.trace.after)
    out["standing_label"] = party_label(run.trace.standing) if run.trace.standing else None
    out["win_text"] = None if run.trace.win is None else "In the draws it is won by " + ", ".join(
        f"{party_label(p)} {_percent(share)}" for p, share in
        sorted(run.trace.win.items(), key=lambda item: -item[1]) if share > 0) + "."
    for row in out["rows"]:
        row["label"] = party_label(row["party"])
    for line in out["transfers"]:
        line["label"] = party_label(line["party"])
        line["to"] = [{"to": to, "label": "the alliance candidate" if to == "ally"
                       else party_label(to), "votes": votes} for to, votes in line["to"].items()]
    return out


def _draws_text(run: PactRun) -> str:
    """What the draws say beside the totals (or that there are none)."""
    draws = run.result.draws
    if draws is None:
        return "The central projection; ask for draws to see 5–95 % ranges."
    chances = [f"{party_label(p)} {_percent(share)}" for p, share in
               sorted(draws.majority.items(), key=lambda item: -item[1]) if share > 0]
    return (f"{draws.n} draws, seed {draws.seed}. A majority is {draws.majority_line} seats; "
            + (f"chance of one: {', '.join(chances)}." if chances else "no party won one in "
               "any draw."))


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %" if share >= 0.01 else "under 1 %"


def _name(code: str) -> str:
    party = PARTIES.get(code)
    return party.name if party is not None else code
