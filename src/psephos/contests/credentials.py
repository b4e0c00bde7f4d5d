"""Voters' credentials: issued, delivered, reissued; only their hashes are ever stored.

A credential has two secrets: a link token (sent by e-mail) and a postal code (printed on
a letter, typed by hand). Either one casts the voter's one ballot. A secret exists in clear
only at the moment it is handed over: `issue_credentials` gives it to a ``sink`` (the
mailing house's file), the outbox mints a fresh link as it sends each e-mail, and
`postal_pack` mints fresh postal codes as it writes the print file. Minting a new one
makes the old one stop working; `reissue` replaces both.

Each minting also derives the voter's public credentials, so their entry on their
section's public list follows their secrets (`psephos.contests.public_credentials`).
Secrets a registrar minted (`psephos.contests.registrar`) are minted again only by the
registrar: the server does not know which entry is the voter's, so it cannot replace it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet

from psephos.contests import audit, lock_order, public_credentials, tokens
from psephos.contests.errors import AlreadyVoted, ContestError, WrongState
from psephos.contests.models import Contest, Credential, OutboxMessage, Voter
from psephos.crypto.threads import in_chunks
from psephos.files import spreadsheet_row, write_atomically

BATCH = 5000
#: Where a link token is followed; the web app routes this path.
LINK_PATH = "/vote/{contest}/{token}/"


@dataclass(frozen=True)
class IssuedCredential:
    """The clear secrets, returned once: nothing can show them again."""

    link_token: str
    postal_code: str


Sink = Callable[[Voter, IssuedCredential], None]


def public_url() -> str:
    """The address voters' links start with (``PSEPHOS_PUBLIC_URL``)."""
    return str(getattr(settings, "PSEPHOS_PUBLIC_URL", ""))


def vote_url(contest: Contest, link_token: str) -> str:
    """The address a voter follows to vote with a link token."""
    return public_url() + LINK_PATH.format(contest=contest.slug, token=link_token)


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def local_links_warning() -> str | None:
    """What to tell someone about to hand out links that only this computer can follow
    (``PSEPHOS_PUBLIC_URL`` unset, so they start with the local default), or None."""
    url = public_url()
    if (urlsplit(url).hostname or "") not in LOCAL_HOSTS:
        return None
    return (f"voters' links will point at {url}, which only this computer can reach: "
            "set PSEPHOS_PUBLIC_URL to the address voters will use "
            "(e.g. https://vote.example.org)")


#: Why the server refuses to mint a registrar's voter new secrets.
REGISTRAR_MADE = ("this voter's credentials were made by a registrar: ask the registrar to "
                  "reissue")


def _refuse_registrar_made(credentials: Iterable[Credential], who: str) -> None:
    """ContestError if any of ``credentials`` was made by a registrar (holds no public
    credentials): a new secret would need a new entry, which only the registrar can make."""
    if any(credential.publics is None for credential in credentials):
        raise ContestError(f"{who}: {REGISTRAR_MADE}")


def _new() -> tuple[IssuedCredential, str, str]:
    issued = IssuedCredential(tokens.new_link_token(), tokens.new_postal_code())
    return issued, tokens.link_hash(issued.link_token), tokens.postal_hash(issued.postal_code)


def _check_state(contest: Contest) -> None:
    if contest.state not in (Contest.State.DRAFT, Contest.State.OPEN):
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: credentials can only "
                         "be issued before the close")


def issue_credentials(contest: Contest, *, sink: Sink | None = None,
                      actor: Any = "system") -> int:
    """Give every eligible voter without a credential one; returns how many were issued.

    ``sink`` receives each voter's clear secrets (e.g. to write the mailing house's file);
    without one they are discarded, and voters get theirs by e-mail or postal pack.
    """
    _check_state(contest)

    entries: list[tuple[int, str]] = []

    def credentials(voters: Iterable[Voter]) -> Iterator[Credential]:
        batch: list[Voter] = []
        for voter in voters:
            batch.append(voter)
            if len(batch) == BATCH:
                yield from made(batch)
                batch = []
        yield from made(batch)

    def made(voters: list[Voter]) -> Iterator[Credential]:
        minted = [_new() for _ in voters]
        publics = public_credentials.derive_many(
            contest, [(secret.link_token, secret.postal_code) for secret, _, _ in minted])
        for voter, (secret, link_hash, postal_hash), pair in zip(voters, minted, publics,
                                                                 strict=True):
            if sink is not None:
                sink(voter, secret)
            entries.append((voter.section_id, public_credentials.pair_hex(pair)))
            yield Credential(voter=voter, link_hash=link_hash, postal_hash=postal_hash,
                             publics=public_credentials.seal_publics(contest.pk, pair))

    with transaction.atomic():
        live = Credential.objects.filter(voter__contest=contest,
                                         status__in=[Credential.Status.ACTIVE,
                                                     Credential.Status.USED])
        waiting = (Voter.objects.filter(contest=contest, status=Voter.Status.ELIGIBLE)
                   .exclude(pk__in=live.values("voter_id")))
        issued = create_in_batches(Credential,
                                   credentials(in_batches(waiting.select_related("section"))))
        public_credentials.add_entries(contest, entries)
        audit.record(actor, "credentials.issue", {"contest": contest.slug, "issued": issued})
    return issued


def reissue(voter: Voter, *, actor: Any) -> IssuedCredential:
    """Replace a voter's credential: the old link and code stop working at once."""
    contest = voter.contest
    _check_state(contest)
    secret, link_hash, postal_hash = _new()
    publics = public_credentials.derive(contest, secret.link_token, secret.postal_code)
    try:
        with transaction.atomic():  # in the one lock order (`psephos.contests.lock_order`)
            lock_order.lock_contest_shared(contest.pk)
            lock_order.lock_credentials(voter.pk)
            voter = lock_order.lock_voter(voter.pk)
            if voter.status != Voter.Status.ELIGIBLE:
                raise ContestError(f"{voter.member_number} is not eligible to vote "
                                   f"({voter.status}); no credential can be issued")
            if hasattr(voter, "voted"):
                raise AlreadyVoted(f"{voter.member_number} has already voted")
            old = list(voter.credentials.filter(status=Credential.Status.ACTIVE))
            _refuse_registrar_made(old, voter.member_number)
            rotated = voter.credentials.filter(status=Credential.Status.ACTIVE).update(
                status=Credential.Status.ROTATED)
            Credential.objects.create(
                voter=voter, link_hash=link_hash, postal_hash=postal_hash,
                publics=public_credentials.seal_publics(contest.pk, publics))
            _replace_entries(contest, old, [(voter.section_id, publics)], "reissued")
            audit.record(actor, "credential.reissue", {
                "contest": contest.slug, "member_number": voter.member_number,
                "rotated": rotated})
    except IntegrityError:  # a ballot was cast with the old credential meanwhile
        raise AlreadyVoted(f"{voter.member_number} has already voted") from None
    return secret


def active_credential(voter: Voter) -> Credential | None:
    return voter.credentials.filter(status=Credential.Status.ACTIVE).first()


def mint_link(credential: Credential) -> str:
    """A new link token for this credential (the previous link stops working), and with
    it a new entry on the voter's list."""
    _refuse_registrar_made([credential], credential.voter.member_number)
    token = tokens.new_link_token()
    contest = credential.voter.contest
    before = public_credentials.open_publics(contest.pk, credential.publics)
    credential.link_hash = tokens.link_hash(token)
    fields = ["link_hash"]
    if before is not None:
        after = (public_credentials.derive_link(contest, token), before[1])
        credential.publics = public_credentials.seal_publics(contest.pk, after)
        fields.append("publics")
        with transaction.atomic():
            credential.save(update_fields=fields)
            _replace_entries(contest, [before], [(credential.voter.section_id, after)],
                             "a new link was sent")
        return token
    credential.save(update_fields=fields)
    return token


def _replace_entries(contest: Contest, old: list[Credential] | list[public_credentials.Publics],
                     new: list[tuple[int, public_credentials.Publics]], reason: str) -> None:
    """Withdraw the entries of ``old`` (credential rows, or their public credentials) and
    list ``new`` (section id, public credentials)."""
    pairs = []
    for item in old:
        publics = (public_credentials.open_publics(contest.pk, item.publics)
                   if isinstance(item, Credential) else item)
        if publics is not None:
            pairs.append(public_credentials.pair_hex(publics))
    public_credentials.withdraw_entries(contest, pairs, reason)
    public_credentials.add_entries(contest, [(section, public_credentials.pair_hex(publics))
                                             for section, publics in new])


CREDENTIAL_SUBJECT = "Your ballot: {contest}"
CREDENTIAL_BODY = """Dear {name},

You can vote in {contest} until the ballot closes. Follow this link to vote:

{link}

The link is yours alone and works once. If you also receive a ballot by post, use only one;
your vote is counted once.
"""


def queue_credential_emails(contest: Contest, *, actor: Any = "system") -> int:
    """Queue a ballot e-mail for every voter with an active credential and an e-mail address
    who has none queued or sent; the link is made when the message is sent. A registrar's
    voters are left out: the registrar delivers their secrets."""
    _check_state(contest)
    with transaction.atomic():
        already = OutboxMessage.objects.filter(
            kind=OutboxMessage.Kind.CREDENTIAL, voter__contest=contest,
            status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENT])
        voters = (Voter.objects.filter(contest=contest, status=Voter.Status.ELIGIBLE,
                                       credentials__status=Credential.Status.ACTIVE,
                                       credentials__publics__isnull=False)
                  .exclude(email="").exclude(pk__in=already.values("voter_id")))
        subject = CREDENTIAL_SUBJECT.format(contest=contest.name)
        queued = create_in_batches(OutboxMessage, (
            OutboxMessage(kind=OutboxMessage.Kind.CREDENTIAL, voter=voter, to=voter.email,
                          subject=subject, body=CREDENTIAL_BODY)
            for voter in in_batches(voters)))
        audit.record(actor, "credentials.queue_emails", {"contest": contest.slug,
                                                         "queued": queued})
    return queued


POSTAL_COLUMNS = ("member_number", "name", "section", "postal_code", "vote_at")


def postal_pack(contest: Contest, path: str | Path, *, actor: Any = "system") -> int:
    """Write the print file for postal packs (CSV, mode 0600) with freshly minted codes.

    Every voter with an active credential gets a new postal code (any earlier one stops
    working); the file is the only place the codes exist in clear. Returns the rows written.
    """
    _check_state(contest)
    made_by_registrar = (Credential.objects.filter(
        voter__contest=contest, status=Credential.Status.ACTIVE,
        voter__status=Voter.Status.ELIGIBLE, publics__isnull=True)
        .values_list("voter__member_number", flat=True).first())
    if made_by_registrar is not None:
        raise ContestError(f"{made_by_registrar} and any others like them: {REGISTRAR_MADE}; "
                           "no postal code was minted")

    def write(temporary: Path) -> int:
        written = 0
        with transaction.atomic(), temporary.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(POSTAL_COLUMNS)
            active = Credential.objects.filter(voter__contest=contest,
                                               status=Credential.Status.ACTIVE,
                                               voter__status=Voter.Status.ELIGIBLE)
            changed: list[Credential] = []
            withdrawn: list[public_credentials.Publics] = []
            listed: list[tuple[int, public_credentials.Publics]] = []

            def save(batch: list[Credential]) -> None:
                codes = [tokens.new_postal_code() for _ in batch]
                postals = in_chunks(lambda part: [public_credentials.derive_postal(contest, c)
                                                  for c in part], codes,
                                    public_credentials.WORKERS)
                for credential, code, postal in zip(batch, codes, postals, strict=True):
                    credential.postal_hash = tokens.postal_hash(code)
                    before = public_credentials.open_publics(contest.pk, credential.publics)
                    if before is not None:
                        withdrawn.append(before)
                        listed.append((credential.voter.section_id, (before[0], postal)))
                        credential.publics = public_credentials.seal_publics(
                            contest.pk, (before[0], postal))
                    voter = credential.voter
                    writer.writerow(spreadsheet_row([voter.member_number, voter.name,
                                                     voter.section.name, code,
                                                     f"{public_url()}/vote/"]))
                Credential.objects.bulk_update(batch, ["postal_hash", "publics"])

            for credential in in_batches(active.select_related("voter", "voter__section")):
                changed.append(credential)
                written += 1
                if len(changed) >= BATCH:
                    save(changed)
                    changed = []
            save(changed)
            _replace_entries(contest, withdrawn, listed, "a new postal code was printed")
            audit.record(actor, "credentials.postal_pack", {"contest": contest.slug,
                                                            "codes": written})
        return written

    # The codes exist nowhere else: never over another file, readable by its owner only.
    return write_atomically(path, write, private=True, overwrite=False)


def create_in_batches(model: type[Model], rows: Iterable[Model]) -> int:
    """Insert ``rows`` a batch at a time as they come (a roll may hold a million voters);
    returns how many were inserted."""
    made = 0
    batch: list[Model] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            made += len(batch)
            batch.clear()
    model.objects.bulk_create(batch)
    return made + len(batch)


def in_batches(queryset: QuerySet[Any]) -> Iterator[Any]:
    """Each row of ``queryset`` in primary-key order, fetched a batch at a time by key, so the
    caller may write while reading (SQLite cannot write under an open read cursor)."""
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        yield from queryset.model.objects.filter(pk__in=pks[start:start + BATCH]).select_related(
            *_related(queryset)).order_by("pk")


def _related(queryset: QuerySet[Any]) -> tuple[str, ...]:
    related = queryset.query.select_related
    if not isinstance(related, dict):
        return ()
    names: list[str] = []

    def walk(prefix: str, tree: dict[str, Any]) -> None:
        for name, sub in tree.items():
            names.append(prefix + name)
            walk(prefix + name + "__", sub)

    walk("", related)
    return tuple(names)
