"""The proof of shuffle: the time to mix, to prove and to check, and what Labour 2016 would
cost.

    python benchmarks/shuffle_proof.py                         # 1,000 and 10,000 ballots
    python benchmarks/shuffle_proof.py --ballots 2000 --widths 2 --workers 1,2

For each size, width and number of worker threads: the shuffle alone (re-encryption),
`prove_shuffle` (with its generators derived afresh, as a new process would) and
`check_shuffle` (likewise), wall-clock and process CPU seconds (the CPU counts every
thread; on a loaded machine the wall clock also counts waiting for a CPU), the size of the
proof's JSON, and the per-ballot cost scaled to 506,438 ballots (Labour's 2016 leadership
ballot). Group operations run on ``--workers`` threads (libsodium releases the GIL).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from psephos.crypto import elgamal, group, shuffle_file, shuffle_proof

LABOUR_2016 = 506_438


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, result) of ``action()``."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - start, time.process_time() - cpu, result


def measure(key: bytes, sealed: list[bytes], workers: int
            ) -> tuple[list[tuple[str, float, float]], shuffle_proof.ShuffleProof]:
    """[(operation, wall s, CPU s)] of shuffling, proving and checking ``sealed``."""
    seen: list[Any] = []
    rows = []
    wall, cpu, mixed = timed(lambda: elgamal.shuffle(
        key, sealed, witness=lambda *args: seen.append(args), workers=workers))
    rows.append(("shuffle (re-encrypt, permute)", wall, cpu))
    _, _, permutation, randomness = seen[0]
    shuffle_proof._generators.clear()
    wall, cpu, proof = timed(lambda: shuffle_proof.prove_shuffle(
        key, sealed, mixed, permutation, randomness, workers=workers))
    rows.append(("prove_shuffle", wall, cpu))
    shuffle_proof._generators.clear()
    wall, cpu, _ = timed(lambda: shuffle_proof.check_shuffle(key, sealed, mixed, proof,
                                                             workers=workers))
    rows.append(("check_shuffle", wall, cpu))
    return rows, proof


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", default="1000,10000")
    parser.add_argument("--widths", default="2,4")
    parser.add_argument("--workers", default="1,2")
    options = parser.parse_args()
    key = group.base_mult(group.random_scalar())
    rows = []
    for count in (int(n) for n in options.ballots.split(",")):
        for width in (int(w) for w in options.widths.split(",")):
            sealed = [elgamal.encrypt_ranking(key, list(range(n % (width + 1))), width)
                      for n in range(count)]
            for workers in (int(w) for w in options.workers.split(",")):
                measured, proof = measure(key, sealed, workers)
                rows += [(count, width, workers, *row) for row in measured]
            size = len(json.dumps(shuffle_file.encode_proof(proof)))
            print(f"{count:,} ballots of width {width}: proof JSON {size / 1e6:.2f} MB "
                  f"({size / count:.0f} bytes a ballot)", flush=True)
    print()
    print(f"{'ballots':>8} {'width':>5} {'threads':>7}  {'operation':<30} {'wall s':>8} "
          f"{'CPU s':>8} {'µs/ballot':>10} {'Labour 2016 min':>16}")
    for count, width, workers, name, wall, cpu in rows:
        print(f"{count:>8,} {width:>5} {workers:>7}  {name:<30} {wall:>8.2f} {cpu:>8.2f} "
              f"{wall / count * 1e6:>10.0f} {wall / count * LABOUR_2016 / 60:>16.1f}")


if __name__ == "__main__":
    main()
