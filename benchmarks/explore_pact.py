"""Time the pact builder: the server's answer to a slider move, and the page's first render.

    python benchmarks/explore_pact.py                  # everything
    python benchmarks/explore_pact.py --no-browser     # the server's recomputes only
    python benchmarks/explore_pact.py --repeats 100

Input: GE2019 read from the publishers' files (``$PSEPHOS_DATA/uk/raw``, default
``../shared/data/uk/raw``). Scenario: the issue's five-party alliance (Lab, LD, Green, SNP,
PC), best-placed stands, full transfer.

Prints the median and 95th percentile over ``--repeats`` of:

* a recompute of the central projection: ``GET /api/explore/pact`` in this process
  (Django's test client: parsing, `run_pact`, the view and the JSON), each time with a
  different Green transfer share, as a slider sends them (goal: 50 ms);
* the same with 1,000 draws (goal: 300 ms);
* the page's first render in Debian's headless chromium against the real server
  (`psephos serve`): navigation start to the map drawn, i.e. the first frame after the
  load event, which the server-drawn map is part of (Performance API timings; goal: 1 s),
  each in a fresh browser context (nothing cached), beside the navigation's own
  milestones.

The server's elections are loaded once before timing (as a running server has them). A
benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

SCENARIO = ("election=ge2019&alliance=lab&alliance=ld&alliance=green&alliance=snp&alliance=pc"
            "&stand_aside=best-placed")
GOALS = {"central": 0.050, "draws": 0.300, "page": 1.0}
#: Set on every new document: the time of the first frame after the load event.
MAP_DRAWN = """window.addEventListener('load', () => requestAnimationFrame(() =>
  requestAnimationFrame(() => { window.__mapDrawn = document.getElementById('pact-map')
    ? performance.now() : -1; })));"""


def data_mirror() -> Path:
    root = Path(os.environ.get("PSEPHOS_DATA", REPO.parent / "shared" / "data"))
    return root / "uk" / "raw"


def summary(name: str, times: list[float], goal: float) -> str:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else median
    met = "met" if p95 <= goal else ("median met, p95 not" if median <= goal else "MISSED")
    return (f"{name:<44} median {1000 * median:7.1f} ms   p95 {1000 * p95:7.1f} ms   "
            f"(goal {1000 * goal:.0f} ms: {met}; {len(times)} runs)")


def timed(repeats: int, work: Callable[[int], Any]) -> list[float]:
    work(-1)  # warm-up
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        work(i)
        times.append(time.perf_counter() - start)
    return times


def server_recomputes(repeats: int, folder: Path) -> None:
    os.environ["PSEPHOS_MIRROR"] = str(data_mirror())
    os.environ.setdefault("PSEPHOS_DATA_DIR", str(folder))
    from psephos.web import setup

    setup(f"sqlite:///{folder / 'bench.sqlite3'}")
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()

    def recompute(i: int, extra: str = "") -> None:
        share = (i % 21) / 20 if i >= 0 else 1.0  # 0, 0.05, ... 1: a slider's steps
        response = client.get(f"/api/explore/pact?{SCENARIO}&transfer_green={share}{extra}")
        assert response.status_code == 200, response.content[:300]

    print(summary("recompute, central projection (server)", timed(repeats, recompute),
                  GOALS["central"]))
    print(summary("recompute, 1,000 draws (server)",
                  timed(max(repeats // 2, 5), lambda i: recompute(i, "&draws=1000&seed=1")),
                  GOALS["draws"]))
    page = timed(max(repeats // 2, 5), lambda i: client.get(f"/explore/pact?{SCENARIO}"))
    print(summary("the page's HTML (server, map included)", page, GOALS["page"]))


def first_renders(repeats: int, folder: Path) -> None:
    from tests.web.browser import chromium
    from tests.web.live import serve

    env = {**os.environ, "PSEPHOS_DATA_DIR": str(folder), "PSEPHOS_MIRROR": str(data_mirror()),
           "PYTHONPATH": str(REPO / "src")}
    env.pop("PSEPHOS_DATABASE_URL", None)
    with serve(f"sqlite:///{folder / 'live.sqlite3'}", env) as live, chromium() as browser:
        url = f"{live.url}explore/pact?{SCENARIO}"
        drawn: list[float] = []
        milestones: dict[str, list[float]] = {"responseEnd": [], "domContentLoadedEventEnd": [],
                                              "loadEventEnd": []}
        for run in range(repeats + 1):
            context = browser.new_context()
            context.add_init_script(MAP_DRAWN)
            page = context.new_page()
            page.goto(url, wait_until="load")
            page.wait_for_function("() => window.__mapDrawn !== undefined")
            timing = page.evaluate("""() => { const n = performance.getEntriesByType(
                'navigation')[0]; return {responseEnd: n.responseEnd,
                domContentLoadedEventEnd: n.domContentLoadedEventEnd,
                loadEventEnd: n.loadEventEnd, drawn: window.__mapDrawn}; }""")
            context.close()
            if timing["drawn"] < 0:
                raise SystemExit("the page drew no map")
            if run:  # the first navigation warms the server's caches
                drawn.append(timing["drawn"] / 1000)
                for name, values in milestones.items():
                    values.append(timing[name] / 1000)
        print(summary("first render: navigation to map drawn (chromium)", drawn, GOALS["page"]))
        for name, values in milestones.items():
            print(f"  {name:<42} median {1000 * statistics.median(values):7.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="psephos-explore-bench-") as name:
        folder = Path(name)
        server_recomputes(args.repeats, folder)
        if not args.no_browser:
            first_renders(max(args.repeats // 4, 5), folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
