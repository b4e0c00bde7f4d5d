"""Named transfer matrices: where a stood-down party's voters go, with the source of each.

A row maps a stood-down party to destinations: ``ally`` (whichever alliance candidate
stands in the seat) or a party code (that party's candidate, if it stands there). What a
row does not hand out abstains. A party without a row sends the scenario's flat
``transfer`` share to the alliance candidate (1.0 by default: every vote, as the
published "add the votes up" pact claims assume).
"""

from __future__ import annotations

from collections.abc import Mapping

#: The destination keyword for the candidate standing for the alliance. It was
#: ``alliance`` until that clashed with the Alliance Party's code (`RENAMED`).
ALLIANCE = "ally"
RENAMED = "alliance"

EC_TACTICAL_PARAMS = "https://www.electoralcalculus.co.uk/tactical_params.html"

TRANSFER_PRESETS: Mapping[str, Mapping[str, Mapping[str, float]]] = {
    # No rows: every stood-down party sends the flat `transfer` share to the alliance.
    "flat": {},
    # Electoral Calculus, tactical-voting parameters (rev. 27 Jun 2024), the "close contest"
    # matrix for a Labour-Reform contest: LD voters 65% Lab / 26% stay / 9% Reform; Green
    # voters 66% Lab / 30% stay / 3% Reform. Here the Labour share goes to the alliance
    # candidate and the "stay" share abstains (their own party has stood down).
    "ec-close-contest-2024": {
        "ld": {ALLIANCE: 0.65, "reform": 0.09},
        "green": {ALLIANCE: 0.66, "reform": 0.03},
    },
}

PRESET_SOURCES: Mapping[str, str] = {
    "flat": "the scenario's `transfer` share (default 1.0, full transfer)",
    "ec-close-contest-2024": EC_TACTICAL_PARAMS,
}
