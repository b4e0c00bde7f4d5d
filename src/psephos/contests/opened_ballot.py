"""The server's check of a ballot the voter chose to open instead of casting.

Benaloh's cast-or-challenge (Benaloh, "Simple verifiable elections", EVT 2006): before
casting, the voter may ask the device to reveal a sealed ballot's randomness; re-encrypting
the claimed ranking with it must give the very same bytes (`elgamal.check_opening`). The
browser checks that itself; this is the same check by a second party, which also names the
candidates the slots stand for. An opened ballot is never cast, so nothing here is stored
and nothing is secret: the key and the paper are public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psephos.contests.casting.paper import ballot_paper
from psephos.contests.errors import ContestError, WrongState
from psephos.contests.models import Contest
from psephos.contests.sealing import election_key
from psephos.crypto import elgamal, group


class MalformedOpening(ContestError):
    """An opening that cannot be checked at all: not hex, the wrong length, or a ranking
    that is not one of this paper's (answered 400)."""


@dataclass(frozen=True)
class OpeningCheck:
    """Whether the opening re-encrypts to the sealed ballot, and the names it ranks."""

    matches: bool
    ranking: list[str]


def _bytes_of(text: str, length: int, what: str) -> bytes:
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise MalformedOpening(f"{what} is not hex") from None
    if len(data) != length:
        raise MalformedOpening(f"{what} is {length} bytes ({2 * length} hex digits), "
                               f"not {len(data)}")
    return data


def check_opened_ballot(contest: Contest, sealed_hex: str, slots: Sequence[int],
                        scalar_hexes: Sequence[str]) -> OpeningCheck:
    """Check an opened ballot of ``contest``: ``slots`` are the ranked candidates' places on
    the paper (0 first) in preference order, ``scalar_hexes`` the per-slot randomness.
    `MalformedOpening` for input of the wrong form, `WrongState` before the key ceremony."""
    key = election_key(contest)
    if key is None:
        raise WrongState(f"{contest.name} has no election key yet, so no ballot is sealed")
    paper = ballot_paper(contest)
    width = len(paper.pks)
    sealed = _bytes_of(sealed_hex, width * elgamal.CIPHERTEXT_BYTES, "the sealed ballot")
    if len(scalar_hexes) != width:
        raise MalformedOpening(f"an opening of this ballot has {width} scalars, one a slot, "
                               f"not {len(scalar_hexes)}")
    scalars = [_bytes_of(text, group.SCALAR_BYTES, f"scalar {n}")
               for n, text in enumerate(scalar_hexes, start=1)]
    try:
        elgamal.check_ranking(slots, width)
    except ValueError as error:
        raise MalformedOpening(f"the slots are not a ranking on this paper: {error}") from None
    return OpeningCheck(elgamal.check_opening(key, sealed, slots, width, scalars),
                        [paper.names[slot] for slot in slots])
