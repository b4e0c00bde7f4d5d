"""The contests' test databases (SQLite, and PostgreSQL when one is named), and one counted
contest's record a backend, exported once and copied for each test that changes it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.contests.conftest import backend, db  # noqa: F401  (fixtures)
from tests.verify.records import counted_record

_BUILT: dict[str, tuple[Path, Any, list[Path]]] = {}


@pytest.fixture
def built(db: str, tmp_path_factory: pytest.TempPathFactory,  # noqa: F811
          monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any, list[Path]]:
    """(record, declaration, trustees' private files) of this backend's counted contest."""
    if db not in _BUILT:
        _BUILT[db] = counted_record(tmp_path_factory.mktemp(f"verify-{db}"), monkeypatch)
    return _BUILT[db]


@pytest.fixture
def record(built: tuple[Path, Any, list[Path]], tmp_path: Path) -> Path:
    """A copy of the counted contest's record, for a test to change."""
    copy = tmp_path / "record"
    shutil.copytree(built[0], copy)
    return copy
