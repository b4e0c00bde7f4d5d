"""The tables of a sealed ballot: the trustees and their key ceremony, the ballots mixed at
the close, the trustees' decryption shares and the ballots they open.

Every message a trustee sends is kept as they signed it (JSON in the `psephos.crypto`
formats), so the whole ceremony and every decryption can be checked again from these rows,
and published. `OpenedBallot` rows exist only after the close, in the mixed order, with
random ids: nothing in them follows the order in which ballots were cast.
"""

from __future__ import annotations

import uuid

from django.db import models

from psephos.contests.models import Contest, Section


class Trustee(models.Model):
    """One of the n people who together hold the contest's decryption key."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="trustees")
    #: 1..n, the order the ceremony names them in.
    index = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    #: The trustee's public file (`psephos.crypto.ceremony.new_trustee`): signing and box keys.
    public = models.JSONField()

    class Meta:
        ordering = ("contest", "index")
        constraints = (
            models.UniqueConstraint(fields=["contest", "index"], name="trustee_index_unique"),
            models.UniqueConstraint(fields=["contest", "name"], name="trustee_name_unique"),
        )

    def __str__(self) -> str:
        return f"{self.name} (trustee {self.index})"


class KeyCeremony(models.Model):
    """The distributed key generation of a contest: k of its n trustees can decrypt."""

    class State(models.TextChoices):
        ROUND1 = "round1", "waiting for round 1"
        ROUND2 = "round2", "waiting for round 2"
        COMPLETE = "complete"

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="ceremony")
    threshold = models.PositiveSmallIntegerField()
    #: The ceremony file every trustee runs (`psephos.crypto.ceremony.new_ceremony`).
    document = models.JSONField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.ROUND1)
    #: The joint public key, once every round 2 message is in.
    election_key = models.BinaryField(null=True, blank=True)
    #: Run in one process by the server (`psephos contest trustees local`): whoever holds
    #: the private files it wrote can decrypt alone.
    local = models.BooleanField(default=False)


class CeremonyMessage(models.Model):
    """A trustee's signed message of round 1 (commitments, encrypted shares) or round 2
    (verification key), as they sent it."""

    ceremony = models.ForeignKey(KeyCeremony, on_delete=models.CASCADE,
                                 related_name="messages")
    trustee = models.ForeignKey(Trustee, on_delete=models.CASCADE, related_name="messages")
    round = models.PositiveSmallIntegerField()
    message = models.JSONField()

    class Meta:
        ordering = ("round", "trustee__index")
        constraints = (
            models.UniqueConstraint(fields=["ceremony", "trustee", "round"],
                                    name="one_message_per_round"),
        )


class MixedBallot(models.Model):
    """A section's ballots after the close, shuffled and re-encrypted: ``position`` is the
    order of the mixed list the trustees decrypt."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="+")
    position = models.PositiveIntegerField()
    sealed = models.BinaryField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["section", "position"], name="mixed_position_unique"),
        )


class SectionShuffle(models.Model):
    """The proof of a section's mix: its `psephos-shuffle/1` file (docs/verifiability.md
    section 9.6) without "output", which is the section's `MixedBallot` rows in order."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="+")
    #: The place in the section's chain of mixes: 0 the server's, then 1, 2, … each a
    #: trustee's re-mix of the stage before (`psephos.contests.mixing.add_mix`).
    stage = models.PositiveIntegerField(default=0)
    #: Every field of the file but "output": ceremony, key, label, width, count, the input's
    #: SHA-256 and the proof. Once a later stage re-mixes it, its "output" too (the section's
    #: `MixedBallot` rows then hold the last stage's output).
    document = models.JSONField()
    #: The shuffle hash of the whole file, as logged and named by the decryption request.
    shuffle_hash = models.CharField(max_length=64)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["section", "stage"], name="one_shuffle_per_stage"),
        )


class DecryptionRequest(models.Model):
    """What the trustees are asked to decrypt for one section (its mixed ballots)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    section = models.OneToOneField(Section, on_delete=models.RESTRICT, related_name="+")
    #: `psephos.crypto.decryption.decryption_request` of the mixed ballots, as sent.
    request = models.JSONField()
    #: SHA-256 of the section's mixed list (each ciphertext in order), as logged.
    mixed_sha256 = models.CharField(max_length=64)
    #: Set once k trustees' shares have opened the section's ballots (`OpenedBallot`).
    opened = models.BooleanField(default=False)


class DecryptionShare(models.Model):
    """One trustee's checked decryption shares (with their proofs) for one request."""

    request = models.ForeignKey(DecryptionRequest, on_delete=models.CASCADE,
                                related_name="shares")
    trustee = models.ForeignKey(Trustee, on_delete=models.CASCADE, related_name="+")
    response = models.JSONField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["request", "trustee"], name="one_share_per_trustee"),
        )


class OpenedBallot(models.Model):
    """A decrypted ballot, in the mixed order (``position``) with a random id: what the
    count reads and the record publishes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="+")
    position = models.PositiveIntegerField()
    #: Candidate primary keys in order of preference.
    ranking = models.JSONField()
