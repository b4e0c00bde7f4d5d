"""Keep benchmarks/count_peers.py runnable: its data generator and psephos's side, at 1k ballots.

No peers are imported and nothing is timed against a limit; `make bench` does the real run.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from psephos.ballots.profile import pack
from psephos.ballots.readers import read_profile
from psephos.rules.alternative_vote import alternative_vote
from psephos.rules.stv_scotland import stv_scotland

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_generator_is_deterministic_and_truncated() -> None:
    synthetic = _load("synthetic")
    first = synthetic.generate_ballots(1000)
    assert (first == synthetic.generate_ballots(1000)).all()
    assert first.shape == (1000, synthetic.N_CANDIDATES)
    lengths = (first >= 0).sum(axis=1)
    assert lengths.min() >= 1 and lengths.max() == synthetic.N_CANDIDATES
    assert len(set(lengths.tolist())) > 1  # some rankings are partial


def test_csv_round_trip_and_psephos_count(tmp_path: Path) -> None:
    synthetic = _load("synthetic")
    peers = _load("count_peers")
    names = synthetic.candidate_names()
    ballots = synthetic.generate_ballots(1000)
    merged = synthetic.aggregate(ballots)
    assert sum(merged.values()) == 1000
    in_memory = pack(names, merged)

    path = tmp_path / "ballots.csv"
    synthetic.write_cvr_csv(path, ballots, names)
    from_file = read_profile(path)
    assert from_file.n_ballots == 1000
    # the peers' shared parser sees the same ballots as psephos's reader
    _, parsed = peers.read_ranked_csv(path)
    assert parsed == {tuple(names[c] for c in r): w for r, w in merged.items()}

    for count in (alternative_vote, lambda p: stv_scotland(p, 3)):
        assert count(from_file).elected_names == count(in_memory).elected_names

    grouped = tmp_path / "grouped.csv"
    synthetic.write_grouped_csv(grouped, dict(parsed), synthetic.N_CANDIDATES)
    assert read_profile(grouped).n_ballots == 1000


def test_worker_and_report_for_psephos_alone(tmp_path: Path) -> None:
    peers = _load("count_peers")
    datasets = peers.prepare_datasets(tmp_path, [1000], almond=False)
    (dataset,) = datasets
    result = peers.worker("psephos", dataset.path, dataset.stv_seats, runs=1, budget=0.0)
    for mode in ("e2e", "count"):
        for rule in peers.RULES:
            assert "error" not in result[mode][rule], result[mode][rule]
            assert len(result[mode][rule]["times"]) == 1
    assert len(result["count"]["stv"]["winners"]) == 3
    tables, summary, _ = peers.report(datasets, {("psephos", dataset.name): result},
                                      ["psephos"])
    assert any("psephos (stv_scotland)" in line for line in tables)
    assert "### Goals" in summary


def test_startup_benchmark_runs(tmp_path: Path) -> None:
    """benchmarks/startup.py runs its commands and writes its table (one run each, no pact)."""
    import subprocess

    table = tmp_path / "startup.md"
    subprocess.run([sys.executable, str(BENCHMARKS / "startup.py"), "--runs", "2", "--warmup",
                    "0", "--skip-pact", "--markdown", str(table)], check=True,
                   capture_output=True)
    text = table.read_text(encoding="utf-8")
    assert "| `psephos --version` | " in text
    assert "| `psephos count examples/example-ward.blt` | " in text
