"""Tidy tables of official UK results: one constituency, its candidates, one election.

Every reader in ``psephos.uk`` turns a publisher's file into these; the results
command and the pact model (``psephos.model``) read nothing else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from psephos.uk.parties import PARTIES

#: Normalised party codes (see ../shared/data/uk/README.md for the exact-label mapping);
#: their labels and colours are in `psephos.uk.parties.PARTIES`.
PARTY_CODES: tuple[str, ...] = tuple(PARTIES)

NATIONS: tuple[str, ...] = ("England", "Scotland", "Wales", "Northern Ireland")


@dataclass(frozen=True)
class Candidate:
    """One candidate's result in one constituency, as the publisher printed it."""

    name: str  # "" where the publisher gives none (the GE2010 flat file)
    party_code: str  # one of PARTY_CODES
    party_name: str  # the publisher's own label (or column header)
    votes: int
    sitting_mp: bool | None = None  # None where the publisher does not say


@dataclass(frozen=True)
class Constituency:
    """One seat: where it is, who could vote, and the candidates in the publisher's order."""

    id: str  # ONS/GSS code, e.g. "E14000530"
    name: str
    nation: str  # one of NATIONS
    region: str  # English region, or the nation's name
    electorate: int
    valid_votes: int
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class GeneralElection:
    """Every constituency of one Westminster general election (or any FPTP election)."""

    election: str  # "ge2010" ... "ge2024"
    date: datetime.date
    constituencies: tuple[Constituency, ...]
    sources: tuple[str, ...] = ()  # the publisher files it was read from
