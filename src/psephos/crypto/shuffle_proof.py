"""The proof that a mix's output ballots are its input ballots re-encrypted and permuted.

Terelius and Wikström's proof of a shuffle ("Proofs of restricted shuffles", Africacrypt
2010), as written in pseudo-code by Haenni, Locher, Koenig and Dubuis ("Pseudo-code
algorithms for verifiable re-encryption mix-nets", Financial Cryptography 2017 workshops,
Voting'17): Algorithm 4.3 (GenProof) with 4.4 (GenCommitment) and 4.5
(GenCommitmentChain) for the prover, Algorithm 4.6 (CheckProof) for the verifier. Here in
the additive notation of ristretto255: the paper's g^x is x·G, a product of group elements
is a sum of points, the ElGamal ciphertext is (alpha, beta) = (r·G, M + r·H) and
Enc(0; r) = (r·G, r·H).

Ballots of width w move whole: output i is input j_i with every slot k re-encrypted by its
own scalar s_ik. This is the proof for the cryptosystem whose ciphertexts are w-tuples
and whose randomness is a vector in Z_ℓ^w (Wikström's "width" in Verificatum; proved
sound for this optimised variant by Haines, "A description and proof of a generalised and
optimised variant of Wikström's mixnet", arXiv:1901.08371, 2019): the permutation
commitment, the commitment chain and t1, t2, t3, t̂ are the paper's; t4 and s4 become one
pair and one response per slot, all slots answered with the same s′_i, which is what binds
every slot of a ballot to the same permutation.

Strong Fiat–Shamir (Bernhard, Pereira, Warinschi, Asiacrypt 2012): the challenges u_i hash
the statement (the group, the generators, the election key, the width, every input and
output ballot, the caller's context) and the permutation commitment; the challenge c
hashes those and every commitment of the proof. docs/verifiability.md section 9 is the
specification.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import rbcl

from psephos.crypto import elgamal, group
from psephos.crypto.elgamal import CIPHERTEXT_BYTES
from psephos.crypto.errors import ShuffleError
from psephos.crypto.threads import in_chunks

SCHEME = "terelius-wikstrom-2010"
GROUP_NAME = b"ristretto255"
GENERATOR_DOMAIN = "psephos/shuffle/generator/1"
STATEMENT_DOMAIN = "psephos/shuffle/statement/1"
CHALLENGES_DOMAIN = "psephos/shuffle/challenges/1"
PROOF_DOMAIN = "psephos/shuffle/proof/1"

_POINT = group.POINT_BYTES
_ZERO = group.scalar(0)
_ONE = group.scalar(1)


@dataclass(frozen=True)
class ShuffleProof:
    """π = (t, s, c, ĉ) of Algorithm 4.3: points and scalars as 32-byte strings. Lists of N
    are by ballot (``commitments`` by input position, the rest by output position); t4 and
    s4 have one entry a slot."""

    commitments: list[bytes]
    chain: list[bytes]
    t1: bytes
    t2: bytes
    t3: bytes
    t4: list[tuple[bytes, bytes]]
    t_hat: list[bytes]
    s1: bytes
    s2: bytes
    s3: bytes
    s4: list[bytes]
    s_hat: list[bytes]
    s_prime: list[bytes]


_generators: list[bytes] = []
_generators_lock = threading.Lock()


def generator(index: int) -> bytes:
    """Independent generator number ``index``: RFC 9496's element derivation (libsodium's
    crypto_core_ristretto255_from_hash) of hash_parts(GENERATOR_DOMAIN, index as 8 bytes
    big-endian). Number 0 is the paper's h, numbers 1 … N its h_1 … h_N; nobody knows a
    discrete logarithm between them or to G."""
    digest = group.hash_parts(GENERATOR_DOMAIN, index.to_bytes(8, "big"))
    return bytes(rbcl.crypto_core_ristretto255_from_hash(digest))


def generators(count: int, workers: int = 1) -> list[bytes]:
    """[h, h_1, …, h_count], derived once a process and kept for the next proof."""
    with _generators_lock:
        if len(_generators) <= count:
            _generators.extend(in_chunks(lambda part: [generator(i) for i in part],
                                         range(len(_generators), count + 1), workers))
        return _generators[:count + 1]


def _sha512(parts: Sequence[bytes]) -> bytes:
    return hashlib.sha512(b"".join(parts)).digest()


def statement_seed(key: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes],
                   width: int, gens: Sequence[bytes], context: Sequence[bytes] = ()) -> bytes:
    """y: hash_parts(STATEMENT_DOMAIN, context…, "ristretto255", G, h, SHA-512(h_1…h_N), H,
    w, N, SHA-512(inputs), SHA-512(outputs)); every public input of the proof."""
    return group.hash_parts(
        STATEMENT_DOMAIN, *context, GROUP_NAME, group.GENERATOR, gens[0], _sha512(gens[1:]),
        key, width.to_bytes(8, "big"), len(inputs).to_bytes(8, "big"), _sha512(inputs),
        _sha512(outputs))


def challenges(seed: bytes, commitments: Sequence[bytes]) -> list[int]:
    """u_1 … u_N of Algorithm 4.3 (and 4.6): u_i = hash_to_scalar(CHALLENGES_DOMAIN, y,
    SHA-512(c_1…c_N), i as 8 bytes big-endian), the paper's Hash((e, ẽ, c), i)."""
    digest = _sha512(commitments)
    return [int.from_bytes(group.hash_parts(CHALLENGES_DOMAIN, seed, digest,
                                            i.to_bytes(8, "big")), "little") % group.ORDER
            for i in range(1, len(commitments) + 1)]


def proof_challenge(seed: bytes, commitments: Sequence[bytes], chain: Sequence[bytes],
                    t1: bytes, t2: bytes, t3: bytes, t4: Sequence[tuple[bytes, bytes]],
                    t_hat: Sequence[bytes]) -> int:
    """c of Algorithm 4.3 (the paper's Hash(y, t), y = (e, ẽ, c, ĉ, pk)):
    hash_to_scalar(PROOF_DOMAIN, y, SHA-512(c…), SHA-512(ĉ…), t1, t2, t3,
    SHA-512(t4 pairs), SHA-512(t̂…))."""
    return group.scalar_value(group.hash_to_scalar(
        PROOF_DOMAIN, seed, _sha512(commitments), _sha512(chain), t1, t2, t3,
        _sha512([alpha + beta for alpha, beta in t4]), _sha512(t_hat)))


def check_statement(key: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes],
                    workers: int = 1) -> int:
    """The width of a shuffle's ballots; ShuffleError unless the key is a point other than
    the identity and the inputs and outputs are as many (at least one) sealed ballots of
    one width."""
    if not group.is_point(key) or key == group.IDENTITY:
        raise ShuffleError("the election key is not a valid point other than the identity")
    if not inputs:
        raise ShuffleError("a shuffle proof needs at least one ballot")
    if len(outputs) != len(inputs):
        raise ShuffleError(f"{len(outputs)} output ballots for {len(inputs)} input ballots")
    size = len(inputs[0]) if isinstance(inputs[0], bytes) else 0
    width = size // CIPHERTEXT_BYTES
    if not 1 <= width <= elgamal.MAX_WIDTH or size % CIPHERTEXT_BYTES:
        raise ShuffleError(f"input ballot 1 is not a sealed ballot ({size} bytes)")

    def problems(part: Sequence[tuple[str, int, bytes]]) -> list[str]:
        found = []
        for side, number, ballot in part:
            try:
                elgamal.check_sealed(ballot, width)
            except ValueError as error:
                found.append(f"{side} ballot {number}: {error}")
        return found

    ballots = [("input", number, ballot) for number, ballot in enumerate(inputs, start=1)]
    ballots += [("output", number, ballot) for number, ballot in enumerate(outputs, start=1)]
    found = in_chunks(problems, ballots, workers)
    if found:
        raise ShuffleError(found[0])
    return width


def _check_witness(permutation: Sequence[int], randomness: Sequence[Sequence[bytes]],
                   count: int, width: int) -> None:
    if sorted(permutation) != list(range(count)):
        raise ValueError(f"the permutation is not one of 0 … {count - 1}")
    if len(randomness) != count or any(
            len(scalars) != width or not all(group.is_scalar(s) for s in scalars)
            for scalars in randomness):
        raise ValueError(f"the randomness must be {width} canonical scalars for each of the "
                         f"{count} output ballots")


def _respond(nonce: bytes, minus_c: bytes, secret: bytes) -> bytes:
    """ω − c·x mod ℓ, in constant time in the secrets."""
    return group.scalar_add(nonce, group.scalar_mul(minus_c, secret))


def _sum_scalars(scalars: Sequence[bytes]) -> bytes:
    total = _ZERO
    for value in scalars:
        total = group.scalar_add(total, value)
    return total


def _sum_points(points: Sequence[bytes]) -> bytes:
    total = group.IDENTITY
    for point in points:
        total = group.add(total, point)
    return total


def _slot(ballot: bytes, index: int) -> bytes:
    """Point ``index`` of a sealed ballot: alpha of slot k at 2k, its beta at 2k + 1."""
    return ballot[index * _POINT:(index + 1) * _POINT]


def prove_shuffle(key: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes],
                  permutation: Sequence[int], randomness: Sequence[Sequence[bytes]], *,
                  context: Sequence[bytes] = (), workers: int = 1) -> ShuffleProof:
    """The proof that output i is input ``permutation[i]`` with slot k re-encrypted by
    ``randomness[i][k]`` (the witness `elgamal.shuffle` hands its hook), bound to
    ``context`` (e.g. the ceremony hash and the section's label). Haenni et al. 2017,
    Algorithm 4.3 (GenProof), step by step:

    1. the permutation commitment (Algorithm 4.4, GenCommitment): c_{j_i} = r_{j_i}·G + h_i;
    2. the challenges u_i = Hash(y, c, i), and u′_i = u_{j_i};
    3. the commitment chain (Algorithm 4.5, GenCommitmentChain): ĉ_0 = h,
       ĉ_i = r̂_i·G + u′_i·ĉ_{i−1};
    4. the witness's sums r̄ = Σ r_j, r̂ = Σ r̂_i·v_i with v_i = Π_{k>i} u′_k,
       r̃ = Σ r_j·u_j and, per slot k, r′_k = Σ_i s_ik·u′_i;
    5. random ω1, ω2, ω3, ω4_k, ω̂_i, ω′_i and the commitments t1 = ω1·G, t2 = ω2·G,
       t3 = ω3·G + Σ ω′_i·h_i, t4_k = Enc(0; −ω4_k) + Σ ω′_i·ẽ_ik,
       t̂_i = ω̂_i·G + ω′_i·ĉ_{i−1};
    6. the challenge c = Hash(y, t);
    7. the responses s1 = ω1 − c·r̄, s2 = ω2 − c·r̂, s3 = ω3 − c·r̃, s4_k = ω4_k − c·r′_k,
       ŝ_i = ω̂_i − c·r̂_i, s′_i = ω′_i − c·u′_i.

    Step 3 is computed from its closed form ĉ_i = a_i·G + b_i·h (a_i = r̂_i + u′_i·a_{i−1},
    b_i = u′_i·b_{i−1}, a_0 = 0, b_0 = 1; so r̂ = a_N), which lets ``workers`` threads share
    it. Scalar arithmetic on secrets uses libsodium's constant-time operations."""
    width = check_statement(key, inputs, outputs, workers)
    count = len(inputs)
    _check_witness(permutation, randomness, count, width)
    gens = generators(count, workers)
    h, hs = gens[0], gens[1:]
    seed = statement_seed(key, inputs, outputs, width, gens, context)

    # 1. GenCommitment: the commitment to input j sits at the output position i that takes it.
    position = [0] * count
    for i, j in enumerate(permutation):
        position[j] = i
    r = [group.random_scalar() for _ in range(count)]
    commitments = in_chunks(lambda part: [group.add(group.base_mult(r[j]), hs[position[j]])
                                          for j in part], range(count), workers)
    # 2. The challenges.
    u = [group.scalar(value) for value in challenges(seed, commitments)]
    u_out = [u[j] for j in permutation]
    # 3. GenCommitmentChain, from its closed form.
    r_hat = [group.random_scalar() for _ in range(count)]
    a_values, b_values = [], []
    a, b = _ZERO, _ONE
    for i in range(count):
        a = group.scalar_add(r_hat[i], group.scalar_mul(u_out[i], a))
        b = group.scalar_mul(u_out[i], b)
        a_values.append(a)
        b_values.append(b)
    chain = in_chunks(lambda part: [group.add(group.base_mult(a_values[i]),
                                              group.mult(b_values[i], h)) for i in part],
                      range(count), workers)
    # 4. The witness's sums.
    r_bar = _sum_scalars(r)
    r_hat_sum = a_values[-1]
    r_tilde = _sum_scalars([group.scalar_mul(r[j], u[j]) for j in range(count)])
    r_prime = [_sum_scalars([group.scalar_mul(randomness[i][k], u_out[i])
                             for i in range(count)]) for k in range(width)]
    # 5. The commitments of the proof.
    w1, w2, w3 = group.random_scalar(), group.random_scalar(), group.random_scalar()
    w4 = [group.random_scalar() for _ in range(width)]
    w_hat = [group.random_scalar() for _ in range(count)]
    w_prime = [group.random_scalar() for _ in range(count)]

    def commit(part: Sequence[int]) -> list[tuple[list[bytes], bytes, list[bytes]]]:
        """(t̂_i of these ballots, Σ ω′_i·h_i, Σ ω′_i·(every point of ẽ_i))."""
        t_hats, t3_part, t4_part = [], group.IDENTITY, [group.IDENTITY] * (2 * width)
        for i in part:
            previous = chain[i - 1] if i else h
            t_hats.append(group.add(group.base_mult(w_hat[i]), group.mult(w_prime[i], previous)))
            t3_part = group.add(t3_part, group.mult(w_prime[i], hs[i]))
            for index in range(2 * width):
                t4_part[index] = group.add(t4_part[index], group.mult(
                    w_prime[i], _slot(outputs[i], index)))
        return [(t_hats, t3_part, t4_part)]

    parts = in_chunks(commit, range(count), workers)
    t_hat = [t for part in parts for t in part[0]]
    t1, t2 = group.base_mult(w1), group.base_mult(w2)
    t3 = group.add(group.base_mult(w3), _sum_points([part[1] for part in parts]))
    sums = [_sum_points([part[2][index] for part in parts]) for index in range(2 * width)]
    t4 = [(group.sub(sums[2 * k], group.base_mult(w4[k])),
           group.sub(sums[2 * k + 1], group.mult(w4[k], key))) for k in range(width)]
    # 6. The challenge, 7. the responses.
    c = proof_challenge(seed, commitments, chain, t1, t2, t3, t4, t_hat)
    minus_c = group.scalar(-c)
    return ShuffleProof(
        commitments=commitments, chain=chain, t1=t1, t2=t2, t3=t3, t4=t4, t_hat=t_hat,
        s1=_respond(w1, minus_c, r_bar), s2=_respond(w2, minus_c, r_hat_sum),
        s3=_respond(w3, minus_c, r_tilde),
        s4=[_respond(w4[k], minus_c, r_prime[k]) for k in range(width)],
        s_hat=[_respond(w_hat[i], minus_c, r_hat[i]) for i in range(count)],
        s_prime=[_respond(w_prime[i], minus_c, u_out[i]) for i in range(count)])


def _check_proof_shape(proof: ShuffleProof, count: int, width: int) -> None:
    """ShuffleError unless every list has its length, every point is valid and every
    scalar canonical."""
    lists = {"commitments": proof.commitments, "chain": proof.chain, "t_hat": proof.t_hat,
             "s_hat": proof.s_hat, "s_prime": proof.s_prime}
    for name, values in lists.items():
        if len(values) != count:
            raise ShuffleError(f"the proof's {name} has {len(values)} entries for {count} "
                               "ballots")
    if len(proof.t4) != width or len(proof.s4) != width:
        raise ShuffleError(f"the proof's t4 and s4 must have one entry for each of the {width} "
                           "slots")
    points = {"t1": [proof.t1], "t2": [proof.t2], "t3": [proof.t3],
              "t4": [p for pair in proof.t4 for p in pair], "commitments": proof.commitments,
              "chain": proof.chain, "t_hat": proof.t_hat}
    for name, values in points.items():
        for number, point in enumerate(values, start=1):
            if not group.is_point(point):
                raise ShuffleError(f"the proof's {name} (entry {number}) is not a valid point")
    scalars = {"s1": [proof.s1], "s2": [proof.s2], "s3": [proof.s3], "s4": proof.s4,
               "s_hat": proof.s_hat, "s_prime": proof.s_prime}
    for name, values in scalars.items():
        for number, value in enumerate(values, start=1):
            if not group.is_scalar(value):
                raise ShuffleError(f"the proof's {name} (entry {number}) is not a canonical "
                                   "scalar")


def check_shuffle(key: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes],
                  proof: ShuffleProof, *, context: Sequence[bytes] = (),
                  workers: int = 1) -> None:
    """ShuffleError, naming the check that failed, unless ``proof`` proves that
    ``outputs`` are ``inputs`` re-encrypted under ``key`` and permuted (with the
    ``context`` the prover bound it to). Haenni et al. 2017, Algorithm 4.6 (CheckProof):

    1. the challenges u_i = Hash(y, c, i) and c = Hash(y, t), recomputed;
    2. c̄ = Σ c_j − Σ h_j, u = Π u_i, ĉ = ĉ_N − u·h, c̃ = Σ u_j·c_j and, per slot k,
       ẽ_k = Σ u_j·e_jk (the inputs);
    3. t1′ = c·c̄ + s1·G, t2′ = c·ĉ + s2·G, t3′ = c·c̃ + s3·G + Σ s′_i·h_i,
       t4′_k = c·ẽ_k + Enc(0; −s4_k) + Σ s′_i·ẽ′_ik (the outputs),
       t̂′_i = c·ĉ_i + ŝ_i·G + s′_i·ĉ_{i−1} with ĉ_0 = h;
    4. accept if t′ = t, every equation.

    Any change to the statement (a ballot, the key, the context) changes every challenge,
    so it fails the first equation checked, t1."""
    width = check_statement(key, inputs, outputs, workers)
    count = len(inputs)
    _check_proof_shape(proof, count, width)
    gens = generators(count, workers)
    h, hs = gens[0], gens[1:]
    seed = statement_seed(key, inputs, outputs, width, gens, context)
    u_values = challenges(seed, proof.commitments)
    u = [group.scalar(value) for value in u_values]
    c = group.scalar(proof_challenge(seed, proof.commitments, proof.chain, proof.t1, proof.t2,
                                     proof.t3, proof.t4, proof.t_hat))

    def combine_inputs(part: Sequence[int]) -> list[tuple[bytes, bytes, bytes, list[bytes]]]:
        """(Σ c_j, Σ h_j, Σ u_j·c_j, Σ u_j·(every point of e_j)) over these inputs."""
        sum_c, sum_h, c_tilde = group.IDENTITY, group.IDENTITY, group.IDENTITY
        e_tilde = [group.IDENTITY] * (2 * width)
        for j in part:
            sum_c = group.add(sum_c, proof.commitments[j])
            sum_h = group.add(sum_h, hs[j])
            c_tilde = group.add(c_tilde, group.mult(u[j], proof.commitments[j]))
            for index in range(2 * width):
                e_tilde[index] = group.add(e_tilde[index],
                                           group.mult(u[j], _slot(inputs[j], index)))
        return [(sum_c, sum_h, c_tilde, e_tilde)]

    def combine_outputs(part: Sequence[int]) -> list[tuple[int | None, bytes, list[bytes]]]:
        """(the first i whose t̂′_i ≠ t̂_i or None, Σ s′_i·h_i, Σ s′_i·(every point of
        ẽ′_i)) over these outputs."""
        wrong, t3_part, t4_part = None, group.IDENTITY, [group.IDENTITY] * (2 * width)
        for i in part:
            previous = proof.chain[i - 1] if i else h
            t_hat = group.add(group.add(group.mult(c, proof.chain[i]),
                                        group.base_mult(proof.s_hat[i])),
                              group.mult(proof.s_prime[i], previous))
            if wrong is None and t_hat != proof.t_hat[i]:
                wrong = i
            t3_part = group.add(t3_part, group.mult(proof.s_prime[i], hs[i]))
            for index in range(2 * width):
                t4_part[index] = group.add(t4_part[index], group.mult(
                    proof.s_prime[i], _slot(outputs[i], index)))
        return [(wrong, t3_part, t4_part)]

    ins = in_chunks(combine_inputs, range(count), workers)
    outs = in_chunks(combine_outputs, range(count), workers)
    c_bar = group.sub(_sum_points([part[0] for part in ins]),
                      _sum_points([part[1] for part in ins]))
    if group.add(group.mult(c, c_bar), group.base_mult(proof.s1)) != proof.t1:
        raise ShuffleError("the shuffle proof does not verify: equation t1 fails (the "
                           "committed matrix's columns sum to one)")
    u_product = 1
    for value in u_values:
        u_product = u_product * value % group.ORDER
    c_hat = group.sub(proof.chain[-1], group.mult(group.scalar(u_product), h))
    if group.add(group.mult(c, c_hat), group.base_mult(proof.s2)) != proof.t2:
        raise ShuffleError("the shuffle proof does not verify: equation t2 fails (the "
                           "commitment chain ends at the product of the challenges)")
    c_tilde = _sum_points([part[2] for part in ins])
    t3 = group.add(group.add(group.mult(c, c_tilde), group.base_mult(proof.s3)),
                   _sum_points([part[1] for part in outs]))
    if t3 != proof.t3:
        raise ShuffleError("the shuffle proof does not verify: equation t3 fails (the "
                           "chain uses the committed permutation of the challenges)")
    for k in range(width):
        alpha_in = _sum_points([part[3][2 * k] for part in ins])
        beta_in = _sum_points([part[3][2 * k + 1] for part in ins])
        alpha = group.add(group.sub(group.mult(c, alpha_in), group.base_mult(proof.s4[k])),
                          _sum_points([part[2][2 * k] for part in outs]))
        beta = group.add(group.sub(group.mult(c, beta_in), group.mult(proof.s4[k], key)),
                         _sum_points([part[2][2 * k + 1] for part in outs]))
        if (alpha, beta) != proof.t4[k]:
            raise ShuffleError(f"the shuffle proof does not verify: equation t4 fails in slot "
                               f"{k + 1} (the outputs re-encrypt the inputs in the committed "
                               "order)")
    wrong = [part[0] for part in outs if part[0] is not None]
    if wrong:
        raise ShuffleError(f"the shuffle proof does not verify: equation t̂ fails at output "
                           f"ballot {wrong[0] + 1} (the commitment chain's link)")


def shuffle_and_prove(key: bytes, sealed: Sequence[bytes], *, context: Sequence[bytes] = (),
                      workers: int = 1) -> tuple[list[bytes], ShuffleProof]:
    """(the mixed ballots, their proof): `elgamal.shuffle`, whose witness hook hands the
    permutation and the re-encryption scalars to `prove_shuffle` and lets them go."""
    proved: list[ShuffleProof] = []

    def witness(inputs: Sequence[bytes], outputs: list[bytes], permutation: list[int],
                randomness: list[list[bytes]]) -> None:
        proved.append(prove_shuffle(key, inputs, outputs, permutation, randomness,
                                    context=context, workers=workers))

    mixed = elgamal.shuffle(key, sealed, witness, workers=workers)
    return mixed, proved[0]


__all__ = [
    "SCHEME",
    "ShuffleProof",
    "challenges",
    "check_shuffle",
    "check_statement",
    "generator",
    "generators",
    "proof_challenge",
    "prove_shuffle",
    "shuffle_and_prove",
    "statement_seed",
]
