"""Importing psephos.uk costs only what is used: reading never loads the downloader."""

from __future__ import annotations

import subprocess
import sys

import pytest

import psephos.uk

NETWORK = ("urllib.request", "ssl", "email.message", "http.client")


@pytest.mark.parametrize("statement", [
    "import psephos.uk",
    "from psephos.uk.errors import UKDataError",
    "from psephos.uk.general import load_general_election",
    "from psephos.uk import load_general_election",
    "import psephos.cli.pact, psephos.cli.results",
])
def test_reading_results_does_not_load_the_network_stack(statement: str) -> None:
    # Before: psephos.uk's __init__ imported psephos.uk.fetch (urllib.request, ssl, email)
    # for every user of any of its modules, `psephos --version` included.
    probe = f"{statement}\nimport sys\nprint(','.join(m for m in {NETWORK!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""


def test_every_public_name_still_resolves() -> None:
    for name in psephos.uk.__all__:
        assert getattr(psephos.uk, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        psephos.uk.nothing  # noqa: B018
