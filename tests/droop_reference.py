"""Read Droop's reference counts (github.com/jklundell/droop, ``test/ref``) for golden tests.

Droop writes each reference count three ways (``report``, ``json``, ``dump``); the JSON
action log carries everything the others do, so it is the one read here. Each action
records the state of every candidate after it: ``vote`` (at the rule's display
precision), ``state`` (hopeful / elected / defeated / withdrawn) and, for Meek rules,
the keep factor ``kf``. Droop numbers rounds from 0 (``begin``, the first preferences).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

#: ``<blt stem>-<rule>-<arithmetic>`` as Droop names its reference files.
_ARITHMETIC = re.compile(r"-(fixed-p\d+-d\d+|guarded-p\d+-g\d+-d\d+|rational-d\d+)$")


@dataclass(frozen=True)
class RefAction:
    """One logged action: what happened and every candidate's state after it."""

    round: int
    tag: str
    msg: str
    votes: tuple[Decimal, ...]
    states: tuple[str, ...]
    keep_factors: tuple[Decimal, ...]
    quota: Decimal | None
    surplus: Decimal | None


@dataclass(frozen=True)
class DroopRef:
    """One reference count, candidates in ballot-file order (0-based)."""

    path: Path
    stem: str
    rule: str
    arithmetic: str
    display: int
    seats: int
    ballots: int
    candidates: tuple[str, ...]
    tie_order: tuple[str, ...]
    withdrawn: frozenset[int]
    quota: Decimal
    actions: tuple[RefAction, ...]

    @property
    def elected(self) -> frozenset[int]:
        """Candidates Droop finally declares elected."""
        last = self.actions[-1]
        return frozenset(i for i, s in enumerate(last.states) if s == "elected")

    @property
    def rounds(self) -> int:
        return max(a.round for a in self.actions)

    def in_round(self, number: int) -> list[RefAction]:
        """Actions with state (not the log lines) of round ``number``, in order."""
        return [a for a in self.actions if a.round == number and a.votes]

    def shown(self, value: Decimal) -> Decimal:
        """``value`` as Droop displays it: rounded half-up to the display precision."""
        return value.quantize(Decimal(1).scaleb(-self.display), rounding=ROUND_HALF_UP)


def ref_name(path: Path) -> tuple[str, str]:
    """Split a reference file name into (blt stem, rule tag with arithmetic)."""
    name = path.stem
    match = _ARITHMETIC.search(name)
    if match is None:
        raise ValueError(f"{path}: not a Droop reference file name")
    head = name[: match.start()]
    for rule in ("scotland", "wigm-prf-batch", "wigm-prf", "wigm", "meek-prf-o6", "meek-o9",
                 "meek-o10", "warren-o9", "warren-o10", "mpls", "cfer-batch", "cfer", "qpq"):
        if head.endswith("-" + rule):
            return head[: -len(rule) - 1], f"{rule}-{match.group(1)}"
    raise ValueError(f"{path}: unknown Droop rule")


def read_ref(path: Path) -> DroopRef:
    """Parse one JSON reference count."""
    data = json.loads(path.read_text(encoding="utf-8"))
    cids: list[int] = data["cids"]
    cdict = data["cdict"]
    names = tuple(cdict[str(c)]["name"] for c in cids)
    tie = sorted(cids, key=lambda c: cdict[str(c)]["tie_order"])
    withdrawn = frozenset(i for i, c in enumerate(cids) if c not in data["ecids"])
    actions: list[RefAction] = []
    for action in data["actions"]:
        cstate = action.get("cstate", {})
        # A withdrawn candidate's entry has a state but no vote.
        votes = tuple(Decimal(cstate[str(c)].get("vote", "0")) for c in cids) if cstate else ()
        states = tuple(cstate[str(c)]["state"] for c in cids) if cstate else ()
        meek = any("kf" in entry for entry in cstate.values())
        kfs = tuple(Decimal(cstate[str(c)].get("kf", "0")) for c in cids) if meek else ()
        actions.append(RefAction(
            round=int(action["round"]) if action["round"] != "X" else -1,
            tag=action["tag"],
            msg=action["msg"],
            votes=votes,
            states=states,
            keep_factors=kfs,
            quota=Decimal(action["quota"]) if "quota" in action else None,
            surplus=Decimal(action["surplus"]) if "surplus" in action else None,
        ))
    # The closing "end" action carries round "X" in the dump; keep it last.
    stem, rule = ref_name(path)
    display = int(data["options"]["options"].get("display", 12))
    return DroopRef(
        path=path,
        stem=stem,
        rule=rule,
        arithmetic=data["arithmetic_name"],
        display=display,
        seats=int(data["seats"]),
        ballots=int(data["nballots"]),
        candidates=names,
        tie_order=tuple(cdict[str(c)]["name"] for c in tie),
        withdrawn=withdrawn,
        quota=Decimal(data["quota"]),
        actions=tuple(actions),
    )


def sanitised_blt(blt: Path, target: Path) -> Path:
    """A copy of ``blt`` without OpenSTV/Droop ``[option ...]`` lines, which our reader refuses.

    ``[withdrawn k ...]`` becomes the classic ``-k`` line; ``[tie ...]`` and ``[droop ...]``
    are dropped (the tie order is read from the reference itself). Returns ``blt`` unchanged
    when it has no option lines.
    """
    lines = blt.read_text(encoding="utf-8-sig").splitlines()
    options = [line for line in lines if line.strip().startswith("[")]
    if not options:
        return blt
    kept = [line for line in lines if not line.strip().startswith("[")]
    for option in options:
        words = option.strip("[] \t").split()
        if words and words[0] == "withdrawn":
            kept.insert(1, " ".join(f"-{w}" for w in words[1:]))
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target
