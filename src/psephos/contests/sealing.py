"""Sealing a ranking as it is cast: encrypted under the contest's election key, so what is
stored, logged or cached while the ballot runs is a ciphertext nobody can open alone.

A sealed ballot is one exponential-ElGamal ciphertext over ristretto255 per candidate on
the paper (`psephos.crypto.elgamal.encrypt_ranking`); its slots follow the paper's
candidate order, fixed at the opening. The key is the one the trustees' ceremony made
(`psephos.contests.trustees`); any k of them can decrypt, and only after the close, once
the ballots are mixed (`psephos.contests.mixing`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from psephos.contests.casting.cache import BoundedCache
from psephos.contests.casting.paper import BallotPaper
from psephos.contests.models import Contest
from psephos.contests.sealed_models import KeyCeremony
from psephos.crypto import elgamal, group

#: Election keys of contests whose ceremony is complete: fixed for good, so read once per
#: process (keyed as the ballot papers are: database, contest, creation time).
_KEYS: BoundedCache[tuple[str, int, object], bytes] = BoundedCache(1000)


def election_key(contest: Contest) -> bytes | None:
    """The contest's election key, or None while its ceremony is not complete."""
    cache_key = (str(connection.settings_dict.get("NAME")), contest.pk, contest.created_at)
    key = _KEYS.get(cache_key)
    if key is not None:
        return key
    found = (KeyCeremony.objects.filter(contest_id=contest.pk,
                                        state=KeyCeremony.State.COMPLETE)
             .values_list("election_key", flat=True).first())
    if found is None:
        return None
    key = bytes(found)
    _KEYS.put(cache_key, key)
    return key


def seal(key: bytes, paper: BallotPaper, ranking: Sequence[int]) -> tuple[bytes, list[bytes]]:
    """``ranking`` (candidate keys, as `BallotPaper.resolve` gives them) encrypted: one
    ciphertext per candidate on ``paper``, ``len(paper.pks) * 64`` bytes; and each slot's
    random scalar, which the ballot's proof of randomness needs
    (`psephos.crypto.ballot_signatures.prove_randomness`) and nothing keeps."""
    slots = paper.slots
    scalars = [group.random_scalar() for _ in paper.pks]
    return (elgamal.encrypt_ranking_with(key, [slots[pk] for pk in ranking], len(paper.pks),
                                         scalars), scalars)
