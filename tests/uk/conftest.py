"""Fixtures for the official-results tests: the raw publisher files, read in place."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def no_user_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's PSEPHOS_MIRROR or PSEPHOS_CACHE must not leak into a test."""
    monkeypatch.delenv("PSEPHOS_MIRROR", raising=False)
    monkeypatch.delenv("PSEPHOS_CACHE", raising=False)


@pytest.fixture(scope="session")
def raw(uk_data: Path) -> Path:
    """../shared/data/uk/raw: byte-for-byte copies of the publishers' files."""
    return uk_data / "raw"


@pytest.fixture()
def cache(tmp_path: Path) -> Path:
    """An empty cache folder of the test's own."""
    return tmp_path / "cache"
