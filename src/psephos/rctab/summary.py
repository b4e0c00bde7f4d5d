"""RCTab's detailed-report JSON ("URCVT" summary format) as a view of a `Count`.

RCTab reports round by round what happened *after* each round's tally: who was
elected or eliminated and where their votes went. Our stages carry the same facts
the other way round (a stage records the transfer that produced its tallies), so
round ``r`` gathers stage ``r``'s elections and stage ``r + 1``'s transfers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from psephos.count import NON_TRANSFERABLE, ROUNDING_LOSS, Count, Stage

if TYPE_CHECKING:
    from psephos.ballots.profile import Profile

GENERATED_BY = "psephos"
CATEGORIES = ("exhaustedChoices", "overvotes", "repeatedRankings", "skippedRankings")


def number(value: Decimal) -> str:
    """RCTab's way of printing a vote figure: no exponent, no needless zeros."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _flow(count: Count, flow: Mapping[int, Decimal]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, amount in flow.items():
        if amount == 0:
            continue
        if key == NON_TRANSFERABLE:
            out["exhausted"] = number(amount)
        elif key == ROUNDING_LOSS:
            out["residual surplus"] = number(amount)
        else:
            out[count.candidates[key]] = number(amount)
    return dict(sorted(out.items()))


def _tally_results(count: Count, stage: Stage, following: Stage | None) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    surplus = following.transfers if following is not None and following.action == "surplus" else {}
    for c in stage.elected:
        results.append({"elected": count.candidates[c],
                        "transfers": _flow(count, surplus.get(c, {}))})
    if following is not None and following.action == "exclude":
        for c in following.subjects:
            results.append({"eliminated": count.candidates[c],
                            "transfers": _flow(count, following.transfers.get(c, {}))})
    return results


def detailed_report(count: Count, *, contest: Mapping[str, Any], total_ballots: int,
                    undervotes: int, listed: int, withdrawn: Iterable[int] = ()) -> dict[str, Any]:
    """The detailed-report dict for ``count``.

    ``contest`` is the config's ``outputSettings``; ``listed`` the number of candidates
    RCTab counts in ``numCandidates``; ``withdrawn`` candidates never appear in a tally.
    """
    gone = set(withdrawn)
    results: list[dict[str, Any]] = []
    stages = count.stages
    for i, stage in enumerate(stages):
        gone.update(stage.excluded)
        following = stages[i + 1] if i + 1 < len(stages) else None
        tally = {count.candidates[c]: number(v) for c, v in enumerate(stage.tallies)
                 if c not in gone}
        # A count outside RCTab (the statutory AV) does not split its inactive papers.
        inactive = stage.inactive or {"exhaustedChoices": stage.exhausted}
        entry: dict[str, Any] = {
            "inactiveBallots": {k: number(v) for k, v in sorted(
                {**dict.fromkeys(CATEGORIES, Decimal(0)), **inactive}.items())},
            "round": stage.number,
            "tally": dict(sorted(tally.items())),
            "tallyResults": _tally_results(count, stage, following),
            "threshold": number(stage.threshold if stage.threshold is not None else Decimal(0)),
        }
        results.append(entry)
    pending = count.options.get("pending_exclusion", ())
    if results and isinstance(pending, tuple):
        results[-1]["tallyResults"].extend(
            {"eliminated": count.candidates[c], "transfers": {}} for c in pending)
    final = stages[-1].threshold if stages and stages[-1].threshold is not None else Decimal(0)
    return {
        "config": {
            "contest": str(contest.get("contestName", "")),
            "date": str(contest.get("contestDate", "")),
            "generatedBy": GENERATED_BY,
            "jurisdiction": str(contest.get("contestJurisdiction", "")),
            "office": str(contest.get("contestOffice", "")),
        },
        "jsonFormatVersion": "1",
        "results": results,
        "summary": {
            "finalThreshold": number(final),
            "numCandidates": listed,
            "numWinners": count.seats,
            "totalNumBallots": str(total_ballots),
            "undervotes": undervotes,
        },
    }


def profile_report(count: Count, profile: Profile) -> dict[str, Any]:
    """`detailed_report` of ``count``, made from the ballot file it counted (``profile``):
    its title as the contest, its blank ballots as undervotes."""
    return detailed_report(count, contest={"contestName": profile.title},
                           total_ballots=profile.n_ballots + profile.blank,
                           undervotes=profile.blank, listed=profile.n_candidates,
                           withdrawn=profile.withdrawn)


def summary_text(report: Mapping[str, Any]) -> str:
    """The report as ``psephos count --rctab-summary FILE`` writes it (ASCII JSON, two-space
    indent, a final newline)."""
    return json.dumps(report, indent=2) + "\n"


def to_json(report: Mapping[str, Any]) -> str:
    """The report as RCTab lays its JSON out (two-space indent, keys in order given)."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
