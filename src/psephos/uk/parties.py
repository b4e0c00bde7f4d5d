"""Publisher party labels -> normalised party codes, by exact label only.

The mapping is the one documented in ../shared/data/uk/README.md: a label not listed
here is ``other`` (e.g. "Alliance for Green Socialism", "Traditional Unionist Voice"),
and the label itself is always kept beside the code.
"""

from __future__ import annotations

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


def hoc_party_code(party_name: str) -> str:
    """The code for a House of Commons Library party label (``other`` if it has none)."""
    return HOC_PARTY_NAMES.get(party_name, "other")


def ec2010_party_code(column: str) -> str:
    """The code for an Electoral Commission GE2010 flat-file party column."""
    return EC2010_COLUMNS.get(column, "other")


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


def holyrood_party_code(label: str) -> str:
    """The code for a Scottish Parliament party label (``other`` if it has none)."""
    return HOLYROOD_LABELS.get(label, "other")
