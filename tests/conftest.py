"""Shared fixtures: where the real public data lives (read in place, never copied)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def data_root() -> Path:
    """``$PSEPHOS_DATA`` or ``../shared/data`` beside the repository."""
    return Path(os.environ.get("PSEPHOS_DATA", REPO.parent / "shared" / "data"))


def require_data(*parts: str) -> Path:
    """The data folder ``parts`` under the data root; skip if absent, fail if absent under CI."""
    path = data_root().joinpath(*parts)
    if not path.exists():
        message = f"real data folder {path} is missing (set PSEPHOS_DATA)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def scotland_stv() -> Path:
    return require_data("scotland-stv")


@pytest.fixture(scope="session")
def droop_data() -> Path:
    return require_data("droop")


@pytest.fixture(scope="session")
def rctab_data() -> Path:
    return require_data("rctab")


@pytest.fixture(scope="session")
def uk_data() -> Path:
    return require_data("uk")
