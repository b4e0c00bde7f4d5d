"""`psephos verify-opening`: an opened ballot's file checks against the election key given,
and only when the sealed ballot is exactly the ranking sealed with the randomness it reveals;
a file or key that cannot be read is exit status 2 with one line saying what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from psephos.crypto import elgamal, group

SECRET_KEY = group.scalar(0x0BE7A1)
ELECTION_KEY = group.base_mult(SECRET_KEY)
WIDTH, SLOTS = 3, [2, 0]
SCALARS = [group.hash_to_scalar("test/verify-opening", bytes([slot])) for slot in range(WIDTH)]
SEALED = elgamal.encrypt_ranking_with(ELECTION_KEY, SLOTS, WIDTH, SCALARS)


def _opening(**changes: Any) -> dict[str, Any]:
    """An opened-ballot file as the confirm page writes it, with ``changes``."""
    return {"contest": "demo", "election_key": ELECTION_KEY.hex(), "width": WIDTH,
            "sealed": SEALED.hex(), "slots": SLOTS, "scalars": [s.hex() for s in SCALARS],
            "ranking": ["Grace Hopper", "Ada Lovelace"], **changes}


def _run(tmp_path: Path, document: Any, key: str = ELECTION_KEY.hex()) -> Any:
    path = tmp_path / "opened-ballot.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document),
                    encoding="utf-8")
    return CliRunner().invoke(app, ["verify-opening", str(path), "--key", key])


def test_an_honest_opening_passes(tmp_path: Path) -> None:
    result = _run(tmp_path, _opening())
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "ok: the sealed ballot holds the ranking of paper places 3, 1 "
        "(Grace Hopper, Ada Lovelace, as the file names them)")


@pytest.mark.parametrize("changes", [
    {"slots": [0, 2]},
    {"slots": [2]},
    {"scalars": [s.hex() for s in reversed(SCALARS)]},
    {"sealed": SEALED[:-32].hex() + group.base_mult(group.scalar(7)).hex()},
])
def test_a_changed_opening_fails(tmp_path: Path, changes: dict[str, Any]) -> None:
    result = _run(tmp_path, _opening(**changes))
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("FAIL: ")


def test_the_key_given_is_the_one_checked(tmp_path: Path) -> None:
    other = group.base_mult(group.scalar(99)).hex()
    result = _run(tmp_path, _opening(), key=other)
    assert result.exit_code == 1
    assert "the file's election key is not the one given" in result.stdout


@pytest.mark.parametrize(("document", "key", "message"), [
    ("{not json", ELECTION_KEY.hex(), "cannot read an opened ballot"),
    ([1, 2], ELECTION_KEY.hex(), "expected a JSON object"),
    (_opening(slots="2,0"), ELECTION_KEY.hex(), "slots: expected a list of whole numbers"),
    (_opening(scalars=[]), ELECTION_KEY.hex(), "scalars: expected a list of hex scalars"),
    (_opening(scalars=["xy"] * WIDTH), ELECTION_KEY.hex(), "scalars.0: expected 32 bytes"),
    (_opening(sealed=SEALED.hex()[:-2]), ELECTION_KEY.hex(), "sealed: expected 192 bytes"),
    (_opening(), "abc", "--key: expected 32 bytes of hex"),
])
def test_what_cannot_be_read_is_status_2(tmp_path: Path, document: Any, key: str,
                                          message: str) -> None:
    result = _run(tmp_path, document, key=key)
    assert result.exit_code == 2
    assert message in result.stderr
