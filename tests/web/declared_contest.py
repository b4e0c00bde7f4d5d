"""A counted members' ballot in a fresh SQLite database, for browser tests of the declaration.

Run as a script (``python -m tests.web.declared_contest DATABASE_URL``, with the server's
``PSEPHOS_DATA_DIR``) before `tests.web.live.serve` starts on the same database: the
demonstration contest with a few ballots cast, closed, decrypted by its trustees and counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.web.live import LiveServer

SLUG = "labour-2016-declared"
REPO = Path(__file__).resolve().parents[2]


def prepare(database_url: str) -> None:
    from psephos.web import setup

    setup(database_url)
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.counting import count_contest
    from psephos.contests.lifecycle import close_contest
    from tests.web.helpers import CORBYN, SMITH, decrypt_demo, demo_contest, secrets_for

    contest = demo_contest(slug=SLUG, voters=12)
    rankings = [[CORBYN], [SMITH, CORBYN], [CORBYN, SMITH], [SMITH], [CORBYN], [SMITH]]
    for secret, ranking in zip(secrets_for(contest, len(rankings)), rankings, strict=True):
        cast_ballot(contest, secret.link_token, ranking)
    close_contest(contest, actor="test")
    decrypt_demo(contest)
    count_contest(contest)


@contextmanager
def serve_declared(folder: Path, **env: str) -> Iterator[LiveServer]:
    """`psephos serve` on a fresh SQLite database in ``folder`` holding the counted contest
    `SLUG` (made by this module as a script), with ``env`` added to the environment."""
    from tests.web.live import serve

    environment = {**os.environ, "PSEPHOS_DATA_DIR": str(folder), **env,
                   "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    environment.pop("PSEPHOS_DATABASE_URL", None)
    database = f"sqlite:///{folder / 'declared.sqlite3'}"
    subprocess.run([sys.executable, "-m", "tests.web.declared_contest", database],
                   env=environment, check=True, capture_output=True, cwd=REPO, timeout=300)
    with serve(database, environment) as live:
        yield live


if __name__ == "__main__":
    prepare(sys.argv[1])
