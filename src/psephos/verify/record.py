"""`verify_record`: every check of a published record, in the order a reader follows the
ballots: the key, each section from cast to opened, then the count."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from psephos.verify import eligibility
from psephos.verify import sections as section_checks
from psephos.verify.ceremony import check_ceremony
from psephos.verify.reading import read_record
from psephos.verify.recount import check_all_ballots, check_count, check_sections
from psephos.verify.report import Check, Report


def verify_record(folder: str | Path, *, allow_unproved_mix: bool = False,
                  board_key: bytes | None = None,
                  on_check: Callable[[Check], None] | None = None) -> Report:
    """Check the record in ``folder``; ``on_check`` hears each check as it is made.

    Raises `RecordError` (before any check) if a file is missing or malformed. With
    ``allow_unproved_mix`` a section whose mix has no published proof is a warning
    rather than a failure. ``board_key``: the key the board must be signed with (as
    published at the opening), rather than the one board.json names."""
    record = read_record(folder)
    report = Report(str(folder))

    def add(*checks: Check) -> None:
        for check in checks:
            report.checks.append(check)
            if on_check is not None:
                on_check(check)

    ceremony_checks, facts = check_ceremony(record)
    add(*ceremony_checks)
    chain, board = eligibility.check_chain(record, board_key)
    add(chain, eligibility.check_opening(record, board))
    for section in record.sections:
        add(eligibility.check_list(record, section, board),
            eligibility.check_signatures(record, section))
    add(eligibility.check_board_ballots(record, board),
        eligibility.check_eligibility(record, board))
    add(section_checks.check_trackers(record))
    for section in record.sections:
        add(section_checks.check_sealed_list(record, section),
            section_checks.check_mixed_list(record, section),
            section_checks.check_mix(record, section, facts,
                                     allow_unproved=allow_unproved_mix),
            section_checks.check_request(record, section, facts))
        shares, good = section_checks.check_shares(section, facts)
        add(*shares)
        add(*section_checks.open_ballots(record, section, facts, good))
    add(check_all_ballots(record))
    count_checks, result = check_count(record)
    add(*count_checks)
    add(*check_sections(record, result))
    return report
