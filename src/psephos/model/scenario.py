"""A pact scenario: who allies, who stands where, where the votes go, swing and noise.

Every setting is checked when the scenario is made, so a mistake surfaces before any
counting, as a `ScenarioError` naming the setting by its place in a scenario file.
Settings that need the election itself (seat names, regions, which parties stood)
are checked when the scenario is run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from psephos.model.errors import ScenarioError, code_of, codes_of, one_of, share
from psephos.model.presets import ALLIANCE, RENAMED, TRANSFER_PRESETS
from psephos.uk.tables import PARTY_CODES

#: Scottish Parliament elections a pact can be modelled on (additional member system).
AMS_ELECTIONS: tuple[str, ...] = ("sp2016", "sp2021", "sp2026")
STAND_ASIDE_RULES: tuple[str, ...] = ("best-placed", "incumbent", "listed")
SWING_MODELS: tuple[str, ...] = ("none", "uniform", "proportional")
SWING_LEVELS: tuple[str, ...] = ("national", "nation", "region")

# Rules of thumb for the noise, with their evidence in docs/pact.md.
NATIONAL_SD = 0.02  # per party per draw: typical error of final GB polls on a party's share
SEAT_SD = 0.04  # per candidate per draw: spread of seat swings around uniform swing, 2010-19
MAX_DRAWS = 1_000_000
SHARE_SLACK = 1e-9  # float shares that add up to "1" may overshoot by rounding


@dataclass(frozen=True)
class Scenario:
    """One pact scenario on one base election.

    ``stand_aside`` is ``best-placed`` (the alliance party with most votes in the seat at
    ``ranked_at``, default the base election, stands), ``incumbent`` (the alliance party
    that won the seat at the base election stands, else best-placed), ``listed`` (a pact
    only in the ``seats`` listed) or a party code of the alliance (that party stands
    everywhere). ``seats`` (constituency id or name -> party) overrides the rule.
    ``transfers`` rows (stood-down party -> destination -> share) override the ``preset``
    rows; parties without a row send ``transfer`` to the alliance candidate.

    Party codes may be typed in any case ("Lab"); they are kept lower-case, so a party
    typed twice in two spellings ("lab", "Lab") is named twice.
    """

    election: str
    alliance: tuple[str, ...]
    stand_aside: str = "best-placed"
    ranked_at: str | None = None
    seats: Mapping[str, str] = field(default_factory=dict)
    northern_ireland: bool = False
    speaker: bool = False
    transfer: float = 1.0
    preset: str = "flat"
    transfers: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    swing: str = "none"
    swing_by: str = "national"
    poll: Mapping[str, float] = field(default_factory=dict)
    area_polls: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    draws: int = 0
    seed: int = 0
    national_sd: float = NATIONAL_SD
    seat_sd: float = SEAT_SD
    transfer_sd: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.election, str) or not self.election:
            raise ScenarioError("election", "give the base election, e.g. ge2019")
        set_ = object.__setattr__
        set_(self, "alliance", _alliance(self.alliance, list_only=self.election in AMS_ELECTIONS))
        set_(self, "stand_aside", code_of("stand_aside.rule", self.stand_aside,
                                          [*STAND_ASIDE_RULES, *self.alliance]))
        if self.ranked_at is not None and (not isinstance(self.ranked_at, str)
                                           or not self.ranked_at):
            raise ScenarioError("stand_aside.ranked_at", f"{self.ranked_at!r} is not an "
                                "election name, e.g. ge2015")
        for name in ("northern_ireland", "speaker"):
            if not isinstance(getattr(self, name), bool):
                raise ScenarioError(f"scope.{name}", f"{getattr(self, name)!r} is not "
                                    "true or false")
        set_(self, "seats", {str(k): self._member(f"stand_aside.seats.{k}", v)
                             for k, v in dict(self.seats).items()})
        if self.stand_aside == "listed" and not self.seats:
            raise ScenarioError("stand_aside.seats", "the listed rule needs the seats to list: "
                                "write them in a scenario file's [stand_aside.seats] table "
                                "(\"Seat name\" = \"party\") and pass it with --scenario FILE")
        set_(self, "transfer", share("transfer.ally", self.transfer))
        one_of("transfer.preset", self.preset, list(TRANSFER_PRESETS))
        set_(self, "transfers", self._rows(dict(self.transfers)))
        for party in self.alliance:
            self.transfer_row(party)
        one_of("swing.model", self.swing, SWING_MODELS)
        one_of("swing.by", self.swing_by, SWING_LEVELS)
        set_(self, "poll", _poll("swing.poll", self.poll))
        set_(self, "area_polls", {str(a): _poll(f"swing.area_polls.{a}", p)
                                  for a, p in dict(self.area_polls).items()})
        if self.swing != "none" and not self.poll and not self.area_polls:
            raise ScenarioError("swing.poll", f"a {self.swing} swing needs poll shares")
        if self.swing == "none" and (self.poll or self.area_polls):
            raise ScenarioError("swing.model", "poll shares need a swing model to apply them: "
                                "uniform or proportional (the model is none)")
        if self.area_polls and self.swing_by == "national":
            raise ScenarioError("swing.by", "polls by area need swing by nation or region")
        set_(self, "draws", _count("draws.n", self.draws, MAX_DRAWS))
        set_(self, "seed", _count("draws.seed", self.seed, 2**63 - 1))
        for name in ("national_sd", "seat_sd", "transfer_sd"):
            set_(self, name, share(f"draws.{name}", getattr(self, name)))

    def _member(self, key: str, party: object) -> str:
        return code_of(key, party, list(self.alliance))

    def _rows(self, rows: dict[str, object]) -> dict[str, dict[str, float]]:
        """The ``transfers`` rows by party code (typed in any case, each party once)."""
        for typed in rows:
            if not isinstance(typed, str) or typed.casefold() not in self.alliance:
                raise ScenarioError(f"transfer.from.{typed}", f"{typed!r} is not in the alliance "
                                    f"({', '.join(self.alliance)}), so never stands down")
        parties = codes_of("transfer.from", rows, self.alliance)
        return {party: self._row(party, row)
                for party, row in zip(parties, rows.values(), strict=True)}

    def _row(self, party: str, row: object) -> dict[str, float]:
        key = f"transfer.from.{party}"
        if not isinstance(row, Mapping):
            raise ScenarioError(key, "expected a table of destination = share")
        for typed in row:
            if isinstance(typed, str) and typed.casefold() == RENAMED:
                raise ScenarioError(f"{key}.{typed}", f"{typed!r} is the Alliance Party's code; "
                                    "the candidate standing for the alliance is now "
                                    f"{ALLIANCE!r}")
        destinations = codes_of(key, row, [ALLIANCE, *(p for p in PARTY_CODES if p != party)],
                                where=lambda typed: f"{key}.{typed}")
        out = {destination: share(f"{key}.{typed}", value)
               for destination, (typed, value) in zip(destinations, row.items(), strict=True)}
        if sum(out.values()) > 1.0 + SHARE_SLACK:
            raise ScenarioError(key, f"the shares add up to {sum(out.values()):g}, over 1")
        return out

    def transfer_row(self, party: str) -> dict[str, float]:
        """Where a stood-down ``party``'s votes go: destination -> share (the rest abstains)."""
        row = dict(TRANSFER_PRESETS[self.preset].get(party, {ALLIANCE: self.transfer}))
        row.update(self.transfers.get(party, {}))
        row.setdefault(ALLIANCE, self.transfer)
        if sum(row.values()) > 1.0 + SHARE_SLACK:
            raise ScenarioError(f"transfer.from.{party}",
                                f"with the alliance share the shares add up to "
                                f"{sum(row.values()):g}, over 1")
        return row


def _alliance(parties: object, *, list_only: bool = False) -> tuple[str, ...]:
    """The alliance's codes; under AMS (``list_only``) it may be empty: a scenario of list
    tactics alone, with no constituency pact."""
    if isinstance(parties, str) or not isinstance(parties, tuple | list):
        raise ScenarioError("alliance", "expected a list of party codes, e.g. [\"lab\", \"ld\"]")
    chosen = codes_of("alliance", parties, PARTY_CODES)
    if list_only and not chosen:
        return ()
    if len(chosen) < 2:
        raise ScenarioError("alliance", "an alliance needs at least two parties"
                            + (" (or none, for list tactics alone)" if list_only else ""))
    return tuple(chosen)


def _poll(key: str, poll: object) -> dict[str, float]:
    if not isinstance(poll, Mapping):
        raise ScenarioError(key, "expected a table of party = share")
    parties = codes_of(key, poll, PARTY_CODES)
    out = {party: share(f"{key}.{typed}", value)
           for party, (typed, value) in zip(parties, poll.items(), strict=True)}
    if sum(out.values()) > 1.0 + SHARE_SLACK:
        raise ScenarioError(key, f"the shares add up to {sum(out.values()):g}, over 1")
    return out


def _count(key: str, value: object, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise ScenarioError(key, f"{value!r} is not a whole number from 0 to {most:,}")
    return value
