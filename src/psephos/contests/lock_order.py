"""The one order in which casting, reissue and revocation lock rows (PostgreSQL).

Two transactions that lock the same rows in opposite orders deadlock, and PostgreSQL then
fails one of them. Every transaction that touches a voter's credential takes its locks in
this order, and only in this order:

1. the contest row: ``FOR KEY SHARE`` by a cast (inside its spending statement,
   `psephos.contests.casting.service`) and by a reissue (`lock_contest_shared`), so they
   never wait for each other; ``FOR UPDATE`` by the close and by a revocation
   (`psephos.contests.lifecycle`), which wait for the casts in flight;
2. the voter's credential rows: a cast's ``UPDATE`` locks the credential it spends; a
   reissue and a revocation lock all the voter's credentials (`lock_credentials`);
3. the voter row: a cast's "voted" mark key-shares it (its foreign key); a reissue and a
   revocation lock it ``FOR NO KEY UPDATE`` (`lock_voter`), which does not conflict with
   that key share.

SQLite runs one writing transaction at a time (``BEGIN IMMEDIATE``), so there the order
holds trivially and these functions only read.
"""

from __future__ import annotations

from django.db import connection

from psephos.contests.models import Contest, Credential, Voter


def lock_contest_shared(contest_id: int) -> None:
    """Step 1 for a reissue: the contest row, key-shared as a cast shares it."""
    if connection.vendor != "postgresql":
        return
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {q(Contest._meta.db_table)} WHERE {q('id')} = %s "
                       "FOR KEY SHARE", [contest_id])


def lock_credentials(voter_id: int) -> None:
    """Step 2: every credential of this voter, in key order."""
    list(Credential.objects.select_for_update().filter(voter_id=voter_id)
         .order_by("pk").values_list("pk", flat=True))


def lock_voter(voter_id: int) -> Voter:
    """Step 3: the voter row, read afresh under a lock a cast's mark does not wait for."""
    return Voter.objects.select_for_update(no_key=True).get(pk=voter_id)
