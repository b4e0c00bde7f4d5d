"""A counted members' ballot in a fresh SQLite database, for browser tests of the declaration.

Run as a script (``python -m tests.web.declared_contest DATABASE_URL``, with the server's
``PSEPHOS_DATA_DIR``) before `tests.web.live.serve` starts on the same database: the
demonstration contest with a few ballots cast, closed, decrypted by its trustees and counted.
"""

from __future__ import annotations

import sys

SLUG = "labour-2016-declared"


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


if __name__ == "__main__":
    prepare(sys.argv[1])
