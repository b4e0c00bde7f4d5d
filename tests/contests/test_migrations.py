"""The migrations say everything the models say: a model changed without its migration
would leave a database that `psephos serve` migrates short of what the code reads."""

from __future__ import annotations

import io

import pytest


def test_no_model_change_lacks_its_migration(db: str) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as missing:  # what --check does when a migration is missing
        pytest.fail(f"a model changed without its migration:\n{out.getvalue()}"
                    f" (exit status {missing.code})")
    assert "No changes detected" in out.getvalue()
