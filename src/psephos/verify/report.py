"""What a verification says: one `Check` a line, and the exit status they add up to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "fail", "warn"]

#: Exit statuses: every check passed; a check failed; the record cannot be read (given by
#: the caller of `read_record`); every check passed but a mix has no published proof.
PASSED, FAILED, UNREADABLE, UNPROVED_MIX = 0, 1, 2, 3


@dataclass(frozen=True)
class Check:
    """One check: what was checked, its result and the figures behind it. ``unproved``
    marks the failure "no proof of shuffle published", which has its own exit status."""

    name: str
    status: Status
    detail: str
    unproved: bool = False

    @property
    def ok(self) -> bool:
        return self.status != "fail"

    def line(self) -> str:
        label = {"pass": "ok  ", "fail": "FAIL", "warn": "WARN"}[self.status]
        return f"{label}  {self.name}: {self.detail}"

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "result": self.status, "detail": self.detail}


def passed(name: str, detail: str) -> Check:
    return Check(name, "pass", detail)


def failed(name: str, detail: str) -> Check:
    return Check(name, "fail", detail)


@dataclass
class Report:
    """Every check of a record, in the order they ran."""

    folder: str
    checks: list[Check] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        failures = [c for c in self.checks if not c.ok]
        if any(not c.unproved for c in failures):
            return FAILED
        return UNPROVED_MIX if failures else PASSED

    def summary(self) -> str:
        """``30 checks: 28 passed, 2 warnings``."""
        counts = [(sum(c.status == status for c in self.checks), word) for status, word in
                  (("pass", "passed"), ("fail", "failed"), ("warn", "warnings"))]
        return f"{len(self.checks)} checks: " + ", ".join(
            f"{n} {word}" for n, word in counts if n)

    def to_json(self) -> dict[str, Any]:
        return {"format": "psephos-verification/1", "record": self.folder,
                "verified": self.exit_status == PASSED, "exit_status": self.exit_status,
                "checks": [c.to_json() for c in self.checks]}
