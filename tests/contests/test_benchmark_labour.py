"""The full-size Labour 2016 benchmark, run small: it must reproduce the 2016 shape."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.contests.helpers import REPO

#: Corbyn's share of each section's first preferences in 2016.
SHARES = {"members": 168_216 / 285_176, "registered-supporters": 84_918 / 121_517,
          "affiliated-supporters": 60_075 / 99_745}


def test_labour_2016_benchmark_at_a_thousandth() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in {"PSEPHOS_DATA_DIR", "PSEPHOS_DATABASE_URL"}}
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "labour_2016.py"),
                           "--scale", "0.001"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "declaration equals the 2016 result scaled by 0.001" in out
    assert "electorate 654, ballots 507" in out  # each section rounded on its own
    rows = dict(re.findall(r"^(\S+-?\S*)\s+[\d,]+\s+([\d,]+\s+[\d,]+\s+[\d,]+)\s+[\d.]+$", out,
                           re.MULTILINE))
    assert set(rows) == set(SHARES), out
    for section, share in SHARES.items():
        ballots, corbyn, smith = (int(n.replace(",", "")) for n in rows[section].split())
        assert corbyn + smith == ballots
        assert abs(corbyn / ballots - share) < 0.01, (section, corbyn, ballots)
    for step in ("import members", "issue credentials", "cast through cast_ballot",
                 "postal import", "count and declare", "peak RSS"):
        assert step in out
    assert re.search(r"\d+ recorded, 2 rejected \(planted 2", out)
