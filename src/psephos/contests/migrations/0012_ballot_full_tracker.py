# ruff: noqa: RUF012
"""Each ballot keeps the full tracker the board lists, hashed when it was signed.

A checkpoint read every ballot it fixes and hashed each again: 320-414 ms for 60,000
ballots, timed alone, while the casts went on. Ballots already stored get theirs here, computed as a
cast computes it (`psephos.crypto.ballot_signatures.ballot_tracker`); an unsigned ballot,
stored before public credentials, has none.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from psephos.crypto.ballot_signatures import ballot_tracker

BATCH = 2000


def fill_full_trackers(apps: Any, schema_editor: Any) -> None:
    Ballot = apps.get_model("contests", "Ballot")
    signed = (Ballot.objects.filter(full_tracker=None).exclude(signed_by=None)
              .exclude(signature=None).select_related("contest").order_by("pk"))
    while batch := list(signed[:BATCH]):
        for ballot in batch:
            ballot.full_tracker = ballot_tracker(
                ballot.contest.slug, bytes.fromhex(ballot.signed_by), bytes(ballot.sealed),
                bytes.fromhex(ballot.signature)).hex()
        Ballot.objects.bulk_update(batch, ["full_tracker"])


class Migration(migrations.Migration):
    dependencies = [("contests", "0011_board_documents_uncompressed")]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="full_tracker",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunPython(fill_full_trackers, migrations.RunPython.noop),
    ]
