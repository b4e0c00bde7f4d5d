"""Westminster general elections 2010-2024 read from the publishers' files into tidy tables."""

from __future__ import annotations

from pathlib import Path

from psephos.uk.catalogue import GENERAL_ELECTIONS, entry
from psephos.uk.ec2010 import read_ec2010
from psephos.uk.ec2015 import read_ec2015
from psephos.uk.errors import DataFileError, UKDataError
from psephos.uk.hocl import SNAKE_CASE, TITLE_CASE, join, read_candidates, read_hocl
from psephos.uk.notionals import read_notionals
from psephos.uk.store import find
from psephos.uk.tables import Constituency, GeneralElection

_LOADED: dict[tuple[object, ...], GeneralElection] = {}


def load_general_election(election: str, *, mirror: Path | None = None,
                          cache_dir: Path | None = None) -> GeneralElection:
    """Every constituency of ``election`` (ge2010, ge2015, ge2017, ge2019, ge2024, or
    ge2019-notional: the 2019 votes on the 2024 seats, `psephos.uk.notionals`).

    Files come from the cache (``cache_dir``, ``$PSEPHOS_CACHE`` or the user's cache dir),
    else from ``mirror`` (or ``$PSEPHOS_MIRROR``); otherwise a `MissingDataError` says to
    run ``psephos data get``. A file that is not the publisher's format raises a
    `DataFileError` naming its line. Constituencies come in the order of the publisher's
    constituency file, candidates in the publisher's order (ge2010 and ge2019-notional: the
    spreadsheet's party columns, one candidate per column with votes); a party label the
    mapping does not know is ``other``, the label kept in ``party_name``.
    """
    if election not in GENERAL_ELECTIONS:
        raise UKDataError(f"unknown general election {election!r}; choose one of "
                          f"{', '.join(GENERAL_ELECTIONS)}")
    item = entry(election)
    paths = {f.role: find(item, f.role, mirror=mirror, cache_dir=cache_dir) for f in item.files}
    key = (election, *sorted((role, str(p), *_stamp(p)) for role, p in paths.items()))
    if key not in _LOADED:
        constituencies = _read(election, paths)
        _LOADED[key] = GeneralElection(election=election, date=item.date,
                                       constituencies=constituencies,
                                       sources=tuple(str(p) for p in paths.values()))
    return _LOADED[key]


def _read(election: str, paths: dict[str, Path]) -> tuple[Constituency, ...]:
    if election == "ge2010":
        return read_ec2010(paths["flatfile"], read_ec2015(paths["constituencies"]))
    if election == "ge2019-notional":
        return read_notionals(paths["notionals"], paths["gb_codes"])
    if election == "ge2015":
        seats = read_ec2015(paths["constituencies"]).by_id
        return join(seats, read_candidates(paths["candidates"], SNAKE_CASE),
                    paths["constituencies"], paths["candidates"])
    columns = TITLE_CASE if election == "ge2024" else SNAKE_CASE
    return read_hocl(paths["candidates"], paths["constituencies"], columns)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError as error:
        raise DataFileError(path, error.strerror or str(error)) from None
    return info.st_mtime_ns, info.st_size
