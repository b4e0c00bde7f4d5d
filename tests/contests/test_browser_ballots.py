"""Ballots a voter's own device sealed and signed (docs/verifiability.md section 10): the
server checks the ciphertext's form, the credential, the signature and the proof of
randomness, stores exactly that ballot, and refuses a copy of another voter's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import open_with_voters


def _sealed_by_voter(contest: Any, secret: str, slots: list[int],
                     reuse: tuple[bytes, list[bytes]] | None = None) -> tuple[Any, bytes]:
    """(the `BrowserBallot` a voter's device would send, its sealed bytes)."""
    from psephos.contests import sealing
    from psephos.contests.casting.paper import ballot_paper
    from psephos.contests.casting.signing import BrowserBallot
    from psephos.crypto import credentials, elgamal, group
    from psephos.crypto.ballot_signatures import prove_randomness, sign_ballot

    width = len(ballot_paper(contest).pks)
    key = sealing.election_key(contest)
    assert key is not None
    if reuse is None:
        scalars = [group.random_scalar() for _ in range(width)]
        sealed = elgamal.encrypt_ranking_with(key, slots, width, scalars)
    else:
        sealed, scalars = reuse
    x = credentials.private_credential(credentials.LINK, secret, contest.slug)
    public = group.base_mult(x)
    return BrowserBallot(sealed.hex(), public.hex(), sign_ballot(x, contest.slug, sealed).hex(),
                         prove_randomness(contest.slug, public, sealed, scalars).hex()), sealed


def test_a_ballot_sealed_by_the_voter_is_stored_as_sent(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import Ballot
    from psephos.crypto.ballot_signatures import ballot_tracker, printed_tracker

    contest, secrets = open_with_voters(tmp_path)
    token = secrets["M1"].link_token
    browser, sealed = _sealed_by_voter(contest, token, [1, 0])
    receipt = cast_ballot(contest, token, ["Bob", "Alice"], browser=browser)
    stored = Ballot.objects.get()
    assert bytes(stored.sealed) == sealed and stored.signed_by == browser.credential
    assert stored.signature == browser.signature and stored.proof == browser.proof
    assert receipt.tracker == stored.tracker == printed_tracker(ballot_tracker(
        contest.slug, bytes.fromhex(browser.credential), sealed,
        bytes.fromhex(browser.signature)))


@pytest.mark.parametrize("ahead", [False, True], ids=["checked-alone", "checked-ahead"])
def test_what_the_server_refuses(db: str, tmp_path: Path, ahead: bool) -> None:
    """Each refusal, for the same reason, whether its batch checked the ballots' signatures
    and proofs ahead on threads (`check_ahead`) or the cast checked them alone."""
    from psephos.contests.casting import service
    from psephos.contests.casting.paper import ballot_paper
    from psephos.contests.casting.signing import BrowserBallot, check_ahead
    from psephos.contests.errors import InvalidRanking, UnknownCredential
    from psephos.contests.models import Ballot
    from psephos.crypto import elgamal, group

    def cast_ballot(contest: Any, secret: str, ranking: list[str],
                    browser: BrowserBallot) -> Any:
        if ahead:  # two workers, so the four ballots are split between two threads
            width = len(ballot_paper(contest).pks)
            (browser, *_) = check_ahead([(contest.slug, width, browser)] * 4, workers=2)
            # a ballot not of the paper's width is left to be refused for its form
            assert (browser.ahead is None) == (len(browser.sealed) != 128 * width)
        return service.cast_ballot(contest, secret, ranking, browser=browser)

    contest, secrets = open_with_voters(tmp_path)
    first, second = secrets["M1"].link_token, secrets["M2"].link_token
    honest, sealed = _sealed_by_voter(contest, first, [0])
    cast_ballot(contest, first, ["Alice"], browser=honest)
    # M2 copies M1's ciphertext and signs it, but can show only M1's proof of its
    # randomness; or re-encrypts it, and can prove only the randomness it added
    from psephos.contests import sealing

    mine, _ = _sealed_by_voter(contest, second, [0])
    copy = BrowserBallot(honest.sealed, mine.credential,
                         _signature_of(contest, second, sealed), honest.proof)
    key = sealing.election_key(contest)
    assert key is not None
    extra = [group.random_scalar() for _ in range(len(sealed) // 64)]
    reencrypted, _ = _sealed_by_voter(contest, second, [],
                                      reuse=(elgamal._reencrypt(key, sealed, extra), extra))
    other, _ = _sealed_by_voter(contest, first, [0])  # signed under M1's credential
    short = BrowserBallot(mine.sealed[:-128], mine.credential, mine.signature, mine.proof)
    refusals: list[tuple[BrowserBallot, type[Exception], str]] = [
        (copy, InvalidRanking, "proof of randomness does not verify"),
        (reencrypted, InvalidRanking, "proof of randomness does not verify"),
        (other, UnknownCredential, "not this voter's"),
        (short, InvalidRanking, "not one of this paper"),
    ]
    for browser, error, phrase in refusals:
        with pytest.raises(error, match=phrase):
            cast_ballot(contest, second, ["Alice"], browser=browser)
    own, _ = _sealed_by_voter(contest, second, [0])
    bad_signature = BrowserBallot(own.sealed, own.credential, "00" * 64, own.proof)
    with pytest.raises(UnknownCredential, match="signature does not verify"):
        cast_ballot(contest, second, ["Alice"], browser=bad_signature)
    assert Ballot.objects.count() == 1  # nothing was stored, and M2 can still vote
    cast_ballot(contest, second, ["Alice"], browser=own)
    assert Ballot.objects.count() == 2


def test_checks_made_ahead_in_another_contest_are_not_taken(db: str, tmp_path: Path) -> None:
    """A verdict travels with its ballot only for the contest it was reached in."""
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.casting.signing import AheadChecks, BrowserBallot
    from psephos.contests.errors import UnknownCredential

    contest, secrets = open_with_voters(tmp_path)
    token = secrets["M1"].link_token
    own, _ = _sealed_by_voter(contest, token, [0])
    forged = BrowserBallot(own.sealed, own.credential, "00" * 64, own.proof,
                           AheadChecks("another-contest", True, True))
    with pytest.raises(UnknownCredential, match="signature does not verify"):
        cast_ballot(contest, token, ["Alice"], browser=forged)


def _signature_of(contest: Any, secret: str, sealed: bytes) -> str:
    from psephos.crypto import credentials
    from psephos.crypto.ballot_signatures import sign_ballot

    x = credentials.private_credential(credentials.LINK, secret, contest.slug)
    return sign_ballot(x, contest.slug, sealed).hex()
