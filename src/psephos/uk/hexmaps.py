"""Westminster hex cartograms: one equal-sized hex per constituency, for maps of results.

The layouts are Open Innovations' (ODI Leeds) HexJSON maps (github.com/odileeds/hexmaps,
MIT licence): one for the 2010-review seats (GE2010-GE2019) and one for the 2023-review seats
(GE2024). psephos's shared data joins both to the constituency codes of our Westminster
files in ``westminster_hexmap.csv`` (five re-issued Scottish codes matched by exact name);
this module reads that table, checks it, and says which layout fits which election.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psephos.uk.catalogue import BOUNDARY_SETS, PublisherFile
from psephos.uk.errors import DataFileError, MissingDataError, UKDataError
from psephos.uk.store import cache_root, cached_or_mirrored
from psephos.uk.tabular import Row, read_table

COLUMNS = ("boundary_set", "constituency_id", "constituency_name", "q", "r", "layout",
           "region_code")

#: HexJSON layouts this reader draws: rows of pointy-topped hexes, odd rows shifted right.
LAYOUTS = ("odd-r",)

HEX_LAYOUTS = PublisherFile(
    role="hexmap", name="westminster_hexmap.csv", folder="",
    publisher="Open Innovations hexmaps (odileeds/hexmaps @ 5383e24a, MIT), joined to "
              "constituency codes in psephos shared data",
    url=None, page="https://github.com/odileeds/hexmaps",
    sha256="3b1cd9cdf9aed37cf3e743c24f7bf9cd923e74bbf153f1dd4248911f61f24013",
    format="csv", header=COLUMNS, transcribed=True, required=False,
    note="this table comes with psephos's shared data folder: pass --mirror with that folder "
         "(../shared/data/uk or its raw/)",
)


@dataclass(frozen=True)
class Hex:
    """One constituency's cell: column ``q`` and row ``r`` (rows count upwards, north)."""

    constituency_id: str
    name: str
    q: int
    r: int
    region: str  # region abbreviation (2010 file) or GSS code (2023 file)


@dataclass(frozen=True)
class HexLayout:
    """Every hex of one boundary set."""

    boundary_set: str
    layout: str  # HexJSON layout name, one of LAYOUTS
    hexes: tuple[Hex, ...]

    def by_id(self) -> dict[str, Hex]:
        return {cell.constituency_id: cell for cell in self.hexes}


def load_hex_layout(election: str, *, mirror: Path | None = None,
                    cache_dir: Path | None = None) -> HexLayout:
    """The hex layout of the boundaries ``election`` (ge2010 ... ge2024) was fought on."""
    boundary_set = BOUNDARY_SETS.get(election)
    if boundary_set is None:
        raise UKDataError(f"no hex map for {election!r}; there is one for "
                          f"{', '.join(BOUNDARY_SETS)}")
    return read_hex_layouts(_locate(mirror, cache_dir))[boundary_set]


def read_hex_layouts(path: Path) -> dict[str, HexLayout]:
    """Every boundary set in ``westminster_hexmap.csv``, each hex on a cell of its own."""
    _, rows = read_table(path, COLUMNS, what="westminster_hexmap.csv")
    cells: dict[str, list[Hex]] = {}
    layouts: dict[str, str] = {}
    taken: dict[tuple[str, int, int], str] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        boundary_set = row.text("boundary_set")
        if not boundary_set:
            raise row.error("expected a boundary set such as '2010-review'", "boundary_set")
        layout = row.text("layout")
        if layout not in LAYOUTS:
            raise row.error(f"expected layout {' or '.join(LAYOUTS)}, found {layout!r}"[:200],
                            "layout")
        if layouts.setdefault(boundary_set, layout) != layout:
            raise row.error(f"{boundary_set} mixes layouts", "layout")
        code = row.text("constituency_id")
        if not code or (boundary_set, code) in seen:
            raise row.error(f"constituency {code!r} is empty or repeated"[:200], "constituency_id")
        seen.add((boundary_set, code))
        q, r = _coordinate(row, "q"), _coordinate(row, "r")
        other = taken.setdefault((boundary_set, q, r), code)
        if other != code:
            raise row.error(f"cell ({q}, {r}) is already {other}'s", "q")
        cells.setdefault(boundary_set, []).append(
            Hex(code, row.text("constituency_name"), q, r, row.text("region_code")))
    if not cells:
        raise DataFileError(path, "no hexes")
    return {name: HexLayout(name, layouts[name], tuple(hexes)) for name, hexes in cells.items()}


def _coordinate(row: Row, column: str) -> int:
    token = row.text(column)
    digits = token[1:] if token.startswith("-") else token
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 4:
        raise row.error(f"expected a whole number, found {token[:20]!r}", column)
    return int(token)


def _locate(mirror: Path | None, cache_dir: Path | None) -> Path:
    path = cached_or_mirrored(HEX_LAYOUTS, mirror=mirror, cache_dir=cache_dir)
    if path is not None:
        return path
    raise MissingDataError(f"{HEX_LAYOUTS.name} is not cached in {cache_root(cache_dir)} "
                           f"nor in a mirror; {HEX_LAYOUTS.note}")
