"""The tables of a members' ballot.

Identity and ballots are kept apart: `Voter`, `Credential` and `VotedMark` say who may vote
and who has; `Ballot` holds what was voted only as a ciphertext under the trustees' joint
key, with nothing that joins it back to a voter (no key, no voter column, no timestamp; a
random primary key so row ids do not follow the order of the "voted" marks). `BallotSeal`
is the one bridge, and only until the close: it lets a revocation remove a ballot (see
`psephos.contests.lifecycle`). The trustees' key ceremony, the mixed ballots and their
decryption are in `psephos.contests.sealed_models`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from psephos.rules.registry import RULES


def default_postal_iterations() -> int:
    return int(settings.PSEPHOS_POSTAL_ITERATIONS)


class Contest(models.Model):
    """One ballot: who stands, who votes, how it is counted and where it is in its life."""

    class State(models.TextChoices):
        DRAFT = "draft"
        OPEN = "open"
        CLOSED = "closed"
        COUNTED = "counted"

    class Dedupe(models.TextChoices):
        EMAIL = "email"
        MEMBER_NUMBER = "member_number", "member number"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    method = models.CharField(max_length=32, default="av",
                              choices=[(name, name) for name in RULES])
    seats = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    freeze_date = models.DateField(null=True, blank=True)
    dedupe_by = models.CharField(max_length=16, choices=Dedupe.choices, default=Dedupe.EMAIL)
    incumbent_bypass = models.BooleanField(default=False)
    #: Nomination requirement: every group must be met, each group by any one body slug in it.
    nomination_rule = models.JSONField(default=list, blank=True)
    #: When voting opened, and when it closes whatever anyone does: fixed at the opening
    #: from the timetable's ``ballot_close`` (`psephos.contests.timetable`). The cast
    #: statement itself refuses a ballot from ``closes_at`` on.
    opens_at = models.DateTimeField(null=True, blank=True, editable=False)
    closes_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: The declaration (`Declaration.to_json`) once counted.
    declaration = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: PBKDF2 iterations of its postal codes' credentials (`psephos.crypto.credentials`),
    #: fixed when it is made, published on its board.
    postal_iterations = models.PositiveIntegerField(default=default_postal_iterations,
                                                    editable=False)
    #: The number of the board block that will list a ballot cast now: each cast labels
    #: its ballot with it, and a checkpoint moves it on (`psephos.contests.board`).
    board_next = models.PositiveIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A part of the electorate (members, registered supporters, ...) with its own rules."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    #: Lower wins when one person appears in two sections.
    priority = models.PositiveSmallIntegerField(default=0)
    #: Joined on or before this date (default: the contest's freeze date).
    join_cutoff = models.DateField(null=True, blank=True)
    requires_arrears_paid = models.BooleanField(default=False)
    #: When set, a fee must have been paid inside this window (inclusive dates).
    fee_window_start = models.DateField(null=True, blank=True)
    fee_window_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("priority", "pk")
        constraints = (
            models.UniqueConstraint(fields=["contest", "slug"], name="section_slug_unique"),
        )

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    incumbent = models.BooleanField(default=False)
    consented = models.BooleanField(default=False)
    withdrawn = models.BooleanField(default=False)
    #: Fixed when the ballot opens: validly nominated, consented and not withdrawn.
    on_ballot = models.BooleanField(default=False)

    class Meta:
        ordering = ("order", "pk")
        constraints = (
            models.UniqueConstraint(fields=["contest", "name"], name="candidate_name_unique"),
        )

    def __str__(self) -> str:
        return self.name


class NominatingBody(models.Model):
    """Who may nominate (MPs and MEPs, local parties, affiliates) and how many must."""

    class Kind(models.TextChoices):
        NOMINATORS = "nominators"
        AFFILIATES = "affiliates"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="bodies")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NOMINATORS)
    #: How many could nominate (e.g. 251 MPs and MEPs); the threshold is a share of it.
    size = models.PositiveIntegerField(default=0)
    share = models.DecimalField(max_digits=7, decimal_places=5, default=0)
    #: Affiliates: at least this many, this many of them unions, with this share of members.
    min_count = models.PositiveIntegerField(default=0)
    min_unions = models.PositiveIntegerField(default=0)
    min_members_share = models.DecimalField(max_digits=7, decimal_places=5, default=0)
    total_members = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["contest", "slug"], name="body_slug_unique"),
        )

    def __str__(self) -> str:
        return self.name


class Nomination(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="nominations")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE,
                                  related_name="nominations")
    body = models.ForeignKey(NominatingBody, on_delete=models.CASCADE,
                             related_name="nominations")
    nominator = models.CharField(max_length=200)
    union = models.BooleanField(default=False)
    members = models.PositiveBigIntegerField(default=0)
    withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            # One standing nomination per nominator and body.
            models.UniqueConstraint(fields=["body", "nominator"], condition=Q(withdrawn=False),
                                    name="one_standing_nomination"),
        )


class Voter(models.Model):
    """One person entitled to one vote (after de-duplication across sections)."""

    class Status(models.TextChoices):
        ELIGIBLE = "eligible"
        REVOKED = "revoked"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="voters")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="voters")
    member_number = models.CharField(max_length=64)
    email = models.CharField(max_length=254, blank=True)
    name = models.CharField(max_length=200)
    #: The contest's de-duplication key (normalised email or member number).
    person_key = models.CharField(max_length=254)
    joined = models.DateField(null=True, blank=True)
    arrears_paid = models.BooleanField(default=True)
    fee_paid_on = models.DateField(null=True, blank=True)
    suspended = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ELIGIBLE)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["contest", "person_key"], name="one_voter_per_person"),
        )
        indexes = (
            models.Index(fields=["contest", "member_number"], name="voter_member_number"),
            models.Index(fields=["contest", "email"], name="voter_email"),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.member_number})"


class Credential(models.Model):
    """A voter's secret, stored only as hashes: a link token and a typed postal code."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        ROTATED = "rotated"
        USED = "used"

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="credentials")
    link_hash = models.CharField(max_length=64, unique=True)
    postal_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Its two public credentials (link's, then postal code's) sealed under a key derived
    #: from SECRET_KEY (`psephos.contests.public_credentials`): re-minting one secret
    #: needs the other's to make the voter's new pair. Empty when a registrar made them.
    publics = models.BinaryField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["voter"], condition=Q(status__in=["active", "used"]),
                                    name="one_live_credential_per_voter"),
        )


class VotedMark(models.Model):
    """"Has voted": one row per voter, so the database itself refuses a second ballot."""

    voter = models.OneToOneField(Voter, on_delete=models.CASCADE, primary_key=True,
                                 related_name="voted")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="voted_marks")
    channel = models.CharField(max_length=16, default="web")


class Ballot(models.Model):
    """A cast ballot, sealed: in which section, and what was voted only as a ciphertext;
    nothing about who or when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="ballots")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="ballots")
    #: The ranking encrypted under the contest's election key: one 64-byte ElGamal
    #: ciphertext per candidate on the paper (`psephos.crypto.elgamal.encrypt_ranking`).
    sealed = models.BinaryField()
    tracker = models.CharField(max_length=32, unique=True)
    #: The tracker the board lists (64 hex digits), of which ``tracker`` is the printed
    #: form: hashed when the ballot was signed, so a checkpoint only reads it. None only
    #: for a ballot stored unsigned, before public credentials, which no board lists.
    full_tracker = models.CharField(max_length=64, null=True, blank=True)
    #: The public credential that signed it (hex) and the signature (hex,
    #: `psephos.crypto.ballot_signatures`): what the board shows beside the ciphertext. A
    #: public key on the section's list, which carries no voter.
    signed_by = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    signature = models.CharField(max_length=128, null=True, blank=True)
    #: Its proof of knowledge of every slot's randomness, bound to ``signed_by`` (hex).
    proof = models.TextField(null=True, blank=True)
    #: Removed by a revocation after it was cast: kept, shown on the board with the
    #: revocation, and left out of the mix.
    removed = models.BooleanField(default=False)
    #: The board checkpoint that lists it, or will (`psephos.contests.board`): the
    #: contest's ``board_next`` when it was cast. None only for a ballot stored before
    #: such labels, which the next checkpoint labels.
    block = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        # A checkpoint finds the ballots of one block, and any unlabelled, by this index,
        # without walking every ballot of the contest.
        indexes = (models.Index(fields=["contest", "block"], name="ballot_contest_block"),)


class PublicCredential(models.Model):
    """A voter's entry in their section's public list: the two public credentials of their
    link and postal code, in byte order, as hex (128 digits), which is the key: the rows
    carry no voter and no number in roll order, and are written in key order."""

    class Status(models.TextChoices):
        LISTED = "listed"
        REVOKED = "revoked"

    pair = models.CharField(max_length=128, primary_key=True)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="+")
    #: Each half alone, so a ballot's credential finds its entry by index. A half can be in
    #: two rows: a re-minted link (or code) gives a new entry that keeps the other half.
    first = models.CharField(max_length=64, db_index=True)
    second = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.LISTED)
    #: On the list committed at the opening (False: added on the board after it).
    at_opening = models.BooleanField(default=False)


class BoardEvent(models.Model):
    """A change the public board must show, waiting for (or listed in) a checkpoint: an
    entry added to or revoked from a list, a ballot removed, the close."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    document = models.JSONField()
    block = models.PositiveIntegerField(null=True, blank=True)


class BoardBlock(models.Model):
    """A signed checkpoint of the public board: its `psephos-board-block/1` document
    (docs/verifiability.md, section 12), chained to the one before by hash."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    hash = models.CharField(max_length=64)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["contest", "number"], name="one_block_a_number"),
        )


class BallotSeal(models.Model):
    """Until the close: a keyed hash of a voter -> their ballot, so a revocation can remove it.

    The key (derived from SECRET_KEY, which is not in the database) is needed to find a
    voter's row; the close deletes every seal of the contest.
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    voter_key = models.CharField(max_length=64, unique=True)
    ballot_id = models.UUIDField()


class Revocation(models.Model):
    """A voter's vote withdrawn before the close, with why and by whom, for review."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="revocations")
    voter = models.ForeignKey(Voter, on_delete=models.RESTRICT, related_name="revocations")
    actor = models.CharField(max_length=150)
    reason = models.TextField()
    ballot_removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    upheld = models.BooleanField(null=True, blank=True)
    review_note = models.TextField(blank=True)


class TimetableEvent(models.Model):
    class Kind(models.TextChoices):
        FREEZE = "freeze"
        SUPPORTER_WINDOW = "supporter_window", "supporter window"
        NOMINATIONS_OPEN = "nominations_open", "nominations open"
        NOMINATIONS_CLOSE = "nominations_close", "nominations close"
        HUSTINGS = "hustings"
        DEBATE = "debate"
        BALLOT_OPEN = "ballot_open", "ballot opens"
        BALLOT_CLOSE = "ballot_close", "ballot closes"
        DECLARATION = "declaration"
        OTHER = "other"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    place = models.CharField(max_length=200, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ("start", "pk")


class OutboxMessage(models.Model):
    """An email waiting to go, or sent, or given up on: nothing is lost if the worker stops.

    A ``credential`` message has no secret in it: the link is minted when it is sent.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"

    class Kind(models.TextChoices):
        PLAIN = "plain"
        CREDENTIAL = "credential"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PLAIN)
    voter = models.ForeignKey(Voter, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="messages")
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),)


class AuditEntry(models.Model):
    """One entry of the hash-chained log: ``hash = sha256(seq, at, actor, action, payload,
    prev_hash)``, so editing, deleting or reordering any entry breaks the chain; ``signature``
    is Ed25519 over the hash by the key ``key_id`` names (kept outside the database)."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    signature = models.CharField(max_length=128, blank=True)
    key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ("seq",)
        verbose_name_plural = "audit entries"


class AuditHead(models.Model):
    """The latest entry's number and hash, signed so it cannot be moved back: one row,
    locked while an entry is appended."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128, blank=True)
    key_id = models.CharField(max_length=16, blank=True)


class RollChange(models.Model):
    """A change to the roll of a contest past its freeze: proposed by one person, applied
    only when a different person approves it (`psephos.contests.roll`); both steps are in
    the audit chain."""

    class Kind(models.TextChoices):
        ADD = "add"
        REMOVE = "remove"
        EDIT = "edit"

    class State(models.TextChoices):
        PROPOSED = "proposed"
        APPLIED = "applied"
        REJECTED = "rejected"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="roll_changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    #: The voter's member number (the roll entry added, removed or edited).
    member_number = models.CharField(max_length=64)
    #: The roll fields to set (add, edit): field name -> value as text.
    payload = models.JSONField(default=dict, blank=True)
    reason = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.CharField(max_length=150)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"roll change {self.pk}: {self.kind} {self.member_number} ({self.state})"


class TrackerRecovery(models.Model):
    """A cast ballot's tracker, sealed under a key only the voter's own secret gives, found
    by an id only that secret gives (`psephos.contests.casting.recovery`): a voter whose
    cast was committed but never answered can still learn their tracker. Nothing here
    names a voter or a ballot, and the secret is stored nowhere."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE,
                                related_name="tracker_recoveries")
    lookup = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField()


# The sealed count's tables live in their own module; importing them here registers them.
from psephos.contests.sealed_models import (  # noqa: E402, F401
    CeremonyMessage,
    DecryptionRequest,
    DecryptionShare,
    KeyCeremony,
    MixedBallot,
    OpenedBallot,
    Trustee,
)
