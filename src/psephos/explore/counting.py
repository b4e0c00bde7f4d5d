"""Counting an uploaded ballot file (or a shipped example) exactly as ``psephos count`` does.

The upload is written to a private temporary folder under the name the user gave it (so
the readers detect its format by suffix as they do for a file on disk), read, counted and
deleted: nothing is stored. Errors name the uploaded file, never the temporary path.
Every figure comes from `psephos.rules`; the outputs are `psephos.reports`' and
`psephos.rctab.summary`'s writers, so downloads are byte for byte what the CLI writes.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import Profile
from psephos.ballots.readers import read_profile
from psephos.count import Count
from psephos.errors import FileProblem
from psephos.rctab.summary import profile_report, summary_text
from psephos.reports.csv import write_count_csv
from psephos.reports.json import count_to_json
from psephos.rules.errors import RuleError
from psephos.rules.registry import count, count_options
from psephos.rules.ties import check_lot_order

#: The outputs a count can be downloaded as: name -> (file suffix, media type).
OUTPUTS = {
    "json": (".json", "application/json"),
    "csv": (".csv", "text/csv"),
    "rctab": ("-summary.json", "application/json"),
}
#: Suffixes kept from an uploaded file's name (the readers tell formats apart by them).
_SUFFIXES = (".blt", ".csv", ".json", ".txt")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class CountProblem(ValueError):
    """A count the explorer cannot make from what was sent: said plainly, for a 400."""


@dataclass(frozen=True)
class CountRequest:
    """What to count and how: the rule (None: the CLI's default), seats (None: as the file
    declares), input format (None: detect), seed, lot order and ``KEY=VALUE`` options."""

    method: str | None = None
    seats: int | None = None
    format: str | None = None
    seed: int | None = None
    lot_order: tuple[str, ...] = ()
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Counted:
    """A finished count and the file it came from."""

    name: str
    profile: Profile
    count: Count

    def output(self, kind: str) -> str:
        """The download ``kind`` (`OUTPUTS`) as text, as ``psephos count`` writes it."""
        if kind == "json":
            return count_to_json(self.count) + "\n"
        if kind == "csv":
            stream = io.StringIO(newline="")
            write_count_csv(self.count, stream)
            return stream.getvalue()
        if kind == "rctab":
            return summary_text(profile_report(self.count, self.profile))
        raise CountProblem(f"output: expected one of {', '.join(OUTPUTS)}, not {kind!r}")

    def filename(self, kind: str) -> str:
        """The download's file name: the upload's stem and the output's suffix."""
        return Path(self.name).stem + OUTPUTS[kind][0]


def examples_folder() -> Path:
    """The shipped example ballot files (``PSEPHOS_EXPLORE_EXAMPLES`` overrides)."""
    return Path(settings.PSEPHOS_EXPLORE_EXAMPLES)


def examples() -> list[str]:
    """The names of the example ballot files one may count without uploading."""
    folder = examples_folder()
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir()
                  if path.is_file() and path.suffix.casefold() in _SUFFIXES)


def count_example(name: str, request: CountRequest) -> Counted:
    """Count the shipped example ``name`` (one of `examples`, nothing else on disk)."""
    if name not in examples():
        raise CountProblem(f"example: expected one of {', '.join(examples()) or '(none)'}")
    return _count_path(examples_folder() / name, name, request)


def count_upload(chunks: Iterable[bytes], name: str, request: CountRequest) -> Counted:
    """Count an uploaded file given as byte ``chunks`` under the user's file ``name``; the
    temporary copy is deleted before this returns, whatever happens."""
    shown = safe_name(name)
    with tempfile.TemporaryDirectory(prefix="psephos-count-") as folder:
        path = Path(folder) / shown
        with path.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return _count_path(path, shown, request)


def safe_name(name: str) -> str:
    """The uploaded file's base name, reduced to plain characters, its suffix kept."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "ballots"
    return base[:100]


def _count_path(path: Path, name: str, request: CountRequest) -> Counted:
    try:
        profile = read_profile(path, request.format)
        order = check_lot_order(profile.candidates, request.lot_order) \
            if request.lot_order else None
        method, options = count_options(profile, request.method, request.seats,
                                        seed=request.seed, lot_order=order,
                                        pairs=request.options)
        result = count(profile, method, request.seats, **options)
    except FileProblem as error:
        raise CountProblem(str(_renamed(error, name))) from None
    except RuleError as error:
        raise CountProblem(f"{name}: {error}") from None
    return Counted(name, profile, result)


def _renamed(error: FileProblem, name: str) -> FileProblem:
    """``error`` naming the uploaded file rather than its temporary copy."""
    return BallotFileError(name, error.message, line=error.line, field=error.field)
