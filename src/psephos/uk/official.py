"""What ``psephos results`` reports for each election it knows, as JSON-ready data.

One function per kind of election, and one that picks by name, so the command line and the
explorer's pages and endpoints show the same numbers from the same code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from psephos.uk.catalogue import ELECTIONS, GENERAL_ELECTIONS
from psephos.uk.errors import UKDataError

Kind = Literal["general", "holyrood", "assembly", "mayor"]


def election_kind(election: str) -> Kind:
    """Which kind of count ``election`` is: Westminster (FPTP), Holyrood or the London
    Assembly (AMS), or the Mayor of London (SV)."""
    if election not in ELECTIONS:
        raise UKDataError(f"unknown election {election!r}; choose one of {', '.join(ELECTIONS)}")
    if election in GENERAL_ELECTIONS:
        return "general"
    if election.startswith("sp"):
        return "holyrood"
    return "assembly" if election.startswith("la") else "mayor"


def results_report(election: str, *, mirror: Path | None = None,
                   cache_dir: Path | None = None) -> dict[str, Any]:
    """The report of ``psephos results ELECTION --json``: seats and votes by party, and for
    Holyrood the regions' list seats, for the Assembly its list seats, for the Mayor the two
    rounds."""
    kind = election_kind(election)
    if kind == "general":
        from psephos.uk.general import load_general_election
        from psephos.uk.results import count_general_election

        loaded = load_general_election(election, mirror=mirror, cache_dir=cache_dir)
        return count_general_election(loaded, ELECTIONS[election].title).to_json()
    if kind == "holyrood":
        from psephos.uk.scottish_parliament import (
            count_scottish_parliament,
            load_scottish_parliament,
        )

        return count_scottish_parliament(load_scottish_parliament(election, mirror=mirror,
                                                                  cache_dir=cache_dir))
    if kind == "assembly":
        from psephos.uk.london_assembly import count_london_assembly, load_london_assembly

        return count_london_assembly(load_london_assembly(election, mirror=mirror,
                                                          cache_dir=cache_dir))
    from psephos.uk.london_mayor import load_london_mayor, mayor_rounds

    return mayor_rounds(load_london_mayor(election, mirror=mirror, cache_dir=cache_dir))
