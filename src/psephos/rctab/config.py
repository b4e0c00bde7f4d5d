"""RCTab contest configuration files.

An RCTab config (``<case>_config.json``) names the cast-vote-record files, the
candidates (with codes and aliases as the CVRs spell them) and the counting rules.
`load_config` checks and parses it; `psephos.rctab.cvr.formats.read_profile` reads
its CVR sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.ballots.errors import BallotFileError, check_candidates, shown, whole_number
from psephos.rctab.documents import read_json_object

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
