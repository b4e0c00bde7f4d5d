"""Building the records every rule returns: the `Count` and its stages.

One place for what the rules would otherwise each spell out: a count names its candidates,
records every lot drawn and the options that drew them (`finished`); a stage of a transfer
count (Scottish STV, WIGM, Meek: `transfer_stage`) or of a count of whole votes (plurality,
the supplementary vote: `votes_stage`) holds integer units turned into exact decimals at the
rule's precision. `TransferCount` is what a transfer count starts from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from psephos.count import Action, Count, Stage, decimals, from_units
from psephos.rules.ties import Lots

if TYPE_CHECKING:
    from psephos.ballots.profile import Profile

R = TypeVar("R")


@dataclass(eq=False)
class TransferCount(Generic[R]):
    """What a transfer count (WIGM, Meek) starts from: the profile, the seats, the rule's
    options (``rules``) and how lots are drawn. The subclass holds the count's state."""

    profile: Profile
    seats: int
    rules: R
    lots: Lots

    @classmethod
    def counted(cls, profile: Profile, seats: int, rules: R, *, seed: int | None,
                lot_order: Sequence[str] | None) -> Count:
        """Count ``profile``; lots go by the declared ``lot_order``, else by ``seed``."""
        return cls(profile, seats, rules, Lots(profile.candidates, seed=seed,
                                                order=lot_order)).run()

    def run(self) -> Count:
        """The whole count, stage by stage."""
        raise NotImplementedError


def finished(method: str, seats: int, lots: Lots, *, elected: Sequence[int],
             stages: Sequence[Stage], valid: int, places: int = 0, quota: int | None = None,
             options: Mapping[str, object] | None = None) -> Count:
    """The `Count` among the candidates ``lots`` draws between: ``valid`` ballots and
    ``quota`` (in units of ``10**-places`` vote) as exact decimals, the lots drawn, and
    ``options`` with the lot inputs (``seed``, ``lot_order``) after them."""
    return Count(
        method=method,
        candidates=lots.candidates,
        seats=seats,
        elected=tuple(elected),
        stages=tuple(stages),
        valid=from_units(valid, 0),
        quota=None if quota is None else from_units(quota, places),
        precision=places,
        lots=tuple(lots.drawn),
        options={**(options or {}), "seed": lots.seed, "lot_order": lots.order},
    )


def votes_stage(votes: Sequence[int], unused: int, elected: tuple[int, ...],
                note: str = "") -> Stage:
    """Stage 1 of a count of whole votes (plurality, the supplementary vote): each
    candidate's votes, and the ballots that gave none (``unused``) as exhausted."""
    return Stage(
        number=1,
        action="first",
        tallies=decimals(votes, 0),
        elected=elected,
        exhausted=from_units(unused, 0),
        exhausted_change=from_units(unused, 0),
        note=note,
    )


def transfer_stage(number: int, action: Action, places: int, *, tallies: Sequence[int],
                   before: Sequence[int], subjects: tuple[int, ...], elected: tuple[int, ...],
                   exhausted: int, lost: int, transfer_value: int | None = None,
                   exhausted_change: int = 0, note: str = "", threshold: int | None = None,
                   keep_factors: Sequence[int] = ()) -> Stage:
    """One stage of a transfer count from integer units of ``10**-places`` vote: what each
    candidate holds, what the stage moved (none at stage 1), and the running totals;
    ``threshold`` and ``keep_factors`` for Meek, which recomputes them each round."""
    return Stage(
        number=number,
        action=action,
        tallies=decimals(tallies, places),
        changes=decimals([a - b for a, b in zip(tallies, before, strict=True)], places)
        if number > 1 else (),
        subjects=subjects,
        elected=elected,
        excluded=subjects if action == "exclude" else (),
        exhausted=from_units(exhausted, places),
        lost=from_units(lost, places),
        transfer_value=None if transfer_value is None else from_units(transfer_value, places),
        exhausted_change=from_units(exhausted_change, places),
        note=note,
        threshold=None if threshold is None else from_units(threshold, places),
        keep_factors=decimals(keep_factors, places),
    )


def elect_at_last_stage(stages: list[Stage], order: Sequence[int], note: str = "") -> None:
    """Add ``order`` to the last stage's elected: the candidates left when as many remain
    as there are seats, elected without a further stage; ``note`` (e.g. `uncontested`)
    joins the stage's note."""
    last = stages[-1]
    stages[-1] = replace(last, elected=last.elected + tuple(order),
                         note="; ".join(filter(None, (last.note, note))))


def uncontested(standing: int, seats: int, rule: str) -> str:
    """The note of a count with no more candidates ``standing`` than ``seats`` (and so, after
    the seat check, exactly as many), which elects them all without a contest as ``rule``
    provides; empty for a contested count."""
    if standing > seats:
        return ""
    if seats == 1:
        return f"uncontested: 1 candidate for 1 seat, elected ({rule})"
    return f"uncontested: {standing} candidates for {seats} seats, all elected ({rule})"
