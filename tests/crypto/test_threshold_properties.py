"""Threshold decryption on random ceremonies (hypothesis): for any n ≤ 5 and k ≤ n, any k
trustees' shares open the ballots, k − 1 cannot, a share with a tampered proof is refused
naming its trustee, and a trustee of another ceremony is refused."""

from __future__ import annotations

import base64
import copy
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.crypto import ceremony, decryption, elgamal, group
from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import sign
from tests.crypto.helpers import ceremony_of

Ceremony = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]],
                 list[dict[str, Any]]]


@st.composite
def elections(draw: st.DrawFn) -> tuple[int, int, int, list[tuple[int, ...]]]:
    """(n, k, width, rankings): 1 ≤ k ≤ n ≤ 5, 1 to 4 rankings of a paper of 1 to 4."""
    n = draw(st.integers(1, 5))
    k = draw(st.integers(1, n))
    width = draw(st.integers(1, 4))
    ranking = st.permutations(range(width)).flatmap(
        lambda order: st.integers(0, width).map(lambda length: tuple(order[:length])))
    return n, k, width, draw(st.lists(ranking, min_size=1, max_size=4))


@lru_cache(maxsize=16)
def _other_ceremony(n: int, k: int) -> Ceremony:
    return ceremony.local_ceremony(f"another contest {k} of {n}", n, k)


def _decrypted(n: int, k: int, width: int, cast: list[tuple[int, ...]]) -> tuple[Any, ...]:
    """A ceremony, a request for ``cast`` in that order (unmixed, so the order is known) and
    every trustee's checked answer."""
    setup, first, _, privates = ceremony_of(n, k)
    key = ceremony.election_key(setup, first)
    request = decryption.decryption_request(
        setup, first, [elgamal.encrypt_ranking(key, r, width) for r in cast], width, "s")
    responses = [decryption.decrypt_shares(private, request) for private in privates]
    return setup, first, privates, request, responses


@settings(max_examples=25, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_any_k_trustees_open_the_ballots_and_k_minus_1_cannot(
        election: tuple[int, int, int, list[tuple[int, ...]]], rng: Any) -> None:
    n, k, width, cast = election
    setup, first, _, request, responses = _decrypted(n, k, width, cast)
    chosen = rng.sample(responses, k)
    assert decryption.combine(setup, first, request, chosen) == cast
    # Answers beyond k, or repeated, change nothing: the k lowest-numbered are used.
    assert decryption.combine(setup, first, request, chosen + chosen + responses) == cast

    fewer = rng.sample(responses, k - 1)
    message = f"{k - 1} trustees answered; {k} are needed"
    with pytest.raises(CeremonyError, match=message):
        decryption.combine(setup, first, request, fewer)
    with pytest.raises(CeremonyError, match=message):
        decryption.combine(setup, first, request, fewer * 3)
    # Nor does interpolating k − 1 shares by hand give any slot's plaintext: their
    # Lagrange combination is not s·alpha (it misses with probability 1 − 1/ℓ a slot).
    request_points = decryption.read_request(request).ciphertexts
    trustees = sorted(r["trustee"] for r in fewer)
    weights = decryption.lagrange_at_zero(trustees) if trustees else {}
    shares = {r["trustee"]: base64.b64decode(r["shares"]) for r in fewer}
    encodings = elgamal.encodings(width)
    for number, (alpha, beta) in enumerate(request_points):
        assert group.is_point(alpha)
        opened = beta
        for j in trustees:
            opened = group.sub(opened, group.mult(weights[j],
                                                  shares[j][32 * number:32 * number + 32]))
        ranking = cast[number // width]
        slot = number % width
        value = ranking[slot] + 1 if slot < len(ranking) else 0
        assert opened != encodings[value]


@settings(max_examples=20, deadline=None)
@given(elections(), st.data())
def test_a_share_with_a_tampered_proof_is_refused_naming_its_trustee(
        election: tuple[int, int, int, list[tuple[int, ...]]], data: st.DataObject) -> None:
    n, k, width, cast = election
    setup, first, privates, request, responses = _decrypted(n, k, width, cast)
    j = data.draw(st.integers(1, n), label="trustee")
    part = data.draw(st.sampled_from(["challenge", "response"]), label="part")
    delta = data.draw(st.integers(1, group.ORDER - 1), label="delta")
    bad = copy.deepcopy(responses[j - 1])
    old = group.scalar_value(bytes.fromhex(bad["proof"][part]))
    bad["proof"][part] = group.scalar(old + delta).hex()
    bad = sign(bad, bytes.fromhex(privates[j - 1]["signing_seed"]))
    refused = f"decryption shares of trustee {j}: the proof of the shares does not verify"
    with pytest.raises(CeremonyError, match=refused):
        decryption.check_shares(setup, first, request, bad)
    others = [r for r in responses if r["trustee"] != j][:k - 1]
    with pytest.raises(CeremonyError, match=refused):
        decryption.combine(setup, first, request, [*others, bad])


@settings(max_examples=15, deadline=None)
@given(elections(), st.integers(1, 5), st.data())
def test_shares_from_a_trustee_of_another_ceremony_are_refused(
        election: tuple[int, int, int, list[tuple[int, ...]]], other_n: int,
        data: st.DataObject) -> None:
    n, k, width, cast = election
    setup, first, _, request, responses = _decrypted(n, k, width, cast)
    other_k = data.draw(st.integers(1, other_n), label="other threshold")
    other_setup, other_first, _, other_privates = _other_ceremony(other_n, other_k)
    stranger = data.draw(st.integers(1, other_n), label="stranger")
    private = other_privates[stranger - 1]
    # It holds no share of this ceremony's key, so it cannot even answer the request.
    with pytest.raises(CeremonyError, match="holds no share of its ceremony's key"):
        decryption.decrypt_shares(private, request)
    # Its honest answer to its own ceremony's request for the same ballots...
    other_key = ceremony.election_key(other_setup, other_first)
    other_request = decryption.decryption_request(
        other_setup, other_first, [elgamal.encrypt_ranking(other_key, r, width) for r in cast],
        width, "s")
    answer = decryption.decrypt_shares(private, other_request)
    # ...is refused here: signed by no trustee of this ceremony (or by no trustee of that
    # number), and made for another ceremony.
    if stranger > n:
        refused = f"decryption shares: trustee {stranger} is not in the ceremony"
    else:
        refused = f"decryption shares of trustee {stranger}: the signature does not verify"
    with pytest.raises(CeremonyError, match=refused):
        decryption.check_shares(setup, first, request, answer)
    with pytest.raises(CeremonyError, match=refused):
        decryption.combine(setup, first, request, [*responses, answer])
    # Pointed at this ceremony and request and re-signed by the stranger, it still fails.
    forged = sign({**answer, "ceremony": request["ceremony"], "request": request["hash"]},
                  bytes.fromhex(private["signing_seed"]))
    with pytest.raises(CeremonyError, match=refused):
        decryption.check_shares(setup, first, request, forged)
    # And the other ceremony's verifier refuses this request's real shares.
    with pytest.raises(CeremonyError, match="it belongs to another ceremony"):
        decryption.check_shares(other_setup, other_first, request, responses[0])
