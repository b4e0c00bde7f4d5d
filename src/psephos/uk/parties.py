"""Parties: the one table of party codes, their names and colours, and the publishers'
labels mapped to those codes, by exact label only.

The mapping is the one documented in ../shared/data/uk/README.md: a label not listed
here is ``other`` (e.g. "Alliance for Green Socialism", "Traditional Unionist Voice"),
and the label itself is always kept beside the code. Every table and chart that names a
party takes its label and colour from `PARTIES`, so a party looks the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    """How a party code is shown: a short label (tables, axes), its name and its colour."""

    short: str
    name: str
    colour: str  # as the party uses it (approximately), for charts


#: Every normalised party code, in the order results and charts list them.
PARTIES: Mapping[str, Party] = {
    "con": Party("Con", "Conservative", "#0087dc"),
    "lab": Party("Lab", "Labour", "#e4003b"),
    "ld": Party("LD", "Liberal Democrat", "#faa61a"),
    "snp": Party("SNP", "Scottish National Party", "#fdf38e"),
    "pc": Party("PC", "Plaid Cymru", "#005b54"),
    "green": Party("Green", "Green", "#02a95b"),
    "ukip": Party("UKIP", "UK Independence Party", "#6d3177"),
    "brexit": Party("Brexit", "Brexit Party", "#12b6cf"),
    "reform": Party("Reform", "Reform UK", "#12b6cf"),  # the Brexit Party renamed
    "dup": Party("DUP", "Democratic Unionist Party", "#d46a4c"),
    "sf": Party("SF", "Sinn Féin", "#326760"),
    "sdlp": Party("SDLP", "Social Democratic and Labour Party", "#2aa82c"),
    "uup": Party("UUP", "Ulster Unionist Party", "#48a5ee"),
    "alliance": Party("Alliance", "Alliance Party", "#f6cb2f"),
    "speaker": Party("Speaker", "The Speaker", "#777777"),
    "ind": Party("Ind", "Independent", "#aaaaaa"),
    "other": Party("Other", "Other parties", "#cccccc"),
}
#: For a code outside `PARTIES` (none of the readers makes one).
UNKNOWN = Party("?", "unknown party", "#bbbbbb")


def party_label(code: str) -> str:
    """The short label for ``code`` ("Lab", "LD", "Green"), or the code itself if unknown."""
    party = PARTIES.get(code)
    return party.short if party is not None else code


def party_colour(code: str) -> str:
    """The chart colour for ``code`` (grey if unknown)."""
    return PARTIES.get(code, UNKNOWN).colour


def party_code(labels: Mapping[str, str], label: str) -> str:
    """The code a publisher's ``label`` maps to in ``labels`` (``other`` if it has none)."""
    return labels.get(label, "other")


#: House of Commons Library ``party_name`` labels (2015-2024) with a code of their own.
HOC_PARTY_NAMES: dict[str, str] = {
    "Conservative": "con",
    "Labour": "lab",
    "Labour and Co-operative": "lab",
    "Liberal Democrat": "ld",
    "Scottish National Party": "snp",
    "Plaid Cymru": "pc",
    "Green": "green",
    "Scottish Green Party": "green",
    "Green Party NI": "green",
    "UK Independence Party": "ukip",
    "Brexit Party": "brexit",
    "Reform UK": "reform",
    "Democratic Unionist Party": "dup",
    "Sinn Fein": "sf",
    "Social Democratic and Labour Party": "sdlp",
    "Ulster Unionist Party": "uup",
    "Alliance": "alliance",
    "Speaker": "speaker",
    "Independent": "ind",
}

#: Electoral Commission GE2010 flat-file column headers (one column per party).
EC2010_COLUMNS: dict[str, str] = {
    "Con": "con",
    "Lab": "lab",
    "LD": "ld",
    "SNP": "snp",
    "PC": "pc",
    "Grn": "green",
    "UKIP": "ukip",
    "DUP": "dup",
    "SF": "sf",
    "SDLP": "sdlp",
    "UCUNF": "uup",  # joint Ulster Conservatives and Unionists ticket
    "APNI": "alliance",
    "Speaker": "speaker",
    "Ind1": "ind",
    "Ind2": "ind",
    "Ind3": "ind",
    "Ind4": "ind",
    "Ind5": "ind",
    # "Reform" (a minor 2010 party, not Reform UK) and "TUV" are deliberately "other".
}


#: Scottish Parliament labels: the Guardian feed's abbreviations and the full ballot names.
HOLYROOD_LABELS: dict[str, str] = {
    "SNP": "snp",
    "Scottish National Party": "snp",
    "Scottish National Party (SNP)": "snp",
    "Con": "con",
    "Scottish Conservatives": "con",
    "Scottish Conservative and Unionist Party": "con",
    "Lab": "lab",
    "Scottish Labour": "lab",
    "Scottish Labour Party": "lab",
    "Lib Dem": "ld",
    "Scottish Lib Dems": "ld",
    "Scottish Liberal Democrats": "ld",
    "Green": "green",
    "Scottish Green Party": "green",
    "UKIP": "ukip",
    "UK Independence Party": "ukip",
    "UK Independence Party (UKIP)": "ukip",
    "Ind": "ind",
    "Independent": "ind",
}


#: Rallings & Thrasher's notional 2019 results (the BBC's spreadsheet): its party columns,
#: less the trailing "v" (votes), with a code of their own; the ~55 other columns are minor
#: parties (``other``). "Speaker" is no column: psephos names the Speaker's votes so
#: (`psephos.uk.notionals`).
NOTIONAL_COLUMNS: dict[str, str] = {
    "Con": "con",
    "Lab": "lab",
    "LD": "ld",
    "Grn": "green",
    "Brx": "brexit",
    "SNP": "snp",
    "PC": "pc",
    "APNI": "alliance",
    "DUP": "dup",
    "SDLP": "sdlp",
    "SF": "sf",
    "UUP": "uup",
    "UKIP": "ukip",
    "Speaker": "speaker",
    "IND1": "ind",
    "IND2": "ind",
    "IND3": "ind",
    "IND4": "ind",
    "IND5": "ind",
    "IND6": "ind",
}
