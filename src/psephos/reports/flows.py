"""A `Count` as the nodes and flows of a stage-by-stage transfer (Sankey) chart.

Column ``s`` holds what each candidate, the non-transferable pile and the pile lost to
rounding held at the end of stage ``s``; the flows into column ``s`` are what stage ``s``
moved (``transfer``) and what each holder kept from stage ``s - 1`` (``kept``). Every figure
is read from the count: a rule's recorded per-subject transfers where it keeps them (AV,
the supplementary vote, RCTab), else the stage's changes, which are that one subject's
transfers when a stage has a single subject (Scottish STV, WIGM). Where several holders
lose votes at once and the rule kept no breakdown (Meek, bulk exclusions), their votes go
through one ``pool`` node for the stage rather than being split by a guess. So the flows
into a node add up to its votes, and the chart's script has nothing to compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from psephos.count import NON_TRANSFERABLE, ROUNDING_LOSS, Count, Stage
from psephos.reports.labels import describe, display, is_allocation, short_names, votes

#: Written as ``format``; bump the number on any change a reader would notice.
FORMAT = "psephos-flows/1"
#: Node keys of the piles that are not candidates.
NON_TRANSFERABLE_KEY = "non-transferable"
LOST_KEY = "lost"
POOL_KEY = "pool"
_PILE_LABELS = {NON_TRANSFERABLE_KEY: "Non-transferable", LOST_KEY: "Lost to rounding",
                POOL_KEY: "Transferred together"}
_ZERO = Decimal(0)


def count_flows(count: Count) -> dict[str, Any]:
    """The chart's data: stages, nodes (one per holder per stage) and flows between them,
    vote figures as decimal strings at the count's precision."""
    p = count.precision
    short = short_names(count.candidates)
    stages = count.stages
    nodes: list[dict[str, Any]] = []
    flows: list[dict[str, Any]] = []
    status = _status_by_stage(count)
    # A list count (highest averages) moves no votes: its stages hold quotients, not votes.
    allocation = is_allocation(count) and any(s.action == "allocate" for s in stages)
    for i, stage in enumerate(() if allocation else stages):
        for key, value in _held(stage).items():
            if value != 0:
                nodes.append(_node(count, short, stage, key, value, status[stage.number]))
        if i > 0:
            flows.extend(_stage_flows(count, stages[i - 1], stage, nodes))
    return {
        "format": FORMAT,
        "method": count.method,
        "seats": count.seats,
        "quota": None if count.quota is None else votes(count.quota, p),
        "precision": p,
        "allocation": allocation,
        "candidates": [display(name) for name in count.candidates],
        "stages": [{
            "number": stage.number,
            "label": _label(stage, short),
            "transfer_value": None if stage.transfer_value is None
            else votes(stage.transfer_value, p),
            "threshold": None if stage.threshold is None else votes(stage.threshold, p),
        } for stage in stages],
        "nodes": nodes,
        "flows": flows,
    }


def _label(stage: Stage, short: list[str]) -> str:
    """`describe`, naming who was elected where a stage elects without a subject (Meek)."""
    if stage.action == "elect" and not stage.subjects and stage.elected:
        return f"{describe(stage, short)} {', '.join(short[c] for c in stage.elected)}"
    return describe(stage, short)


def node_id(stage: int, key: int | str) -> str:
    """A node's id: ``s3-c0`` for candidate 0 after stage 3, ``s3-non-transferable``, ..."""
    return f"s{stage}-c{key}" if isinstance(key, int) else f"s{stage}-{key}"


def _held(stage: Stage) -> dict[int | str, Decimal]:
    """What each candidate and pile holds at the end of ``stage``."""
    held: dict[int | str, Decimal] = dict(enumerate(stage.tallies))
    held[NON_TRANSFERABLE_KEY] = stage.exhausted
    held[LOST_KEY] = stage.lost
    return held


def _node(count: Count, short: list[str], stage: Stage, key: int | str, value: Decimal,
          status: Mapping[int, str]) -> dict[str, Any]:
    if isinstance(key, int):
        name, label, kind = display(count.candidates[key]), short[key], "candidate"
    else:
        name = label = _PILE_LABELS[key]
        kind = key
    return {"id": node_id(stage.number, key), "stage": stage.number, "kind": kind,
            "candidate": key if isinstance(key, int) else None, "name": name, "label": label,
            "votes": votes(value, count.precision),
            "status": status.get(key, "") if isinstance(key, int) else ""}


def _status_by_stage(count: Count) -> dict[int, dict[int, str]]:
    """Stage number -> candidate -> ``elected`` or ``excluded`` by the end of that stage."""
    out: dict[int, dict[int, str]] = {}
    now: dict[int, str] = {}
    for stage in count.stages:
        for c in stage.elected:
            now.setdefault(c, "elected")
        for c in stage.excluded:
            now.setdefault(c, "excluded")
        out[stage.number] = dict(now)
    return out


def _stage_flows(count: Count, previous: Stage, stage: Stage,
                 nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flows from ``previous``'s column into ``stage``'s."""
    before, after = _held(previous), _held(stage)
    moved = _moved(stage, before, after)
    out_of: dict[int | str, Decimal] = {}
    into: dict[int | str, Decimal] = {}
    for (source, target), value in moved.items():
        out_of[source] = out_of.get(source, _ZERO) + value
        into[target] = into.get(target, _ZERO) + value
    p, n, m = count.precision, stage.number, previous.number
    flows: list[dict[str, Any]] = []
    for key, value in before.items():
        kept = value - out_of.get(key, _ZERO)
        if kept > 0:
            flows.append(_flow(n, node_id(m, key), node_id(n, key), kept, p, "kept"))
    pooled = any(source == POOL_KEY or target == POOL_KEY for source, target in moved)
    if pooled:
        total = into.get(POOL_KEY, _ZERO)
        nodes.append({"id": node_id(n, POOL_KEY), "stage": n, "kind": POOL_KEY,
                      "candidate": None, "name": _PILE_LABELS[POOL_KEY],
                      "label": _PILE_LABELS[POOL_KEY], "votes": votes(total, p),
                      "status": "", "between": True})
    for (source, target), value in moved.items():
        if value <= 0:
            continue
        from_id = node_id(n, POOL_KEY) if source == POOL_KEY else node_id(m, source)
        to_id = node_id(n, POOL_KEY) if target == POOL_KEY else node_id(n, target)
        flows.append(_flow(n, from_id, to_id, value, p, "transfer"))
    return flows


def _moved(stage: Stage, before: Mapping[int | str, Decimal],
           after: Mapping[int | str, Decimal]) -> dict[tuple[int | str, int | str], Decimal]:
    """(source, target) -> votes moved at ``stage``: the rule's own breakdown if it kept one,
    else the changes (from the one holder that lost votes, or through the pool)."""
    if stage.transfers:
        moved: dict[tuple[int | str, int | str], Decimal] = {}
        for source, flow in stage.transfers.items():
            for recipient, value in flow.items():
                target: int | str = {NON_TRANSFERABLE: NON_TRANSFERABLE_KEY,
                                     ROUNDING_LOSS: LOST_KEY}.get(recipient, recipient)
                moved[(source, target)] = moved.get((source, target), _ZERO) + value
        return moved
    change = {key: after[key] - before[key] for key in before}
    losers = [key for key, value in change.items() if value < 0]
    gainers = [key for key, value in change.items() if value > 0]
    if len(losers) == 1:
        return {(losers[0], key): change[key] for key in gainers}
    pool: dict[tuple[int | str, int | str], Decimal] = {}
    for key in losers:
        pool[(key, POOL_KEY)] = -change[key]
    for key in gainers:
        pool[(POOL_KEY, key)] = change[key]
    return pool


def _flow(stage: int, source: str, target: str, value: Decimal, p: int,
          kind: str) -> dict[str, Any]:
    return {"stage": stage, "source": source, "target": target, "votes": votes(value, p),
            "kind": kind}
