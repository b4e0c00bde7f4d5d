"""Official UK results: fetch the publishers' files, check them, read them into tidy tables.

The names below are loaded on first use (PEP 562), so importing ``psephos.uk`` or one
of its modules costs only what that use needs: reading from the cache or a mirror never
loads the network fetcher (``urllib``, ``ssl``, ``email``), and a command that only
names an error type loads no reader.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psephos.uk.catalogue import (
        ELECTIONS,
        GENERAL_ELECTIONS,
        ElectionEntry,
        PublisherFile,
    )
    from psephos.uk.errors import DataFileError, FetchError, MissingDataError, UKDataError
    from psephos.uk.fetch import Fetched, add_file, get_election
    from psephos.uk.general import load_general_election
    from psephos.uk.holyrood import (
        HolyroodConstituency,
        HolyroodElection,
        HolyroodRegion,
        ListVote,
    )
    from psephos.uk.london_mayor import LondonMayorElection, load_london_mayor
    from psephos.uk.results import SeatsAndVotes, count_general_election, winner
    from psephos.uk.scottish_parliament import (
        count_scottish_parliament,
        load_scottish_parliament,
    )
    from psephos.uk.tables import (
        NATIONS,
        PARTY_CODES,
        Candidate,
        Constituency,
        GeneralElection,
    )

#: Public name -> the module that defines it.
_HOMES: dict[str, str] = {
    **dict.fromkeys(("ELECTIONS", "GENERAL_ELECTIONS", "ElectionEntry", "PublisherFile"),
                    "catalogue"),
    **dict.fromkeys(("DataFileError", "FetchError", "MissingDataError", "UKDataError"),
                    "errors"),
    **dict.fromkeys(("Fetched", "add_file", "get_election"), "fetch"),
    "load_general_election": "general",
    **dict.fromkeys(("HolyroodConstituency", "HolyroodElection", "HolyroodRegion",
                     "ListVote"), "holyrood"),
    **dict.fromkeys(("LondonMayorElection", "load_london_mayor"), "london_mayor"),
    **dict.fromkeys(("SeatsAndVotes", "count_general_election", "winner"), "results"),
    **dict.fromkeys(("count_scottish_parliament", "load_scottish_parliament"),
                    "scottish_parliament"),
    **dict.fromkeys(("NATIONS", "PARTY_CODES", "Candidate", "Constituency",
                     "GeneralElection"), "tables"),
}

__all__ = [
    "ELECTIONS",
    "GENERAL_ELECTIONS",
    "NATIONS",
    "PARTY_CODES",
    "Candidate",
    "Constituency",
    "DataFileError",
    "ElectionEntry",
    "FetchError",
    "Fetched",
    "GeneralElection",
    "HolyroodConstituency",
    "HolyroodElection",
    "HolyroodRegion",
    "ListVote",
    "LondonMayorElection",
    "MissingDataError",
    "PublisherFile",
    "SeatsAndVotes",
    "UKDataError",
    "add_file",
    "count_general_election",
    "count_scottish_parliament",
    "get_election",
    "load_general_election",
    "load_london_mayor",
    "load_scottish_parliament",
    "winner",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'psephos.uk' has no attribute {name!r}")
    value = getattr(import_module(f"psephos.uk.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
