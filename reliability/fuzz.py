"""Schemathesis against the API's own OpenAPI document (served at /api/openapi.json).

Two runs: one with every path parameter generated, one with ``slug`` bound to an open
contest so that the generated bodies and trackers reach the casting and board code
rather than a 404. Checks: ``not_a_server_error`` and ``response_schema_conformance``
(answers that match the document). The failed-code limit is lifted so that generated
credentials are looked up rather than answered 429. The server reads official results
from the shared data folder (``PSEPHOS_DATA``, default ``../shared/data``) as a deployed
explorer would have them fetched: without them its results endpoints answer 503, by design,
naming the ``psephos data get`` to run. Figures: test cases generated and the failures
schemathesis reports, by kind, and the 5xx answers in the server's log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness import Database, Server, make_contest
from report import Row

CHECKS = "not_a_server_error,response_schema_conformance"
SECONDS = 900


def _st(server: Server, examples: int, report: Path, config: Path | None) -> dict[str, object]:
    command = [str(Path(sys.executable).with_name("st"))]
    if config is not None:
        command += ["--config-file", str(config)]
    command += ["run", f"{server.base}/api/openapi.json", "--max-examples", str(examples),
                "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--seed", "1",
                "--workers", "1", "--no-color", "--generation-database", "none",
                "--report", "json", "--report-json-path", str(report),
                "--suppress-health-check", "all"]
    subprocess.run(command, capture_output=True, text=True, timeout=SECONDS, check=False,
                   cwd=report.parent)  # schemathesis keeps a folder of its own there
    loaded: dict[str, object] = json.loads(report.read_text())
    return loaded


def _operations(failure: dict[str, object]) -> str:
    names = failure.get("operations") or []
    assert isinstance(names, list)
    return ", ".join(str(n) for n in names[:4]) + (", ..." if len(names) > 4 else "")


def _server_errors_logged(server: Server, since: int) -> int:
    text = server.log.read_bytes()[since:].decode("utf-8", "replace")
    return text.count("Internal Server Error") + text.count("casting a ballot failed")


def _run(db: Database, server: Server, examples: int, slug: str | None) -> Row:
    folder = db.folder / "schemathesis"
    folder.mkdir(exist_ok=True)
    config = None
    if slug is not None:
        config = folder / "schemathesis.toml"
        config.write_text(f'[parameters]\n"path.slug" = "{slug}"\n')
    since = server.log.stat().st_size if server.log.exists() else 0
    report = _st(server, examples, folder / f"report-{slug or 'any'}.json", config)
    cases = report.get("test_cases") or {}
    assert isinstance(cases, dict)
    failures = report.get("failures") or []
    assert isinstance(failures, list)
    errors = report.get("errors") or []
    assert isinstance(errors, list)
    # A fault inside schemathesis itself (seen: CPython 3.11's ast.parse under threads)
    # is shown, but it is not the server's failure.
    tool = [e for e in errors if "runtime error" in str(e.get("title", "")).lower()]
    errors = [e for e in errors if e not in tool]
    server_errors = sum(int(f.get("count", 0)) for f in failures
                        if "server error" in str(f.get("title", "")).lower())
    schema = sum(int(f.get("count", 0)) for f in failures
                 if "schema" in str(f.get("title", "")).lower())
    logged = _server_errors_logged(server, since)
    kinds = "; ".join(f"{f.get('title')}: {f.get('count')} ({_operations(f)})"
                      for f in failures) or "none"
    errored = "; ".join(f"{e.get('title')}: {e.get('count')}" for e in errors + tool)
    where = "slug bound to an open contest" if slug else "every parameter generated"
    measured = (f"{examples} examples per operation, {where}: {cases.get('generated', 0)} test "
                f"cases; failures {kinds}; 5xx in the server log {logged}"
                + (f"; errors in the run {errored}" if errored else ""))
    met = server_errors == 0 and schema == 0 and logged == 0 and not errors \
        and bool(cases.get("generated"))
    return Row(f"schemathesis, {where}", db.label, "0 5xx, 0 schema violations", measured, met)


def _uk_mirror() -> dict[str, str]:
    """The official results the explorer's endpoints read, where the data folder has them."""
    data = Path(os.environ.get("PSEPHOS_DATA",
                               Path(__file__).resolve().parents[2] / "shared" / "data"))
    raw = data / "uk" / "raw"
    return {"PSEPHOS_MIRROR": str(raw)} if raw.is_dir() else {}


def schemathesis_run(db: Database, *, examples: int) -> list[Row]:
    slug, _ = make_contest(db, 5)
    env = {"PSEPHOS_FAILED_CODES_PER_MINUTE": "1000000", **_uk_mirror()}
    with Server(db, env=env) as server:
        return [_run(db, server, examples, None), _run(db, server, examples, slug)]
