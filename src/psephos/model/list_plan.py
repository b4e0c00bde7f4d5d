"""The list layer of a pact under the additional member system: who stands on the
regional lists and where list votes go.

A scenario file's ``[list]`` table::

    new = ["Alba"]                      # lists that did not stand at the base election
    withdrawn = ["lab"]                 # parties that do not stand on the list
    regions = ["Glasgow"]               # where all this applies (default: every region)
    [list.from.snp]                     # a share of the SNP's list voters ...
    Alba = 0.333                        # ... give their list vote to Alba instead

A party that still stands keeps the share of its list vote its row does not move; a
withdrawn party's unmoved share abstains. Names are checked against the election when the
scenario is run (`psephos.model.ams`); here only their shape is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from psephos.model.errors import ScenarioError, share

SHARE_SLACK = 1e-9


@dataclass(frozen=True)
class ListPlan:
    """List tactics: ``new`` lists (start at 0 votes), ``withdrawn`` lists, and
    ``transfers`` (source -> destination -> share of the source's list vote), applied in
    ``regions`` (empty: every region). Names are as typed; `psephos.model.ams` resolves
    them to the election's list contestants, ignoring case."""

    new: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    transfers: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    regions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("new", "withdrawn", "regions"):
            set_(self, name, _names(f"list.{name}", getattr(self, name)))
        if not isinstance(self.transfers, Mapping):
            raise ScenarioError("list.from", "expected a table of party = { destination = "
                                "share }")
        rows: dict[str, dict[str, float]] = {}
        for source, row in self.transfers.items():
            key = f"list.from.{source}"
            if not isinstance(row, Mapping) or not row:
                raise ScenarioError(key, "expected a table of destination = share")
            out = {str(d): share(f"{key}.{d}", v) for d, v in row.items()}
            if sum(out.values()) > 1.0 + SHARE_SLACK:
                raise ScenarioError(key, f"the shares add up to {sum(out.values()):g}, over 1")
            rows[str(source)] = out
        set_(self, "transfers", rows)

    @property
    def empty(self) -> bool:
        """Whether the plan changes nothing on the lists."""
        return not (self.new or self.withdrawn or self.transfers)


def _names(key: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise ScenarioError(key, "expected a list of names, e.g. [\"Alba\"]")
    out: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError(key, f"{value!r} is not a name")
        if value.strip().casefold() in (o.casefold() for o in out):
            raise ScenarioError(key, f"{value.strip()} is named twice")
        out.append(value.strip())
    return tuple(out)
