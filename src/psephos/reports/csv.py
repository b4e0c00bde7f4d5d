"""A `Count` as a stage table in CSV, laid out like the Scottish councils' result sheets.

One column per stage and one row per candidate (votes held after that stage), headed
by what each stage did and closed by the non-transferable, lost and total rows, so
the sheet can be checked column by column against the valid vote. Values are exact
decimal strings at the rule's precision.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import TextIO

from psephos.count import Count, Stage
from psephos.files import spreadsheet_row
from psephos.reports.labels import votes

#: Labels of the rows that are not candidates (a candidate named like one is still a candidate
#: row: readers should take the candidate rows by position, after the header rows).
HEADER_ROWS = ("Stage", "Action", "Subject", "Transfer value", "Elected", "Excluded", "Quota")
FOOTER_ROWS = ("Non-transferable", "Lost to truncation", "Total")


def count_rows(count: Count) -> list[list[str]]:
    """The CSV rows as lists of strings: header rows, candidates in ballot order, footer rows."""
    names, p, stages = count.candidates, count.precision, count.stages

    def joined(indices: tuple[int, ...]) -> str:
        return "; ".join(names[c] for c in indices)

    def quota(stage: Stage) -> str:
        """The stage's own threshold where the rule recomputes it (AV, RCTab), else the quota."""
        value = stage.threshold if stage.threshold is not None else count.quota
        return "" if value is None else votes(value, p)

    rows = [
        ["Stage", *(str(s.number) for s in stages)],
        ["Action", *(s.action for s in stages)],
        ["Subject", *(joined(s.subjects) for s in stages)],
        ["Transfer value", *("" if s.transfer_value is None else votes(s.transfer_value, p)
                             for s in stages)],
        ["Elected", *(joined(s.elected) for s in stages)],
        ["Excluded", *(joined(s.excluded) for s in stages)],
        ["Quota", *(quota(s) for s in stages)],
    ]
    for i, name in enumerate(names):
        rows.append([name, *(votes(s.tallies[i], p) for s in stages)])
    rows.append(["Non-transferable", *(votes(s.exhausted, p) for s in stages)])
    rows.append(["Lost to truncation", *(votes(s.lost, p) for s in stages)])
    rows.append(["Total", *(votes(sum(s.tallies, Decimal(0)) + s.exhausted + s.lost, p)
                            for s in stages)])
    return rows


def write_count_csv(count: Count, stream: TextIO) -> None:
    """Write `count_rows` to ``stream``; rows end in CRLF (RFC 4180): open files newline=""."""
    csv.writer(stream).writerows(spreadsheet_row(row) for row in count_rows(count))
