"""RCTab contest configuration files and the shared plumbing of the CVR readers.

An RCTab config (``<case>_config.json``) names the cast-vote-record files, the
candidates (with codes and aliases as the CVRs spell them) and the counting rules.
`load_config` checks and parses it; `read_profile` reads every CVR source into one
`Profile`, each vendor format in its own ``cvr_*`` module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from psephos.ballots.errors import (
    CELLS_PER_PREFERENCE,
    MIN_CELL_BUDGET,
    BallotFileError,
    check_candidates,
    check_matrix,
    shown,
    whole_number,
)
from psephos.ballots.json_file import read_json_object
from psephos.ballots.profile import OVERVOTE, SKIPPED, Profile, pack

#: The pseudo-candidate RCTab counts undeclared write-ins as.
UNDECLARED = "Undeclared Write-ins"
#: Largest ``maxRankingsAllowed`` accepted: RCTab's own limit ("max" or 1..1000000).
MAX_RANKINGS = 1_000_000


@dataclass(frozen=True)
class CvrSource:
    """One ``cvrFileSources`` entry; column and row indexes are 1-based as in the config."""

    path: Path
    provider: str
    contest_id: str = ""
    first_vote_column: int | None = None
    first_vote_row: int | None = None
    id_column: int | None = None
    precinct_column: int | None = None
    batch_column: int | None = None
    overvote_delimiter: str = ""
    overvote_label: str = ""
    skipped_rank_label: str = ""
    undeclared_label: str = ""
    blank_is_undeclared: bool = False


@dataclass(frozen=True)
class Candidate:
    name: str
    aliases: tuple[str, ...] = ()
    excluded: bool = False


@dataclass(frozen=True)
class RctabConfig:
    """A parsed RCTab config: where the CVRs are, who stands, and the raw ``rules``."""

    path: Path
    output: Mapping[str, Any]
    sources: tuple[CvrSource, ...]
    candidates: tuple[Candidate, ...]
    rules: Mapping[str, Any]

    def rule_int(self, key: str, default: int | None = None) -> int | None:
        """An integer rule, accepting RCTab's strings; "", "max", "unlimited": ``default``."""
        value = self.rules.get(key, "")
        if value in ("", None, "max", "unlimited"):
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = value.strip() if isinstance(value, str) else ""
        number = whole_number(text[1:] if text[:1] in ("-", "+") else text)
        if number is None:
            raise BallotFileError(self.path, f"expected a whole number, got {shown(value)}",
                                  field=f"rules.{key}")
        return -number if text.startswith("-") else number

    def max_rankings(self, default: int | None) -> int | None:
        """``maxRankingsAllowed``, 1 to `MAX_RANKINGS`; "max" (or unset) gives ``default``."""
        value = self.rule_int("maxRankingsAllowed")
        if value is None:
            return default
        if not 1 <= value <= MAX_RANKINGS:
            raise BallotFileError(self.path, f'expected "max" or 1 to {MAX_RANKINGS:,}, got '
                                  f"{shown(value)}", field="rules.maxRankingsAllowed")
        return value

    def rule_bool(self, key: str) -> bool:
        value = self.rules.get(key, False)
        return value if isinstance(value, bool) else str(value).strip().lower() == "true"

    def rule_str(self, key: str, default: str = "") -> str:
        value = self.rules.get(key, default)
        return default if value is None else str(value)

    @property
    def uses_undeclared(self) -> bool:
        return any(s.undeclared_label or s.blank_is_undeclared for s in self.sources)

    @property
    def candidate_names(self) -> tuple[str, ...]:
        names = tuple(c.name for c in self.candidates)
        return (*names, UNDECLARED) if self.uses_undeclared else names


def _index(value: object, path: Path, key: str) -> int | None:
    if value in ("", None):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number: int | None = value
    else:
        number = whole_number(value.strip()) if isinstance(value, str) else None
    if number is None:
        raise BallotFileError(path, f"expected a column or row number, got {shown(value)}",
                              field=key)
    if number < 1:
        raise BallotFileError(path, f"must be 1 or more, got {number}", field=key)
    return number


def _text(value: object, path: Path, key: str, *, numbers: bool = False,
          strip: bool = True) -> str:
    """A config string that can be printed and saved (JSON escapes allow lone surrogates).

    None counts as ""; ``numbers`` also accepts a JSON whole number (an Id written bare).
    """
    if value is None:
        return ""
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise BallotFileError(path, f"expected a string, got {shown(value)}", field=key)
    text = value.strip() if strip else value
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BallotFileError(path, "contains a character that is not valid Unicode",
                              field=key) from None
    return text


def _file_path(config: Path, value: object, key: str) -> Path:
    """The CVR file or folder ``value`` names, relative to the config's folder."""
    text = _text(value, config, key)
    if not text:
        raise BallotFileError(config, "needs a filePath", field=key)
    if "\0" in text:
        raise BallotFileError(config, "contains a NUL character", field=key)
    try:
        return (config.parent / text).resolve()
    except (OSError, ValueError, RuntimeError) as exc:  # e.g. a name too long, a symlink loop
        raise BallotFileError(config, f"unusable path ({exc})", field=key) from None


def load_config(path: str | Path) -> RctabConfig:
    """Read and check an RCTab contest config."""
    path = Path(path)
    data = read_json_object(path, "a JSON object")
    for key in ("cvrFileSources", "candidates", "rules"):
        if key not in data:
            raise BallotFileError(path, "missing", field=key)
    for key in ("rules", "outputSettings"):
        if not isinstance(data.get(key, {}), dict):
            raise BallotFileError(path, "expected an object", field=key)
    if not isinstance(data["cvrFileSources"], list) or not isinstance(data["candidates"], list):
        raise BallotFileError(path, "expected lists", field="cvrFileSources/candidates")
    sources = []
    for i, raw in enumerate(data["cvrFileSources"]):
        where = f"cvrFileSources[{i}]"
        if not isinstance(raw, dict) or not raw.get("filePath") or not raw.get("provider"):
            raise BallotFileError(path, "needs a filePath and a provider", field=where)
        sources.append(CvrSource(
            path=_file_path(path, raw["filePath"], f"{where}.filePath"),
            provider=_text(raw["provider"], path, f"{where}.provider"),
            contest_id=_text(raw.get("contestId"), path, f"{where}.contestId", numbers=True,
                             strip=False),
            first_vote_column=_index(raw.get("firstVoteColumnIndex"), path,
                                     f"{where}.firstVoteColumnIndex"),
            first_vote_row=_index(raw.get("firstVoteRowIndex"), path, f"{where}.firstVoteRowIndex"),
            id_column=_index(raw.get("idColumnIndex"), path, f"{where}.idColumnIndex"),
            precinct_column=_index(raw.get("precinctColumnIndex"), path,
                                   f"{where}.precinctColumnIndex"),
            batch_column=_index(raw.get("batchColumnIndex"), path, f"{where}.batchColumnIndex"),
            overvote_delimiter=_text(raw.get("overvoteDelimiter"), path,
                                     f"{where}.overvoteDelimiter", strip=False),
            overvote_label=_text(raw.get("overvoteLabel"), path, f"{where}.overvoteLabel"),
            skipped_rank_label=_text(raw.get("skippedRankLabel"), path,
                                     f"{where}.skippedRankLabel"),
            undeclared_label=_text(raw.get("undeclaredWriteInLabel"), path,
                                   f"{where}.undeclaredWriteInLabel"),
            blank_is_undeclared=bool(raw.get("treatBlankAsUndeclaredWriteIn") is True),
        ))
    check_candidates(path, len(data["candidates"]))
    candidates: list[Candidate] = []
    for i, raw in enumerate(data["candidates"]):
        if not isinstance(raw, dict):
            raise BallotFileError(path, "expected a candidate object", field=f"candidates[{i}]")
        name = _text(raw.get("name"), path, f"candidates[{i}].name")
        if not name:
            raise BallotFileError(path, "a candidate needs a name", field=f"candidates[{i}]")
        raw_aliases = raw.get("aliases") or []
        if not isinstance(raw_aliases, list):
            raise BallotFileError(path, "expected a list of names",
                                  field=f"candidates[{i}].aliases")
        aliases = [_text(a, path, f"candidates[{i}].aliases[{j}]", numbers=True)
                   for j, a in enumerate(raw_aliases)]
        code = _text(raw.get("code"), path, f"candidates[{i}].code", numbers=True)
        if code:
            aliases.append(code)
        if name == UNDECLARED or name in (c.name for c in candidates):
            raise BallotFileError(path, f"candidate name {name!r} is used twice or reserved",
                                  field=f"candidates[{i}].name")
        candidates.append(Candidate(name, tuple(aliases), bool(raw.get("excluded") is True)))
    output = dict(data.get("outputSettings") or {})
    output["contestName"] = _text(output.get("contestName", ""), path,
                                  "outputSettings.contestName", numbers=True)
    return RctabConfig(path, output, tuple(sources), tuple(candidates), data["rules"])


@dataclass
class BallotSink:
    """Collects ballots as rank codes and collapses identical ones.

    Ranks the voter left empty become `SKIPPED` (trailing ones are dropped: they
    change nothing); a rank marked for several candidates becomes an overvote code.
    """

    config: RctabConfig
    merged: dict[tuple[int, ...], int] = field(default_factory=dict)
    blank: int = 0
    #: The CVR source being read (`read_profile` sets it), for errors about its ballots.
    source: CvrSource | None = None
    _sets: dict[tuple[int, ...], int] = field(default_factory=dict)
    _lookup: dict[str, int] = field(default_factory=dict)
    _preferences: int = 0
    _cells: int = 0

    def __post_init__(self) -> None:
        self.max_rank: int = (self.config.max_rankings(len(self.config.candidate_names))
                              or len(self.config.candidate_names))
        for i, cand in enumerate(self.config.candidates):
            for label in (cand.name, *cand.aliases):
                self._lookup.setdefault(" ".join(label.split()), i)
        if self.config.uses_undeclared:
            self.undeclared: int | None = len(self.config.candidates)
            self._lookup.setdefault(UNDECLARED, self.undeclared)
        else:
            self.undeclared = None

    def candidate(self, label: str, source: CvrSource, *, line: int | None,
                  column: str | None = None, field_name: str | None = None) -> int:
        """The candidate index of a CVR label (name, code or alias); ``column`` or
        ``field_name`` says where the label was, for the error if it is unknown."""
        found = self._lookup.get(label)
        if found is None:
            found = self._lookup.get(" ".join(label.split()))
        if found is not None:
            return found
        if self.undeclared is not None and source.undeclared_label == label:
            return self.undeclared
        raise BallotFileError(source.path, f"unknown candidate {label!r}", line=line,
                              field=column or field_name)

    def overvote(self, candidates: Iterable[int]) -> int:
        """The code of a rank marked for ``candidates`` (empty: an overvote of unknown marks)."""
        key = tuple(sorted(set(candidates)))
        if key not in self._sets:
            self._sets[key] = len(self._sets)
        return OVERVOTE - self._sets[key]

    def add(self, codes: Iterable[int]) -> None:
        """One ballot, as one code per rank in order."""
        row = list(codes)
        while row and row[-1] == SKIPPED:
            row.pop()
        if not row:
            self.blank += 1
            return
        self._preferences += len(row) - row.count(SKIPPED)
        key = tuple(row)
        count = self.merged.get(key)
        if count is None:
            self._cells += len(key)
            self._check_cells()
        self.merged[key] = (count or 0) + 1

    def _check_cells(self) -> None:
        """Refuse distinct rankings whose stored ranks dwarf the preferences read (a few
        marks at huge ranks); `profile` checks the padded matrix the same way."""
        if self._cells > max(MIN_CELL_BUDGET, CELLS_PER_PREFERENCE * self._preferences):
            path = self.source.path if self.source is not None else self.config.path
            raise BallotFileError(
                path, f"{len(self.merged) + 1:,} distinct rankings would store {self._cells:,} "
                f"ranks; the CVRs spell out only {self._preferences:,} preferences",
                field="ballots")

    def add_marks(self, marks: Mapping[int, set[int]]) -> None:
        """One ballot as rank (1-based) -> the candidates marked at that rank.

        Ranks beyond ``maxRankingsAllowed`` (for "max", one per candidate) are not
        read, as RCTab does not read them. Readers check that ranks are 1 or more.
        """
        marks = {rank: cands for rank, cands in marks.items() if rank <= self.max_rank}
        if not marks:
            self.blank += 1
            return
        row = [SKIPPED] * max(marks)
        for rank, cands in marks.items():
            row[rank - 1] = next(iter(cands)) if len(cands) == 1 else self.overvote(cands)
        self.add(row)

    def profile(self) -> Profile:
        withdrawn = [i for i, c in enumerate(self.config.candidates) if c.excluded]
        overvotes = [k for k, _ in sorted(self._sets.items(), key=lambda kv: kv[1])]
        check_matrix(self.config.path, self.merged, self._preferences)
        return pack(self.config.candidate_names, self.merged, blank=self.blank,
                    withdrawn=withdrawn, overvotes=overvotes,
                    title=str(self.config.output.get("contestName", "")))


def read_profile(config: RctabConfig) -> Profile:
    """Read every CVR source of ``config`` into one profile."""
    readers = {
        "ess": "cvr_ess",
        "cdf": "cvr_cdf",
        "dominion": "cvr_dominion",
        "clearBallot": "cvr_clearballot",
        "hart": "cvr_hart",
        "genericCsv": "cvr_generic_csv",
    }
    if not config.candidates:  # checked here, not on loading: rules errors come first
        raise BallotFileError(config.path, "at least one candidate is needed", field="candidates")
    sink = BallotSink(config)
    for i, source in enumerate(config.sources):
        module = readers.get(source.provider)
        if module is None:
            raise BallotFileError(config.path, f"unsupported CVR provider {source.provider!r}",
                                  field=f"cvrFileSources[{i}].provider")
        reader = import_module(f"psephos.ballots.{module}")  # lazily: they import this module
        where = f"cvrFileSources[{i}].filePath"
        try:
            found = source.path.exists()
        except (OSError, ValueError) as exc:
            raise BallotFileError(config.path, f"unusable path ({exc})", field=where) from None
        if not found:
            raise BallotFileError(config.path, f"CVR file or folder not found: {source.path}",
                                  field=where)
        sink.source = source
        try:
            reader.read(source, sink)
        except OSError as exc:
            raise BallotFileError(source.path, f"cannot read: {exc.strerror or exc}") from None
    return sink.profile()
