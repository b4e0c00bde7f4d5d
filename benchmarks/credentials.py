"""Public credentials and ballot signatures: what deriving, signing and verifying cost.

    python benchmarks/credentials.py                      # 10,000 signed ballots of width 4
    python benchmarks/credentials.py --ballots 2000 --width 10 --workers 2

Issuing credentials derives two per voter (the link's, cheap, and the postal code's,
stretched); casting derives one and signs; the board verifies every signature. Prints the
time of each, per item and per second, and what the postal code's stretching would cost at
other iteration counts (the trade-off of docs/verifiability.md, section 10.2).
"""

from __future__ import annotations

import argparse
import hashlib
import secrets
import statistics
import time
from collections.abc import Callable
from functools import partial

from psephos.crypto import ballot_signatures, credentials, elgamal, group

CONTEST = "benchmark-contest"


def new_link() -> str:
    return secrets.token_urlsafe(16)


def new_code() -> str:
    return "".join(secrets.choice(credentials.POSTAL_ALPHABET) for _ in range(16))


def median_ms(action: Callable[[], object], repeats: int) -> float:
    """The median wall-clock milliseconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--width", type=int, default=4)
    parser.add_argument("--voters", type=int, default=200, help="pairs derived for issuing")
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    rows: list[tuple[str, float, str]] = []
    link = median_ms(lambda: credentials.public_credential(credentials.private_credential(
        credentials.LINK, new_link(), CONTEST)), 200)
    postal = median_ms(lambda: credentials.public_credential(credentials.private_credential(
        credentials.POSTAL, new_code(), CONTEST)), 30)
    rows.append(("derive a link token's credential (1 iteration) + x·G", link, "median"))
    rows.append((f"derive a postal code's credential ({credentials.POSTAL_ITERATIONS:,} "
                 "iterations) + x·G", postal, "median"))

    voters = [(new_link(), new_code()) for _ in range(options.voters)]
    for workers in (1, options.workers):
        started, cpu = time.perf_counter(), time.process_time()
        credentials.credential_pairs(voters, CONTEST, workers=workers)
        per_voter = (time.perf_counter() - started) * 1000 / len(voters)
        cpu_ms = (time.process_time() - cpu) * 1000 / len(voters)
        rows.append((f"issue: a voter's pair, {len(voters)} voters on {workers} thread(s)",
                     per_voter, f"{1000 / per_voter:,.0f} voters/s; CPU {cpu_ms:.2f} ms each"))

    key = group.base_mult(group.random_scalar())
    ballot = elgamal.encrypt_ranking(key, list(range(options.width)), options.width)
    privates = [group.random_scalar() for _ in range(options.ballots)]
    started = time.perf_counter()
    signed = [(group.base_mult(x), ballot, ballot_signatures.sign_ballot(x, CONTEST, ballot))
              for x in privates]
    per_sign = (time.perf_counter() - started) * 1000 / len(signed)
    rows.append(("sign a ballot (and x·G)", per_sign, f"{1000 / per_sign:,.0f}/s"))
    for workers in (1, options.workers):
        started, cpu = time.perf_counter(), time.process_time()
        results = ballot_signatures.verify_ballots(CONTEST, signed, workers=workers)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert all(results)
        rows.append((f"verify {len(signed):,} signatures on {workers} thread(s)",
                     elapsed * 1000 / len(signed), f"{len(signed) / elapsed:,.0f}/s, "
                     f"{elapsed:.2f} s in all; CPU {cpu * 1000 / len(signed):.3f} ms each"))
    started = time.perf_counter()
    for public, sealed, signature in signed:
        ballot_signatures.ballot_tracker(CONTEST, public, sealed, signature)
    per_tracker = (time.perf_counter() - started) * 1000 / len(signed)
    rows.append(("tracker of a signed ballot", per_tracker, f"{1000 / per_tracker:,.0f}/s"))

    print(f"ballots of width {options.width} ({64 * options.width} bytes)\n")
    print(f"| {'operation':<72} | {'ms each':>8} | notes |")
    print(f"|{'-' * 74}|{'-' * 10}|-------|")
    for name, ms, note in rows:
        print(f"| {name:<72} | {ms:>8.3f} | {note} |")

    print("\nPBKDF2-HMAC-SHA-512, 64 bytes out, one postal code (median of 5):\n")
    print("| iterations | ms |")
    print("|---|---|")
    salt = credentials.salt(credentials.POSTAL, CONTEST)
    for iterations in (1_000, 10_000, 20_000, 50_000, 100_000):
        ms = median_ms(partial(hashlib.pbkdf2_hmac, "sha512", new_code().encode(), salt,
                               iterations, 64), 5)
        print(f"| {iterations:,} | {ms:.2f} |")


if __name__ == "__main__":
    main()
