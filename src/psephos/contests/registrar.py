"""The server's side of a registrar (docs/verifiability.md, section 10.9): importing the
hashes of secrets it minted, and its credential lists.

The server gets, for each voter, only the hashes that find the voter from a secret, and
each section's list of entries with no voter beside them: it never holds a secret, a
private credential or the mapping from voter to entry. Each credential row so made holds
no public credentials (``publics`` is None), which is how the rest of the app knows that
only the registrar can mint that voter's secrets again (`psephos.contests.credentials`).

Everything is checked before anything is written, and written in one transaction: the
contest must be a draft with the registrar's postal iterations, every voter of the file on
the roll and waiting for a credential, every waiting voter in the file, and each section's
list exactly as long as its voters, its hash the one ``server.json`` names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from psephos.contests import audit, public_credentials
from psephos.contests.credentials import create_in_batches
from psephos.contests.errors import RegistrarError, WrongState
from psephos.contests.models import Contest, Credential, Section, Voter
from psephos.contests.registrar_files import (
    SERVER,
    list_name,
    read_list_file,
    read_server,
)
from psephos.crypto import credentials as public

#: Member numbers named in one message, at most.
SHOWN = 5


@dataclass(frozen=True)
class RegistrarImport:
    """What was imported: voters per section, and each list's hash."""

    voters: dict[str, int]
    lists: dict[str, str]


def _some(numbers: list[str]) -> str:
    shown = ", ".join(sorted(numbers)[:SHOWN])
    return shown + (f" and {len(numbers) - SHOWN} more" if len(numbers) > SHOWN else "")


def roll_rows(contest: Contest) -> list[tuple[str, str]]:
    """(member number, section slug) of every eligible voter without a live credential:
    the roll a registrar mints for (`psephos.contests.registrar_files.ROLL_COLUMNS`)."""
    live = Credential.objects.filter(voter__contest=contest, status__in=[
        Credential.Status.ACTIVE, Credential.Status.USED])
    return list(Voter.objects.filter(contest=contest, status=Voter.Status.ELIGIBLE)
                .exclude(pk__in=live.values("voter_id"))
                .order_by("section__slug", "member_number")
                .values_list("member_number", "section__slug"))


def import_registrar(contest: Contest, folder: Path, *, actor: Any) -> RegistrarImport:
    """Import the registrar's ``server.json`` and lists from ``folder`` into the draft
    ``contest``; `RegistrarError` (or `WrongState`) saying what does not match, with
    nothing written."""
    server = read_server(folder / SERVER)
    if server.contest != contest.slug:
        raise RegistrarError(f"{folder / SERVER}: it is for contest {server.contest!r}, not "
                             f"{contest.slug!r}")
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.state != Contest.State.DRAFT:
            raise WrongState(f"contest {contest.slug!r} is {locked.state}: a registrar's "
                             "credentials are imported before the opening")
        if server.postal_iterations != locked.postal_iterations:
            raise RegistrarError(
                f"{folder / SERVER}: the registrar stretched postal codes "
                f"{server.postal_iterations} times, but contest {contest.slug!r} uses "
                f"{locked.postal_iterations}: mint again with --postal-iterations "
                f"{locked.postal_iterations}")
        voters = _voters(locked, server.voters, folder / SERVER)
        sections = {s.slug: s for s in Section.objects.filter(contest=locked)}
        counts = Counter(v.section for v in server.voters)
        entries = _lists(locked, folder, server.lists, counts)
        try:
            create_in_batches(Credential, (
                Credential(voter=voters[v.member_number], link_hash=v.link_hash,
                           postal_hash=v.postal_hash, publics=None)
                for v in server.voters))
            public_credentials.add_entries(locked, [
                (sections[section].pk, pair.hex())
                for section, pairs in entries.items() for pair in pairs])
        except IntegrityError:
            raise RegistrarError(f"{folder}: a secret's hash or an entry is already in use "
                                 "in this database: were these files imported before? "
                                 "Nothing was imported") from None
        audit.record(actor, "credentials.registrar_import", {
            "contest": locked.slug, "imported": len(server.voters),
            "lists": server.lists})
    return RegistrarImport(dict(sorted(counts.items())), dict(sorted(server.lists.items())))


def _voters(contest: Contest, wanted: list[Any], where: Path) -> dict[str, Voter]:
    """The voters ``server.json`` names, each eligible, waiting for a credential, in the
    section it says; and no voter waiting left out."""
    roll = {v.member_number: v for v in
            Voter.objects.filter(contest=contest).select_related("section")}
    waiting = dict(roll_rows(contest))
    seen: set[str] = set()
    for entry in wanted:
        number = entry.member_number
        voter = roll.get(number)
        if voter is None:
            raise RegistrarError(f"{where}: member {number} is not on the roll of "
                                 f"{contest.slug!r}")
        if number in seen:
            raise RegistrarError(f"{where}: member {number} is in the file twice")
        seen.add(number)
        if voter.status != Voter.Status.ELIGIBLE:
            raise RegistrarError(f"{where}: member {number} is not eligible ({voter.status})")
        if number not in waiting:
            raise RegistrarError(f"{where}: member {number} already has a credential")
        if voter.section.slug != entry.section:
            raise RegistrarError(f"{where}: member {number} is in section "
                                 f"{voter.section.slug!r} on the roll, not {entry.section!r}")
    left_out = sorted(set(waiting) - seen)
    if left_out:
        raise RegistrarError(f"{where}: {len(left_out)} voter(s) on the roll waiting for a "
                             f"credential are not in it ({_some(left_out)}): export the roll "
                             "again and have the registrar mint for it")
    return {number: roll[number] for number in seen}


def _lists(contest: Contest, folder: Path, hashes: dict[str, str],
           counts: Counter[str]) -> dict[str, list[bytes]]:
    """Each section's list, read and checked against ``server.json`` and the roll."""
    if set(hashes) != set(counts):
        raise RegistrarError(f"{folder / SERVER}: it names lists of sections "
                             f"{sorted(hashes)} but has voters in {sorted(counts)}")
    entries: dict[str, list[bytes]] = {}
    for section in sorted(hashes):
        path = folder / list_name(section)
        pairs = read_list_file(folder, contest.slug, section)
        document_hash = public.list_commitment(contest.slug, section, pairs)
        if document_hash != hashes[section]:
            raise RegistrarError(f"{path}: its hash is {document_hash[:16]}…, but "
                                 f"{SERVER} names {hashes[section][:16]}…: the files are "
                                 "not from one run of the registrar, or were changed")
        if len(pairs) != counts[section]:
            raise RegistrarError(f"{path}: {len(pairs)} entries for {counts[section]} voters "
                                 f"of section {section!r} on the roll")
        entries[section] = pairs
    return entries
