"""RCTab's own test suite: every case folder counted and compared round by round.

A case passes when winners, every round's tallies, thresholds, transfers and
inactive-ballot counts equal RCTab's expected detailed report (timestamps and
versions ignored); ``multiPassIrv`` cases compare every pass's report. Cases that
test a refusal (bad config, rank beyond the maximum, interactive tie) must raise a
clear error. Cases psephos does not support are listed, with the reason, in
``rctab_unsupported.txt`` and marked xfail; any other case must pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psephos.ballots.errors import BallotFileError
from psephos.rctab.runner import run_rctab_passes
from psephos.rules.errors import RuleError
from tests.conftest import data_root
from tests.rctab_compare import differences

HERE = Path(__file__).resolve().parent


def _unsupported() -> dict[str, str]:
    reasons = {}
    for line in (HERE / "rctab_unsupported.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            case, _, reason = line.partition(":")
            reasons[case.strip()] = reason.strip()
    return reasons


UNSUPPORTED = _unsupported()
SLOW = {"2013_minneapolis_mayor_scale"}


def _cases() -> list[str]:
    root = data_root() / "rctab"
    if not root.is_dir():
        return ["(rctab data missing)"]
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _params() -> list[object]:
    return [pytest.param(case, marks=[pytest.mark.slow] if case in SLOW else [])
            for case in _cases()]


#: Cases whose expected outcome is a refusal: RCTab aborts, and so must psephos, clearly.
EXPECTED_ERRORS: dict[str, tuple[type[Exception], str]] = {
    "max_ranking_enforcement": (BallotFileError, r"rank 4 is outside 1 to 3"),
    "invalid_params_test": (BallotFileError, r"rules\."),
    "invalid_sources_test": (BallotFileError, r"cvrFileSources\[2\]"),
    "sample_interactive_tiebreak": (RuleError, r"interactive"),
}


@pytest.mark.parametrize("case", _params())
def test_rctab_case(case: str, rctab_data: Path) -> None:
    if case in UNSUPPORTED:
        pytest.xfail(UNSUPPORTED[case])
    folder = rctab_data / case
    config = next(folder.glob("*config.json"))
    if case in EXPECTED_ERRORS:
        error, pattern = EXPECTED_ERRORS[case]
        with pytest.raises(error, match=pattern):
            run_rctab_passes(config)
        return
    single = folder / f"{case}_expected_detailed_report.json"
    expected_files = [single] if single.exists() else sorted(
        folder.glob(f"{case}_[0-9]*_expected_detailed_report.json"),
        key=lambda p: int(p.name[len(case) + 1:].split("_")[0]))
    assert expected_files, "no expected report: list the case in rctab_unsupported.txt"
    passes = run_rctab_passes(config)
    assert len(passes) == len(expected_files)
    for (count, report), path in zip(passes, expected_files, strict=True):
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert differences(expected, report) == [], path.name
        winners = [r["elected"] for rnd in expected["results"] for r in rnd["tallyResults"]
                   if "elected" in r]
        assert sorted(count.elected_names) == sorted(winners), path.name


def test_unsupported_list_names_real_cases(rctab_data: Path) -> None:
    """A stale entry would hide nothing but mislead: every listed case must exist."""
    assert sorted(set(UNSUPPORTED) - set(_cases())) == []
