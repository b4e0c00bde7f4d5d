"""Secrecy by schema: no path from a stored ballot to a voter; secrets only as hashes."""

from __future__ import annotations

from pathlib import Path

from tests.contests.helpers import open_with_voters

IDENTITY_TABLES = {"contests_voter", "contests_credential", "contests_votedmark",
                   "contests_revocation", "contests_outboxmessage"}
BALLOT_TABLES = {"contests_ballot"}


def test_ballot_table_has_no_link_to_voters(db: str) -> None:
    from django.db import connection

    from psephos.contests.models import Ballot

    with connection.cursor() as cursor:
        introspection = connection.introspection
        for table in BALLOT_TABLES:
            relations = introspection.get_relations(cursor, table)
            targets = {target for _, target in relations.values()}
            assert targets <= {"contests_contest", "contests_section"}, targets
            columns = {c.name for c in introspection.get_table_description(cursor, table)}
            assert columns == {"id", "contest_id", "section_id", "sealed", "tracker",
                               "full_tracker", "signed_by", "signature", "proof", "removed",
                               "block"}
    # No date or time column, and no field at all that names a voter or credential.
    for model_field in Ballot._meta.get_fields():
        assert model_field.get_internal_type() not in {"DateTimeField", "DateField",
                                                       "TimeField"}
        assert "voter" not in model_field.name and "credential" not in model_field.name
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"  # no insertion order to match


def test_no_table_points_at_ballots(db: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            relations = connection.introspection.get_relations(cursor, table)
            assert "contests_ballot" not in {t for _, t in relations.values()}, table


def test_seals_are_destroyed_at_the_close(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.models import BallotSeal, VotedMark

    contest, secrets = open_with_voters(tmp_path)
    for number in ("M1", "M2", "S1"):
        cast_ballot(contest, secrets[number].link_token, ["Alice"])
    assert BallotSeal.objects.count() == 3
    voted_keys = {str(k) for k in VotedMark.objects.values_list("voter_id", flat=True)}
    assert not voted_keys & set(BallotSeal.objects.values_list("voter_key", flat=True))
    close_contest(contest, actor="ro")
    assert BallotSeal.objects.count() == 0


def _every_stored_text() -> str:
    """Every value in every table, as text (a dump of the whole database)."""
    from django.db import connection

    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_credentials_stored_only_as_hashes(db: str, tmp_path: Path) -> None:
    from django.core import mail

    from psephos.contests import tokens
    from psephos.contests.credentials import postal_pack, queue_credential_emails
    from psephos.contests.models import Credential
    from psephos.contests.outbox import send_pending

    contest, secrets = open_with_voters(tmp_path)
    mail.outbox = []
    queue_credential_emails(contest)
    send_pending()

    sent_links = [m.body.split("vote/small/")[1].split("/")[0] for m in mail.outbox]
    pack = tmp_path / "postal.csv"
    postal_pack(contest, pack)
    codes = [line.split(",")[3] for line in pack.read_text().splitlines()[1:]]
    assert oct(pack.stat().st_mode & 0o777) == "0o600"
    dump = _every_stored_text()
    clear = [s.link_token for s in secrets.values()] + [s.postal_code for s in secrets.values()]
    clear += sent_links + codes
    assert len(clear) == 4 * len(secrets)
    for value in clear:
        assert value not in dump
        assert tokens.normalise_postal(value) not in dump
    hashes = set(Credential.objects.values_list("link_hash", flat=True))
    assert {tokens.link_hash(t) for t in sent_links} <= hashes
    # Entropy: 128-bit links, 80-bit postal codes (16 characters of 32).
    assert len(tokens.new_link_token()) >= 22
    assert len(tokens.normalise_postal(tokens.new_postal_code())) == 16
    assert len(tokens.POSTAL_ALPHABET) == 32


def test_no_table_ties_a_voter_to_their_public_credential(db: str, tmp_path: Path) -> None:
    """The ballot names the public credential that signed it; nothing that names a voter
    holds that credential in the clear: the list's rows carry no voter and are written in
    pair order, and a voter's credential row keeps its public credentials sealed (under a
    key derived from SECRET_KEY, outside the database)."""
    from django.db import connection

    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import Ballot, Credential, PublicCredential
    from psephos.contests.public_credentials import open_publics

    contest, secrets = open_with_voters(tmp_path)
    for number in ("M1", "M2", "S1"):
        cast_ballot(contest, secrets[number].link_token, ["Alice"])
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(
            cursor, PublicCredential._meta.db_table)
    assert {target for _, target in relations.values()} <= {"contests_contest",
                                                             "contests_section"}
    # written in pair order, so the table's own (physical) order says nothing of the roll's
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('pair')} FROM "
                       f"{connection.ops.quote_name(PublicCredential._meta.db_table)} "
                       f"ORDER BY {physical}")
        stored_order = [row[0] for row in cursor.fetchall()]
    assert stored_order == sorted(stored_order) and len(stored_order) == 8
    signers = set(Ballot.objects.values_list("signed_by", flat=True))
    identity = "\n".join(repr(row) for row in Credential.objects.values_list())
    for signer in signers:
        assert signer not in identity and bytes.fromhex(signer) not in identity.encode()
    # the server can open a row's seal (to replace an entry), and then finds a signer
    opened = {half.hex() for row in Credential.objects.all()
              for half in (open_publics(contest.pk, row.publics) or ())}
    assert signers <= opened
