"""Compare a psephos RCTab detailed report with RCTab's expected one, figure by figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _num(value: Any) -> Decimal:
    return Decimal(str(value))


def _results(entries: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Decimal]]]:
    out = []
    for e in entries:
        kind = "elected" if "elected" in e else "eliminated"
        flows = {k: _num(v) for k, v in e.get("transfers", {}).items() if _num(v) != 0}
        out.append((kind, e[kind], flows))
    return sorted(out, key=lambda t: (t[0], t[1]))


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Every figure that differs (empty when the reports agree), timestamps ignored."""
    diffs: list[str] = []
    exp_rounds, act_rounds = expected["results"], actual["results"]
    if len(exp_rounds) != len(act_rounds):
        diffs.append(f"rounds: expected {len(exp_rounds)}, got {len(act_rounds)}")
    for e, a in zip(exp_rounds, act_rounds, strict=False):
        r = e["round"]
        et = {k: _num(v) for k, v in e["tally"].items()}
        at = {k: _num(v) for k, v in a["tally"].items()}
        if et != at:
            diffs.append(f"round {r} tally: expected {et}, got {at}")
        ei = {k: _num(v) for k, v in e.get("inactiveBallots", {}).items()}
        ai = {k: _num(v) for k, v in a.get("inactiveBallots", {}).items() if k in ei}
        if ei != ai:
            diffs.append(f"round {r} inactive: expected {ei}, got {ai}")
        if _num(e["threshold"]) != _num(a["threshold"]):
            diffs.append(f"round {r} threshold: expected {e['threshold']}, got {a['threshold']}")
        if _results(e["tallyResults"]) != _results(a["tallyResults"]):
            diffs.append(f"round {r} results: expected {_results(e['tallyResults'])}, "
                         f"got {_results(a['tallyResults'])}")
    for key in ("finalThreshold", "numWinners", "totalNumBallots", "undervotes", "numCandidates"):
        ev, av = expected["summary"].get(key), actual["summary"].get(key)
        if ev is not None and _num(ev) != _num(av):
            diffs.append(f"summary {key}: expected {ev}, got {av}")
    return diffs
