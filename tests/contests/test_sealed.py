"""Sealed ballots: while the ballot is open the database holds rankings only as ciphertexts
that k trustees, and no fewer, can open; after the close the opened ballots follow no cast
order; the shuffle, the shares and the opening are checked and logged."""

from __future__ import annotations

import base64
import itertools
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.contests.helpers import close_and_count, decrypt_with, open_with_voters, unseal

CANDIDATES = ("Alice", "Bob", "Carol")
#: Every ranking of the three candidates, in a fixed order: a ballot's code is its place here.
RANKINGS = [list(p) for n in (1, 2, 3) for p in itertools.permutations(CANDIDATES, n)]


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    def ranks(values: list[float]) -> np.ndarray:
        order = np.argsort(values, kind="stable")
        out = np.empty(len(values))
        out[order] = np.arange(len(values))
        for value in set(values):  # ties share their average rank
            tied = np.array(values) == value
            out[tied] = out[tied].mean()
        return out
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def _cast_in_order(contest: Any, secrets: dict[str, Any], numbers: list[str]
                   ) -> dict[str, int]:
    """Each voter casts in turn a ranking whose code rises with the cast order; the codes
    by tracker, in cast order."""
    from psephos.contests.casting.service import cast_ballot

    codes = {}
    for i, number in enumerate(numbers):
        code = i * len(RANKINGS) // len(numbers)
        codes[cast_ballot(contest, secrets[number].link_token, RANKINGS[code]).tracker] = code
    return codes


def test_the_database_holds_no_plain_ranking_while_open(db: str, tmp_path: Path) -> None:
    from django.db import connection

    from psephos.contests.casting.paper import ballot_paper
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import AuditEntry, Ballot, MixedBallot, OpenedBallot
    from psephos.crypto import elgamal
    from psephos.crypto.errors import CeremonyError

    contest, secrets = open_with_voters(tmp_path, members=6, supporters=2)
    cast = {cast_ballot(contest, secrets[n].link_token, r).tracker: r for n, r in (
        ("M1", ["Bob", "Alice"]), ("M2", ["Carol"]), ("M3", ["Alice", "Carol", "Bob"]),
        ("S1", ["Bob"]))}
    # The schema: a ballot row is its ids, section, tracker (printed and in full), a
    # ciphertext and its signature under a public credential, whether it was removed and
    # its board checkpoint.
    with connection.cursor() as cursor:
        columns = {c.name: c for c in connection.introspection.get_table_description(
            cursor, Ballot._meta.db_table)}
    assert set(columns) == {"id", "contest_id", "section_id", "sealed", "tracker",
                            "full_tracker", "signed_by", "signature", "proof", "removed",
                            "block"}
    assert not OpenedBallot.objects.exists() and not MixedBallot.objects.exists()
    width = len(ballot_paper(contest).pks)
    pk = {c.name: c.pk for c in contest.candidates.all()}
    rows = list(Ballot.objects.values_list("tracker", "sealed"))
    for _, sealed in rows:
        assert len(bytes(sealed)) == width * elgamal.CIPHERTEXT_BYTES
        elgamal.check_sealed(bytes(sealed), width)
    # Two trustees' shares open every ballot to what was cast ...
    opened = unseal(contest, [bytes(s) for _, s in rows], trustees=2)
    assert {t: r for (t, _), r in zip(rows, opened, strict=True)} == {
        t: [pk[n] for n in names] for t, names in cast.items()}
    # ... any two of them, and one alone cannot.
    from tests.contests.helpers import TRUSTEE_FILES

    files = TRUSTEE_FILES[(contest.slug, contest.pk)]
    assert unseal(contest, [bytes(rows[0][1])], files=[files[2], files[0]]) == [opened[0]]
    with pytest.raises(CeremonyError, match="1 trustees answered; 2 are needed"):
        unseal(contest, [bytes(s) for _, s in rows], trustees=1)
    # No ranking in the audit chain either.
    for payload in AuditEntry.objects.values_list("payload", flat=True):
        assert "ranking" not in json.dumps(payload)


def _row_order(model: Any, column: str) -> list[Any]:
    """``column`` of every row in physical order: SQLite's rowid, PostgreSQL's ctid."""
    from django.db import connection

    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(model._meta.db_table)} ORDER BY {order}")
        return [row[0] for row in cursor.fetchall()]


def test_row_order_links_a_voter_at_most_to_a_ciphertext(db: str, tmp_path: Path) -> None:
    """The attack of issue #10: zip the "voted" marks and the ballots by row order. It
    still pairs voters with rows, but a row holds only a ciphertext; the mix shares no
    byte with it, and the opened ballots' order is unrelated to the cast order."""
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.models import Ballot, MixedBallot, OpenedBallot, VotedMark, Voter

    contest, secrets = open_with_voters(tmp_path, members=90, supporters=0)
    numbers = [f"M{i}" for i in range(1, 91)]
    random.Random(10).shuffle(numbers)
    by_tracker = _cast_in_order(contest, secrets, numbers)
    codes = list(by_tracker.values())
    voters = dict(Voter.objects.values_list("pk", "member_number"))
    by_row = list(zip([voters[v] for v in _row_order(VotedMark, "voter_id")],
                      [bytes(s) for s in _row_order(Ballot, "sealed")], strict=True))
    # What the attacker gets for a voter is a ciphertext, which decrypts only with k shares.
    assert all(isinstance(sealed, bytes) and len(sealed) == 3 * 64 for _, sealed in by_row)
    close_contest(contest, actor="ro")
    decrypt_with(contest)
    cast_pieces = {s[at:at + 32] for _, s in by_row for at in range(0, len(s), 32)}
    for sealed in MixedBallot.objects.values_list("sealed", flat=True):
        mixed = bytes(sealed)
        assert not {mixed[at:at + 32] for at in range(0, len(mixed), 32)} & cast_pieces
    opened_codes = _opened_codes(contest)
    assert sorted(opened_codes) == sorted(codes)
    # The codes rise with the cast order (rho = 1 before the mix) ...
    assert spearman(list(range(len(codes))), codes) > 0.95
    # ... and in the opened order they are shuffled: |rho| ~ N(0, 1/sqrt(89)) = 0.106, so
    # 0.4 is 3.8 standard deviations; a permutation test at the same seed agrees.
    rho = spearman(list(range(len(opened_codes))), opened_codes)
    assert abs(rho) < 0.4, rho
    rng = random.Random(2016)
    null = []
    for _ in range(500):
        shuffled = opened_codes[:]
        rng.shuffle(shuffled)
        null.append(abs(spearman(list(range(len(shuffled))), shuffled)))
    assert sum(n >= abs(rho) for n in null) / len(null) > 0.001
    # The mix's input is ordered by tracker; its output is not that order either: the codes
    # agree at about 1 place in 15 by chance (at every place if the mix kept the order).
    mix_input = [by_tracker[t] for t in sorted(by_tracker)]
    agree = sum(a == b for a, b in zip(mix_input, opened_codes, strict=True))
    assert agree < 30, agree
    assert OpenedBallot.objects.count() == 90


def _opened_codes(contest: Any) -> list[int]:
    """The opened ballots' ranking codes in the mixed order."""
    from psephos.contests.models import OpenedBallot
    from psephos.contests.opening import open_ballots

    open_ballots(contest, actor="ro")
    names = dict(contest.candidates.values_list("pk", "name"))
    rows = OpenedBallot.objects.filter(contest=contest).order_by("position")
    return [RANKINGS.index([names[pk] for pk in row.ranking]) for row in rows]


def test_sections_are_mixed_and_opened_separately(db: str, tmp_path: Path) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.mixing import list_sha256, mixed_ballots
    from psephos.contests.models import AuditEntry, Ballot, MixedBallot, OpenedBallot

    contest, secrets = open_with_voters(tmp_path, members=5, supporters=3)
    votes = {"M1": ["Alice"], "M2": ["Bob", "Alice"], "M3": ["Alice", "Carol"],
             "S1": ["Carol"], "S2": ["Carol", "Bob"], "S3": ["Bob"]}
    for number, ranking in votes.items():
        cast_ballot(contest, secrets[number].link_token, ranking)
    declaration = close_and_count(contest)
    sections = {s.slug: s for s in contest.sections.all()}
    names = dict(contest.candidates.values_list("pk", "name"))
    for slug, prefix in (("members", "M"), ("supporters", "S")):
        section = sections[slug]
        assert MixedBallot.objects.filter(section=section).count() == \
            Ballot.objects.filter(section=section).count() == 3
        opened = Counter(tuple(names[pk] for pk in r) for r in OpenedBallot.objects.filter(
            section=section).values_list("ranking", flat=True))
        assert opened == Counter(tuple(r) for n, r in votes.items() if n.startswith(prefix))
    shuffle = AuditEntry.objects.get(action="contest.shuffle").payload
    assert [(s["section"], s["ballots"]) for s in shuffle["sections"]] == [
        ("members", 3), ("supporters", 3)]
    assert shuffle["sections"][0]["mixed_sha256"] == list_sha256(
        mixed_ballots(sections["members"]))
    assert [s["section"] for s in AuditEntry.objects.get(
        action="contest.decrypt").payload["sections"]] == ["members", "supporters"]
    assert {s.slug: s.votes for s in declaration.sections} == {
        "members": {"Alice": 2, "Bob": 1, "Carol": 0},
        "supporters": {"Alice": 0, "Bob": 1, "Carol": 2}}
    assert verify_log().ok


def test_shares_are_checked_and_fewer_than_k_are_not_enough(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.counting import count_contest
    from psephos.contests.errors import TrusteeError, WrongState
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.mixing import mix_contest, requests_of
    from psephos.contests.models import DecryptionShare
    from psephos.contests.opening import add_shares
    from psephos.crypto.decryption import decrypt_shares
    from psephos.crypto.messages import sign
    from tests.contests.helpers import TRUSTEE_FILES

    contest, secrets = open_with_voters(tmp_path, members=3, supporters=1)
    for number in ("M1", "M2", "S1"):
        cast_ballot(contest, secrets[number].link_token, ["Bob"])
    files = TRUSTEE_FILES[(contest.slug, contest.pk)]
    privates = [json.loads(p.read_text()) for p in files]
    with pytest.raises(WrongState, match="only a closed, uncounted contest"):
        mix_contest(contest, actor="ro")
    close_contest(contest, actor="ro")
    mix_contest(contest, actor="ro")
    with pytest.raises(WrongState, match="already been shuffled"):
        mix_contest(contest, actor="ro")
    members, supporters = requests_of(contest)
    good = decrypt_shares(privates[0], members.request)
    # A share changed after signing: the signature fails.
    forged = dict(good)
    raw = bytearray(base64.b64decode(good["shares"]))
    raw[0] ^= 1
    forged["shares"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(TrusteeError, match="refused"):
        add_shares(contest, forged, actor="ro")
    # A trustee signing a wrong share (another ballot's): the proof fails.
    shares = base64.b64decode(good["shares"])
    swapped = shares[32:64] + shares[:32] + shares[64:]
    resigned = sign({**good, "shares": base64.b64encode(swapped).decode()},
                    bytes.fromhex(privates[0]["signing_seed"]))
    with pytest.raises(TrusteeError, match="proof of the shares does not verify"):
        add_shares(contest, resigned, actor="ro")
    assert not DecryptionShare.objects.exists()
    add_shares(contest, good, actor="ro")
    with pytest.raises(TrusteeError, match="has already sent their shares for section members"):
        add_shares(contest, good, actor="ro")
    add_shares(contest, decrypt_shares(privates[0], supporters.request), actor="ro")
    with pytest.raises(WrongState, match="section members: 1 more trustee"):
        count_contest(contest)
    # Shares for another contest's request, or not shares at all, are refused by name.
    with pytest.raises(TrusteeError, match="answer no decryption request"):
        add_shares(contest, {**good, "request": "0" * 64}, actor="ro")
    with pytest.raises(TrusteeError, match="not a trustee's decryption shares"):
        add_shares(contest, {"format": "x"}, actor="ro")
    for request in (members, supporters):
        add_shares(contest, decrypt_shares(privates[2], request.request), actor="ro")
    declaration = count_contest(contest)
    assert declaration.ballots == 3 and declaration.elected == ("Bob",)
