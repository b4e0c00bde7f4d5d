"""The pact builder's page and endpoints give what ``psephos pact`` gives for the same scenario.

Every expected number is computed here by the command line on the same real results
(GE2019 from the House of Commons Library files in the data mirror), except the issue's
figures for the GE2019 progressive alliance (Con 300, 65 seats change hands), which are
the ones the pact model's golden tests hold.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from typer.testing import CliRunner

from psephos.cli.main import app
from tests.web.a11y import problems

ALLIANCE = ["lab", "ld", "green", "snp", "pc"]
#: The issue's scenario: GE2019, Lab + LD + Green + SNP + PC, best-placed stands, full transfer.
PROGRESSIVE = {"election": "ge2019", "alliance": ALLIANCE, "stand_aside": "best-placed"}
CLI_PROGRESSIVE = ["ge2019", "--alliance", ",".join(ALLIANCE), "--stand-aside", "best-placed",
                   "--transfer", "1.0"]


@pytest.fixture
def mirror(uk_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server reads the results from the data mirror, as the CLI does with --mirror."""
    raw = uk_data / "raw"
    monkeypatch.setenv("PSEPHOS_MIRROR", str(raw))
    return raw


def cli(mirror: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["pact", *args, "--mirror", str(mirror)])
    assert result.exit_code == 0, result.output
    return result.output


def cli_json(mirror: Path, *args: str) -> dict[str, Any]:
    return json.loads(cli(mirror, *args, "--json"))  # type: ignore[no-any-return]


def query(params: dict[str, Any]) -> str:
    return urlencode(params, doseq=True)


def api(params: dict[str, Any], path: str = "/api/explore/pact") -> Any:
    return Client().get(f"{path}?{query(params)}")


def test_the_issue_scenario_gives_what_the_cli_gives(mirror: Path) -> None:
    expected = cli_json(mirror, *CLI_PROGRESSIVE)
    # The issue's figures, which the CLI must give too.
    assert expected["seats"]["con"] == 300 and len(expected["flips"]) == 65
    answer = api(PROGRESSIVE)
    assert answer.status_code == 200
    data = answer.json()
    assert {row["party"]: row["after"] for row in data["parties"]} == {
        p: n for p, n in expected["seats"].items() if n or expected["seats_before"][p]}
    assert {row["party"]: row["before"] for row in data["parties"]} == {
        p: n for p, n in expected["seats_before"].items() if n or expected["seats"][p]}
    assert [(f["id"], f["margin_before"], f["margin_after"]) for f in data["flips"]] == [
        (f["id"], f["margin_before"], f["margin_after"]) for f in expected["flips"]]
    winners = {seat["id"]: seat["after"] for seat in data["seats"]}
    assert winners == {c["id"]: c["after"] for c in expected["constituencies"]}
    assert {s["id"] for s in data["seats"] if s["flipped"]} == {f["id"] for f in expected["flips"]}
    assert data["explain"] is None and data["draws"] is None


def test_the_page_without_script_shows_totals_flips_and_map(mirror: Path) -> None:
    expected = cli_json(mirror, *CLI_PROGRESSIVE)
    page = Client().get("/explore/pact?" + query(PROGRESSIVE))
    assert page.status_code == 200
    html = page.content.decode()
    con = re.search(r'<tr data-party="con">.*?<td class="num seats-after">(\d+)</td>', html)
    assert con is not None and int(con[1]) == expected["seats"]["con"] == 300
    flips = re.findall(r'<tr data-id="(\w+)">', html)
    assert flips == [f["id"] for f in expected["flips"]] and len(flips) == 65
    assert f"{len(flips)} seats change hands" in html
    assert html.count('class="hex hex-flipped"') == 65  # hatched on the map, not colour alone
    assert html.count('<a href="/explore/pact?') >= 650
    assert problems(html) == []
    # The address without parameters is the same scenario.
    bare = Client().get("/explore/pact").content.decode()
    assert re.findall(r'<tr data-id="(\w+)">', bare) == flips


def test_sorting_the_flip_list_by_name(mirror: Path) -> None:
    html = Client().get("/explore/pact?" + query({**PROGRESSIVE, "sort": "name"})).content
    names = re.findall(r'data-explain="\w+">([^<]+)</a>', html.decode())
    assert len(names) == 65 and names == sorted(names)


def test_a_green_transfer_of_nothing_gives_what_the_cli_gives(mirror: Path,
                                                              tmp_path: Path) -> None:
    scenario = tmp_path / "green-0.toml"
    scenario.write_text('election = "ge2019"\nalliance = ["lab", "ld", "green", "snp", "pc"]\n'
                        '[transfer.from.green]\nally = 0.0\n', encoding="utf-8")
    expected = cli_json(mirror, "--scenario", str(scenario))
    data = api({**PROGRESSIVE, "transfer_green": "0"}).json()
    assert {row["party"]: row["after"] for row in data["parties"]} == {
        p: n for p, n in expected["seats"].items() if n or expected["seats_before"][p]}
    assert len(data["flips"]) == len(expected["flips"])
    assert expected["seats"]["con"] != 300  # the slider changes the result


def test_poll_and_swing_give_what_the_cli_gives(mirror: Path) -> None:
    expected = cli_json(mirror, *CLI_PROGRESSIVE, "--swing", "uniform", "--swing-by", "nation",
                        "--poll", "con=0.40,lab=0.35", "--poll", "Scotland:snp=0.45")
    data = api({**PROGRESSIVE, "swing": "uniform", "swing_by": "nation",
                "poll": "con=0.40,lab=0.35; Scotland:snp=0.45"}).json()
    assert {row["party"]: row["after"] for row in data["parties"]} == {
        p: n for p, n in expected["seats"].items() if n or expected["seats_before"][p]}
    assert [f["id"] for f in data["flips"]] == [f["id"] for f in expected["flips"]]
    assert "poll=con%3D0.4%2Clab%3D0.35&poll=Scotland%3Asnp%3D0.45" in data["query"]


def test_a_rate_for_a_party_outside_the_alliance_is_not_used(mirror: Path) -> None:
    # A form sends every slider; only the allies' are part of the scenario.
    plain = api(PROGRESSIVE).json()
    assert api({**PROGRESSIVE, "transfer_con": "0.3"}).json() == plain


def test_draws_give_the_cli_intervals(mirror: Path) -> None:
    expected = cli_json(mirror, *CLI_PROGRESSIVE, "--draws", "300", "--seed", "5")
    data = api({**PROGRESSIVE, "draws": "300", "seed": "5"}).json()
    intervals = {row["party"]: [row["low"], row["high"]] for row in data["parties"]
                 if row["low"] is not None}
    assert intervals == {p: v for p, v in expected["intervals"].items() if p in intervals}
    assert intervals["con"][0] <= 300 <= intervals["con"][1]
    assert data["draws"]["n"] == 300 and data["draws"]["seed"] == 5


def test_explain_gives_the_cli_trace(mirror: Path) -> None:
    expected = cli_json(mirror, *CLI_PROGRESSIVE, "--explain", "Bury North")["explain"]
    data = api({**PROGRESSIVE, "explain": "bury north"}).json()
    trace = data["explain"]
    assert trace["id"] == expected["id"] and trace["after"] == expected["after"]
    assert [(r["name"], r["base"], r["after"]) for r in trace["rows"]] == [
        (r["name"], r["base"], r["after"]) for r in expected["rows"]]
    assert data["query"].endswith(f"explain={expected['id']}")
    page = Client().get(f"/explore/pact?{query(PROGRESSIVE)}&explain={expected['id']}")
    assert f"{expected['name']}, step by step" in page.content.decode()


def test_downloads_are_the_cli_outputs(mirror: Path, tmp_path: Path) -> None:
    params = {**PROGRESSIVE, "transfer_green": "0.5", "draws": "200", "seed": "3"}
    toml = api(params, "/api/explore/pact/scenario.toml")
    assert toml.status_code == 200 and "attachment" in toml["Content-Disposition"]
    scenario = tmp_path / "scenario.toml"
    scenario.write_bytes(toml.content)
    from_file = cli(mirror, "--scenario", str(scenario), "--json")
    downloaded = api(params, "/api/explore/pact/result.json")
    assert downloaded.status_code == 200
    assert downloaded.content.decode() == from_file  # byte for byte
    table = tmp_path / "seats.csv"
    cli(mirror, "--scenario", str(scenario), "--csv", str(table))
    sheet = api(params, "/api/explore/pact/result.csv").content.decode()
    assert sheet == table.read_text(encoding="utf-8")
    assert len(list(csv.DictReader(io.StringIO(sheet)))) == 650


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"draws": "many"}, "draws", "whole number"),
    ({"draws": "20000"}, "draws", "10,000"),
    ({"transfer_green": "1.5"}, "transfer_green", "between 0 and 1"),
    ({"transfer_green": "lots"}, "transfer_green", "number"),
    ({"alliance": ["lab"]}, "alliance", "at least two"),
    ({"alliance": ["lab", "nope"]}, "alliance", "choose one of"),
    ({"election": "ge2018"}, "election", "ge2019"),
    ({"ranked_at": "ge1997"}, "ranked_at", "choose one of"),
    ({"stand_aside": "con"}, "stand_aside", "choose one of"),
    ({"scope": "europe"}, "scope", "gb, uk, all"),
    ({"swing": "uniform"}, "poll", "needs poll shares"),
    ({"swing": "uniform", "poll": "con=lots"}, "poll", "party=share"),
    ({"explain": "Nowhere at all"}, "explain", "no constituency"),
])
def test_bad_parameters_are_400_naming_the_field(mirror: Path, params: dict[str, Any],
                                                 field: str, words: str) -> None:
    merged = {**PROGRESSIVE, **params}
    answer = api(merged)
    assert answer.status_code == 400
    message = answer.json()["message"]
    assert field in message and words in message, message
    page = Client().get("/explore/pact?" + query(merged))
    assert page.status_code == 400
    html = page.content.decode()
    assert field in html and words in html
    assert problems(html) == []
    for path in ("scenario.toml", "result.json", "result.csv"):
        assert api(merged, f"/api/explore/pact/{path}").status_code == 400


def test_missing_results_are_said_without_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("PSEPHOS_MIRROR", str(tmp_path))
    monkeypatch.setenv("PSEPHOS_CACHE", str(tmp_path / "cache"))
    answer = api({**PROGRESSIVE, "election": "ge2010"})
    assert answer.status_code == 503
    assert "psephos data get ge2010" in answer.json()["message"]
    assert str(tmp_path) not in answer.json()["message"]


def test_the_endpoints_are_in_the_openapi_schema() -> None:
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/explore/pact"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"election", "alliance", "stand_aside", "transfer_green", "poll", "draws", "seed",
            "explain"} <= names
    for path in ("scenario.toml", "result.json", "result.csv"):
        assert f"/api/explore/pact/{path}" in schema["paths"]


def test_answers_match_their_documented_schema(mirror: Path) -> None:
    from psephos.explore.api_pact import PactOut

    for params in (PROGRESSIVE, {**PROGRESSIVE, "draws": "100", "explain": "Bury North"},
                   {**PROGRESSIVE, "scope": "all", "explain": "Chorley"}):
        data = api(params).json()
        assert PactOut.model_validate(data).model_dump(mode="json") == data


def test_a_recompute_reads_no_file_again(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The results and the map's layout are read once per process, not per slider move."""
    import psephos.uk.general
    import psephos.uk.hexmaps

    assert Client().get("/explore/pact?" + query(PROGRESSIVE)).status_code == 200

    def read_again(*args: object) -> None:
        pytest.fail("a file was read again")

    monkeypatch.setattr(psephos.uk.general, "_read", read_again)
    monkeypatch.setattr(psephos.uk.hexmaps, "read_hex_layouts", read_again)
    for share in ("0", "0.35", "1"):
        assert api({**PROGRESSIVE, "transfer_green": share}).status_code == 200
    assert Client().get("/explore/pact?" + query(PROGRESSIVE)).status_code == 200


def test_the_benchmark_runs(uk_data: Path) -> None:
    """benchmarks/explore_pact.py stays runnable (its server part, two repeats)."""
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PSEPHOS_DATA": str(uk_data.parent), "PYTHONPATH": str(repo / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run([sys.executable, str(repo / "benchmarks" / "explore_pact.py"),
                          "--no-browser", "--repeats", "2"], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "recompute, central projection" in run.stdout and "1,000 draws" in run.stdout
