"""Count an RCTab contest config end to end: read its CVRs, count, report.

This is the one place that turns RCTab's config vocabulary into psephos rule
options; the rules themselves stay pure and the readers know nothing of counting.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import Profile
from psephos.count import Count
from psephos.rctab.bottoms_up import bottoms_up
from psephos.rctab.config import UNDECLARED, RctabConfig, load_config
from psephos.rctab.cvr.formats import read_profile
from psephos.rctab.engine import OvervoteRule, RcvRules, instant_runoff
from psephos.rctab.multiwinner import STV_MODES
from psephos.rctab.multiwinner import count as multiwinner_count
from psephos.rctab.summary import detailed_report
from psephos.rctab.ties import MODES, RctabTieBreak
from psephos.rules.errors import RuleError

OVERVOTE_RULES: tuple[OvervoteRule, ...] = (
    "exhaustImmediately", "alwaysSkipToNextRank", "exhaustIfMultipleContinuing")


def check_config(config: RctabConfig) -> None:
    """Refuse rule values RCTab itself would refuse, naming the field."""
    def bad(key: str, message: str) -> BallotFileError:
        return BallotFileError(config.path, message, field=f"rules.{key}")

    if config.rule_str("overvoteRule", "exhaustImmediately") not in OVERVOTE_RULES:
        raise bad("overvoteRule", f"expected one of {', '.join(OVERVOTE_RULES)}")
    if config.rule_str("tiebreakMode", "random") not in MODES:
        raise bad("tiebreakMode", f"expected one of {', '.join(MODES)}")
    for key in ("maxSkippedRanksAllowed", "maxRankingsAllowed", "minimumVoteThreshold",
                "numberOfWinners", "stopTabulationEarlyAfterRound"):
        value = config.rule_int(key)
        if value is not None and value < 0:
            raise bad(key, f"must not be negative, got {value}")
    places = config.rule_int("decimalPlacesForVoteArithmetic", 4)
    if places is None or not 1 <= places <= 20:
        raise bad("decimalPlacesForVoteArithmetic", f"must be 1 to 20, got {places}")
    if config.rule_int("maxRankingsAllowed") == 0:
        raise bad("maxRankingsAllowed", "must be at least 1")
    if not config.sources:
        raise BallotFileError(config.path, "at least one CVR source is needed",
                              field="cvrFileSources")
    if not config.candidates:
        raise BallotFileError(config.path, "at least one candidate is needed", field="candidates")


def rules_from_config(config: RctabConfig, profile: Profile) -> RcvRules:
    """RCTab's ``rules`` object as `RcvRules` (after `check_config`)."""
    overvote = config.rule_str("overvoteRule", "exhaustImmediately")
    percentage: Decimal | None = None
    raw = config.rule_str("multiSeatBottomsUpPercentageThreshold").strip()
    if raw:
        try:
            percentage = Decimal(raw)
        except InvalidOperation:
            raise BallotFileError(config.path, f"expected a percentage, got {raw!r}",
                                  field="rules.multiSeatBottomsUpPercentageThreshold") from None
    return RcvRules(
        overvote=next(rule for rule in OVERVOTE_RULES if rule == overvote),
        max_skipped=config.rule_int("maxSkippedRanksAllowed"),
        max_rankings=config.rule_int("maxRankingsAllowed"),
        exhaust_on_duplicate=config.rule_bool("exhaustOnDuplicateCandidate"),
        batch_elimination=config.rule_bool("batchElimination"),
        continue_until_two=config.rule_bool("continueUntilTwoCandidatesRemain"),
        minimum_vote_threshold=config.rule_int("minimumVoteThreshold", 0) or 0,
        stop_after_round=config.rule_int("stopTabulationEarlyAfterRound"),
        first_round_threshold=config.rule_bool("doesFirstRoundDetermineThreshold"),
        non_integer_threshold=config.rule_bool("nonIntegerWinningThreshold"),
        hare_quota=config.rule_bool("hareQuota"),
        decimal_places=config.rule_int("decimalPlacesForVoteArithmetic", 4) or 0,
        undeclared=profile.candidates.index(UNDECLARED) if config.uses_undeclared else None,
        percentage_threshold=percentage,
        cutoff_elimination=config.rule_bool("cutoffElimination"),
    )


def count_config(config: RctabConfig, profile: Profile) -> list[Count]:
    """Count ``profile`` under the config's rules: one count, or one per pass of
    ``multiPassIrv`` (sequential IRV, each pass without the earlier winners)."""
    rules = rules_from_config(config, profile)
    mode = config.rule_str("winnerElectionMode", "singleWinnerMajority")
    seats = config.rule_int("numberOfWinners", 1) or 0

    def tiebreak() -> RctabTieBreak:
        return RctabTieBreak([c.name for c in config.candidates],
                             config.rule_str("tiebreakMode", "random"),
                             config.rule_int("randomSeed"))

    if mode == "singleWinnerMajority":
        return [instant_runoff(profile, rules=rules, tiebreak=tiebreak())]
    if mode in STV_MODES:
        return [multiwinner_count(profile, seats, mode=mode, rules=rules, tiebreak=tiebreak())]
    if mode in ("bottomsUp", "bottomsUpUsingPercentageThreshold"):
        if mode == "bottomsUp":
            rules = replace(rules, percentage_threshold=None)
        elif rules.percentage_threshold is None:
            raise RuleError("bottomsUpUsingPercentageThreshold needs a percentage")
        return [bottoms_up(profile, seats, rules=rules, tiebreak=tiebreak())]
    if mode == "multiPassIrv":
        passes: list[Count] = []
        winners: set[int] = set()
        for _ in range(seats):
            count = instant_runoff(replace(profile, withdrawn=profile.withdrawn | winners),
                                     rules=rules, tiebreak=tiebreak())
            passes.append(count)
            if not count.elected:
                break
            winners.update(count.elected)
        return passes
    raise RuleError(f"unknown winnerElectionMode {mode!r}")


def run_rctab_passes(config_path: str | Path) -> list[tuple[Count, dict[str, Any]]]:
    """Every count the config asks for with its detailed report (several for multiPassIrv)."""
    config = load_config(config_path)
    check_config(config)
    profile = read_profile(config)
    results: list[tuple[Count, dict[str, Any]]] = []
    earlier: set[int] = set()
    for count in count_config(config, profile):
        report = detailed_report(
            count,
            contest=config.output,
            total_ballots=profile.n_ballots + profile.blank,
            undervotes=profile.blank,
            listed=len(profile.candidates),
            withdrawn=set(profile.withdrawn) | earlier,
        )
        results.append((count, report))
        earlier.update(count.elected)
    return results


def run_rctab_config(config_path: str | Path) -> tuple[Count, dict[str, Any]]:
    """Read, count and report the contest an RCTab config describes.

    Returns the `Count` and RCTab's detailed-report JSON as a dict; for
    ``multiPassIrv`` the last pass (`run_rctab_passes` gives every pass). Bad input
    raises `BallotFileError`; rules psephos cannot apply raise `RuleError`.
    """
    return run_rctab_passes(config_path)[-1]
