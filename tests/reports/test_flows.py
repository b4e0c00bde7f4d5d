"""The Sankey flows of a count: every node's votes are what flows into and out of it.

Checked under every registered rule on real wards, so a chart drawn from these flows shows
exactly the count's figures, whatever the rule kept of its transfers.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from psephos.ballots.blt import read_blt
from psephos.reports.flows import FORMAT, count_flows
from psephos.rules.registry import RULES, count
from tests.reports.wards import ALMOND, COATBRIDGE, counted, list_count


def _totals(flows: dict[str, Any]) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    into: dict[str, Decimal] = {}
    out_of: dict[str, Decimal] = {}
    for flow in flows["flows"]:
        value = Decimal(flow["votes"])
        assert value > 0
        into[flow["target"]] = into.get(flow["target"], Decimal(0)) + value
        out_of[flow["source"]] = out_of.get(flow["source"], Decimal(0)) + value
    return into, out_of


def check_conserved(flows: dict[str, Any]) -> None:
    """Each node after the first stage receives its votes; each before the last passes
    all of them on (kept or transferred)."""
    into, out_of = _totals(flows)
    last = max(node["stage"] for node in flows["nodes"])
    for node in flows["nodes"]:
        votes = Decimal(node["votes"])
        if node["stage"] > 1:
            assert into.get(node["id"]) == votes, node
        if node["stage"] < last and node["kind"] != "pool":
            assert out_of.get(node["id"]) == votes, node
        if node["kind"] == "pool":
            assert out_of.get(node["id"]) == votes == into.get(node["id"]), node


@pytest.mark.parametrize("rule", [name for name, e in RULES.items()])
@pytest.mark.parametrize("ward", [ALMOND, COATBRIDGE])
def test_flows_conserve_votes_under_every_rule(ward: str, rule: str,
                                               scotland_stv: Path) -> None:
    path = next(scotland_stv.glob(f"blt_files/*/{ward}.blt"))
    profile = read_blt(path)
    result = count(profile, rule, 1 if RULES[rule].seats == "one" else None)
    flows = count_flows(result)
    assert flows["format"] == FORMAT
    if flows["allocation"]:
        assert flows["nodes"] == [] and flows["flows"] == []
        return
    check_conserved(flows)
    first = {n["candidate"]: n["votes"] for n in flows["nodes"]
             if n["stage"] == 1 and n["kind"] == "candidate"}
    assert first == {c: v for c, v in enumerate(
        f"{t:.{result.precision}f}" for t in result.stages[0].tallies) if Decimal(v) != 0}


def test_scottish_stv_flows_come_from_one_subject_per_stage(scotland_stv: Path) -> None:
    result, _ = counted(ALMOND)
    flows = count_flows(result)
    for stage in result.stages[1:]:
        (subject,) = stage.subjects
        sources = {f["source"] for f in flows["flows"]
                   if f["stage"] == stage.number and f["kind"] == "transfer"}
        assert sources == {f"s{stage.number - 1}-c{subject}"}


def test_a_list_count_has_no_flows() -> None:
    flows = count_flows(list_count())
    assert flows["allocation"] is True and flows["flows"] == []
