"""Scottish Parliament 2016-2026 through the command line, and what a bad file gets.

A wrong shape, a browser-challenge page or a malformed seat must end in one message naming
the file and the seat and field (``seats[i] (name).p[j][1]``), exit status 2, and nothing in
the cache.
"""

from __future__ import annotations

import io
import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from psephos.uk import DataFileError, FetchError, get_election, load_scottish_parliament
from psephos.uk.catalogue import ELECTIONS
from tests.uk.conftest import FIXTURES

runner = CliRunner()
FILE = "holyrood-general-2021.json"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def mirror_of(tmp_path: Path, raw: Path, data: bytes | None = None) -> Path:
    """A flat mirror holding the 2021 file (or ``data`` in its place)."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    source = raw / "principalfish_holyrood" / FILE
    if data is None:
        shutil.copy(source, folder / FILE)
    else:
        (folder / FILE).write_bytes(data)
    return folder


def seats(raw: Path) -> dict[str, object]:
    document = json.loads((raw / "principalfish_holyrood" / FILE).read_text())
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize(("election", "seats_won"), [
    ("sp2016", {"snp": 63, "con": 31, "lab": 24, "green": 6, "ld": 5}),
    ("sp2021", {"snp": 64, "con": 31, "lab": 22, "green": 8, "ld": 4}),
    ("sp2026", {"snp": 58, "lab": 17, "reform": 17, "green": 15, "con": 12, "ld": 10}),
])
def test_results_json_and_table(election: str, seats_won: dict[str, int], raw: Path,
                                cache: Path) -> None:
    """`results --json`: the declared seats (README; 2026 unverified), the title, every
    region's rounds; the table shows the same totals."""
    code, out, _ = run("results", election, "--json", "--mirror", str(raw),
                       "--cache-dir", str(cache))
    assert code == 0
    data = json.loads(out)
    assert data["election"] == election and data["seats"] == seats_won
    assert data["title"] == ELECTIONS[election].title
    assert all(len(region["rounds"]) == 7 for region in data["regions"])
    code, out, _ = run("results", election, "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 0
    text = " ".join(out.split())
    snp_row = next(line for line in out.splitlines() if line.startswith("│ SNP "))
    assert snp_row.split("│")[4].strip() == str(seats_won["snp"])  # Party, Constituency, List
    assert "Highlands" in out
    if election == "sp2026":
        assert "unverified" in text and "not been checked against an official source" in text


def test_data_get_and_list_show_source_and_licence(raw: Path, cache: Path) -> None:
    code, out, _ = run("data", "get", "sp2021", "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 0 and out.count("copied:") == 1
    code, out, _ = run("data", "list", "--json", "--cache-dir", str(cache))
    listing = {e["election"]: e for e in json.loads(out)["elections"]}
    assert listing["sp2021"]["cached"] and not listing["sp2026"]["cached"]
    for election in ("sp2016", "sp2021", "sp2026"):
        first = listing[election]["files"][0]
        assert first["source"].startswith("principalfish/principalfish.github.io @ ")
        assert first["licence"].startswith("MIT")
        assert first["mirror_url"].startswith("https://raw.githubusercontent.com/principalfish/")
    code, out, _ = run("data", "list", "--cache-dir", str(cache))
    assert code == 0 and "sp2026" in out and "MIT" in out
    code, out, _ = run("results", "sp2021", "--json", "--cache-dir", str(cache))
    assert code == 0 and json.loads(out)["seats"]["snp"] == 64


def test_malformed_seat_names_the_seat_and_field(raw: Path, cache: Path,
                                                 tmp_path: Path) -> None:
    document = seats(raw)
    rows = document["seats"]
    assert isinstance(rows, list)
    rows[5]["p"][1][1] = "12x"
    bad = json.dumps(document).encode()
    folder = mirror_of(tmp_path, raw, bad)
    with pytest.raises(DataFileError) as caught:
        load_scottish_parliament("sp2021", mirror=folder, cache_dir=cache)
    name = rows[5]["n"]
    assert str(caught.value) == (f"{folder / FILE}: seats[5] ({name}).p[1][1]: expected a whole "
                                 "number of votes, found \"12x\"")
    code, out, err = run("results", "sp2021", "--mirror", str(folder), "--cache-dir", str(cache))
    assert code == 2 and not out and "Traceback" not in err
    assert f"seats[5] ({name}).p[1][1]" in err
    code, _, err = run("data", "get", "sp2021", "--mirror", str(folder), "--cache-dir",
                       str(cache))
    assert code == 2 and "SHA-256" in err
    assert not cache.exists() or not any(cache.iterdir())


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["seats"][0].pop("r"), "seats[0] (Aberdeen Central).r: expected a region id"),
    (lambda d: d["seats"][3].update(w=99), "seats[3] (Aberdeenshire East).w: expected a party id"),
    (lambda d: d["seats"].pop(20), "seats: expected Central Scotland List 1 to List 7"),
    (lambda d: d["seats"].pop(0), "seats: expected 73 constituencies, found 72"),
    (lambda d: d.update(schema="pf-results-v3"), "schema: expected 'pf-results-v4'"),
    (lambda d: d["seats"][0]["p"].append([8, 1]), "seats[0] (Aberdeen Central).p[6][0]: party 8 "
                                                  "appears twice"),
    (lambda d: d["seats"][15]["p"][0].__setitem__(1, 1),
     "seats[15].p: the list votes differ from those of seats[14]"),
    (lambda d: d["seats"][16].update(n="Central Scotland List ³"),
     "seats[16] (Central Scotland List ³).n: expected 'Central Scotland List k'"),
    (lambda d: d["seats"][17].update(n="Glasgow List 4"),
     "seats[17] (Glasgow List 4).n: expected 'Central Scotland List k' for region 59"),
])
def test_each_bad_field(change: object, expected: str, raw: Path, cache: Path,
                        tmp_path: Path) -> None:
    document = seats(raw)
    assert callable(change)
    change(document)
    folder = mirror_of(tmp_path, raw, json.dumps(document).encode())
    with pytest.raises(DataFileError) as caught:
        load_scottish_parliament("sp2021", mirror=folder, cache_dir=cache)
    assert str(caught.value).startswith(f"{folder / FILE}: {expected}"), str(caught.value)


def test_wrong_shape_is_refused_everywhere(raw: Path, cache: Path, tmp_path: Path) -> None:
    """A JSON list where the object belongs: `data get` and `data add` refuse it (nothing
    cached), `results` names the file and the top level; exit 2 each time."""
    folder = mirror_of(tmp_path, raw, json.dumps([{"n": "Aberdeen Central"}]).encode())
    code, _, err = run("data", "get", "sp2021", "--mirror", str(folder), "--cache-dir",
                       str(cache))
    assert code == 2 and "not a JSON object with the keys 'schema', 'seats'" in err
    code, _, err = run("data", "add", str(folder / FILE), "--any-checksum", "--cache-dir",
                       str(cache))
    assert code == 2 and "not a file psephos knows" in err
    assert not cache.exists() or not any(cache.iterdir())
    code, _, err = run("results", "sp2021", "--mirror", str(folder), "--cache-dir", str(cache))
    assert code == 2 and f"{folder / FILE}: (top level): expected a JSON object" in err


def test_a_challenge_page_is_not_cached(cache: Path) -> None:
    """Both the site and the GitHub copy answer with a browser check: refused, nothing cached."""
    page = (FIXTURES / "challenge.html").read_bytes()
    item = ELECTIONS["sp2021"].file("results")
    asked: list[str] = []

    def opener(request: urllib.request.Request) -> io.BytesIO:
        asked.append(request.full_url)
        if request.full_url in (item.url, item.mirror_url):
            return io.BytesIO(page)
        raise urllib.error.URLError("no network in tests")

    with pytest.raises(FetchError, match="a web page"):
        get_election("sp2021", cache_dir=cache, opener=opener)
    assert asked == [item.url, item.mirror_url]
    assert not cache.exists() or not any(cache.iterdir())
    code, _, err = run("data", "add", str(FIXTURES / "challenge.html"), "--cache-dir",
                       str(cache))
    assert code == 2 and "not a file psephos knows" in err


def test_download_from_the_github_copy(raw: Path, cache: Path) -> None:
    """The site's current file may differ; the copy at the pinned commit is then used."""
    item = ELECTIONS["sp2026"].file("results")
    body = (raw / "principalfish_holyrood" / item.name).read_bytes()

    def opener(request: urllib.request.Request) -> io.BytesIO:
        if request.full_url == item.mirror_url:
            return io.BytesIO(body)
        return io.BytesIO(body.replace(b'"w":8', b'"w":1', 1))  # a later edit

    fetched = get_election("sp2026", cache_dir=cache, opener=opener)
    assert [(f.action, f.source) for f in fetched] == [("downloaded", item.mirror_url)]
    assert (cache / item.name).read_bytes() == body
