"""Signing a ballot under the voter's public credential, or checking a browser's signature.

Without JavaScript the server seals the ranking and signs it with the private credential
the voter's secret derives (`psephos.crypto.credentials`); the secret is needed anyway to
find the voter, and is kept nowhere. Which kind of secret was typed (link token or postal
code) is known only once the spending statement matches one, so a text that reads as both
is signed both ways and the matching one is kept (`SignedBallot.for_kind`).

With JavaScript the browser seals and signs (`psephos.contests.static`); the server checks
the ciphertext's form, that the public credential is the one the voter's secret derives,
and the signature, and stores exactly what the browser made. The checks that need no
secret (the signature and the proof of randomness, most of the work) can be made ahead,
for a batch at once on threads (`check_ahead`); their verdict travels with the ballot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from psephos.contests.casting.lookup import CredentialKey
from psephos.contests.errors import InvalidRanking, UnknownCredential
from psephos.contests.models import Contest
from psephos.contests.public_credentials import WORKERS, identifier
from psephos.crypto import credentials, elgamal, group
from psephos.crypto.ballot_signatures import (
    ballot_tracker,
    printed_tracker,
    prove_randomness,
    sign_ballot,
    verify_ballot,
    verify_randomness,
)
from psephos.crypto.threads import KeptThreads, in_chunks


@dataclass(frozen=True)
class Signature:
    """A sealed ballot signed under one public credential, with its tracker: printed for
    the voter, and in full (hex) for the board."""

    kind: str
    credential: str
    signature: str
    tracker: str
    #: The proof that the sealer knows every slot's randomness, bound to the credential.
    proof: str
    #: The tracker in full (hex), as the board lists it; ``tracker`` is its printed form.
    full_tracker: str


@dataclass(frozen=True)
class SignedBallot:
    sealed: bytes
    signatures: tuple[Signature, ...]

    def for_kind(self, link_matched: bool) -> Signature:
        """The signature under the secret the spending statement matched."""
        wanted = credentials.LINK if link_matched else credentials.POSTAL
        return next(s for s in self.signatures if s.kind == wanted)


@dataclass(frozen=True)
class AheadChecks:
    """What the checks that need no secret found, made ahead in ``contest`` (identifier)
    under the public credential the ballot names: whether its signature verifies, and
    (only looked at when it does) its proof of randomness."""

    contest: str
    signature_holds: bool
    proof_holds: bool


@dataclass(frozen=True)
class BrowserBallot:
    """What the voter's browser (or own software) sealed and signed, hex as sent; with
    ``ahead``, the verdict of its secret-free checks (`check_ahead`)."""

    sealed: str
    credential: str
    signature: str
    proof: str
    ahead: AheadChecks | None = None


def _ahead(contest: str, width: int, ballot: BrowserBallot) -> BrowserBallot:
    try:
        public, sealed, signature, proof = (bytes.fromhex(ballot.credential),
                                            bytes.fromhex(ballot.sealed),
                                            bytes.fromhex(ballot.signature),
                                            bytes.fromhex(ballot.proof))
    except ValueError:  # refused when it is checked, with the reason
        return ballot
    if len(sealed) != width * elgamal.CIPHERTEXT_BYTES:
        return ballot  # refused by its form, before any proof is checked
    signature_holds = verify_ballot(public, contest, sealed, signature)
    proof_holds = signature_holds and verify_randomness(contest, public, sealed, proof)
    return replace(ballot, ahead=AheadChecks(contest, signature_holds, proof_holds))


#: The threads that check batches of ballots ahead, kept: a batch is a few milliseconds'
#: work, and a server makes a hundred a second.
_CHECKERS = KeptThreads(WORKERS, "psephos-checks")


def check_ahead(ballots: Sequence[tuple[str, int, BrowserBallot]],
                workers: int = WORKERS) -> list[BrowserBallot]:
    """Each (contest identifier, its paper's width, ballot) ballot with its secret-free
    checks made, on ``workers`` threads (libsodium releases the GIL): the casts of a batch
    are checked at once, so the one thread that writes them does not make every check in
    turn. A ballot not of the paper's width is left unchecked (its cast is refused for
    that), so the work is bounded by the paper, not by what a client sends."""
    return in_chunks(lambda part: [_ahead(*ballot) for ballot in part], ballots, workers,
                     _CHECKERS.pool() if workers == _CHECKERS.workers else None)


def kinds_of(secret: str) -> list[str]:
    """The kinds of secret ``secret`` reads as (none, one or, rarely, both)."""
    found = []
    for kind in (credentials.LINK, credentials.POSTAL):
        try:
            credentials.canonical_secret(kind, secret)
        except ValueError:
            continue
        found.append(kind)
    return found


def _private(contest: Contest, kind: str, secret: str) -> bytes:
    return credentials.private_credential(kind, secret, identifier(contest),
                                          postal_iterations=contest.postal_iterations)


def _signature(contest: Contest, kind: str, public: bytes, sealed: bytes,
               signature: bytes, proof: bytes) -> Signature:
    tracker = ballot_tracker(identifier(contest), public, sealed, signature)
    return Signature(kind, public.hex(), signature.hex(), printed_tracker(tracker),
                     proof.hex(), tracker.hex())


def _signed(contest: Contest, kind: str, private: bytes, sealed: bytes,
            scalars: Sequence[bytes]) -> Signature:
    public = group.base_mult(private)
    name = identifier(contest)
    return _signature(contest, kind, public, sealed, sign_ballot(private, name, sealed, public),
                      prove_randomness(name, public, sealed, scalars))


def sign(contest: Contest, key: CredentialKey, sealed: bytes,
         scalars: Sequence[bytes]) -> SignedBallot:
    """``sealed`` signed under each kind the secret reads as: none if it reads as neither,
    and then no credential matches it either, so the spending statement refuses it as it
    refuses any wrong secret (and the rate limit counts it)."""
    signatures = [_signed(contest, kind, _private(contest, kind, key.secret), sealed, scalars)
                  for kind in kinds_of(key.secret)]
    return SignedBallot(sealed, tuple(signatures))


def sign_postal_papers(contest: Contest,
                       papers: Sequence[tuple[str, bytes, Sequence[bytes]]]
                       ) -> list[Signature | None]:
    """Each returned paper's (postal code, sealed ballot, its scalars) signed under its
    code's credential, on `WORKERS` threads (each code costs the contest's postal
    iterations); None for a code that is not a postal code's form."""
    def signed(code: str, sealed: bytes, scalars: Sequence[bytes]) -> Signature | None:
        try:
            private = _private(contest, credentials.POSTAL, code)
        except ValueError:
            return None
        return _signed(contest, credentials.POSTAL, private, sealed, scalars)

    return in_chunks(lambda part: [signed(*paper) for paper in part], papers, WORKERS)


def check_browser_ballot(contest: Contest, key: CredentialKey, width: int,
                         ballot: BrowserBallot) -> SignedBallot:
    """A ballot the browser sealed and signed, checked: `InvalidRanking` if the ciphertext
    is not one of this paper's width or its proof of randomness does not verify (a copied
    ciphertext), `UnknownCredential` if the credential is not the one the secret derives or
    the signature does not verify. The signature and the proof are taken from
    ``ballot.ahead`` when they were checked ahead in this contest."""
    try:
        sealed = bytes.fromhex(ballot.sealed)
        elgamal.check_sealed(sealed, width)
    except ValueError as error:
        raise InvalidRanking(f"the sealed ballot is not one of this paper: {error}") from None
    try:
        public = bytes.fromhex(ballot.credential)
        signature = bytes.fromhex(ballot.signature)
        proof = bytes.fromhex(ballot.proof)
    except ValueError:
        raise UnknownCredential("the ballot's credential, signature or proof is not hex"
                                ) from None
    name = identifier(contest)
    ahead = ballot.ahead if ballot.ahead is not None and ballot.ahead.contest == name \
        else None
    for kind in kinds_of(key.secret):
        if group.base_mult(_private(contest, kind, key.secret)) != public:
            continue
        if not (ahead.signature_holds if ahead is not None
                else verify_ballot(public, name, sealed, signature)):
            raise UnknownCredential("the ballot's signature does not verify")
        if not (ahead.proof_holds if ahead is not None
                else verify_randomness(name, public, sealed, proof)):
            raise InvalidRanking("the sealed ballot's proof of randomness does not verify "
                                 "(a ballot must be sealed by the voter's own device)")
        return SignedBallot(sealed, (_signature(contest, kind, public, sealed, signature,
                                                proof),))
    raise UnknownCredential("the ballot was signed with a credential that is not this "
                            "voter's")
