"""The first worksheet of an .xlsx workbook as the rows it stores, streamed.

An ES&S cast-vote record is a workbook of a million rows or more. openpyxl's read-only
mode builds a rich-text object for every inline string and, when the sheet declares no
size, parses the whole sheet once more just to find it; this reader takes only what an
ES&S reader needs from the Office Open XML parts (ECMA-376 Part 1, §18.3 worksheets,
§18.4 shared strings), with the standard library's streaming XML parser: each cell's
value as openpyxl gives it with ``data_only`` (shared and inline strings, numbers, booleans,
cached formula results), and only the rows the file holds (RCTab counts an empty stored
row as an undervote, and no row the file does not hold). A faster library reader such as
python-calamine gives the sheet as a dense grid, in which a stored empty row and a row the
file does not hold look the same, so it cannot count as RCTab does.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: The package relationship naming the workbook part, and the part's own relationships.
_OFFICE_DOCUMENT = "/officeDocument"
_SHARED_STRINGS = "/sharedStrings"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

Cell = str | int | float | bool
Row = dict[int, Cell | None]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(book: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part path) for ``part`` ("" for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in book.namelist():
        return {}
    found = {}
    for rel in ET.fromstring(book.read(rels)):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return found


def _text(element: ET.Element) -> str:
    """A string item's text: its ``t`` elements (plain or in rich-text runs), without the
    phonetic guides (``rPh``)."""
    if _local(element.tag) == "t":
        return element.text or ""
    return "".join(_text(child) for child in element if _local(child.tag) != "rPh")


def _shared_strings(book: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None:
        return []
    with book.open(part) as source:
        return [_text(item) for item in ET.parse(source).getroot()
                if _local(item.tag) == "si"]


def _number(text: str) -> int | float:
    """A numeric cell as openpyxl reads it: an int unless it has a point or an exponent."""
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def _column(reference: str) -> int:
    """The 1-based column of a cell reference such as ``AB12``."""
    number = 0
    for ch in reference:
        if not ch.isalpha():
            break
        number = number * 26 + ord(ch.upper()) - 64
    return number


class _Tags:
    """The qualified names of the worksheet elements read, in the sheet's own namespace
    (transitional or strict), so that each element is matched by one comparison."""

    def __init__(self, root_tag: str) -> None:
        namespace = root_tag[: root_tag.index("}") + 1] if root_tag.startswith("{") else ""
        self.sheet_data, self.row, self.cell = (f"{namespace}{name}"
                                                for name in ("sheetData", "row", "c"))
        self.value, self.inline, self.text = (f"{namespace}{name}" for name in ("v", "is", "t"))


def _value(cell: ET.Element, kind: str, strings: list[str], tags: _Tags) -> Cell | None:
    if kind == "inlineStr":
        inline = cell.find(tags.inline)
        if inline is None:
            return None
        plain = inline.find(tags.text)  # the usual inline string: one plain text
        return (plain.text or "") if plain is not None and len(inline) == 1 else _text(inline)
    text = cell.findtext(tags.value)
    if not text:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind in ("str", "e", "d"):
        return text
    return _number(text)


def first_sheet_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """(row number, column number -> value) for each row the first worksheet stores.

    Raises what zipfile, the XML parser or a malformed part raise (`zipfile.BadZipFile`,
    `KeyError`, `ET.ParseError`, `ValueError`, `IndexError`); the caller words the error.
    """
    with zipfile.ZipFile(path) as book:
        package = _relationships(book, "")
        workbook = next((target for kind, target in package.values()
                         if kind.endswith(_OFFICE_DOCUMENT)), "xl/workbook.xml")
        rels = _relationships(book, workbook)
        sheets = next(child for child in ET.fromstring(book.read(workbook))
                      if _local(child.tag) == "sheets")
        first = next(sheet for sheet in sheets if _local(sheet.tag) == "sheet")
        strings = _shared_strings(book, next((target for kind, target in rels.values()
                                              if kind.endswith(_SHARED_STRINGS)), None))
        with book.open(rels[first.get(_R_ID, "")][1]) as source:
            yield from _rows(source, strings)


def _rows(source: IO[bytes], strings: list[str]) -> Iterator[tuple[int, Row]]:
    """The rows of a worksheet part, as openpyxl numbers them: a row's ``r`` (else one more
    than the last), a cell's column from its reference (else one more than the last)."""
    number = 0
    tags: _Tags | None = None
    holder: ET.Element | None = None
    for event, element in ET.iterparse(source, events=("start", "end")):
        if tags is None:
            tags = _Tags(element.tag)
        if event == "start":
            if element.tag == tags.sheet_data:
                holder = element
            continue
        if element.tag != tags.row:
            continue
        number = int(element.get("r") or number + 1)
        row: Row = {}
        column = 0
        for cell in element.iter(tags.cell):
            reference = cell.get("r")
            column = _column(reference) if reference else column + 1
            row[column] = _value(cell, cell.get("t", "n"), strings, tags)
        yield number, row
        if holder is not None:
            holder.clear()  # rows already read are dropped: memory stays small
