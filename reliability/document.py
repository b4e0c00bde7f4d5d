"""RELIABILITY.md: the harness's table with the commands, beside the anchors' promises.

The prose is in ``template.md`` beside this module, so that it changes with the code that
makes the figures; the file itself is written by
``python reliability/run.py --out RELIABILITY.md``.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path

from report import Row, summary, table

TEMPLATE = Path(__file__).with_name("template.md")


def _postgres_version() -> str:
    try:
        from cluster import _bin

        text = subprocess.run([str(_bin() / "pg_ctl"), "--version"], capture_output=True,
                              text=True, check=True).stdout
    except (OSError, RuntimeError, subprocess.CalledProcessError):
        return ""
    found = re.search(r"\d+(?:\.\d+)+", text)
    return f", PostgreSQL {found.group(0)}" if found else ""


def _run_line(quick: bool, minutes: float, loads: tuple[float, float]) -> str:
    size = "`--quick` (smaller runs)" if quick else "full size"
    return (f"Figures of one run at {size}, {minutes:.0f} minutes, on {os.cpu_count()} CPU "
            f"cores shared with other work (load average over a minute {loads[0]:.1f} at the "
            f"start, {loads[1]:.1f} at the end; {platform.system()}, Python "
            f"{platform.python_version()}{_postgres_version()}).")


def write_document(path: Path, rows: list[Row], *, quick: bool, minutes: float,
                   load_at_start: float) -> None:
    """Write the file whole (through a temporary file beside it) or not at all."""
    from run import FULL, QUICK

    sizes = QUICK if quick else FULL
    run = _run_line(quick, minutes, (load_at_start, os.getloadavg()[0]))
    text = TEMPLATE.read_text(encoding="utf-8").format(
        run=run, table=table(rows), summary=summary(rows), **vars(sizes))
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
