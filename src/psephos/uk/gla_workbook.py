"""London Elects' 2016 GLA results workbook by ward (``gla-2016-results-by-ward.xlsx``).

One sheet per Assembly constituency: three header rows ("London Mayor" / "1st choice",
"2nd choice" / "Candidate 1" ... "Candidate 12"), then one row per ward or postal batch, with
borough and constituency total rows (formulas) between them; a ``Keys`` sheet names the
candidate behind each "Candidate n" for the contest " London Mayor". The workbook holds each
candidate's first-choice and second-choice totals, not the first x second cross-table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.uk.errors import DataFileError
from psephos.uk.tabular import MAX_BYTES, MAX_COUNT

MAX_ROWS = 5_000  # per sheet; the real sheets have about 120
MAX_COLUMNS = 80


@dataclass(frozen=True)
class MayoralCandidate:
    key: int  # n of "Candidate n"
    name: str  # "Forename SURNAME" as the Keys sheet gives them
    surname: str
    party_name: str  # description on the ballot paper


@dataclass(frozen=True)
class MayoralVotes:
    """Totals over every ward and postal batch of the 14 constituency sheets."""

    candidates: tuple[MayoralCandidate, ...]
    first_choices: tuple[int, ...]  # per candidate, in key order
    second_choices: tuple[int, ...]  # second-choice marks per candidate, on every ballot
    wards: int  # ward and postal-batch rows summed


def read_gla_workbook(path: Path) -> MayoralVotes:
    """Sum the mayoral first and second choices over every ward row of the workbook."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DataFileError(path, f"more than {MAX_BYTES:,} bytes; not a results workbook")
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except DataFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataFileError(path, f"not a readable .xlsx workbook ({type(error).__name__})"
                            ) from None
    try:
        return _read(path, book)
    except DataFileError:
        raise
    except Exception as error:  # a corrupt part discovered while streaming the sheets
        raise DataFileError(path, f"unreadable workbook ({type(error).__name__}: "
                            f"{str(error)[:80]})") from None
    finally:
        book.close()


def _read(path: Path, book: Any) -> MayoralVotes:
    if "Keys" not in book.sheetnames:
        raise DataFileError(path, "no 'Keys' sheet; is this the GLA 2016 results by ward?")
    candidates = _keys(path, book["Keys"])
    n = len(candidates)
    first = [0] * n
    second = [0] * n
    wards = 0
    sheets = [name for name in book.sheetnames if name != "Keys"]
    if not sheets:
        raise DataFileError(path, "no constituency sheets")
    for name in sheets:
        rows = _rows(path, book[name], name)
        header, borough_column, ward_column, first_at, second_at = _layout(path, name, rows, n)
        for number, row in enumerate(rows[header + 1:], start=header + 2):
            lead = row[0] if row else None
            if isinstance(lead, str) and lead.strip() == "Key":
                break
            ward = row[ward_column] if ward_column < len(row) else None
            borough = row[borough_column] if borough_column < len(row) else None
            # Ward and postal-batch rows name their borough; total rows leave it empty.
            if not (isinstance(ward, str) and ward.strip() and isinstance(borough, str)
                    and borough.strip()) or "total" in ward.casefold():
                continue
            wards += 1
            for i in range(n):
                first[i] += _count(path, name, row, number, first_at + i)
                second[i] += _count(path, name, row, number, second_at + i)
    if not wards:
        raise DataFileError(path, "no ward rows")
    return MayoralVotes(tuple(candidates), tuple(first), tuple(second), wards)


def _keys(path: Path, sheet: Any) -> list[MayoralCandidate]:
    out: list[MayoralCandidate] = []
    for number, row in enumerate(_rows(path, sheet, "Keys"), start=1):
        cells = list(row) + [None] * 5
        contest = cells[4]
        if not (isinstance(contest, str) and contest.strip() == "London Mayor"):
            continue
        key, forename, surname, party = cells[:4]
        if not isinstance(key, int) or key != len(out) + 1:
            raise DataFileError(path, f"expected candidate key {len(out) + 1}, found {key!r}"
                                [:200], line=number, field="Keys!A")
        if not isinstance(surname, str) or not surname.strip():
            raise DataFileError(path, "no surname", line=number, field="Keys!C")
        first = forename.strip() if isinstance(forename, str) else ""
        out.append(MayoralCandidate(key, f"{first} {surname.strip()}".strip(), surname.strip(),
                                    party.strip() if isinstance(party, str) else ""))
    if len(out) < 2:
        raise DataFileError(path, "the Keys sheet names fewer than 2 London Mayor candidates")
    return out


def _rows(path: Path, sheet: Any, name: str) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
        rows.append(tuple(row))
        if len(rows) > MAX_ROWS:
            raise DataFileError(path, f"sheet {name!r} has over {MAX_ROWS:,} rows")
    return rows


def _layout(path: Path, sheet: str, rows: list[tuple[Any, ...]], n: int
            ) -> tuple[int, int, int, int, int]:
    """Header row, borough and ward columns, first column of the 1st and of the 2nd choices."""
    top = rows[:6]
    header = next((i for i, row in enumerate(top) if "Candidate 1" in row), None)
    if header is None:
        raise DataFileError(path, f"sheet {sheet!r}: no 'Candidate 1' header in rows 1-6")
    sections: dict[str, int] = {}
    ward_column: int | None = None
    borough_column: int | None = None
    for row in top[:header + 1]:
        for column, value in enumerate(row):
            if not isinstance(value, str):
                continue
            label = value.strip().casefold()
            if label in ("1st choice", "2nd choice"):
                sections.setdefault(label, column)
            elif label == "ward name":
                ward_column = column
            elif label == "borough":
                borough_column = column
    if ward_column is None or borough_column is None or len(sections) != 2:
        raise DataFileError(path, f"sheet {sheet!r}: expected 'Borough', 'Ward Name', "
                            "'1st choice' and '2nd choice' headings", line=header + 1)
    names = rows[header]
    for start in sections.values():
        for i in range(n):
            cell = names[start + i] if start + i < len(names) else None
            if cell != f"Candidate {i + 1}":
                raise DataFileError(path, f"sheet {sheet!r}: expected 'Candidate {i + 1}', "
                                    f"found {cell!r}"[:200], line=header + 1,
                                    field=f"{sheet}!{_letter(start + i)}")
    return (header, borough_column, ward_column, sections["1st choice"],
            sections["2nd choice"])


def _count(path: Path, sheet: str, row: tuple[Any, ...], number: int, column: int) -> int:
    value = row[column] if column < len(row) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise DataFileError(path, f"expected a whole number of votes, found {value!r}"[:200],
                            line=number, field=f"{sheet}!{_letter(column)}{number}")
    return value


def _letter(column: int) -> str:
    """Spreadsheet column letters for a 0-based index (0 -> A, 26 -> AA)."""
    out = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out
