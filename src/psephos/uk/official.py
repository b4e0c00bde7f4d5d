"""What ``psephos results`` reports for each election it knows, as JSON-ready data.

One function per kind of election, and one that picks by name, so the command line and the
explorer's pages and endpoints show the same numbers from the same code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from psephos.uk.catalogue import ELECTIONS, GENERAL_ELECTIONS, SCOTTISH_PARLIAMENT
from psephos.uk.errors import UKDataError

Kind = Literal["general", "holyrood", "assembly", "mayor", "senedd", "london"]


def election_kind(election: str) -> Kind:
    """Which kind of count ``election`` is: Westminster (FPTP), Holyrood or the London
    Assembly (AMS), the Mayor of London (SV), the Senedd (closed lists), or London's Mayor
    and Assembly together (``lm2021``)."""
    if election not in ELECTIONS:
        raise UKDataError(f"unknown election {election!r}; choose one of {', '.join(ELECTIONS)}")
    if election in GENERAL_ELECTIONS:
        return "general"
    if election in SCOTTISH_PARLIAMENT:
        return "holyrood"
    if election.startswith("senedd"):
        return "senedd"
    if election == "lm2021":
        return "london"
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

        report = count_scottish_parliament(load_scottish_parliament(election, mirror=mirror,
                                                                    cache_dir=cache_dir))
        return {"election": report["election"], "title": ELECTIONS[election].title,
                **{key: value for key, value in report.items() if key != "election"}}
    if kind == "assembly":
        from psephos.uk.london_assembly import count_london_assembly, load_london_assembly

        return count_london_assembly(load_london_assembly(election, mirror=mirror,
                                                          cache_dir=cache_dir))
    if kind == "senedd":
        from psephos.uk.senedd import count_senedd, load_senedd

        return count_senedd(load_senedd(election, mirror=mirror, cache_dir=cache_dir))
    if kind == "london":
        from psephos.uk.london2021 import count_london2021, load_london2021

        return count_london2021(load_london2021(election, mirror=mirror, cache_dir=cache_dir))
    from psephos.uk.london_mayor import load_london_mayor, mayor_rounds

    return mayor_rounds(load_london_mayor(election, mirror=mirror, cache_dir=cache_dir))
