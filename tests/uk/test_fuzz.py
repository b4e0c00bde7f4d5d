"""Mutated publisher files end in one clean error (file, line), never in a traceback."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from psephos.cli.main import app
from psephos.uk import (
    DataFileError,
    UKDataError,
    load_general_election,
    load_london_mayor,
    load_scottish_parliament,
)
from psephos.uk.catalogue import ELECTIONS
from psephos.uk.london2021 import load_london2021
from psephos.uk.senedd import load_senedd

LOADERS: dict[str, Callable[..., object]] = {
    "ge2010": lambda **kw: load_general_election("ge2010", **kw),
    "ge2019": lambda **kw: load_general_election("ge2019", **kw),
    "ge2019-notional": lambda **kw: load_general_election("ge2019-notional", **kw),
    "ge2024": lambda **kw: load_general_election("ge2024", **kw),
    "sp2016-feed": lambda **kw: load_scottish_parliament("sp2016-feed", **kw),
    "sp2021": lambda **kw: load_scottish_parliament("sp2021", **kw),
    "senedd2026": lambda **kw: load_senedd("senedd2026", **kw),
    "lm2021": lambda **kw: load_london2021("lm2021", **kw),
}

Mutation = tuple[str, int, bytes, int]
mutations = st.lists(st.tuples(
    st.sampled_from(["replace", "insert", "delete", "truncate"]),
    st.integers(min_value=0, max_value=2**31),
    st.binary(min_size=1, max_size=8) | st.sampled_from(
        [b",", b"\n", b"\t", b'"', b"\r", b"x", b"-1", b"99999999999", b"\xff", b"{", b"]"]),
    st.integers(min_value=1, max_value=40),
), min_size=1, max_size=4)


def mutate(data: bytes, changes: list[Mutation]) -> bytes:
    for kind, at, text, length in changes:
        at %= max(len(data), 1)
        if kind == "replace":
            data = data[:at] + text + data[at + len(text):]
        elif kind == "insert":
            data = data[:at] + text + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + length:]
        else:
            data = data[:at]
    return data


def mirror_with(raw: Path, folder: Path, election: str, role: str, data: bytes) -> None:
    for item in ELECTIONS[election].files:
        if not item.required:
            continue
        source = raw / item.folder / item.name if item.folder else raw.parent / item.name
        target = folder / item.name
        if item.role == role:
            target.write_bytes(data)
        else:
            shutil.copy(source, target)


def roles() -> list[tuple[str, str]]:
    return [(e, item.role) for e in LOADERS for item in ELECTIONS[e].files
            if item.required and item.format != "pdf"]  # the PDFs are kept, not read


@pytest.mark.parametrize(("election", "role"), roles())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=mutations)
def test_mutated_file_gives_a_clean_error(uk_data: Path, election: str, role: str,
                                          changes: list[Mutation]) -> None:
    raw = uk_data / "raw"
    item = ELECTIONS[election].file(role)
    source = raw / item.folder / item.name if item.folder else uk_data / item.name
    with tempfile.TemporaryDirectory() as folder:
        mirror = Path(folder) / "mirror"
        mirror.mkdir()
        mirror_with(raw, mirror, election, role, mutate(source.read_bytes(), changes))
        try:
            LOADERS[election](mirror=mirror, cache_dir=Path(folder) / "cache")
        except DataFileError as error:  # names the file it is about (and the line, if any)
            assert str(error).startswith(f"{mirror}/"), str(error)
        except UKDataError as error:
            assert str(error)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=mutations)
def test_mutated_workbook_gives_a_clean_error(uk_data: Path, changes: list[Mutation]) -> None:
    raw = uk_data / "raw"
    with tempfile.TemporaryDirectory() as folder:
        mirror = Path(folder)
        data = (raw / "london_elects" / "gla-2016-results-by-ward.xlsx").read_bytes()
        mirror_with(raw, mirror, "lm2016", "wards", mutate(data, changes))
        try:
            load_london_mayor("lm2016", mirror=mirror, cache_dir=mirror / "cache")
        except UKDataError as error:
            assert "gla-2016-results-by-ward.xlsx" in str(error) or "london_mayor" in str(error)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=mutations)
def test_cli_exits_2_without_a_traceback(uk_data: Path, changes: list[Mutation]) -> None:
    raw = uk_data / "raw"
    data = (raw / "hocl" / "HoC-GE2019-results-by-constituency-csv.csv").read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        mirror = Path(folder)
        mirror_with(raw, mirror, "ge2019", "constituencies", mutate(data, changes))
        result = CliRunner().invoke(app, ["results", "ge2019", "--json", "--mirror", folder,
                                          "--cache-dir", str(mirror / "cache")])
        assert result.exit_code in (0, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        if result.exit_code == 2:
            assert result.stderr.startswith("psephos: ") and "Traceback" not in result.stderr
