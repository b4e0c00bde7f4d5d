"""`/explore/count` and `/api/explore/count`: the same figures and files as `psephos count`.

Expected values come from running the real command on the same file (a subprocess), never
from the page under test.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from psephos.contests.models import Contest
from tests.conftest import REPO

ALMOND = ("blt_files", "10_cands", "edinburgh_2017_ward1.blt")
#: A BLT file whose third line names candidate "x": a bad preference on line 3.
BAD_BLT = b'3 1\n1 1 2 0\n2 x 0\n0\n"A"\n"B"\n"C"\n"Bad"\n'


def cli(path: Path, *args: str) -> bytes:
    """What ``psephos count PATH ARGS`` prints on standard output."""
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(path), *args],
                          capture_output=True, check=True, cwd=REPO)
    return done.stdout


def cli_summary(path: Path, folder: Path, *args: str) -> bytes:
    """The file ``psephos count PATH --rctab-summary FILE`` writes."""
    out = folder / "summary.json"
    subprocess.run([sys.executable, "-m", "psephos", "count", str(path), *args,
                    "--rctab-summary", str(out)], capture_output=True, check=True, cwd=REPO)
    return out.read_bytes()


@pytest.fixture(scope="module")
def almond(scotland_stv: Path) -> Path:
    return scotland_stv.joinpath(*ALMOND)


def upload(client: Client, path: Path, **fields: str) -> Any:
    with path.open("rb") as handle:
        return client.post("/explore/count", {"file": handle, **fields})


def stage_table(page: str) -> dict[str, list[str]]:
    """The stage table's rows as the page prints them: row heading -> cells."""
    table = re.search(r'<table id="stage-table">(.*?)</table>', page, re.S)
    assert table is not None
    rows: dict[str, list[str]] = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S):
        heading = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if heading is None:
            continue
        name = html.unescape(re.sub(r"<span.*?</span>", "", heading.group(1)).strip())
        rows[name] = [html.unescape(c) for c in re.findall(r'<td class="num">(.*?)</td>', row)]
    return rows


def test_the_stage_table_is_psephos_count_json_stage_by_stage(almond: Path) -> None:
    expected = json.loads(cli(almond, "--json"))
    response = upload(Client(), almond)
    assert response.status_code == 200
    page = response.content.decode()
    rows = stage_table(page)
    for name in expected["candidates"]:
        assert rows[name] == [stage["tallies"][name] for stage in expected["stages"]], name
    assert rows["Non-transferable"] == [stage["exhausted"] for stage in expected["stages"]]
    assert rows["Lost to rounding"] == [stage["lost"] for stage in expected["stages"]]
    assert f'<dd id="quota">{expected["quota"]}</dd>' in page
    assert "Elected: " + ", ".join(expected["elected"]) in html.unescape(page)
    assert "No lot was drawn" in page and expected["lots"] == []


def test_the_chart_flows_on_the_page_are_the_counts_transfers(almond: Path) -> None:
    """The flows the page hands its chart move exactly each stage's changes."""
    expected = json.loads(cli(almond, "--json"))
    page = upload(Client(), almond).content.decode()
    block = re.search(r'<script id="count-flows" type="application/json">(.*?)</script>',
                      page, re.S)
    assert block is not None
    flows = json.loads(block.group(1))
    check_flows_match_stages(flows["flows"], expected)


def check_flows_match_stages(flows: list[dict[str, str]], expected: dict[str, Any]) -> None:
    """Each stage's transfer flows: from its one subject, to each candidate its change, to
    the piles the stage's new non-transferable and lost votes (all from ``psephos count``)."""
    names = expected["candidates"]
    stages = expected["stages"]
    for previous, stage in itertools.pairwise(stages):
        moved = [f for f in flows if int(f["stage"]) == stage["number"]
                 and f["kind"] == "transfer"]
        (subject,) = stage["subjects"]
        source = f"s{previous['number']}-c{names.index(subject)}"
        assert {f["source"] for f in moved} == {source}
        into = {f["target"]: Decimal(f["votes"]) for f in moved}
        for c, name in enumerate(names):
            change = Decimal(stage["changes"][name])
            if change > 0:
                assert into.pop(f"s{stage['number']}-c{c}") == change, (stage["number"], name)
        gone = Decimal(stage["exhausted"]) - Decimal(previous["exhausted"])
        lost = Decimal(stage["lost"]) - Decimal(previous["lost"])
        assert into.pop(f"s{stage['number']}-non-transferable", Decimal(0)) == gone
        assert into.pop(f"s{stage['number']}-lost", Decimal(0)) == lost
        assert into == {}
        assert sum(Decimal(f["votes"]) for f in moved) == -Decimal(
            stage["changes"][subject]), stage["number"]


@pytest.mark.parametrize("kind", ["json", "csv", "rctab"])
def test_downloads_are_byte_for_byte_what_the_cli_writes(almond: Path, kind: str,
                                                         tmp_path: Path) -> None:
    expected = {"json": lambda: cli(almond, "--json"), "csv": lambda: cli(almond, "--csv"),
                "rctab": lambda: cli_summary(almond, tmp_path)}[kind]()
    client = Client()
    response = upload(client, almond, output=kind)
    assert response.status_code == 200
    assert response.content == expected
    assert response["Content-Disposition"].startswith("attachment; ")
    # The result page carries the same bytes in its download links (nothing kept server-side).
    page = upload(client, almond).content.decode()
    link = re.search(rf'<a href="data:[^;]+;charset=utf-8;base64,([^"]+)" download="[^"]+" '
                     rf'data-output="{kind}">', page)
    assert link is not None
    assert base64.b64decode(link.group(1)) == expected


def test_options_reach_the_rule_as_on_the_command_line(almond: Path) -> None:
    expected = cli(almond, "--json", "--method", "meek", "--seats", "3", "--option",
                   "split=openstv")
    response = upload(Client(), almond, method="meek", seats="3", options="split=openstv",
                      output="json")
    assert response.content == expected


def test_every_lot_drawn_is_listed_as_the_cli_records_it(tmp_path: Path) -> None:
    tied = tmp_path / "tied.csv"
    tied.write_text("rank1\nAnna\nBen\nCara\nAnna\nBen\n", encoding="utf-8")
    expected = json.loads(cli(tied, "--json", "--method", "plurality", "--seed", "7"))
    assert expected["lots"], "the file must need a lot"
    page = html.unescape(upload(Client(), tied, method="plurality", seed="7").content.decode())
    for lot in expected["lots"]:
        assert (f"Stage {lot['stage']}: {', '.join(lot['tied'])} were tied ({lot['purpose']});"
                f" {lot['chosen']} was chosen by {lot['how']}.") in page


def test_an_example_is_counted_by_name() -> None:
    example = REPO / "examples" / "example-ward.blt"
    response = Client().post("/explore/count", {"example": example.name, "output": "csv"})
    assert response.status_code == 200
    assert response.content == cli(example, "--csv")


def test_a_bad_file_is_refused_inline_with_its_line_and_nothing_is_kept(
        tmp_path: Path) -> None:
    bad = tmp_path / "ward.blt"
    bad.write_bytes(BAD_BLT)
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(bad)],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2
    cli_message = done.stderr.strip().removeprefix("psephos: ").removeprefix(f"{bad}")
    before = sorted(Path(tempfile.gettempdir()).glob("psephos-count-*"))
    contests = Contest.objects.count()
    response = upload(Client(), bad)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "ward.blt:3: preference: expected a candidate number" in page
    assert f"ward.blt{cli_message}" in page, cli_message  # the CLI's words, the same file
    assert "Traceback" not in page and str(tmp_path) not in page
    assert 'class="error-summary"' in page
    assert sorted(Path(tempfile.gettempdir()).glob("psephos-count-*")) == before
    assert Contest.objects.count() == contests


def test_a_file_and_an_example_together_or_neither_is_a_400() -> None:
    client = Client()
    assert client.post("/explore/count", {}).status_code == 400
    with (REPO / "examples" / "example-ward.blt").open("rb") as handle:
        both = client.post("/explore/count", {"file": handle, "example": "example-ward.blt"})
    assert both.status_code == 400
    assert b"not both" in both.content


@override_settings(PSEPHOS_EXPLORE_UPLOAD_MB=0.001)
def test_an_upload_over_the_limit_is_refused_with_413(almond: Path) -> None:
    page = upload(Client(), almond)
    assert page.status_code == 413
    assert b"the largest this site counts is 0.001 MB" in page.content
    api = Client().post("/api/explore/count", {"file": almond.open("rb")})
    assert api.status_code == 413
    assert "largest this site counts" in api.json()["message"]


def test_the_api_answers_the_cli_json_and_the_flows(almond: Path) -> None:
    client = Client()
    with almond.open("rb") as handle:
        response = client.post("/api/explore/count", {"file": handle})
    assert response.status_code == 200
    body = response.json()
    expected = json.loads(cli(almond, "--json"))
    assert body["count"] == expected
    check_flows_match_stages(body["flows"]["flows"], expected)
    with almond.open("rb") as handle:
        file = client.post("/api/explore/count", {"file": handle, "output": "csv"})
    assert file.content == cli(almond, "--csv")


def test_the_api_says_what_is_wrong_with_a_bad_file() -> None:
    bad = SimpleUploadedFile("ward.blt", BAD_BLT)
    response = Client().post("/api/explore/count", {"file": bad})
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "ward.blt:3: preference: expected a candidate number")


def test_the_api_is_documented_in_openapi() -> None:
    schema = Client().get("/api/openapi.json").json()
    post = schema["paths"]["/api/explore/count"]["post"]
    fields = post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"file", "example", "method", "seats", "output"} <= set(fields)
    assert {"200", "400", "413"} <= set(post["responses"])
    choices = Client().get("/api/explore/count/choices").json()
    from psephos.rules.registry import RULES

    assert [rule["name"] for rule in choices["rules"]] == list(RULES)
    assert "example-ward.blt" in choices["examples"]


def test_the_pages_pass_the_accessibility_smoke_check(almond: Path) -> None:
    from tests.web.a11y import problems

    client = Client()
    for response, status in ((client.get("/explore/count"), 200), (upload(client, almond), 200),
                             (client.post("/explore/count", {}), 400)):
        assert response.status_code == status
        assert problems(response.content.decode()) == []


def test_the_form_is_protected_against_cross_site_posts() -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/explore/count", {"example": "example-ward.blt"})
    assert refused.status_code == 403
    page = client.get("/explore/count").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    counted = client.post("/explore/count", {"example": "example-ward.blt",
                                             "csrfmiddlewaretoken": token.group(1)})
    assert counted.status_code == 200
