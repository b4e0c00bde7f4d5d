"""Sealed ballots: the encoding, encryption round trips, re-encryption and shuffle."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.crypto import elgamal, group

SECRET = group.scalar(0x5EC12E7)
KEY = group.base_mult(SECRET)


@st.composite
def rankings(draw: st.DrawFn) -> tuple[int, list[int]]:
    width = draw(st.integers(1, 12))
    ranking = draw(st.permutations(range(width)))
    return width, ranking[:draw(st.integers(0, width))]


def test_the_encoding_is_the_documented_points() -> None:
    # Known answers: value v is (v + 1)·G, the multiples of the generator listed in
    # RFC 9496 appendix A.1, so any verifier can rebuild the table.
    table = elgamal.encodings(3)
    assert table[0].hex() == "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
    assert table[1].hex() == "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919"
    assert table[2].hex() == "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259"
    assert table[3] == group.add(table[2], group.GENERATOR)
    assert group.IDENTITY not in table


@settings(max_examples=60, deadline=None)
@given(rankings())
def test_a_ranking_round_trips(case: tuple[int, list[int]]) -> None:
    width, ranking = case
    sealed = elgamal.encrypt_ranking(KEY, ranking, width)
    assert len(sealed) == width * elgamal.CIPHERTEXT_BYTES
    elgamal.check_sealed(sealed, width)
    assert elgamal.decrypt_ranking(SECRET, sealed, width) == tuple(ranking)


def test_encryption_is_randomised() -> None:
    first = elgamal.encrypt_ranking(KEY, [1, 0], 3)
    second = elgamal.encrypt_ranking(KEY, [1, 0], 3)
    assert first != second
    assert all(a != b for a, b in zip(elgamal.split(first), elgamal.split(second), strict=True))


def test_reencryption_changes_every_slot_and_keeps_the_ranking() -> None:
    sealed = elgamal.encrypt_ranking(KEY, [2, 0, 1], 4)
    again = elgamal.reencrypt(KEY, sealed)
    assert all(a != b for a, b in zip(elgamal.split(sealed), elgamal.split(again), strict=True))
    assert elgamal.decrypt_ranking(SECRET, again, 4) == (2, 0, 1)


def test_a_shuffle_keeps_the_multiset_of_rankings_and_hides_the_order() -> None:
    cast = [[0], [1, 0], [2], [0, 1, 2], [], [1]] * 3
    sealed = [elgamal.encrypt_ranking(KEY, ranking, 3) for ranking in cast]
    seen: list[object] = []
    mixed = elgamal.shuffle(KEY, sealed, witness=lambda *args: seen.append(args))
    assert not set(mixed) & set(sealed)
    decrypted = [elgamal.decrypt_ranking(SECRET, ballot, 3) for ballot in mixed]
    assert Counter(decrypted) == Counter(tuple(ranking) for ranking in cast)
    _, outputs, permutation, scalars = seen[0]  # type: ignore[misc]
    assert sorted(permutation) == list(range(len(cast)))
    assert [elgamal.decrypt_ranking(SECRET, ballot, 3) for ballot in outputs] == [
        tuple(cast[source]) for source in permutation]
    assert elgamal._reencrypt(KEY, sealed[permutation[0]], scalars[0]) == outputs[0]


def test_a_shuffle_on_threads_is_the_one_thread_shuffle_of_its_witness() -> None:
    cast = [[0], [1, 0], [2], [0, 1, 2], [], [1]] * 5
    sealed = [elgamal.encrypt_ranking(KEY, ranking, 3) for ranking in cast]
    seen: list[object] = []
    mixed = elgamal.shuffle(KEY, sealed, witness=lambda *args: seen.append(args), workers=4)
    _, outputs, permutation, scalars = seen[0]  # type: ignore[misc]
    assert outputs == mixed
    assert mixed == [elgamal._reencrypt(KEY, sealed[source], randomness)
                     for source, randomness in zip(permutation, scalars, strict=True)]


@pytest.mark.parametrize(("ranking", "width", "problem"), [
    ([0, 0], 3, "twice"), ([3], 3, "not a candidate"), ([-1], 3, "not a candidate"),
    ([0, 1, 2, 0], 3, "longer"), ([True], 3, "not a candidate"), ([0], 0, "width"),
    ([0], elgamal.MAX_WIDTH + 1, "width must be a whole number from 1 to 1000")])
def test_a_bad_ranking_is_refused(ranking: list[int], width: int, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        elgamal.encrypt_ranking(KEY, ranking, width)


def test_a_bad_election_key_is_refused() -> None:
    with pytest.raises(ValueError, match="election key"):
        elgamal.encrypt_ranking(b"\xff" * 32, [0], 2)
    with pytest.raises(ValueError, match="identity"):
        elgamal.encrypt_ranking(group.IDENTITY, [0], 2)


def _points(*values: int, width: int = 3) -> list[bytes]:
    return [elgamal.encodings(width)[v] for v in values]


def test_decoding_refuses_what_is_not_a_ranking() -> None:
    assert elgamal.decode_ranking(_points(2, 1, 0), 3) == (1, 0)
    assert elgamal.decode_ranking(_points(0, 0, 0), 3) == ()
    with pytest.raises(ValueError, match="slot 2 decrypts to no"):
        elgamal.decode_ranking([_points(1)[0], group.IDENTITY,
                                _points(0)[0]], 3)
    with pytest.raises(ValueError, match="repeats candidate 0"):
        elgamal.decode_ranking(_points(1, 1, 0), 3)
    with pytest.raises(ValueError, match="after the blank slot 1"):
        elgamal.decode_ranking(_points(0, 1, 0), 3)
    with pytest.raises(ValueError, match="2 slots"):
        elgamal.decode_ranking(_points(1, 0), 3)


def test_check_sealed_refuses_bad_points_and_sizes() -> None:
    sealed = elgamal.encrypt_ranking(KEY, [0], 2)
    elgamal.check_sealed(sealed, 2)
    with pytest.raises(ValueError, match="128 bytes, not 127"):
        elgamal.check_sealed(sealed[:-1], 2)
    with pytest.raises(ValueError, match="slot 2: beta"):
        elgamal.check_sealed(sealed[:96] + b"\xff" * 32, 2)
    with pytest.raises(ValueError, match="slot 1: alpha"):
        elgamal.check_sealed(group.IDENTITY + sealed[32:], 2)


def test_group_checks_points_and_scalars() -> None:
    assert group.is_point(group.GENERATOR) and group.is_point(group.IDENTITY)
    assert not group.is_point(b"\x01" + bytes(31)) and not group.is_point(b"x")
    assert group.is_scalar(group.scalar(group.ORDER - 1))
    assert not group.is_scalar((group.ORDER).to_bytes(32, "little"))
    assert group.mult(group.scalar(3), group.GENERATOR) == group.base_mult(group.scalar(3))
    assert group.base_mult(group.scalar(0)) == group.IDENTITY


def test_the_temporary_copy_of_libsodium_is_removed() -> None:
    # rbcl 1.1 writes libsodium to a new temporary file at every import and never deletes
    # it; psephos.crypto.group deletes it once loaded, or every process leaves 2.8 MB.
    import sys
    from pathlib import Path

    path = sys.modules["rbcl._sodium"].lib_path
    assert path.endswith(".so") and not Path(path).exists()
    assert group.base_mult(group.scalar(1)) == group.GENERATOR  # still loaded


OPENED_SCALARS = [group.scalar(1000 + slot) for slot in range(4)]


def test_encryption_with_given_scalars_is_determined_by_them() -> None:
    sealed = elgamal.encrypt_ranking_with(KEY, [2, 0], 4, OPENED_SCALARS)
    assert sealed == elgamal.encrypt_ranking_with(KEY, [2, 0], 4, OPENED_SCALARS)
    alpha, beta = elgamal.split(sealed)[0]
    assert alpha == group.base_mult(OPENED_SCALARS[0])
    assert beta == group.add(elgamal.encodings(4)[3], group.mult(OPENED_SCALARS[0], KEY))
    assert elgamal.decrypt_ranking(SECRET, sealed, 4) == (2, 0)


@pytest.mark.parametrize("scalars", [OPENED_SCALARS[:3], [bytes(32), *OPENED_SCALARS[1:]],
                                     [group.ORDER.to_bytes(32, "little"), *OPENED_SCALARS[1:]]])
def test_encryption_refuses_missing_zero_or_unreduced_scalars(scalars: list[bytes]) -> None:
    with pytest.raises(ValueError, match="scalar"):
        elgamal.encrypt_ranking_with(KEY, [0], 4, scalars)


def test_an_honest_opening_checks() -> None:
    # Benaloh's cast-or-challenge: the device reveals the ranking and the randomness of a
    # ballot it sealed, and the re-encryption must give back the same bytes.
    sealed = elgamal.encrypt_ranking_with(KEY, [3, 1, 0], 4, OPENED_SCALARS)
    assert elgamal.check_opening(KEY, sealed, [3, 1, 0], 4, OPENED_SCALARS)


def test_a_dishonest_opening_fails() -> None:
    sealed = elgamal.encrypt_ranking_with(KEY, [3, 1, 0], 4, OPENED_SCALARS)
    other_key = group.base_mult(group.scalar(0xBAD))
    wrong_scalar = [*OPENED_SCALARS[:2], group.scalar(7), OPENED_SCALARS[3]]
    assert not elgamal.check_opening(KEY, sealed, [1, 3, 0], 4, OPENED_SCALARS)
    assert not elgamal.check_opening(KEY, sealed, [3, 1], 4, OPENED_SCALARS)
    assert not elgamal.check_opening(KEY, sealed, [3, 1, 0], 4, wrong_scalar)
    assert not elgamal.check_opening(other_key, sealed, [3, 1, 0], 4, OPENED_SCALARS)
    assert not elgamal.check_opening(KEY, sealed, [3, 1, 0], 5, OPENED_SCALARS)
    assert not elgamal.check_opening(KEY, sealed, [3, 1, 0], 4, OPENED_SCALARS[:3])
    assert not elgamal.check_opening(group.IDENTITY, sealed, [3, 1, 0], 4, OPENED_SCALARS)
    assert not elgamal.check_opening(KEY, sealed, [3, 3, 0], 4, OPENED_SCALARS)
