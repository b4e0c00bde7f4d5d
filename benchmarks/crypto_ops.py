"""Sealed-ballot cryptography: the cost of each operation of psephos.crypto.

    python benchmarks/crypto_ops.py                     # 10,000 ballots, 3 trustees, 2 needed
    python benchmarks/crypto_ops.py --ballots 2000 --trustees 5 --threshold 3 --workers 2

Casting encrypts one ballot (``width`` ciphertexts); counting shuffles the section,
then every trustee computes its decryption shares (on its own machine), the server checks
each trustee's proof and combines k trustees' shares into the rankings. Prints a table of
each operation, per ballot and per 10,000 ballots. Labour 2016 (about 650,000 ballots of
width 2) costs 65 times the per-10,000 line. Everything runs in this process, with
``--workers`` threads for the operations that take them (libsodium releases the GIL).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from psephos.crypto import ceremony, decryption, elgamal, group

#: CPU seconds of the process by the last `timed` call: on a shared, loaded machine the
#: wall clock also counts the time spent waiting for a CPU.
LAST_CPU = [0.0]


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """(wall-clock seconds, result) of ``action()``; its CPU seconds in LAST_CPU."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    LAST_CPU[0] = time.process_time() - cpu
    return time.perf_counter() - start, result


def primitives(repeat: int = 5_000) -> list[tuple[str, float, float]]:
    """(name, µs wall, µs CPU) of each group operation. Point addition is also timed
    through rbcl's ctypes handle on libsodium, skipping rbcl's argument checks: the
    difference is all the wrapper costs (a ristretto255 addition decodes both points and
    encodes the sum, two field inversions: most of its time is libsodium's)."""
    import ctypes

    from rbcl import _sodium  # type: ignore[attr-defined]

    scalar, point = group.random_scalar(), group.base_mult(group.random_scalar())
    other = group.base_mult(group.random_scalar())
    add = _sodium.crypto_core_ristretto255_add

    def bare_add() -> bytes:
        result = ctypes.create_string_buffer(group.POINT_BYTES)
        add(result, point, other)
        return result.raw

    assert bare_add() == group.add(point, other)
    operations: list[tuple[str, Callable[[], Any]]] = [
        ("add (psephos.crypto.group, rbcl)", lambda: group.add(point, other)),
        ("add (libsodium through ctypes, no checks)", bare_add),
        ("is_point (decode check)", lambda: group.is_point(point)),
        ("base_mult (k·G)", lambda: group.base_mult(scalar)),
        ("mult (k·P)", lambda: group.mult(scalar, point)),
        ("random_scalar", group.random_scalar),
    ]
    rows = []
    for name, operation in operations:
        seconds, _ = timed(lambda op=operation: [op() for _ in range(repeat)])
        rows.append((name, seconds / repeat * 1e6, LAST_CPU[0] / repeat * 1e6))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--trustees", type=int, default=3)
    parser.add_argument("--threshold", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--widths", default="2,3,10", help="widths of the encryption rows")
    parser.add_argument("--width", type=int, default=2,
                        help="width of the ballots shuffled and decrypted")
    options = parser.parse_args()
    setup, first, _, privates = ceremony.local_ceremony("benchmark", options.trustees,
                                                        options.threshold)
    key = ceremony.election_key(setup, first)
    rng = random.Random(2016)
    rows: list[tuple[str, float, float, float]] = []

    def row(name: str, seconds: float, count: int, share: int = 1) -> None:
        cpu = LAST_CPU[0] / share
        rows.append((name, seconds / count * 1e6, seconds / count * 10_000,
                     cpu / count * 10_000))

    for width in (int(w) for w in options.widths.split(",")):
        casts = [rng.sample(range(width), rng.randint(1, width))
                 for _ in range(min(options.ballots, 2_000))]
        seconds, _ = timed(lambda w=width, c=casts: [elgamal.encrypt_ranking(key, r, w)
                                                     for r in c])
        row(f"encrypt_ranking, width {width}", seconds, len(casts))
    width = options.width
    cast = [rng.sample(range(width), rng.randint(1, width)) for _ in range(options.ballots)]
    sealed = [elgamal.encrypt_ranking(key, r, width) for r in cast]
    seconds, _ = timed(lambda: [elgamal.reencrypt(key, s) for s in sealed])
    row(f"reencrypt, width {width}", seconds, len(sealed))
    seconds, mixed = timed(lambda: elgamal.shuffle(key, sealed, workers=options.workers))
    row(f"shuffle, width {width}", seconds, len(sealed))
    seconds, request = timed(lambda: decryption.decryption_request(setup, first, mixed, width,
                                                                   "benchmark"))
    row("decryption_request (checks every point)", seconds, len(mixed))
    chosen = privates[:options.threshold]
    seconds, responses = timed(lambda: [
        decryption.decrypt_shares(p, request, workers=options.workers) for p in chosen])
    row("decrypt_shares, one trustee", seconds / len(chosen), len(mixed), len(chosen))
    seconds, _ = timed(lambda: [decryption.check_shares(setup, first, request, r,
                                                        workers=options.workers)
                                for r in responses])
    row("check_shares, one trustee", seconds / len(responses), len(mixed), len(responses))
    seconds, rankings = timed(lambda: decryption.combine(setup, first, request, responses,
                                                         workers=options.workers,
                                                         checked=True))
    row(f"combine {options.threshold} checked responses", seconds, len(mixed))
    seconds, _ = timed(lambda: decryption.combine(setup, first, request, responses,
                                                  workers=options.workers))
    row(f"check and combine {options.threshold} responses", seconds, len(mixed))
    assert sorted(rankings) == sorted(tuple(r) for r in cast)
    print(f"{options.ballots:,} ballots, {options.threshold} of {options.trustees} trustees, "
          f"{options.workers} worker thread(s); the group's operations, one at a time:")
    print(f"{'operation':<44} {'µs wall':>10} {'µs CPU':>10}")
    for name, micro, cpu in primitives():
        print(f"{name:<44} {micro:>10.1f} {cpu:>10.1f}")
    print()
    print(f"{'operation':<44} {'µs/ballot':>10} {'s/10k ballots':>14} {'CPU s/10k':>10}")
    for name, micro, ten_thousand, cpu in rows:
        print(f"{name:<44} {micro:>10.0f} {ten_thousand:>14.2f} {cpu:>10.2f}")


if __name__ == "__main__":
    main()
