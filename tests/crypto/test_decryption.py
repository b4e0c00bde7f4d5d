"""Threshold decryption: any k trustees' checked shares decrypt the mixed ballots; a
tampered share, proof or request is refused."""

from __future__ import annotations

import base64
import copy
import random
from collections import Counter
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.crypto import ceremony, decryption, elgamal, group
from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import digest, sign
from tests.crypto.helpers import ceremony_of

WIDTH = 3
CAST = [(0,), (1, 0), (2, 1, 0), (), (1,), (0, 2)] * 2


def _setup(n: int, k: int) -> tuple[Any, ...]:
    setup, first, _, privates = ceremony_of(n, k)
    key = ceremony.election_key(setup, first)
    mixed = elgamal.shuffle(key, [elgamal.encrypt_ranking(key, r, WIDTH) for r in CAST])
    request = decryption.decryption_request(setup, first, mixed, WIDTH, "section A")
    responses = [decryption.decrypt_shares(private, request) for private in privates]
    return setup, first, privates, request, responses


@pytest.mark.parametrize(("n", "k"), [(1, 1), (3, 2), (5, 3)])
def test_every_subset_of_k_trustees_decrypts(n: int, k: int) -> None:
    setup, first, _, request, responses = _setup(n, k)
    for response in responses:
        decryption.check_shares(setup, first, request, response)
    for subset in combinations(responses, k):
        rankings = decryption.combine(setup, first, request, list(subset))
        assert Counter(rankings) == Counter(CAST)


@pytest.mark.parametrize(("n", "k"), [(3, 2), (5, 3)])
def test_fewer_than_k_trustees_cannot_decrypt(n: int, k: int) -> None:
    setup, first, _, request, responses = _setup(n, k)
    with pytest.raises(CeremonyError, match=f"{k - 1} trustees answered; {k} are needed"):
        decryption.combine(setup, first, request, responses[:k - 1])
    with pytest.raises(CeremonyError, match=f"1 trustees answered; {k} are needed"):
        decryption.combine(setup, first, request, [responses[0]] * k)


def test_combine_keeps_the_requests_order() -> None:
    setup, first, _, _ = ceremony_of(3, 2)
    key = ceremony.election_key(setup, first)
    request = decryption.decryption_request(
        setup, first, [elgamal.encrypt_ranking(key, r, WIDTH) for r in CAST], WIDTH, "s")
    privates = ceremony_of(3, 2)[3]
    responses = [decryption.decrypt_shares(p, request) for p in privates[1:]]
    assert decryption.combine(setup, first, request, responses) == CAST


def _tampered_share(response: dict[str, Any], number: int) -> dict[str, Any]:
    shares = bytearray(base64.b64decode(response["shares"]))
    at = number * group.POINT_BYTES
    shares[at:at + 32] = group.add(bytes(shares[at:at + 32]), group.GENERATOR)
    return {**response, "shares": base64.b64encode(bytes(shares)).decode()}


def test_a_tampered_share_is_refused_even_when_re_signed() -> None:
    setup, first, privates, request, responses = _setup(3, 2)
    bad = _tampered_share(responses[1], 5)
    with pytest.raises(CeremonyError, match="trustee 2: the signature"):
        decryption.check_shares(setup, first, request, bad)
    bad = sign(bad, bytes.fromhex(privates[1]["signing_seed"]))
    with pytest.raises(CeremonyError, match="trustee 2: the proof of the shares does not"):
        decryption.check_shares(setup, first, request, bad)
    with pytest.raises(CeremonyError, match="trustee 2: the proof"):
        decryption.combine(setup, first, request, [responses[0], bad])


def test_a_share_that_is_not_a_point_is_refused() -> None:
    setup, first, privates, request, responses = _setup(3, 2)
    shares = bytearray(base64.b64decode(responses[0]["shares"]))
    shares[32:64] = b"\xff" * 32
    bad = sign({**responses[0], "shares": base64.b64encode(bytes(shares)).decode()},
               bytes.fromhex(privates[0]["signing_seed"]))
    with pytest.raises(CeremonyError, match="trustee 1: share 2 is not a valid point"):
        decryption.check_shares(setup, first, request, bad)


def test_a_tampered_decryption_proof_is_refused() -> None:
    setup, first, privates, request, responses = _setup(3, 2)
    bad = copy.deepcopy(responses[2])
    bad["proof"]["response"] = group.scalar(99).hex()
    bad = sign(bad, bytes.fromhex(privates[2]["signing_seed"]))
    with pytest.raises(CeremonyError, match="trustee 3: the proof of the shares"):
        decryption.check_shares(setup, first, request, bad)


def test_shares_of_another_request_are_refused() -> None:
    setup, first, _privates, request, responses = _setup(3, 2)
    other = {**request, "label": "section B"}
    other["hash"] = digest(decryption.REQUEST_FORMAT,
                                      {k: v for k, v in other.items() if k != "hash"})
    with pytest.raises(CeremonyError, match="another decryption request"):
        decryption.check_shares(setup, first, other, responses[0])


def test_a_tampered_request_is_refused_by_the_trustee() -> None:
    _, _, privates, request, _ = _setup(3, 2)
    ballots = bytearray(base64.b64decode(request["ballots"]))
    ballots[0:32] = elgamal.encodings(2)[0]
    bad = {**request, "ballots": base64.b64encode(bytes(ballots)).decode()}
    with pytest.raises(CeremonyError, match="its hash does not match"):
        decryption.decrypt_shares(privates[0], bad)
    with pytest.raises(CeremonyError, match="no share of its ceremony"):
        decryption.decrypt_shares(ceremony.new_trustee("Eve")[0], request)


def test_a_request_with_an_invalid_alpha_is_refused() -> None:
    _, _, privates, request, _ = _setup(3, 2)
    ballots = bytearray(base64.b64decode(request["ballots"]))
    ballots[64:96] = b"\xff" * 32
    body = {k: v for k, v in request.items() if k != "hash"}
    body["ballots"] = base64.b64encode(bytes(ballots)).decode()
    bad = {**body, "hash": digest(decryption.REQUEST_FORMAT, body)}
    with pytest.raises(CeremonyError, match="ballot 1 slot 2: alpha is not a valid point"):
        decryption.decrypt_shares(privates[0], bad)


def test_a_request_under_another_key_is_refused_by_the_trustee() -> None:
    _, _, privates, request, _ = _setup(3, 2)
    body = {k: v for k, v in request.items() if k != "hash"}
    body["election_key"] = group.GENERATOR.hex()
    bad = {**body, "hash": digest(decryption.REQUEST_FORMAT, body)}
    with pytest.raises(CeremonyError, match="not the one this trustee accepted"):
        decryption.decrypt_shares(privates[0], bad)


def test_a_ballot_that_decodes_to_no_ranking_is_named() -> None:
    setup, first, _, privates = ceremony_of(3, 2)
    key = ceremony.election_key(setup, first)
    good = elgamal.encrypt_ranking(key, [0], 2)
    r = group.random_scalar()
    # Slot 2 holds candidate 1 after the blank slot... made by hand: (0, 2) is not a ranking.
    blank_then = b"".join(
        group.base_mult(r) + group.add(elgamal.encodings(2)[v], group.mult(r, key))
        for v in (0, 2))
    request = decryption.decryption_request(setup, first, [good, blank_then], 2, "s")
    responses = [decryption.decrypt_shares(p, request) for p in privates[:2]]
    with pytest.raises(CeremonyError, match="ballot 2: slot 2 has a preference after"):
        decryption.combine(setup, first, request, responses)


def test_lagrange_coefficients_interpolate_at_zero() -> None:
    rng = random.Random(5)
    coefficients = [rng.randrange(group.ORDER) for _ in range(3)]

    def f(x: int) -> int:
        return sum(c * x ** p for p, c in enumerate(coefficients)) % group.ORDER

    weights = decryption.lagrange_at_zero([2, 4, 5])
    total = sum(group.scalar_value(weights[j]) * f(j) for j in (2, 4, 5)) % group.ORDER
    assert total == coefficients[0]


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6).flatmap(lambda width: st.tuples(
    st.just(width), st.lists(st.permutations(range(width)).flatmap(
        lambda order: st.integers(0, width).map(lambda n: tuple(order[:n]))),
        min_size=1, max_size=6))), st.sampled_from([(1, 2), (1, 3), (2, 3)]))
def test_threshold_decryption_round_trips_any_rankings(
        case: tuple[int, list[tuple[int, ...]]], pair: tuple[int, int]) -> None:
    width, cast = case
    setup, first, _, privates = ceremony_of(3, 2)
    key = ceremony.election_key(setup, first)
    request = decryption.decryption_request(
        setup, first, elgamal.shuffle(key, [elgamal.encrypt_ranking(key, r, width)
                                            for r in cast]), width, "s")
    responses = [decryption.decrypt_shares(privates[j - 1], request, workers=2) for j in pair]
    assert Counter(decryption.combine(setup, first, request, responses, workers=2)) == Counter(
        cast)


def test_a_request_with_an_absurd_width_is_refused() -> None:
    _, _, privates, request, _ = _setup(3, 2)
    body = {k: v for k, v in request.items() if k != "hash"}
    body["width"] = 10**9
    bad = {**body, "hash": digest(decryption.REQUEST_FORMAT, body)}
    with pytest.raises(CeremonyError, match="width must be 1 to 1000"):
        decryption.decrypt_shares(privates[0], bad)
