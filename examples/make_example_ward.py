"""Make examples/example-ward.blt: a synthetic three-seat ward (fictional candidates).

Run from the repository root: python examples/make_example_ward.py
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

CANDIDATES = [
    ("Morag ANDERSON", "SNP"), ("Callum BROWN", "Lab"), ("Fiona CAMPBELL", "Con"),
    ("Duncan FRASER", "LD"), ("Isla GRANT", "Grn"), ("Euan MACLEOD", "SNP"),
    ("Shona REID", "Lab"),
]
SUPPORT = [0.21, 0.17, 0.2, 0.1, 0.08, 0.13, 0.11]


def main() -> None:
    rng = random.Random(2016)
    ballots: Counter[tuple[int, ...]] = Counter()
    for _ in range(4321):
        order = list(range(len(CANDIDATES)))
        keys = {c: rng.random() ** (1 / SUPPORT[c]) for c in order}
        order.sort(key=lambda c: -keys[c])
        ballots[tuple(order[: rng.choice([1, 2, 3, 3, 4, 5, 7])])] += 1
    lines = [f"{len(CANDIDATES)} 3"]
    for ranking, weight in sorted(ballots.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(" ".join([str(weight), *(str(c + 1) for c in ranking), "0"]))
    lines.append("0")
    lines += [f'"{name} ({party})"' for name, party in CANDIDATES]
    lines.append('"Example Ward (synthetic ballots made by psephos)"')
    Path("examples/example-ward.blt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
