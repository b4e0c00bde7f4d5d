"""Errors the contest services raise: each carries a message fit to show the user."""

from __future__ import annotations


class ContestError(Exception):
    """A request the contest services refuse; ``str(error)`` is the user-facing message."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class DefinitionError(ContestError):
    """A contest definition (TOML) that cannot be used: file, key and what is expected."""

    def __init__(self, path: object, message: str, *, key: str | None = None) -> None:
        self.path = str(path)
        self.key = key
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {message}")


class ElectorateError(ContestError):
    """An electorate file that cannot be imported at all (nothing is imported)."""


class ContestNotFound(ContestError):
    """No contest has that slug."""


class WrongState(ContestError):
    """The contest is not in a state that allows this step (e.g. importing once open)."""


class ContestNotOpen(WrongState):
    """Voting is refused because the contest is not open."""


class UnknownCredential(ContestError):
    """No active credential matches what was typed or followed."""


class VoteWithdrawn(ContestError):
    """The voter's entitlement was revoked (`psephos.contests.lifecycle.revoke`): their
    credential is genuine, so they are told so, not that it is unknown."""


class AlreadyVoted(ContestError):
    """This voter's ballot has already been counted once."""


class InvalidRanking(ContestError):
    """The ranking names an unknown candidate, repeats one, or is empty."""


class NominationError(ContestError):
    """A nomination, consent or withdrawal that the rules refuse."""


class RevocationError(ContestError):
    """A revocation that cannot be made (e.g. after the close)."""


class PostalBatchError(ContestError):
    """A batch of returned paper ballots that cannot be read (nothing is recorded), or why
    one of its rows is refused."""


class AuditKeyError(ContestError):
    """The audit signing key cannot be used, or a public key or anchor given to check the
    log cannot be read."""


class RegistrarError(ContestError):
    """A registrar's roll or files that cannot be used: which file, which voter or section,
    and what does not match (nothing is written or imported)."""


class BallotsChanged(ContestError):
    """The ballots or "voted" marks differ from those committed to the audit log at the close."""


class TrusteeError(ContestError):
    """A trustee's file or message that the key ceremony or the decryption refuses: which
    file, which trustee, which step and what failed."""


#: The HTTP status of each refusal, shared by the pages and the API (first match wins).
_STATUS: tuple[tuple[type[ContestError], int], ...] = (
    (ContestNotFound, 404),
    (UnknownCredential, 403),
    (VoteWithdrawn, 403),
    (AlreadyVoted, 409),
    (WrongState, 409),  # includes ContestNotOpen
    (InvalidRanking, 400),
)


def status_for(error: ContestError) -> int:
    """404 no such contest, 403 bad credential, 409 used or not open, else 400."""
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400
