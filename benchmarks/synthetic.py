"""Deterministic synthetic ballots for the benchmarks (no peers, no timing here).

Each ballot is drawn from a two-bloc Plackett-Luce model (a voter's bloc fixes the
candidates' weights; a full order is sampled with the Gumbel-max trick) and then
truncated to a random length, so rankings are partial as on real ballot papers.
With 8 candidates there are 109,600 possible truncated rankings; 1M ballots give
about 100k distinct ones, 100k about 35k and 10k about 6k.

The same seed gives the same ballots on every machine (numpy's PCG64 stream).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

SEED = 20_261_126
N_CANDIDATES = 8

#: Plackett-Luce weights of the candidates C0..C7 in each bloc, and the blocs' shares.
BLOC_WEIGHTS = (
    (1.30, 1.00, 1.20, 0.90, 0.85, 0.80, 0.75, 0.70),
    (1.00, 1.35, 0.90, 1.10, 0.85, 0.80, 0.75, 0.70),
)
BLOC_SHARES = (0.52, 0.48)
#: Probability that a ballot ranks exactly 1, 2, ..., 8 candidates.
LENGTH_SHARES = (0.06, 0.07, 0.08, 0.09, 0.10, 0.12, 0.16, 0.32)

Rankings = npt.NDArray[np.int32]


def candidate_names(n: int = N_CANDIDATES) -> list[str]:
    return [f"C{i}" for i in range(n)]


def generate_ballots(n_ballots: int, seed: int = SEED) -> Rankings:
    """``n_ballots`` rankings as an (n_ballots, 8) matrix of candidate indices, -1 after the end."""
    rng = np.random.Generator(np.random.PCG64(seed))
    bloc = rng.choice(len(BLOC_SHARES), size=n_ballots, p=BLOC_SHARES)
    log_weights = np.log(np.asarray(BLOC_WEIGHTS))[bloc]
    keys = log_weights + rng.gumbel(size=(n_ballots, N_CANDIDATES))
    order = np.argsort(-keys, axis=1, kind="stable").astype(np.int32)
    lengths = rng.choice(np.arange(1, N_CANDIDATES + 1), size=n_ballots, p=LENGTH_SHARES)
    order[np.arange(N_CANDIDATES)[None, :] >= lengths[:, None]] = -1
    return order


def aggregate(ballots: Rankings) -> dict[tuple[int, ...], int]:
    """Distinct rankings (tuples of candidate indices) -> number of ballots, in first-seen order."""
    keys = _row_keys(ballots)
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    merged: dict[tuple[int, ...], int] = {}
    for i in np.argsort(first, kind="stable"):
        row = ballots[first[i]]
        merged[tuple(int(c) for c in row[row >= 0])] = int(counts[i])
    return merged


def _row_keys(ballots: Rankings) -> npt.NDArray[np.int64]:
    """One integer per ranking (the row read as a number in base n + 1), equal iff rows are."""
    base = N_CANDIDATES + 1
    powers = base ** np.arange(ballots.shape[1] - 1, -1, -1, dtype=np.int64)
    return (ballots.astype(np.int64) + 1) @ powers


def write_cvr_csv(path: Path, ballots: Rankings, names: Sequence[str]) -> None:
    """One row per ballot (``rank1..rank8``, empty cells after the last preference)."""
    width = ballots.shape[1]
    _, first, inverse = np.unique(_row_keys(ballots), return_index=True, return_inverse=True)
    lines = [",".join(names[c] if c >= 0 else "" for c in ballots[i].tolist()) for i in first]
    header = ",".join(f"rank{i}" for i in range(1, width + 1))
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        handle.write("\n".join(lines[i] for i in inverse.ravel().tolist()))
        handle.write("\n")


def write_grouped_csv(path: Path, merged: dict[tuple[str, ...], int], width: int) -> None:
    """One row per distinct ranking with a ``count`` column."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([f"rank{i}" for i in range(1, width + 1)] + ["count"])
        for ranking, count in merged.items():
            writer.writerow(list(ranking) + [""] * (width - len(ranking)) + [count])
