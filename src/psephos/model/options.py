"""Scenario settings from option text: the CLI's flags and the explorer's URL parameters.

Both front doors read a pact as words (``lab,ld``, ``con=0.38,lab=0.3``, ``gb``) and
hand the same keyword arguments to `Scenario`, so a scenario typed either way is the
same scenario. A mistake is a `ScenarioError` keyed like a scenario file's setting
(``swing.poll``, ``scope``), for each front door to name its own flag or parameter.
"""

from __future__ import annotations

from typing import Any

from psephos.model.errors import ScenarioError

#: ``--scope`` / ``scope``: the seats a pact covers -> (northern_ireland, speaker).
SCOPES: dict[str, tuple[bool, bool]] = {"gb": (False, False), "uk": (True, False),
                                        "all": (True, True)}


def option_settings(*, election: str | None = None, alliance: str | None = None,
                    stand_aside: str | None = None, ranked_at: str | None = None,
                    transfer: float | None = None, preset: str | None = None,
                    poll: list[str] | None = None, swing: str | None = None,
                    swing_by: str | None = None, scope: str | None = None,
                    draws: int | None = None, seed: int | None = None,
                    national_sd: float | None = None, seat_sd: float | None = None,
                    transfer_sd: float | None = None) -> dict[str, Any]:
    """`Scenario` keyword arguments for the options given (those left `None` are left out,
    for a scenario file's settings or the defaults to fill)."""
    given: dict[str, Any] = {
        "election": election, "stand_aside": stand_aside, "ranked_at": ranked_at,
        "transfer": transfer, "preset": preset, "swing": swing, "swing_by": swing_by,
        "draws": draws, "seed": seed, "national_sd": national_sd, "seat_sd": seat_sd,
        "transfer_sd": transfer_sd,
    }
    if alliance is not None:
        given["alliance"] = alliance_codes(alliance)
    if scope is not None:
        given["northern_ireland"], given["speaker"] = scope_flags(scope)
    if poll:
        national, areas = poll_shares(poll)
        if national:
            given["poll"] = national
        if areas:
            given["area_polls"] = areas
    return {key: value for key, value in given.items() if value is not None}


def alliance_codes(text: str) -> tuple[str, ...]:
    """``lab, ld,green`` as ``("lab", "ld", "green")`` (`Scenario` checks the codes)."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


def scope_flags(scope: str) -> tuple[bool, bool]:
    """(northern_ireland, speaker) for a scope name in `SCOPES`."""
    if scope not in SCOPES:
        raise ScenarioError("scope", f"{scope!r} is not a choice; choose one of "
                            f"{', '.join(SCOPES)}")
    return SCOPES[scope]


def poll_shares(values: list[str]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Poll values ``con=0.38,lab=0.3`` or ``Scotland:snp=0.4,lab=0.2``: national shares
    and shares by area (`Scenario` checks the parties and the shares)."""
    national: dict[str, float] = {}
    areas: dict[str, dict[str, float]] = {}
    for value in values:
        area, _, shares = value.rpartition(":") if ":" in value else ("", "", value)
        into = areas.setdefault(area.strip(), {}) if area.strip() else national
        for item in shares.split(","):
            party, equals, number = item.partition("=")
            if party.strip() in into:
                raise ScenarioError("swing.poll", f"{party.strip()} is named twice"
                                    + (f" for {area.strip()}" if area.strip() else ""))
            try:
                into[party.strip()] = float(number)
            except ValueError:
                raise ScenarioError("swing.poll", f"{item.strip()!r} is not party=share "
                                    "(e.g. con=0.38)") from None
            if not equals:
                raise ScenarioError("swing.poll", f"{item.strip()!r} is not party=share "
                                    "(e.g. con=0.38)")
    return national, areas


def poll_text(national: dict[str, float] | Any, areas: dict[str, Any] | Any) -> list[str]:
    """Poll shares written back as poll values (`poll_shares` reads them back the same)."""
    def shares(poll: Any) -> str:
        return ",".join(f"{party}={share!r}" for party, share in poll.items())

    out = [shares(national)] if national else []
    out.extend(f"{area}:{shares(poll)}" for area, poll in areas.items())
    return out
