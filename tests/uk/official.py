"""Official figures the tests check against, each with its source.

Seat totals: the House of Commons Library's general-election briefings (CBP-7186 for 2015,
CBP-7979 for 2017, CBP-8749 for 2019, CBP-10009 for 2024; for 2010 the Electoral Commission's
results and CBP-8647), as listed in ../shared/data/uk/README.md. Valid votes: the sum of the
publishers' constituency valid-vote figures (README, "Total valid votes").
"""

from __future__ import annotations

SEATS: dict[str, dict[str, int]] = {
    "ge2010": {"con": 306, "lab": 258, "ld": 57, "dup": 8, "snp": 6, "sf": 5, "pc": 3,
               "sdlp": 3, "green": 1, "alliance": 1, "ind": 1, "speaker": 1},
    "ge2015": {"con": 330, "lab": 232, "snp": 56, "ld": 8, "dup": 8, "sf": 4, "pc": 3,
               "sdlp": 3, "uup": 2, "ukip": 1, "green": 1, "ind": 1, "speaker": 1},
    "ge2017": {"con": 317, "lab": 262, "snp": 35, "ld": 12, "dup": 10, "sf": 7, "pc": 4,
               "green": 1, "ind": 1, "speaker": 1},
    "ge2019": {"con": 365, "lab": 202, "snp": 48, "ld": 11, "dup": 8, "sf": 7, "pc": 4,
               "sdlp": 2, "green": 1, "alliance": 1, "speaker": 1},
    # Rallings & Thrasher's notional winners on the 2024 seats (their Win19 column; README,
    # "Added 2026-12-05"), which the count of their votes must reproduce.
    "ge2019-notional": {"con": 372, "lab": 200, "snp": 48, "ld": 8, "dup": 8, "sf": 7, "pc": 2,
                        "sdlp": 2, "green": 1, "alliance": 1, "speaker": 1},
    "ge2024": {"lab": 411, "con": 121, "ld": 72, "snp": 9, "sf": 7, "ind": 6, "reform": 5,
               "dup": 5, "green": 4, "pc": 4, "sdlp": 2, "alliance": 1, "uup": 1, "other": 1,
               "speaker": 1},
}

VALID_VOTES: dict[str, int] = {
    "ge2010": 29_687_604,
    "ge2015": 30_697_525,
    "ge2017": 32_204_184,
    "ge2019": 32_014_110,
    "ge2024": 28_808_662,
    # The sum of the notional spreadsheet's total_votes column (test_notionals checks it): 9
    # more than the 32,014,110 declared in 2019, from the notional re-allocation's rounding.
    "ge2019-notional": 32_014_119,
}

#: HoC Library "first party" abbreviations (2017-2024 constituency files) -> party codes.
FIRST_PARTY: dict[str, str] = {
    "Con": "con", "Lab": "lab", "LD": "ld", "SNP": "snp", "PC": "pc", "Green": "green",
    "DUP": "dup", "SF": "sf", "SDLP": "sdlp", "UUP": "uup", "Alliance": "alliance",
    "APNI": "alliance", "Spk": "speaker", "Ind": "ind", "RUK": "reform", "TUV": "other",
}

#: Holyrood 2016 list seats by region (ballotbox.scot / BBC, README "holyrood2016" section).
HOLYROOD_LIST_SEATS: dict[str, dict[str, int]] = {
    "Central Scotland": {"lab": 4, "con": 3},
    "Glasgow": {"lab": 4, "con": 2, "green": 1},
    "Lothian": {"con": 3, "lab": 2, "green": 2},
    "Mid Scotland and Fife": {"con": 4, "lab": 2, "green": 1},
    "West Scotland": {"lab": 3, "con": 3, "green": 1},
}
