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

from psephos.ballots.errors import BallotFileError
from psephos.ballots.json_file import read_json_object
from psephos.ballots.profile import OVERVOTE, SKIPPED, Profile, pack

#: The pseudo-candidate RCTab counts undeclared write-ins as.
UNDECLARED = "Undeclared Write-ins"


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
        """An integer rule, accepting RCTab's strings; "" and "max" give ``default``."""
        value = self.rules.get(key, "")
        if value in ("", None, "max"):
            return default
        try:
            return int(str(value).strip())
        except ValueError:
            raise BallotFileError(self.path, f"expected a whole number, got {value!r}",
                                  field=f"rules.{key}") from None

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
    try:
        number = int(str(value).strip())
    except ValueError:
        raise BallotFileError(path, f"expected a column or row number, got {value!r}",
                              field=key) from None
    if number < 1:
        raise BallotFileError(path, f"must be 1 or more, got {number}", field=key)
    return number


def _text(value: object, path: Path, key: str) -> str:
    """A config string that can be printed and saved (JSON escapes allow lone surrogates)."""
    text = str(value).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BallotFileError(path, "contains a character that is not valid Unicode",
                              field=key) from None
    return text


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
            path=(path.parent / str(raw["filePath"])).resolve(),
            provider=str(raw["provider"]),
            contest_id=str(raw.get("contestId") or ""),
            first_vote_column=_index(raw.get("firstVoteColumnIndex"), path,
                                     f"{where}.firstVoteColumnIndex"),
            first_vote_row=_index(raw.get("firstVoteRowIndex"), path, f"{where}.firstVoteRowIndex"),
            id_column=_index(raw.get("idColumnIndex"), path, f"{where}.idColumnIndex"),
            precinct_column=_index(raw.get("precinctColumnIndex"), path,
                                   f"{where}.precinctColumnIndex"),
            batch_column=_index(raw.get("batchColumnIndex"), path, f"{where}.batchColumnIndex"),
            overvote_delimiter=str(raw.get("overvoteDelimiter") or ""),
            overvote_label=str(raw.get("overvoteLabel") or "").strip(),
            skipped_rank_label=str(raw.get("skippedRankLabel") or "").strip(),
            undeclared_label=str(raw.get("undeclaredWriteInLabel") or "").strip(),
            blank_is_undeclared=bool(raw.get("treatBlankAsUndeclaredWriteIn") is True),
        ))
    candidates: list[Candidate] = []
    for i, raw in enumerate(data["candidates"]):
        if not isinstance(raw, dict) or not str(raw.get("name") or "").strip():
            raise BallotFileError(path, "a candidate needs a name", field=f"candidates[{i}]")
        raw_aliases = raw.get("aliases") or []
        if not isinstance(raw_aliases, list):
            raise BallotFileError(path, "expected a list of names",
                                  field=f"candidates[{i}].aliases")
        aliases = [_text(a, path, f"candidates[{i}].aliases") for a in raw_aliases]
        if raw.get("code"):
            aliases.append(_text(raw["code"], path, f"candidates[{i}].code"))
        name = _text(raw["name"], path, f"candidates[{i}].name")
        if name == UNDECLARED or name in (c.name for c in candidates):
            raise BallotFileError(path, f"candidate name {name!r} is used twice or reserved",
                                  field=f"candidates[{i}].name")
        candidates.append(Candidate(name, tuple(aliases), bool(raw.get("excluded") is True)))
    output = dict(data.get("outputSettings") or {})
    output["contestName"] = _text(output.get("contestName", ""), path,
                                  "outputSettings.contestName")
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
    _sets: dict[tuple[int, ...], int] = field(default_factory=dict)
    _lookup: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.max_rank = (self.config.rule_int("maxRankingsAllowed")
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
        key = tuple(row)
        self.merged[key] = self.merged.get(key, 0) + 1

    def add_marks(self, marks: Mapping[int, set[int]]) -> None:
        """One ballot as rank (1-based) -> the candidates marked at that rank.

        Ranks beyond ``maxRankingsAllowed`` (for "max", one per candidate) are not
        read, as RCTab does not read them.
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
        try:
            reader.read(source, sink)
        except OSError as exc:
            raise BallotFileError(source.path, f"cannot read: {exc.strerror or exc}") from None
    return sink.profile()
