"""The harness's one table: a row per goal and database, with what was measured."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One goal on one database. ``met`` None: could not be measured (``measured`` says
    why), which counts as not met."""

    check: str
    database: str
    goal: str
    measured: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "NO", None: "not measured"}[self.met]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row]) -> str:
    lines = ["| check | database | goal | measured | met |", "|---|---|---|---|---|"]
    lines += [f"| {_cell(r.check)} | {r.database} | {_cell(r.goal)} | {_cell(r.measured)} | "
              f"{r.verdict} |" for r in rows]
    return "\n".join(lines)


def summary(rows: list[Row]) -> str:
    met = sum(1 for r in rows if r.met)
    return f"{met} of {len(rows)} goals met"
