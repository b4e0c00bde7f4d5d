"""Counting a big ballot file through the explorer's endpoint against the command line.

    python benchmarks/explore_count.py                 # 1,000,000 synthetic ballots
    python benchmarks/explore_count.py --ballots 100000 --repeat 5

Writes a plain CSV of ``--ballots`` fixed-seed synthetic ballots (``benchmarks/synthetic.py``,
one row per ballot), then times, best of ``--repeat``:

* ``psephos count FILE --json`` as a user runs it (a new process each time: start-up,
  reading, counting, writing the JSON);
* ``POST /api/explore/count`` with the same file as a multipart upload to a real
  `psephos serve` on loopback (upload, reading, counting, the JSON answer), the same
  rule and seats.

Prints both times and their ratio (goal: the endpoint within 2x of the command line), and
checks that the endpoint's count equals the command line's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from cast_load import free_port, start_server, stop_server


def write_ballots(path: Path, n: int) -> None:
    synthetic.write_cvr_csv(path, synthetic.generate_ballots(n), synthetic.candidate_names())


def time_cli(path: Path, seats: int) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(path), "--json",
                           "--seats", str(seats)], capture_output=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def multipart(path: Path, fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields.items()]
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n').encode()
    body = b"".join(parts) + head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def time_endpoint(url: str, path: Path, seats: int) -> tuple[float, dict[str, object]]:
    body, kind = multipart(path, {"seats": str(seats)})
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": kind})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.loads(response.read())
    return time.perf_counter() - started, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="psephos-explore-bench-") as name:
        folder = Path(name)
        path = folder / f"synthetic-{args.ballots}.csv"
        write_ballots(path, args.ballots)
        size_mb = path.stat().st_size / 1048576
        os.environ["PSEPHOS_EXPLORE_UPLOAD_MB"] = str(int(size_mb) + 10)
        port = free_port()
        server = start_server(f"sqlite:///{folder / 'bench.sqlite3'}", port, 1, folder,
                              "serve")
        try:
            url = f"http://127.0.0.1:{port}/api/explore/count"
            cli_times, api_times = [], []
            for _ in range(args.repeat):
                elapsed, cli_count = time_cli(path, args.seats)
                cli_times.append(elapsed)
                elapsed, answer = time_endpoint(url, path, args.seats)
                api_times.append(elapsed)
                if answer["count"] != cli_count:
                    raise SystemExit("the endpoint's count differs from psephos count's")
        finally:
            stop_server(server)
    cli_best, api_best = min(cli_times), min(api_times)
    print(f"{args.ballots:,} ballots ({size_mb:.1f} MB CSV), {args.seats} seats, "
          f"best of {args.repeat}")
    print(f"psephos count --json:      {cli_best:.3f} s")
    print(f"POST /api/explore/count:   {api_best:.3f} s")
    print(f"ratio endpoint/CLI:        {api_best / cli_best:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main()
